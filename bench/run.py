"""The helpdesk's speed against the bare fetch-and-parse baseline, in one run (issue 6).

Usage: python bench/run.py [--n 2000] [--quick] [--seed 6] [--tickets 100000]

Starts Dovecot and aiosmtpd on 127.0.0.1 as the tests do, delivers a deterministic
corpus into INBOX, then measures (a) a bare imapclient fetch plus a mail-parser parse of
every message, (b) `helpdesk run --once` over the same mail until every answer reached
the SMTP server, (c) APPEND-to-answer latency with `helpdesk run` watching, (d) memory
for one message with a 25 MB attachment and (e) `tickets list`, `tickets show` and
`export` with 100,000 tickets. Prints one table; writes bench/results/bench-nN.json.
A benchmark, not a test: targets are checked here and never in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import mailparser  # noqa: E402
from imapclient import IMAPClient  # noqa: E402

from bench import corpus  # noqa: E402
from bench.measure import Measured, run_measured  # noqa: E402
from tests.support.bot import Bot  # noqa: E402
from tests.support.servers import DovecotServer, ImapAccount, SmtpRecorder  # noqa: E402

FETCH_BATCH = 100
LATENCY_MESSAGES = 50
TARGETS = {
    "ratio": 1.5,
    "latency_p95_ms": 800.0,
    "rss_mb": 200.0,
    "list_show_ms": 200.0,
    "export_s": 10.0,
    "search_ms": 200.0,
}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("HELPDESK_SETTINGS", None)
    return env


def _bot(work: Path, name: str, account: ImapAccount, smtp: SmtpRecorder) -> Bot:
    folder = work / name
    folder.mkdir()
    bot = Bot(folder, account, smtp)
    bot.write_settings()
    return bot


def _wait(condition: Callable[[], bool], timeout: float, step: float = 0.005) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def deliver(server: DovecotServer, user: str, messages: Any) -> int:
    """Write the corpus into the user's INBOX (Maildir new/); returns its bytes."""
    home = server.dir / "home" / user
    owner = home.stat()
    return corpus.write_maildir(home / "Maildir", messages, uid=owner.st_uid, gid=owner.st_gid)


# --- (a) the baseline -------------------------------------------------------------------


def baseline(account: ImapAccount) -> dict[str, Any]:
    """A bare client: UID FETCH BODY.PEEK[] in batches of 100, then mail-parser on each."""
    fetch = parse = 0.0
    count = size = 0
    client = IMAPClient(account.host, port=account.port, ssl=False, timeout=60)
    client._imap.debug = 0  # imaplib would format every literal it receives
    try:
        client.login(account.user, account.password)
        client.select_folder("INBOX", readonly=True)
        uids = client.search("ALL")
        for start in range(0, len(uids), FETCH_BATCH):
            began = time.perf_counter()
            response = client.fetch(uids[start : start + FETCH_BATCH], ["BODY.PEEK[]"])
            fetch += time.perf_counter() - began
            began = time.perf_counter()
            for item in response.values():
                mailparser.parse_from_bytes(item[b"BODY[]"])
                size += len(item[b"BODY[]"])
                count += 1
            parse += time.perf_counter() - began
            del response
    finally:
        client.logout()
    return {
        "messages": count,
        "bytes": size,
        "fetch_s": round(fetch, 2),
        "parse_s": round(parse, 2),
        "total_s": round(fetch + parse, 2),
    }


# --- (b) the bot over the backlog --------------------------------------------------------


def _outbox(bot: Bot) -> dict[str, int]:
    with sqlite3.connect(bot.folder / "data" / "helpdesk.sqlite3") as db:
        rows = db.execute("SELECT status, count(*) FROM outboxanswer GROUP BY status").fetchall()
    return {status: count for status, count in rows}


def run_once(bot: Bot) -> tuple[Measured, dict[str, int]]:
    """`helpdesk run --once` as a subprocess; its figures and the outbox by status."""
    bot.smtp.handler.clear()
    measured = run_measured(bot.command("run", "--once"), cwd=bot.folder, env=_env())
    if measured.returncode != 0:
        raise RuntimeError(f"run --once exited {measured.returncode}:\n{measured.stderr[-3000:]}")
    return measured, _outbox(bot)


