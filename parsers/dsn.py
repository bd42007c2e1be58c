"""Read a delivery status notification (RFC 3464): who it failed for for good, and which
message it returns. Pure: a stdlib MIME tree in, a DeliveryReport (or None) out."""

from __future__ import annotations

import re
from email.message import Message
from email.parser import HeaderParser

from parsers.addresses import normalise_address
from parsers.types import DeliveryReport

_MSG_ID = re.compile(r"<([^<>\s]+)>")


def read_delivery_report(tree: Message) -> DeliveryReport | None:
    """The DSN's permanent failures and returned Message-ID; None if it is no DSN.

    `read_delivery_report(tree) -> DeliveryReport(failed=("a@x.id",), original_message_id=...)`
    """
    if tree.get_content_type() != "multipart/report":
        return None
    if str(tree.get_param("report-type") or "").lower() != "delivery-status":
        return None
    parts = [p for p in _children(tree) if isinstance(p, Message)]
    failed: list[str] = []
    original: str | None = None
    for part in parts:
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            failed.extend(_permanent_failures(part))
        elif kind in ("message/rfc822", "text/rfc822-headers") and original is None:
            original = _returned_message_id(part)
    return DeliveryReport(tuple(dict.fromkeys(failed)), original)


def _children(part: Message) -> list[object]:
    payload = part.get_payload()
    return list(payload) if isinstance(payload, list) else []


def _field_blocks(part: Message) -> list[Message]:
    """The per-message and per-recipient field blocks, however the parser left them."""
    blocks = [b for b in _children(part) if isinstance(b, Message)]
    if blocks:
        return blocks
    text = part.get_payload(decode=True)
    body = text.decode("utf-8", "replace") if isinstance(text, bytes) else ""
    return [HeaderParser().parsestr(chunk) for chunk in re.split(r"\r?\n\s*\r?\n", body)]


def _permanent_failures(part: Message) -> list[str]:
    found: list[str] = []
    for block in _field_blocks(part):
        action = str(block.get("Action", "")).strip().lower()
        status = str(block.get("Status", "")).strip()
        if action != "failed" or not status.startswith("5."):
            continue  # delayed, delivered, relayed, or a temporary 4.x.x failure
        for name in ("Original-Recipient", "Final-Recipient"):
            address = _recipient(str(block.get(name, "")))
            if address:
                found.append(address)
    return found


def _recipient(value: str) -> str:
    """`rfc822; Budi@X.go.id` -> `budi@x.go.id`; other address types give ""."""
    kind, _, address = value.partition(";")
    if kind.strip().lower() != "rfc822":
        return ""
    return normalise_address(address.strip().strip("<>"))


def _returned_message_id(part: Message) -> str | None:
    if part.get_content_type() == "message/rfc822":
        inner = [m for m in _children(part) if isinstance(m, Message)]
        headers = inner[0] if inner else None
    else:
        text = part.get_payload(decode=True)
        body = text.decode("utf-8", "replace") if isinstance(text, bytes) else ""
        headers = HeaderParser().parsestr(body)
    found = _MSG_ID.findall(str(headers.get("Message-ID", ""))) if headers is not None else []
    return found[0] if found else None
