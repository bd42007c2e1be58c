"""find_ticket_ref: the ticket a follow-up names, in its subject or our Message-IDs."""

from __future__ import annotations

from helpdesk.decision import Decision
from helpdesk.domain import Kind
from helpdesk.steps.find_ticket_ref import find_ticket_ref
from tests.support.messages import OUR_ANSWER_ID, mail, run


def test_the_subject_names_the_ticket() -> None:
    decision = run(find_ticket_ref, mail("Re: [hd-2026-00042] berkas susulan"))
    assert decision.ticket_ref == "HD-2026-00042"
    assert decision.reasons == ["follow-up of HD-2026-00042: named in the subject"]


def test_a_reply_to_our_answer_names_its_ticket() -> None:
    decision = run(find_ticket_ref, mail("Re: Permohonan", In_Reply_To=OUR_ANSWER_ID))
    assert decision.ticket_ref == "HD-2026-00042"
    assert "it answers our message" in decision.reasons[0]


def test_a_reference_in_someone_elses_message_id_means_nothing() -> None:
    foreign = "<HD-2026-00042.1768ab.9f3a0c@mail.gmail.com>"
    decision = run(find_ticket_ref, mail("Re: Permohonan", In_Reply_To=foreign))
    assert decision.ticket_ref is None and decision.reasons == []


def test_automatic_mail_names_no_ticket() -> None:
    decision = run(
        find_ticket_ref, mail("Re: [HD-2026-00042] cuti"), Decision(kind=Kind.AUTOMATIC)
    )
    assert decision.ticket_ref is None
