"""The database tables: tickets, the mail that belongs to them, and the answers we owe.

Statuses are stored in English and shown in Indonesian (replies/names.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from helpdesk.domain import TicketStatus

STATUSES = tuple(status.value for status in TicketStatus)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Ticket(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(index=True, unique=True)  # "HD-2026-00042"
    kind: str = Field(index=True)
    schedule_change: bool = False
    status: str = Field(default=TicketStatus.NEW.value, index=True)
    requester_name: str = ""
    requester_address: str = Field(default="", index=True)
    subject: str = ""
    kode_tender: str | None = None
    complete: bool = False
    missing: str = "[]"  # JSON list of document ids, SLA order
    fields: str = "{}"  # JSON object; credentials never stored here
    reasons: str = "[]"  # JSON list: why the bot decided as it did
    holds_credentials: bool = False
    needs_staff: bool = Field(default=False, index=True)
    spam: bool = Field(default=False, index=True)  # the receiving server said spam: no answer
    staff_note: str = ""  # why staff must look (parse failure, spoofed follow-up, ...)
    linked_ref: str | None = None
    assignee: str | None = Field(default=None, index=True)  # staff member's name
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    sender_known: bool = False  # the sender's address or domain is in the agency registry
    deadline: datetime | None = Field(default=None, index=True)  # a stated H-2 / upload date
    outcome: str | None = None  # e.g. forensic "opened", "corrupt", "recovered"
    resolution_note: str = ""
    first_answer_at: datetime | None = None
    # The SLA clock in working time (helpdesk.sla_clock): set when the ticket opens.
    first_answer_due: datetime | None = None
    resolution_due: datetime | None = None
    clock_stopped_at: datetime | None = None  # waiting for the requester since
    resolved_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """One change to a ticket: who, when, what. Never updated or deleted."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str = "bot"  # "bot", or the staff member's name
    action: str = ""  # created, followup, assigned, note, escalated, resolved, ...
    detail: str = ""  # free text; credentials never written here


class Agency(SQLModel, table=True):
    """One agency of the registry: who may ask, and where administrator outcomes go."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)  # instansi
    domains: str = "[]"  # JSON list of mail domains of the agency (never public webmail)
    addresses: str = "[]"  # JSON list of further known sender addresses
    admin_name: str = ""
    admin_nip: str = ""
    admin_email: str = ""  # the Administrator Agency address on record
    admin_phone: str = ""
    pokja_contacts: str = "[]"  # JSON list of {"name", "email", "phone"}
    updated_at: datetime = Field(default_factory=utcnow)


class TicketCounter(SQLModel, table=True):
    """Last number handed out per prefix and year; numbers are never reused."""

    prefix: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int = 0


class InboundMessage(SQLModel, table=True):
    """Every message the bot has read, automatic ones included (without a ticket)."""

    id: int | None = Field(default=None, primary_key=True)
    # Message-ID, or "sha256:<hash of raw bytes>" for mail without one: a re-read or
    # re-delivered copy hits this unique key instead of opening a second ticket.
    dedup_key: str = Field(unique=True)
    location: str = Field(index=True)  # folder/uidvalidity/uid where it was read
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    message_id: str | None = None
    sender: str = ""
    subject: str = ""
    kind: str = ""
    raw_sha256: str = ""
    raw_path: str = ""  # relative to data_dir
    received_at: datetime | None = None  # the server's INTERNALDATE
    read_at: datetime = Field(default_factory=utcnow)
    answered: bool = False
    error: str = ""  # set when parsing or a step failed
    owner: str = ""  # the worker that stored it ("host:pid:token"): it marks it on the server


class StoredAttachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    message_row_id: int = Field(foreign_key="inboundmessage.id", index=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    filename: str = ""  # display only: never a path on disk
    content_type: str = ""
    size: int = 0
    sha256: str = ""
    stored_path: str = ""  # relative to data_dir; content-addressed
    documents: str = "[]"
    problem: str | None = None
    problem_code: str | None = None
    container: str | None = None
    ocr_text: str = ""  # what OCR read from a scan or photo (credentials masked)


class OutboxAnswer(SQLModel, table=True):
    """An answer waiting to be sent, or sent; written with its ticket in one transaction."""

    __table_args__ = (
        UniqueConstraint("ticket_id", "event", "cause_message_id"),
        # Rate limits count a recipient's answers in the last hour and day.
        Index("ix_outboxanswer_recipient_created_at", "recipient", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    event: str = ""
    cause_message_id: int | None = Field(default=None, foreign_key="inboundmessage.id")
    recipient: str = ""
    subject: str = ""
    message_id: str = Field(unique=True)  # ours, so a resend carries the same id
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    status: str = Field(default="pending", index=True)  # pending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    give_up_at: datetime = Field(default_factory=utcnow)
    # Set while one sender holds the row, so no other sends it at the same time; a sender
    # that died leaves a claim that simply runs out.
    claimed_until: datetime | None = None
    last_error: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class BlockedAddress(SQLModel, table=True):
    """An address we never answer again (it hard-bounced, or staff blocked it)."""

    address: str = Field(primary_key=True)  # lower-case
    reason: str = ""
    since: datetime = Field(default_factory=utcnow)


class StaffAccount(SQLModel, table=True):
    """A helpdesk officer who may log in to the staff pages."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    password_hash: str = ""  # argon2/bcrypt; never the password itself
    role: str = "staff"  # staff | admin
    disabled: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class MailboxCursor(SQLModel, table=True):
    folder: str = Field(primary_key=True)
    uidvalidity: int = 0
    last_uid: int = 0


class QuarantineEntry(SQLModel, table=True):
    """A message the pipeline could not handle normally, kept for a replay by staff."""

    id: int | None = Field(default=None, primary_key=True)
    location: str = ""
    raw_path: str = ""
    reason: str = ""
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    created_at: datetime = Field(default_factory=utcnow)
    replayed_at: datetime | None = None


class MessageAttempt(SQLModel, table=True):
    """A message a worker is handling now, or that failed: one row per message until its
    ticket commits. Counting tries lets one that keeps failing (a step raising, the bot
    dying on it) be set aside for staff instead of being retried for ever."""

    dedup_key: str = Field(primary_key=True)  # as InboundMessage.dedup_key
    location: str = ""
    attempts: int = 0
    last_error: str = ""
    # "host:pid:token" of the worker on it now, "" between tries. Still set at the next
    # try means that worker died on it; until lease_until, another live worker skips it.
    owner: str = ""
    lease_until: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class StaffSession(SQLModel, table=True):
    """One login to the staff pages; the cookie holds only its random token, whose
    SHA-256 is the key here, so a copied cookie is worthless once the session ends."""

    id: str = Field(primary_key=True)  # sha256 hex of the cookie's token
    account: str = Field(index=True)  # the staff account's name
    address: str = ""  # the client's address at login
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = Field(default=None, index=True)


class LoginFailure(SQLModel, table=True):
    """A failed login from one client address: many in a short time stop that address."""

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
