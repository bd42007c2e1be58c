"""Tries at a message: a dead worker's try counts, a live one's is left alone."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from helpdesk.attempts import (
    DIED,
    Attempt,
    begin_attempt,
    end_attempts,
    fail_attempt,
    release_attempt,
    worker_identity,
)
from helpdesk.database import open_database
from helpdesk.models import MessageAttempt, utcnow

KEY = "<permohonan-1@dinkes.karawangkab.go.id>"


def _engine(db_url: str) -> Engine:
    return open_database(db_url)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: the pid names no process now
    return child.pid


def test_a_try_that_failed_is_counted_with_its_error(db_url: str) -> None:
    engine, me = _engine(db_url), worker_identity()
    assert begin_attempt(engine, me, KEY, "INBOX/1/7") == Attempt(1, "")
    fail_attempt(engine, KEY, "RuntimeError: a bug in a step")
    assert begin_attempt(engine, me, KEY, "INBOX/1/7") == Attempt(
        2, "RuntimeError: a bug in a step"
    )


def test_another_live_worker_on_the_message_is_left_alone(db_url: str) -> None:
    engine = _engine(db_url)
    assert begin_attempt(engine, worker_identity(), KEY, "INBOX/1/7") is not None
    assert begin_attempt(engine, worker_identity(), KEY, "INBOX/1/7") is None


def test_a_worker_that_died_on_the_message_counts_as_a_failed_try(db_url: str) -> None:
    engine = _engine(db_url)
    dead = f"{socket.gethostname()}:{_dead_pid()}:0badc0de"
    assert begin_attempt(engine, dead, KEY, "INBOX/1/7") == Attempt(1, "")
    assert begin_attempt(engine, worker_identity(), KEY, "INBOX/1/7") == Attempt(2, DIED)


def test_a_worker_on_another_machine_is_waited_for_until_its_lease_ends(db_url: str) -> None:
    engine = _engine(db_url)
    elsewhere = "another-host.example:4242:0badc0de"
    assert begin_attempt(engine, elsewhere, KEY, "INBOX/1/7") is not None
    assert begin_attempt(engine, worker_identity(), KEY, "INBOX/1/7") is None

    with Session(engine) as session:
        row = session.get(MessageAttempt, KEY)
        assert row is not None
        row.lease_until = utcnow() - timedelta(seconds=1)
        session.add(row)
        session.commit()
    assert begin_attempt(engine, worker_identity(), KEY, "INBOX/1/7") == Attempt(2, DIED)


def test_a_database_outage_does_not_count_and_a_commit_forgets_the_tries(db_url: str) -> None:
    engine, me = _engine(db_url), worker_identity()
    begin_attempt(engine, me, KEY, "INBOX/1/7")
    release_attempt(engine, KEY)
    assert begin_attempt(engine, worker_identity(), KEY, "INBOX/1/7") == Attempt(1, "")

    with Session(engine) as session:
        end_attempts(session, KEY)
        session.commit()
        assert session.get(MessageAttempt, KEY) is None
