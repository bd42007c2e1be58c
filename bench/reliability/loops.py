"""Mail loops at full size through real Dovecot and aiosmtpd (issue 5, item 1).

Three checks, each on its own mailbox and database, with a bot that runs as `helpdesk
run` would (one Worker, `run_once()` again and again on the same connection):

- ping-pong: a naive robot answers every answer it gets, twice (a reply keeping our
  ticket number, and a brand-new message), and sends one fresh request each hour of a
  simulated day. The exchange must die out by itself, and the robot must get no more
  than `answers_per_hour` in any hour and `answers_per_day` in the day.
- flood: 50 genuine requests from one sender at once: 50 tickets, exactly
  `answers_per_hour` answers, the rest recorded as not answered, nothing lost.
- header matrix: every row of tests/test_automatic.py (the never-answer headers, parts and
  senders, and the person's mail beside them) through the whole pipeline: no machine
  gets a ticket or an answer, every person gets one of each.

Counts come from what the servers and the database hold afterwards, never from the
bot's own report. `tally()` and `mail_servers()` are shared with hostile.py.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bench.reliability.report import Row
from helpdesk.database import open_database
from helpdesk.models import AuditEntry, InboundMessage, OutboxAnswer, Ticket
from helpdesk.runner import Worker
from helpdesk.settings import Settings, load_settings
from tests.support.bot import Bot, sample, with_headers
from tests.support.servers import DovecotServer, ImapAccount, ReceivedMail, SmtpRecorder
from tests.test_answer_limits import REQUEST, ROBOT, robot_request
from tests.test_automatic import ROWS

ROBOT_ADDRESS = parseaddr(ROBOT)[1]
FLOOD_SENDER = "Pokja Pemilihan 3 <pokja3.pupr@dinas.example.go.id>"
FLOOD_SIZE = 50
# The matrix is about headers, not ceilings: its person rows share one sender.
NO_CEILINGS = {"answers_per_hour": 100_000, "answers_per_day": 100_000}
# Rounds of "bot answers, robot answers back" within one simulated hour before the
# exchange counts as endless (with the ceilings it dies out after about five).
MAX_ROUNDS_PER_HOUR = 20
ROUND_SECONDS = 60.0  # a single run_once() over a handful of messages taking longer hangs


@contextmanager
def mail_servers() -> Iterator[tuple[DovecotServer, SmtpRecorder]]:
    """A private Dovecot and a recording aiosmtpd on 127.0.0.1, stopped afterwards."""
    dovecot, smtp = DovecotServer(), SmtpRecorder()
    try:
        dovecot.start()
        smtp.start()
        yield dovecot, smtp
    finally:
        smtp.stop()
        dovecot.cleanup()


def make_bot(
    workdir: Path,
    name: str,
    dovecot: DovecotServer,
    smtp: SmtpRecorder,
    *,
    limits: dict[str, int] | None = None,
) -> Bot:
    """A bot with its own folder, IMAP user and SQLite file; `limits` go into [limits]."""
    folder = workdir / name
    folder.mkdir(parents=True)
    bot = Bot(folder, dovecot.add_user(name), smtp)
    bot.write_settings()
    if limits:
        lines = ["[limits]", *(f"{key} = {value}" for key, value in limits.items())]
        with bot.settings_path.open("a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
    return bot


@dataclass
class Found:
    """What the database and the SMTP server hold for a set of messages, per message."""

    rows: dict[str, list[InboundMessage]] = field(default_factory=dict)  # uid -> its rows
    answers_to: Counter[str] = field(default_factory=Counter)  # In-Reply-To -> answers


def tally(
    engine: Engine, account: ImapAccount, uids: Iterable[int], smtp: SmtpRecorder, row: Row
) -> Found:
    """Count one mailbox's messages `uids` against the database and the SMTP server.

    Lost: a message with no row in the database, or left unmarked on the server (it
    would be read again forever). Duplicates: more than one row for one message, or a
    ticket that no message opened. Duplicate answers: more than one answer to one message.
    The counts go into `row`; what each message got is returned for closer checks.
    """
    wanted = {str(uid) for uid in uids}
    found = Found()
    with Session(engine) as session:
        for inbound in session.exec(select(InboundMessage)).all():
            uid = inbound.location.rsplit("/", 1)[-1]
            if uid in wanted:
                found.rows.setdefault(uid, []).append(inbound)
        ticket_ids = set(session.exec(select(Ticket.id)).all())
        opened = {r.ticket_id for rows in found.rows.values() for r in rows if r.ticket_id}
        unsent = int(
            session.exec(select(func.count()).where(col(OutboxAnswer.status) != "sent")).one()
        )
    row.messages, row.tickets = len(wanted), len(ticket_ids)
    row.duplicates = sum(len(rows) - 1 for rows in found.rows.values())
    row.duplicates += len(ticket_ids - opened)
    seen = {str(m.uid) for m in account.fetch_all() if "\\Seen" in m.flags}
    row.lost = sum(1 for uid in wanted if uid not in found.rows or uid not in seen)
    found.answers_to = answers_by_cause(smtp.received)
    row.answers_sent = len(smtp.received)
    row.duplicate_answers = sum(n - 1 for n in found.answers_to.values() if n > 1)
    if unsent:
        row.problems.append(f"{unsent} answers never left the outbox")
    return found


def answers_by_cause(received: Iterable[ReceivedMail]) -> Counter[str]:
    """How many answers each message drew, by the answers' In-Reply-To: {"<id@x>": 1}."""
    return Counter(str(mail.message["In-Reply-To"] or "").strip() for mail in received)


