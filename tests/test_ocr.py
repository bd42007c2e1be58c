"""Scans and photos are read as a careful person reads them (Tesseract with Indonesian
data): what counts, what does not, within bounds, cached, and without Tesseract at all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings, settings_from_dict
from parsers import ocr
from parsers.attachments import inspect_attachments
from parsers.ocr import Ocr, OcrBudget, OcrLimits, clean_lines, tesseract_available
from parsers.types import Attachment
from tests.support.bot import sample
from tests.support.messages import mail_bytes
from tests.support.scans import blank_scan, decree_photo, letter_scan

needs_tesseract = pytest.mark.skipif(
    not tesseract_available(), reason="tests/run.sh installs tesseract-ocr tesseract-ocr-ind"
)


@pytest.fixture(autouse=True)
def no_cached_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)  # no data folder here: nothing read from an earlier run
    ocr._MEMORY.clear()
    yield
    ocr._MEMORY.clear()


def replacement(**files: bytes) -> bytes:
    return mail_bytes(
        "Permohonan Penggantian Administrator Agency Kecamatan Telagasari",
        "Dengan hormat, bersama ini kami sampaikan surat permohonan penggantian admin "
        "agency beserta SK penunjukan admin yang baru.",
        attachments=files,
    )


def test_specks_before_a_title_are_cleaned_and_short_title_words_kept() -> None:
    assert clean_lines(": ee — KEPUTUSAN CAMAT") == "KEPUTUSAN CAMAT"
    assert clean_lines("TP : . TENTANG\n“PENUNJUKAN ADMIN") == "TENTANG\nPENUNJUKAN ADMIN"
    assert clean_lines("BA UJI FORENSIK\nSK PENUNJUKAN") == "BA UJI FORENSIK\nSK PENUNJUKAN"
    # A label's colon that OCR read as a digit comes back as a colon; others are left.
    assert clean_lines("NIP 1 19930715 2019031005") == "NIP : 19930715 2019031005"
    assert clean_lines("Lampiran 1 (satu) berkas") == "Lampiran 1 (satu) berkas"
    assert clean_lines("Nama - ANISA") == "Nama - ANISA"


@needs_tesseract
def test_a_scan_and_a_photo_with_meaningless_names_count_as_what_they_show() -> None:
    decision = check_bytes(
        replacement(**{"scan0001.pdf": letter_scan(), "IMG_20261125_093211.jpg": decree_photo()}),
        Settings(),
    )
    documents = {a.filename: a.documents for a in decision.attachments}
    assert documents == {
        "scan0001.pdf": ("replacement_letter",),
        "IMG_20261125_093211.jpg": ("appointment_decree",),
    }
    assert decision.complete
    assert "read 'scan0001.pdf' by OCR" in decision.reasons
    assert decision.fields.get("nip") == "199604122022032005"  # read from the scanned letter


@needs_tesseract
def test_a_blank_scan_is_named_as_unreadable_and_counts_for_nothing() -> None:
    decision = check_bytes(replacement(**{"scan0001.pdf": blank_scan()}), Settings())
    [verdict] = decision.attachments
    assert verdict.documents == () and verdict.unreadable
    assert decision.missing == ["replacement_letter", "appointment_decree"]
    assert any("nothing legible in 'scan0001.pdf'" in reason for reason in decision.reasons)


@needs_tesseract
def test_the_id_card_photo_and_the_blank_scan_samples_stay_unrecognised() -> None:
    id_card = check_bytes(sample("49-additional-admin-id-card-photo-not-decree.eml"), Settings())
    assert id_card.missing == ["appointment_decree"] and "kode_tender" not in id_card.fields
    blank = check_bytes(sample("50-forensic-blank-scan-minutes-missing.eml"), Settings())
    assert blank.missing == ["forensic_minutes"]


@needs_tesseract
def test_a_bound_that_cuts_the_reading_short_is_said(tmp_path: Path) -> None:
    one_page = settings_from_dict({"ocr": {"pages_per_message": 1}})
    files = {"scan0001.pdf": letter_scan(), "IMG_20261125_093211.jpg": decree_photo()}
    decision = check_bytes(replacement(**files), one_page)
    assert "OCR stopped at [ocr] pages_per_message = 1: 'IMG_20261125_093211.jpg' not read" in (
        decision.reasons
    )
    assert decision.missing == ["appointment_decree"]


@needs_tesseract
def test_text_read_once_is_kept_by_the_images_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = Ocr(cache_dir=tmp_path / "ocr")
    photo = decree_photo()
    first = reader.read(photo, OcrBudget.for_message(reader.limits))
    assert "KEPUTUSAN" in first and list((tmp_path / "ocr").glob("*/*.txt"))
    ocr._MEMORY.clear()  # another process: only the files are left

    def no_tesseract(*_: object) -> str:
        raise AssertionError("read again instead of taken from the cache")

    monkeypatch.setattr(ocr, "read_image", no_tesseract)
    assert Ocr(cache_dir=tmp_path / "ocr").read(photo, OcrBudget.for_message(OcrLimits())) == first


def test_without_tesseract_scans_are_judged_by_name_and_check_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Ocr, "available", lambda self: False)
    decision = check_bytes(replacement(**{"scan0001.pdf": letter_scan()}), Settings())
    assert decision.attachments[0].documents == ()
    assert "scans not read (Tesseract is not installed): 'scan0001.pdf'" in decision.reasons


def test_a_logo_is_not_read_and_an_image_bomb_is_not_decoded() -> None:
    from io import BytesIO

    from PIL import Image

    def png(size: tuple[int, int]) -> bytes:
        out = BytesIO()
        Image.new("L", size, 255).save(out, "PNG")
        return out.getvalue()

    reader = Ocr(limits=OcrLimits(pixels=1_000_000))
    budget = OcrBudget.for_message(reader.limits)
    assert ocr.read_image(png((120, 60)), 1_000_000, 5) == ""  # a signature's logo
    assert ocr.read_image(png((9000, 9000)), 1_000_000, 5) == ""  # 81 MP: not decoded
    items = inspect_attachments(
        [Attachment("logo.png", "image/png", png((120, 60)))], max_bytes=10**7, ocr=reader
    )
    assert items[0].pages == () and budget.pages_left == 8
