"""The reliability checks of issue 5 in one command, with one table.

Usage: python3 bench/reliability [--quick] [--seed N] [--postgres URL]
                                 [--only loops,chaos,hostile] [--out FILE]

Starts its own Dovecot and aiosmtpd on 127.0.0.1 (as the tests do; nothing else on the
network) and runs, at full size unless --quick:

- loops (item 1): a naive robot ping-ponging with the bot over a simulated day, a flood
  of 50 requests from one sender, the never-answer header matrix (loops.py);
- chaos (item 2): the bot under SIGKILLs, Dovecot restarts, an SMTP outage and a
  poison message (chaos.py); --postgres runs it on that PostgreSQL database;
- hostile (item 4): every hostile case of the tests through a real `helpdesk run
  --once`, then a fuzz pass (hostile.py).

Prints one Markdown table and writes bench/results/reliability.json (--quick:
reliability-quick.json) with the rows, the machine and the date. Exit code 0 only
when every row passed. Each check works in its own folder under a temporary directory,
kept (and named) when a row failed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _reexec_in_venv() -> None:
    """`python3 bench/reliability` from a fresh clone: the system Python lacks the
    project's packages, while the README's test command installs them into .venv."""
    try:
        import aiosmtpd  # noqa: F401
        import hypothesis  # noqa: F401
        import sqlmodel  # noqa: F401
    except ImportError:
        venv_python = ROOT / ".venv" / "bin" / "python"
        if venv_python.exists() and Path(sys.executable).resolve() != venv_python.resolve():
            os.execv(str(venv_python), [str(venv_python), *sys.argv])
        raise


if __name__ == "__main__":
    _reexec_in_venv()
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

from bench.reliability.report import Row, table  # noqa: E402
from tests.support.servers import DOVECOT  # noqa: E402

CHECKS = ("loops", "chaos", "hostile")
# --quick: what CI can afford on a slow two-core machine; the full sizes are issue 5's.
CHAOS_FULL = {"messages": 500, "kills": 100, "dovecot_restarts": 10}
CHAOS_QUICK = {"messages": 40, "kills": 8, "dovecot_restarts": 2}  # as its CI test


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python3 bench/reliability", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="bounded sizes (what CI runs)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=None,
        help="run chaos on this PostgreSQL database (loops and hostile use a SQLite file each)",
    )
    parser.add_argument(
        "--only", default=",".join(CHECKS), help="comma-separated subset of: " + ", ".join(CHECKS)
    )
    parser.add_argument("--out", type=Path, default=None, help="where to write the JSON")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(CHECKS))
    if unknown or not args.only:
        parser.error(f"--only takes {', '.join(CHECKS)}; not {', '.join(unknown) or 'nothing'}")
    return args


def _chaos(args: argparse.Namespace, workdir: Path, notes: dict[str, Any]) -> list[Row]:
    # Imported here: the chaos check lives in its own module and needs nothing above.
    from bench.reliability.chaos import run_chaos

    sizes = CHAOS_QUICK if args.quick else CHAOS_FULL
    notes["chaos"] = sizes | {"database": "postgresql" if args.postgres else "sqlite"}
    return [run_chaos(**sizes, seed=args.seed, workdir=workdir, database_url=args.postgres)]


def _loops(args: argparse.Namespace, workdir: Path, notes: dict[str, Any]) -> list[Row]:
    from bench.reliability.loops import run_loops

    return run_loops(seed=args.seed, quick=args.quick, workdir=workdir)


def _hostile(args: argparse.Namespace, workdir: Path, notes: dict[str, Any]) -> list[Row]:
    from bench.reliability.hostile import run_hostile

    notes["hostile"] = {}
    return run_hostile(seed=args.seed, quick=args.quick, workdir=workdir, notes=notes["hostile"])


RUNNERS: dict[str, Callable[[argparse.Namespace, Path, dict[str, Any]], list[Row]]] = {
    "loops": _loops,
    "chaos": _chaos,
    "hostile": _hostile,
}


def run_checks(args: argparse.Namespace, workdir: Path) -> tuple[list[Row], dict[str, Any]]:
    """Every chosen check in its own folder; a check that raises becomes a failed row."""
    rows: list[Row] = []
    notes: dict[str, Any] = {}
    for name in CHECKS:
        if name not in args.only:
            continue
        began = time.perf_counter()
        print(f"{name}: running ...", file=sys.stderr, flush=True)
        try:
            found = RUNNERS[name](args, workdir / name, notes)
        except Exception as exc:  # the table says which check broke, the others still run
            traceback.print_exc()
            found = [Row(check=name, crashes=1, problems=[f"{type(exc).__name__}: {exc}"])]
        for row in found:
            print(table([row]).splitlines()[2], file=sys.stderr, flush=True)
        print(f"{name}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
        rows += found
    return rows, notes


def write_result(
    path: Path, args: argparse.Namespace, rows: list[Row], notes: dict[str, Any], seconds: float
) -> None:
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "seed": args.seed,
        "checks": args.only,
        "database": "postgresql" if args.postgres else "sqlite",
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "seconds": round(seconds),
        "passed": all(row.passed for row in rows),
        "rows": [row.as_json() for row in rows],
        "notes": notes,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if not DOVECOT.exists():
        print(f"Dovecot is not installed ({DOVECOT}): `bash tests/run.sh` installs it.")
        return 2
    # The checks parse hostile mail in this process too; the libraries' own complaints
    # about it are verdicts, not news (the CLI quiets the same loggers).
    for noisy in ("pypdf", "openpyxl", "docx", "mailparser"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    began = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="rel-"))
    rows, notes = run_checks(args, workdir)
    seconds = time.perf_counter() - began
    print(table(rows))
    print(f"\nwhole run: {seconds:.0f} s")
    name = "reliability-quick.json" if args.quick else "reliability.json"
    out = args.out or ROOT / "bench" / "results" / name
    write_result(out, args, rows, notes, seconds)
    print(f"written to {out}")
    if all(row.passed for row in rows):
        shutil.rmtree(workdir, ignore_errors=True)
        return 0
    print(f"the checks' folders (bots' logs and databases) are kept in {workdir}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
