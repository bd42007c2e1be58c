"""The outbox: answers stored with their ticket, claimed, handed to a transport, recorded.

Answers are built as bytes by helpdesk/answers.py and added here in the caller's
transaction; `send_due` sends them later through a Transport (helpdesk/transport.py). A
row counts as sent only after the SMTP server accepted it (a 2xx reply) or its file was
written; a failed send is retried with backoff until `smtp.retry_hours` passed.

The moment the SMTP server accepts an answer, before QUIT and before the database hears
of it, a marker file is written under data_dir/outbox-accepted/. A bot killed in that
gap leaves the row pending, and its claim runs out; whoever claims the row next finds
the marker and records the answer as sent instead of sending it a second time.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import case, or_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

from helpdesk.answer_limits import block_address
from helpdesk.database import is_transient_error
from helpdesk.errors import DeliveryError
from helpdesk.models import OutboxAnswer, Ticket, utcnow
from helpdesk.settings import Settings
from helpdesk.transport import Transport, open_transport
from replies.render import one_line

log = logging.getLogger(__name__)


def queue_answer(
    session: Session,
    settings: Settings,
    *,
    ticket: Ticket,
    event: str,
    cause_message_id: int | None,
    recipient: str,
    subject: str,
    message_id: str,
    raw: bytes,
) -> OutboxAnswer:
    """Add an answer to the caller's transaction; it is sent after the commit."""
    now = utcnow()
    row = OutboxAnswer(
        ticket_id=ticket.id or 0,
        event=event,
        cause_message_id=cause_message_id,
        recipient=recipient.lower(),  # rate limits count by address, case-folded
        subject=one_line(subject, 250),
        message_id=message_id,
        raw=raw,
        next_attempt_at=now,
        give_up_at=now + timedelta(hours=settings.smtp.retry_hours),
    )
    session.add(row)
    return row


@dataclass
class SendReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the `attempts`-th failure: 1, 2, 4 ... minutes, at most an hour."""
    seconds = min(60 * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def send_due(
    engine: Engine,
    settings: Settings,
    *,
    now: datetime | None = None,
    all_pending: bool = False,
    transport: Transport | None = None,
) -> SendReport:
    """Send every answer whose time has come (or every pending one); each committed alone.

    Several senders (workers, a staff command) may run at once: each answer is claimed
    before it is sent, so every answer goes out through one of them only. `transport`:
    where the answers go (default: the one `[smtp] transport` names).
    """
    transport = transport or open_transport(settings)
    report = SendReport()
    moment = now or utcnow()
    due_by = None if all_pending else moment
    after = 0  # ids ascend: an answer deferred in this call is not taken again in it
    while (claimed := _claim_next(engine, after=after, due_by=due_by)) is not None:
        after = claimed.id or after
        _send_claimed(engine, settings, transport, claimed, moment, report)
    return report


CLAIM_LEASE = timedelta(minutes=10)


def _claim_next(engine: Engine, *, after: int, due_by: datetime | None) -> OutboxAnswer | None:
    """Take the next pending answer after id `after` for sending, or None when none is left.

    The claim is a lease (`claimed_until`) committed before the send, so no transaction
    stays open while SMTP talks, and a sender that died leaves a claim that runs out. On
    PostgreSQL the candidate is picked with FOR UPDATE SKIP LOCKED: senders never queue
    behind each other's row locks, each just takes the next free answer. SQLite has no
    row locks; its BEGIN IMMEDIATE makes the pick and the claim one step.
    """
    now = utcnow()
    query = (
        select(OutboxAnswer)
        .where(col(OutboxAnswer.status) == "pending", col(OutboxAnswer.id) > after)
        .where(
            or_(col(OutboxAnswer.claimed_until).is_(None), col(OutboxAnswer.claimed_until) < now)
        )
        .order_by(col(OutboxAnswer.id))
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if due_by is not None:
        query = query.where(col(OutboxAnswer.next_attempt_at) <= due_by)
    with Session(engine, expire_on_commit=False) as session:
        row = session.exec(query).first()
        if row is None:
            return None
        row.claimed_until = now + CLAIM_LEASE
        session.add(row)
        session.commit()
        return row


def _journal(settings: Settings, message_id: str) -> Path:
    """The marker that says the SMTP server accepted answer `message_id`."""
    name = hashlib.sha256(message_id.encode()).hexdigest()
    return settings.helpdesk.data_dir / "outbox-accepted" / name


def _note_accepted(marker: Path) -> None:
    # No fsync: this guards against the bot dying, and a dead process's writes survive.
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()


def _send_claimed(
    engine: Engine,
    settings: Settings,
    transport: Transport,
    claimed: OutboxAnswer,
    moment: datetime,
    report: SendReport,
) -> None:
    """Deliver a claimed answer outside any transaction, then record the result and release."""
    marker = _journal(settings, claimed.message_id)
    failure: DeliveryError | None = None
    if marker.exists():
        log.info(
            "answer %s reached the SMTP server before a stop: not sent again", claimed.message_id
        )
    else:
        try:
            transport.send(
                claimed.raw,
                recipient=claimed.recipient,
                message_id=claimed.message_id,
                accepted=lambda: _note_accepted(marker),
            )
        except DeliveryError as exc:
            # Accepted, then the connection broke at QUIT: it is on its way all the same.
            failure = None if marker.exists() else exc
    # The answer may be on its way already: a database that is away for a moment (a
    # PostgreSQL restart, a lock) must not make us forget that, or the lease runs out and
    # the answer goes out twice. So recording is retried for about half a minute.
    for pause in RECORD_RETRIES:
        try:
            result = _record(engine, claimed.id, failure, moment)
            break
        except IntegrityError:
            pass  # two senders blocked the same hard-bounced address at once; now it is there
        except SQLAlchemyError as exc:
            if not is_transient_error(exc):
                raise
            log.warning("cannot record answer %s yet (%s); retrying", claimed.message_id, exc)
        time.sleep(pause)
    else:
        result = _record(engine, claimed.id, failure, moment)  # the last try: errors go up
    marker.unlink(missing_ok=True)  # the row says "sent" now; the marker has done its job
    _report(claimed, result, failure, report)


RECORD_RETRIES = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)


def _record(
    engine: Engine, answer_id: int | None, failure: DeliveryError | None, moment: datetime
) -> str:
    """Store one attempt's result and release the claim; returns "sent", "deferred" or "failed"."""
    with Session(engine) as session:
        row = session.get(OutboxAnswer, answer_id)
        if row is None:
            return "gone"
        result = _record_attempt(session, row, failure, moment)
        row.claimed_until = None
        session.add(row)
        session.commit()
        return result


