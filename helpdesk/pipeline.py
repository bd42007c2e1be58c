"""The way one message goes: parse, DECIDE (reads only), ACT (writes), commit, mark.

    prepare: parse_message -> DECIDE steps      (pure: may run in a worker process)
    apply:   store raw -> ACT steps -> commit   (the single writer, in mailbox order)
    then:    mailbox.mark_processed

The ticket, its attachments and its answer are committed in one transaction; only
then is the message flagged on the server. A message that cannot be parsed becomes a
ticket flagged for staff at once, with the raw mail kept and a quarantine entry for
`helpdesk quarantine replay`. One that breaks a step (or dies with the bot) is left on
the server and tried again on the next run, while the mail behind it goes on; after
`[limits] attempts` tries it is flagged the same way, and staff are alerted.
"""

from __future__ import annotations

import enum
import logging
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from helpdesk.act import (
    Act,
    block_bounced,
    queue_reply,
    record_message,
    record_ticket,
    store_attachments,
)
from helpdesk.answers import Recipient, Thread, queue_ticket_answer
from helpdesk.attempts import (
    Attempt,
    begin_attempt,
    end_attempts,
    fail_attempt,
    release_attempt,
    worker_identity,
)
from helpdesk.database import is_transient_error
from helpdesk.decide import DECIDE, decide
from helpdesk.decision import Decision
from helpdesk.errors import DatabaseUnavailableError, HelpdeskError, MessageParseError
from helpdesk.mailbox import RawMessage
from helpdesk.models import InboundMessage, QuarantineEntry, Ticket, utcnow
from helpdesk.settings import Settings
from helpdesk.storage import sha256_hex, store_blob
from helpdesk.tickets import next_ref, seen_message
from parsers.fields import mask_credentials
from parsers.message import parse_message
from parsers.types import ParsedMessage

log = logging.getLogger(__name__)

__all__ = ["ACT", "DECIDE", "Outcome", "Pipeline", "Prepared", "decide", "prepare"]

ACT = (record_message, block_bounced, record_ticket, store_attachments, queue_reply)


class Outcome(enum.Enum):
    TICKET = "ticket"  # a new ticket or a follow-up joined one
    AUTOMATIC = "automatic"  # recorded, no ticket, no answer
    DUPLICATE = "duplicate"  # read before: nothing new
    FLAGGED = "flagged"  # could not be handled normally: a ticket for staff
    QUARANTINED = "quarantined"  # not even that could be stored
    RETRY = "retry"  # left on the server for a later try (a step failed, or a worker is on it)


@dataclass(frozen=True)
class Prepared:
    """What parse and DECIDE made of one message's bytes; picklable, so a worker process
    can make it: `Prepared("<id@x.go.id>", message, decision)`, or with `problem` set
    (and `decision` None) when the message goes to staff instead."""

    dedup_key: str
    message: ParsedMessage | None = None  # None: the bytes are not mail
    decision: Decision | None = None  # None: parsing or a step failed
    problem: str | None = None  # why, in a line staff read
    trace: str = ""  # the failed step's traceback, for the log


def prepare(raw: bytes, settings: Settings) -> Prepared:
    """Parse and decide: pure (no database, no files, no network); never raises for bad mail."""
    try:
        message = parse_message(raw)
    except MessageParseError as exc:
        return Prepared(f"sha256:{sha256_hex(raw)}", problem=f"the message cannot be parsed: {exc}")
    dedup_key = message.message_id or f"sha256:{sha256_hex(raw)}"
    try:
        decision = decide(message, settings)
    except Exception as exc:  # a step broke: staff decide, the run goes on
        return Prepared(
            dedup_key, message, problem=f"{type(exc).__name__}: {exc}", trace=traceback.format_exc()
        )
    return Prepared(dedup_key, message, decision)


