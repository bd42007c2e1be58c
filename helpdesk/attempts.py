"""Tries at one message, counted in the database so a crash cannot hide one.

The writer begins an attempt (committed at once) before it acts on a message; the
message's ticket transaction deletes the row. A row still owned at the next try means
the worker died on the message; a step that raised records its error and lets go. After
`[limits] attempts` tries the pipeline sets the message aside for staff, so one poison
message never holds up the mail behind it.

With several workers, each reads every message; the row's owner and lease make the
others skip a message one live worker is on, so concurrency never counts as failure.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col

from helpdesk.database import raise_if_transient
from helpdesk.models import MessageAttempt, utcnow
from helpdesk.tickets import seen_message

# Longer than acting on one message ever takes: a worker on another host that died
# holds a message no longer than this.
LEASE = timedelta(minutes=10)
DIED = "the bot stopped while handling it (killed, crashed, or the machine went down)"


_MADE_HERE: set[str] = set()  # identities handed out in this process (tests run several)


def worker_identity() -> str:
    """A new worker of this process, as an attempt's owner: "host:pid:token"."""
    identity = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    _MADE_HERE.add(identity)
    return identity


@dataclass(frozen=True)
class Attempt:
    number: int  # 1 for the first try
    last_error: str  # why the try before failed; "" on the first


@dataclass(frozen=True)
class Tries:
    """One writer's book of tries: what the pipeline asks before and after acting.

    Each question runs in a fresh session of its own. A database that cannot answer
    raises DatabaseUnavailableError: the message stays unmarked and nothing is counted.
    """

    engine: Engine
    owner: str  # this worker, on its attempts
    limit: int  # `[limits] attempts`: after this many failed tries, set aside

    def seen(self, dedup_key: str) -> bool:
        """Whether a message with this key is committed."""
        try:
            with Session(self.engine) as session:
                return seen_message(session, dedup_key) is not None
        except SQLAlchemyError as exc:
            raise_if_transient(exc)
            raise

    def theirs_to_mark(self, dedup_key: str) -> bool:
        """Whether another worker stored this message less than LEASE ago and is alive:
        then it marks the message on the server, and we leave it alone."""
        try:
            with Session(self.engine) as session:
                row = seen_message(session, dedup_key)
        except SQLAlchemyError as exc:
            raise_if_transient(exc)
            raise
        if row is None or not row.owner or _same_process(row.owner, self.owner):
            return False  # ours: this process handles its messages one at a time
        read_at = row.read_at if row.read_at.tzinfo else row.read_at.replace(tzinfo=UTC)
        return utcnow() - read_at < LEASE and _owner_alive(row.owner)

    def begin(self, dedup_key: str, location: str) -> Attempt | None:
        """Count a try and hold the message; None when another live worker holds it."""
        try:
            return begin_attempt(self.engine, self.owner, dedup_key, location)
        except SQLAlchemyError as exc:
            raise_if_transient(exc)
            raise

    def failed(self, dedup_key: str, attempt: Attempt, problem: str) -> bool:
        """A try raised: record why and let go. False when it was the last try: then the
        caller sets the message aside (in the transaction that ends its tries)."""
        if attempt.number >= self.limit:
            return False
        try:
            fail_attempt(self.engine, dedup_key, problem)
        except SQLAlchemyError as exc:  # the lease runs out instead: it is tried again then
            raise_if_transient(exc)
            raise
        return True

    def forget(self, dedup_key: str) -> None:
        """Drop our attempt at a message another worker committed."""
        with Session(self.engine) as session:
            end_attempts(session, dedup_key)
            session.commit()


def begin_attempt(engine: Engine, owner: str, dedup_key: str, location: str) -> Attempt | None:
    """Count a try at the message and hold it; None when another live worker holds it."""
    now = utcnow()
    with Session(engine) as session:
        row = session.get(MessageAttempt, dedup_key, with_for_update=True)
        if row is None:
            row = MessageAttempt(dedup_key=dedup_key, location=location)
        elif row.owner and row.owner != owner:
            if _lease_runs(row.lease_until, now) and _owner_alive(row.owner):
                return None
            row.last_error = DIED
        row.attempts += 1
        row.owner = owner
        row.lease_until = now + LEASE
        row.updated_at = now
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # another worker began the same message first
            return None
        return Attempt(row.attempts, row.last_error)


def fail_attempt(engine: Engine, dedup_key: str, error: str) -> None:
    """The try failed without harm: keep its error for the next, and let go of it."""
    with Session(engine) as session:
        row = session.get(MessageAttempt, dedup_key, with_for_update=True)
        if row is None:
            return
        row.last_error = error[:1000]
        row.owner = ""
        row.lease_until = None
        row.updated_at = utcnow()
        session.add(row)
        session.commit()


def release_attempt(engine: Engine, dedup_key: str) -> None:
    """The try was cut short by the database, no fault of the message: uncount it, if the
    database lets us (else the lease runs out, or this worker takes it up again)."""
    try:
        with Session(engine) as session:
            row = session.get(MessageAttempt, dedup_key, with_for_update=True)
            if row is None:
                return
            row.attempts = max(row.attempts - 1, 0)
            row.owner = ""
            row.lease_until = None
            session.add(row)
            session.commit()
    except SQLAlchemyError:
        pass


def end_attempts(session: Session, dedup_key: str) -> None:
    """The message is committed (ticket or flag): forget its tries, in the caller's transaction."""
    session.exec(delete(MessageAttempt).where(col(MessageAttempt.dedup_key) == dedup_key))


def _same_process(owner: str, other: str) -> bool:
    """Whether two worker identities are of one process ("host:pid:token")."""
    return owner.rsplit(":", 1)[0] == other.rsplit(":", 1)[0]


def _lease_runs(until: datetime | None, now: datetime) -> bool:
    if until is None:
        return False
    if until.tzinfo is None:  # SQLite hands back naive UTC
        now = now.replace(tzinfo=None)
    return until > now


def _owner_alive(owner: str) -> bool:
    """Whether the process that holds a message may still be on it."""
    host, _, rest = owner.partition(":")
    pid_text, _, _ = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return True  # another machine's worker: only its lease tells
    pid = int(pid_text)
    if pid == os.getpid():
        # Ours, or this pid in an earlier life (a container restarts us as pid 1).
        return owner in _MADE_HERE
    if not Path("/proc/self").exists():  # not Linux: ask the kernel the portable way
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        return True
    # A zombie is dead, only not yet reaped by its parent.
    return stat.rpartition(")")[2].split()[:1] != ["Z"]
