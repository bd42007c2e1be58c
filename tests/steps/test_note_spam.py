"""note_spam: the receiving server's spam verdict becomes `spam`, with the evidence."""

from __future__ import annotations

from helpdesk.decision import Decision
from helpdesk.domain import Kind
from helpdesk.steps.note_spam import note_spam
from tests.support.messages import mail, run


def test_a_spam_flag_is_the_evidence() -> None:
    decision = run(note_spam, mail(X_Spam_Flag="YES"))
    assert decision.spam == "x-spam-flag: YES"
    assert decision.shown_reasons == [
        "spam (x-spam-flag: YES): tiket di tampilan Spam, tidak dijawab"
    ]


def test_rspamds_action_counts_and_no_action_does_not() -> None:
    assert run(note_spam, mail(X_Rspamd_Action="rewrite subject")).spam
    assert run(note_spam, mail(X_Rspamd_Action="no action")).spam is None


def test_a_clean_verdict_is_no_spam() -> None:
    decision = run(note_spam, mail(X_Spam_Status="No, score=-1.2"))
    assert decision.spam is None and decision.reasons == []


def test_automatic_mail_is_left_to_skip_automatic() -> None:
    decision = run(note_spam, mail(X_Spam_Flag="YES"), Decision(kind=Kind.AUTOMATIC))
    assert decision.spam is None
