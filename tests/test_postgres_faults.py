"""Several workers and staff on one PostgreSQL, and PostgreSQL going away mid-transaction.

Racing workers never answer one address past its ceiling; a follow-up and a staff action
on the same ticket at once both survive; a PostgreSQL restart in the middle of a
message's transaction leaves no IMAP flag and no ticket, and the next run handles the
message once. Each race is held open at its worst point until the other side is either
through (no lock: the fault shows) or waiting for a lock (the fix at work).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpdesk import pipeline, staff
from helpdesk.act import Act, queue_reply, record_ticket
from helpdesk.answer_limits import answer_refusal
from helpdesk.database import create_db_engine, open_database
from helpdesk.errors import DatabaseUnavailableError
from helpdesk.mailbox import RawMessage
from helpdesk.mailbox.cursors import DatabaseCursorStore
from helpdesk.mailbox.imap import ImapMailbox
from helpdesk.message_ids import load_secret
from helpdesk.models import AuditEntry, InboundMessage, OutboxAnswer, Ticket
from helpdesk.outbox import queue_answer
from helpdesk.pipeline import ActStep
from helpdesk.runner import Worker
from helpdesk.settings import LimitsSection, Settings, load_settings, settings_from_dict
from helpdesk.storage import sha256_hex
from helpdesk.tickets import get_ticket
from tests.support.bot import Bot, sample, wait_until, with_headers
from tests.support.desk import Helpdesk
from tests.support.servers import ImapAccount, PostgresServer, SmtpRecorder


@pytest.fixture
def watcher(postgres_url: str) -> Iterator[Engine]:
    """A separate engine that looks at the test database's locks."""
    engine = create_db_engine(postgres_url)
    yield engine
    engine.dispose()


def lock_waiters(watcher: Engine) -> int:
    """Sessions of the test database waiting for a lock now (row, transaction or advisory)."""
    query = text(
        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE NOT l.granted AND a.datname = current_database()"
    )
    with watcher.connect() as connection:
        return int(connection.execute(query).scalar_one())


def hold_until(condition: Callable[[], bool]) -> None:
    """Keep the caller's transaction open until `condition` (a racer through, or waiting)."""
    if not wait_until(condition, timeout=60):
        raise AssertionError("the other side of the race neither finished nor waited")


def with_step(step: ActStep, *, after: ActStep) -> tuple[ActStep, ...]:
    """pipeline.ACT with `step` run right after the step `after`."""
    steps = list(pipeline.ACT)
    steps.insert(steps.index(after) + 1, step)
    return tuple(steps)


# --- the answer ceilings --------------------------------------------------------------

RACERS = 5
CEILING = 2
ROBOT = "robot@dinas.example.go.id"


def test_racing_workers_never_answer_one_address_past_its_ceiling(
    postgres_url: str, watcher: Engine
) -> None:
    engine = open_database(postgres_url)
    with Session(engine) as session:
        session.add(Ticket(ref="HD-2026-00001", kind="other"))
        session.commit()
    limits = LimitsSection(answers_per_hour=CEILING, answers_per_day=10 * CEILING)
    settings = settings_from_dict({})
    start = threading.Barrier(RACERS)
    counted: list[int] = []

    def racer(number: int) -> bool:
        """One worker's transaction: count the address's answers, then queue one if allowed."""
        with Session(engine) as session:
            ticket = get_ticket(session, "HD-2026-00001")
            start.wait()
            # Spelled differently by each racer: the ceiling is per address, not per spelling.
            address = ROBOT.upper() if number % 2 else ROBOT
            refusal = answer_refusal(session, limits, address)
            counted.append(number)
            hold_until(lambda: len(counted) + lock_waiters(watcher) >= RACERS)
            if refusal is None:
                queue_answer(
                    session,
                    settings,
                    ticket=ticket,
                    event="received",
                    cause_message_id=None,
                    recipient=address,
                    subject="[HD-2026-00001]",
                    message_id=f"race-{number}@karawangkab.go.id",
                    raw=b"Subject: [HD-2026-00001]\r\n\r\nOK\r\n",
                )
            session.commit()
            return refusal is None

    with ThreadPoolExecutor(RACERS) as pool:
        answered = list(pool.map(racer, range(RACERS)))

    with Session(engine) as session:
        queued = session.exec(select(func.count()).select_from(OutboxAnswer)).one()
    engine.dispose()
    assert answered.count(True) == CEILING
    assert queued == CEILING


# --- a follow-up and a staff action on one ticket ---------------------------------------

