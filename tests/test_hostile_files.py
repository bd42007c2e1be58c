"""Hostile attachments (issue 5, item 4): each is refused with a problem code, quickly."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable

import pytest

from helpdesk.decision import AttachmentVerdict
from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings
from parsers import pdf_safety
from parsers.archives import ArchiveLimits
from parsers.attachments import inspect_attachments, inspect_file
from parsers.text import MAX_XLSX_ROWS, XmlNotDefusedError, assert_defused_xml, xlsx_pages
from parsers.types import Attachment
from tests.support import files


def verdicts(name: str, data: bytes) -> list[AttachmentVerdict]:
    """The verdicts of a mail carrying one attachment, through the whole DECIDE path."""
    start = time.perf_counter()
    decision = check_bytes(files.mail_with_attachment(name, data), Settings())
    assert time.perf_counter() - start < 5.0
    return decision.attachments


def encrypted_member_zip() -> bytes:
    archive = bytearray(files.zip_file({"SK.pdf": files.pdf("x")}, compression=zipfile.ZIP_STORED))
    archive[6] |= 0x1  # the local header's "encrypted" flag
    archive[archive.rfind(b"PK\x01\x02") + 8] |= 0x1  # and the central directory's
    return bytes(archive)


REFUSED: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "a .pdf that is a program": ("Formulir.pdf", files.windows_exe, "dangerous"),
    "a .pdf that is a zip": (
        "Formulir.pdf",
        lambda: files.zip_file({"a.exe": b"MZ"}),
        "type_mismatch",
    ),
    ".xlsm with VBA": (
        "Form.xlsm",
        lambda: files.with_member(files.xlsx_file([("A",)]), "xl/vbaProject.bin", b"VBA"),
        "macro",
    ),
    ".docm with VBA": (
        "Surat.docm",
        lambda: files.with_member(files.docx_file("SURAT"), "word/vbaProject.bin", b"VBA"),
        "macro",
    ),
    ".xlsx renamed from .xlsm": (
        "Form.xlsx",
        lambda: files.with_member(files.xlsx_file([("A",)]), "xl/vbaProject.bin", b"VBA"),
        "macro",
    ),
    "PDF with JavaScript": (
        "BA.pdf",
        lambda: files.pdf_with_action("/S /JavaScript /JS (app.alert(1))"),
        "dangerous",
    ),
    "PDF with /Launch": (
        "BA.pdf",
        lambda: files.pdf_with_action("/S /Launch /F (cmd.exe)"),
        "dangerous",
    ),
    "PDF with an escaped /J#61vaScript": (
        "BA.pdf",
        lambda: files.pdf_with_action("/S /J#61vaScript /J#53 (x)"),
        "dangerous",
    ),
    "encrypted OOXML": ("Form.xlsx", files.encrypted_ooxml, "encrypted"),
    "password-protected zip member": ("berkas.zip", encrypted_member_zip, "encrypted"),
    "overlapping zip entries (CVE-2024-0450)": (
        "berkas.zip",
        files.overlapping_zip,
        "archive_limit",
    ),
    "nested zip bomb": ("berkas.zip", files.nested_zip_bomb, "archive_limit"),
    "XLSX billion laughs": ("Form.xlsx", files.billion_laughs_xlsx, "corrupt"),
    "DOCX billion laughs": ("Surat.docx", files.billion_laughs_docx, "corrupt"),
    "XLSX XML bomb (20 MB sheet)": ("Form.xlsx", files.xlsx_xml_bomb, "archive_limit"),
}


@pytest.mark.parametrize(("name", "build", "code"), REFUSED.values(), ids=REFUSED.keys())
def test_hostile_attachment_is_refused(name: str, build: Callable[[], bytes], code: str) -> None:
    found = verdicts(name, build())
    assert code in [verdict.problem_code for verdict in found]


def test_nested_zip_bomb_unpacks_within_one_budget() -> None:
    limits = ArchiveLimits(max_total_bytes=20 * 1024 * 1024, max_depth=5)
    items = inspect_file("bomb.zip", files.nested_zip_bomb(levels=3, width=8), limits)
    unpacked = sum(item.size for item in items if item.real_type != "zip")
    assert unpacked <= limits.max_total_bytes
    assert any(item.problem_code == "archive_limit" for item in items)


def test_pdf_actions_are_found_in_the_object_graph_too() -> None:
    # The graph walk sees what a byte scan misses (names inside compressed object streams).
    assert pdf_safety._graph(files.pdf_with_action("/S /Launch /F (x)")) is not None
    assert pdf_safety.pdf_active_content(files.pdf("BERITA ACARA")) is None


def test_lying_dimension_reads_a_bounded_number_of_rows() -> None:
    [sheet] = xlsx_pages(files.xlsx_lying_dimension(5_000))
    lines = sheet.splitlines()
    assert lines[0] == "baris 1" and len(lines) == MAX_XLSX_ROWS


def test_defusedxml_is_asserted(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_defused_xml()
    monkeypatch.setenv("OPENPYXL_DEFUSEDXML", "False")
    with pytest.raises(XmlNotDefusedError, match="OPENPYXL_DEFUSEDXML"):
        assert_defused_xml()


def test_archives_of_one_message_share_one_unpack_budget() -> None:
    archive = files.zip_file({"nol.pdf": b"\x00" * 60_000})  # under the ratio floor
    attachments = [Attachment(f"berkas{n}.zip", "application/zip", archive) for n in range(3)]
    items = inspect_attachments(attachments, max_bytes=10**6, unpack_bytes=150_000)
    members = [item for item in items if item.container]
    assert [item.problem_code == "archive_limit" for item in members] == [False, False, True]
