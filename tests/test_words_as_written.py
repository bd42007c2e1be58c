"""Requests read as people write them: phone typos, English, a schedule that stays, and a
question about how to ask that is not the request itself (DOMAIN.md)."""

from __future__ import annotations

import pytest

from helpdesk.decision import Decision
from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings
from tests.support.messages import mail_bytes


def read(subject: str, body: str) -> Decision:
    return check_bytes(mail_bytes(subject, body), Settings())


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Mohon perubhan jadwl tender 10483321", "Dengan hormat, mohon dibantu. Terima kasih."),
        ("Permohonan", "Mohon perpanjngan jadwal upload penawaran tender 10483321 krn adendum."),
        ("Tender 10483321", "mhn jdwal evaluasi diundur 3 hari ya min, ada sanggahan"),
        ("Schedule change request", "Dear LPSE, please extend the deadline of the bid "
         "submission stage for tender 10483321 because of an addendum."),
        ("Tender 10483321", "Kindly reschedule the evaluation stage; the Pokja is on duty."),
        ("Permohonan", "Formulir:\n[x] Perubahan Jadwal\nTahapan: Evaluasi Penawaran"),
    ],
)  # fmt: skip
def test_a_schedule_change_in_any_wording(subject: str, body: str) -> None:
    decision = read(subject, body)
    assert decision.kind == "problem_report" and decision.schedule_change, decision.reasons


@pytest.mark.parametrize(
    "body",
    [
        "Mohon koreksi HPS tender 10483321. Jadwal tetap, tidak ada perubahan jadwal.",
        "Mohon perbaikan kualifikasi tender 10483321; jadwal tidak berubah, tanpa mengubah "
        "tanggal tahapan.",
        "Mohon koreksi HPS tender 10483321.\n[ ] Perubahan Jadwal\n[x] Perubahan Data",
        "Please correct the HPS value of tender 10483321. The schedule remains unchanged.",
        "Please correct the HPS value of tender 10483321; no change to the schedule is needed.",
    ],
)
def test_no_schedule_change_when_the_schedule_stays(body: str) -> None:
    decision = read("Penanganan permasalahan tender 10483321", body)
    assert decision.kind == "problem_report" and not decision.schedule_change, decision.reasons
    assert not any("schedule change" in reason for reason in decision.reasons[:2])


@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        ("Request to replace our Administrator Agency", "Dear LPSE, we would like to replace "
         "the Administrator Agency of Dinas Kesehatan; the letter and decree are attached.",
         "admin_replacement"),
        ("Password reset", "Please reset the password of our admin agency account.",
         "password_reset"),
        ("Joining LPSE", "We request to join LPSE Karawang as a new agency.", "join_request"),
        ("Forensic test request", "Please run a forensic test on the RHS file of tender "
         "10483321 that failed to open.", "forensic_test"),
        ("Wrong HPS input", "Please help: an incorrect HPS value was entered for tender "
         "10483321.", "problem_report"),
    ],
)  # fmt: skip
def test_an_english_request_is_read_like_an_indonesian_one(
    subject: str, body: str, kind: str
) -> None:
    assert read(subject, body).kind == kind


@pytest.mark.parametrize(
    "body",
    [
        "Selamat pagi, bagaimana cara mengajukan uji forensik? Terima kasih.",
        "Mohon info syarat permohonan reset password admin agency?",
        "Hello, how do I request a forensic test for an RHS file?",
        "Mau tanya, apakah file rhs wajib dilampirkan untuk permintaan uji forensik?",
    ],
)
def test_a_question_about_how_to_ask_is_other(body: str) -> None:
    decision = read("Pertanyaan", body)
    assert decision.kind == "other", decision.reasons


def test_a_request_that_also_asks_how_stays_a_request() -> None:
    decision = read(
        "Permohonan uji forensik", "Mohon bantuan uji forensik file RHS tender 10283561. "
        "Bagaimana caranya?"
    )  # fmt: skip
    assert decision.kind == "forensic_test"


def test_words_of_their_own_are_not_typos() -> None:
    from helpdesk.kind_rules import corrected

    assert corrected("berkas dilampirkan, tahanan kota") == "berkas dilampirkan, tahanan kota"
    assert corrected("perubhan jadwl") == "perubahan jadwal"


@pytest.mark.parametrize(
    "history",
    [
        "Pada Sen, 30 Nov 2026 pukul 09.12, Pokja 3 <pokja3@karawangkab.go.id> menulis:\n"
        "> Mohon perubahan jadwal upload penawaran tender 10471111 karena adendum.\n",
        "-----Original Message-----\nFrom: Pokja 3\nSubject: Perubahan jadwal\n\n"
        "Mohon perubahan jadwal upload penawaran tender 10471111 karena adendum.\n",
    ],
)
def test_an_old_schedule_change_quoted_below_a_new_request_is_not_one(history: str) -> None:
    body = f"Yth. Admin LPSE,\nMohon koreksi nilai HPS pada tender 10483321.\n\n{history}"
    decision = read("Koreksi HPS tender 10483321", body)
    assert decision.kind == "problem_report" and not decision.schedule_change, decision.reasons
