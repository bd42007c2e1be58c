"""The official blank forms, written as XLSX: what an incomplete answer attaches.

Labels are the ones parsers/fields.py reads, so a filled form that comes back is read
field by field onto the ticket.

Labels are locked, input cells are not; dates and choices carry data validation; each
sheet prints on one A4 page. A filled form that comes back is recognised by its title.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet


@dataclass(frozen=True)
class Field:
    label: str
    kind: str = "text"  # text | long | date | choice
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormSpec:
    document: str  # the document id it satisfies
    filename: str  # chosen by us
    title: str
    fields: tuple[Field, ...]


_APPLICANT: Final = (
    Field("Nama Pemohon"),
    Field("NIP"),
    Field("Jabatan"),
    Field("Nomor Telepon/HP"),
    Field("Email"),
    Field("Tanggal Permohonan", "date"),
)

FORMS: Final[dict[str, FormSpec]] = {
    "forensic_form": FormSpec(
        "forensic_form",
        "Formulir Permintaan Uji Forensik.xlsx",
        "FORMULIR PERMINTAAN UJI FORENSIK FILE PENAWARAN (RHS)",
        (
            Field("Nama Pokja"),
            Field("Satuan Kerja"),
            Field("Kode Tender"),
            Field("Nama Paket"),
            Field("Nama Peserta"),
            Field("Nama File Penawaran (.rhs)"),
            Field(
                "Jenis Dokumen Penawaran",
                "choice",
                ("Administrasi dan Teknis", "Harga", "Administrasi, Teknis dan Harga"),
            ),
            Field("Tanggal Pembukaan Penawaran", "date"),
            Field("Uraian Masalah", "long"),
            *_APPLICANT,
        ),
    ),
    "forensic_minutes": FormSpec(
        "forensic_minutes",
        "Berita Acara Uji Forensik.xlsx",
        "BERITA ACARA UJI FORENSIK FILE PENAWARAN",
        (
            Field("Nomor Berita Acara"),
            Field("Tanggal", "date"),
            Field("Nama Pokja"),
            Field("Kode Tender"),
            Field("Nama Paket"),
            Field("Nama Peserta"),
            Field("Nama File Penawaran (.rhs)"),
            Field(
                "Hasil Pembukaan oleh Pokja",
                "choice",
                ("Tidak dapat dibuka", "Dapat dibuka sebagian"),
            ),
            Field("Kronologi", "long"),
            Field("Anggota Pokja yang Hadir", "long"),
            Field("Tanda Tangan Ketua Pokja"),
        ),
    ),
    "problem_form": FormSpec(
        "problem_form",
        "Formulir Penanganan Permasalahan LPSE.xlsx",
        "FORMULIR PENANGANAN PERMASALAHAN LPSE",
        (
            Field("Nama Pokja"),
            Field("Satuan Kerja"),
            Field("Kode Tender"),
            Field("Nama Paket"),
            Field(
                "Jenis Permasalahan",
                "choice",
                (
                    "Perubahan Jadwal",
                    "Kesalahan Input HPS",
                    "Kesalahan Kualifikasi/KBLI",
                    "Kesalahan Dokumen Pemilihan",
                    "Lainnya",
                ),
            ),
            Field("Uraian Permasalahan", "long"),
            Field("Tahapan"),
            Field("Jadwal Semula", "date"),
            Field("Jadwal Baru", "date"),
            Field("Batas Akhir Upload Penawaran", "date"),
            Field("Alasan Perubahan", "long"),
            *_APPLICANT,
        ),
    ),
}

_THIN = Side(style="thin", color="999999")
_INPUT_FILL = PatternFill("solid", start_color="FFF8DC")


@cache
def blank_form(document: str) -> bytes:
    """The XLSX bytes of the blank form for `document`; KeyError when it has no form."""
    # Cached: openpyxl takes about 0.1 s to build one, and every "incomplete" answer
    # attaches one or two; the bytes never change while the process runs.
    spec = FORMS[document]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Formulir"
    _layout(sheet, spec)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_blank_forms(folder: Path) -> list[Path]:
    """Write every blank form into `folder`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in FORMS.values():
        path = folder / spec.filename
        path.write_bytes(blank_form(spec.document))
        written.append(path)
    return written


def _layout(sheet: Worksheet, spec: FormSpec) -> None:
    sheet.column_dimensions["A"].width = 42
    sheet.column_dimensions["B"].width = 60
    sheet.merge_cells("A1:B1")
    sheet["A1"] = spec.title
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet["A2"] = "LPSE Kabupaten Karawang"
    sheet["A2"].font = Font(italic=True)
    sheet["A3"] = "Isi kolom berwarna, simpan, lalu kirim sebagai lampiran balasan email."
    dates = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="DATE(2000,1,1)",
        showErrorMessage=True,
        error="Isi dengan tanggal (dd/mm/yyyy).",
    )
    sheet.add_data_validation(dates)
    for row, field in enumerate(spec.fields, start=5):
        label, cell = sheet.cell(row=row, column=1), sheet.cell(row=row, column=2)
        label.value = field.label
        label.font = Font(bold=True)
        label.alignment = Alignment(vertical="top", wrap_text=True)
        cell.protection = Protection(locked=False)
        cell.fill = _INPUT_FILL
        cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        if field.kind == "long":
            sheet.row_dimensions[row].height = 60
        elif field.kind == "date":
            cell.number_format = "DD/MM/YYYY"
            dates.add(cell)
        elif field.kind == "choice":
            choice = DataValidation(
                type="list",
                formula1='"' + ",".join(field.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
            )
            sheet.add_data_validation(choice)
            choice.add(cell)
    # Labels stay as printed; only the coloured cells take input (no password: a guard
    # against slips, not a secret).
    sheet.protection.sheet = True
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_area = f"A1:B{4 + len(spec.fields)}"
