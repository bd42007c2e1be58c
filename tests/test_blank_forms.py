"""The official blank forms: open in Excel, labels locked, input cells typed."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings
from replies.blank_forms import FORMS, blank_form, write_blank_forms


@pytest.mark.parametrize("document", sorted(FORMS))
def test_form_has_title_locked_labels_and_open_inputs(document: str) -> None:
    sheet = load_workbook(io.BytesIO(blank_form(document))).active
    assert sheet is not None
    assert sheet["A1"].value == FORMS[document].title
    assert sheet.protection.sheet
    labels = [sheet.cell(row=r, column=1) for r in range(5, 5 + len(FORMS[document].fields))]
    inputs = [sheet.cell(row=r, column=2) for r in range(5, 5 + len(FORMS[document].fields))]
    assert all(label.protection.locked for label in labels)
    assert not any(cell.protection.locked for cell in inputs)
    assert "Kode Tender" in [label.value for label in labels]
    kinds = {v.type for v in sheet.data_validations.dataValidation}
    assert "date" in kinds


def test_forms_command_writes_every_form(tmp_path: Path) -> None:
    written = write_blank_forms(tmp_path)
    assert sorted(p.name for p in written) == sorted(f.filename for f in FORMS.values())
    assert all(p.stat().st_size > 0 for p in written)


def test_filled_form_that_comes_back_is_read_onto_the_ticket() -> None:
    book = load_workbook(io.BytesIO(blank_form("problem_form")))
    sheet = book.active
    assert sheet is not None
    answers = {
        "Nama Pokja": "Pokja Pemilihan 4",
        "Satuan Kerja": "Dinas PUPR",
        "Kode Tender": "10555123",
        "Nama Paket": "Rehabilitasi Jembatan Cibuaya",
        "Jenis Permasalahan": "Perubahan Jadwal",
        "Tahapan": "Upload Dokumen Penawaran",
        "Jadwal Semula": "10/02/2026",
        "Jadwal Baru": "13/02/2026",
    }
    for label, value in sheet.iter_rows(min_row=5, max_col=2):
        if label.value in answers:
            value.value = answers[str(label.value)]
    filled = io.BytesIO()
    book.save(filled)
    mail = EmailMessage()
    mail["From"], mail["To"] = "Budi <budi.pokja4@gmail.com>", "lpse@karawangkab.go.id"
    mail["Subject"], mail["Message-ID"] = "formulir sudah diisi", "<filled-1@gmail.com>"
    mail.set_content("Terlampir formulir yang sudah diisi.")
    mail.add_attachment(
        filled.getvalue(),
        maintype="application",
        subtype="octet-stream",
        filename=FORMS["problem_form"].filename,
    )

    decision = check_bytes(mail.as_bytes(), Settings())

    assert (decision.kind, decision.schedule_change, decision.missing) == (
        "problem_report",
        True,
        [],
    )
    expected = {
        "kode_tender": "10555123",
        "nama_pokja": "Pokja Pemilihan 4",
        "satuan_kerja": "Dinas PUPR",
        "nama_paket": "Rehabilitasi Jembatan Cibuaya",
        "tahapan": "Upload Dokumen Penawaran",
        "jadwal_semula": "10/02/2026",
        "jadwal_baru": "13/02/2026",
    }
    assert expected.items() <= decision.fields.items()
