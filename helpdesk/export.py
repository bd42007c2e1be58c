"""The monthly ticket log as XLSX: the LPSE service-standard columns, and a summary sheet.

`export_log(session, settings, path, start=..., end=...)` writes sheet "Log Tiket" (one
row per ticket reported between `start` and `end`, inclusive dates in WIB) and sheet
"Ringkasan" (counts per kind and status and per month, median service times, overdue
tickets). Credentials never reach the file: every free text passes `mask_credentials`,
and the extracted fields of a ticket that holds credentials are not shown at all.

Rows are streamed from the database in batches into openpyxl's write-only workbook, and
agency names and answer states are loaded by one query each, so a month of 10,000
tickets takes seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, col, select

from helpdesk.domain import AnswerEvent, Kind
from helpdesk.models import STATUSES, Agency, OutboxAnswer, Ticket
from helpdesk.settings import Settings
from helpdesk.sla_clock import is_overdue, office_of
from helpdesk.wib import WIB, to_wib
from helpdesk.working_time import OfficeHours
from parsers.fields import mask_credentials
from replies.names import KIND_NAMES, document_name, kind_name, outcome_name, status_name

# Indonesia has kept UTC+7 for western Indonesia since 1964: a fixed offset needs no tzdata.
BATCH_SIZE: Final = 1000
CREDENTIALS_NOTE: Final = "(berisi kredensial, disamarkan)"
DATETIME_FORMAT: Final = "dd/mm/yyyy hh:mm"
DATE_FORMAT: Final = "dd/mm/yyyy"
# [$-421] is Indonesian: month names read "Maret 2026" whatever the reader's Excel locale.
MONTH_FORMAT: Final = "[$-421]mmmm yyyy"

# The columns of "Pencatatan Gangguan/Permasalahan dan Permintaan Layanan" (DOMAIN.md),
# in order, with a print width in characters.
RESPONSE_HOURS: Final = "Waktu Respons (jam kerja)"
RESOLUTION_HOURS: Final = "Waktu Penyelesaian (jam kerja)"
LOG_COLUMNS: Final[tuple[tuple[str, float], ...]] = (
    ("Nomor Tiket", 16),
    ("Nama Pengguna", 26),
    ("Kontak Pengguna", 28),
    ("Media Pelaporan", 10),
    ("Tanggal Pelaporan", 17),
    ("Deskripsi", 55),
    ("Tipe", 13),
    ("Kategori", 11),
    ("User", 9),
    ("Urgensi", 9),
    ("Dampak", 9),
    ("Prioritas", 9),
    ("Petugas", 16),
    ("Status", 14),
    ("Keterangan", 36),
    ("Solusi", 40),
    ("Tanggal Penyelesaian", 17),
    ("Status Konfirmasi kepada Pengguna", 14),
    # Beyond the service standard's columns: the SLA's own measure, in working hours.
    (RESPONSE_HOURS, 12),
    (RESOLUTION_HOURS, 12),
)
# Columns whose long text wraps, so a printed row shows all of it; columns of datetimes.
_WRAPPED: Final = frozenset({"Deskripsi", "Keterangan", "Solusi"})
_DATETIMES: Final = frozenset({"Tanggal Pelaporan", "Tanggal Penyelesaian"})

# Tipe. ITIL, which the LPSE service standard follows: a *Gangguan* (incident) is an
# unplanned interruption, a *Masalah* (problem) a fault that must be found and corrected,
# a *Permintaan Layanan* a standard request. A bid file that will not open interrupts an
# evaluation: Gangguan. A problem_report is a fault in the tender's data to correct (its
# form is the "Formulir Penanganan Permasalahan"): Masalah. Questions in `other` are
# requests for information, which ITIL counts as service requests; staff may reword.
_TYPES: Final[dict[str, str]] = {
    Kind.FORENSIC_TEST: "Gangguan",
    Kind.PROBLEM_REPORT: "Masalah",
}
SERVICE_REQUEST: Final = "Permintaan Layanan"
# Kategori: only the two Pokja kinds need technical work inside SPSE's tender data.
_TECHNICAL: Final = frozenset({Kind.FORENSIC_TEST, Kind.PROBLEM_REPORT})
# User: the Pokja kinds come from the working group (Panitia). The agency kinds come from
# an agency's Administrator Agency or its head, neither of which is a PPK, Auditor or
# bidder, so they are "Lainnya"; so is `other`, whose sender the bot cannot tell apart.
_POKJA_KINDS: Final = _TECHNICAL

HIGH, MEDIUM, LOW = "Tinggi", "Sedang", "Rendah"
_LEVEL_SCORE: Final = {HIGH: 3, MEDIUM: 2, LOW: 1}
# Dampak: how much stops while the ticket is open. Pokja kinds hold up a running tender
# and all its bidders; administrator kinds hold up one agency's work in SPSE; the rest
# affect one person or nothing urgent.
_IMPACT: Final[dict[str, str]] = {
    Kind.FORENSIC_TEST: HIGH,
    Kind.PROBLEM_REPORT: HIGH,
    Kind.PASSWORD_RESET: MEDIUM,
    Kind.ADMIN_REPLACEMENT: MEDIUM,
    Kind.ADDITIONAL_ADMIN: MEDIUM,
    Kind.JOIN_REQUEST: MEDIUM,
}
# Urgensi without a deadline: a locked-out administrator or a data fault needs a same-day
# answer; other kinds can wait their SLA time.
_URGENCY: Final[dict[str, str]] = {
    Kind.FORENSIC_TEST: HIGH,  # the evaluation waits on the result
    Kind.PROBLEM_REPORT: MEDIUM,
    Kind.PASSWORD_RESET: MEDIUM,
}
# Data corrections must reach LPSE by H-2 (DOMAIN.md): a deadline this close is urgent.
URGENT_WITHIN: Final = timedelta(days=2)

OVERDUE_OPEN: Final = "Tiket masih terbuka yang melewati batas SLA"
RESOLVED_LATE: Final = "Tiket diselesaikan setelah melewati batas SLA"
CONFIRMATION_EVENTS: Final = (AnswerEvent.RESOLVED, AnswerEvent.REJECTED)
CONFIRMED, CONFIRMATION_PENDING, NOT_CONFIRMED = "Sudah dikirim", "Menunggu pengiriman", "Belum"


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: ExportReport(path=..., rows=812, start=date(2026, 3, 1), ...)."""

    path: Path
    rows: int
    start: date
    end: date


