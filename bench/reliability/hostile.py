"""Hostile mail at full size through a real `helpdesk run --once` (issue 5, item 4).

Every hostile case the tests cover (tests/test_hostile_mail.py, test_hostile_files.py,
test_hostile_names.py, built with tests/support/files.py) is APPENDed to Dovecot, each with its
own Message-ID and sender, and one `helpdesk run --once` subprocess handles them all.
Then, from the database, the mailbox and the SMTP server:

- each case ended as exactly one message row: a ticket flagged for staff with a
  quarantine entry (mail that cannot be parsed), or a ticket whose attachment carries
  the expected refusal, or an ordinary ticket (odd but readable mail);
- each drew at most one answer, and attachment names are clean display text while the
  files on disk are named by their SHA-256 only;
- the bot exited 0, no worker process died, and no Traceback reached its log;
- no message took over 5 s: the bot handles messages one at a time in UID order and
  logs each, so the gap between a message's log line and the one before is its
  handling time (fetch included); the same bytes are also parsed and decided alone in
  this process and timed, which covers the first message too;
- the process tree stayed under MEMORY_LIMIT_MB (largest process, kernel's ru_maxrss).

Then a fuzz pass: tests/test_fuzz.py's strategies ("raw bytes -> decision") for a
bounded number of examples; every input must end as a Decision or a MessageParseError
within 5 s.
"""

from __future__ import annotations

import base64
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from sqlmodel import Session, select

from bench.measure import Measured, run_measured
from bench.reliability.loops import Found, mail_servers, make_bot, tally
from bench.reliability.report import Row
from helpdesk.database import create_db_engine
from helpdesk.errors import MessageParseError
from helpdesk.models import QuarantineEntry, StoredAttachment
from helpdesk.pipeline import check_bytes, prepare
from helpdesk.settings import Settings
from parsers.names import MAX_NAME_CHARS
from tests import test_hostile_files, test_hostile_mail, test_hostile_names
from tests.support import files
from tests.support.bot import ROOT, Bot
from tests.test_fuzz import HANG_SECONDS, Hang, hard_stop, mutated_mail

SECONDS = 5.0  # the longest one message may take
# The bot's workers may each reserve 1 GiB of address space (helpdesk/prepare_pool.py);
# the largest process, the writer holding a 41 MB message and its parse, must stay well
# under that. Measured on the two-core development machine: 458 to 474 MB.
MEMORY_LIMIT_MB = 800.0
RUN_TIMEOUT = 600  # the whole `run --once`; past it the bot is killed and counted as a hang
FLAGGED = "flagged"  # cannot be parsed: a ticket for staff and a quarantine entry
TICKET = "ticket"  # read normally: a ticket, no error
ANY_PROBLEM = "any problem"  # a ticket whose attachment is refused, whatever the code
# Where "../../../../tmp/pwned.pdf" would land if a name from a mail ever became a path.
ESCAPED = Path("/tmp/pwned.pdf")


@dataclass(frozen=True)
class Case:
    name: str
    raw: bytes
    expect: str  # FLAGGED, TICKET, ANY_PROBLEM or the attachment's problem code


def _bidi_program() -> bytes:
    # As test_bidi_disguised_program_is_still_refused builds it: "Formulir<RLO>fdp.exe".
    encoded = base64.b64encode("Formulir\u202efdp.exe".encode())
    return files.mail_with_attachment("", files.windows_exe(), raw_name=b"=?utf-8?B?%s?=" % encoded)


def _bad_base64_attachment() -> bytes:
    # As test_bad_base64_attachment_is_refused_not_fatal builds it.
    return files.mail_with_attachment("BA.pdf", b"").replace(
        b"Content-Transfer-Encoding: base64\r\n\r\n",
        b"Content-Transfer-Encoding: base64\r\n\r\n@@!!",
    )


def _hostile_names() -> list[bytes]:
    """The raw attachment names test_verdict_names_from_hostile_mail_are_clean uses."""
    test = test_hostile_names.test_verdict_names_from_hostile_mail_are_clean
    [mark] = [m for m in test.pytestmark if m.name == "parametrize"]  # type: ignore[attr-defined]
    return list(mark.args[1])


