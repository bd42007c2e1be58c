"""Indonesian names for the ids the helpdesk uses: kinds, documents, problems, statuses, outcomes.

Each table has a lookup function with a fallback, so an id added elsewhere later still
renders as readable Indonesian instead of failing an answer mid-send.
"""

from __future__ import annotations

from typing import Final

from helpdesk.domain import Kind

KIND_NAMES: Final[dict[str, str]] = {
    Kind.FORENSIC_TEST: "Permintaan Uji Forensik File RHS",
    Kind.PROBLEM_REPORT: "Penanganan Permasalahan LPSE",
    Kind.PASSWORD_RESET: "Reset Password Administrator Agency",
    Kind.ADMIN_REPLACEMENT: "Penggantian Personil Administrator Agency",
    Kind.ADDITIONAL_ADMIN: "Penambahan Administrator Agency",
    Kind.JOIN_REQUEST: "Permohonan Bergabung dengan LPSE",
    Kind.DATA_REQUEST: "Permohonan Data SPSE",
    Kind.SUB_AGENCY: "Pendaftaran Sub Agency",
    Kind.OTHER: "Pertanyaan/Permintaan Lainnya",
    Kind.AUTOMATIC: "Pesan Otomatis",
}

DOCUMENT_NAMES: Final[dict[str, str]] = {
    "forensic_form": "Formulir Permintaan Uji Forensik",
    "forensic_minutes": "Berita Acara Uji Forensik",
    "rhs_file": "File Penawaran Terenkripsi (.rhs)",
    "problem_form": "Formulir Penanganan Permasalahan LPSE",
    "reset_letter": "Surat Permohonan Reset Password Administrator Agency",
    "appointment_decree": "Surat Keputusan (SK) Penunjukan/Pengangkatan Administrator Agency",
    "replacement_letter": "Surat Permohonan Penggantian Personil Administrator Agency",
    "join_letter": "Surat Permohonan Bergabung dengan LPSE",
    "training_letter": "Surat Permohonan Pelatihan (Bimbingan Teknis)",
    "signed_sla": "Service Level Agreement (SLA) yang telah ditandatangani",
    "data_request_letter": "Surat Permohonan Data SPSE",
}

# What a requester must know to send the right document the second time.
DOCUMENT_HINTS: Final[dict[str, str]] = {
    "appointment_decree": (
        "memuat Nama Lengkap, NIP, nomor telepon, dan alamat email Administrator Agency"
    ),
    "join_letter": "ditandatangani oleh Kepala/Pimpinan Instansi",
    "training_letter": "untuk Administrator Agency dan Pokja Pemilihan",
}

PROBLEM_NAMES: Final[dict[str, str]] = {
    "empty": "berkas kosong (0 byte)",
    "corrupt": "berkas rusak dan tidak dapat dibuka",
    "type_mismatch": "isi berkas tidak sesuai dengan jenis/ekstensi namanya",
    "dangerous": "jenis berkas berbahaya (program/skrip) dan tidak kami terima",
    "macro": "dokumen Office yang mengandung makro tidak kami terima",
    "encrypted": "berkas terkunci kata sandi sehingga tidak dapat dibuka",
    "too_large": "ukuran berkas melebihi batas",
    "archive_limit": "arsip melebihi batas yang dapat kami periksa",
}

STATUS_NAMES: Final[dict[str, str]] = {
    "new": "Baru",
    "awaiting_documents": "Menunggu Kelengkapan",
    "in_progress": "Diproses",
    "awaiting_requester": "Menunggu Jawaban Pemohon",
    "escalated": "Diteruskan ke LKPP",
    "resolved": "Selesai",
    "rejected": "Ditolak",
}

# How a forensic test ends (DOMAIN.md). The keys are what staff may pass as `--outcome`;
# the answer's full sentences live in `forensic_test/resolved.txt.j2`.
FORENSIC_OUTCOMES: Final[dict[str, str]] = {
    "opened": "file penawaran (RHS) dapat dibuka",
    "corrupt": "file penawaran (RHS) rusak dan tidak dapat dibuka",
    "recovered": "file penawaran (RHS) berhasil dipulihkan oleh LKPP/BSSN",
    "not_recovered": "file penawaran (RHS) tidak berhasil dipulihkan oleh LKPP/BSSN",
}

