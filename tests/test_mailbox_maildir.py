"""MaildirMailbox and open_mailbox: unread mail in, S flag and quarantine out."""

from __future__ import annotations

import mailbox
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from helpdesk.mailbox import MemoryCursorStore, open_mailbox
from helpdesk.mailbox.imap import ImapMailbox
from helpdesk.mailbox.maildir import MaildirMailbox, deliver
from helpdesk.settings import Settings


def mail(n: int) -> bytes:
    return f"From: pokja{n}@dinas.example.go.id\r\nSubject: Permohonan {n}\r\n\r\nIsi.\r\n".encode()


def files_in(path: Path, sub: str) -> list[str]:
    return sorted(os.listdir(path / sub))


def test_deliver_creates_the_maildir_and_writes_into_new(tmp_path: Path) -> None:
    maildir = tmp_path / "maildir"

    key = deliver(maildir, mail(1))

    assert files_in(maildir, "new") == [key]
    assert files_in(maildir, "tmp") == []
    assert (maildir / "new" / key).read_bytes() == mail(1)


def test_fetch_yields_unread_mail_oldest_first_with_exact_bytes(tmp_path: Path) -> None:
    newer, older = deliver(tmp_path, mail(1)), deliver(tmp_path, mail(2))
    os.utime(tmp_path / "new" / newer, (1_770_000_200, 1_770_000_200))
    os.utime(tmp_path / "new" / older, (1_770_000_100, 1_770_000_100))

    messages = list(MaildirMailbox(tmp_path).fetch_new())

    assert [(m.uid, m.data) for m in messages] == [(older, mail(2)), (newer, mail(1))]
    assert messages[0].internal_date == datetime.fromtimestamp(1_770_000_100, UTC)
    assert (messages[0].folder, messages[0].uidvalidity) == ("INBOX", 0)


def test_fetch_reads_unseen_mail_in_cur_but_not_seen_mail(tmp_path: Path) -> None:
    # A mail reader moved both to cur/; staff opened only the second.
    for name, n in (("1.unseen:2,F", 1), ("2.seen:2,S", 2)):
        (tmp_path / "cur").mkdir(exist_ok=True)
        (tmp_path / "cur" / name).write_bytes(mail(n))

    messages = list(MaildirMailbox(tmp_path).fetch_new())

    assert [m.uid for m in messages] == ["1.unseen"]


def test_mark_processed_sets_the_seen_flag_and_keeps_others(tmp_path: Path) -> None:
    mailbox_ = MaildirMailbox(tmp_path)
    (tmp_path / "cur" / "7.flagged:2,F").write_bytes(mail(7))
    key = deliver(tmp_path, mail(1))

    for message in mailbox_.fetch_new():
        mailbox_.mark_processed(message)

    assert files_in(tmp_path, "new") == []
    assert files_in(tmp_path, "cur") == sorted(["7.flagged:2,FS", f"{key}:2,S"])
    assert list(mailbox_.fetch_new()) == []


def test_mark_processed_of_mail_gone_meanwhile_does_nothing(tmp_path: Path) -> None:
    key = deliver(tmp_path, mail(1))
    mailbox_ = MaildirMailbox(tmp_path)
    [message] = mailbox_.fetch_new()
    (tmp_path / "new" / key).unlink()

    mailbox_.mark_processed(message)

    assert files_in(tmp_path, "cur") == []


def test_quarantine_moves_mail_into_the_quarantine_folder(tmp_path: Path) -> None:
    deliver(tmp_path, mail(1))
    mailbox_ = MaildirMailbox(tmp_path)
    [message] = mailbox_.fetch_new()

    assert mailbox_.quarantine(message, "attachment could not be stored") is True

    quarantined = mailbox.Maildir(tmp_path, create=False).get_folder("Quarantine")
    assert [quarantined.get_bytes(key) for key in quarantined.keys()] == [mail(1)]
    assert list(mailbox_.fetch_new()) == []


def test_wait_returns_true_soon_after_delivery(tmp_path: Path) -> None:
    mailbox_ = MaildirMailbox(tmp_path)
    assert list(mailbox_.fetch_new()) == []
    delivery = threading.Timer(0.2, deliver, args=(tmp_path, mail(1)))

    started = time.monotonic()
    delivery.start()
    try:
        arrived = mailbox_.wait_for_mail(timeout=60)
    finally:
        delivery.join(timeout=30)

    assert arrived is True
    assert time.monotonic() - started < 20


def test_wait_without_new_mail_returns_false_after_the_timeout(tmp_path: Path) -> None:
    mailbox_ = MaildirMailbox(tmp_path)
    deliver(tmp_path, mail(1))
    list(mailbox_.fetch_new())  # read but not yet marked: not new any more

    assert mailbox_.wait_for_mail(timeout=0.3) is False


def test_open_mailbox_chooses_the_configured_source(tmp_path: Path) -> None:
    maildir = Settings.model_validate({"mailbox": {"source": "maildir", "path": tmp_path}})
    imap = Settings.model_validate({"mailbox": {"source": "imap"}, "imap": {"port": 1}})

    assert isinstance(open_mailbox(maildir, MemoryCursorStore()), MaildirMailbox)
    assert isinstance(open_mailbox(imap, MemoryCursorStore()), ImapMailbox)  # no connection yet