class LiveBot:
    """One bot process's worth of state in this process: settings, database, Worker."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.settings: Settings = load_settings(bot.settings_path)
        self.engine = open_database(self.settings.database_url)
        self.worker = Worker(self.settings, self.engine)

    def run_once(self) -> tuple[int, float]:
        """One pass, as `helpdesk run` makes after each wake-up: (messages read, seconds)."""
        began = time.perf_counter()
        report = self.worker.run_once()
        return report.fetched, time.perf_counter() - began

    def close(self) -> None:
        self.worker.close()
        self.engine.dispose()


def pass_an_hour(engine: Engine) -> None:
    """Move every outbox row an hour into the past: for the per-address ceilings, which
    count outbox rows by created_at, that is an hour passing (no test sleeps)."""
    hour = timedelta(hours=1)
    with Session(engine) as session:
        for answer in session.exec(select(OutboxAnswer)).all():
            answer.created_at -= hour
            answer.next_attempt_at -= hour
            answer.give_up_at -= hour
            if answer.sent_at is not None:
                answer.sent_at -= hour
            session.add(answer)
        session.commit()


def robot_answers(answer: ReceivedMail, number: int) -> list[bytes]:
    """What the naive robot sends back to one of our answers: a reply that keeps our
    ticket number in the subject, and the same request again as a brand-new message (a
    robot that opens a thread of its own for everything it receives)."""
    subject = str(answer.message["Subject"]).strip()
    our_id = str(answer.message["Message-ID"]).strip()
    reply = with_headers(
        sample(REQUEST),
        From=ROBOT,
        Message_ID=f"<robot-re-{number}@dinas.example.go.id>",
        Subject=f"Re: {subject}",
        In_Reply_To=our_id,
        References=our_id,
    )
    fresh = with_headers(
        sample(REQUEST),
        From=ROBOT,
        Message_ID=f"<robot-new-{number}@dinas.example.go.id>",
        Subject=f"Permohonan reset password admin agency nomor {number}",
    )
    return [reply, fresh]


def ping_pong(bot: Bot, *, hours: int) -> Row:
    """The robot against the bot over `hours` simulated hours."""
    row = Row(check=f"loops: robot ping-pong, {hours} simulated hours")
    live = LiveBot(bot)
    limits = live.settings.limits
    smtp, account = bot.smtp, bot.account
    uids: list[int] = []
    per_hour: list[int] = []
    robot_number = 0
    began = time.perf_counter()
    try:
        for hour in range(hours):
            uids.append(account.append(robot_request(10_000 + hour)))  # its hourly request
            row.faults += 1
            answered_before = len(smtp.received)
            for _ in range(MAX_ROUNDS_PER_HOUR):
                seen_before = len(smtp.received)
                fetched, seconds = live.run_once()
                row.hangs += seconds > ROUND_SECONDS
                if fetched == 0:
                    break  # the exchange died out: nothing new came in
                for answer in smtp.received[seen_before:]:
                    robot_number += 1
                    for raw in robot_answers(answer, robot_number):
                        uids.append(account.append(raw))
                        row.faults += 1
            else:
                row.hangs += 1
                row.problems.append(f"hour {hour}: the exchange was still going on")
            per_hour.append(len(smtp.received) - answered_before)
            pass_an_hour(live.engine)
    except Exception as exc:  # counted, not raised: the table shows what broke
        row.crashes += 1
        row.problems.append(f"the bot raised {type(exc).__name__}: {exc}")
    finally:
        live.close()
    row.seconds = time.perf_counter() - began
    tally(live.engine, account, uids, smtp, row)
    to_robot = sum(ROBOT_ADDRESS in mail.rcpt_tos for mail in smtp.received)
    if to_robot > limits.answers_per_day:
        row.problems.append(f"the robot got {to_robot} answers, over the daily cap")
    worst = max(per_hour, default=0)
    if worst > limits.answers_per_hour:
        row.problems.append(f"{worst} answers in one hour, over the hourly cap")
    if to_robot < min(limits.answers_per_day, hours * limits.answers_per_hour):
        # Fewer answers than the caps allow means the check never reached them.
        row.problems.append(f"only {to_robot} answers: the caps were never reached")
    return row


def flood(bot: Bot, *, seed: int) -> Row:
    """FLOOD_SIZE genuine requests from one sender in the mailbox at once."""
    row = Row(check=f"loops: flood of {FLOOD_SIZE} from one sender", faults=FLOOD_SIZE)
    numbers = list(range(FLOOD_SIZE))
    random.Random(seed).shuffle(numbers)
    uids = [
        bot.account.append(
            with_headers(
                sample(REQUEST),
                From=FLOOD_SENDER,
                Message_ID=f"<flood-{n}@dinas.example.go.id>",
                Subject=f"Permohonan reset password admin agency nomor {n}",
            )
        )
        for n in numbers
    ]
    live = LiveBot(bot)
    began = time.perf_counter()
    try:
        _, seconds = live.run_once()
        row.hangs += seconds > ROUND_SECONDS * 5
        with Session(live.engine) as session:
            refused = session.exec(
                select(func.count()).where(col(AuditEntry.action) == "not_answered")
            ).one()
    except Exception as exc:
        row.crashes += 1
        row.problems.append(f"the bot raised {type(exc).__name__}: {exc}")
        refused = 0
    finally:
        live.close()
    row.seconds = time.perf_counter() - began
    tally(live.engine, bot.account, uids, bot.smtp, row)
    cap = live.settings.limits.answers_per_hour
    if row.answers_sent != cap:
        row.problems.append(f"{row.answers_sent} answers, not the hourly cap of {cap}")
    if row.tickets != FLOOD_SIZE:
        row.problems.append(f"{row.tickets} tickets for {FLOOD_SIZE} requests")
    if refused != FLOOD_SIZE - cap:
        row.problems.append(f"{refused} requests recorded as not answered, not {FLOOD_SIZE - cap}")
    return row


def matrix_mail() -> list[tuple[str, bytes, bool]]:
    """tests/test_automatic.py's rows as (id, raw, automatic), each with its own Message-ID
    where the row kept the builder's shared one (else all but one would be duplicates)."""
    rows = []
    for index, param in enumerate(ROWS):
        raw, automatic = param.values
        if not (isinstance(raw, bytes) and isinstance(automatic, bool)):
            raise TypeError(f"tests/test_automatic.py row {param.id} is not (bytes, bool)")
        unique = f"<robots-{index}@mail.gmail.com>".encode()
        rows.append((str(param.id), raw.replace(b"<CAK7xq2b1@mail.gmail.com>", unique), automatic))
    return rows