# --- period -------------------------------------------------------------------------------


def today_wib(now: datetime | None = None) -> date:
    """Today's date in Karawang."""
    return (now or datetime.now(UTC)).astimezone(WIB).date()


def previous_month(today: date) -> tuple[date, date]:
    """First and last day of the month before `today`: 2026-04-15 -> (2026-03-01, 2026-03-31)."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC bounds [from, to) of the WIB days `start`..`end` inclusive."""
    lower = datetime.combine(start, time(), WIB).astimezone(UTC)
    upper = datetime.combine(end + timedelta(days=1), time(), WIB).astimezone(UTC)
    return lower, upper


# --- one ticket, one row ------------------------------------------------------------------


def ticket_type(kind: str) -> str:
    """Tipe: "Gangguan", "Masalah" or "Permintaan Layanan" (reasons at _TYPES)."""
    return _TYPES.get(kind, SERVICE_REQUEST)


def ticket_category(kind: str) -> str:
    """Kategori: "Teknis" for work on tender data in SPSE, else "Non Teknis"."""
    return "Teknis" if kind in _TECHNICAL else "Non Teknis"


def user_group(kind: str) -> str:
    """User: "Panitia" for Pokja kinds, else "Lainnya" (reasons at _POKJA_KINDS)."""
    return "Panitia" if kind in _POKJA_KINDS else "Lainnya"


def urgency(ticket: Ticket) -> str:
    """Urgensi: Tinggi for a schedule change or a deadline within H-2 of the report."""
    if ticket.schedule_change:
        return HIGH
    if ticket.deadline is not None and ticket.deadline - ticket.created_at <= URGENT_WITHIN:
        return HIGH
    return _URGENCY.get(ticket.kind, LOW)


def impact(kind: str) -> str:
    """Dampak: Tinggi when a tender waits, Sedang when an agency waits, else Rendah."""
    return _IMPACT.get(kind, LOW)


def priority(urgency_level: str, impact_level: str) -> str:
    """Prioritas from the usual matrix: both high -> Tinggi, sum 4-5 -> Sedang, else Rendah."""
    score = _LEVEL_SCORE[urgency_level] + _LEVEL_SCORE[impact_level]
    if score >= 6:
        return HIGH
    return MEDIUM if score >= 4 else LOW


