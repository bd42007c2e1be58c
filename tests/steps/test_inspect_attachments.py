"""inspect_attachments: a verdict for every attached file, with what it holds or why not."""

from __future__ import annotations

from helpdesk.decision import Decision
from helpdesk.domain import Kind
from helpdesk.steps.inspect_attachments import inspect_attachments
from tests.support.files import pdf
from tests.support.messages import mail, run


def test_a_pdf_is_known_by_what_its_text_says() -> None:
    message = mail(attachments={"scan0001.pdf": pdf("BERITA ACARA UJI FORENSIK\nTender 10283561")})
    [verdict] = run(inspect_attachments, message).attachments
    assert verdict.filename == "scan0001.pdf"
    assert "forensic_minutes" in verdict.documents and verdict.problem is None


def test_an_empty_file_is_refused_with_its_reason() -> None:
    decision = run(inspect_attachments, mail(attachments={"BA Uji Forensik.pdf": b""}))
    [verdict] = decision.attachments
    assert verdict.problem_code == "empty"
    assert decision.reasons == [f"attachment 'BA Uji Forensik.pdf' refused: {verdict.problem}"]


def test_a_file_that_lies_about_its_type_is_refused() -> None:
    decision = run(inspect_attachments, mail(attachments={"Formulir.pdf": b"MZ\x90\x00" * 64}))
    [verdict] = decision.attachments
    assert verdict.problem is not None


def test_automatic_mail_is_not_inspected() -> None:
    message = mail(attachments={"BA.pdf": pdf("BERITA ACARA UJI FORENSIK")})
    assert run(inspect_attachments, message, Decision(kind=Kind.AUTOMATIC)).attachments == []
