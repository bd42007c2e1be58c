"""The way one message goes, in order: this page is the whole of it.

    prepare  parse_message, then DECIDE      pure: no database, files or network, so it
                                             may run in a parsing worker process
    apply    store the raw mail, then ACT,   the single writer, in mailbox order; one
             then commit                     transaction holds ticket, files and answer
    settle   mark / leave / quarantine       only after the commit

A message that cannot be parsed becomes a ticket flagged for staff at once, with the raw
mail kept and a quarantine entry for `helpdesk quarantine replay`. One that breaks a step
(or dies with the bot) is left on the server and tried again on the next run while the
mail behind it goes on; after `[limits] attempts` tries (helpdesk/attempts.py) it is
flagged the same way, and staff are alerted.
"""

from __future__ import annotations

import enum
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from helpdesk.act import (
    Act,
    block_bounced,
    index_for_search,
    queue_reply,
    record_flagged,
    record_message,
    record_ticket,
    store_attachments,
)
from helpdesk.answers import Recipient, Thread, queue_ticket_answer
from helpdesk.attempts import Attempt, Tries, end_attempts, release_attempt, worker_identity
from helpdesk.database import is_transient_error, raise_if_transient
from helpdesk.decision import Decision
from helpdesk.domain import AnswerEvent
from helpdesk.errors import HelpdeskError, MessageParseError
from helpdesk.mailbox import Mailbox, RawMessage
from helpdesk.models import Ticket, utcnow
from helpdesk.settings import Settings
from helpdesk.steps.check_documents import check_documents
from helpdesk.steps.classify_kind import classify_kind
from helpdesk.steps.detect_credentials import detect_credentials
from helpdesk.steps.detect_schedule_change import detect_schedule_change
from helpdesk.steps.extract_fields import extract_fields
from helpdesk.steps.find_ticket_ref import find_ticket_ref
from helpdesk.steps.inspect_attachments import inspect_attachments
from helpdesk.steps.note_bounce import note_bounce
from helpdesk.steps.note_spam import note_spam
from helpdesk.steps.skip_automatic import skip_automatic
from helpdesk.steps.strip_control_headers import strip_control_headers
from helpdesk.steps.verify_sender import verify_sender
from helpdesk.storage import sha256_hex, store_blob
from helpdesk.tickets import seen_message
from parsers.fields import mask_credentials
from parsers.message import parse_message
from parsers.text import assert_defused_xml
from parsers.types import ParsedMessage

log = logging.getLogger(__name__)

__all__ = ["ACT", "DECIDE", "Outcome", "Pipeline", "Prepared", "check_bytes", "decide", "prepare"]

# Refuse to decide anything if spreadsheets would be parsed without defusedxml (XML bombs).
assert_defused_xml()

# A DECIDE step reads the message and fills part of the Decision, saying why in its
# `reasons`; one that returns a message hands that one to the steps after it.
DecideStep = Callable[[ParsedMessage, Decision, Settings], ParsedMessage | None]
# An ACT step adds rows to the Act's session; none commits.
ActStep = Callable[[Act], None]

DECIDE: tuple[DecideStep, ...] = (
    strip_control_headers,  # headers only our own answers may carry: gone before any read
    skip_automatic,  # robots: the steps after it leave an automatic message alone ...
    find_ticket_ref,
    note_bounce,  # ... but this one, which reads the DSNs of our answers
    note_spam,  # the receiving server's spam verdict: a ticket, never an answer
    verify_sender,
    inspect_attachments,
    classify_kind,
    detect_schedule_change,
    check_documents,
    extract_fields,
    detect_credentials,
)
ACT: tuple[ActStep, ...] = (
    record_message,
    block_bounced,
    record_ticket,
    store_attachments,
    index_for_search,
    queue_reply,
)


def decide(
    message: ParsedMessage, settings: Settings, steps: tuple[DecideStep, ...] = DECIDE
) -> Decision:
    """Run the DECIDE steps over `message`; the result is what `helpdesk check` prints."""
    decision = Decision()
    for step in steps:
        screened = step(message, decision, settings)
        if screened is not None:
            message = screened
    return decision


def check_bytes(raw: bytes, settings: Settings) -> Decision:
    """Parse raw message bytes and decide; raises MessageParseError for non-mail."""
    return decide(parse_message(raw), settings)


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


def prepare(raw: bytes, settings: Settings, steps: tuple[DecideStep, ...] = DECIDE) -> Prepared:
    """Parse and decide: pure (no database, no files, no network); never raises for bad mail."""
    try:
        message = parse_message(raw)
    except MessageParseError as exc:
        return Prepared(f"sha256:{sha256_hex(raw)}", problem=f"the message cannot be parsed: {exc}")
    dedup_key = message.message_id or f"sha256:{sha256_hex(raw)}"
    try:
        decision = decide(message, settings, steps)
    except Exception as exc:  # a step broke: staff decide, the run goes on
        return Prepared(
            dedup_key, message, problem=f"{type(exc).__name__}: {exc}", trace=traceback.format_exc()
        )
    return Prepared(dedup_key, message, decision)