def description(ticket: Ticket) -> str:
    """Deskripsi: kind name, subject, tender code and package name, credentials masked."""
    parts = [kind_name(ticket.kind)]
    if ticket.subject.strip():
        parts.append(ticket.subject.strip())
    if ticket.kode_tender:
        parts.append(f"Kode Tender {ticket.kode_tender}")
    if ticket.holds_credentials:
        # The fields came from the same message as the credentials: none of them is shown.
        parts.append(CREDENTIALS_NOTE)
    else:
        paket = _json_object(ticket.fields).get("nama_paket")
        if isinstance(paket, str) and paket.strip():
            parts.append(f"Paket {paket.strip()}")
    return mask_credentials("; ".join(parts))


def remarks(ticket: Ticket) -> str:
    """Keterangan: the documents still missing, then the staff note."""
    parts = []
    missing = _json_list(ticket.missing)
    if missing and not ticket.complete:
        parts.append("Dokumen belum lengkap: " + ", ".join(document_name(d) for d in missing))
    if ticket.staff_note.strip():
        parts.append(ticket.staff_note.strip())
    if ticket.linked_ref:
        parts.append(f"Terkait {ticket.linked_ref}")
    return mask_credentials("; ".join(parts)) if parts else ""


def solution(ticket: Ticket) -> str:
    """Solusi: the forensic outcome in words, then the staff's resolution note."""
    parts = []
    if ticket.outcome:
        phrase = outcome_name(ticket.outcome)
        parts.append(phrase[:1].upper() + phrase[1:])  # not capitalize(): it lowers "RHS"
    if ticket.resolution_note.strip():
        parts.append(ticket.resolution_note.strip())
    return mask_credentials("; ".join(parts)) if parts else ""


def confirmation(answer_states: Iterable[str]) -> str:
    """Status konfirmasi from the states of the ticket's resolved/rejected answers."""
    states = set(answer_states)
    if "sent" in states:
        return CONFIRMED
    if "pending" in states:
        return CONFIRMATION_PENDING
    return NOT_CONFIRMED  # none queued, or every attempt failed


def log_row(
    ticket: Ticket, *, agency: str | None, answer_states: Iterable[str], office: OfficeHours
) -> list[Any]:
    """The values of one ticket's row, in LOG_COLUMNS order (datetimes naive WIB)."""
    name = ticket.requester_name.strip()
    if agency:
        name = f"{name} ({agency})" if name else agency
    urgency_level, impact_level = urgency(ticket), impact(ticket.kind)
    return [
        ticket.ref,
        mask_credentials(name),
        ticket.requester_address,
        "Email",
        to_wib(ticket.created_at),
        description(ticket),
        ticket_type(ticket.kind),
        ticket_category(ticket.kind),
        user_group(ticket.kind),
        urgency_level,
        impact_level,
        priority(urgency_level, impact_level),
        ticket.assignee or "",
        status_name(ticket.status),
        remarks(ticket),
        solution(ticket),
        to_wib(ticket.resolved_at),
        confirmation(answer_states),
        *response_hours(ticket, office),
    ]


def _json_list(raw: str) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(item) for item in value] if isinstance(value, list) else []


def _json_object(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# --- the summary --------------------------------------------------------------------------


@dataclass
class Summary:
    """Figures gathered while the rows stream past, so the tickets are read only once."""

    now: datetime
    sla_hours: dict[str, float]
    office: OfficeHours  # service times are counted in working hours, as the SLA is
    by_kind_status: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_month: Counter[date] = field(default_factory=Counter)
    first_answer_hours: list[float] = field(default_factory=list)
    resolution_hours: list[float] = field(default_factory=list)
    overdue_open: int = 0
    resolved_late: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_kind_status.values())

    def add(self, ticket: Ticket) -> None:
        """Count one ticket."""
        self.by_kind_status[(ticket.kind, ticket.status)] += 1
        created = ticket.created_at.astimezone(WIB)
        self.by_month[date(created.year, created.month, 1)] += 1
        answered, resolved = response_hours(ticket, self.office)
        if answered is not None:
            self.first_answer_hours.append(answered)
        if resolved is not None:
            self.resolution_hours.append(resolved)
            if self._resolved_late(ticket, resolved):
                self.resolved_late += 1
        # The status is today's, so an open ticket is judged against today, not the period end.
        if is_overdue(ticket, self.now):
            self.overdue_open += 1

    def _resolved_late(self, ticket: Ticket, taken: float) -> bool:
        """Closed after working time past its due moment (which already allows for the
        time it waited for the requester); a ticket from before the SLA clock is judged
        by its working hours alone."""
        if ticket.resolution_due is not None and ticket.resolved_at is not None:
            return self.office.between(ticket.resolution_due, ticket.resolved_at) > 0
        target = self.sla_hours.get(ticket.kind)
        return target is not None and taken > target


