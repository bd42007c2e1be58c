"""An SMTP server that refuses for hours (issue 5, item 2, the SMTP part).

test_end_to_end covers a server that is down (connection refused) and back within one
flush; test_answer_limits covers a 550 at RCPT blocking the address. Here the server is up but
answers 421 and 451 through many simulated hours of the outbox's own backoff, while
the bot goes on opening tickets; then every answer reaches it once, as queued. Past
`smtp.retry_hours` an answer fails for good, and a 550 is final at once.

Time is the outbox's: `send_due(now=...)` at each answer's next_attempt_at, as a
watching bot would wake for it. No test sleeps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpdesk.database import open_database
from helpdesk.models import BlockedAddress, OutboxAnswer, utcnow
from helpdesk.outbox import next_due, send_due
from helpdesk.settings import Settings, load_settings
from tests.support.bot import Bot, sample
from tests.support.servers import ImapAccount, SmtpRecorder

pytestmark = pytest.mark.servers

REQUESTS = (
    "22-reset-complete-pdf.eml",
    "01-forensic-complete-xlsx-pdf-rhs.eml",
    "11-schedule-change-complete-xlsx.eml",
)
FOREVER = 100_000  # refusals queued: more than any test makes attempts


class Desk:
    """The real CLI for mail and tickets, plus this process's view of its outbox."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.settings: Settings = load_settings(bot.settings_path)
        self.engine: Engine = open_database(self.settings.database_url)

    def answers(self) -> list[OutboxAnswer]:
        with Session(self.engine) as session:
            return list(session.exec(select(OutboxAnswer).order_by(col(OutboxAnswer.id))).all())

    def retry_until(self, moment: datetime) -> int:
        """Every retry the outbox schedules up to `moment`, each at its own time; how many."""
        attempts = 0
        while (due := next_due(self.engine)) is not None and due <= moment:
            report = send_due(self.engine, self.settings, now=due)
            attempts += report.sent + report.deferred + report.failed
            assert attempts < 1000, "the outbox retries without backing off"
        return attempts


@pytest.fixture
def desk(
    tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpRecorder, sent_mail: object
) -> Iterator[Desk]:
    folder = tmp_path / "bot"
    folder.mkdir()
    bot = Bot(folder, imap_account, smtp_server)
    bot.write_settings()
    desk = Desk(bot)
    yield desk
    desk.engine.dispose()


def refuse(smtp: SmtpRecorder, stage: str, code: int) -> None:
    """From now on every transaction is refused with `code` at `stage`."""
    assert smtp.received == []  # clear() would forget them too
    smtp.handler.clear()
    smtp.fail_next(stage, code, times=FOREVER)


def recover(smtp: SmtpRecorder) -> None:
    assert smtp.received == []
    smtp.handler.clear()


def test_hours_of_421_and_451_then_every_answer_once_with_its_message_id(
    desk: Desk, smtp_server: SmtpRecorder, sent_mail: list[EmailMessage]
) -> None:
    account = desk.bot.account
    start = utcnow()
    refuse(smtp_server, "mail", 421)
    for name in REQUESTS[:2]:
        account.append(sample(name))
    desk.bot.run_once()
    assert len(desk.bot.tickets()) == 2
    desk.retry_until(start + timedelta(hours=6))

    refuse(smtp_server, "rcpt", 451)
    account.append(sample(REQUESTS[2]))
    desk.bot.run_once()  # the bot goes on while the server refuses
    assert len(desk.bot.tickets()) == 3
    desk.retry_until(start + timedelta(hours=12))

    queued = desk.answers()
    assert [a.status for a in queued] == ["pending"] * 3
    # Backoff 1, 2, 4 ... 32 minutes, then hourly (each +-20 %): about 16 tries in 12 hours.
    assert 12 <= queued[0].attempts <= 22, queued[0].attempts
    assert "451" in queued[-1].last_error
    waiting = desk.bot.run("outbox", "list").stdout
    assert waiting.count("pending") == 3 and "451" in waiting
    assert sent_mail == []

    recover(smtp_server)
    desk.retry_until(start + timedelta(hours=14))
    desk.bot.run_once()
    desk.retry_until(start + timedelta(days=3))

    received = Counter(str(m.message["Message-ID"]).strip("<> ") for m in smtp_server.received)
    assert received == Counter({answer.message_id: 1 for answer in queued})
    as_queued = {answer.message_id: answer.raw for answer in queued}
    for mail in smtp_server.received:
        assert mail.raw == as_queued[str(mail.message["Message-ID"]).strip("<> ")]
    assert [a.status for a in desk.answers()] == ["sent"] * 3
    assert "kosong" in desk.bot.run("outbox", "list").stdout


def test_answer_refused_past_retry_hours_fails_for_good(
    desk: Desk, smtp_server: SmtpRecorder, sent_mail: list[EmailMessage]
) -> None:
    refuse(smtp_server, "data", 451)
    desk.bot.account.append(sample(REQUESTS[0]))
    desk.bot.run_once()
    [answer] = desk.answers()
    give_up = answer.give_up_at
    lifetime = give_up - answer.created_at
    assert abs(lifetime - timedelta(hours=desk.settings.smtp.retry_hours)) < timedelta(seconds=1)

    desk.retry_until(give_up - timedelta(seconds=1))
    [answer] = desk.answers()
    assert answer.status == "pending"  # not a moment before retry_hours

    desk.retry_until(give_up + timedelta(hours=2))
    [answer] = desk.answers()
    assert answer.status == "failed" and "451" in answer.last_error
    listed = desk.bot.run("outbox", "list").stdout
    assert "failed" in listed and "451" in listed

    recover(smtp_server)
    tries = answer.attempts
    desk.bot.run("outbox", "flush")
    assert desk.retry_until(give_up + timedelta(days=7)) == 0
    assert desk.answers()[0].attempts == tries
    assert sent_mail == []


def test_550_is_permanent_at_once_and_never_retried(
    desk: Desk, smtp_server: SmtpRecorder, sent_mail: list[EmailMessage]
) -> None:
    smtp_server.fail_next("data", 550)
    desk.bot.account.append(sample(REQUESTS[0]))
    desk.bot.run_once()

    [answer] = desk.answers()
    assert (answer.status, answer.attempts) == ("failed", 1)
    assert "550" in answer.last_error
    assert "failed" in desk.bot.run("outbox", "list").stdout
    with Session(desk.engine) as session:
        assert session.get(BlockedAddress, answer.recipient) is not None

    desk.bot.run("outbox", "flush")
    assert desk.retry_until(utcnow() + timedelta(days=3)) == 0
    assert desk.answers()[0].attempts == 1
    assert sent_mail == []