def _record_attempt(
    session: Session, row: OutboxAnswer, failure: DeliveryError | None, moment: datetime
) -> str:
    """Mark `row` sent, deferred or failed after one delivery attempt."""
    row.attempts += 1
    if failure is None:
        row.status, row.sent_at, row.last_error = "sent", utcnow(), ""
        ticket = session.get(Ticket, row.ticket_id)
        if ticket is not None and ticket.first_answer_at is None:
            ticket.first_answer_at = row.sent_at
            session.add(ticket)
        return "sent"
    row.last_error = str(failure)[:500]
    if failure.permanent or moment >= row.give_up_at:
        row.status = "failed"
        if failure.permanent:
            block_address(session, row.recipient, f"hard bounce: {failure}")
        return "failed"
    row.next_attempt_at = moment + retry_delay(row.attempts)
    return "deferred"


def _report(
    row: OutboxAnswer, result: str, failure: DeliveryError | None, report: SendReport
) -> None:
    """Count and log one attempt, once it is committed."""
    if result == "sent":
        report.sent += 1
        log.info("answer %s sent to %s", row.message_id, row.recipient)
    elif result == "failed":
        report.failed += 1
        log.error("answer %s to %s failed for good: %s", row.message_id, row.recipient, failure)
    elif result == "deferred":
        report.deferred += 1
        attempt = row.attempts + 1  # `row` is the claimed copy, from before this attempt
        log.warning("answer %s deferred (attempt %d): %s", row.message_id, attempt, failure)


def next_due(engine: Engine) -> datetime | None:
    """When the next pending answer can be sent, or None when nothing waits.

    A claimed answer is not sendable before its claim runs out: counting only its retry
    time made a worker whose sender died mid-send wake every 50 ms until then.
    """
    claim, retry = col(OutboxAnswer.claimed_until), col(OutboxAnswer.next_attempt_at)
    due = case((claim > retry, claim), else_=retry)
    with Session(engine) as session:
        return session.exec(
            select(due).where(OutboxAnswer.status == "pending").order_by(due).limit(1)
        ).first()
