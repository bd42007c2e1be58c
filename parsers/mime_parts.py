"""Walk a stdlib MIME tree: the readable body text and the attached files."""

from __future__ import annotations

import codecs
import mimetypes
import re
from collections.abc import Iterator
from email.header import decode_header, make_header
from email.message import Message
from email.utils import collapse_rfc2231_value

from helpdesk.errors import MessageParseError
from parsers.limits import DEFAULT_LIMITS, slow_codec
from parsers.names import display_name
from parsers.text import html_to_text
from parsers.types import Attachment

# Parts whose sub-messages are machine reports or a returned copy, never a request.
_OPAQUE = frozenset(
    {"message/delivery-status", "text/rfc822-headers", "message/disposition-notification"}
)
_FORWARD_MARK = "---------- Forwarded message ----------"
_MAX_DEPTH = 8


def body_parts_of(tree: Message, defects: list[str]) -> str:
    """The text/plain body, else the HTML body as text, plus any attached forwarded mail."""
    plain, html, inner = _collect(tree, defects)
    body = "\n".join(text for text in plain if text.strip())
    if not body.strip():
        # Markup is most of an HTML body; four times the text cap still holds the words.
        cap = DEFAULT_LIMITS.max_text_chars * 4
        body = "\n".join(html_to_text(text[:cap]) for text in html if text.strip())
    for message in inner:
        body += (
            f"\n\n{_FORWARD_MARK}\n{_forward_header(message)}\n{body_parts_of(message, defects)}"
        )
    # Every step reads the body with regexes (~0.1 s per MB each): a cap keeps a check fast.
    return body.strip("\n")[: DEFAULT_LIMITS.max_text_chars]


def _forward_header(message: Message) -> str:
    lines = []
    for name in ("From", "Date", "Subject"):
        value = message.get(name)
        if value is not None:
            lines.append(f"{name}: {decode_words(str(value))}")
    return "\n".join(lines) + "\n"


def _collect(tree: Message, defects: list[str]) -> tuple[list[str], list[str], list[Message]]:
    plain: list[str] = []
    html: list[str] = []
    inner: list[Message] = []
    for part, in_report in _leaves(tree):
        kind = part.get_content_type()
        if kind == "message/rfc822":
            if not in_report:
                payload = part.get_payload()
                inner.extend(
                    p
                    for p in (payload if isinstance(payload, list) else [])
                    if isinstance(p, Message)
                )
            continue
        if _is_attachment(part) or part.get_content_maintype() != "text":
            continue
        if kind == "text/plain":
            plain.append(part_text(part, defects))
        elif kind == "text/html":
            html.append(part_text(part, defects))
    return plain, html, inner


def _leaves(
    tree: Message, depth: int = 0, in_report: bool = False
) -> Iterator[tuple[Message, bool]]:
    """Leaf parts of this message (not of attached messages), with 'inside a report' flag."""
    if depth > _MAX_DEPTH:
        return
    kind = tree.get_content_type()
    if kind in _OPAQUE or kind == "message/rfc822":
        yield tree, in_report
        return
    if tree.is_multipart():
        payload = tree.get_payload()
        for child in payload if isinstance(payload, list) else []:
            if isinstance(child, Message):
                yield from _leaves(child, depth + 1, in_report or kind == "multipart/report")
        return
    yield tree, in_report


def attachments_of(tree: Message, defects: list[str], depth: int = 0) -> list[Attachment]:
    """Every attached file, including those of an attached (forwarded) message."""
    found: list[Attachment] = []
    for part, in_report in _leaves(tree):
        kind = part.get_content_type()
        if kind == "message/rfc822":
            if not in_report and depth < _MAX_DEPTH:
                payload = part.get_payload()
                for inner in payload if isinstance(payload, list) else []:
                    if isinstance(inner, Message):  # always, for a parsed message/rfc822
                        found.extend(attachments_of(inner, defects, depth + 1))
            continue
        if kind in _OPAQUE or not _is_attachment(part):
            continue
        found.append(_attachment(part, len(found) + 1, defects))
    if depth == 0 and len(found) > DEFAULT_LIMITS.max_attachments:
        raise MessageParseError(
            f"the message has {len(found)} attachments, more than the "
            f"{DEFAULT_LIMITS.max_attachments} the bot reads: staff should look at it"
        )
    return found