def hostile_cases() -> list[Case]:
    """Every hostile case of the test suite, at the tests' own (full) sizes."""
    cases = [Case(k, build(), FLAGGED) for k, build in test_hostile_mail.REFUSED.items()]
    cases += [Case(k, raw, TICKET) for k, raw in test_hostile_mail.READ.items()]
    cases += [
        Case(k, files.mail_with_attachment(name, build()), code)
        for k, (name, build, code) in test_hostile_files.REFUSED.items()
    ]
    cases += [
        Case(
            f"attachment name {name[:40]!r}",
            files.mail_with_attachment("", files.pdf("x"), raw_name=name),
            TICKET,
        )
        for name in _hostile_names()
    ]
    cases += [
        Case("bidi-disguised program", _bidi_program(), "dangerous"),
        Case("bad base64 attachment", _bad_base64_attachment(), ANY_PROBLEM),
        Case(
            "XLSX with a lying dimension",
            files.mail_with_attachment("Form.xlsx", files.xlsx_lying_dimension(5_000)),
            TICKET,
        ),
        Case(
            "boundaries inside base64",
            files.mail_with_attachment("catatan.txt", b"--b\r\n" * 2000),
            TICKET,
        ),
    ]
    return [_own_identity(case, number) for number, case in enumerate(cases)]


def _own_identity(case: Case, number: int) -> Case:
    """The case with its own Message-ID and sender: tests/support/files.py gives every mail the
    same ones, which would make all but the first a duplicate and hit the per-sender cap."""
    raw = case.raw.replace(
        b"Message-ID: <hostile@karawangkab.go.id>",
        b"Message-ID: <hostile-%d@karawangkab.go.id>" % number,
        1,
    ).replace(
        b"From: Budi <budi@karawangkab.go.id>",
        b"From: Budi <budi.%d@karawangkab.go.id>" % number,
        1,
    )
    return Case(case.name, raw, case.expect)


# --- the bot's log ------------------------------------------------------------------------

_HANDLED = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \w+ [\w.]+: message (\S+?):? (?:flagged|\S+ ->)",
    re.M,
)
_CRASH = re.compile(r"Traceback|a worker process died|kills the process that reads it")
_ERROR = re.compile(r"^\S+ \S+ (ERROR|CRITICAL) ", re.M)


def handling_seconds(log: str) -> dict[str, float]:
    """Per UID, the seconds since the previous message was handled, from the bot's log:
    {"17": 0.12}. The first message handled has no gap and is left out."""
    gaps: dict[str, float] = {}
    previous: datetime | None = None
    for stamp, location in _HANDLED.findall(log):
        moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f")
        if previous is not None:
            gaps[location.rsplit("/", 1)[-1]] = (moment - previous).total_seconds()
        previous = moment
    return gaps


def timed_prepare(raw: bytes, settings_: Settings) -> float:
    """Seconds parse and DECIDE take for `raw` alone in this process (HANG_SECONDS at most)."""
    began = time.perf_counter()
    try:
        with hard_stop(HANG_SECONDS):
            prepare(raw, settings_)
    except Hang:
        pass
    return time.perf_counter() - began


# --- checking the cases ---------------------------------------------------------------------

_BLOB = re.compile(r"^(mail|attachments)/[0-9a-f]{2}/[0-9a-f]{64}(\.[A-Za-z0-9]{1,10})?$")
_DATA_FILES = re.compile(r"^(helpdesk\.sqlite3(-wal|-shm)?|secret\.key)$")


def _clean_name(name: str) -> bool:
    unsafe = "/" in name or "\\" in name or ".." in name or "\u202e" in name
    return bool(name) and len(name) <= MAX_NAME_CHARS and name.isprintable() and not unsafe


@dataclass
class Verdicts:
    """Per-case findings, one line each."""

    problems: list[str] = field(default_factory=list)

    def check(self, ok: bool, line: str) -> None:
        if not ok:
            self.problems.append(line)


def check_cases(bot: Bot, by_uid: dict[int, Case], found: Found) -> list[str]:
    """What each case ended as, against what it should have; one line per case that differs."""
    engine = create_db_engine(_database_url(bot), read_only=True)
    problems = []
    try:
        with Session(engine) as session:
            quarantined = {q.location for q in session.exec(select(QuarantineEntry)).all()}
            for uid, case in sorted(by_uid.items()):
                rows = found.rows.get(str(uid), [])
                if len(rows) != 1:
                    continue  # counted as lost or duplicate already
                [inbound] = rows
                stored = session.exec(
                    select(StoredAttachment).where(StoredAttachment.message_row_id == inbound.id)
                ).all()
                verdicts = Verdicts()
                answers = found.answers_to.get(f"<{inbound.message_id}>", 0)
                verdicts.check(answers <= 1, f"{answers} answers")
                verdicts.check(inbound.ticket_id is not None, "no ticket")
                _check_expected(
                    verdicts, case, inbound.error, inbound.location in quarantined, stored
                )
                _check_stored(verdicts, stored)
                if verdicts.problems:
                    more = len(verdicts.problems) - 1
                    extra = f" (and {more} more)" if more else ""
                    problems.append(f"{case.name}: {verdicts.problems[0]}{extra}")
    finally:
        engine.dispose()
    return problems + _stray_files(bot)


