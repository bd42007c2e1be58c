"""The answers staff actions send: every one renders, says the outcome, and stays safe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from helpdesk.requirements import KINDS
from replies.names import FORENSIC_OUTCOMES, outcome_name
from replies.render import AnswerContext, render_answer, text_block
from tests.test_replies import BREAKS, INJECTIONS, REF, assert_safe

ANSWERED_KINDS = [kind for kind in KINDS if kind != "automatic"]
STAFF_EVENTS = ["resolved", "escalated", "rejected", "reopened"]
# Every optional key a staff action may pass, with realistic values.
FULL_EXTRA = {
    "note": "Mohon hasil ini diteruskan kepada anggota Pokja.\nTerima kasih.",
    "outcome": "corrupt",
    "attached_files": "Surat Hasil Uji Forensik.pdf, BA Uji Forensik.pdf",
    "reason": "SK Penunjukan yang dilampirkan belum ditandatangani.",
    "bimtek_schedule": "Selasa, 10 Maret 2026 pukul 09.00 WIB\nRuang Rapat LPSE",
    "admin_name": "Budi Santoso",
}
# One sentence per forensic outcome; each must appear for its own outcome only.
OUTCOME_SENTENCES = {
    "opened": "berhasil dibuka (didekripsi) oleh LPSE, sehingga Pokja Pemilihan dapat "
    "melanjutkan proses evaluasi",
    "corrupt": "rusak dan tidak dapat dibuka. Hasil uji forensik ini dapat dijadikan dasar "
    "Pokja Pemilihan untuk menindaklanjuti sesuai ketentuan",
    "recovered": "berhasil dipulihkan dan dapat dibuka",
    "not_recovered": "tidak berhasil dipulihkan dan tetap tidak dapat dibuka",
}
NO_OUTCOME = "telah selesai kami laksanakan"
PASSWORD_CHANGE = "wajib segera mengganti password akun SPSE"


@pytest.fixture
def answer() -> Callable[..., str]:
    """Render one staff answer and return its body, flattened to one line of words."""

    def create(event: str, kind: str, *, schedule_change: bool = False, **extra: str) -> str:
        rendered = render_answer(event, make_context(kind, schedule_change, extra))
        assert_safe(rendered)
        return " ".join(rendered.body.split())

    return create


def make_context(kind: str, schedule_change: bool, extra: dict[str, str]) -> AnswerContext:
    values: dict[str, Any] = {
        "ticket_ref": REF,
        "kind": kind,
        "schedule_change": schedule_change,
        "request_subject": "Permohonan Layanan LPSE",
        "requester_name": "Pokja Pemilihan 3",
        "received_at": datetime(2026, 3, 2, 2, 15, tzinfo=UTC),
        "attachments": (),
        "missing": (),
        "fields": {"kode_tender": "10234567"},
        "helpdesk_name": "Helpdesk LPSE Kabupaten Karawang",
        "helpdesk_address": "lpse@karawangkab.go.id",
        "extra": extra,
    }
    return AnswerContext(**values)


@pytest.mark.parametrize("extra", [FULL_EXTRA, {}], ids=["all_keys", "no_keys"])
@pytest.mark.parametrize("event", STAFF_EVENTS)
@pytest.mark.parametrize("kind", ANSWERED_KINDS)
def test_every_staff_answer_renders(
    answer: Callable[..., str], kind: str, event: str, extra: dict[str, str]
) -> None:
    body = answer(event, kind, **extra)
    assert body.startswith("Yth. Bapak/Ibu")
    assert REF in body
    assert f"[{REF}] pada subjek" in body
    assert "Helpdesk LPSE Kabupaten Karawang lpse@karawangkab.go.id" in body
    assert ("Catatan petugas: Mohon hasil ini diteruskan" in body) == bool(extra)


@pytest.mark.parametrize("extra", [FULL_EXTRA, {}], ids=["all_keys", "no_keys"])
def test_requester_notice_renders(answer: Callable[..., str], extra: dict[str, str]) -> None:
    body = answer("requester_notice", "password_reset", **extra)
    assert "telah kami proses" in body
    assert "Administrator Agency yang terdaftar pada LPSE" in body


def test_requester_notice_gives_no_details(answer: Callable[..., str]) -> None:
    body = answer("requester_notice", "password_reset", **FULL_EXTRA)
    for value in FULL_EXTRA.values():
        assert value.split("\n")[0] not in body
    for word in ("Catatan petugas", "telah kami reset", "password baru", "lampirkan", "10234567"):
        assert word not in body


@pytest.mark.parametrize("outcome", sorted(FORENSIC_OUTCOMES))
def test_each_forensic_outcome_has_its_own_sentence(
    answer: Callable[..., str], outcome: str
) -> None:
    body = answer("resolved", "forensic_test", outcome=outcome)
    assert OUTCOME_SENTENCES[outcome] in body
    others = [sentence for key, sentence in OUTCOME_SENTENCES.items() if key != outcome]
    assert not any(sentence in body for sentence in others)
    assert NO_OUTCOME not in body
    assert "surat/berita acara" not in body


def test_forensic_result_without_or_with_unknown_outcome_says_only_done(
    answer: Callable[..., str],
) -> None:
    for extra in ({}, {"outcome": "later_outcome"}):
        body = answer("resolved", "forensic_test", **extra)
        assert NO_OUTCOME in body
        assert not any(sentence in body for sentence in OUTCOME_SENTENCES.values())


def test_forensic_result_names_the_attached_letter(answer: Callable[..., str]) -> None:
    files = "Surat Hasil Uji Forensik.pdf, BA Uji Forensik.pdf,"
    body = answer("resolved", "forensic_test", outcome="opened", attached_files=files)
    assert "surat/berita acara hasil uji forensik yang kami lampirkan" in body
    assert (
        'kami lampirkan: - "Surat Hasil Uji Forensik.pdf" - "BA Uji Forensik.pdf" Dengan demikian'
        in body
    )


def test_forensic_escalation_says_lkpp_bssn_and_weeks(answer: Callable[..., str]) -> None:
    body = answer("escalated", "forensic_test")
    assert "teruskan ke LKPP/BSSN" in body
    assert "beberapa minggu" in body
    assert "Diteruskan ke LKPP" in body


def test_schedule_change_resolution_orders_a_password_change(
    answer: Callable[..., str],
) -> None:
    body = answer("resolved", "problem_report", schedule_change=True)
    assert "perubahan jadwal tersebut telah kami proses pada aplikasi SPSE" in body
    assert PASSWORD_CHANGE in body
    assert "menu Ganti Password" in body
    assert "jangan memberitahukan password tersebut kepada siapa pun" in body


def test_other_problem_resolution_asks_no_password_change(answer: Callable[..., str]) -> None:
    body = answer("resolved", "problem_report", schedule_change=False)
    assert "telah kami tangani pada aplikasi SPSE" in body
    assert "password" not in body.lower()


def test_password_reset_is_addressed_to_the_admin_and_holds_no_password(
    answer: Callable[..., str],
) -> None:
    body = answer("resolved", "password_reset", admin_name="Budi Santoso")
    assert body.startswith("Yth. Bapak/Ibu Budi Santoso (Administrator Agency),")
    assert "Pokja Pemilihan 3" not in body  # the requester is not the recipient
    assert "password baru tidak kami cantumkan dalam email ini" in body
    assert "secara terpisah" in body
    assert "segera masuk (login)" in body


@pytest.mark.parametrize("extra", [{}, {"admin_name": ""}, {"admin_name": "admin@dinas.go.id"}])
def test_password_reset_without_a_usable_admin_name(
    answer: Callable[..., str], extra: dict[str, str]
) -> None:
    body = answer("resolved", "password_reset", **extra)
    assert body.startswith("Yth. Bapak/Ibu Administrator Agency,")


@pytest.mark.parametrize("kind", ["admin_replacement", "additional_admin", "join_request"])
def test_acceptance_requires_bimtek_and_gives_its_schedule(
    answer: Callable[..., str], kind: str
) -> None:
    schedule = "Selasa, 10 Maret 2026 pukul 09.00 WIB\nRuang Rapat LPSE"
    body = answer("resolved", kind, bimtek_schedule=schedule)
    assert "dapat kami terima" in body
    assert "wajib mengikuti bimbingan teknis (bimtek)" in body
    assert f"Jadwal dan tempat pelaksanaan bimtek: {' '.join(schedule.split())}" in body
    for extra in ({}, {"bimtek_schedule": " \n "}):
        without = answer("resolved", kind, **extra)
        assert "Jadwal bimtek akan kami informasikan kemudian" in without
        assert "Jadwal dan tempat" not in without


def test_join_request_names_admins_and_pokja(answer: Callable[..., str]) -> None:
    body = answer("resolved", "join_request")
    assert "Administrator Agency dan Pokja Pemilihan instansi Bapak/Ibu wajib mengikuti" in body


def test_data_request_is_limited_to_own_packages(answer: Callable[..., str]) -> None:
    body = answer("resolved", "data_request", attached_files="Data Paket 2026.xlsx")
    assert "terbatas pada data paket pengadaan milik instansi Bapak/Ibu sendiri" in body
    assert 'kami lampirkan: - "Data Paket 2026.xlsx"' in body


@pytest.mark.parametrize("kind", ["other", "data_request", "sub_agency"])
def test_rejection_shows_the_reason(answer: Callable[..., str], kind: str) -> None:
    body = answer("rejected", kind, reason="SK belum ditandatangani.\nMohon dikirim ulang.")
    assert "Alasan penolakan: SK belum ditandatangani. Mohon dikirim ulang." in body
    assert "Ditolak" in body
    assert "Alasan penolakan" not in answer("rejected", kind)


def test_sub_agency_rejection_still_cites_the_sla(answer: Callable[..., str]) -> None:
    for extra in ({}, {"reason": "Tidak dilayani."}):
        assert "III.b.6" in answer("rejected", "sub_agency", **extra)


def test_reopened_says_it_is_handled_again(answer: Callable[..., str]) -> None:
    body = answer("reopened", "other")
    assert "telah kami buka kembali" in body
    assert "Diproses" in body


def test_empty_note_adds_no_heading(answer: Callable[..., str]) -> None:
    assert "Catatan petugas" not in answer("resolved", "other", note=" \r\n\t ")


def test_note_keeps_its_lines_under_its_heading() -> None:
    note = "Baris pertama.\r\n\r\n  Baris menjorok\x07.\u2028Baris akhir"
    rendered = render_answer("resolved", make_context("other", False, {"note": note}))
    assert_safe(rendered)
    expected = "Catatan petugas:\nBaris pertama.\n\n  Baris menjorok .\nBaris akhir\n\n"
    assert expected in rendered.body


@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_note_stays_in_the_body_below_its_heading(text: str) -> None:
    # A note is multi-line by design, so it may start a body line with "Bcc:"; what
    # text_block guarantees is that it never reaches the subject, carries no \r or
    # control character, and stays below its heading, after our own ticket summary.
    rendered = render_answer("resolved", make_context("other", False, {"note": text}))
    assert_safe(rendered)
    assert rendered.subject == f"[{REF}] Permohonan Layanan LPSE"
    lines = rendered.body.splitlines()
    heading = lines.index("Catatan petugas:")
    forged = [i for i, line in enumerate(lines) if line.startswith(("Bcc", "Nomor tiket :"))]
    assert all(index > heading for index in forged)
    summary = [line for line in lines if line.startswith("Nomor tiket ")]
    assert summary[0] == f"Nomor tiket     : {REF}"


@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_one_line_values_stay_on_their_line(text: str) -> None:
    extra = {"admin_name": text, "attached_files": text, "outcome": text}
    for kind in ("password_reset", "forensic_test"):
        rendered = render_answer("resolved", make_context(kind, False, extra))
        assert_safe(rendered)
        for line in rendered.body.splitlines():
            assert not line.startswith(("Bcc", "Nomor tiket : HD-2026-99999"))


@pytest.mark.parametrize("brk", BREAKS)
def test_text_block_turns_every_break_into_a_newline(brk: str) -> None:
    assert text_block(f"satu{brk}dua") == "satu\ndua"


def test_text_block_guarantees() -> None:
    block = text_block("\n\n satu\t\x00\x1b[31m \u202e\u200bdua  \r\n\n\ntiga\n\n")
    assert block == " satu   [31m dua\n\n\ntiga"  # controls become spaces, Cf dropped
    assert all(line.isprintable() for line in block.split("\n"))
    assert len(text_block("x" * 10_000)) == 4000


def test_outcome_names_cover_every_outcome_and_fall_back() -> None:
    assert set(FORENSIC_OUTCOMES) == set(OUTCOME_SENTENCES)
    assert outcome_name("corrupt") == FORENSIC_OUTCOMES["corrupt"]
    assert outcome_name("later_outcome") == outcome_name(None) != ""
