"""note_bounce: a permanent-failure DSN of one of our answers, and for whom."""

from __future__ import annotations

from helpdesk.decision import Decision
from helpdesk.domain import Kind
from helpdesk.steps.note_bounce import note_bounce
from parsers.message import parse_message
from tests.support.messages import dsn, mail, run

OURS = "HD-2026-00042.1768ab.9f3a0c@karawangkab.go.id"


def bounce(message_id: str, *, action: str = "failed") -> Decision:
    report = parse_message(dsn(recipient="gone@dinkes.go.id", message_id=message_id, action=action))
    return run(note_bounce, report, Decision(kind=Kind.AUTOMATIC))


def test_a_hard_bounce_of_our_answer_names_the_failed_recipient() -> None:
    decision = bounce(OURS)
    assert decision.bounced_recipients == ("gone@dinkes.go.id",)
    assert decision.bounced_message_id == OURS


def test_a_bounce_of_someone_elses_mail_blocks_nobody() -> None:
    decision = bounce("abc.123@mail.gmail.com")
    assert decision.bounced_recipients == ()
    assert decision.reasons == ["a delivery failure report, but not of one of our answers"]


def test_a_delayed_delivery_is_no_failure() -> None:
    assert bounce(OURS, action="delayed").bounced_recipients == ()


def test_a_person_writing_is_never_read_as_a_bounce() -> None:
    decision = run(note_bounce, mail("Pengiriman gagal", "Mail delivery failed, tolong bantu"))
    assert decision.bounced_recipients == () and decision.reasons == []
