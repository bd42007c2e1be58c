"""The SMTP outage of the chaos run: 421/451 to every transaction "for hours".

It starts at a given life and lasts at least to another, and beyond until it did its
job: each kind of refusal given, a ticket opened meanwhile, and the oldest held answer
refused for OUTAGE_HOURS of the outbox's own backoff. Those hours pass as simulated
time: once a second the answers waiting on their backoff are made due (chaos_state),
so a sweeping bot retries at once what it would have retried minutes to an hour later.
When it ends, the answers still pending are noted: afterwards each must reach the SMTP
server exactly once, under the Message-ID it had.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from bench.reliability.chaos_servers import OutageHandler
from bench.reliability.chaos_state import Observer
from helpdesk.models import InboundMessage

OUTAGE_HOURS = 2.0  # the oldest held answer is refused for this long (simulated)
TICK_SECONDS = 1.0


class Outage:
    """Switches the SMTP server's outage and keeps its simulated clock moving."""

    def __init__(self, handler: OutageHandler, observer: Observer) -> None:
        self.handler = handler
        self.observer = observer
        self.started: datetime | None = None
        self.held: dict[int, str] = {}  # outbox id -> Message-ID, pending at the end
        self.held_hours = 0.0  # the backoff the oldest held answer stands for
        self.tickets = 0  # tickets opened during the outage
        self._ticked = 0.0

    @property
    def on(self) -> bool:
        return self.handler.outage

    def begin(self) -> None:
        self.handler.outage = True
        self.started = datetime.now(UTC)

    def tick(self, *, may_end: bool, must_end: bool = False) -> None:
        """Once a second: end it if allowed and done (or if it must), else move its clock."""
        now = time.monotonic()
        if not self.on or now - self._ticked < TICK_SECONDS:
            return
        self._ticked = now
        if must_end or (may_end and self._done()):
            self.end()
        else:
            self.observer.make_due()  # simulated time: the next retry is due now

    def _done(self) -> bool:
        if self.handler.refusals < 3 or self._tickets_since_start() == 0:
            return False
        return self.observer.outage_hours(list(self.observer.pending_answers())) >= OUTAGE_HOURS

    def end(self) -> None:
        """Note what it held back, then let the server answer again."""
        self.held = self.observer.pending_answers()
        self.held_hours = self.observer.outage_hours(list(self.held))
        self.tickets = self._tickets_since_start()
        self.handler.outage = False
        self.observer.make_due()  # simulated time: the last backoff (up to an hour) is over

    def _tickets_since_start(self) -> int:
        try:
            with Session(self.observer.reader) as session:
                rows = session.exec(
                    select(InboundMessage.id)
                    .where(col(InboundMessage.ticket_id).is_not(None))
                    .where(col(InboundMessage.read_at) >= (self.started or datetime.now(UTC)))
                ).all()
        except SQLAlchemyError:  # no bot got as far as creating the tables yet
            return 0
        return len(rows)

    def problems(self) -> list[str]:
        """What the outage failed to show, one line each."""
        found = []
        if self.handler.refusals == 0:
            found.append("the SMTP outage refused nothing: it was not exercised")
        if self.tickets == 0:
            found.append("no ticket was created during the SMTP outage")
        if self.held_hours < OUTAGE_HOURS:
            found.append(
                f"the SMTP outage lasted {self.held_hours} h (simulated), not {OUTAGE_HOURS} h"
            )
        return found
