"""Each ticket's SLA clock: when its first answer and its resolution are due.

The due moments are worked out in working time (helpdesk.working_time) when the ticket
opens and kept on it, so the queue's "overdue" filter stays a plain comparison in SQL.
The resolution clock stops while the ticket waits for the requester (missing documents,
a question staff asked back): the time they take is not the helpdesk's, and the due
moment moves on by the working hours it stood still.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import col

from helpdesk.domain import OPEN_STATUSES, WAITING_STATUSES
from helpdesk.models import Ticket, utcnow
from helpdesk.settings import SlaSection
from helpdesk.working_time import OfficeHours, hours_left_text, office_hours


def office_of(sla: SlaSection) -> OfficeHours:
    """The office `sla` describes."""
    return office_hours(
        tuple(sla.office_days), sla.office_hours, tuple(sla.closed_days), sla.national_holidays
    )


def start_clock(ticket: Ticket, sla: SlaSection, started: datetime | None = None) -> None:
    """Set a new ticket's due moments, counted from `started` (when the request reached
    the mailbox; default: the ticket's creation). A ticket that opens waiting for
    documents has its resolution clock stopped from the start."""
    office, start = office_of(sla), started or ticket.created_at
    ticket.first_answer_due = office.add(start, sla.first_answer_hours)
    hours = sla.resolution_hours.get(ticket.kind)
    ticket.resolution_due = None if hours is None else office.add(start, hours)
    ticket.clock_stopped_at = start if ticket.status in WAITING_STATUSES else None


def set_status(ticket: Ticket, status: str, sla: SlaSection, now: datetime | None = None) -> None:
    """Move the ticket to `status`, stopping or restarting its resolution clock."""
    moment = now or utcnow()
    was_waiting = ticket.status in WAITING_STATUSES
    waits = status in WAITING_STATUSES
    if was_waiting and not waits:
        _restart(ticket, sla, moment)
    elif waits and not was_waiting:
        ticket.clock_stopped_at = moment
    ticket.status = status


def restart_resolution(ticket: Ticket, sla: SlaSection, now: datetime | None = None) -> None:
    """A reopened ticket gets its kind's whole resolution time again, from now."""
    moment = now or utcnow()
    hours = sla.resolution_hours.get(ticket.kind)
    ticket.resolution_due = None if hours is None else office_of(sla).add(moment, hours)
    ticket.clock_stopped_at = moment if ticket.status in WAITING_STATUSES else None


def _restart(ticket: Ticket, sla: SlaSection, moment: datetime) -> None:
    stopped, due = ticket.clock_stopped_at, ticket.resolution_due
    ticket.clock_stopped_at = None
    if stopped is None or due is None:
        return
    office = office_of(sla)
    ticket.resolution_due = office.add(due, max(0.0, office.between(stopped, moment)))


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    """SQL for "open, and past its resolution due (its clock running), or still
    without a first answer past that due"."""
    late = and_(
        col(Ticket.clock_stopped_at).is_(None),
        col(Ticket.resolution_due).is_not(None),
        col(Ticket.resolution_due) < now,
    )
    unanswered = and_(col(Ticket.first_answer_at).is_(None), col(Ticket.first_answer_due) < now)
    return and_(col(Ticket.status).in_(OPEN_STATUSES), or_(late, unanswered))


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    """The same rule as overdue_condition, for one ticket in hand."""
    if ticket.status not in OPEN_STATUSES:
        return False
    late = (
        ticket.clock_stopped_at is None
        and ticket.resolution_due is not None
        and ticket.resolution_due < now
    )
    unanswered = (
        ticket.first_answer_at is None
        and ticket.first_answer_due is not None
        and ticket.first_answer_due < now
    )
    return late or unanswered


@dataclass(frozen=True)
class ClockReading:
    """What the queue shows of a ticket's clock."""

    text: str  # "sisa 3 jam kerja", "terlambat 2 jam kerja", "jeda: menunggu pemohon"
    overdue: bool
    due: datetime | None  # the moment the running target falls due


def read_clock(ticket: Ticket, sla: SlaSection, now: datetime) -> ClockReading | None:
    """The target that matters now: the first answer while there is none, then the
    resolution; None for a closed ticket or one with no target."""
    if ticket.status not in OPEN_STATUSES:
        return None
    if ticket.first_answer_at is None and ticket.first_answer_due is not None:
        return _reading(office_of(sla), now, ticket.first_answer_due, "jawaban pertama: ")
    if ticket.resolution_due is None:
        return None
    if ticket.clock_stopped_at is not None:
        return ClockReading("jeda: menunggu pemohon", False, None)
    return _reading(office_of(sla), now, ticket.resolution_due, "")


def _reading(office: OfficeHours, now: datetime, due: datetime, prefix: str) -> ClockReading:
    # Late by the same rule as is_overdue (the due moment has passed), even when the
    # office has been shut since and no working time has gone by.
    late = due < now
    left = office.between(now, due)
    return ClockReading(prefix + hours_left_text(left, late=late), late, due)
