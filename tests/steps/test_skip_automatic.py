"""skip_automatic: machine mail is `automatic`, with the evidence as its reason."""

from __future__ import annotations

from helpdesk.domain import Kind
from helpdesk.steps.skip_automatic import skip_automatic
from tests.support.messages import OUR_ANSWER_ID, mail, run


def test_an_auto_reply_is_automatic() -> None:
    decision = run(skip_automatic, mail(Auto_Submitted="auto-replied"))
    assert decision.kind == Kind.AUTOMATIC
    assert decision.reasons == ["automatic: Auto-Submitted: auto-replied; no ticket and no answer"]


def test_auto_submitted_no_is_a_person() -> None:
    decision = run(skip_automatic, mail(Auto_Submitted="no"))
    assert decision.kind == Kind.OTHER and decision.reasons == []


def test_a_null_return_path_is_a_bounce_or_auto_reply() -> None:
    decision = run(skip_automatic, mail(Return_Path="<>"))
    assert decision.automatic
    assert "null Return-Path" in decision.reasons[0]


def test_our_own_answer_coming_back_is_automatic() -> None:
    assert run(skip_automatic, mail(Message_ID=OUR_ANSWER_ID)).automatic


def test_a_pokja_writing_is_not_automatic() -> None:
    decision = run(skip_automatic, mail("Permohonan uji forensik", "Mohon bantuan uji forensik."))
    assert not decision.automatic and decision.reasons == []