def backlog(bot: Bot, messages: int, base: dict[str, Any]) -> dict[str, Any]:
    measured, outbox = run_once(bot)
    unseen = _unseen(bot.account)
    return {
        "wall_s": round(measured.seconds, 2),
        "messages_per_s": round(messages / measured.seconds, 1),
        "ratio_to_baseline": round(measured.seconds / base["total_s"], 2),
        "peak_rss_mb": round(measured.peak_rss_mb, 1),
        "tree_pss_mb": round(measured.tree_pss_mb, 1),
        "answers_at_smtp": len(bot.smtp.received),
        "outbox": outbox,
        "left_unseen": unseen,
        "stdout": measured.stdout.strip(),
    }


def _unseen(account: ImapAccount) -> int:
    with account.client() as client:
        client.select_folder("INBOX", readonly=True)
        return len(client.search("UNSEEN"))


# --- (c) latency -------------------------------------------------------------------------


def latency(bot: Bot, count: int, seed: int) -> dict[str, Any]:
    """APPEND one small request at a time; the time until its answer reaches SMTP."""
    smtp = bot.smtp
    smtp.handler.clear()
    process = bot.watch()
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr or []), daemon=True)
    reader.start()
    rng = random.Random(seed)
    timings: list[float] = []
    try:
        if not _wait(lambda: any("run:" in line for line in lines), 60, 0.05):
            raise RuntimeError("`helpdesk run` did not finish its first sweep:\n" + "".join(lines))
        for index in range(count):
            message = corpus.build_message(
                index,
                request=corpus.REQUESTS[index % 3],
                size=0,
                rng=rng,
                sent=datetime.now(UTC),
                tag="latency",
            )
            time.sleep(0.3)  # the bot is back in IDLE, as it is between real requests
            before = len(smtp.received)
            began = time.perf_counter()
            bot.account.append(message.raw)
            if not _wait(lambda b=before: len(smtp.received) > b, 30):  # type: ignore[misc]
                raise RuntimeError(f"no answer to latency message {index} within 30 s")
            timings.append((time.perf_counter() - began) * 1000)
    finally:
        process.terminate()
        process.wait(timeout=60)
    timings.sort()
    return {
        "messages": len(timings),
        "p50_ms": round(statistics.median(timings)),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))]),
        "max_ms": round(timings[-1]),
    }


# --- (d) one huge attachment -------------------------------------------------------------


def huge(bot: Bot, server: DovecotServer) -> dict[str, Any]:
    rng = random.Random(25)
    message = corpus.build_message(
        0,
        request=corpus.REQUESTS[0],
        size=25 * corpus.MB,
        rng=rng,
        sent=datetime(2026, 3, 2, 8, tzinfo=UTC),
        tag="huge",
    )
    deliver(server, bot.account.user, iter([message]))
    measured, outbox = run_once(bot)
    return {
        "message_mb": round(len(message.raw) / corpus.MB, 1),
        "wall_s": round(measured.seconds, 2),
        "peak_rss_mb": round(measured.peak_rss_mb, 1),
        "tree_pss_mb": round(measured.tree_pss_mb, 1),
        "answers_at_smtp": len(bot.smtp.received),
    }


# --- (e) the queue with 100,000 tickets ---------------------------------------------------


def _timed_cli(bot: Bot, args: list[str], rounds: int = 5) -> dict[str, float]:
    """The command in this process (median of warm runs) and as a fresh subprocess."""
    from click.testing import CliRunner

    from helpdesk.cli import cli

    runner = CliRunner()
    argv = ["--settings", str(bot.settings_path), *args]
    timings = []
    for _ in range(rounds + 1):
        began = time.perf_counter()
        result = runner.invoke(cli, argv, catch_exceptions=False)
        timings.append((time.perf_counter() - began) * 1000)
        if result.exit_code != 0:
            raise RuntimeError(f"{args} exited {result.exit_code}: {result.output[-2000:]}")
    measured = run_measured(bot.command(*args), cwd=bot.folder, env=_env())
    return {
        "in_process_ms": round(statistics.median(timings[1:]), 1),
        "subprocess_ms": round(measured.seconds * 1000),
        "output_lines": len(result.output.splitlines()),
    }


