"""check_documents: which required documents no valid attachment holds."""

from __future__ import annotations

from helpdesk.decision import AttachmentVerdict, Decision
from helpdesk.domain import Kind
from helpdesk.steps.check_documents import check_documents
from tests.support.messages import mail, run

FORM = AttachmentVerdict("Formulir.xlsx", ("forensic_form",))
MINUTES = AttachmentVerdict("BA.pdf", ("forensic_minutes",))


def forensic(*attachments: AttachmentVerdict) -> Decision:
    decision = Decision(kind=Kind.FORENSIC_TEST, attachments=list(attachments))
    return run(check_documents, mail(), decision)


def test_both_documents_make_it_complete() -> None:
    decision = forensic(FORM, MINUTES)
    assert decision.complete and decision.missing == []
    assert decision.reasons == ["complete: forensic_form, forensic_minutes attached"]


def test_the_missing_one_is_named_in_the_slas_order() -> None:
    decision = forensic(MINUTES)
    assert decision.missing == ["forensic_form"]
    assert decision.reasons == ["incomplete: missing forensic_form (found forensic_minutes)"]


def test_an_invalid_file_satisfies_nothing() -> None:
    broken = AttachmentVerdict("BA.pdf", ("forensic_minutes",), problem="corrupt")
    assert forensic(FORM, broken).missing == ["forensic_minutes"]


def test_a_kind_without_documents_misses_nothing() -> None:
    decision = run(check_documents, mail(), Decision(kind=Kind.OTHER))
    assert decision.missing == [] and decision.reasons == []
