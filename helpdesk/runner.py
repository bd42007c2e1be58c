"""The worker: reads the mailbox, hands each message to the pipeline, drains the outbox.

`run_once()` handles all waiting mail and sends all due answers, then returns (tests,
cron, `helpdesk run --once`). `run_forever()` is a thin loop around it that waits
with IDLE, re-sweeps periodically, reconnects with backoff, and stops between
messages when asked.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from helpdesk.backoff import backoff_delays
from helpdesk.errors import MailboxError
from helpdesk.mailbox import Mailbox, open_mailbox
from helpdesk.message_ids import load_secret
from helpdesk.models import utcnow
from helpdesk.outbox import SendReport, next_due, send_due
from helpdesk.pipeline import Outcome, Pipeline
from helpdesk.settings import Settings
from helpdesk.tickets import DatabaseCursorStore

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    sent: SendReport = field(default_factory=SendReport)

    @property
    def handled(self) -> int:
        return sum(self.outcomes.values())

    def count(self, outcome: Outcome) -> None:
        self.outcomes[outcome.value] = self.outcomes.get(outcome.value, 0) + 1



class _StopWaiting(Exception):
    """Raised by a stop request that arrives while the worker waits for mail."""


class Worker:
    """One bot process: a mailbox, the pipeline, and the outbox sender."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        mailbox_factory: Callable[[], Mailbox] | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.pipeline = Pipeline(
            settings, engine, load_secret(settings.helpdesk.secret, settings.helpdesk.data_dir)
        )
        cursors = DatabaseCursorStore(engine)
        self._open_mailbox = mailbox_factory or (lambda: open_mailbox(settings, cursors))
        self._mailbox: Mailbox | None = None
        self.stop_requested = threading.Event()
        self._waiting = False

    @property
    def mailbox(self) -> Mailbox:
        if self._mailbox is None:
            self._mailbox = self._open_mailbox()
        return self._mailbox

    def close(self) -> None:
        if self._mailbox is not None:
            try:
                self._mailbox.close()
            finally:
                self._mailbox = None

    def handle_waiting_mail(self, report: RunReport) -> None:
        """Handle every message the mailbox holds for us, marking each after its commit."""
        mailbox = self.mailbox
        for raw in mailbox.fetch_new():
            report.fetched += 1
            outcome = self.pipeline.handle(raw)
            report.count(outcome)
            if outcome is Outcome.QUARANTINED:
                if not mailbox.quarantine(raw, "could not be stored"):
                    log.error("message %s left unmarked on the server for staff", raw.location)
            else:
                mailbox.mark_processed(raw)
            if self.stop_requested.is_set():
                break

    def run_once(self) -> RunReport:
        """Handle all waiting mail, then send every due answer."""
        report = RunReport()
        self.handle_waiting_mail(report)
        report.sent = send_due(self.engine, self.settings)
        self._log_run(report)
        return report

    def _log_run(self, report: RunReport) -> None:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items())) or "none"
        if report.fetched != report.handled:
            log.error(
                "the mailbox gave %d messages but %d were handled: check the log above",
                report.fetched,
                report.handled,
            )
        log.info(
            "run: %d messages read (%s); answers sent %d, deferred %d, failed %d",
            report.fetched,
            outcomes,
            report.sent.sent,
            report.sent.deferred,
            report.sent.failed,
        )

    def request_stop(self) -> None:
        """Stop after the message in hand (a signal handler calls this)."""
        self.stop_requested.set()
        if self._waiting:
            raise _StopWaiting  # only a wait is interrupted, never a message's handling

    def run_forever(self) -> None:
        """Watch the mailbox until a stop is requested (SIGTERM)."""
        delays = backoff_delays()
        while not self.stop_requested.is_set():
            try:
                # Every wake-up re-reads the folder (UID > last, and UNSEEN): this is also
                # the periodic safety-net sweep beside IDLE.
                self.run_once()
                delays = backoff_delays()
                self._wait(self.mailbox.wait_for_mail, self._wait_seconds())
            except _StopWaiting:
                break
            except MailboxError as exc:
                self.close()
                pause = next(delays)
                log.warning("mailbox unavailable (%s); retrying in %.0f s", exc, pause)
                try:
                    self._wait(self.stop_requested.wait, pause)
                except _StopWaiting:
                    break

    def _wait(self, wait: Callable[[float], object], seconds: float) -> None:
        if self.stop_requested.is_set():
            return
        self._waiting = True
        try:
            wait(seconds)
        finally:
            self._waiting = False

    def _wait_seconds(self) -> float:
        """Until the next sweep, or sooner when an answer in the outbox falls due."""
        wait = self.settings.imap.sweep_interval
        due = next_due(self.engine)
        if due is not None:
            wait = min(wait, (due - utcnow()).total_seconds())
        return max(wait, 0.05)
