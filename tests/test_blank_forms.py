"""The official blank forms: open in Excel, labels locked, input cells typed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

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
