"""What several workers rely on, on SQLite and on PostgreSQL.

The same mail gives the same tickets on both engines; racing senders send each answer
once; workers starting together on a new database migrate it once; a PostgreSQL restart
in the middle of a transaction is an error to retry, after which the same engine works.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

import helpdesk.outbox as outbox
from helpdesk.database import create_db_engine, is_transient_error, open_database
from helpdesk.models import OutboxAnswer, Ticket
from helpdesk.settings import Settings, settings_from_dict
from helpdesk.transport import SmtpTransport
from tests.support.bot import SAMPLES
from tests.support.desk import Helpdesk
from tests.support.servers import PostgresServer, SmtpRecorder

ANSWERS = 40


def _smtp_settings(smtp_server: SmtpRecorder) -> Settings:
    smtp = {"transport": "smtp", "host": smtp_server.host, "port": smtp_server.port}
    return settings_from_dict({"smtp": smtp | {"security": "none", "timeout": 10.0}})


def _queue_answers(url: str, count: int) -> None:
    """`count` tickets, each with one pending answer, as the pipeline leaves them."""
    engine = open_database(url)
    with Session(engine) as session:
        for number in range(1, count + 1):
            ticket = Ticket(ref=f"HD-2026-{number:05d}", kind="other")
            session.add(ticket)
            session.flush()
            message_id = f"HD-2026-{number:05d}.test@karawangkab.go.id"
            raw = (
                f"From: lpse@karawangkab.go.id\r\nTo: pokja@example.go.id\r\n"
                f"Message-ID: <{message_id}>\r\nSubject: [HD-2026-{number:05d}]\r\n\r\nOK\r\n"
            ).encode()
            session.add(
                OutboxAnswer(
                    ticket_id=ticket.id or 0,
                    event="received",
                    recipient="pokja@example.go.id",
                    message_id=message_id,
                    raw=raw,
                )
            )
        session.commit()
    engine.dispose()


def test_racing_senders_send_each_answer_once(
    db_url: str, smtp_server: SmtpRecorder, sent_mail: list[EmailMessage]
) -> None:
    _queue_answers(db_url, ANSWERS)
    settings = _smtp_settings(smtp_server)
    start = threading.Barrier(3)

    def sender(_: int) -> int:
        engine = create_db_engine(db_url)  # one engine per sender, as one per process
        start.wait()
        sent = 0
        for _ in range(3):  # come back for more, as a worker's loop does
            sent += outbox.send_due(engine, settings).sent
        engine.dispose()
        return sent

    with ThreadPoolExecutor(3) as pool:
        counts = list(pool.map(sender, range(3)))

    ids = Counter(str(m["Message-ID"]) for m in sent_mail)
    assert sum(counts) == ANSWERS
    assert len(ids) == ANSWERS and set(ids.values()) == {1}
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        statuses = Counter(session.exec(select(OutboxAnswer.status)).all())
        claimed = session.exec(
            select(func.count()).where(OutboxAnswer.claimed_until.is_not(None))  # type: ignore[union-attr]
        ).one()
    assert statuses == {"sent": ANSWERS}
    assert claimed == 0  # every claim released


def test_same_mail_gives_the_same_tickets_on_both_engines(
    tmp_path: Path, postgres_url: str
) -> None:
    def outcome(folder: Path, database: dict[str, str]) -> tuple[list[tuple[Any, ...]], int]:
        folder.mkdir()
        desk = Helpdesk(folder, **({"database": database} if database else {}))
        for sample in sorted(SAMPLES.glob("*.eml")):
            desk.receive(sample.read_bytes())
        desk.run_once()
        desk.run_once()  # nothing new: nothing changes
        tickets = [
            (t["ref"], t["kind"], t["status"], t["complete"], t["missing"], t["needs_staff"])
            for t in desk.tickets()
        ]
        return sorted(tickets), len(desk.answers())

    on_sqlite = outcome(tmp_path / "sqlite", {})
    on_postgres = outcome(tmp_path / "postgres", {"url": postgres_url})

    assert on_postgres == on_sqlite
    assert len(on_sqlite[0]) > 30


def _open_and_report(url: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    engine = open_database(url)
    with engine.connect() as connection:
        queue.put(connection.execute(text("SELECT version_num FROM alembic_version")).scalar())


def test_workers_starting_together_migrate_a_new_database_once(postgres_url: str) -> None:
    # Processes, as real workers are: Alembic's op and context are process-wide.
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_open_and_report, args=(postgres_url, queue)) for _ in range(3)]
    for worker in workers:
        worker.start()
    versions = {queue.get(timeout=120) for _ in workers}
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    assert len(versions) == 1


def test_restart_mid_transaction_is_transient_and_the_engine_recovers(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    engine = open_database(postgres_url)
    with Session(engine) as session:
        session.add(Ticket(ref="HD-2026-00001", kind="other"))
        session.commit()

    with Session(engine) as session, pytest.raises(OperationalError) as raised:
        session.add(Ticket(ref="HD-2026-00002", kind="other"))
        session.flush()
        postgres_server.restart()
        session.commit()

    assert is_transient_error(raised.value)
    with Session(engine) as session:  # pool_pre_ping replaced the dead connection
        assert session.exec(select(Ticket.ref)).all() == ["HD-2026-00001"]


def test_sent_answer_is_recorded_even_if_the_database_restarts_meanwhile(
    postgres_server: PostgresServer,
    postgres_url: str,
    smtp_server: SmtpRecorder,
    sent_mail: list[EmailMessage],
) -> None:
    _queue_answers(postgres_url, 1)
    engine = create_db_engine(postgres_url)
    settings = _smtp_settings(smtp_server)

    def lose_the_database() -> None:
        postgres_server.stop()
        threading.Timer(1.5, postgres_server.start).start()

    class SendThenLoseTheDatabase(SmtpTransport):
        def send(self, *args: Any, **kwargs: Any) -> None:
            super().send(*args, **kwargs)
            lose_the_database()

    smtp = SendThenLoseTheDatabase(settings.smtp, settings.helpdesk.address)
    report = outbox.send_due(engine, settings, transport=smtp)

    assert report.sent == 1 and len(sent_mail) == 1
    with Session(engine) as session:
        row = session.exec(select(OutboxAnswer)).one()
    assert (row.status, row.claimed_until) == ("sent", None)
    assert outbox.send_due(engine, _smtp_settings(smtp_server), all_pending=True).sent == 0


def test_locked_sqlite_and_lost_connections_are_transient() -> None:
    locked = OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))
    missing = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: ticket"))
    assert is_transient_error(locked)
    assert not is_transient_error(missing)
    assert not is_transient_error(ValueError("not a database error"))
