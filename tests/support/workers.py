"""Several `helpdesk run` processes on one mailbox and one database, and what they left.

`run_fleet()` starts the workers (one settings file, as systemd instances would share),
appends the requests while they run, waits until every answer reached the SMTP server,
stops them with SIGTERM, and counts from the database, the mailbox and the SMTP server:
FleetResult(messages=100, tickets=100, duplicate_tickets=0, lost=0, answers=100, ...).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from helpdesk.database import create_db_engine
from helpdesk.models import InboundMessage, OutboxAnswer, Ticket
from tests.support.bot import Bot, sample, stop_watching, wait_until, with_headers

# Requests that each open a ticket and get one answer.
REQUEST_SAMPLES = (
    "11-schedule-change-complete-xlsx.eml",
    "19-problem-no-form-terse.eml",
    "36-data-request-complete.eml",
    "39-other-vendor-registration-question.eml",
    "02-forensic-minutes-missing.eml",
)
_TROUBLE = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback")


def request(number: int) -> bytes:
    """Request `number`: its own Message-ID and sender (so no per-address cap applies)."""
    raw = sample(REQUEST_SAMPLES[number % len(REQUEST_SAMPLES)])
    return with_headers(
        raw,
        Message_ID=f"<fleet-{number}@pokja.example.go.id>",
        From=f"Pokja {number} <pokja{number}@dinas.example.go.id>",
    )


@dataclass
class FleetResult:
    """What several workers left behind; `ok` is the pass criterion."""

    workers: int
    messages: int
    seconds: float
    tickets: int = 0
    duplicate_tickets: int = 0  # messages that got more than one ticket row
    lost: int = 0  # messages without a ticket
    unmarked: int = 0  # messages still unflagged on the server
    answers: int = 0  # answers the SMTP server received
    duplicate_answers: int = 0  # answers to the same message received more than once
    unanswered: int = 0  # tickets without an answer at the SMTP server
    exit_codes: list[int] = field(default_factory=list)
    trouble: list[str] = field(default_factory=list)  # ERROR lines and tracebacks
    outcomes: list[dict[str, int]] = field(default_factory=list)  # per worker, from its log
    races: int = 0  # messages whose commit lost to another worker's on the unique key

    @property
    def ok(self) -> bool:
        clean = not (self.duplicate_tickets or self.lost or self.unmarked or self.trouble)
        answered = self.duplicate_answers == 0 and self.unanswered == 0
        stopped = all(code == 0 for code in self.exit_codes)
        return clean and answered and stopped and self.tickets == self.messages

    def table(self) -> str:
        rows = {
            k: v for k, v in vars(self).items() if k not in ("trouble", "outcomes", "exit_codes")
        }
        rows |= {"exit_codes": self.exit_codes, "outcomes per worker": self.outcomes}
        rows["trouble lines"] = len(self.trouble)
        return "\n".join(f"{name:>22}  {value}" for name, value in rows.items())


def run_fleet(
    bot: Bot,
    database_url: str,
    *,
    workers: int,
    count: int,
    seconds: float = 10.0,
    timeout: float = 180.0,
) -> FleetResult:
    """Start `workers` runs, append `count` requests over `seconds`, wait, stop, count."""
    logs = [bot.folder / f"worker-{n}.log" for n in range(workers)]
    processes = [bot.watch(log) for log in logs]
    started = time.monotonic()
    try:
        # Up means its first sweep is done and it waits for mail (IDLE).
        up = wait_until(lambda: all("run:" in _read(log) for log in logs), timeout=60)
        if not up:
            raise AssertionError("workers did not start:\n" + "\n".join(map(_read, logs)))
        _append_over(bot, count, seconds)
        smtp = bot.smtp
        wait_until(lambda: len(smtp.received) >= count and _unmarked(bot) == 0, timeout=timeout)
    finally:
        codes = [stop_watching(process)[0] for process in processes]
    result = FleetResult(workers, count, round(time.monotonic() - started, 1), exit_codes=codes)
    _count_database(result, database_url)
    _count_answers(result, bot)
    result.unmarked = _unmarked(bot)
    for log in logs:
        text = _read(log)
        result.trouble += [line for line in text.splitlines() if _TROUBLE.search(line)]
        result.outcomes.append(_outcomes(text))
        result.races += text.count("was stored by another worker")
    return result


def _append_over(bot: Bot, count: int, seconds: float) -> None:
    """APPEND the requests one by one, spread evenly over `seconds`."""
    begin = time.monotonic()
    with bot.account.client() as client:
        for number in range(count):
            client.append("INBOX", request(number))
            pause = begin + seconds * (number + 1) / count - time.monotonic()
            if pause > 0:
                time.sleep(pause)


def _unmarked(bot: Bot) -> int:
    return sum("\\Seen" not in message.flags for message in bot.account.fetch_all())


def _count_database(result: FleetResult, database_url: str) -> None:
    engine = create_db_engine(database_url, read_only=True)
    try:
        with Session(engine) as session:
            rows = session.exec(select(InboundMessage.message_id, InboundMessage.ticket_id)).all()
            result.tickets = int(session.exec(select(func.count()).select_from(Ticket)).one())
            pending = session.exec(
                select(func.count()).where(col(OutboxAnswer.status) != "sent")
            ).one()
    finally:
        engine.dispose()
    per_message = Counter(message_id for message_id, _ in rows)
    with_ticket = {message_id for message_id, ticket_id in rows if ticket_id is not None}
    expected = {f"fleet-{n}@pokja.example.go.id" for n in range(result.messages)}
    result.duplicate_tickets = sum(n - 1 for n in per_message.values() if n > 1)
    result.lost = len(expected - with_ticket)
    result.unanswered = int(pending)


def _count_answers(result: FleetResult, bot: Bot) -> None:
    replies = Counter(parseaddr(str(mail.message["In-Reply-To"]))[1] for mail in bot.smtp.received)
    result.answers = sum(replies.values())
    result.duplicate_answers = sum(n - 1 for n in replies.values() if n > 1)
    expected = {f"fleet-{n}@pokja.example.go.id" for n in range(result.messages)}
    result.unanswered = max(result.unanswered, len(expected - set(replies)))


_RUN_LINE = re.compile(r"run: (\d+) messages read \(([^)]*)\)")


def _outcomes(text: str) -> dict[str, int]:
    """Sum of a worker's outcomes over its runs, from its log: {"ticket": 40, "duplicate": 3}."""
    total: Counter[str] = Counter()
    for match in _RUN_LINE.finditer(text):
        for part in match.group(2).split(", "):
            name, _, number = part.rpartition(" ")
            if number.isdigit():
                total[name] += int(number)
    return dict(total)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def fleet_summary(result: FleetResult) -> dict[str, Any]:
    """The result as JSON-ready data, for bench/results."""
    return vars(result) | {"ok": result.ok}
