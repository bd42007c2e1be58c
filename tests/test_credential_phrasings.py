"""Credentials in every phrasing a Pokja uses are recognised and masked; mail that only
talks about passwords stays readable (issue 14, point 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.fields import has_credentials, mask_credentials

# (text, the secret that must not survive masking)
SECRETS = [
    ("Password : Rahasia#2026", "Rahasia#2026"),
    ("password lama saya: Kuda#Lari77", "Kuda#Lari77"),
    ("kata sandinya Sapi.Terbang12 ya pak", "Sapi.Terbang12"),
    ("user: pokja09 pass: Rahasia!2026", "Rahasia!2026"),
    ("Kata Sandi Akun\tMerpati_Putih9", "Merpati_Putih9"),
    ("Password:\n   Bintang*Timur5", "Bintang*Timur5"),
    ("pwd = Jalan-Raya88", "Jalan-Raya88"),
    ("PIN 482913", "482913"),
    ("PIN: 7731", "7731"),
    ("sandi baru: Melati2026", "Melati2026"),
    ("passwordnya KarawangHebat ya", "KarawangHebat"),
    ("pass pokja nya Cilamaya@1", "Cilamaya@1"),
    ("Password akun SPSE: Bekasi.Timur7", "Bekasi.Timur7"),
    ("kata kunci: Gerbang#Tol3", "Gerbang#Tol3"),
    ("password adalah Telaga%Sari4", "Telaga%Sari4"),
    ("The password is Tarum!River8", "Tarum!River8"),
    ("passwd: Ciherang12", "Ciherang12"),
    ("PASSWORD - Sawah_Hijau21", "Sawah_Hijau21"),
    ("Pass : xY7-kkp", "xY7-kkp"),
    ("password sementara saya Pakis.Jaya2", "Pakis.Jaya2"),
    ("> password lama saya: Kuda#Lari77 (quoted in a reply)", "Kuda#Lari77"),
    ("Sandi Login\t:\tCikampek#99", "Cikampek#99"),
]

READABLE = [
    "Mohon reset password admin agency kami.",
    "kata sandi lupa, mohon dibantu",
    "Permohonan Reset Password Administrator Agency",
    "password saya terblokir sejak kemarin",
    "passwordnya akan kami kirimkan lewat WA",
    "Password: akan kami kirim menyusul",
    "Password : ********",
    "saya lupa password akun penyedia",
    "mohon bantuan ganti kata sandi akun pokja",
    "password reset sudah kami terima, terima kasih",
    "kata sandi tidak bisa dipakai",
    "pin lokasi kantor ada di peta",
    "tidak bisa login SPSE sejak pagi",
    "bagaimana cara mengganti password?",
    "Password harus diganti setiap 3 bulan",
    "password expired, mohon bantuannya",
    "The password reset request is attached.",
    "kata sandi sudah kami ubah sesuai arahan",
    "sandi yang lama sudah tidak berlaku",
    "pass dokumen lewat email ya pak",
    "untuk PIN silakan hubungi admin",
]


def test_the_table_is_as_large_as_the_issue_asks() -> None:
    assert len(SECRETS) + len(READABLE) >= 40 and len(READABLE) >= 20


@pytest.mark.parametrize(("text", "secret"), SECRETS)
def test_a_credential_is_recognised_and_masked(text: str, secret: str) -> None:
    assert has_credentials(text)
    masked = mask_credentials(text)
    assert secret not in masked and "********" in masked


@pytest.mark.parametrize("text", READABLE)
def test_talk_about_passwords_stays_readable(text: str) -> None:
    assert not has_credentials(text)
    assert mask_credentials(text) == text


def test_user_ids_are_cut_and_prose_about_accounts_is_not() -> None:
    assert mask_credentials("user: pokja09 pass: Rahasia!2026") == "user: po*** pass: ********"
    assert mask_credentials("username pokja09") == "username po***"
    assert mask_credentials("akun Pokja 3 tidak bisa login SPSE") == (
        "akun Pokja 3 tidak bisa login SPSE"
    )


def test_a_password_in_free_words_is_flagged_and_never_shown(tmp_path: Path) -> None:
    from helpdesk.pipeline import check_bytes
    from helpdesk.settings import Settings
    from tests.support.messages import mail_bytes
    from tests.support.web_desk import WebDesk

    raw = mail_bytes(
        "Perubahan jadwal tender 10483321",
        "Mohon perubahan jadwal upload penawaran.\nkata sandinya Sapi.Terbang12 ya pak\n\n"
        "Pada Sen, 30 Nov 2026, Pokja 3 menulis:\n> password lama saya: Kuda#Lari77\n",
    )
    assert check_bytes(raw, Settings()).holds_credentials
    web = WebDesk(tmp_path)
    web.account("Dedi")
    web.receive(raw)
    ref = web.desk.tickets()[0]["ref"]
    client = web.logged_in("Dedi")
    page = client.get(f"/tickets/{ref}").text
    assert "Sapi.Terbang12" not in page and "Kuda#Lari77" not in page
    assert "kata sandinya ******** ya pak" in page
    assert ref not in client.get("/search", params={"q": "Terbang12"}).text
