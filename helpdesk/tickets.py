"""Ticket references, and the queries the pipeline and the CLI share.

Every function takes the caller's session and never commits: the caller owns the
transaction, so a ticket and its answer are committed together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, or_, text
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from helpdesk.domain import OPEN_STATUSES, TicketStatus
from helpdesk.errors import TicketNotFoundError
from helpdesk.models import (
    Agency,
    AuditEntry,
    InboundMessage,
    OutboxAnswer,
    StoredAttachment,
    Ticket,
    utcnow,
)
from helpdesk.requirements import missing_documents
from helpdesk.settings import SlaSection
from helpdesk.sla_clock import overdue_condition, set_status

_Query = TypeVar("_Query", bound=SelectOfScalar[Any])  # select(Ticket), select(count) ...


def next_ref(session: Session, *, prefix: str, year: int) -> str:
    """Hand out the next reference for `year`; a number is never handed out twice.

    The UPDATE takes SQLite's write lock (PostgreSQL's row lock), so two runs at
    once wait for each other instead of sharing a number.
    """
    session.execute(
        text(
            "INSERT INTO ticketcounter (prefix, year, last_number) VALUES (:p, :y, 0) "
            "ON CONFLICT (prefix, year) DO NOTHING"
        ),
        {"p": prefix, "y": year},
    )
    number = session.execute(
        text(
            "UPDATE ticketcounter SET last_number = last_number + 1 "
            "WHERE prefix = :p AND year = :y RETURNING last_number"
        ),
        {"p": prefix, "y": year},
    ).scalar_one()
    return f"{prefix}-{year}-{number:05d}"


def audit(session: Session, ticket: Ticket, *, actor: str, action: str, detail: str = "") -> None:
    """Add one line to the ticket's audit trail (who, when, what) in the caller's transaction."""
    if ticket.id is None:
        session.flush()
    session.add(
        AuditEntry(ticket_id=ticket.id or 0, actor=actor, action=action, detail=detail[:2000])
    )


def ticket_audit(session: Session, ticket: Ticket) -> Sequence[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.ticket_id == ticket.id)
    return session.exec(query.order_by(col(AuditEntry.id))).all()


def get_ticket(session: Session, ref: str, *, for_update: bool = False) -> Ticket:
    """The ticket with reference `ref`, or TicketNotFoundError; see find_ticket for `for_update`."""
    ticket = find_ticket(session, ref, for_update=for_update)
    if ticket is None:
        raise TicketNotFoundError(ref)
    return ticket


def find_ticket(session: Session, ref: str, *, for_update: bool = False) -> Ticket | None:
    """The ticket with reference `ref`, or None.

    `for_update`: the caller is about to change the ticket. On PostgreSQL its row stays
    locked until the caller's transaction ends, so a follow-up and a staff action on the
    same ticket take turns instead of each writing back what it read before the other's
    commit (a lost update); the row is read afresh, even if the session holds it already.
    SQLite ignores the lock: BEGIN IMMEDIATE serialises its writers already.
    """
    query = select(Ticket).where(Ticket.ref == ref.upper())
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query).first()


def resent_ticket(
    session: Session, *, sender: str, kind: str, kode_tender: str | None, for_update: bool = False
) -> Ticket | None:
    """The open ticket a message resends: the same sender, kind and kode tender (the
    newest, when several match), or None; a message without a kode tender resends nothing."""
    if not sender or not kode_tender:
        return None
    query = (
        select(Ticket)
        .where(
            Ticket.requester_address == sender,
            Ticket.kind == kind,
            Ticket.kode_tender == kode_tender,
            col(Ticket.status).in_(OPEN_STATUSES),
        )
        .order_by(col(Ticket.id).desc())
        .limit(1)
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query).first()


def related_tickets(
    session: Session, ticket: Ticket, *, limit: int = 10
) -> dict[str, list[Ticket]]:
    """The requester's and the agency's other tickets, newest first:
    {"requester": [...], "agency": [...]} (a ticket of both is listed under the requester)."""

    def newest(condition: ColumnElement[bool]) -> list[Ticket]:
        query = select(Ticket).where(condition, col(Ticket.id) != ticket.id)
        return list(session.exec(query.order_by(col(Ticket.id).desc()).limit(limit)).all())

    address = ticket.requester_address
    mine = newest(col(Ticket.requester_address) == address) if address else []
    seen = {t.id for t in mine}
    agency = newest(col(Ticket.agency_id) == ticket.agency_id) if ticket.agency_id else []
    return {"requester": mine, "agency": [t for t in agency if t.id not in seen]}


def likely_duplicates(session: Session, ticket: Ticket, *, days: int = 30) -> Sequence[Ticket]:
    """Other tickets with the same kode tender from the same sender or agency, created
    within `days` of this one: what staff may want to merge."""
    if not ticket.kode_tender:
        return []
    near = timedelta(days=days)
    same_source = [col(Ticket.requester_address) == ticket.requester_address]
    if ticket.agency_id is not None:
        same_source.append(col(Ticket.agency_id) == ticket.agency_id)
    query = select(Ticket).where(
        col(Ticket.id) != ticket.id,
        col(Ticket.kode_tender) == ticket.kode_tender,
        or_(*same_source),
        col(Ticket.created_at) >= ticket.created_at - near,
        col(Ticket.created_at) <= ticket.created_at + near,
    )
    return session.exec(query.order_by(col(Ticket.id)).limit(20)).all()


def seen_message(session: Session, dedup_key: str) -> InboundMessage | None:
    """The stored row of a message already read under `dedup_key`, if any."""
    return session.exec(select(InboundMessage).where(InboundMessage.dedup_key == dedup_key)).first()


@dataclass(frozen=True)
class QueueFilter:
    """What `tickets list` narrows the queue to; None means any."""

    status: str | None = None
    kind: str | None = None
    agency: str | None = None  # part of the agency's name
    assignee: str | None = None
    overdue: bool = False
    limit: int | None = None
    open_only: bool = False  # without a status: leave out resolved and rejected tickets
    spam: bool = False  # the Spam view: only what the receiving server judged spam


def matching(query: _Query, queue: QueueFilter, now: datetime | None = None) -> _Query:
    """`query` narrowed to the tickets `queue` asks for (the CLI and the web share it)."""
    if queue.status:
        query = query.where(Ticket.status == queue.status)
    if queue.kind:
        query = query.where(Ticket.kind == queue.kind)
    if queue.assignee:
        query = query.where(Ticket.assignee == queue.assignee)
    if queue.agency:
        query = query.join(Agency, col(Agency.id) == col(Ticket.agency_id)).where(
            col(Agency.name).icontains(queue.agency)
        )
    if queue.overdue:
        query = query.where(overdue_condition(now or utcnow()))
    query = query.where(col(Ticket.spam).is_(queue.spam))
    if queue.open_only and not queue.status:
        query = query.where(col(Ticket.status).in_(OPEN_STATUSES))
    return query


def list_tickets(
    session: Session,
    queue: QueueFilter | None = None,
    *,
    now: datetime | None = None,
) -> Sequence[Ticket]:
    """The queue: a stated deadline first (soonest first), then oldest first."""
    queue = queue or QueueFilter()
    query = matching(select(Ticket), queue, now).order_by(
        col(Ticket.deadline).is_(None), col(Ticket.deadline), col(Ticket.created_at), col(Ticket.id)
    )
    if queue.limit:
        query = query.limit(queue.limit)
    return session.exec(query).all()


def count_tickets(
    session: Session,
    queue: QueueFilter | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """How many tickets `queue` matches, its limit aside: 1234."""
    query = matching(select(func.count()).select_from(Ticket), queue or QueueFilter(), now)
    return int(session.exec(query).one())


def ticket_messages(session: Session, ticket: Ticket) -> Sequence[InboundMessage]:
    query = select(InboundMessage).where(InboundMessage.ticket_id == ticket.id)
    return session.exec(query.order_by(col(InboundMessage.id))).all()


def ticket_attachments(session: Session, ticket: Ticket) -> Sequence[StoredAttachment]:
    query = select(StoredAttachment).where(StoredAttachment.ticket_id == ticket.id)
    return session.exec(query.order_by(col(StoredAttachment.id))).all()


def ticket_answers(session: Session, ticket: Ticket) -> Sequence[OutboxAnswer]:
    query = select(OutboxAnswer).where(OutboxAnswer.ticket_id == ticket.id)
    return session.exec(query.order_by(col(OutboxAnswer.id))).all()


def documents_on_ticket(session: Session, ticket: Ticket) -> set[str]:
    """Every document id carried by a valid attachment of the ticket, from any message."""
    present: set[str] = set()
    for attachment in ticket_attachments(session, ticket):
        if attachment.problem is None:
            present.update(json.loads(attachment.documents))
    return present


def recount_documents(session: Session, ticket: Ticket, sla: SlaSection) -> bool:
    """Count the ticket's documents again (after files joined it); True when that made it
    complete, and then a ticket that waited for documents is in progress."""
    was_complete = ticket.complete
    missing = missing_documents(ticket.kind, documents_on_ticket(session, ticket))
    ticket.missing, ticket.complete = json.dumps(missing), not missing
    session.add(ticket)
    if ticket.complete and not was_complete:
        if ticket.status == TicketStatus.AWAITING_DOCUMENTS:
            set_status(ticket, TicketStatus.IN_PROGRESS, sla)
        return True
    return False


def ticket_summary(ticket: Ticket) -> dict[str, object]:
    """The `tickets list --json` object of one ticket."""
    return {
        "ref": ticket.ref,
        "kind": ticket.kind,
        "schedule_change": ticket.schedule_change,
        "status": ticket.status,
        "complete": ticket.complete,
        "missing": json.loads(ticket.missing),
        "requester": ticket.requester_address,
        "requester_name": ticket.requester_name,
        "subject": ticket.subject,
        "kode_tender": ticket.kode_tender,
        "holds_credentials": ticket.holds_credentials,
        "needs_staff": ticket.needs_staff,
        "created_at": iso(ticket.created_at),
    }


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
