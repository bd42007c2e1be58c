"""The real CLI through Dovecot and aiosmtpd with `[database] url` on PostgreSQL."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.support.bot import Bot, sample, stop_watching, wait_until
from tests.support.servers import ImapAccount, PostgresServer, SmtpRecorder

pytestmark = pytest.mark.servers

REQUESTS = {
    "01-forensic-complete-xlsx-pdf-rhs.eml": "forensic_test",
    "11-schedule-change-complete-xlsx.eml": "problem_report",
    "03-forensic-terlampir-no-attachment.eml": "forensic_test",
}
ROBOTS = ["41-auto-out-of-office.eml", "42-auto-dsn-bounce.eml"]


@pytest.fixture
def bot(
    tmp_path: Path,
    imap_account: ImapAccount,
    smtp_server: SmtpRecorder,
    sent_mail: list[EmailMessage],
    postgres_url: str,
) -> Bot:
    bot = Bot(tmp_path, imap_account, smtp_server)
    bot.write_settings(database_url=postgres_url)
    return bot


def test_requests_get_one_ticket_and_one_answer_each(
    bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage]
) -> None:
    for name in [*REQUESTS, *ROBOTS]:
        imap_account.append(sample(name))

    bot.run_once()
    bot.run_once()  # nothing new: no ticket, no answer

    tickets = bot.tickets()
    assert sorted(t["kind"] for t in tickets) == sorted(REQUESTS.values())
    assert len(sent_mail) == len(REQUESTS)
    refs = {str(m["Subject"]).strip().split("]", 1)[0].lstrip("[") for m in sent_mail}
    assert refs == {t["ref"] for t in tickets}
    assert all("\\Seen" in m.flags for m in imap_account.fetch_all())
    shown = bot.show(tickets[0]["ref"])
    assert shown["ref"] == tickets[0]["ref"]
    assert "HD-" in bot.run("outbox", "list", "--all").stdout


def test_crash_after_commit_before_marking_gives_one_ticket_one_answer(
    bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(sample("11-schedule-change-complete-xlsx.eml"))

    assert bot.crash_run_once("helpdesk.mailbox.imap.ImapMailbox.mark_processed") != 0
    assert len(bot.tickets()) == 1 and sent_mail == []

    bot.run_once()

    assert len(bot.tickets()) == 1
    assert len(sent_mail) == 1
    assert ["\\Seen" in m.flags for m in imap_account.fetch_all()] == [True]


def test_watching_worker_carries_on_after_a_postgresql_restart(
    bot: Bot,
    imap_account: ImapAccount,
    sent_mail: list[EmailMessage],
    postgres_server: PostgresServer,
) -> None:
    imap_account.append(sample("01-forensic-complete-xlsx-pdf-rhs.eml"))
    worker = bot.watch()
    try:
        assert wait_until(lambda: len(sent_mail) == 1)
        postgres_server.restart()  # every pooled connection of the worker is now dead
        imap_account.append(sample("11-schedule-change-complete-xlsx.eml"))
        assert wait_until(lambda: len(sent_mail) == 2)
    finally:
        code, stderr = stop_watching(worker)
    assert code == 0, stderr
    assert len(bot.tickets()) == 2
    assert "Traceback" not in stderr