def queue(bot: Bot, tickets: int) -> dict[str, Any]:
    from bench import export_speed, search_speed
    from helpdesk.database import open_database

    url = f"sqlite:///{bot.folder / 'data' / 'helpdesk.sqlite3'}"
    engine = open_database(url)
    began = time.perf_counter()
    export_speed.build(engine, tickets=tickets, in_month=min(10_000, tickets))
    search_speed.index(engine)
    built = time.perf_counter() - began
    searched = search_speed.timings(engine)
    engine.dispose()
    cwd = os.getcwd()
    os.chdir(bot.folder)  # the settings' data_dir is relative to the settings file
    try:
        listed = _timed_cli(
            bot, ["tickets", "list", "--status", "awaiting_documents", "--kind", "forensic_test"]
        )
        everything = _timed_cli(bot, ["tickets", "list"])
        shown = _timed_cli(bot, ["tickets", "show", "HD-2026-005000"])
        export = _timed_cli(
            bot, ["export", "log.xlsx", "--from", "2026-03-01", "--to", "2026-03-31"], rounds=1
        )
    finally:
        os.chdir(cwd)
    return {
        "tickets": tickets,
        "build_s": round(built, 1),
        "list_status_kind": listed,
        "list_all": everything,
        "show": shown,
        "export_month": export,
        "search": searched,
        "search_slowest_ms": max(item["median_ms"] for item in searched.values()),
    }


# --- the table ---------------------------------------------------------------------------


def _row(name: str, value: str, target: str, met: bool | None) -> str:
    mark = "" if met is None else ("yes" if met else "NO")
    return f"{name:44} {value:>22}  {target:>10}  {mark}"


def table(result: dict[str, Any]) -> str:
    a, b, c, d, e = (result[k] for k in ("baseline", "run_once", "latency", "huge", "queue"))
    t = TARGETS
    lines = [
        f"{'figure':44} {'value':>22}  {'target':>10}  met",
        "-" * 86,
        _row("(a) baseline fetch + parse", f"{a['fetch_s']} + {a['parse_s']} s", "", None),
        _row("(b) run --once wall time", f"{b['wall_s']} s", "", None),
        _row("(b) messages/s", f"{b['messages_per_s']}", "", None),
        _row("(b)/(a)", f"{b['ratio_to_baseline']}", f"<= {t['ratio']}", None),
        _row(
            "(b) peak RSS: largest process / tree PSS",
            f"{b['peak_rss_mb']} / {b['tree_pss_mb']} MB",
            f"< {t['rss_mb']:.0f} MB",
            None,
        ),
        _row("(b) answers at SMTP / outbox", f"{b['answers_at_smtp']} / {b['outbox']}", "", None),
        _row("(c) latency p50 / p95", f"{c['p50_ms']} / {c['p95_ms']} ms", "< 800 ms", None),
        _row(
            "(d) 25 MB attachment: largest / tree PSS",
            f"{d['peak_rss_mb']} / {d['tree_pss_mb']} MB",
            f"< {t['rss_mb']:.0f} MB",
            None,
        ),
    ]
    for label, key in (
        ("(e) tickets list --status --kind", "list_status_kind"),
        ("(e) tickets list (no filter)", "list_all"),
        ("(e) tickets show", "show"),
    ):
        item = e[key]
        value = f"{item['in_process_ms']} ms ({item['subprocess_ms']} ms cold)"
        lines.append(_row(label, value, "< 200 ms", None))
    item = e["export_month"]
    value = f"{item['in_process_ms'] / 1000:.1f} s ({item['subprocess_ms'] / 1000:.1f} s cold)"
    lines.append(_row("(e) export one month (10,000 rows)", value, "< 10 s", None))
    slowest = f"{e['search_slowest_ms']} ms ({len(e['search'])} queries)"
    lines.append(_row("(e) tickets search, slowest query", slowest, "< 200 ms", None))
    return "\n".join(_mark(line, result["met"]) for line in lines)