NO_DOCUMENTS = "03-forensic-terlampir-no-attachment.eml"  # forensic test, nothing attached
WITH_DOCUMENTS = "01-forensic-complete-xlsx-pdf-rhs.eml"  # form, minutes and .rhs
REQUESTER = "Yayan Sopyan <yayan_sopyan76@yahoo.co.id>"


def awaiting_documents(desk: Helpdesk) -> str:
    """A forensic test waiting for its documents, and their follow-up in the mailbox: its ref."""
    desk.receive(sample(NO_DOCUMENTS))
    desk.run_once()
    [ticket] = desk.tickets()
    assert ticket["status"] == "awaiting_documents"
    desk.receive(
        with_headers(
            sample(WITH_DOCUMENTS),
            From=REQUESTER,
            Subject=f"Re: [{ticket['ref']}] Uji Forensik Paket Pengadaan Bed Pasien RSUD",
            In_Reply_To=str(desk.answers()[0]["Message-ID"]).strip(),
        )
    )
    return str(ticket["ref"])


@contextmanager
def staff_action(desk: Helpdesk, action: str, ref: str) -> Iterator[None]:
    """Do `action` on `ref` in one transaction, committed when the block ends."""
    secret = load_secret(desk.settings.helpdesk.secret, desk.settings.helpdesk.data_dir)
    who = staff.Staff("Dedi", desk.settings, secret)
    with Session(desk.engine) as session:
        if action == "reject":
            staff.reject(session, who, ref, reason="Paket dibatalkan")
        else:
            staff.reopen(session, who, ref)
        yield
        session.commit()


# Staff's action on its audit trail, and the status it leaves whichever side went first.
AFTER_BOTH = {"reject": ("rejected", "rejected"), "reopen": ("reopened", "in_progress")}


@pytest.mark.parametrize("first", ["follow_up", "staff"])
@pytest.mark.parametrize("action", ["reject", "reopen"])
def test_follow_up_and_staff_action_at_once_both_survive(
    action: str,
    first: str,
    tmp_path: Path,
    postgres_url: str,
    watcher: Engine,
) -> None:
    desk = Helpdesk(tmp_path, database={"url": postgres_url})
    ref = awaiting_documents(desk)
    if action == "reopen":  # rejected before the documents came; reopened as they come
        with staff_action(desk, "reject", ref):
            pass
    other = "staff" if first == "follow_up" else "follow_up"
    has_read = threading.Event()  # the first side read the ticket and holds its transaction
    done = {"follow_up": threading.Event(), "staff": threading.Event()}

    def hold() -> None:
        has_read.set()
        hold_until(lambda: done[other].is_set() or lock_waiters(watcher) > 0)

    def follow_up() -> None:
        """The bot joins the follow-up: its documents complete the ticket."""
        if first == "staff":
            has_read.wait(60)
        steps = pipeline.ACT
        if first == "follow_up":  # it holds right after reading (and joining) the ticket
            steps = with_step(lambda _: hold(), after=record_ticket)
        worker = Worker(desk.settings, desk.engine, processes=0, act_steps=steps)
        try:
            worker.run_once()
        finally:
            worker.close()
            done["follow_up"].set()

    def staff_meanwhile() -> None:
        if first == "follow_up":
            has_read.wait(60)
        with staff_action(desk, action, ref):
            if first == "staff":
                hold()
        done["staff"].set()

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(follow_up), pool.submit(staff_meanwhile)]:
            future.result()

    audited, status = AFTER_BOTH[action]
    [ticket] = desk.tickets()
    assert ticket["complete"] and ticket["missing"] == []  # the follow-up's documents counted
    assert ticket["status"] == status  # and staff's action, taken on the ticket as it was
    with Session(desk.engine) as session:
        actions = session.exec(select(AuditEntry.action).order_by(col(AuditEntry.id))).all()
    assert {"followup", audited} <= set(actions)


# --- PostgreSQL going away while a message is handled -----------------------------------

REQUEST = "11-schedule-change-complete-xlsx.eml"