# Extracted fields shown back to the requester, in this order; others stay internal.
FIELD_LABELS: Final[dict[str, str]] = {
    "kode_tender": "Kode Tender",
    "nama_paket": "Nama Paket",
    "satuan_kerja": "Satuan Kerja",
    "instansi": "Instansi",
    "nama_pokja": "Pokja Pemilihan",
    "nama_peserta": "Nama Peserta",
}

# The other fields read from a request, as staff read them on the pages.
STAFF_FIELD_LABELS: Final[dict[str, str]] = {
    **FIELD_LABELS,
    "tahapan": "Tahapan",
    "jadwal_semula": "Jadwal Semula",
    "jadwal_baru": "Jadwal Baru",
    "nama": "Nama",
    "nip": "NIP",
    "nip_problem": "Catatan NIP",
    "telepon": "Telepon",
    "email": "Email",
}

# What happened to a ticket (its history), as staff read it on the pages.
HISTORY_NAMES: Final[dict[str, str]] = {
    "created": "dibuat",
    "followup": "pesan lanjutan",
    "status": "status berubah",
    "bounced": "email gagal terkirim",
    "not_answered": "tidak dijawab",
    "assigned": "ditugaskan",
    "note": "catatan internal",
    "replied": "dibalas petugas",
    "asked": "ditanyakan ke pemohon",
    "merged": "digabungkan",
    "escalated": "diteruskan ke LKPP",
    "resolved": "diselesaikan",
    "rejected": "ditolak",
    "reopened": "dibuka kembali",
}

# Why an answer went out (AnswerEvent), as staff read it.
ANSWER_NAMES: Final[dict[str, str]] = {
    "acknowledged": "tanda terima",
    "incomplete": "berkas belum lengkap",
    "rejected": "penolakan",
    "documents_complete": "berkas lengkap",
    "resend_joined": "kiriman ulang digabung",
    "escalated": "diteruskan ke LKPP",
    "resolved": "hasil penyelesaian",
    "reopened": "dibuka kembali",
    "requester_notice": "pemberitahuan ke pemohon",
    "staff_alert": "peringatan untuk petugas",
    "staff_reply": "balasan petugas",
    "staff_question": "pertanyaan petugas",
}

UNKNOWN_KIND: Final = "Permintaan Layanan Helpdesk LPSE"
UNKNOWN_PROBLEM: Final = "berkas tidak dapat kami terima"
UNKNOWN_OUTCOME: Final = "uji forensik telah selesai dilaksanakan"


def kind_name(kind: str) -> str:
    """Indonesian name of a request kind: "forensic_test" -> "Permintaan Uji Forensik File RHS"."""
    return KIND_NAMES.get(kind, UNKNOWN_KIND)


def document_name(document: str) -> str:
    """Indonesian name of a document id; an unknown id is shown as words ("Dokumen abc def")."""
    known = DOCUMENT_NAMES.get(document)
    if known is not None:
        return known
    # Show the id itself rather than a vague word: the requester must know what is missing.
    return "Dokumen " + document.replace("_", " ").strip()


def document_hint(document: str) -> str:
    """A short note on what the document must contain, or "" when none is needed."""
    return DOCUMENT_HINTS.get(document, "")


def problem_name(code: str | None) -> str:
    """Indonesian reason for an attachment problem code; a generic refusal when unknown."""
    if code is None:
        return UNKNOWN_PROBLEM
    return PROBLEM_NAMES.get(code, UNKNOWN_PROBLEM)


def status_name(status: str) -> str:
    """Indonesian name of a ticket status: "awaiting_documents" -> "Menunggu Kelengkapan"."""
    return STATUS_NAMES.get(status, status.replace("_", " ").capitalize())


def field_name(key: str) -> str:
    """A field read from a request, in Indonesian: "jadwal_semula" -> "Jadwal Semula"."""
    return STAFF_FIELD_LABELS.get(key, key.replace("_", " ").capitalize())


def history_name(action: str) -> str:
    """A history line's action in Indonesian: "followup" -> "pesan lanjutan"."""
    return HISTORY_NAMES.get(action, action.replace("_", " "))


def answer_name(event: str) -> str:
    """Why an answer went out, in Indonesian: "incomplete" -> "berkas belum lengkap"."""
    return ANSWER_NAMES.get(event, event.replace("_", " "))


def outcome_name(outcome: str | None) -> str:
    """Indonesian phrase for a forensic outcome: "corrupt" -> "file penawaran (RHS) rusak ..."."""
    if outcome is None:
        return UNKNOWN_OUTCOME
    return FORENSIC_OUTCOMES.get(outcome, UNKNOWN_OUTCOME)
