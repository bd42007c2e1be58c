"""classify_kind: the best-scoring request kind, or `other` when nothing is convincing."""

from __future__ import annotations

from helpdesk.decision import AttachmentVerdict, Decision
from helpdesk.domain import Kind
from helpdesk.steps.classify_kind import classify_kind
from tests.support.messages import mail, run


def test_a_forensic_request_is_a_forensic_test() -> None:
    message = mail("Permohonan Uji Forensik File RHS", "Mohon dilakukan uji forensik file RHS.")
    decision = run(classify_kind, message)
    assert decision.kind == Kind.FORENSIC_TEST
    assert decision.reasons[0].startswith("kind forensic_test (")


def test_attached_documents_speak_for_the_kind() -> None:
    form = AttachmentVerdict("Formulir.xlsx", ("problem_form",))
    decision = run(classify_kind, mail("Mohon bantuan", "Terlampir."), Decision(attachments=[form]))
    assert decision.kind == Kind.PROBLEM_REPORT


def test_thanks_alone_is_other_for_staff_to_triage() -> None:
    decision = run(classify_kind, mail("Terima kasih", "Terima kasih atas bantuannya, Pak."))
    assert decision.kind == Kind.OTHER
    assert decision.reasons == ["kind other: no request kind is clearly named; staff triage"]


def test_a_bidders_account_reset_is_not_an_administrator_reset() -> None:
    message = mail("Reset password", "Saya penyedia, mohon reset password akun penyedia saya.")
    assert run(classify_kind, message).kind == Kind.OTHER


def test_automatic_mail_keeps_its_kind() -> None:
    message = mail("Uji forensik", "Mohon uji forensik.")
    assert run(classify_kind, message, Decision(kind=Kind.AUTOMATIC)).automatic