class CommittedOnlyMailbox(ImapMailbox):
    """The real IMAP mailbox, noting every message marked without a committed ticket."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        super().__init__(settings.imap, DatabaseCursorStore(engine))
        self.settings, self.engine = settings, engine
        self.marked_uncommitted: list[str] = []

    def mark_processed(self, message: RawMessage) -> None:
        if not self._has_ticket(message):
            self.marked_uncommitted.append(message.location)
        super().mark_processed(message)

    def _has_ticket(self, message: RawMessage) -> bool:
        query = select(InboundMessage.ticket_id).where(
            InboundMessage.raw_sha256 == sha256_hex(message.data)
        )
        try:
            with Session(self.engine) as session:
                return session.exec(query).first() is not None
        except Exception:  # the database is away: nothing can be committed
            return False


@pytest.fixture
def mailbox(
    tmp_path: Path,
    imap_account: ImapAccount,
    smtp_server: SmtpRecorder,
    sent_mail: list[EmailMessage],
    postgres_url: str,
) -> Iterator[CommittedOnlyMailbox]:
    """The settings `helpdesk run` would read (IMAP, SMTP, PostgreSQL), on a checking mailbox."""
    bot = Bot(tmp_path, imap_account, smtp_server)
    bot.write_settings(database_url=postgres_url, sweep_interval=0.5)
    settings = load_settings(bot.settings_path)
    engine = open_database(settings.database_url)
    yield CommittedOnlyMailbox(settings, engine)
    engine.dispose()


@pytest.fixture
def worker(mailbox: CommittedOnlyMailbox) -> Iterator[Worker]:
    """The bot's worker in this process, parsing too, so a test can reach into its steps."""
    made = Worker(mailbox.settings, mailbox.engine, mailbox_factory=lambda: mailbox, processes=0)
    yield made
    made.close()


def seen(account: ImapAccount) -> list[bool]:
    return ["\\Seen" in message.flags for message in account.fetch_all()]


def tickets_and_messages(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        tickets = session.exec(select(func.count()).select_from(Ticket)).one()
        messages = session.exec(select(func.count()).select_from(InboundMessage)).one()
    return int(tickets), int(messages)


@pytest.mark.servers
@pytest.mark.parametrize("after", [record_ticket, queue_reply], ids=["mid_act", "at_commit"])
def test_postgresql_restart_mid_transaction_leaves_no_flag_and_no_ticket(
    after: ActStep,
    worker: Worker,
    mailbox: CommittedOnlyMailbox,
    imap_account: ImapAccount,
    sent_mail: list[EmailMessage],
    postgres_server: PostgresServer,
) -> None:
    imap_account.append(sample(REQUEST))
    restarts: list[str] = []

    def restart_once(act: Act) -> None:
        if not restarts:
            restarts.append(act.raw.location)
            postgres_server.restart()  # this transaction's connection is now dead

    worker.pipeline = replace(worker.pipeline, act_steps=with_step(restart_once, after=after))

    with pytest.raises(DatabaseUnavailableError):
        worker.run_once()

    assert restarts and seen(imap_account) == [False]
    assert tickets_and_messages(worker.engine) == (0, 0)
    assert sent_mail == []

    worker.close_mailbox()  # what run_forever does after a database error, before retrying
    worker.run_once()
    worker.run_once()  # nothing new: no second ticket, no second answer

    assert tickets_and_messages(worker.engine) == (1, 1)
    assert seen(imap_account) == [True] and mailbox.marked_uncommitted == []
    assert len(sent_mail) == 1


@pytest.mark.servers
def test_watching_worker_waits_out_a_stopped_postgresql_then_answers_once(
    worker: Worker,
    mailbox: CommittedOnlyMailbox,
    imap_account: ImapAccount,
    sent_mail: list[EmailMessage],
    postgres_server: PostgresServer,
) -> None:
    imap_account.append(sample(REQUEST))
    stopped = threading.Event()

    def stop_once(_: Act) -> None:
        if not stopped.is_set():
            postgres_server.stop()  # fast shutdown: this transaction is rolled back
            stopped.set()

    worker.pipeline = replace(worker.pipeline, act_steps=with_step(stop_once, after=record_ticket))
    failures: list[Exception] = []

    def watch() -> None:
        try:
            worker.run_forever()
        except Exception as exc:  # the test thread reports it
            failures.append(exc)

    thread = threading.Thread(target=watch, name="watching-worker")
    thread.start()
    try:
        assert stopped.wait(60)
        assert seen(imap_account) == [False]  # the database is down: nothing committed
        postgres_server.start()
        assert wait_until(lambda: len(sent_mail) == 1 and seen(imap_account) == [True])
    finally:
        postgres_server.start()
        worker.stop_requested.set()
        thread.join(timeout=60)

    assert not thread.is_alive() and failures == []
    assert tickets_and_messages(worker.engine) == (1, 1)
    assert mailbox.marked_uncommitted == []
    worker.run_once()
    assert len(sent_mail) == 1