def _mark(line: str, met: dict[str, bool]) -> str:
    keys = {
        "(b)/(a)": "ratio",
        "(b) peak RSS": "rss_run",
        "(c) latency": "latency",
        "(d) 25 MB": "rss_huge",
        "(e) tickets list --status": "list",
        "(e) tickets list (no": "list_all",
        "(e) tickets show": "show",
        "(e) export": "export",
        "(e) tickets search": "search",
    }
    for prefix, key in keys.items():
        if line.startswith(prefix):
            return line + ("yes" if met[key] else "NO")
    return line


def targets_met(result: dict[str, Any]) -> dict[str, bool]:
    b, d, e, t = result["run_once"], result["huge"], result["queue"], TARGETS
    return {
        "ratio": b["ratio_to_baseline"] <= t["ratio"],
        "rss_run": b["tree_pss_mb"] < t["rss_mb"],
        "latency": result["latency"]["p95_ms"] < t["latency_p95_ms"],
        "rss_huge": d["tree_pss_mb"] < t["rss_mb"],
        "list": e["list_status_kind"]["in_process_ms"] < t["list_show_ms"],
        "list_all": e["list_all"]["in_process_ms"] < t["list_show_ms"],
        "show": e["show"]["in_process_ms"] < t["list_show_ms"],
        "export": e["export_month"]["in_process_ms"] / 1000 < t["export_s"],
        "search": e["search_slowest_ms"] < t["search_ms"],
        "all_answered": b["answers_at_smtp"] == sum(b["outbox"].values()) and not b["left_unseen"],
    }


# --- main --------------------------------------------------------------------------------


def measure(n: int, seed: int, tickets: int, latency_count: int) -> dict[str, Any]:
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="hd-bench-"))
    server, smtp = DovecotServer(), SmtpRecorder()
    server.start()
    smtp.start()
    try:
        account = server.add_user("backlog")
        began = time.perf_counter()
        size = deliver(server, "backlog", corpus.generate(n, seed))
        print(
            f"corpus: {n} messages, {size / corpus.MB:.0f} MB, {time.perf_counter() - began:.0f} s",
            file=sys.stderr,
        )
        result: dict[str, Any] = {"n": n, "seed": seed, "corpus_mb": round(size / corpus.MB)}
        result["baseline"] = baseline(account)
        print(f"(a) {result['baseline']}", file=sys.stderr)
        result["run_once"] = backlog(_bot(work, "backlog", account, smtp), n, result["baseline"])
        print(f"(b) {result['run_once']}", file=sys.stderr)
        watch = _bot(work, "latency", server.add_user("latency"), smtp)
        result["latency"] = latency(watch, latency_count, seed)
        print(f"(c) {result['latency']}", file=sys.stderr)
        result["huge"] = huge(_bot(work, "huge", server.add_user("huge"), smtp), server)
        print(f"(d) {result['huge']}", file=sys.stderr)
        result["queue"] = queue(_bot(work, "queue", server.add_user("queue"), smtp), tickets)
        print(f"(e) {result['queue']}", file=sys.stderr)
    finally:
        smtp.stop()
        server.cleanup()
    result["met"] = targets_met(result)
    result["total_s"] = round(time.perf_counter() - started)
    result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="messages in the backlog")
    parser.add_argument("--quick", action="store_true", help="200 messages, 20 for latency")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--tickets", type=int, default=100_000)
    args = parser.parse_args()
    n = 200 if args.quick else args.n
    result = measure(n, args.seed, args.tickets, 20 if args.quick else LATENCY_MESSAGES)
    print(table(result))
    print(f"whole run: {result['total_s']} s")
    out = ROOT / "bench" / "results" / f"bench-n{n}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    return 0 if all(result["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
