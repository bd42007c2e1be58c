"""Several `helpdesk run` processes on one mailbox: no duplicate, no lost ticket, no answer twice.

Real Dovecot, aiosmtpd and PostgreSQL (or SQLite), the real CLI in subprocesses. The
full-size check (10 minutes, 1,000 messages) is `python bench/multi_worker.py`.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.support.bot import Bot
from tests.support.servers import ImapAccount, SmtpRecorder
from tests.support.workers import run_fleet

pytestmark = pytest.mark.servers


def _bot(
    tmp_path: Path, account: ImapAccount, smtp: SmtpRecorder, database_url: str, **imap: object
) -> Bot:
    bot = Bot(tmp_path, account, smtp)
    bot.write_settings(database_url=database_url, sweep_interval=5.0, **imap)
    return bot


def test_three_workers_on_postgresql(
    tmp_path: Path,
    imap_account: ImapAccount,
    smtp_server: SmtpRecorder,
    sent_mail: list[EmailMessage],
    postgres_url: str,
) -> None:
    bot = _bot(tmp_path, imap_account, smtp_server, postgres_url)

    result = run_fleet(bot, postgres_url, workers=3, count=100, seconds=10)

    print(result.table())  # shown with -s, and on failure
    assert result.ok, "\n".join(result.trouble[:20])


def test_two_workers_on_sqlite(
    tmp_path: Path,
    imap_account: ImapAccount,
    smtp_server: SmtpRecorder,
    sent_mail: list[EmailMessage],
) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'helpdesk.sqlite3'}"
    bot = _bot(tmp_path, imap_account, smtp_server, url)

    result = run_fleet(bot, url, workers=2, count=100, seconds=10)

    print(result.table())  # shown with -s, and on failure
    assert result.ok, "\n".join(result.trouble[:20])


def test_two_workers_moving_handled_mail_to_a_processed_folder(
    tmp_path: Path,
    imap_account: ImapAccount,
    smtp_server: SmtpRecorder,
    sent_mail: list[EmailMessage],
) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'helpdesk.sqlite3'}"
    bot = _bot(tmp_path, imap_account, smtp_server, url, processed_folder="Processed")

    result = run_fleet(bot, url, workers=2, count=60, seconds=8)

    print(result.table())  # shown with -s, and on failure
    assert result.ok, "\n".join(result.trouble[:20])
    assert imap_account.fetch_all("INBOX") == []
    moved = [message.data for message in imap_account.fetch_all("Processed")]
    assert len(moved) == len(set(moved)) == 60  # each once: no copy left behind by a race
