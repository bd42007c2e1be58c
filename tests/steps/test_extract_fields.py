"""extract_fields: the labelled fields of a request, from its text and its forms."""

from __future__ import annotations

from helpdesk.decision import Decision
from helpdesk.domain import Kind
from helpdesk.steps.extract_fields import extract_fields
from tests.support.files import xlsx_file
from tests.support.messages import mail, run


def test_the_kode_tender_is_read_from_its_label_in_the_body() -> None:
    message = mail("Uji forensik", "Kode Tender : 10283561\nNama Paket : Rehab Puskesmas")
    decision = run(extract_fields, message, Decision(kind=Kind.FORENSIC_TEST))
    assert decision.fields["kode_tender"] == "10283561"
    assert decision.fields["nama_paket"] == "Rehab Puskesmas"


def test_a_form_fills_what_the_body_does_not_say() -> None:
    form = xlsx_file([("Kode Tender", "10283561"), ("Nama Pokja", "Pokja Pemilihan 3")])
    message = mail("Uji forensik", "Terlampir formulir.", attachments={"Formulir.xlsx": form})
    decision = run(extract_fields, message, Decision(kind=Kind.FORENSIC_TEST))
    assert decision.fields["kode_tender"] == "10283561"
    assert decision.fields["nama_pokja"] == "Pokja Pemilihan 3"


def test_a_code_without_its_label_is_not_taken() -> None:
    message = mail("Uji forensik", "Nomor surat 10283561 tanggal 3 Desember.")
    decision = run(extract_fields, message, Decision(kind=Kind.FORENSIC_TEST))
    assert "kode_tender" not in decision.fields


def test_automatic_mail_has_no_fields() -> None:
    message = mail("Auto", "Kode Tender : 10283561")
    assert run(extract_fields, message, Decision(kind=Kind.AUTOMATIC)).fields == {}
