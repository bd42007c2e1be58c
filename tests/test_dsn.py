"""A hard bounce of one of our answers blocks the address it went to, and no one else."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import Session

from helpdesk.models import BlockedAddress
from parsers.message import parse_message
from parsers.types import DeliveryReport
from tests.support.bot import sample, with_headers
from tests.support.desk import Helpdesk
from tests.support.messages import dsn

REQUESTER = "adminagency.dishub.krw@gmail.com"


@pytest.mark.parametrize("returned", ["text/rfc822-headers", "message/rfc822"])
def test_a_permanent_failure_names_the_recipient_and_the_returned_message(returned: str) -> None:
    raw = dsn(recipient="Budi@X.go.id", message_id="HD-2026-00001.ab.cd@k.go.id", returned=returned)
    assert parse_message(raw).delivery_report == DeliveryReport(
        ("budi@x.go.id",), "HD-2026-00001.ab.cd@k.go.id"
    )


@pytest.mark.parametrize(("action", "status"), [("delayed", "4.4.1"), ("failed", "4.2.2")])
def test_a_temporary_failure_names_no_one(action: str, status: str) -> None:
    raw = dsn(recipient="a@x.go.id", message_id="m@x", action=action, status=status)
    report = parse_message(raw).delivery_report
    assert report is not None and report.failed == ()


def test_the_sample_bounces_are_read() -> None:
    report = parse_message(sample("42-auto-dsn-bounce.eml")).delivery_report
    assert report is not None and report.failed == (REQUESTER,)
    assert report.original_message_id == "HD-2026-00017.1767759645.9c2e@karawangkab.go.id"
    assert parse_message(sample("41-auto-out-of-office.eml")).delivery_report is None


def request(number: int, sender: str = REQUESTER) -> bytes:
    return with_headers(
        sample("22-reset-complete-pdf.eml"),
        From=f"Admin Dishub <{sender}>",
        Message_ID=f"<req-{number}@mail.gmail.com>",
    )


def answered(desk: Helpdesk) -> EmailMessage:
    desk.receive(request(1))
    desk.run_once()
    (answer,) = desk.answers()
    assert answer["To"].addresses[0].addr_spec == REQUESTER
    return answer


def blocked(desk: Helpdesk, address: str) -> bool:
    with Session(desk.engine) as session:
        return session.get(BlockedAddress, address) is not None


def test_bounce_of_our_answer_blocks_the_address_and_later_requests_get_no_answer(
    tmp_path: Path,
) -> None:
    desk = Helpdesk(tmp_path)
    answer = answered(desk)

    desk.receive(dsn(recipient=REQUESTER, message_id=answer["Message-ID"].strip("<>")))
    desk.run_once()
    assert blocked(desk, REQUESTER)
    assert len(desk.tickets()) == 1  # the bounce itself opens nothing

    desk.receive(request(2))
    desk.run_once()
    assert len(desk.tickets()) == 2  # still a ticket for staff
    assert len(desk.answers()) == 1  # but no answer to an address that bounced


def test_a_forged_bounce_cannot_block_someone_else(tmp_path: Path) -> None:
    desk = Helpdesk(tmp_path)
    answer = answered(desk)
    ours = answer["Message-ID"].strip("<>")
    victim = "admin.dinkes@karawangkab.go.id"

    desk.receive(dsn(recipient=victim, message_id=ours, number=1))
    # A Message-ID that looks like ours but was never signed by us.
    fake = "HD-2026-00001.abcdef.0123@karawangkab.go.id"
    desk.receive(dsn(recipient=victim, message_id=fake, number=2))
    desk.run_once()

    assert not blocked(desk, victim)
    assert not blocked(desk, REQUESTER)
