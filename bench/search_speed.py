"""How long `tickets search` takes with 100,000 tickets in the index.

Usage: python bench/search_speed.py [--tickets N] [--postgres URL]
Target (issue 12): under 200 ms in-process for a search. Builds a temporary SQLite
database with bench/export_speed.py's tickets and indexes each one as the bot would: the
ticket's facts, one mail's text and one attachment's name (300,000 rows for 100,000
tickets), then times helpdesk.search.search for selective and common queries (median of
5 warm runs each). Prints the figures and writes bench/results/search_speed.json. No
network. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench import export_speed  # noqa: E402
from helpdesk.database import open_database  # noqa: E402
from helpdesk.search import search  # noqa: E402

TARGET_MS = 200.0
PLACES = ("Cikampek", "Rengasdengklok", "Klari", "Telukjambe", "Cilamaya", "Jatisari")
WORKS = ("jembatan", "jalan desa", "gedung puskesmas", "saluran irigasi", "sekolah dasar")
QUERIES = (
    "10054321",  # a kode tender: one ticket
    "HD-2026-005000",  # a reference
    "pokja7@karawangkab.go.id",  # a sender: 2,500 tickets
    "perubahan jadwal",  # words in every ticket
    "jembatan cikampek",  # two words of mail text
    "1005",  # the start of many codes
)


def index(engine: Engine) -> int:
    """Index every ticket as index_for_search would: facts, a mail, an attachment."""
    places, works = len(PLACES), len(WORKS)
    with Session(engine) as session:
        session.execute(
            text(
                "INSERT INTO ticketsearch (ticket_id, source, body) "
                "SELECT id, 'ticket', ref || ' ' || subject || ' ' || requester_name || ' ' "
                "|| requester_address || ' ' || coalesce(kode_tender, '') FROM ticket"
            )
        )
        rows = session.execute(text("SELECT id, kode_tender FROM ticket")).all()
        batch: list[dict[str, Any]] = []
        for ticket_id, kode in rows:
            place, work = PLACES[ticket_id % places], WORKS[ticket_id % works]
            mail = (
                f"Dengan hormat, mohon perubahan jadwal tender {kode} pembangunan {work} "
                f"di Kecamatan {place}, karena tahap upload penawaran terkendala server."
            )
            batch.append({"t": ticket_id, "s": "message", "b": mail})
            batch.append({"t": ticket_id, "s": "attachment", "b": f"Formulir {kode}.xlsx"})
            if len(batch) >= 10_000:
                _insert(session, batch)
                batch = []
        if batch:
            _insert(session, batch)
        session.commit()
        return int(session.execute(text("SELECT count(*) FROM ticketsearch")).scalar_one())


def _insert(session: Session, batch: list[dict[str, Any]]) -> None:
    session.execute(
        text("INSERT INTO ticketsearch (ticket_id, source, body) VALUES (:t, :s, :b)"), batch
    )


def timings(engine: Engine, rounds: int = 5) -> dict[str, dict[str, float]]:
    """Per query: the median in-process milliseconds and how many tickets it showed."""
    found: dict[str, dict[str, float]] = {}
    with Session(engine) as session:
        for query in QUERIES:
            search(session, query)  # warm
            spent = []
            for _ in range(rounds):
                began = time.perf_counter()
                hits = search(session, query)
                spent.append((time.perf_counter() - began) * 1000)
            found[query] = {"median_ms": round(statistics.median(spent), 1), "hits": len(hits)}
    return found


def measure(tickets: int, url: str | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(url or f"sqlite:///{folder}/bench.sqlite3")
        began = time.perf_counter()
        export_speed.build(engine, tickets=tickets, in_month=min(10_000, tickets))
        rows = index(engine)
        built = time.perf_counter() - began
        result = timings(engine)
        engine.dispose()
    slowest = max(item["median_ms"] for item in result.values())
    return {
        "database": "postgresql" if url else "sqlite",
        "tickets": tickets,
        "index_rows": rows,
        "build_seconds": round(built, 1),
        "queries": result,
        "slowest_median_ms": slowest,
        "target_ms": TARGET_MS,
        "met": slowest < TARGET_MS,
        "python": platform.python_version(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--postgres", metavar="URL", help="an empty PostgreSQL database")
    args = parser.parse_args()
    result = measure(args.tickets, args.postgres)
    print(json.dumps(result, indent=2))
    name = "search_speed-postgresql.json" if args.postgres else "search_speed.json"
    out = ROOT / "bench" / "results" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
