"""Loop guards beyond headers: a robot answering everything, a flood from one sender,
and an address that hard-bounced never draw more than the limits allow."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import Session, select

from helpdesk.models import AuditEntry, BlockedAddress
from tests.support.bot import sample, with_headers
from tests.support.desk import Helpdesk
from tests.support.servers import SmtpRecorder

ROBOT = "Auto Robot <robot@dinas.example.go.id>"
REQUEST = "22-reset-complete-pdf.eml"


def robot_request(number: int) -> bytes:
    return with_headers(
        sample(REQUEST),
        From=ROBOT,
        Message_ID=f"<robot-{number}@dinas.example.go.id>",
        Subject=f"Permohonan reset password admin agency nomor {number}",
    )


def test_ping_pong_robot_gets_no_more_than_the_daily_cap(tmp_path: Path) -> None:
    desk = Helpdesk(tmp_path, limits={"answers_per_hour": 5, "answers_per_day": 3})
    desk.receive(robot_request(0))
    for round_number in range(1, 20):
        desk.run_once()
        for answer in desk.answers():
            # The naive robot answers each of our answers: once with our ticket in the
            # subject (a follow-up) and once as a brand-new message.
            desk.receive(
                with_headers(
                    sample(REQUEST),
                    From=ROBOT,
                    Message_ID=f"<robot-re-{round_number}-{answer['Message-ID'].strip('<>')}>",
                    Subject=f"Re: {str(answer['Subject']).strip()}",
                    In_Reply_To=str(answer["Message-ID"]).strip(),
                )
            )
        desk.receive(robot_request(round_number))
    desk.run_once()

    assert len(desk.answers()) == 3
    assert len(desk.tickets()) == 20  # every genuine-looking request is still a ticket


def test_flood_of_fifty_requests_gives_fifty_tickets_and_capped_answers(tmp_path: Path) -> None:
    desk = Helpdesk(tmp_path, limits={"answers_per_hour": 10, "answers_per_day": 30})
    for number in range(50):
        desk.receive(robot_request(number))
    desk.run_once()

    assert len(desk.tickets()) == 50
    assert len(desk.answers()) == 10
    with Session(desk.engine) as session:
        refused = session.exec(select(AuditEntry).where(AuditEntry.action == "not_answered")).all()
    assert len(refused) == 40


@pytest.mark.servers
def test_hard_bounce_blocks_the_address(
    tmp_path: Path, smtp_server: SmtpRecorder, sent_mail: list[EmailMessage]
) -> None:
    smtp = {
        "transport": "smtp",
        "host": smtp_server.host,
        "port": smtp_server.port,
        "security": "none",
        "timeout": 10.0,
    }
    desk = Helpdesk(tmp_path, smtp=smtp)
    smtp_server.fail_next("rcpt", 550)
    desk.receive(robot_request(1))
    desk.run_once()
    assert sent_mail == []
    with Session(desk.engine) as session:
        assert session.get(BlockedAddress, "robot@dinas.example.go.id") is not None

    desk.receive(robot_request(2))
    desk.run_once()

    assert len(desk.tickets()) == 2
    assert sent_mail == []  # never answered again, and nothing was retried
