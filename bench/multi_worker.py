"""Several `helpdesk run` processes on one mailbox, at full size (issue 5, item 5).

Usage: python bench/multi_worker.py [--n 1000] [--minutes 10] [--workers 3]
                                    [--engine postgresql|sqlite]

Starts Dovecot, aiosmtpd and (for postgresql) a private PostgreSQL on 127.0.0.1 as the
tests do, starts the workers on one settings file, appends N requests spread over the
given minutes while they run, waits for every answer, stops them with SIGTERM, and
prints what they left: tickets, duplicates, lost, unmarked, answers, duplicate answers.
Writes bench/results/multi_worker-<engine>-n<N>.json; exits 1 when a criterion fails.
The bounded version (100 messages) is tests/test_multi_worker.py.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.bot import Bot  # noqa: E402
from tests.support.servers import DovecotServer, PostgresServer, SmtpRecorder, postgres_bindir  # noqa: E402
from tests.support.workers import FleetResult, fleet_summary, run_fleet  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="requests to append")
    parser.add_argument("--minutes", type=float, default=10.0, help="spread them over this")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--engine", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mw-"))
    dovecot, smtp = DovecotServer(), SmtpRecorder()
    postgres: PostgresServer | None = None
    try:
        dovecot.start()
        smtp.start()
        if args.engine == "postgresql":
            bindir = postgres_bindir()
            if bindir is None:
                raise SystemExit("PostgreSQL is not installed (Debian package postgresql)")
            postgres = PostgresServer(bindir)
            postgres.start()
            url = postgres.url(postgres.create_database("fleet"))
        else:
            url = f"sqlite:///{work / 'data' / 'helpdesk.sqlite3'}"
        bot = Bot(work, dovecot.add_user("fleet"), smtp)
        bot.write_settings(database_url=url, sweep_interval=15.0)
        seconds = args.minutes * 60
        result = run_fleet(
            bot, url, workers=args.workers, count=args.n, seconds=seconds, timeout=600 + seconds
        )
    finally:
        smtp.stop()
        dovecot.cleanup()
        if postgres is not None:
            postgres.cleanup()
    _report(result, args.engine)
    shutil.rmtree(work, ignore_errors=True)
    return 0 if result.ok else 1


def _report(result: FleetResult, engine: str) -> None:
    print(f"engine {engine}, {result.workers} workers, {result.messages} requests")
    print(result.table())
    for line in result.trouble[:20]:
        print("  trouble:", line)
    print("PASS" if result.ok else "FAIL")
    out = ROOT / "bench" / "results" / f"multi_worker-{engine}-n{result.messages}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    summary = fleet_summary(result) | {"engine": engine, "python": platform.python_version()}
    out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    raise SystemExit(main())