def _is_attachment(part: Message) -> bool:
    if part.get_content_disposition() == "attachment" or _raw_filename(part):
        return True
    return part.get_content_maintype() not in ("text", "multipart", "message")


def _attachment(part: Message, number: int, defects: list[str]) -> Attachment:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding: keep what we can say about it
        defects.append("undecodable attachment payload")
        data = b""
    kind = part.get_content_type()
    inline = part.get_content_disposition() != "attachment" and part.get("Content-ID") is not None
    return Attachment(
        filename=_filename(part, number),
        content_type=kind,
        data=data if isinstance(data, bytes) else b"",
        inline=inline,
    )


def _raw_filename(part: Message) -> str | None:
    try:
        name = part.get_filename() or part.get_param("name", header="content-type")
    except Exception:  # a malformed parameter list
        return None
    if isinstance(name, tuple):  # an undecoded RFC 2231 triple
        name = name[2]
    return str(name) if name else None


def _filename(part: Message, number: int) -> str:
    name = display_name(decode_words(_raw_filename(part) or ""))
    if name:
        return name
    extension = mimetypes.guess_extension(part.get_content_type()) or ".bin"
    return f"attachment{number}{extension}"


def decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded and line breaks folded; broken input kept as it was."""
    if "=?" not in value:
        return re.sub(r"\s*[\r\n]+\s*", " ", value)
    try:
        return re.sub(r"\s*[\r\n]+\s*", " ", str(make_header(decode_header(value))))
    except Exception:  # unknown charset or broken encoded word: keep the raw text
        return value


def part_text(part: Message, defects: list[str]) -> str:
    """A text part decoded by its charset (with sane fallbacks), format=flowed joined."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # broken transfer encoding
        defects.append("undecodable text part")
        return ""
    raw = payload if isinstance(payload, bytes) else b""
    text = _decode_bytes(raw, part.get_content_charset(), defects)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _param(part, "format").lower() == "flowed":
        text = unflow(text, delsp=_param(part, "delsp").lower() == "yes")
    return text


def _param(part: Message, name: str) -> str:
    """A Content-Type parameter as text ("" when absent), RFC 2231 encoding undone."""
    return collapse_rfc2231_value(part.get_param(name) or "")


def _decode_bytes(raw: bytes, charset: str | None, defects: list[str]) -> str:
    for codec in (_codec(charset), "utf-8"):
        try:
            return raw.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    defects.append(f"text not valid in its charset {charset or 'us-ascii'}")
    return raw.decode("cp1252", errors="replace")


def _codec(charset: str | None) -> str:
    """The codec for a declared charset; ISO-8859-1 labels mean windows-1252 in practice."""
    label = (charset or "us-ascii").strip().strip('"').lower()
    if label in ("iso-8859-1", "latin1", "latin-1", "iso_8859-1", "l1"):
        return "cp1252"
    if slow_codec(label):  # the prescan refuses these; never run a quadratic decoder anyway
        return "utf-8"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return "utf-8"


def unflow(text: str, *, delsp: bool = False) -> str:
    """Join RFC 3676 format=flowed soft line breaks (a line ending in a space continues)."""
    out: list[str] = []
    pending: str | None = None
    pending_depth = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        if pending is not None and depth == pending_depth:
            content = pending + content
        elif pending is not None:
            out.append(">" * pending_depth + pending)
        pending = None
        if content.endswith(" ") and content != "-- ":
            pending, pending_depth = (content[:-1] if delsp else content), depth
            continue
        out.append(">" * depth + (" " if depth else "") + content if depth else content)
    if pending is not None:
        out.append(">" * pending_depth + pending)
    return "\n".join(out)
