"""How much hostile input we read: every parsing limit in one place, and the raw-byte pre-scan.

`prescan` looks at the raw bytes with a few linear regex passes and refuses, with
`MessageParseError`, what would make mail-parser or the stdlib parser slow or deep:
a message too large, a header block or header field too long, too many or too deeply
nested MIME parts, and charsets whose decoders are quadratic. It runs before either
parser sees the bytes; a message that passes is parsed in well under a second.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from helpdesk.errors import MessageParseError

_MIB = 1024 * 1024


@dataclass(frozen=True)
class ParseLimits:
    """What one message may hold before it is refused as unparseable (flagged for staff)."""

    # Two 25 MB attachments (settings.helpdesk.max_attachment_bytes) in base64 fit.
    max_message_bytes: int = 72 * _MIB
    max_header_bytes: int = 256 * 1024  # the top-level header block; real ones are < 30 KB
    max_header_field_bytes: int = 64 * 1024  # one (unfolded) field we decode
    max_parts: int = 500
    max_depth: int = 30  # multipart and message/rfc822 nesting
    max_params: int = 100  # ';' in one Content-Type / Content-Disposition
    max_text_chars: int = 100_000  # text kept per body and per attached file
    max_subject_chars: int = 2_000
    max_office_xml_bytes: int = 32 * _MIB  # unpacked XML inside one DOCX/XLSX
    max_sheets: int = 20


DEFAULT_LIMITS = ParseLimits()

# Decoders that take quadratic time on long input (punycode is O(n^2): 160 KB takes 24 s).
_SLOW_CODECS = frozenset({"punycode", "idna"})
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_BOUNDARY = re.compile(
    rb'(?i)\bboundary\*?0?\*?[ \t]*=[ \t]*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))'
)
_NESTED_MESSAGE = re.compile(rb"(?im)^content-type:[ \t\r\n]*message/(?:rfc822|global)\b")
_DASH_LINE = re.compile(rb"(?m)^--([^\r\n]{1,202})")
# Lines starting with "--" we are willing to compare with the boundaries (SQL comments...).
_MAX_DASH_LINES = 200_000
_CHARSET = re.compile(
    rb"(?i)(?:charset[ \t]*=[ \t]*\"?|=\?|\*=[ \t]*)([A-Za-z0-9_.:+-]{1,40})(?=[\"'?;\s]|$)"
)
_DECODED_FIELD = re.compile(
    rb"(?im)^(?:content-[a-z-]+|subject|from|to|cc|reply-to|date|message-id|references"
    rb"|in-reply-to|return-path)[ \t]*:"
)


def prescan(raw: bytes, limits: ParseLimits = DEFAULT_LIMITS) -> None:
    """Refuse (MessageParseError) bytes that break a limit; return None when they may be parsed."""
    if len(raw) > limits.max_message_bytes:
        megabytes = limits.max_message_bytes / _MIB
        raise MessageParseError(f"the message is larger than {megabytes:g} MB")
    end = _HEADER_END.search(raw, 0, limits.max_header_bytes + 4)
    if end is None and len(raw) > limits.max_header_bytes:
        raise MessageParseError(f"the header block is longer than {limits.max_header_bytes} bytes")
    _check_fields(raw, limits)
    _check_charsets(raw)
    _check_structure(raw, limits)


def _check_fields(raw: bytes, limits: ParseLimits) -> None:
    """Every header field we decode, in any part, is short and has few parameters."""
    for match in _DECODED_FIELD.finditer(raw):
        field = _unfolded(raw, match.start(), limits.max_header_field_bytes + 1)
        if len(field) > limits.max_header_field_bytes:
            name = match.group().decode("ascii", "replace").rstrip(": \t")
            raise MessageParseError(f"a {name} header is longer than the limit")
        if field.count(b";") > limits.max_params and field[:8].lower() == b"content-":
            raise MessageParseError(f"a MIME header has more than {limits.max_params} parameters")


def _unfolded(raw: bytes, start: int, cap: int) -> bytes:
    """The header field starting at `start` with its continuation lines, at most `cap` bytes."""
    position = start
    while position - start < cap:
        newline = raw.find(b"\n", position, start + cap)
        if newline < 0:
            return raw[start : min(len(raw), start + cap)]
        if raw[newline + 1 : newline + 2] not in (b" ", b"\t"):
            return raw[start:newline]
        position = newline + 1
    return raw[start : start + cap]


def _check_charsets(raw: bytes) -> None:
    """No part or encoded word names a charset whose decoder is quadratic."""
    for label in {match.group(1).decode("ascii") for match in _CHARSET.finditer(raw)}:
        if slow_codec(label):
            raise MessageParseError(f"the charset {label!r} is refused (a denial-of-service risk)")


def slow_codec(label: str) -> bool:
    """True for a charset label whose decoder we refuse to run (`"punycode"`, `"idna"`)."""
    try:
        return codecs.lookup(label.strip().strip('"')).name in _SLOW_CODECS
    except LookupError:
        return False  # unknown charsets are harmless: readers fall back to UTF-8


def _check_structure(raw: bytes, limits: ParseLimits) -> None:
    """At most `max_parts` MIME parts nested at most `max_depth` deep."""
    boundaries = {(m.group(1) or m.group(2)).rstrip() for m in _BOUNDARY.finditer(raw)}
    if len(boundaries) > limits.max_parts:
        raise MessageParseError(f"the message has more than {limits.max_parts} MIME parts")
    if not boundaries and raw.count(b"message/") <= limits.max_depth:
        return  # the common single-part message: nothing can nest
    if raw.count(b"\n--") > _MAX_DASH_LINES:
        raise MessageParseError("the message has too many lines that look like MIME boundaries")
    events = sorted(_structure_events(raw, boundaries))
    parts, depth = _walk_events(events, limits)
    if parts > limits.max_parts:
        raise MessageParseError(f"the message has more than {limits.max_parts} MIME parts")
    if depth > limits.max_depth:
        raise MessageParseError(f"MIME parts are nested more than {limits.max_depth} deep")


def _structure_events(raw: bytes, boundaries: set[bytes]) -> list[tuple[int, str, bytes]]:
    """(offset, "open"/"message"/"next"/"close", boundary) in the order they appear."""
    events: list[tuple[int, str, bytes]] = []
    for match in _BOUNDARY.finditer(raw):
        events.append((match.start(), "open", (match.group(1) or match.group(2)).rstrip()))
    for match in _NESTED_MESSAGE.finditer(raw):
        events.append((match.start(), "message", b""))
    if boundaries:
        for match in _DASH_LINE.finditer(raw):
            line = match.group(1).rstrip(b" \t\r")
            if line in boundaries:
                events.append((match.start(), "next", line))
            elif line.endswith(b"--") and line[:-2] in boundaries:
                events.append((match.start(), "close", line[:-2]))
    return events


def _walk_events(events: list[tuple[int, str, bytes]], limits: ParseLimits) -> tuple[int, int]:
    """Part count and the deepest nesting, as the stdlib parser would see them."""
    stack: list[bytes] = []  # b"" marks an attached message
    parts = depth = 0
    for _, kind, boundary in events:
        if kind in ("open", "message"):
            stack.append(boundary)
            depth = max(depth, len(stack))
        elif boundary in stack:
            # A delimiter of an outer boundary ends every part opened inside it.
            while stack and stack[-1] != boundary:
                stack.pop()
            if kind == "close":
                stack.pop()
            else:
                parts += 1
        if parts > limits.max_parts or depth > limits.max_depth:
            break
    return parts, depth