@dataclass(frozen=True)
class Pipeline:
    """What handling a message needs, built once per run. Tests pass their own steps."""

    settings: Settings
    engine: Engine
    secret: bytes
    owner: str = field(default_factory=worker_identity)  # this worker, on its attempts
    decide_steps: tuple[DecideStep, ...] = DECIDE
    act_steps: tuple[ActStep, ...] = ACT

    @property
    def tries(self) -> Tries:
        return Tries(self.engine, self.owner, self.settings.limits.attempts)

    def handle(self, raw: RawMessage) -> Outcome:
        """Parse, decide, act and commit one message. Never raises for a bad message."""
        return self.apply(raw, prepare(raw.data, self.settings, self.decide_steps))

    def apply(self, raw: RawMessage, prepared: Prepared) -> Outcome:
        """Store, act and commit what `prepare` made of `raw`: the single writer's part.

        Raises DatabaseUnavailableError when the database cannot answer: then nothing was
        committed, and the message must stay unmarked for a later try.
        """
        message, key = prepared.message, prepared.dedup_key
        if message is None:  # a verdict on the bytes: trying again cannot help
            return self.flag_for_staff(raw, prepared.problem or "the message cannot be parsed")
        if self.tries.seen(key):
            return self._duplicate(raw, key)
        attempt = self.tries.begin(key, raw.location)
        if attempt is None:
            log.info("message %s is being handled by another worker", raw.location)
            return Outcome.RETRY
        if attempt.number > self.tries.limit:  # the last tries died with the bot
            return self._set_aside(raw, message, key, self.tries.limit, attempt.last_error)
        if prepared.decision is None:  # a DECIDE step broke
            problem = prepared.problem or "a step failed"
            return self._failed(raw, message, key, attempt, problem, prepared.trace)
        return self._act(raw, message, prepared.decision, key, attempt)

    def _duplicate(self, raw: RawMessage, dedup_key: str) -> Outcome:
        """A message stored before: marked by us, unless a live worker stored it just now
        and marks it itself (two MOVEs of one message at once can leave two copies)."""
        if self.tries.theirs_to_mark(dedup_key):
            log.info("message %s is marked by the worker that stored it", raw.location)
            return Outcome.RETRY
        return Outcome.DUPLICATE

    def settle(self, mailbox: Mailbox, raw: RawMessage, outcome: Outcome) -> None:
        """What becomes of the message on the server, once its outcome is committed."""
        if outcome is Outcome.RETRY:
            return  # unmarked: the next run's sweep (UNSEEN) brings it back
        if outcome is Outcome.QUARANTINED:
            if not mailbox.quarantine(raw, "could not be stored"):
                log.error("message %s left unmarked on the server for staff", raw.location)
            return
        mailbox.mark_processed(raw)

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
                act.owner = self.owner
                for step in self.act_steps:
                    step(act)
                end_attempts(session, dedup_key)
                session.commit()
        except IntegrityError as exc:
            if self.tries.seen(dedup_key):
                # Another worker committed the same message between our check and commit.
                log.info("message %s was stored by another worker", raw.location)
                self.tries.forget(dedup_key)
                return self._duplicate(raw, dedup_key)
            return self.flag_for_staff(raw, f"IntegrityError: {exc}", dedup_key=dedup_key)
        except Exception as exc:  # a step broke: try again later, the run goes on
            if is_transient_error(exc):
                release_attempt(self.engine, dedup_key)
                raise_if_transient(exc)
            problem = f"{type(exc).__name__}: {exc}"
            return self._failed(raw, message, dedup_key, attempt, problem, traceback.format_exc())
        ticket = act.ticket.ref if act.ticket else "no ticket"
        log.info("message %s: %s -> %s", raw.location, decision.kind, ticket)
        return Outcome.AUTOMATIC if decision.automatic else Outcome.TICKET

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
        limit = self.tries.limit
        log.error(
            "handling %s failed (try %d of %d):\n%s", raw.location, attempt.number, limit, trace
        )
        if self.tries.failed(dedup_key, attempt, problem):
            return Outcome.RETRY
        return self._set_aside(raw, message, dedup_key, limit, problem)

    def _set_aside(
        self, raw: RawMessage, message: ParsedMessage, dedup_key: str, tries: int, error: str
    ) -> Outcome:
        reason = f"{error or 'unknown error'} (failed {tries} times; set aside)"
        return self.flag_for_staff(raw, reason, dedup_key=dedup_key, alert=True, message=message)

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
                ticket = record_flagged(
                    session, self.settings, raw, raw_path, key, reason, message, owner=self.owner
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
            if self.tries.seen(key):
                return Outcome.DUPLICATE  # another worker flagged the same message
            log.error("cannot store %s; it stays on the server", raw.location)
            return Outcome.QUARANTINED
        except (OSError, HelpdeskError, SQLAlchemyError, ValueError) as exc:
            raise_if_transient(exc)
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
            event=AnswerEvent.STAFF_ALERT,
            to=Recipient("Petugas Helpdesk", self.settings.helpdesk.staff_address),
            thread=Thread(subject=ticket.subject),
            received_at=raw.internal_date or utcnow(),
            extra={"reason": mask_credentials(reason), "location": raw.location},
        )

    @property
    def data_dir(self) -> Path:
        return self.settings.helpdesk.data_dir