def _check_stored(verdicts: Verdicts, stored: list[StoredAttachment]) -> None:
    """Names are display text only; bytes on disk are named by their hash (members of an
    archive are listed under their archive's name and not stored apart)."""
    for item in stored:
        parts = item.filename.split("/") if item.container else [item.filename]
        verdicts.check(all(map(_clean_name, parts)), f"name {item.filename!r}")
        if item.stored_path or not item.container:
            verdicts.check(bool(_BLOB.match(item.stored_path)), f"stored at {item.stored_path!r}")


def _check_expected(
    verdicts: Verdicts, case: Case, error: str, quarantined: bool, stored: list[StoredAttachment]
) -> None:
    codes = [item.problem_code for item in stored]
    if case.expect == FLAGGED:
        verdicts.check(bool(error) and quarantined, "not flagged and quarantined")
        return
    verdicts.check(not error, f"flagged ({error[:80]})")
    if case.expect == ANY_PROBLEM:
        verdicts.check(any(codes), "attachment not refused")
    elif case.expect != TICKET:
        verdicts.check(case.expect in codes, f"attachment {codes[:4]}, not {case.expect}")


def _stray_files(bot: Bot) -> list[str]:
    """Files the bot wrote anywhere but where it should: names from a mail never reach disk."""
    data = bot.folder / "data"
    stray = [
        path.relative_to(data).as_posix()
        for path in data.rglob("*")
        if path.is_file()
        and not _BLOB.match(path.relative_to(data).as_posix())
        and not _DATA_FILES.match(path.relative_to(data).as_posix())
    ]
    expected_outside = {"settings.toml", ".bench.out", ".bench.err"}
    stray += [
        p.name for p in bot.folder.iterdir() if p.is_file() and p.name not in expected_outside
    ]
    return [f"a file the bot should not have written: {name}" for name in stray[:10]]


def _database_url(bot: Bot) -> str:
    return f"sqlite:///{bot.folder / 'data' / 'helpdesk.sqlite3'}"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("HELPDESK_SETTINGS", None)
    return env


def run_bot(bot: Bot) -> Measured:
    """`helpdesk run --once` as a subprocess under a hard timeout; its time and memory."""
    argv = ["timeout", "-s", "KILL", str(RUN_TIMEOUT), *bot.command("run", "--once")]
    return run_measured(argv, cwd=bot.folder, env=_env())


def hostile_mail(bot: Bot, *, order_seed: int, notes: dict[str, Any]) -> Row:
    """Every case in the mailbox at once, one real `run --once`, then the checks; the
    memory and timing figures go into `notes`."""
    cases = hostile_cases()
    random.Random(order_seed).shuffle(cases)
    row = Row(check=f"hostile mail: {len(cases)} cases, one `run --once`", faults=len(cases))
    by_uid = {bot.account.append(case.raw): case for case in cases}
    bot.smtp.handler.clear()
    escaped_before = ESCAPED.exists()
    began = time.perf_counter()
    measured = run_bot(bot)
    row.seconds = time.perf_counter() - began
    log = measured.stderr
    if measured.returncode != 0 and measured.seconds >= RUN_TIMEOUT:
        row.hangs += 1
        row.problems.append(f"`run --once` still running after {RUN_TIMEOUT} s: killed")
    elif measured.returncode != 0:
        row.crashes += 1
        row.problems.append(f"`run --once` exited {measured.returncode}: {log[-300:]!r}")
    row.crashes += len(_CRASH.findall(log))
    if not escaped_before and ESCAPED.exists():
        row.problems.append(f"{ESCAPED} was written: an attachment name reached the disk")
    engine = create_db_engine(_database_url(bot), read_only=True)
    try:
        found = tally(engine, bot.account, by_uid, bot.smtp, row)
    finally:
        engine.dispose()
    row.problems += check_cases(bot, by_uid, found)
    errors = [line for line in log.splitlines() if _ERROR.match(line)]
    row.problems += [f"bot log: {line[:200]}" for line in errors[:10]]
    gaps = handling_seconds(log)
    plain = Settings()
    timings = []
    for uid, case in by_uid.items():
        alone = timed_prepare(case.raw, plain)
        longest = max(gaps.get(str(uid), 0.0), alone)
        timings.append((round(longest, 2), round(alone, 2), case.name))
        if longest > SECONDS:
            row.hangs += 1
            row.problems.append(f"{case.name}: {longest:.1f} s (alone {alone:.1f} s)")
    if measured.peak_rss_mb > MEMORY_LIMIT_MB:
        row.problems.append(
            f"peak RSS {measured.peak_rss_mb:.0f} MB, over {MEMORY_LIMIT_MB:.0f} MB"
        )
    notes.update(
        peak_rss_mb=round(measured.peak_rss_mb),
        tree_pss_mb=round(measured.tree_pss_mb),
        slowest=[f"{name}: {t} s in the bot, {a} s alone" for t, a, name in sorted(timings)[-3:]],
        memory_limit_mb=MEMORY_LIMIT_MB,
    )
    return row


