"""Own words, forwarded requests and reply history; subject prefixes."""

from __future__ import annotations

import pytest

from parsers.quoting import is_forward, request_text, split_body, strip_subject


@pytest.mark.parametrize(
    ("subject", "stripped"),
    [
        ("Re: [HD-2026-00042] permintaan uji forensik", "permintaan uji forensik"),
        ("BLS: [HD-2026-00057] Permohonan Perubahan Jadwal", "Permohonan Perubahan Jadwal"),
        ("RE: RE: Fwd: FW: Reset password", "Reset password"),
        ("TRS: Balas: Teruskan: AW: WG: Re[2]: judul", "judul"),
        ("re : fwd : judul", "judul"),
        ("[HD-2026-00042] Re: judul", "judul"),
        ("Rekap data tender", "Rekap data tender"),
        ("Fwd: Message from KM_C300i", "Message from KM_C300i"),
    ],
)
def test_strip_subject(subject: str, stripped: str) -> None:
    assert strip_subject(subject) == stripped


def test_is_forward() -> None:
    assert is_forward("TRS: Permohonan") and is_forward("Fwd: scan") and is_forward("WG: x")
    assert not is_forward("Re: Fwd: x") and not is_forward("Permohonan forward")


REPLY = """Berikut kami kirimkan formulirnya.

Terima kasih.

-----Pesan Asli-----
Dari: Helpdesk LPSE <lpse@karawangkab.go.id>
Dikirim: Senin, 19 Januari 2026 15.02
Kepada: Dewi <dewi@karawangkab.go.id>
Perihal: [HD-2026-00057] Reset password admin agency

Dokumen yang belum kami terima: SK"""


def test_reply_history_is_quoted_not_requested() -> None:
    parts = split_body(REPLY)
    assert parts.own == "Berikut kami kirimkan formulirnya.\n\nTerima kasih."
    assert "Reset password" in parts.quoted and not parts.forwarded
    assert "Reset password" not in parts.request


def test_forward_counts_with_its_subject_line() -> None:
    parts = split_body(REPLY, forward=True)
    assert "Perihal: [HD-2026-00057] Reset password admin agency" in parts.forwarded
    assert "Dokumen yang belum" in parts.request


@pytest.mark.parametrize(
    "marker",
    [
        "On Mon, 12 Jan 2026 at 09:31, Budi <b@x.go.id> wrote:",
        "Pada tanggal Sen, 12 Jan 2026 pukul 09.31 Budi <b@x.go.id> menulis:",
        "Pada Senin, 12 Januari 2026, Budi\nmenulis:",
        "-----Original Message-----",
        "From: Budi <b@x.go.id>\nSent: Monday, January 12, 2026 9:31 AM\nTo: lpse\nSubject: x",
        "> teks yang dikutip\n> baris kedua",
    ],
)
def test_reply_markers(marker: str) -> None:
    parts = split_body(f"Isi baru.\n\n{marker}\n> reset password admin agency")
    assert parts.own == "Isi baru." and "reset password" in parts.quoted


def test_gmail_forward_separator_is_a_forward_without_a_prefix() -> None:
    body = (
        "Mohon diproses.\n\n---------- Forwarded message ---------\n"
        "From: A <a@x>\nSubject: Uji forensik\n\nBA terlampir"
    )
    parts = split_body(body)
    assert (
        parts.forwarded.startswith("From: A <a@x>\nSubject: Uji forensik")
        and "BA terlampir" in parts.forwarded
    )


def test_signature_and_mobile_footer_are_dropped() -> None:
    body = "Mohon bantuan.\n\nSent from my iPhone\n-- \nBudi\nNIP 1980"
    assert split_body(body).own == "Mohon bantuan."


def test_request_text_joins_subject_and_request() -> None:
    assert request_text("Re: [HD-2026-00001] Judul", REPLY).startswith("Judul\nBerikut kami")
