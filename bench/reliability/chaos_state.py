"""What the chaos run reads while bots live, and the one thing it writes: simulated time.

Reads come from the real database (a read-only engine) and the real Dovecot. The writes
stand in for waiting: the outbox's backoff grows to an hour and a dead sender's claim
lasts ten minutes, so instead of sleeping through hours the run moves the rows' own
clocks (`next_attempt_at`, `claimed_until`) to now. Each such move is counted and
reported as simulated time; nothing else in the database is ever touched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, or_, select

from helpdesk.database import create_db_engine
from helpdesk.models import InboundMessage, OutboxAnswer, utcnow
from tests.support.servers import ImapAccount

HANG_SECONDS = 90.0  # a bot with work waiting and no progress this long is hung
IDLE_KILL_SECONDS = 2.0  # a bot with nothing left to do: its planned point will not come


@dataclass(frozen=True)
class Progress:
    inbound: int  # messages recorded
    sent: int  # answers recorded as sent

    @property
    def total(self) -> int:
        return self.inbound + self.sent


class Observer:
    """The run's view of the database and the mailbox while bots live."""

    def __init__(self, database_url: str, account: ImapAccount, poison_id: str) -> None:
        self.reader = create_db_engine(database_url, read_only=True)
        self.writer = create_db_engine(database_url)
        self.account = account
        self.poison_id = poison_id
        self.simulated_moves = 0  # times pending answers were made due without waiting

    def close(self) -> None:
        self.reader.dispose()
        self.writer.dispose()

    def progress(self) -> Progress | None:
        """Counts that grow whenever a bot gets something done; None before the schema."""
        try:
            with Session(self.reader) as session:
                inbound = session.exec(select(func.count()).select_from(InboundMessage)).one()
                sent = session.exec(
                    select(func.count()).where(col(OutboxAnswer.status) == "sent")
                ).one()
        except SQLAlchemyError:
            return None
        return Progress(int(inbound), int(sent))

    def due_answers(self) -> int:
        """Pending answers a live sender may take now (due, and nobody's claim runs)."""
        now = utcnow()
        try:
            with Session(self.reader) as session:
                return int(
                    session.exec(
                        select(func.count())
                        .where(col(OutboxAnswer.status) == "pending")
                        .where(col(OutboxAnswer.next_attempt_at) <= now)
                        .where(
                            or_(
                                col(OutboxAnswer.claimed_until).is_(None),
                                col(OutboxAnswer.claimed_until) < now,
                            )
                        )
                    ).one()
                )
        except SQLAlchemyError:
            return 0

    def pending_answers(self) -> dict[int, str]:
        """Every answer not yet sent: {outbox id: its Message-ID}."""
        try:
            with Session(self.reader) as session:
                rows = session.exec(
                    select(OutboxAnswer.id, OutboxAnswer.message_id).where(
                        col(OutboxAnswer.status) == "pending"
                    )
                ).all()
        except SQLAlchemyError:  # no bot got as far as creating the tables yet
            return {}
        return {int(row_id or 0): message_id for row_id, message_id in rows}

    def unhandled(self, *, moving: bool, with_poison: bool) -> int | None:
        """Messages in INBOX the bot still owes work (None while Dovecot is away)."""
        criteria: list[str] = ["NOT", "DELETED"] if moving else ["UNSEEN", "NOT", "DELETED"]
        if not with_poison:
            criteria += ["NOT", "HEADER", "Message-ID", self.poison_id]
        try:
            with self.account.client() as client:
                client.select_folder("INBOX", readonly=True)
                return len(client.search(criteria))
        except Exception:  # Dovecot restarting: imapclient, imaplib and socket errors alike
            return None

    def make_due(self, *, claims_too: bool = False) -> int:
        """Simulated time: pending answers waiting on their backoff are due now; with
        `claims_too`, claims of senders that died (all bots are dead then) ran out."""
        now = utcnow()
        values: dict[str, object] = {"next_attempt_at": now}
        if claims_too:
            values["claimed_until"] = None
        statement = (
            update(OutboxAnswer)
            .where(col(OutboxAnswer.status) == "pending")
            .where(
                or_(col(OutboxAnswer.next_attempt_at) > now, col(OutboxAnswer.claimed_until) > now)
                if claims_too
                else col(OutboxAnswer.next_attempt_at) > now
            )
            .values(**values)
        )
        try:
            with Session(self.writer) as session:
                moved = session.exec(statement).rowcount  # type: ignore[call-overload]
                session.commit()
        except SQLAlchemyError:
            return 0
        if moved:
            self.simulated_moves += 1
        return int(moved or 0)

    def outage_hours(self, answer_ids: list[int]) -> float:
        """The backoff the product would have waited for these answers' failed attempts:
        the hours of outage their attempt counts stand for (nominal, without jitter)."""
        if not answer_ids:
            return 0.0
        with Session(self.reader) as session:
            attempts = session.exec(
                select(OutboxAnswer.attempts).where(col(OutboxAnswer.id).in_(answer_ids))
            ).all()
        most = max(attempts, default=0)
        # The pauses between its attempts, as outbox.retry_delay documents them without
        # the jitter: 1, 2, 4 ... minutes, at most an hour.
        waited = sum(min(60 * 2 ** (n - 1), 3600) for n in range(1, most))
        return round(waited / 3600, 1)


class ProgressTracker:
    """Says whether a life is working, idle (nothing left to do) or hung."""

    def __init__(self, observer: Observer, *, with_poison: bool = False) -> None:
        self.observer = observer
        self.with_poison = with_poison
        self.last: tuple[int, int] | None = None
        self.last_change = time.monotonic()
        self.idle_since: float | None = None
        self.next_look = 0.0
        self.verdict = "working"

    def look(self, *, moving: bool, outage: bool) -> str:
        """The verdict, "working", "idle" or "hang", looked at again once a second."""
        now = time.monotonic()
        if now >= self.next_look:
            self.next_look = now + 1.0
            self.verdict = self._verdict(now, moving=moving, outage=outage)
        return self.verdict

    def _verdict(self, now: float, *, moving: bool, outage: bool) -> str:
        """Idle: nothing unhandled nor due for IDLE_KILL_SECONDS; hung: work, no progress."""
        progress = self.observer.progress()
        unhandled = self.observer.unhandled(moving=moving, with_poison=self.with_poison)
        if progress is None or unhandled is None:  # starting, or Dovecot restarting
            self.last_change, self.idle_since = now, None
            return "working"
        state = (progress.total, unhandled)
        if state != self.last:
            self.last, self.last_change = state, now
        due = 0 if outage else self.observer.due_answers()
        if unhandled or due:
            self.idle_since = None
            return "hang" if now - self.last_change > HANG_SECONDS else "working"
        self.idle_since = self.idle_since or now
        return "idle" if now - self.idle_since > IDLE_KILL_SECONDS else "working"
