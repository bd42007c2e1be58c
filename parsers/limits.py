"""How much hostile input we read: every parsing limit in one place, and the raw-byte pre-scan.

`prescan` looks at the raw bytes with a few linear regex passes and refuses, with
`MessageParseError`, what would make mail-parser or the stdlib parser slow or deep:
a message too large, a header block or header field too long, too many or too deeply
nested MIME parts, and charsets whose decoders are quadratic. It runs before either
parser sees the bytes, so what passes parses in time roughly linear in its size.

`prescan` takes the limits it is given (tests use small ones); the readers further in
(body text, attachments, DOCX/XLSX) use `DEFAULT_LIMITS`.
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

    # One 25 MB attachment (settings.helpdesk.max_attachment_bytes) in base64, and text.
    max_message_bytes: int = 40 * _MIB
    max_header_bytes: int = 256 * 1024  # the top-level header block; real ones are < 30 KB
    max_header_field_bytes: int = 64 * 1024  # one (unfolded) field we decode
    max_parts: int = 500
    max_attachments: int = 60  # each is opened and read: more is a job for staff
    max_depth: int = 30  # multipart and message/rfc822 nesting
    max_params: int = 100  # ';' in one Content-Type / Content-Disposition
    max_text_chars: int = 100_000  # text kept per body and per attached file
    max_subject_chars: int = 2_000
    # Unpacked XML of one DOCX/XLSX: its parsers run at about 1 s per MB (openpyxl reads a
    # sheet without <dimension> twice); the XML of real forms is well under 1 MB.
    max_office_xml_bytes: int = 4 * _MIB
    max_sheets: int = 20


DEFAULT_LIMITS = ParseLimits()

# Decoders that take quadratic time on long input (punycode is O(n^2): 160 KB takes 24 s).
_SLOW_CODECS = frozenset({"punycode", "idna"})
# The patterns below run over a lower-cased copy and start with a literal, so the regex
# engine skips ahead with a fast search: a 27 MB message is scanned in about 0.3 s.
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_BOUNDARY = re.compile(rb'boundary\*?0?\*?[ \t]*=[ \t]*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))')
_NESTED_MESSAGE = re.compile(rb"\ncontent-type:[ \t\r\n]*message/(?:rfc822|global)\b")
_DASH_LINE = re.compile(rb"\n--([^\r\n]{1,202})")
# Lines starting with "--" we are willing to compare with the boundaries (SQL comments...).
_MAX_DASH_LINES = 200_000
_CHARSETS = (
    re.compile(rb'charset[ \t]*=[ \t]*"?([a-z0-9_.:+-]{1,40})'),
    re.compile(rb"=\?([a-z0-9_.:+-]{1,40})[?*]"),  # an RFC 2047 encoded word
    re.compile(rb"\*=[ \t]*([a-z0-9_.:+-]{1,40})'"),  # an RFC 2231 parameter
)
_DECODED_FIELD = re.compile(
    rb"\n(?:content-[a-z-]+|subject|from|to|cc|reply-to|date|message-id|references"
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
    low = b"\n" + raw.lower()  # offsets in `low` are one more than in `raw`
    _check_fields(low, limits)
    _check_charsets(low)
    _check_structure(raw, low, limits)


def _check_fields(low: bytes, limits: ParseLimits) -> None:
    """Every header field we decode, in any part, is short and has few parameters."""
    for match in _DECODED_FIELD.finditer(low):
        field = _unfolded(low, match.start() + 1, limits.max_header_field_bytes + 1)
        if len(field) > limits.max_header_field_bytes:
            name = match.group().decode("ascii", "replace").strip(": \t\n")
            raise MessageParseError(f"a {name} header is longer than the limit")
        if field.count(b";") > limits.max_params and field.startswith(b"content-"):
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


def _check_charsets(low: bytes) -> None:
    """No part or encoded word names a charset whose decoder is quadratic."""
    labels = {
        match.group(1).decode("ascii") for regex in _CHARSETS for match in regex.finditer(low)
    }
    for label in labels:
        if slow_codec(label):
            raise MessageParseError(f"the charset {label!r} is refused (a denial-of-service risk)")


def slow_codec(label: str) -> bool:
    """True for a charset label whose decoder we refuse to run (`"punycode"`, `"idna"`)."""
    try:
        return codecs.lookup(label.strip().strip('"')).name in _SLOW_CODECS
    except (LookupError, ValueError):
        return False  # unknown charsets are harmless: readers fall back to UTF-8


def _check_structure(raw: bytes, low: bytes, limits: ParseLimits) -> None:
    """At most `max_parts` MIME parts nested at most `max_depth` deep."""
    declared = _boundaries(raw, low)
    boundaries = {value for _, value in declared}
    if len(boundaries) > limits.max_parts:
        raise MessageParseError(f"the message has more than {limits.max_parts} MIME parts")
    if not boundaries and low.count(b"message/") <= limits.max_depth:
        return  # the common single-part message: nothing can nest
    if low.count(b"\n--") > _MAX_DASH_LINES:
        raise MessageParseError("the message has too many lines that look like MIME boundaries")
    events = [(offset, "open", value) for offset, value in declared]
    events += [(m.start(), "message", b"") for m in _NESTED_MESSAGE.finditer(low)]
    events += _delimiters(raw, low, boundaries, limits)
    parts, depth = _walk_events(sorted(events), limits)
    if parts > limits.max_parts:
        raise MessageParseError(f"the message has more than {limits.max_parts} MIME parts")
    if depth > limits.max_depth:
        raise MessageParseError(f"MIME parts are nested more than {limits.max_depth} deep")


def _boundaries(raw: bytes, low: bytes) -> list[tuple[int, bytes]]:
    """(offset, boundary) for every boundary parameter; the value keeps its case."""
    found = []
    for match in _BOUNDARY.finditer(low):
        group = 1 if match.group(1) is not None else 2
        start, end = match.span(group)
        found.append((match.start(), raw[start - 1 : end - 1].rstrip()))
    return found


def _delimiters(
    raw: bytes, low: bytes, boundaries: set[bytes], limits: ParseLimits
) -> list[tuple[int, str, bytes]]:
    """("next"/"close", boundary) events for the delimiter lines of declared boundaries."""
    events: list[tuple[int, str, bytes]] = []
    for match in _DASH_LINE.finditer(low):
        start, end = match.span(1)
        line = raw[start - 1 : end - 1].rstrip(b" \t\r")
        if line in boundaries:
            events.append((match.start(), "next", line))
        elif line.endswith(b"--") and line[:-2] in boundaries:
            events.append((match.start(), "close", line[:-2]))
        if len(events) > 2 * limits.max_parts:  # one delimiter per part, one end per multipart
            raise MessageParseError(f"the message has more than {limits.max_parts} MIME parts")
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
