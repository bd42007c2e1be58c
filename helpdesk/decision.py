"""The typed record of what the bot concluded about one message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from helpdesk.domain import Kind


@dataclass(frozen=True)
class AttachmentVerdict:
    """What one attached file (or zip member) is, and why it was refused, if it was.

    `problem` is a short English reason; `problem_code` a stable id the replies
    translate (e.g. "empty", "corrupt", "type_mismatch", "dangerous", "encrypted",
    "too_large").
    """

    filename: str
    documents: tuple[str, ...]
    problem: str | None = None
    problem_code: str | None = None
    sha256: str = ""
    size: int = 0
    content_type: str = ""
    container: str | None = None  # the archive this member came from
    text: str = ""  # what could be read from it (the first pages), for the search index
    ocr_read: bool = False  # some of `text` is what OCR read from a scan or photo
    unreadable: bool = False  # a scan or photo in which OCR found nothing to read

    def to_json(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "documents": list(self.documents),
            "problem": self.problem,
        }


@dataclass
class Decision:
    """Filled by the DECIDE steps in order; read by the ACT steps.

    Its JSON is exactly what `helpdesk check --json` prints (DOMAIN.md), plus `reasons`.
    """

    kind: Kind = Kind.OTHER
    schedule_change: bool = False
    missing: list[str] = field(default_factory=list)
    attachments: list[AttachmentVerdict] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    ticket_ref: str | None = None
    holds_credentials: bool = False
    # The From is one mailbox whose domain our own server's Authentication-Results
    # vouch for (DMARC pass, or aligned DKIM pass); see helpdesk/steps/verify_sender.py.
    sender_verified: bool = False
    # A permanent-failure DSN of one of our answers: whom it failed for, and that answer.
    bounced_recipients: tuple[str, ...] = ()
    bounced_message_id: str | None = None
    # The receiving server judged it spam (the evidence): a ticket, but no answer.
    spam: str | None = None
    reasons: list[str] = field(default_factory=list)  # English: `check --json`, the logs
    shown_reasons: list[str] = field(default_factory=list)  # the same, as staff read them

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def automatic(self) -> bool:
        return self.kind == Kind.AUTOMATIC

    def because(self, reason: str, shown: str) -> None:
        """Record one line of evidence ("why did the bot do that?"): in English for
        scripts and logs, and `shown` in Indonesian, for the officer on the ticket."""
        self.reasons.append(reason)
        self.shown_reasons.append(shown)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "schedule_change": self.schedule_change,
            "complete": self.complete,
            "missing": list(self.missing),
            "attachments": [a.to_json() for a in self.attachments],
            "fields": dict(self.fields),
            "ticket_ref": self.ticket_ref,
            "holds_credentials": self.holds_credentials,
            "sender_verified": self.sender_verified,
            "bounced_recipients": list(self.bounced_recipients),
            "spam": self.spam,
            "reasons": list(self.reasons),
        }