def response_hours(ticket: Ticket, office: OfficeHours) -> tuple[float | None, float | None]:
    """Working hours from the request to its first answer and to its close (None: not yet)."""

    def since_request(moment: datetime | None) -> float | None:
        return None if moment is None else round(office.between(ticket.created_at, moment), 2)

    return since_request(ticket.first_answer_at), since_request(ticket.resolved_at)


def median_hours(values: list[float]) -> float | None:
    """Median of `values` rounded to 0.01 h, or None when there is none."""
    return round(statistics.median(values), 2) if values else None


# --- the workbook -------------------------------------------------------------------------


def export_log(
    session: Session,
    settings: Settings,
    path: Path,
    *,
    start: date,
    end: date,
    now: datetime | None = None,
) -> ExportReport:
    """Write the log of tickets reported `start`..`end` (WIB, inclusive) to `path` (XLSX).

    The file appears whole or not at all: it is written beside `path` and renamed.
    Returns ExportReport(path=path, rows=812, start=start, end=end).
    """
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    moment = now or datetime.now(UTC)
    summary = Summary(
        now=moment, sla_hours=dict(settings.sla.resolution_hours), office=office_of(settings.sla)
    )
    workbook = Workbook(write_only=True)
    log_sheet = workbook.create_sheet("Log Tiket")
    _start_log_sheet(log_sheet)
    rows = _write_log_rows(session, log_sheet, summary, start=start, end=end)
    log_sheet.auto_filter.ref = f"A1:{get_column_letter(len(LOG_COLUMNS))}{rows + 1}"
    _write_summary(workbook.create_sheet("Ringkasan"), summary, settings, start=start, end=end)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return ExportReport(path=path, rows=rows, start=start, end=end)


def _write_log_rows(
    session: Session, sheet: WriteOnlyWorksheet, summary: Summary, *, start: date, end: date
) -> int:
    agencies = _agency_names(session)
    answers = _answer_states(session, start=start, end=end)
    cells = _RowCells(sheet)
    rows = 0
    for ticket in _tickets(session, start=start, end=end):
        agency = agencies.get(ticket.agency_id) if ticket.agency_id is not None else None
        values = log_row(
            ticket,
            agency=agency,
            answer_states=answers.get(ticket.id or 0, ()),
            office=summary.office,
        )
        sheet.append(cells.row(values))
        summary.add(ticket)
        rows += 1
    return rows


def _tickets(session: Session, *, start: date, end: date) -> Iterator[Ticket]:
    lower, upper = period_bounds(start, end)
    query = (
        select(Ticket)
        .where(col(Ticket.created_at) >= lower, col(Ticket.created_at) < upper)
        .where(col(Ticket.spam).is_(False))  # spam is no request to report on
        .order_by(col(Ticket.created_at), col(Ticket.id))
        .execution_options(yield_per=BATCH_SIZE)
    )
    yield from session.exec(query)


def _agency_names(session: Session) -> dict[int, str]:
    rows = session.exec(select(Agency.id, Agency.name)).all()
    return {agency_id: name for agency_id, name in rows if agency_id is not None}


def _answer_states(session: Session, *, start: date, end: date) -> dict[int, list[str]]:
    """States of the resolved/rejected answers of the period's tickets, by ticket id."""
    lower, upper = period_bounds(start, end)
    # Only two small columns: the answers' raw mail would be megabytes for a month.
    query = (
        select(OutboxAnswer.ticket_id, OutboxAnswer.status)
        .join(Ticket, col(Ticket.id) == col(OutboxAnswer.ticket_id))
        .where(col(OutboxAnswer.event).in_(CONFIRMATION_EVENTS))
        .where(col(Ticket.created_at) >= lower, col(Ticket.created_at) < upper)
    )
    states: dict[int, list[str]] = {}
    for ticket_id, status in session.exec(query):
        states.setdefault(ticket_id, []).append(status)
    return states