@dataclass(frozen=True)
class Pipeline:
    """What handling a message needs, built once per run."""

    settings: Settings
    engine: Engine
    secret: bytes
    owner: str = field(default_factory=worker_identity)  # this worker, on its attempts

    @property
    def data_dir(self) -> Path:
        return self.settings.helpdesk.data_dir

    def handle(self, raw: RawMessage) -> Outcome:
        """Parse, decide, act and commit one message. Never raises for a bad message."""
        return self.apply(raw, prepare(raw.data, self.settings))

    def apply(self, raw: RawMessage, prepared: Prepared) -> Outcome:
        """Store, act and commit what `prepare` made of `raw`: the single writer's part.

        Raises DatabaseUnavailableError when the database cannot answer: then nothing was
        committed, and the message must stay unmarked for a later try.
        """
        if prepared.message is None:  # a verdict on the bytes: trying again cannot help
            return self.flag_for_staff(raw, prepared.problem or "the message cannot be parsed")
        key = prepared.dedup_key
        if self._seen(key):
            return Outcome.DUPLICATE
        attempt = self._begin(raw, key)
        if attempt is None:
            log.info("message %s is being handled by another worker", raw.location)
            return Outcome.RETRY
        limit = self.settings.limits.attempts
        if attempt.number > limit:  # the last tries died with the bot
            return self._set_aside(raw, key, limit, attempt.last_error, prepared.message)
        if prepared.decision is None:  # a DECIDE step broke
            problem = prepared.problem or "a step failed"
            return self._failed(raw, prepared.message, key, attempt, problem, prepared.trace)
        return self._act(raw, prepared.message, prepared.decision, key, attempt)

    def _begin(self, raw: RawMessage, dedup_key: str) -> Attempt | None:
        try:
            return begin_attempt(self.engine, self.owner, dedup_key, raw.location)
        except SQLAlchemyError as exc:
            _raise_if_transient(exc)
            raise

    def _failed(
        self,
        raw: RawMessage,
        message: ParsedMessage,
        dedup_key: str,
        attempt: Attempt,
        problem: str,
        trace: str,
    ) -> Outcome:
        """A step raised: try again next run, or set the message aside after the last try."""
        limit = self.settings.limits.attempts
        log.error(
            "handling %s failed (try %d of %d):\n%s", raw.location, attempt.number, limit, trace
        )
        if attempt.number >= limit:
            return self._set_aside(raw, dedup_key, limit, problem, message)
        try:
            fail_attempt(self.engine, dedup_key, problem)
        except SQLAlchemyError as exc:  # the lease runs out instead: it is tried again then
            _raise_if_transient(exc)
            raise
        return Outcome.RETRY

    def _set_aside(
        self, raw: RawMessage, dedup_key: str, tries: int, last_error: str, message: ParsedMessage
    ) -> Outcome:
        reason = f"{last_error or 'unknown error'} (failed {tries} times; set aside)"
        return self.flag_for_staff(raw, reason, dedup_key=dedup_key, alert=True, message=message)

    def _act(
        self,
        raw: RawMessage,
        message: ParsedMessage,
        decision: Decision,
        dedup_key: str,
        attempt: Attempt,
    ) -> Outcome:
        raw_path = store_blob(self.data_dir, "mail", raw.data, ".eml")
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                act = Act(
                    session, self.settings, self.secret, raw, raw_path, dedup_key, message, decision
                )
                for step in ACT:
                    step(act)
                end_attempts(session, dedup_key)
                session.commit()
        except IntegrityError as exc:
            if self._seen(dedup_key):
                # Another worker committed the same message between our check and commit.
                log.info("message %s was stored by another worker", raw.location)
                self._forget(dedup_key)
                return Outcome.DUPLICATE
            return self.flag_for_staff(raw, f"IntegrityError: {exc}", dedup_key=dedup_key)
        except Exception as exc:  # a step broke: try again later, the run goes on
            if is_transient_error(exc):
                release_attempt(self.engine, dedup_key)
                _raise_if_transient(exc)
            problem = f"{type(exc).__name__}: {exc}"
            trace = traceback.format_exc()
            return self._failed(raw, message, dedup_key, attempt, problem, trace)
        log.info(
            "message %s: %s -> %s",
            raw.location,
            decision.kind,
            act.ticket.ref if act.ticket else "no ticket",
        )
        return Outcome.AUTOMATIC if decision.automatic else Outcome.TICKET

    def flag_for_staff(
        self,
        raw: RawMessage,
        reason: str,
        *,
        dedup_key: str = "",
        alert: bool = False,
        message: ParsedMessage | None = None,
    ) -> Outcome:
        """Keep the raw mail and open a ticket that tells staff to look at it; with `alert`,
        also mail `[helpdesk] staff_address` (when set). `message`, when it could be
        parsed, tells staff who sent it and what about."""
        key = dedup_key or f"sha256:{sha256_hex(raw.data)}"
        try:
            raw_path = store_blob(self.data_dir, "mail", raw.data, ".eml")
            with Session(self.engine) as session:
                if seen_message(session, key) is not None:
                    return Outcome.DUPLICATE
                # The message's unique key first, the ticket counter second: the same
                # order as a normal message, so two workers cannot deadlock on the pair.
                inbound = InboundMessage(
                    dedup_key=key,
                    location=raw.location,
                    raw_sha256=sha256_hex(raw.data),
                    raw_path=raw_path,
                    error=reason[:1000],
                )
                if message is not None:
                    inbound.message_id = message.message_id
                    inbound.sender = message.sender.address
                    inbound.subject = mask_credentials(message.subject)[:500]
                session.add(inbound)
                session.flush()
                year = (raw.internal_date or datetime.now()).year
                ticket = Ticket(
                    ref=next_ref(session, prefix=self.settings.helpdesk.ticket_prefix, year=year),
                    kind="other",
                    status="new",
                    needs_staff=True,
                    staff_note=reason[:1000],
                    subject="(pesan tidak dapat diproses otomatis)",
                )
                if message is not None:
                    ticket.requester_name = message.sender.name[:200]
                    ticket.requester_address = message.sender.address[:254]
                session.add(ticket)
                session.flush()
                inbound.ticket_id = ticket.id
                session.add(inbound)
                session.add(
                    QuarantineEntry(
                        location=raw.location,
                        raw_path=raw_path,
                        reason=reason[:1000],
                        ticket_id=ticket.id,
                    )
                )
                end_attempts(session, key)
                if alert and self.settings.helpdesk.staff_address:
                    self._queue_staff_alert(session, ticket, raw, reason)
                session.commit()
                (log.error if alert else log.warning)(
                    "message %s flagged for staff as %s: %s", raw.location, ticket.ref, reason
                )
                return Outcome.FLAGGED
        except IntegrityError:
            if self._seen(key):
                return Outcome.DUPLICATE  # another worker flagged the same message
            log.error("cannot store %s; it stays on the server", raw.location)
            return Outcome.QUARANTINED
        except (OSError, HelpdeskError, SQLAlchemyError, ValueError) as exc:
            _raise_if_transient(exc)
            log.error("cannot even store %s (%s); it stays on the server", raw.location, exc)
            return Outcome.QUARANTINED

    def _queue_staff_alert(
        self, session: Session, ticket: Ticket, raw: RawMessage, reason: str
    ) -> None:
        queue_ticket_answer(
            session,
            self.settings,
            self.secret,
            ticket=ticket,
            event="staff_alert",
            to=Recipient("Petugas Helpdesk", self.settings.helpdesk.staff_address),
            thread=Thread(subject=ticket.subject),
            received_at=raw.internal_date or utcnow(),
            extra={"reason": reason, "location": raw.location},
        )

    def _forget(self, dedup_key: str) -> None:
        """Drop our attempt at a message another worker committed."""
        with Session(self.engine) as session:
            end_attempts(session, dedup_key)
            session.commit()

    def _seen(self, dedup_key: str) -> bool:
        """Whether a message with this key is committed (in a fresh session)."""
        try:
            with Session(self.engine) as session:
                return seen_message(session, dedup_key) is not None
        except SQLAlchemyError as exc:
            _raise_if_transient(exc)
            raise


def _raise_if_transient(exc: BaseException) -> None:
    """A database that cannot answer now is no fault of the message: retry it later."""
    if is_transient_error(exc):
        raise DatabaseUnavailableError(
            f"the database cannot answer ({type(exc).__name__}); the message stays unmarked "
            "and is handled when it is back"
        ) from exc
