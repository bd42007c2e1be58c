"""Fields from labelled text: tender codes (never NIP, phone or RUP), NIP checks, credentials."""

from __future__ import annotations

import pytest

from parsers.fields import (
    bare_code,
    check_nip,
    code_from_rhs_name,
    has_credentials,
    kode_tender,
    labelled_fields,
    mask_credentials,
    nips,
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kode Tender  : 10283561", "10283561"),
        ("kode lelang 4578123", "4578123"),
        ("Kd. Paket: 123456789", "123456789"),
        ("ID Paket 10234567", "10234567"),
        ("Kode Paket\t103456789", "103456789"),
        ("mau ikut tender 10460021 yg batas upload besok", "10460021"),
        ("(kode tender 10377415, kode RUP 58123467)", "10377415"),
        ("Kode RUP 58123467", None),
        ("NIP. 19800313 200501 1 007", None),
        ("HP/WA 0812-2345-6781", None),
        ("tender 2026", None),
        ("memuat kode tender, nama paket, pagu", None),
        ("kode tender 1980031320050110071", None),
    ],
)
def test_kode_tender_needs_its_label(text: str, code: str | None) -> None:
    assert kode_tender([text]) == code


def test_first_text_with_a_code_wins() -> None:
    assert (
        kode_tender(["tanpa kode", "Kode Tender : 11111111", "Kode Tender : 22222222"])
        == "11111111"
    )


def test_lone_subject_code_and_rhs_name() -> None:
    assert bare_code("Penanganan permasalahan - 10388120") == "10388120"
    assert bare_code("Kode RUP 58123467") is None
    assert code_from_rhs_name("berkas.zip/10283561_CV Karya Mandiri.rhs") == "10283561"
    assert code_from_rhs_name("10283561_CV.pdf") is None


def test_labelled_fields_from_body_and_forms() -> None:
    body = "Nama Paket   : Rehabilitasi Jalan\nSatuan Kerja : Dinas PUPR\nNama Peserta : CV Karya\n"
    form = (
        "Nama Pokja\tPokja Pemilihan 3\n"
        "Jadwal Semula\t2026-01-29 23:59\nJadwal Baru\t2026-02-03 23:59"
    )
    found = labelled_fields([body, form])
    assert found == {
        "nama_paket": "Rehabilitasi Jalan",
        "satuan_kerja": "Dinas PUPR",
        "nama_peserta": "CV Karya",
        "nama_pokja": "Pokja Pemilihan 3",
        "jadwal_semula": "2026-01-29 23:59",
        "jadwal_baru": "2026-02-03 23:59",
    }


def test_nips_are_found_with_spaces() -> None:
    assert (
        nips("NIP. 19800313 200501 1 007 dan NIP:198003132005011007") == ["198003132005011007"] * 2
    )


@pytest.mark.parametrize(
    ("nip", "problem_part"),
    [
        ("19800313 200501 1 007", None),
        ("19801345 200501 1 007", "birth date 19801345"),
        ("19800313 200513 1 007", "appointment 200513"),
        ("19800313 199001 1 007", "appointment 199001"),
        ("19800313 200501 3 007", "sex digit 3"),
        ("19800313 200501 1 000", "serial number 000"),
        ("19800313 200501 1 07", "18 digits"),
    ],
)
def test_check_nip_names_the_failing_part(nip: str, problem_part: str | None) -> None:
    problem = check_nip(nip)
    assert (problem is None) if problem_part is None else (problem_part in (problem or ""))


def test_credentials_are_detected_and_masked() -> None:
    text = "User ID : pokja3krw\nPassword : Rahasia#2026\nTahapan : Upload"
    assert has_credentials(text)
    masked = mask_credentials(text)
    assert "Rahasia#2026" not in masked and "pokja3krw" not in masked
    assert "Password : ********" in masked and "Tahapan : Upload" in masked


@pytest.mark.parametrize(
    "text",
    [
        "saya lupa password akun penyedia (user ID: cvmitraguna)",
        "passwordnya akan kami kirimkan lewat WA",
        "Password: akan kami kirim menyusul",
        "Password : ********",
    ],
)
def test_talk_about_passwords_is_not_a_credential(text: str) -> None:
    assert not has_credentials(text)
