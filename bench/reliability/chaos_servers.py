"""The chaos run's hands on the servers: an SMTP outage switch, Dovecot restarts, settings.

`OutageHandler` is the tests' RecordingHandler with an on/off outage (fail_next counts
single commands; an outage lasts as long as it lasts). `DovecotRestarts` is the thread
that stops and starts Dovecot: at a random moment when told to, or at once when a bot's
chaos hook asks through the request file (during IDLE, FETCH or MOVE). APPENDs take the
same lock, so a restart never cuts one in half (a half-done APPEND retried would put a
second copy on the server, the harness's fault and not the bot's).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from helpdesk.settings import HelpdeskSection, LimitsSection
from tests.support.bot import toml_value
from tests.support.servers import DovecotServer, RecordingHandler, SmtpRecorder

STAFF_ADDRESS = "staf@karawangkab.go.id"
PROCESSED_FOLDER = "Processed"
# A missed IDLE notice, a message left for a retry, an answer made due by simulated time
# wait at most this long. Short, so the outage's retries and the poison's tries come fast;
# IDLE itself is still what wakes the bots for new mail.
SWEEP_SECONDS = 2.0


class OutageHandler(RecordingHandler):
    """Records accepted mail; while `outage` is on, refuses every transaction with a
    temporary error: 421 at MAIL FROM or 451 at RCPT TO / DATA, in turn."""

    def __init__(self) -> None:
        super().__init__()
        self.outage = False
        self.refusals = 0  # transactions refused during outages
        self.receipts: list[tuple[float, str]] = []  # (time.time(), Message-ID) of accepted mail

    def _refusal(self, stage: str) -> str | None:
        if not self.outage:
            return None
        turn = self.refusals % 3
        wanted = ("mail", "rcpt", "data")[turn]
        if stage != wanted:
            return None
        self.refusals += 1
        code = 421 if stage == "mail" else 451
        return f"{code} 4.3.2 Service not available, try again later (chaos outage)"

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        return self._refusal("mail") or await super().handle_MAIL(
            server, session, envelope, address, options
        )

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        return self._refusal("rcpt") or await super().handle_RCPT(
            server, session, envelope, address, options
        )

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if refusal := self._refusal("data"):
            return refusal
        answer = await super().handle_DATA(server, session, envelope)
        if answer.startswith("250"):
            # When each answer arrived: a duplicate is then traced to the bot that sent it.
            message_id = str(self.received[-1].message["Message-ID"] or "").strip().strip("<>")
            self.receipts.append((time.time(), message_id))
        return answer


def outage_smtp() -> tuple[SmtpRecorder, OutageHandler]:
    """A started SMTP recorder whose handler can have an outage."""
    recorder = SmtpRecorder()
    handler = OutageHandler()
    recorder.handler = handler
    recorder.start()
    return recorder, handler


@dataclass
class Restart:
    mode: str  # "idle", "fetch", "move" (asked for by a bot's hook) or "random"
    down_seconds: float
    error: str = ""  # Dovecot did not come back


class DovecotRestarts(threading.Thread):
    """Stops and starts Dovecot when asked; `restarts` lists what it did."""

    def __init__(self, server: DovecotServer, request: Path, rng: random.Random) -> None:
        super().__init__(name="dovecot-restarts", daemon=True)
        self.server = server
        self.request = request  # a bot's hook writes its mode here
        self.rng = rng
        self.lock = threading.Lock()  # held by a restart, and by each APPEND wave
        self.restarts: list[Restart] = []
        self._random_at: float | None = None
        self._done = threading.Event()

    def restart_at_random(self, within: float) -> None:
        """Restart once, at a random moment in the next `within` seconds."""
        self._random_at = time.monotonic() + self.rng.uniform(0.0, within)

    @property
    def random_pending(self) -> bool:
        return self._random_at is not None

    def finish(self) -> None:
        self._done.set()
        self.join(timeout=120)

    def run(self) -> None:
        while not self._done.wait(0.05):
            if self.request.exists():
                mode = self.request.read_text(encoding="utf-8").split(" ", 1)[0]
                self._restart(mode, then=lambda: self.request.unlink(missing_ok=True))
            elif self._random_at is not None and time.monotonic() >= self._random_at:
                self._restart("random")
                self._random_at = None  # only now: until it is done, it is still pending

    def _restart(self, mode: str, then: Callable[[], None] | None = None) -> None:
        down = self.rng.uniform(0.3, 2.5)
        with self.lock:
            self.server.stop()
            if then is not None:
                then()
            time.sleep(down)
            restart = Restart(mode, round(down, 2))
            try:
                self.server.start()
            except RuntimeError as exc:  # counted as a problem by the run
                restart.error = str(exc).splitlines()[0]
        self.restarts.append(restart)

    @contextmanager
    def up(self, timeout: float = 60.0) -> Iterator[None]:
        """Hold the lock with Dovecot running (waits out a restart in progress)."""
        deadline = time.monotonic() + timeout
        while True:
            self.lock.acquire()
            if self.server.running:
                break
            self.lock.release()
            if time.monotonic() > deadline:
                raise RuntimeError("Dovecot stayed down")
            time.sleep(0.1)
        try:
            yield
        finally:
            self.lock.release()


def write_settings(
    path: Path,
    *,
    data_dir: Path,
    imap: dict[str, Any],
    smtp_port: int,
    database_url: str | None,
    processed_folder: str = "",
) -> None:
    """A settings file for the chaos bots; keys a colleague has not landed yet are left out."""
    helpdesk: dict[str, Any] = {"data_dir": str(data_dir)}
    if "staff_address" in HelpdeskSection.model_fields:
        helpdesk["staff_address"] = STAFF_ADDRESS
    # High caps: 500 answers in minutes must not meet the per-address limits.
    limits: dict[str, Any] = {"answers_per_hour": 100_000, "answers_per_day": 100_000}
    if "attempts" in LimitsSection.model_fields:
        limits["attempts"] = 3
    imap_section = imap | {"sweep_interval": SWEEP_SECONDS}
    if processed_folder:
        imap_section["processed_folder"] = processed_folder
    sections: dict[str, dict[str, Any]] = {
        "helpdesk": helpdesk,
        "mailbox": {"source": "imap"},
        "imap": imap_section,
        "smtp": {
            "transport": "smtp",
            "host": "127.0.0.1",
            "port": smtp_port,
            "security": "none",
            "timeout": 10.0,
        },
        "limits": limits,
    }
    if database_url is not None:
        sections["database"] = {"url": database_url}
    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
