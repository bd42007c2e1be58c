"""Raw message bytes to a `ParsedMessage`: the only module that imports mail-parser.

mail-parser gives the addresses, the date and its defect report; the stdlib `email`
package (policy `default`) gives what mail-parser gets wrong or leaves out: attachment
names in RFC 2231/2047, the header list, every part's content type, the Return-Path and
charset-aware body text. Any failure leaves this module as `MessageParseError`.
"""

from __future__ import annotations

import email.utils
import re
from datetime import datetime
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from typing import Any

import mailparser

from helpdesk.errors import MessageParseError
from parsers.addresses import read_mailboxes
from parsers.dsn import read_delivery_report
from parsers.limits import DEFAULT_LIMITS, ParseLimits, prescan
from parsers.mime_parts import attachments_of, body_parts_of, decode_words
from parsers.types import Address, ParsedMessage

# A message with none of these is not mail at all (random bytes, a PDF, an empty file).
_MAIL_HEADERS = frozenset(
    {"from", "to", "subject", "date", "message-id", "received", "return-path", "mime-version"}
)
_MSG_ID = re.compile(r"<([^<>\s]+)>")


def parse_message(raw: bytes, limits: ParseLimits = DEFAULT_LIMITS) -> ParsedMessage:
    """Read one message; raises MessageParseError when the bytes are not mail or break a limit."""
    if not isinstance(raw, bytes | bytearray) or not raw.strip():
        raise MessageParseError("the message is empty")
    prescan(bytes(raw), limits)  # before any parser: pathological input is refused fast
    try:
        defects: list[str] = []
        helper, tree = _parse_tree(bytes(raw), defects)
        if not _MAIL_HEADERS & {name.lower() for name in tree.keys()}:
            raise MessageParseError("no mail headers found: the bytes are not an e-mail")
        return _build(helper, tree, defects)
    except MessageParseError:
        raise
    except Exception as exc:  # the stdlib and mail-parser raise many unrelated types
        raise MessageParseError(f"the message cannot be read: {type(exc).__name__}") from exc


def _build(helper: Any | None, tree: Message, defects: list[str]) -> ParsedMessage:
    headers = _headers(tree, defects)
    first = dict(reversed(headers))  # first occurrence wins, as for Message-ID and Subject
    body, attachments = body_parts_of(tree, defects), attachments_of(tree, defects)
    defects.extend(_tree_defects(tree))
    senders, sender_problem = read_mailboxes(_raw_values(tree, "from"))
    return ParsedMessage(
        message_id=_first_id(first.get("message-id")),
        sender=_sender(senders, defects),
        reply_to=_reply_to(tree),
        to=tuple(_addresses(helper, "to", first.get("to"))),
        cc=tuple(_addresses(helper, "cc", first.get("cc"))),
        subject=fold(first.get("subject", ""))[: DEFAULT_LIMITS.max_subject_chars],
        in_reply_to=_first_id(first.get("in-reply-to")),
        references=tuple(_all_ids(first.get("references", ""))),
        date=_date(first.get("date")),
        body_text=body,
        headers=tuple(headers),
        content_types=tuple(part.get_content_type() for part in tree.walk()),
        attachments=tuple(attachments),
        return_path=_return_path(first.get("return-path")),
        senders=senders,
        sender_problem=sender_problem,
        delivery_report=read_delivery_report(tree),
        defects=tuple(dict.fromkeys(defects)),
    )


def _parse_tree(raw: bytes, defects: list[str]) -> tuple[Any | None, Message]:
    """mail-parser's view and its (compat32) MIME tree; the stdlib's tree where it chokes."""
    try:
        parsed = mailparser.parse_from_bytes(raw)
    except Exception as exc:  # it is weaker than the stdlib on broken headers
        defects.append(f"mail-parser failed: {type(exc).__name__}")
        return None, BytesParser(policy=compat32).parsebytes(raw)
    defects.extend(str(category) for category in parsed.defects_categories)
    return parsed, parsed.message


def fold(value: str) -> str:
    """A header value on one line: CR/LF and the whitespace around them become one space."""
    return re.sub(r"\s*[\r\n]+\s*", " ", value).strip()


def _headers(tree: Message, defects: list[str]) -> list[tuple[str, str]]:
    headers = []
    for name, value in tree.items():
        text = value if isinstance(value, str) else str(value)
        if "\ufffd" in text or any(ord(ch) > 0x7F for ch in text):
            defects.append(f"non-ASCII bytes in header {name}")
        headers.append((name.lower().strip(), fold(decode_words(fold(text)))))
    return headers


def _tree_defects(tree: Message) -> list[str]:
    return [type(defect).__name__ for part in tree.walk() for defect in part.defects]


def _first_id(value: str | None) -> str | None:
    ids = _all_ids(value or "")
    return ids[0] if ids else None


def _all_ids(value: str) -> list[str]:
    found = _MSG_ID.findall(value)
    return found or [token for token in value.split() if "@" in token]


def _return_path(value: str | None) -> str | None:
    if value is None:
        return None
    inner = value.strip().strip("<>").strip()
    return inner.lower()


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _addresses(helper: Any | None, attribute: str, raw: str | None) -> list[Address]:
    pairs: list[tuple[str, str]] = []
    if helper is not None:
        try:
            pairs = list(getattr(helper, attribute) or [])
        except Exception:  # mail-parser computes these lazily and may fail here
            pairs = []
    if not pairs and raw:
        pairs = email.utils.getaddresses([raw])
    return [Address(decode_words(name).strip(), address.strip().lower()) for name, address in pairs]


def _raw_values(tree: Message, name: str) -> list[str]:
    """Every value of header `name` as received: the strict address parser reads these, not
    the RFC 2047-decoded text, where an encoded word could pose as an address."""
    return [str(value) for key, value in tree.raw_items() if key.lower() == name]


def _reply_to(tree: Message) -> Address | None:
    mailboxes, _problem = read_mailboxes(_raw_values(tree, "reply-to"))
    return mailboxes[0] if mailboxes and mailboxes[0].address else None


def _sender(senders: tuple[Address, ...], defects: list[str]) -> Address:
    if not senders or "@" not in senders[0].address:
        defects.append("no usable From address")
        return Address(senders[0].name if senders else "", "")
    return senders[0]
