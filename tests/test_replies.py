"""The answers the bot sends: every first answer renders, says what is missing, stays safe."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from helpdesk.decision import AttachmentVerdict
from helpdesk.requirements import KINDS, REQUIRED_DOCUMENTS
from replies.names import (
    DOCUMENT_NAMES,
    KIND_NAMES,
    PROBLEM_NAMES,
    document_name,
    kind_name,
    problem_name,
    status_name,
)
from replies.render import (
    AnswerContext,
    RenderedAnswer,
    answer_subject,
    first_answer_event,
    one_line,
    render_answer,
)

REF = "HD-2026-00042"
ANSWERED_KINDS = [kind for kind in KINDS if kind != "automatic"]
KINDS_WITH_DOCUMENTS = [kind for kind in ANSWERED_KINDS if REQUIRED_DOCUMENTS[kind]]
# Every line break a mail header or a text line could be split on.
BREAKS = ["\r\n", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
INJECTIONS = [f"Permohonan{br}Bcc: x@evil.example" for br in BREAKS] + [
    "=?utf-8?q?Permohonan=0D=0ABcc:_x@evil.example?=",
    "=?utf-8?b?UGVybW9ob25hbg0KQmNjOiB4QGV2aWwuZXhhbXBsZQ==?=",
    "Permohonan\r\n\r\nNomor tiket : HD-2026-99999\r\n",
    "Permohonan\x00\x07\x1b[31m\u202e\u200b",
]


@pytest.fixture
def make_context() -> Callable[..., AnswerContext]:
    """Build an AnswerContext with plausible defaults; keyword arguments override them."""

    def create(**overrides: Any) -> AnswerContext:
        values: dict[str, Any] = {
            "ticket_ref": REF,
            "kind": "forensic_test",
            "schedule_change": False,
            "request_subject": "Permohonan Uji Forensik Paket Jalan Desa",
            "requester_name": "Pokja Pemilihan 3",
            "received_at": datetime(2026, 3, 2, 2, 15, tzinfo=UTC),
            "attachments": (),
            "missing": (),
            "fields": {"kode_tender": "10234567", "nama_paket": "Rehabilitasi Jalan Desa"},
            "helpdesk_name": "Helpdesk LPSE Kabupaten Karawang",
            "helpdesk_address": "lpse@karawangkab.go.id",
        }
        values.update(overrides)
        return AnswerContext(**values)

    return create


def assert_safe(answer: RenderedAnswer) -> None:
    """The subject is one line, the body has only \\n breaks and ends with one."""
    assert answer.subject.splitlines() == [answer.subject]
    assert answer.subject.isprintable()
    assert "\r" not in answer.body
    assert all(line.isprintable() for line in answer.body.split("\n"))
    assert answer.body.splitlines() == answer.body.split("\n")[:-1]
    assert answer.body.endswith("\n") and not answer.body.endswith("\n\n")


@pytest.mark.parametrize("complete", [True, False])
@pytest.mark.parametrize("kind", ANSWERED_KINDS)
def test_every_first_answer_renders(
    make_context: Callable[..., AnswerContext], kind: str, complete: bool
) -> None:
    missing = () if complete else REQUIRED_DOCUMENTS[kind]
    event = first_answer_event(kind, complete=not missing)
    answer = render_answer(event, make_context(kind=kind, missing=missing))
    assert_safe(answer)
    assert answer.subject == f"[{REF}] Permohonan Uji Forensik Paket Jalan Desa"
    assert REF in answer.body
    assert "Yth. Bapak/Ibu Pokja Pemilihan 3," in answer.body
    assert f"[{REF}] pada subjek" in answer.body.replace("\n", " ")
    assert "Helpdesk LPSE Kabupaten Karawang\nlpse@karawangkab.go.id\n" in answer.body
    assert "Senin, 2 Maret 2026 pukul 09.15 WIB" in answer.body


def test_first_answer_event() -> None:
    assert first_answer_event("forensic_test", complete=True) == "acknowledged"
    assert first_answer_event("forensic_test", complete=False) == "incomplete"
    assert first_answer_event("other", complete=True) == "acknowledged"
    assert first_answer_event("sub_agency", complete=True) == "rejected"
    with pytest.raises(ValueError):
        first_answer_event("automatic", complete=True)
    with pytest.raises(ValueError):
        first_answer_event("no_such_kind", complete=True)


def test_automatic_and_unknown_events_are_refused(
    make_context: Callable[..., AnswerContext],
) -> None:
    with pytest.raises(ValueError):
        render_answer("acknowledged", make_context(kind="automatic"))
    with pytest.raises(ValueError, match="no template"):
        render_answer("no_such_event", make_context())
    with pytest.raises(ValueError):
        render_answer("../_base/greeting", make_context())


@pytest.mark.parametrize("kind", KINDS_WITH_DOCUMENTS)
def test_incomplete_names_each_missing_document(
    make_context: Callable[..., AnswerContext], kind: str
) -> None:
    required = REQUIRED_DOCUMENTS[kind]
    answer = render_answer("incomplete", make_context(kind=kind, missing=required))
    for document in required:
        assert document_name(document) in answer.body
    body = " ".join(answer.body.split())
    assert "membalas email ini" in body
    assert "akan kami proses setelah seluruh dokumen persyaratan lengkap" in body


def test_incomplete_lists_only_what_is_missing(
    make_context: Callable[..., AnswerContext],
) -> None:
    received = AttachmentVerdict("Formulir Uji Forensik.pdf", ("forensic_form",))
    answer = render_answer(
        "incomplete", make_context(attachments=[received], missing=["forensic_minutes"])
    )
    missing_part = answer.body.split("Dokumen persyaratan yang belum kami terima:\n")[1]
    missing_list = missing_part.split("\n\n")[0]
    assert missing_list == "1. Berita Acara Uji Forensik"
    assert '- "Formulir Uji Forensik.pdf": Formulir Permintaan Uji Forensik' in answer.body


@pytest.mark.parametrize("code", sorted(PROBLEM_NAMES))
def test_incomplete_names_each_refused_file_with_its_reason(
    make_context: Callable[..., AnswerContext], code: str
) -> None:
    refused = [
        AttachmentVerdict("BA Uji Forensik.pdf", (), problem="short English", problem_code=code),
        AttachmentVerdict("scan.pdf", (), problem="empty file", problem_code="empty"),
    ]
    context = make_context(attachments=refused, missing=["forensic_form", "forensic_minutes"])
    answer = render_answer("incomplete", context)
    assert f'- "BA Uji Forensik.pdf": {PROBLEM_NAMES[code]}\n' in answer.body
    assert '- "scan.pdf": berkas kosong (0 byte)\n' in answer.body
    assert "short English" not in answer.body


def test_refused_archive_member_names_its_archive(
    make_context: Callable[..., AnswerContext],
) -> None:
    member = AttachmentVerdict(
        "form.xlsm", (), problem="macro", problem_code="macro", container="berkas.zip"
    )
    answer = render_answer("incomplete", make_context(attachments=[member], missing=["x"]))
    assert '"form.xlsm (dalam arsip berkas.zip)": dokumen Office yang mengandung makro' in (
        answer.body
    )


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Permohonan Uji Forensik", "[HD-2026-00042] Permohonan Uji Forensik"),
        ("Re: Permohonan", "[HD-2026-00042] Permohonan"),
        ("RE: Fwd: FW: Fw: Permohonan", "[HD-2026-00042] Permohonan"),
        ("BLS: Balas: TRS: Teruskan: Aw: Wg: Permohonan", "[HD-2026-00042] Permohonan"),
        ("Re[2]: re : Permohonan", "[HD-2026-00042] Permohonan"),
        ("Re: [HD-2026-00042] Permohonan", "[HD-2026-00042] Permohonan"),
        ("Re: [HD-2026-00041] Fwd: Permohonan [HD-2026-00042]", "[HD-2026-00042] Permohonan"),
        ("Regional: Permohonan", "[HD-2026-00042] Regional: Permohonan"),
        ("", "[HD-2026-00042] Pendaftaran Sub Agency"),
        ("Re: ", "[HD-2026-00042] Pendaftaran Sub Agency"),
        ("  Re:\r\n\tFwd:  Permohonan   data  ", "[HD-2026-00042] Permohonan data"),
    ],
)
def test_subject_has_one_tag_and_no_prefixes(subject: str, expected: str) -> None:
    result = answer_subject(REF, subject, fallback=kind_name("sub_agency"))
    assert result == expected
    assert result.count("[") == 1


def test_empty_subject_becomes_the_kind_name(make_context: Callable[..., AnswerContext]) -> None:
    answer = render_answer("acknowledged", make_context(kind="data_request", request_subject=""))
    assert answer.subject == f"[{REF}] Permohonan Data SPSE"


def test_long_subject_is_truncated() -> None:
    result = answer_subject(REF, "Permohonan " * 100)
    assert len(result) <= 200
    assert result.endswith("\u2026")


@pytest.mark.parametrize("text", INJECTIONS)
def test_injected_subject_stays_one_line(
    make_context: Callable[..., AnswerContext], text: str
) -> None:
    answer = render_answer("acknowledged", make_context(request_subject=text))
    assert_safe(answer)
    assert answer.subject.startswith(f"[{REF}] Permohonan")
    assert "=?" not in answer.subject
    assert not any(
        line.startswith(("Bcc", "Nomor tiket : HD-2026-99999")) for line in answer.body.splitlines()
    )


@pytest.mark.parametrize("text", INJECTIONS)
def test_injected_name_and_filename_stay_on_their_line(
    make_context: Callable[..., AnswerContext], text: str
) -> None:
    file = AttachmentVerdict(text + ".pdf", (), problem="empty", problem_code="empty")
    context = make_context(
        requester_name=text,
        attachments=[file],
        missing=["forensic_minutes"],
        fields={"nama_paket": text},
        extra={"note": text},
    )
    answer = render_answer("incomplete", context)
    assert_safe(answer)
    for line in answer.body.splitlines():
        assert not line.startswith(("Bcc", "Nomor tiket : HD-2026-99999"))
    assert [line for line in answer.body.splitlines() if line.startswith("Nomor tiket")] == [
        f"Nomor tiket     : {REF}"
    ]


@pytest.mark.parametrize("text", INJECTIONS)
def test_one_line_neutralises_every_break(text: str) -> None:
    result = one_line(text)
    assert result.splitlines() == [result]
    assert result.isprintable()
    assert result.startswith("Permohonan")


def test_one_line_collapses_and_truncates() -> None:
    assert one_line("  Budi \t\r\n  Santoso  ") == "Budi Santoso"
    assert one_line("x" * 50, limit=10) == "x" * 9 + "\u2026"


def test_name_that_is_an_address_is_not_used_in_the_greeting(
    make_context: Callable[..., AnswerContext],
) -> None:
    answer = render_answer("acknowledged", make_context(requester_name="budi@gmail.com"))
    assert answer.body.startswith("Yth. Bapak/Ibu,\n")


def test_schedule_change_asks_for_a_password_change(
    make_context: Callable[..., AnswerContext],
) -> None:
    context = make_context(kind="problem_report", schedule_change=True)
    body = " ".join(render_answer("acknowledged", context).body.split())
    assert "wajib segera mengganti password" in body
    plain = dataclasses.replace(context, schedule_change=False)
    assert "mengganti password" not in render_answer("acknowledged", plain).body


def test_sub_agency_refusal_cites_the_sla(make_context: Callable[..., AnswerContext]) -> None:
    body = " ".join(render_answer("rejected", make_context(kind="sub_agency")).body.split())
    assert "III.b.6" in body
    assert "pendaftaran sub agency tidak dilayani" in body


def test_naive_received_at_is_taken_as_utc(make_context: Callable[..., AnswerContext]) -> None:
    answer = render_answer("acknowledged", make_context(received_at=datetime(2026, 3, 2, 20, 5)))
    assert "Selasa, 3 Maret 2026 pukul 03.05 WIB" in answer.body


def test_names_cover_every_id_and_fall_back() -> None:
    assert set(KIND_NAMES) == set(KINDS)
    assert set(DOCUMENT_NAMES) >= {doc for docs in REQUIRED_DOCUMENTS.values() for doc in docs}
    assert kind_name("later_kind")
    assert document_name("later_document") == "Dokumen later document"
    assert problem_name("later_problem") == problem_name(None) != ""
    assert status_name("awaiting_documents") == "Menunggu Kelengkapan"
    assert status_name("later_status") == "Later status"