def header_matrix(bot: Bot, *, seed: int) -> Row:
    """Every row of the never-answer matrix delivered, then one run."""
    cases = matrix_mail()
    random.Random(seed).shuffle(cases)
    machines = sum(automatic for _, _, automatic in cases)
    row = Row(check=f"loops: never-answer matrix, {len(cases)} rows", faults=machines)
    by_uid = {bot.account.append(raw): (name, automatic) for name, raw, automatic in cases}
    live = LiveBot(bot)
    began = time.perf_counter()
    try:
        _, seconds = live.run_once()
        row.hangs += seconds > ROUND_SECONDS
    except Exception as exc:
        row.crashes += 1
        row.problems.append(f"the bot raised {type(exc).__name__}: {exc}")
    finally:
        live.close()
    row.seconds = time.perf_counter() - began
    found = tally(live.engine, bot.account, by_uid, bot.smtp, row)
    for uid, (name, automatic) in sorted(by_uid.items()):
        inbound = found.rows.get(str(uid), [])
        ticket = any(r.ticket_id for r in inbound)
        answers = sum(found.answers_to.get(f"<{r.message_id}>", 0) for r in inbound)
        if automatic and (ticket or answers):
            row.problems.append(f"{name}: a machine got a ticket or an answer that should not go")
        if not automatic and not (ticket and answers == 1):
            row.problems.append(f"{name}: a person got no ticket or no answer")
    return row


def run_loops(*, seed: int, quick: bool, workdir: Path) -> list[Row]:
    """Item 1 at full size (a simulated day) or bounded (--quick: six simulated hours)."""
    rows = []
    with mail_servers() as (dovecot, smtp):
        for name, check in (
            ("pingpong", lambda bot: ping_pong(bot, hours=6 if quick else 24)),
            ("flood", lambda bot: flood(bot, seed=seed)),
            ("matrix", lambda bot: header_matrix(bot, seed=seed)),
        ):
            smtp.handler.clear()
            limits = NO_CEILINGS if name == "matrix" else None
            rows.append(check(make_bot(workdir, name, dovecot, smtp, limits=limits)))
    return rows
