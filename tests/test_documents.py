"""Which SLA documents a file holds: titles near the top of a page, or the file name."""

from __future__ import annotations

import pytest

from parsers.documents import documents_by_name, documents_in

KOP = "PEMERINTAH KABUPATEN KARAWANG\nDINAS KESEHATAN\nJl. Ahmad Yani No. 84 Karawang\n"


def letter(perihal: str, body: str = "Dengan hormat, ...") -> str:
    return (
        f"{KOP}Karawang, 5 Februari 2026\nNomor : 000/214\nLampiran : 1 berkas\n"
        f"Perihal : {perihal}\nKepada\nYth. Kepala LPSE\n{body}"
    )


DECREE = (
    f"{KOP}KEPUTUSAN KEPALA DINAS KESEHATAN KABUPATEN KARAWANG\nNOMOR : 800/112/2025\nTENTANG\n"
    "PENUNJUKAN ADMINISTRATOR AGENCY LPSE PADA DINAS KESEHATAN\nMenimbang : a. bahwa ..."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FORMULIR PERMINTAAN UJI FORENSIK\nKode Tender : 1", ("forensic_form",)),
        (f"{KOP}BERITA ACARA UJI FORENSIK\nNomor : 027/BA.UF", ("forensic_minutes",)),
        ("FORMULIR PENANGANAN PERMASALAHAN LPSE\nKode Tender : 1", ("problem_form",)),
        (DECREE, ("appointment_decree",)),
        (letter("Permohonan Reset Password Administrator Agency"), ("reset_letter",)),
        (letter("Permohonan Penggantian Personil Administrator Agency"), ("replacement_letter",)),
        (letter("Permohonan Bergabung dengan LPSE Kabupaten Karawang"), ("join_letter",)),
        (letter("Permohonan Pelatihan Administrator Agency dan Pokja"), ("training_letter",)),
        (letter("Permohonan Data SPSE"), ("data_request_letter",)),
        ("PERJANJIAN TINGKAT LAYANAN\n(SERVICE LEVEL AGREEMENT)\nANTARA", ("signed_sla",)),
        (letter("Permohonan Pendaftaran Sub Agency"), ()),
    ],
)
def test_titles_and_subjects(text: str, expected: tuple[str, ...]) -> None:
    assert documents_in("scan0001.pdf", [text]) == expected


def test_a_mention_of_the_decree_in_a_letter_is_not_the_decree() -> None:
    text = letter(
        "Permohonan Reset Password Administrator Agency",
        "Sebagai kelengkapan, bersama ini kami lampirkan Surat Keputusan penunjukan\n"
        "Administrator Agency yang bersangkutan (SK terlampir).\n"
        "3. Perjanjian Tingkat Layanan (Service Level Agreement) antara LPSE",
    )
    assert documents_in("Dokumen1.docx", [text]) == ("reset_letter",)


def test_merged_pdf_is_judged_page_by_page() -> None:
    pages = [letter("Permohonan Reset Password Administrator Agency"), DECREE, "ttd\nNIP. 1970"]
    assert documents_in("SKM_C300i2601.pdf", pages) == ("reset_letter", "appointment_decree")


def test_text_wins_over_a_misleading_name_and_name_is_the_fallback() -> None:
    assert documents_in("SK Admin Agency.pdf", [letter("Permohonan Data SPSE")]) == (
        "data_request_letter",
    )
    assert documents_in("SK Admin Agency.pdf", ["halaman tanpa judul"]) == ("appointment_decree",)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SK Penunjukan Admin Agency Disdik.JPG", ("appointment_decree",)),
        ("Surat Permohonan Reset Password Admin Agency.jpg", ("reset_letter",)),
        ("Formulir Permintaan Uji Forensik (scan).jpg", ("forensic_form",)),
        ("BA_Uji-Forensik_Pokja1.pdf", ("forensic_minutes",)),
        ("Form BA Uji Forensik.pdf", ("forensic_minutes",)),
        ("Formulir dan Berita Acara Uji Forensik.pdf", ("forensic_minutes", "forensic_form")),
        ("Form Perubahan Jadwal.pdf", ("problem_form",)),
        ("SLA LPSE (ttd).pdf", ("signed_sla",)),
        ("Surat Penggantian Admin Agency DLH.pdf", ("replacement_letter",)),
        ("SKM_C300i26012610150.pdf", ()),
        ("scan0001.pdf", ()),
        ("image001.png", ()),
    ],
)
def test_names(name: str, expected: tuple[str, ...]) -> None:
    assert documents_by_name(name) == expected


def test_rhs_and_archives() -> None:
    assert documents_in("10283561_CV Karya.rhs", []) == ("rhs_file",)
    assert documents_in("Berkas Reset Password Admin Agency.zip", []) == ()
