"""The monthly log: the LPSE columns, WIB periods, no credentials, a summary that adds up."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from helpdesk.commands.export import export, resolve_period
from helpdesk.database import open_database
from helpdesk.export import (
    LOG_COLUMNS,
    OVERDUE_OPEN,
    RESOLUTION_HOURS,
    RESOLVED_LATE,
    RESPONSE_HOURS,
    export_log,
    previous_month,
)
from helpdesk.models import Agency, OutboxAnswer, Ticket
from helpdesk.settings import Settings, SlaSection
from helpdesk.sla_clock import start_clock

MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}
NOW = datetime(2026, 4, 2, 3, 0, tzinfo=UTC)
_numbers = itertools.count(1)
MakeTicket = Callable[..., Ticket]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_database(f"sqlite:///{tmp_path}/db.sqlite3")


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def make_ticket(session: Session) -> MakeTicket:
    """Factory: make_ticket(created_at="2026-03-10T03:00", kind=..., ...) -> a stored Ticket."""

    def make(*, created_at: str = "2026-03-10T03:00", **fields: Any) -> Ticket:
        number = next(_numbers)
        ticket = Ticket(
            ref=fields.pop("ref", f"HD-2026-{number:05d}"),
            kind=fields.pop("kind", "problem_report"),
            requester_name=fields.pop("requester_name", "Pokja Pemilihan 3"),
            requester_address=fields.pop("requester_address", "pokja3@karawangkab.go.id"),
            subject=fields.pop("subject", "Kesalahan input HPS"),
            created_at=utc(created_at),
            **fields,
        )
        start_clock(ticket, SlaSection())  # as the bot opens a ticket
        session.add(ticket)
        session.commit()
        return ticket

    return make


def export_march(session: Session, path: Path) -> Workbook:
    export_log(session, Settings(), path, now=NOW, **MARCH)
    return load_workbook(path)


def log_rows(workbook: Workbook) -> list[dict[str, Any]]:
    rows = list(workbook["Log Tiket"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def summary_rows(workbook: Workbook) -> dict[str, tuple[Any, ...]]:
    """Ringkasan rows keyed by their first cell (the label)."""
    return summary_rows_of(workbook["Ringkasan"])


def summary_rows_of(sheet: Any) -> dict[str, tuple[Any, ...]]:
    rows = sheet.iter_rows(values_only=True)
    return {str(row[0]): row[1:] for row in rows if row and row[0] is not None}


def test_header_has_the_lpse_log_columns_in_order(session: Session, tmp_path: Path) -> None:
    workbook = export_march(session, tmp_path / "log.xlsx")
    header = next(workbook["Log Tiket"].iter_rows(values_only=True))
    assert header == (
        "Nomor Tiket", "Nama Pengguna", "Kontak Pengguna", "Media Pelaporan",
        "Tanggal Pelaporan", "Deskripsi", "Tipe", "Kategori", "User", "Urgensi", "Dampak",
        "Prioritas", "Petugas", "Status", "Keterangan", "Solusi", "Tanggal Penyelesaian",
        "Status Konfirmasi kepada Pengguna",
        # after the service standard's columns, the SLA's measure in working hours
        "Waktu Respons (jam kerja)", "Waktu Penyelesaian (jam kerja)",
    )  # fmt: skip
    assert len(header) == len(LOG_COLUMNS)


def test_period_is_whole_days_in_wib(
    session: Session, make_ticket: MakeTicket, tmp_path: Path
) -> None:
    make_ticket(ref="HD-2026-00901", created_at="2026-02-28T16:59")  # 28 Feb 23:59 WIB
    make_ticket(ref="HD-2026-00902", created_at="2026-02-28T17:00")  # 1 Mar 00:00 WIB
    make_ticket(ref="HD-2026-00903", created_at="2026-03-31T16:59")  # 31 Mar 23:59 WIB
    make_ticket(ref="HD-2026-00904", created_at="2026-03-31T17:30")  # 1 Apr 00:30 WIB
    report = export_log(session, Settings(), tmp_path / "log.xlsx", now=NOW, **MARCH)
    refs = [row["Nomor Tiket"] for row in log_rows(load_workbook(tmp_path / "log.xlsx"))]
    assert refs == ["HD-2026-00902", "HD-2026-00903"]
    assert (report.rows, report.start, report.end) == (2, date(2026, 3, 1), date(2026, 3, 31))


def test_dates_are_date_cells_in_wib(
    session: Session, make_ticket: MakeTicket, tmp_path: Path
) -> None:
    make_ticket(
        created_at="2026-03-10T03:00", status="resolved", resolved_at=utc("2026-03-11T10:15")
    )
    export_march(session, tmp_path / "log.xlsx")
    sheet = load_workbook(tmp_path / "log.xlsx")["Log Tiket"]
    reported, resolved = sheet["E2"], sheet["Q2"]
    assert reported.value == datetime(2026, 3, 10, 10, 0)
    assert resolved.value == datetime(2026, 3, 11, 17, 15)
    assert reported.is_date and resolved.is_date
    assert reported.number_format == resolved.number_format == "dd/mm/yyyy hh:mm"


def test_one_row_in_indonesian(session: Session, make_ticket: MakeTicket, tmp_path: Path) -> None:
    session.add(Agency(id=7, name="Dinas PUPR"))
    make_ticket(
        kind="forensic_test", status="resolved", agency_id=7, assignee="Rina",
        subject="Uji forensik file RHS", kode_tender="10234567", outcome="corrupt",
        resolution_note="Surat hasil uji terlampir.", missing='["forensic_minutes"]',
        resolved_at=utc("2026-03-12T03:00"),
    )  # fmt: skip
    row = log_rows(export_march(session, tmp_path / "log.xlsx"))[0]
    assert row["Nama Pengguna"] == "Pokja Pemilihan 3 (Dinas PUPR)"
    assert row["Kontak Pengguna"] == "pokja3@karawangkab.go.id"
    assert row["Media Pelaporan"] == "Email"
    assert row["Deskripsi"].startswith("Permintaan Uji Forensik File RHS; Uji forensik file RHS")
    assert "Kode Tender 10234567" in row["Deskripsi"]
    assert (row["Tipe"], row["Kategori"], row["User"]) == ("Gangguan", "Teknis", "Panitia")
    assert (row["Urgensi"], row["Dampak"], row["Prioritas"]) == ("Tinggi", "Tinggi", "Tinggi")
    assert (row["Petugas"], row["Status"]) == ("Rina", "Selesai")
    assert row["Keterangan"] == "Dokumen belum lengkap: Berita Acara Uji Forensik"
    assert row["Solusi"] == (
        "File penawaran (RHS) rusak dan tidak dapat dibuka; Surat hasil uji terlampir."
    )
    assert row["Status Konfirmasi kepada Pengguna"] == "Belum"


@pytest.mark.parametrize(
    ("kind", "extra", "expected"),
    [
        ("problem_report", {}, ("Masalah", "Teknis", "Panitia", "Sedang", "Tinggi", "Sedang")),
        (
            "problem_report",
            {"schedule_change": True},
            ("Masalah", "Teknis", "Panitia", "Tinggi", "Tinggi", "Tinggi"),
        ),
        (
            "password_reset",
            {"status": "awaiting_documents"},
            ("Permintaan Layanan", "Non Teknis", "Lainnya", "Sedang", "Sedang", "Sedang"),
        ),
        (
            "other",
            {"deadline": utc("2026-03-11T17:00")},  # within H-2 of the report
            ("Permintaan Layanan", "Non Teknis", "Lainnya", "Tinggi", "Rendah", "Sedang"),
        ),
        (
            "data_request",
            {"deadline": utc("2026-03-20T17:00")},
            ("Permintaan Layanan", "Non Teknis", "Lainnya", "Rendah", "Rendah", "Rendah"),
        ),
    ],
)
def test_type_category_user_and_priority(
    session: Session,
    make_ticket: MakeTicket,
    tmp_path: Path,
    kind: str,
    extra: dict[str, Any],
    expected: tuple[str, ...],
) -> None:
    make_ticket(kind=kind, **extra)
    row = log_rows(export_march(session, tmp_path / "log.xlsx"))[0]
    columns = ("Tipe", "Kategori", "User", "Urgensi", "Dampak", "Prioritas")
    assert tuple(row[c] for c in columns) == expected


def test_status_names_are_indonesian(
    session: Session, make_ticket: MakeTicket, tmp_path: Path
) -> None:
    for status in ("new", "awaiting_documents", "in_progress", "escalated", "rejected"):
        make_ticket(status=status)
    statuses = [row["Status"] for row in log_rows(export_march(session, tmp_path / "log.xlsx"))]
    assert statuses == ["Baru", "Menunggu Kelengkapan", "Diproses", "Diteruskan ke LKPP", "Ditolak"]


def test_credentials_appear_nowhere_in_the_workbook(
    session: Session, make_ticket: MakeTicket, tmp_path: Path
) -> None:
    make_ticket(
        subject="Perubahan jadwal password: Rahasia123",
        schedule_change=True,
        holds_credentials=True,
        fields='{"nama_paket": "Paket user id: pokja01 pass: xyz"}',
        staff_note="Login dengan password: Rahasia123",
        resolution_note="Jadwal diubah dengan user id: pokja01 pass: xyz",
        status="resolved",
        resolved_at=utc("2026-03-10T09:00"),
    )
    workbook = export_march(session, tmp_path / "log.xlsx")
    texts = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    for secret in ("Rahasia123", "xyz", "pokja01"):
        assert not [text for text in texts if secret in text], secret
    assert "(berisi kredensial, disamarkan)" in log_rows(workbook)[0]["Deskripsi"]


def test_confirmation_follows_the_closing_answer(
    session: Session, make_ticket: MakeTicket, tmp_path: Path
) -> None:
    sent, pending, failed, none = (make_ticket(status="resolved") for _ in range(4))
    acknowledged = make_ticket()
    for ticket, event, state in (
        (sent, "resolved", "sent"),
        (pending, "resolved", "pending"),
        (failed, "rejected", "failed"),
        (acknowledged, "acknowledged", "sent"),  # a first answer confirms nothing
    ):
        session.add(
            OutboxAnswer(
                ticket_id=ticket.id or 0, event=event, status=state, raw=b"x",
                message_id=f"<{ticket.ref}.{event}@karawangkab.go.id>",
            )
        )  # fmt: skip
    session.commit()
    rows = log_rows(export_march(session, tmp_path / "log.xlsx"))
    confirmations = {row["Nomor Tiket"]: row["Status Konfirmasi kepada Pengguna"] for row in rows}
    assert confirmations == {
        sent.ref: "Sudah dikirim",
        pending.ref: "Menunggu pengiriman",
        failed.ref: "Belum",
        none.ref: "Belum",
        acknowledged.ref: "Belum",
    }


def test_summary_counts_medians_and_overdue(
    session: Session, make_ticket: MakeTicket, tmp_path: Path
) -> None:
    def at(hours: float) -> datetime:
        return utc("2026-03-02T01:00") + timedelta(hours=hours)

    # From Monday 08.00 WIB, in working hours: two resolved after 8 h (the second overnight;
    # problem_report's SLA is 8 h), one sub_agency (8 h too) rejected after 14 h.
    make_ticket(created_at="2026-03-02T01:00", status="resolved",
                first_answer_at=at(1), resolved_at=at(10))  # fmt: skip
    make_ticket(created_at="2026-03-02T01:00", status="resolved",
                first_answer_at=at(3), resolved_at=at(20))  # fmt: skip
    make_ticket(created_at="2026-03-02T01:00", kind="sub_agency", status="rejected",
                first_answer_at=at(2), resolved_at=at(30))  # fmt: skip
    # Open: one long past its 24 h (after Idul Fitri's days off), one answered and reported on
    # 1 Apr WIB (not March), 10 working hours before NOW.
    make_ticket(created_at="2026-03-20T01:00", kind="forensic_test", status="in_progress")
    make_ticket(created_at="2026-03-31T17:30", kind="forensic_test", status="in_progress",
                first_answer_at=utc("2026-03-31T17:31"))  # fmt: skip
    summary = summary_rows(export_march(session, tmp_path / "log.xlsx"))

    assert summary["Jumlah tiket"][0] == 4
    header = summary["Jenis permintaan"]
    problem = dict(zip(header, summary["Penanganan Permasalahan LPSE"], strict=True))
    assert (problem["Selesai"], problem["Baru"], problem["Jumlah"]) == (2, 0, 2)
    assert dict(zip(header, summary["Pendaftaran Sub Agency"], strict=True))["Ditolak"] == 1
    assert dict(zip(header, summary["Jumlah"], strict=True))["Jumlah"] == 4
    months = [row for label, row in summary.items() if label.startswith("2026-")]
    assert [row[0] for row in months] == [4]
    assert summary["Median waktu sampai jawaban pertama"][:2] == (2.0, 3)
    assert summary["Median waktu sampai penyelesaian"][:2] == (8.0, 3)
    assert summary[OVERDUE_OPEN][0] == 1
    assert summary[RESOLVED_LATE][0] == 1  # the sub_agency, 14 working hours > 8


def test_ten_thousand_tickets_export(engine: Engine, tmp_path: Path) -> None:
    base = utc("2026-02-28T17:00")
    rows = [
        {
            "ref": f"HD-2026-{n:05d}",
            "kind": ("problem_report", "forensic_test", "password_reset")[n % 3],
            "status": ("new", "in_progress", "resolved")[n % 3],
            "requester_address": f"pokja{n}@karawangkab.go.id",
            "subject": f"Permohonan nomor {n}",
            "created_at": base + timedelta(seconds=260 * n),
            "updated_at": base,
        }
        for n in range(10_000)
    ]
    with Session(engine) as session:
        session.execute(insert(Ticket), rows)
        session.commit()
        report = export_log(session, Settings(), tmp_path / "big.xlsx", now=NOW, **MARCH)
    assert report.rows == 10_000
    # Ringkasan alone is read back: parsing 10,000 log rows would double the test's time.
    summary = load_workbook(tmp_path / "big.xlsx", read_only=True)["Ringkasan"]
    assert summary_rows_of(summary)["Jumlah tiket"][0] == 10_000


def test_default_period_is_the_previous_month() -> None:
    assert previous_month(date(2026, 4, 15)) == (date(2026, 3, 1), date(2026, 3, 31))
    assert previous_month(date(2026, 1, 1)) == (date(2025, 12, 1), date(2025, 12, 31))
    today = date(2026, 4, 15)
    assert resolve_period(None, None, today=today) == (date(2026, 3, 1), date(2026, 3, 31))
    assert resolve_period(date(2026, 4, 1), None, today=today) == (date(2026, 4, 1), today)
    assert resolve_period(None, date(2026, 2, 10), today=today) == (
        date(2026, 2, 1),
        date(2026, 2, 10),
    )


def test_command_writes_the_file_and_refuses_bad_dates(engine: Engine, tmp_path: Path) -> None:
    context = SimpleNamespace(settings=Settings(), engine=engine, reader=engine)
    runner = CliRunner()
    target = tmp_path / "rekap.xlsx"

    result = runner.invoke(
        export, [str(target), "--from", "2026-03-01", "--to", "2026-03-31"], obj=context
    )
    assert result.exit_code == 0, result.output
    assert target.exists() and "Ringkasan" in load_workbook(target).sheetnames

    for bad in (
        ["--from", "2026-02-30"],
        ["--from", "01/03/2026"],
        ["--from", "2026-03-31", "--to", "2026-03-01"],
    ):
        result = runner.invoke(export, [str(tmp_path / "bad.xlsx"), *bad], obj=context)
        assert result.exit_code == 2, (bad, result.output)
    assert not (tmp_path / "bad.xlsx").exists()


def test_log_sheet_is_formatted_to_print(
    session: Session, make_ticket: MakeTicket, tmp_path: Path
) -> None:
    make_ticket()
    make_ticket()
    sheet = export_march(session, tmp_path / "log.xlsx")["Log Tiket"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:T3"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert (sheet.page_setup.fitToWidth, sheet.sheet_properties.pageSetUpPr.fitToPage) == (1, True)
    assert sheet.column_dimensions["F"].width == dict(LOG_COLUMNS)["Deskripsi"]


def test_each_row_reports_its_service_times_in_working_hours(
    session: Session, make_ticket: MakeTicket, tmp_path: Path
) -> None:
    # Reported Friday 13 March 15.00 WIB, answered 15.30, resolved Monday 16 March 10.00:
    # the weekend is not the desk's time.
    answered, resolved = utc("2026-03-13T08:30"), utc("2026-03-16T03:00")
    make_ticket(
        created_at="2026-03-13T08:00",
        status="resolved",
        first_answer_at=answered,
        resolved_at=resolved,
    )
    [row] = log_rows(export_march(session, tmp_path / "log.xlsx"))
    assert row[RESPONSE_HOURS] == 0.5 and row[RESOLUTION_HOURS] == 3.0
    summary = summary_rows(export_march(session, tmp_path / "log.xlsx"))
    assert summary["Waktu layanan"][0] == "Jam kerja"
