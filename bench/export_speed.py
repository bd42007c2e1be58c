"""How long `helpdesk export` takes for a busy month: 10,000 of 100,000 tickets.

Usage: python bench/export_speed.py [--tickets N] [--in-month M]
Target (the monthly-log issue): under 10 s for a month of 10,000 tickets. Builds a
temporary SQLite database (tickets, agencies, closing answers with realistic raw mail),
times `export_log` for March 2026, prints the figures and writes
bench/results/export_speed.json. No network. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from helpdesk.database import open_database  # noqa: E402
from helpdesk.export import export_log, period_bounds  # noqa: E402
from helpdesk.models import Agency, OutboxAnswer, Ticket  # noqa: E402
from helpdesk.settings import Settings  # noqa: E402

START, END = date(2026, 3, 1), date(2026, 3, 31)
TARGET_SECONDS = 10.0
KINDS = ("problem_report", "forensic_test", "password_reset", "admin_replacement", "other")
STATUSES = ("new", "awaiting_documents", "in_progress", "resolved", "resolved", "rejected")
RAW_ANSWER = b"x" * 4_000  # an answer's raw mail; the export must never load it


def _ticket(number: int, created: datetime) -> dict[str, Any]:
    status = STATUSES[number % len(STATUSES)]
    closed = status in ("resolved", "rejected")
    return {
        "ref": f"HD-{created.year}-{number:06d}",
        "kind": KINDS[number % len(KINDS)],
        "status": status,
        "schedule_change": number % 7 == 0,
        "holds_credentials": number % 7 == 0,
        "requester_name": f"Pokja Pemilihan {number % 40}",
        "requester_address": f"pokja{number % 40}@karawangkab.go.id",
        "subject": f"Perubahan jadwal tender {10_000_000 + number} password: Rahasia{number}",
        "kode_tender": str(10_000_000 + number),
        "missing": '["problem_form"]' if status == "awaiting_documents" else "[]",
        "fields": '{"nama_paket": "Pembangunan Jalan Desa"}',
        "agency_id": number % 50 + 1,
        "assignee": "Rina" if number % 2 else None,
        "resolution_note": "Jadwal sudah diubah sesuai permohonan." if closed else "",
        "first_answer_at": created + timedelta(minutes=5),
        "resolved_at": created + timedelta(hours=number % 90) if closed else None,
        "created_at": created,
        "updated_at": created,
    }


def build(engine: Engine, *, tickets: int, in_month: int) -> None:
    """Spread `in_month` tickets over March 2026 and the rest over the year before it."""
    lower, upper = period_bounds(START, END)
    in_step = (upper - lower) / in_month
    before = lower - timedelta(days=365)
    out_step = (lower - before) / max(tickets - in_month, 1)
    with Session(engine) as session:
        session.execute(
            insert(Agency), [{"id": n, "name": f"Dinas Nomor {n}"} for n in range(1, 51)]
        )
        batch: list[dict[str, Any]] = []
        for number in range(1, tickets + 1):
            if number <= in_month:
                created = lower + in_step * (number - 1)
            else:
                created = before + out_step * (number - in_month - 1)
            batch.append(_ticket(number, created))
            if len(batch) == 5000:
                session.execute(insert(Ticket), batch)
                batch = []
        if batch:
            session.execute(insert(Ticket), batch)
        session.execute(insert(OutboxAnswer), [_answer(n) for n in range(1, tickets + 1, 2)])
        session.commit()


def _answer(ticket_id: int) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "event": "resolved",
        "status": "sent" if ticket_id % 3 else "pending",
        "recipient": "pokja@karawangkab.go.id",
        "message_id": f"<bench.{ticket_id}@karawangkab.go.id>",
        "raw": RAW_ANSWER,
        "next_attempt_at": datetime(2026, 3, 1, tzinfo=UTC),
        "give_up_at": datetime(2026, 3, 3, tzinfo=UTC),
        "created_at": datetime(2026, 3, 1, tzinfo=UTC),
    }


def measure(tickets: int, in_month: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(f"sqlite:///{folder}/bench.sqlite3")
        started = time.perf_counter()
        build(engine, tickets=tickets, in_month=in_month)
        built = time.perf_counter() - started
        target = Path(folder) / "log.xlsx"
        with Session(engine) as session:
            started = time.perf_counter()
            report = export_log(session, Settings(), target, start=START, end=END)
            seconds = time.perf_counter() - started
        size = target.stat().st_size
        engine.dispose()
    return {
        "tickets_in_database": tickets,
        "rows_exported": report.rows,
        "period": f"{START} to {END}",
        "export_seconds": round(seconds, 2),
        "rows_per_second": round(report.rows / seconds),
        "file_bytes": size,
        "build_seconds": round(built, 2),
        "target_seconds": TARGET_SECONDS,
        "python": platform.python_version(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--in-month", type=int, default=10_000)
    args = parser.parse_args()
    result = measure(args.tickets, min(args.in_month, args.tickets))
    for key, value in result.items():
        print(f"{key:20} {value}")
    out = ROOT / "bench" / "results" / "export_speed.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    return 0 if float(str(result["export_seconds"])) < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
