"""Attachment inspection: safe, readable, what its name says; archives opened in memory."""

from __future__ import annotations

import zipfile

import pytest

from parsers.archives import ArchiveLimits
from parsers.attachments import InspectedFile, inspect_attachment, inspect_file
from parsers.types import Attachment
from tests.support import files

LIMIT = 25 * 1024 * 1024


def inspect(name: str, data: bytes, **limits: int) -> list[InspectedFile]:
    return inspect_file(name, data, ArchiveLimits(**limits))


def test_valid_pdf_has_its_text() -> None:
    [item] = inspect("BA.pdf", files.pdf("BERITA ACARA UJI FORENSIK"))
    assert item.valid and item.real_type == "pdf"
    assert "BERITA ACARA" in item.pages[0]


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("Formulir.pdf", b"", "empty"),
        ("Formulir.pdf", files.windows_exe(), "dangerous"),
        ("Formulir.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "dangerous"),
        ("jalankan.bat", b"@echo off\r\ndel *.*\r\n", "dangerous"),
        ("Formulir.pdf", b"<html><body>not a pdf</body></html>", "type_mismatch"),
        ("SK.jpg", files.pdf("SURAT KEPUTUSAN"), "type_mismatch"),
        ("Form.xlsm", files.xlsx_file([("FORMULIR",)]), "macro"),
        (
            "Form.xlsx",
            files.with_member(files.xlsx_file([("A",)]), "xl/vbaProject.bin", b"x"),
            "macro",
        ),
        ("Form.xlsx", files.xlsx_file([("A",)])[:900], "corrupt"),
        ("Form.docx", files.encrypted_ooxml(), "encrypted"),
        ("SK.pdf", files.encrypted_pdf("SURAT KEPUTUSAN"), "encrypted"),
        ("Form.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "corrupt"),
    ],
)
def test_invalid_files_get_a_problem_code(name: str, data: bytes, code: str) -> None:
    [item] = inspect(name, data)
    assert item.problem_code == code
    assert item.problem


def test_owner_password_only_pdf_opens() -> None:
    [item] = inspect("SK.pdf", files.encrypted_pdf("SURAT KEPUTUSAN", user_password=""))
    assert item.valid and "SURAT KEPUTUSAN" in item.pages[0]


def test_over_the_size_limit_is_refused_before_reading() -> None:
    [item] = inspect_attachment(
        Attachment("SK.pdf", "application/pdf", files.pdf("x")), max_bytes=100
    )
    assert item.problem_code == "too_large"


def test_declared_content_type_does_not_matter() -> None:
    attachment = Attachment("BA.pdf", "application/octet-stream", files.pdf("BERITA ACARA"))
    [item] = inspect_attachment(attachment, max_bytes=LIMIT)
    assert item.valid and item.pages


def test_docx_and_xlsx_text() -> None:
    [word] = inspect("Dokumen1.docx", files.docx_file("SURAT", table=[("Perihal", "Reset")]))
    [excel] = inspect("Form.xlsx", files.xlsx_file([("Kode Tender", 103456789.0)]))
    assert "Perihal\tReset" in word.pages[0]
    assert "Kode Tender\t103456789" in excel.pages[0]


def test_zip_members_become_their_own_files() -> None:
    archive = files.zip_file({"folder/BA.pdf": files.pdf("BERITA ACARA"), "folder/kosong.pdf": b""})
    top, member, empty = inspect("berkas.zip", archive)
    assert top.valid and top.real_type == "zip"
    assert member.filename == "berkas.zip/folder/BA.pdf" and member.container == "berkas.zip"
    assert member.valid and member.pages
    assert empty.problem_code == "empty"


def test_zip_limits() -> None:
    many = files.zip_file({f"f{index}.txt": b"x" for index in range(6)})
    bomb = files.zip_file({"nol.pdf": b"\x00" * 2_000_000})
    nested = files.zip_file(
        {"a.zip": files.zip_file({"b.zip": files.zip_file({"c.pdf": b"%PDF"})})}
    )
    assert inspect("many.zip", many, max_members=5)[0].problem_code == "archive_limit"
    assert inspect("bomb.zip", bomb)[1].problem_code == "archive_limit"
    assert inspect("nested.zip", nested)[-1].problem_code == "archive_limit"
    assert inspect("broken.zip", many[:40])[0].problem_code == "corrupt"


def test_zip_member_paths_cannot_escape() -> None:
    archive = files.zip_file(
        {"../../etc/passwd.pdf": files.pdf("x")}, compression=zipfile.ZIP_STORED
    )
    assert inspect("a.zip", archive)[1].filename == "a.zip/etc/passwd.pdf"


def test_password_protected_zip_member() -> None:
    archive = bytearray(files.zip_file({"SK.pdf": files.pdf("x")}, compression=zipfile.ZIP_STORED))
    archive[6] |= 0x1  # the local header's "encrypted" flag
    central = archive.rfind(b"PK\x01\x02")
    archive[central + 8] |= 0x1  # and the central directory's
    assert inspect("a.zip", bytes(archive))[1].problem_code == "encrypted"


def test_winmail_dat_members_are_inspected() -> None:
    container, member = inspect(
        "winmail.dat", files.winmail_dat("BA.pdf", files.pdf("BERITA ACARA"))
    )
    assert container.real_type == "tnef"
    assert member.filename == "winmail.dat/BA.pdf" and member.valid and member.pages
