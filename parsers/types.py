"""The frozen types every layer above `parsers` works with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Address:
    """One mailbox from a From/To/Reply-To header: `Address("Budi", "budi@x.go.id")`."""

    name: str
    address: str  # lower-cased; "" when the header held no usable address


@dataclass(frozen=True)
class Attachment:
    """One attached file as the mail carried it (zip members are listed separately).

    `filename` is what the mail called it: for display only, never a path on our disk.
    """

    filename: str
    content_type: str  # as declared by the mail, which is often wrong
    data: bytes
    inline: bool = False  # Content-Disposition: inline with a Content-ID (signature logos)


@dataclass(frozen=True)
class DeliveryReport:
    """What a DSN (multipart/report; report-type=delivery-status) says failed for good.

    `DeliveryReport(failed=("budi@x.go.id",), original_message_id="HD-2026-00042.a.b@y")`
    """

    failed: tuple[str, ...]  # Final- and Original-Recipient of each "failed", 5.x.x entry
    original_message_id: str | None  # from the returned message or its headers


@dataclass(frozen=True)
class ParsedMessage:
    """A message read once, at the edge, from its raw bytes."""

    message_id: str | None  # without angle brackets
    sender: Address
    reply_to: Address | None
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    subject: str  # RFC 2047 decoded, line breaks folded to spaces
    in_reply_to: str | None
    references: tuple[str, ...]
    date: datetime | None
    body_text: str  # the text part, or the HTML part converted to text
    headers: tuple[tuple[str, str], ...]  # (lower-case name, decoded value), in order
    content_types: tuple[str, ...]  # every MIME part's type, e.g. "multipart/report"
    attachments: tuple[Attachment, ...]
    return_path: str | None = None  # None when absent, "" for the null sender <>
    defects: tuple[str, ...] = field(default=())
    senders: tuple[Address, ...] = ()  # every mailbox of the From header, strictly parsed
    # Why From is not exactly one well-formed mailbox ("2 mailboxes", "malformed"), or None.
    sender_problem: str | None = "no such header"
    delivery_report: DeliveryReport | None = None  # set only for a delivery-status DSN

    def header(self, name: str) -> str | None:
        """The first value of header `name` (case-insensitive), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None

    def header_values(self, name: str) -> list[str]:
        """Every value of header `name` (case-insensitive)."""
        wanted = name.lower()
        return [value for key, value in self.headers if key == wanted]
