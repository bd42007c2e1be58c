"""Attachment names are display metadata only: cleaned of paths, tricks and excess length."""

from __future__ import annotations

import base64

import pytest

from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings
from parsers.names import MAX_NAME_CHARS, display_name, display_path
from tests.support import files


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/etc/cron.d/job.pdf", "job.pdf"),
        ("C:\\Windows\\System32\\BA.pdf", "BA.pdf"),
        ("C:BA.pdf", "BA.pdf"),
        ("CON", "_CON"),
        ("NUL.txt", "_NUL.txt"),
        ("com1.pdf", "_com1.pdf"),
        ("Formulir\u202efdp.exe", "Formulirfdp.exe"),  # shown as "Formulirexe.pdf" otherwise
        ("BA\u200b Uji\u2066.pdf", "BA Uji.pdf"),
        ("BA\r\nUji\tForensik.pdf", "BA Uji Forensik.pdf"),
        ("BA\x00.pdf", "BA.pdf"),
        ("  ..SK.pdf. ", "SK.pdf"),
        ("..", ""),
    ],
)
def test_display_name(given: str, shown: str) -> None:
    assert display_name(given) == shown


def test_long_name_is_capped_and_keeps_its_extension() -> None:
    shown = display_name("Berita Acara " * 80 + ".pdf")
    assert len(shown) == MAX_NAME_CHARS and shown.endswith("….pdf")


def test_display_path_cleans_every_part() -> None:
    assert display_path("berkas.zip/../\u202eCON/BA.pdf") == "berkas.zip/_CON/BA.pdf"
    assert display_path("../..") == "unnamed"


@pytest.mark.parametrize(
    "raw_name",
    [
        b"../../../../tmp/pwned.pdf",
        b"/etc/passwd",
        b"C:\\\\Windows\\\\win.ini",
        b"NUL.txt",
        "Formulir\u202efdp.exe".encode(),
        b"a" * 1000 + b".pdf",
        b"=?utf-8?B?Li4vLi4vZXRjL3Bhc3N3ZA==?=",  # "../../etc/passwd", RFC 2047 encoded
    ],
)
def test_verdict_names_from_hostile_mail_are_clean(raw_name: bytes) -> None:
    raw = files.mail_with_attachment("", files.pdf("x"), raw_name=raw_name)
    [verdict] = check_bytes(raw, Settings()).attachments
    name = verdict.filename
    assert name and len(name) <= MAX_NAME_CHARS
    assert "/" not in name and "\\" not in name and ".." not in name
    assert name.isprintable() and "\u202e" not in name


def test_bidi_disguised_program_is_still_refused() -> None:
    encoded = base64.b64encode("Formulir\u202efdp.exe".encode())
    raw = files.mail_with_attachment("", files.windows_exe(), raw_name=b"=?utf-8?B?%s?=" % encoded)
    [verdict] = check_bytes(raw, Settings()).attachments
    assert verdict.filename == "Formulirfdp.exe" and verdict.problem_code == "dangerous"
