"""Where an answer's bytes go, behind one small protocol (the way httpx swaps transports).

    SmtpTransport       the SMTP server of `[smtp]` (aiosmtplib: its only edge here)
    FileTransport       one .eml file per answer in `[smtp] dir` (the demo, a dry run)
    RecordingTransport  keeps what it was handed in a list, and fails when told (tests)

The outbox (helpdesk/outbox.py) decides what to send and records the result; a transport
only hands one answer over, or raises DeliveryError.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from helpdesk.errors import DeliveryError
from helpdesk.settings import Settings, SmtpSection


class Transport(Protocol):
    def send(
        self, raw: bytes, *, recipient: str, message_id: str, accepted: Callable[[], None]
    ) -> None:
        """Hand one answer over, or raise DeliveryError; call `accepted` the moment the
        other side has taken it (before any goodbye a crash could fall into)."""
        ...


def open_transport(settings: Settings) -> Transport:
    """The transport `[smtp] transport` names."""
    if settings.smtp.transport == "file":
        return FileTransport(settings.smtp.dir)
    envelope_from = settings.smtp.envelope_from or settings.helpdesk.address
    return SmtpTransport(settings.smtp, envelope_from)


@dataclass(frozen=True)
class FileTransport:
    """Writes each answer to `folder` as <message-id>.eml; writing it again replaces it."""

    folder: Path

    def send(
        self, raw: bytes, *, recipient: str, message_id: str, accepted: Callable[[], None]
    ) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9.-]", "_", message_id.split("@", 1)[0]) + ".eml"
        tmp = self.folder / f".{name}.tmp"
        tmp.write_bytes(raw)
        tmp.replace(self.folder / name)  # a file is its own record: no `accepted` marker


@dataclass(frozen=True)
class SmtpTransport:
    """One SMTP session per answer: connect (TLS, AUTH), MAIL/RCPT/DATA, QUIT."""

    smtp: SmtpSection
    envelope_from: str

    def send(
        self, raw: bytes, *, recipient: str, message_id: str, accepted: Callable[[], None]
    ) -> None:
        asyncio.run(self._send(raw, recipient, accepted))

    async def _send(self, raw: bytes, recipient: str, accepted: Callable[[], None]) -> None:
        import aiosmtplib  # only a bot that sends by SMTP pays for it

        smtp = self.smtp
        client = aiosmtplib.SMTP(
            hostname=smtp.host,
            port=smtp.port,
            username=smtp.user or None,
            password=smtp.password or None,
            use_tls=smtp.security == "ssl",
            start_tls=True if smtp.security == "starttls" else False,
            timeout=smtp.timeout,
        )
        try:
            async with client:  # connects (STARTTLS, AUTH) here, says QUIT on the way out
                await client.sendmail(self.envelope_from, [recipient], raw)
                accepted()  # before QUIT: the shortest gap a crash can fall into
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            raise DeliveryError(
                f"recipient refused: {exc}",
                code=codes[0] if codes else None,
                permanent=all(500 <= c < 600 for c in codes),
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"SMTP server answered {exc.code} {exc.message}",
                code=exc.code,
                permanent=500 <= exc.code < 600,
            ) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryError(
                f"cannot reach SMTP server {smtp.host}:{smtp.port} ({exc}); "
                "the answer stays in the outbox and is retried"
            ) from exc


@dataclass(frozen=True)
class Handed:
    """One answer a RecordingTransport took."""

    raw: bytes
    recipient: str
    message_id: str


@dataclass
class RecordingTransport:
    """Takes answers into `sent`; `fail_next(error)` makes the next sends raise instead.

    `after_send`, when set, runs after an answer was taken (and `accepted` called): the
    moment a test breaks something else, such as the database.
    """

    sent: list[Handed] = field(default_factory=list)
    failures: list[DeliveryError] = field(default_factory=list)
    after_send: Callable[[], None] | None = None

    def fail_next(self, error: DeliveryError, times: int = 1) -> None:
        self.failures.extend([error] * times)

    def send(
        self, raw: bytes, *, recipient: str, message_id: str, accepted: Callable[[], None]
    ) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(Handed(raw, recipient, message_id))
        accepted()
        if self.after_send is not None:
            self.after_send()