class _RowCells:
    """One styled cell per date or long-text column, refilled for every row.

    A write-only sheet writes a row out the moment it is appended, so the same cell can
    carry the next row's value; styling 50,000 new cells a month took longer than
    writing them. Empty texts become None, which writes no cell at all.
    """

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
        self.styled: dict[int, WriteOnlyCell] = {}
        for index, (title, _) in enumerate(LOG_COLUMNS):
            if title in _DATETIMES:
                cell = WriteOnlyCell(sheet)
                cell.number_format, cell.alignment = DATETIME_FORMAT, top
            elif title in _WRAPPED:
                cell = WriteOnlyCell(sheet)
                cell.alignment = wrap
            else:
                continue
            self.styled[index] = cell

    def row(self, values: list[Any]) -> list[Any]:
        """`values` ready to append: styled cells where the column has a style."""
        cells: list[Any] = [None if value == "" else value for value in values]
        for index, cell in self.styled.items():
            if cells[index] is not None:
                cell.value = cells[index]
                cells[index] = cell
        return cells


def _print_setup(sheet: WriteOnlyWorksheet, widths: Iterable[float]) -> None:
    """Column widths and A4 landscape, one page wide; must run before the first row."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True


def _bold(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def _start_log_sheet(sheet: WriteOnlyWorksheet) -> None:
    _print_setup(sheet, (width for _, width in LOG_COLUMNS))
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.append(_bold(sheet, (title for title, _ in LOG_COLUMNS)))


def _formatted(sheet: WriteOnlyWorksheet, value: Any, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = number_format
    return cell


def _write_summary(
    sheet: WriteOnlyWorksheet, summary: Summary, settings: Settings, *, start: date, end: date
) -> None:
    _print_setup(sheet, (42, *([14] * (len(STATUSES) + 1))))
    sheet.append(_bold(sheet, [f"Ringkasan Log Tiket {settings.helpdesk.name}"]))
    sheet.append(
        [
            "Periode",
            _formatted(sheet, start, DATE_FORMAT),
            "s.d.",
            _formatted(sheet, end, DATE_FORMAT),
        ]
    )
    sheet.append(["Dibuat", _formatted(sheet, to_wib(summary.now) or summary.now, DATETIME_FORMAT)])
    sheet.append(["Jumlah tiket", summary.total])
    sheet.append([])
    _write_kind_status_table(sheet, summary)
    sheet.append([])
    sheet.append(_bold(sheet, ["Bulan pelaporan", "Jumlah"]))
    for month in sorted(summary.by_month):
        sheet.append([_formatted(sheet, month, MONTH_FORMAT), summary.by_month[month]])
    sheet.append([])
    _write_service_times(sheet, summary)


def _write_kind_status_table(sheet: WriteOnlyWorksheet, summary: Summary) -> None:
    statuses = list(STATUSES) + sorted({s for _, s in summary.by_kind_status} - set(STATUSES))
    # Every known kind is listed, even at zero, so month after month the table has one shape.
    kinds = [k for k in KIND_NAMES if k != Kind.AUTOMATIC]
    kinds += sorted({k for k, _ in summary.by_kind_status} - set(kinds))
    sheet.append(_bold(sheet, ["Jenis permintaan", *map(status_name, statuses), "Jumlah"]))
    for kind in kinds:
        counts = [summary.by_kind_status[(kind, status)] for status in statuses]
        sheet.append([kind_name(kind), *counts, sum(counts)])
    totals = [sum(summary.by_kind_status[(k, s)] for k in kinds) for s in statuses]
    sheet.append(_bold(sheet, ["Jumlah", *totals, sum(totals)]))


def _write_service_times(sheet: WriteOnlyWorksheet, summary: Summary) -> None:
    sheet.append(_bold(sheet, ["Waktu layanan", "Jam kerja", "Dari tiket"]))
    for label, values in (
        ("Median waktu sampai jawaban pertama", summary.first_answer_hours),
        ("Median waktu sampai penyelesaian", summary.resolution_hours),
    ):
        median = median_hours(values)
        shown = "-" if median is None else _formatted(sheet, median, "0.00")
        sheet.append([label, shown, len(values)])
    sheet.append([])
    sheet.append(_bold(sheet, ["Melewati batas waktu SLA", "Jumlah", "Keterangan"]))
    sheet.append([OVERDUE_OPEN, summary.overdue_open, "dihitung per waktu Dibuat di atas"])
    sheet.append([RESOLVED_LATE, summary.resolved_late, "selesai atau ditolak"])