# --- fuzz -------------------------------------------------------------------------------------


@dataclass
class FuzzCount:
    examples: int = 0
    decisions: int = 0
    parse_errors: int = 0
    crashes: list[str] = field(default_factory=list)
    slow: list[float] = field(default_factory=list)
    longest: float = 0.0


def _fuzz_one(raw: bytes, count: FuzzCount, settings_: Settings) -> None:
    count.examples += 1
    began = time.perf_counter()
    try:
        with hard_stop(HANG_SECONDS):
            check_bytes(raw, settings_)
        count.decisions += 1
    except MessageParseError:
        count.parse_errors += 1
    except Hang:
        pass  # counted below as slow
    except Exception as exc:  # any other exception is what the fuzz pass looks for
        count.crashes.append(f"{type(exc).__name__}: {exc}"[:200] + f" (input {raw[:60]!r})")
    seconds = time.perf_counter() - began
    count.longest = max(count.longest, seconds)
    if seconds > SECONDS:
        count.slow.append(seconds)


def fuzz(*, examples: int, seed: int, notes: dict[str, Any] | None = None) -> Row:
    """tests/test_fuzz.py's mutated sample mail (`examples`) and random bytes (a quarter
    as many) through check_bytes; every example counted, none stops the pass. How they
    ended goes into `notes`."""
    count = FuzzCount()
    plain = Settings()
    began = time.perf_counter()
    for strategy, many in ((mutated_mail(), examples), (st.binary(max_size=4096), examples // 4)):
        run: Callable[[bytes], None] = lambda raw: _fuzz_one(raw, count, plain)  # noqa: E731
        runner = settings(
            max_examples=many,
            deadline=None,  # timed by _fuzz_one, which never raises: all examples run
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(given(strategy)(run))
        hypothesis_seed(seed)(runner)()
    row = Row(
        check=f"hostile fuzz: {count.examples} mutated and random inputs",
        faults=count.examples,
        messages=count.examples,
        crashes=len(count.crashes),
        hangs=len(count.slow),
        seconds=time.perf_counter() - began,
    )
    row.problems += count.crashes[:10]
    row.problems += [f"an input took {s:.1f} s" for s in count.slow[:10]]
    if count.decisions + count.parse_errors + len(count.crashes) + len(count.slow) < count.examples:
        row.problems.append("some inputs ended neither as a decision nor as a parse error")
    if notes is not None:
        notes["fuzz"] = {
            "decisions": count.decisions,
            "parse_errors": count.parse_errors,
            "slowest_s": round(count.longest, 2),
        }
    return row


def run_hostile(
    *, seed: int, quick: bool, workdir: Path, notes: dict[str, Any] | None = None
) -> list[Row]:
    """Item 4: every hostile case through the real bot, then the fuzz pass (2,000
    mutated mails and 500 random byte strings; --quick: 200 and 50). The bot's peak
    memory and slowest message go into `notes`."""
    notes = {} if notes is None else notes
    with mail_servers() as (dovecot, smtp):
        bot = make_bot(workdir, "hostile", dovecot, smtp)
        mail_row = hostile_mail(bot, order_seed=seed, notes=notes)
    return [mail_row, fuzz(examples=200 if quick else 2_000, seed=seed, notes=notes)]
