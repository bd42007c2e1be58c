"""DECIDE over the labelled samples, and the steps' behaviour on small made-up messages."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from helpdesk.accuracy import accuracy_report
from helpdesk.decision import Decision
from helpdesk.pipeline import DECIDE, check_bytes
from helpdesk.settings import Settings
from tests.support import files
from tests.support.messages import email_message

SAMPLES = Path(__file__).parent / "samples"
LABELS: dict[str, dict[str, Any]] = json.loads((SAMPLES / "labels.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


@pytest.mark.parametrize("name", sorted(LABELS))
def test_sample_matches_its_label(name: str, settings: Settings) -> None:
    label = LABELS[name]
    decision = check_bytes((SAMPLES / name).read_bytes(), settings)
    assert decision.kind == label["kind"], decision.reasons
    assert decision.schedule_change == label["schedule_change"], decision.reasons
    assert decision.complete == label["complete"], decision.reasons
    assert set(decision.missing) == set(label["missing"]), decision.reasons
    assert decision.fields.get("kode_tender") == label["kode_tender"], decision.reasons


def test_check_json_shape_follows_domain(settings: Settings) -> None:
    decision = check_bytes((SAMPLES / "02-forensic-minutes-missing.eml").read_bytes(), settings)
    shown = decision.to_json()
    assert {
        "kind",
        "schedule_change",
        "complete",
        "missing",
        "attachments",
        "fields",
        "ticket_ref",
    } <= set(shown)
    assert shown["attachments"][0] == {
        "filename": "Form Permintaan Uji Forensik_Pokja 1.pdf",
        "documents": ["forensic_form"],
        "problem": None,
    }
    assert json.loads(json.dumps(shown)) == shown


def test_accuracy_report_on_samples(settings: Settings) -> None:
    report = accuracy_report(SAMPLES, settings)
    assert report.total == len(LABELS)
    assert report.kind_accuracy >= 0.98 and report.exact_accuracy >= 0.95


def test_every_step_has_one_signature() -> None:
    assert [step.__name__ for step in DECIDE][:3] == [
        "strip_control_headers",
        "skip_automatic",
        "find_ticket_ref",
    ]


def make(subject: str, body: str, **headers: str) -> EmailMessage:
    sender = headers.pop("From", "Budi <budi@karawangkab.go.id>")
    return email_message(subject, body, sender=sender, **headers)


def decide_mail(message: EmailMessage, settings: Settings) -> Decision:
    return check_bytes(message.as_bytes(), settings)


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X_Precedence": "list"},
        {"List_Id": "<buletin.lkpp.go.id>"},
        {"X_Autoreply": "yes"},
        {"X_Auto_Response_Suppress": "All"},
        {"X_Failed_Recipients": "x@y"},
        # Our loop header counts only on a message that is visibly ours (tests/test_automatic.py).
        {
            "X_LPSE_Helpdesk": "HD-2026-00042",
            "Message_ID": "<HD-2026-00042.1768.9f3a@karawangkab.go.id>",
        },
        {"From": "MAILER-DAEMON@mail.karawangkab.go.id"},
        {"From": "no-reply@lkpp.go.id"},
        {"From": "Helpdesk <lpse@karawangkab.go.id>"},
        {"Message_ID": "<HD-2026-00042.1768.9f3a@karawangkab.go.id>"},
        {"Return_Path": "<>"},
        {"Subject": "Automatic reply: Permohonan reset password"},
        {"Subject": "Balasan Otomatis: Permohonan reset password"},
    ],
)
def test_machine_mail_is_automatic_and_nothing_else(
    headers: dict[str, str], settings: Settings
) -> None:
    extra = {name: value for name, value in headers.items() if name != "Subject"}
    subject = headers.get("Subject", "Re: [HD-2026-00042] reset password admin agency")
    message = make(subject, "Saya sedang cuti.", **extra)
    decision = decide_mail(message, settings)
    assert decision.kind == "automatic" and decision.ticket_ref is None
    assert decision.missing == [] and decision.attachments == []


def test_auto_submitted_no_is_a_person(settings: Settings) -> None:
    message = make(
        "reset password admin agency dinkes",
        "Mohon reset password admin agency.",
        Auto_Submitted="no",
    )
    assert decide_mail(message, settings).kind == "password_reset"


def test_colleague_on_our_domain_is_not_our_own_answer(settings: Settings) -> None:
    message = make(
        "tambah admin agency",
        "Mohon penambahan admin agency.",
        Message_ID="<1.2.JavaMail.zimbra@karawangkab.go.id>",
    )
    assert decide_mail(message, settings).kind == "additional_admin"


def test_ticket_ref_from_our_message_id_in_references(settings: Settings) -> None:
    message = make(
        "Re: formulir",
        "Berikut formulir penanganan permasalahan.",
        In_Reply_To="<HD-2026-00077.1768.ab12@karawangkab.go.id>",
        References="<x@gmail.com> <HD-2026-00077.1768.ab12@karawangkab.go.id>",
    )
    assert decide_mail(message, settings).ticket_ref == "HD-2026-00077"
    foreign = make("Re: x", "isi", References="<HD-2026-00077.1@evil.example>")
    assert decide_mail(foreign, settings).ticket_ref is None


@pytest.mark.parametrize(
    ("body", "schedule_change"),
    [
        ("Mohon perubahan jadwal tahap evaluasi, form penanganan permasalahan terlampir.", True),
        ("Mohon bantuan memundurkan jadwal pembukaan penawaran. Penanganan permasalahan.", True),
        ("Penanganan permasalahan salah input HPS. Tidak ada perubahan jadwal.", False),
        ("Penanganan permasalahan salah input HPS, jadwal tidak perlu diubah.", False),
        ("Penanganan permasalahan salah upload dokumen; jadwal tetap sesuai pengumuman.", False),
    ],
)
def test_schedule_change_wording(body: str, schedule_change: bool, settings: Settings) -> None:
    decision = decide_mail(make("Permohonan bantuan tender 10234567", body), settings)
    assert decision.kind == "problem_report"
    assert decision.schedule_change is schedule_change


@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        ("lupa password", "Saya Pokja Pemilihan 2, mohon reset password akun pokja saya.", "other"),
        ("reset password", "PPK kami lupa password SPSE.", "other"),
        ("mohon reset", "Akun admin agency kami terkunci, mohon reset password.", "password_reset"),
        ("pendaftaran subagency", "Mohon didaftarkan sebagai sub-agency.", "sub_agency"),
        ("Uji forensic", "File RHS peserta tidak bisa dibuka.", "forensic_test"),
        ("penggantian admin agency", "Admin agency lama mutasi.", "admin_replacement"),
        ("permohonan data", "Kami minta data paket TA 2025.", "data_request"),
        ("bergabung", "Kami bermaksud bergabung dengan LPSE Kabupaten Karawang.", "join_request"),
        ("tanya jam layanan", "Jam berapa kantor LPSE buka?", "other"),
        ("jadwal upload", "Kami dari CV Maju, apakah jadwal upload diperpanjang?", "other"),
        ("reset akun admin agency", "Mohon reset akun admin agency Dinsos.", "password_reset"),
        (
            "kesalahan",
            "Terjadi kesalahan penginputan lokasi pekerjaan pada tender.",
            "problem_report",
        ),
    ],
)
def test_kind_wording(subject: str, body: str, kind: str, settings: Settings) -> None:
    assert decide_mail(make(subject, body), settings).kind == kind


def test_credentials_in_a_form_are_flagged_never_shown(settings: Settings) -> None:
    message = make("Perubahan jadwal tender 10234567", "Form penanganan permasalahan terlampir.")
    form = files.xlsx_file(
        [
            ("FORMULIR PENANGANAN PERMASALAHAN LPSE",),
            ("User ID", "pokja3krw"),
            ("Password", "Rahasia#2026"),
        ]
    )
    message.add_attachment(
        form, maintype="application", subtype="octet-stream", filename="Form.xlsx"
    )
    decision = decide_mail(message, settings)
    assert decision.holds_credentials and decision.complete
    assert "Rahasia#2026" not in json.dumps(decision.to_json())


def test_invalid_attachment_satisfies_nothing(settings: Settings) -> None:
    message = make("Reset password admin agency", "Surat dan SK terlampir.")
    message.add_attachment(
        files.pdf(""),
        maintype="application",
        subtype="pdf",
        filename="Surat Permohonan Reset Password.pdf",
    )
    message.add_attachment(
        files.windows_exe(), maintype="application", subtype="pdf", filename="SK Admin Agency.pdf"
    )
    decision = decide_mail(message, settings)
    assert decision.kind == "password_reset" and decision.missing == ["appointment_decree"]
    assert decision.attachments[1].problem_code == "dangerous"


def test_nip_with_impossible_date_is_flagged(settings: Settings) -> None:
    message = make("Penambahan admin agency", "SK terlampir.")
    decree = files.pdf(
        "KEPUTUSAN KEPALA DINAS\nTENTANG\nPENUNJUKAN ADMINISTRATOR AGENCY\n"
        "Nama Lengkap : Rangga\nNIP : 19801345 200501 1 007"
    )
    message.add_attachment(decree, maintype="application", subtype="pdf", filename="scan0001.pdf")
    decision = decide_mail(message, settings)
    assert decision.complete
    assert decision.fields["nip"] == "198013452005011007"
    assert "birth date" in decision.fields["nip_problem"]
