"""The worker: reads the mailbox, hands each message to the pipeline, drains the outbox.

`run_once()` handles all waiting mail and sends all due answers, then returns (tests,
cron, `helpdesk run --once`). `run_forever()` is a thin loop around it that waits
with IDLE, re-sweeps periodically, reconnects with backoff, and stops between
messages when asked.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from helpdesk.backoff import backoff_delays
from helpdesk.database import is_transient_error
from helpdesk.errors import DatabaseUnavailableError, MailboxError, MailboxLoginError
from helpdesk.mailbox import Mailbox, open_mailbox
from helpdesk.mailbox.cursors import DatabaseCursorStore
from helpdesk.message_ids import load_secret
from helpdesk.models import utcnow
from helpdesk.outbox import SendReport, next_due, send_due
from helpdesk.pipeline import ACT, DECIDE, ActStep, DecideStep, Outcome, Pipeline, prepare
from helpdesk.prepare_pool import PrepareFn, PreparePool
from helpdesk.settings import Settings

log = logging.getLogger(__name__)

# From this many messages in one run on, answers are sent while the rest is handled.
SEND_DURING_RUN_AFTER = 4
# Seconds between the tries of one run to open again a connection that was dropped.
RECONNECT_PAUSES = (0.5, 2.0, 5.0)


@dataclass
class RunReport:
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    sent: SendReport = field(default_factory=SendReport)
    worker_crashes: int = 0  # worker processes that died; their messages were read again

    @property
    def handled(self) -> int:
        return sum(self.outcomes.values())

    def count(self, outcome: Outcome) -> None:
        self.outcomes[outcome.value] = self.outcomes.get(outcome.value, 0) + 1


class _Sender:
    """Sends due answers in a thread while the writer goes on handling a backlog, so each
    answer leaves soon after its ticket is committed, not after the whole backlog."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine, self.settings = engine, settings
        self.report = SendReport()
        self._wake = threading.Event()
        self._done = False
        self._thread = threading.Thread(target=self._run, name="sender", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """An answer was committed: send it (and any other due one) now."""
        self._wake.set()

    def finish(self) -> SendReport:
        """Stop after the pass in hand; what it has sent so far."""
        self._done = True
        self._wake.set()
        self._thread.join()
        return self.report

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._done:
                return
            try:
                sent = send_due(self.engine, self.settings)
            except Exception:  # the run's final send_due tries again; the writer goes on
                log.exception("sending answers during the run failed")
                return
            self.report.sent += sent.sent
            self.report.deferred += sent.deferred
            self.report.failed += sent.failed


def _add(total: SendReport, more: SendReport) -> None:
    total.sent += more.sent
    total.deferred += more.deferred
    total.failed += more.failed


def _default_processes() -> int:
    """Worker processes for parsing: one per core, none on a single core."""
    cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


def _what(exc: BaseException) -> str:
    return "mailbox" if isinstance(exc, MailboxError) else "database"


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
        processes: int | None = None,
        decide_steps: tuple[DecideStep, ...] = DECIDE,
        act_steps: tuple[ActStep, ...] = ACT,
        prepare_fn: PrepareFn | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        secret = load_secret(settings.helpdesk.secret, settings.helpdesk.data_dir)
        self.pipeline = Pipeline(
            settings, engine, secret, decide_steps=decide_steps, act_steps=act_steps
        )
        if prepare_fn is None:
            # A worker process imports `prepare` and its DECIDE by name; steps a test
            # passes travel with it, pickled, so they must be module-level functions.
            prepare_fn = prepare
            if decide_steps is not DECIDE:
                prepare_fn = functools.partial(prepare, steps=decide_steps)
        cursors = DatabaseCursorStore(engine)
        self._open_mailbox = mailbox_factory or (lambda: open_mailbox(settings, cursors))
        self._mailbox: Mailbox | None = None
        # Parse and decide in other processes (0: in this one); one core stays the writer's.
        self.pool = PreparePool(
            settings,
            processes=_default_processes() if processes is None else processes,
            prepare_fn=prepare_fn,
        )
        self.stop_requested = threading.Event()
        self._waiting = False

    @property
    def mailbox(self) -> Mailbox:
        if self._mailbox is None:
            self._mailbox = self._open_mailbox()
        return self._mailbox

    def close(self) -> None:
        """Log out of the mailbox and stop the worker processes."""
        try:
            self.close_mailbox()
        finally:
            self.pool.close()

    def close_mailbox(self) -> None:
        if self._mailbox is not None:
            try:
                self._mailbox.close()
            finally:
                self._mailbox = None

    def handle_waiting_mail(self, report: RunReport) -> None:
        """Handle every message the mailbox holds for us, marking each after its commit."""
        mailbox = self.mailbox
        crashes = self.pool.crashes
        sender: _Sender | None = None
        try:
            # Parsing and deciding run ahead in worker processes; storing, acting,
            # committing and marking stay here, one message at a time in UID order.
            for raw, prepared in self.pool.prepared(mailbox.fetch_new()):
                report.fetched += 1
                outcome = self.pipeline.apply(raw, prepared)
                report.count(outcome)
                self.pipeline.settle(mailbox, raw, outcome)
                if report.fetched >= SEND_DURING_RUN_AFTER:
                    sender = sender or _Sender(self.engine, self.settings)
                    sender.nudge()
                if self.stop_requested.is_set():
                    break
        finally:
            if sender is not None:
                _add(report.sent, sender.finish())
        report.worker_crashes = self.pool.crashes - crashes

    def run_once(self, *, reconnect: bool = True) -> RunReport:
        """Handle all waiting mail, then send every due answer. A connection the server
        or the network drops is opened again a few times within the run, so the rest of
        the mailbox is not left unread; a refused login is not retried. (run_forever
        passes reconnect=False: it backs off between runs itself.)"""
        report = RunReport()
        for pause in (*(RECONNECT_PAUSES if reconnect else ()), None):
            try:
                self.handle_waiting_mail(report)
                break
            except MailboxLoginError:
                raise
            except MailboxError as exc:
                if pause is None or self.stop_requested.is_set():
                    raise
                # What was handled is committed and marked; the rest is read again.
                log.warning("mailbox unavailable (%s); reconnecting in %.1f s", exc, pause)
                self.close_mailbox()
                self._wait(self.stop_requested.wait, pause)
        _add(report.sent, send_due(self.engine, self.settings))
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
                self.run_once(reconnect=False)
                delays = backoff_delays()
                self._wait(self.mailbox.wait_for_mail, self._wait_seconds())
            except _StopWaiting:
                break
            except (MailboxError, DatabaseUnavailableError, SQLAlchemyError) as exc:
                if isinstance(exc, SQLAlchemyError) and not is_transient_error(exc):
                    raise
                # Nothing unhandled was marked: wait, then read the folder again.
                self.close_mailbox()
                pause = next(delays)
                log.warning("%s unavailable (%s); retrying in %.0f s", _what(exc), exc, pause)
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
