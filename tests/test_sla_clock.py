"""Each ticket's SLA clock: due moments set when it opens, in working time, standing still
while the requester has the next move, and the queue's overdue filter agreeing with it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine, select

from helpdesk.act import Act
from helpdesk.database import migrate
from helpdesk.decision import Decision
from helpdesk.domain import Kind, TicketStatus
from helpdesk.mailbox import RawMessage
from helpdesk.models import Ticket
from helpdesk.pipeline import ACT
from helpdesk.settings import SlaSection, settings_from_dict
from helpdesk.sla_clock import (
    is_overdue,
    overdue_condition,
    read_clock,
    restart_resolution,
    set_status,
    start_clock,
)
from parsers.dates import WIB
from parsers.message import parse_message
from tests.support.messages import mail_bytes

SLA = SlaSection()  # first answer 4 working hours, problem_report 8, forensic_test 24


def wib(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB).astimezone(UTC)


def opened(at: str, *, kind: str = Kind.PROBLEM_REPORT, status: str = TicketStatus.NEW) -> Ticket:
    ticket = Ticket(ref="HD-2026-00001", kind=kind, status=status, created_at=wib(at))
    start_clock(ticket, SLA)
    return ticket


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    migrate(engine)
    with Session(engine) as session:
        yield session


def test_mail_that_reached_the_server_on_saturday_is_due_from_monday(
    session: Session, tmp_path: Path
) -> None:
    settings = settings_from_dict({"helpdesk": {"data_dir": str(tmp_path)}})
    raw = mail_bytes("Kesalahan input HPS paket 10283561")
    saturday = wib("2026-12-05 10:00")  # the server's INTERNALDATE, not the Date header
    inbox = RawMessage("INBOX", 1, "7", raw, saturday)
    decision = Decision(kind=Kind.PROBLEM_REPORT)  # complete: nothing missing
    act = Act(session, settings, b"s", inbox, "mail/x.eml", "k", parse_message(raw), decision)
    for step in ACT:
        step(act)
    ticket = session.exec(select(Ticket)).one()
    assert ticket.first_answer_due == wib("2026-12-07 12:00")  # Monday, 4 working hours
    assert ticket.resolution_due == wib("2026-12-07 16:00")  # Monday, 8 working hours
    assert ticket.clock_stopped_at is None


def test_a_ticket_opened_waiting_for_documents_starts_with_its_clock_stopped() -> None:
    ticket = opened("2026-12-08 09:00", status=TicketStatus.AWAITING_DOCUMENTS)
    assert ticket.clock_stopped_at == wib("2026-12-08 09:00")
    ticket.first_answer_at = wib("2026-12-08 09:01")  # the bot's answer asked for them
    assert not is_overdue(ticket, wib("2026-12-31 09:00"))  # waiting: not the desk's time
    # The documents arrive on Thursday 10.00: the 8 hours run from then.
    set_status(ticket, TicketStatus.IN_PROGRESS, SLA, now=wib("2026-12-10 10:00"))
    assert ticket.clock_stopped_at is None
    assert ticket.resolution_due == wib("2026-12-11 10:00")


def test_a_question_back_stops_the_clock_and_the_answer_restarts_it() -> None:
    ticket = opened("2026-12-07 08:00")  # problem_report due Monday 16.00
    set_status(ticket, TicketStatus.IN_PROGRESS, SLA, now=wib("2026-12-07 09:00"))
    ticket.first_answer_at = wib("2026-12-07 09:00")
    set_status(ticket, TicketStatus.AWAITING_REQUESTER, SLA, now=wib("2026-12-07 12:00"))
    reading = read_clock(ticket, SLA, wib("2026-12-09 12:00"))
    assert reading is not None and reading.text == "jeda: menunggu pemohon"
    assert not is_overdue(ticket, wib("2026-12-09 12:00"))
    # The requester answers Wednesday 12.00: 16 working hours later, so is the due moment.
    set_status(ticket, TicketStatus.IN_PROGRESS, SLA, now=wib("2026-12-09 12:00"))
    assert ticket.resolution_due == wib("2026-12-09 16:00")
    reading = read_clock(ticket, SLA, wib("2026-12-09 13:00"))
    assert reading is not None and reading.text == "sisa 3 jam kerja"


def test_the_queue_reads_the_first_answer_first_then_the_resolution() -> None:
    ticket = opened("2026-12-11 14:00")  # Friday: first answer due Monday 10.00
    reading = read_clock(ticket, SLA, wib("2026-12-11 15:00"))
    assert reading is not None
    assert reading.text == "jawaban pertama: sisa 3 jam kerja" and not reading.overdue
    reading = read_clock(ticket, SLA, wib("2026-12-14 12:00"))
    assert reading is not None and reading.text == "jawaban pertama: terlambat 2 jam kerja"
    assert reading.overdue and is_overdue(ticket, wib("2026-12-14 12:00"))
    ticket.first_answer_at = wib("2026-12-14 12:00")
    reading = read_clock(ticket, SLA, wib("2026-12-14 12:00"))
    assert reading is not None and reading.text == "sisa 2 jam kerja"  # due Monday 14.00
    set_status(ticket, TicketStatus.RESOLVED, SLA)
    assert read_clock(ticket, SLA, wib("2026-12-14 12:00")) is None


def test_a_reopened_ticket_gets_its_whole_resolution_time_again() -> None:
    ticket = opened("2026-12-01 08:00")
    set_status(ticket, TicketStatus.RESOLVED, SLA)
    ticket.status = TicketStatus.IN_PROGRESS
    restart_resolution(ticket, SLA, now=wib("2026-12-10 13:00"))
    assert ticket.resolution_due == wib("2026-12-11 13:00")


def test_the_overdue_filter_agrees_with_each_tickets_clock(session: Session) -> None:
    now = wib("2026-12-10 12:00")
    cases = {
        "late": ("2026-12-07 08:00", TicketStatus.IN_PROGRESS, True),
        "fresh": ("2026-12-10 09:00", TicketStatus.IN_PROGRESS, True),
        "unanswered": ("2026-12-09 14:00", TicketStatus.NEW, False),
        "waiting": ("2026-12-01 08:00", TicketStatus.AWAITING_REQUESTER, True),
        "closed": ("2026-12-01 08:00", TicketStatus.RESOLVED, True),
    }
    for number, (name, (at, status, answered)) in enumerate(cases.items()):
        ticket = opened(at, status=status)
        ticket.ref, ticket.subject = f"HD-2026-{number:05d}", name
        ticket.first_answer_at = ticket.created_at + timedelta(minutes=5) if answered else None
        session.add(ticket)
    session.commit()
    tickets = session.exec(select(Ticket)).all()
    in_sql = set(session.exec(select(Ticket.subject).where(overdue_condition(now))).all())
    in_hand = {t.subject for t in tickets if is_overdue(t, now)}
    assert in_sql == in_hand == {"late", "unanswered"}


def test_a_target_passed_after_office_hours_reads_late_as_the_overdue_mark_does() -> None:
    ticket = opened("2026-12-07 08:00")  # problem_report: due Monday 16.00
    ticket.first_answer_at = wib("2026-12-07 08:05")
    evening = wib("2026-12-07 18:00")  # no working time since 16.00, but past it
    reading = read_clock(ticket, SLA, evening)
    assert reading is not None and reading.overdue and is_overdue(ticket, evening)
    assert reading.text == "terlambat"
    reading = read_clock(ticket, SLA, wib("2026-12-08 10:00"))
    assert reading is not None and reading.text == "terlambat 2 jam kerja"
