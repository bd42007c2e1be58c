"""ImapMailbox against a real Dovecot: what is read, what is flagged, what survives."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from helpdesk.backoff import backoff_delays
from helpdesk.errors import MailboxError, MailboxLoginError
from helpdesk.mailbox import Cursor, MemoryCursorStore
from helpdesk.mailbox.imap import BATCH_MESSAGES, ImapMailbox
from tests.support.servers import DovecotServer, ImapAccount, free_port

pytestmark = pytest.mark.servers

OpenMailbox = Callable[..., ImapMailbox]


def mail(n: int) -> bytes:
    """A small request from an agency, unique per call."""
    return (
        f"From: Pokja {n} <pokja{n}@dinas.example.go.id>\r\n"
        "To: lpse@karawangkab.go.id\r\n"
        f"Subject: Permohonan reset akun {n}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@dinas.example.go.id>\r\n"
        "Date: Mon, 02 Feb 2026 09:00:00 +0700\r\n"
        "\r\n"
        f"Mohon bantuan reset akun nomor {n}.\r\n"
    ).encode()


@pytest.fixture
def open_imap() -> Iterator[OpenMailbox]:
    """Factory: open_imap(account, cursors=None, **ImapSection overrides) -> ImapMailbox."""
    opened: list[ImapMailbox] = []

    def make(
        account: ImapAccount, cursors: MemoryCursorStore | None = None, **overrides: Any
    ) -> ImapMailbox:
        mailbox = ImapMailbox(account.settings(**overrides), cursors or MemoryCursorStore())
        opened.append(mailbox)
        return mailbox

    yield make
    for mailbox in opened:
        mailbox.close()


def flags_of(account: ImapAccount, folder: str = "INBOX") -> list[frozenset[str]]:
    return [stored.flags - {"\\Recent"} for stored in account.fetch_all(folder)]


def test_fetch_yields_exact_bytes_oldest_first_and_leaves_mail_unseen(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    first, second = mail(1), mail(2)
    received = datetime(2026, 2, 2, 9, 30, tzinfo=UTC)
    imap_account.append(first, internal_date=received)
    imap_account.append(second)

    messages = list(open_imap(imap_account).fetch_new())

    assert [m.data for m in messages] == [first, second]
    assert [m.uid for m in messages] == ["1", "2"]
    assert messages[0].folder == "INBOX"
    assert messages[0].uidvalidity == imap_account.uidvalidity()
    assert messages[0].internal_date == received
    assert flags_of(imap_account) == [frozenset(), frozenset()]


def test_mark_processed_sets_seen_and_the_next_fetch_is_empty(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    imap_account.append(mail(1))
    cursors = MemoryCursorStore()
    mailbox = open_imap(imap_account, cursors)

    for message in mailbox.fetch_new():
        mailbox.mark_processed(message)

    assert flags_of(imap_account) == [{"\\Seen"}]
    assert cursors.get_cursor("INBOX") == Cursor(imap_account.uidvalidity(), 1)
    assert list(mailbox.fetch_new()) == []


def test_mark_processed_moves_mail_to_the_processed_folder(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    raw = mail(1)
    imap_account.append(raw)
    mailbox = open_imap(imap_account, processed_folder="Helpdesk/Processed")

    for message in mailbox.fetch_new():
        mailbox.mark_processed(message)

    assert imap_account.fetch_all("INBOX") == []
    assert [m.data for m in imap_account.fetch_all("Helpdesk/Processed")] == [raw]
    assert list(mailbox.fetch_new()) == []


def test_processed_folder_mode_reads_mail_staff_already_read(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    imap_account.append(mail(1), flags=["\\Seen"])
    cursors = MemoryCursorStore()
    cursors.set_cursor("INBOX", Cursor(imap_account.uidvalidity(), 5))

    messages = list(open_imap(imap_account, cursors, processed_folder="Done").fetch_new())

    assert [m.uid for m in messages] == ["1"]


def test_new_mail_staff_already_read_is_still_yielded(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    # Staff reading the mailbox in another client set \Seen before the bot got to it.
    imap_account.append(mail(1), flags=["\\Seen"])

    assert [m.uid for m in open_imap(imap_account).fetch_new()] == ["1"]


def test_unseen_again_is_yielded_again_but_seen_old_mail_is_not(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    for n in (1, 2):
        imap_account.append(mail(n))
    mailbox = open_imap(imap_account)
    for message in mailbox.fetch_new():
        mailbox.mark_processed(message)

    imap_account.set_flags(2, remove=["\\Seen"])  # someone marked it unread again

    assert [m.uid for m in mailbox.fetch_new()] == ["2"]


def test_deleted_mail_is_not_yielded(imap_account: ImapAccount, open_imap: OpenMailbox) -> None:
    imap_account.append(mail(1), flags=["\\Deleted"])
    imap_account.append(mail(2))

    assert [m.uid for m in open_imap(imap_account).fetch_new()] == ["2"]


def test_recreated_folder_is_read_again_and_stale_marks_are_ignored(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    raws = [mail(1), mail(2)]
    for raw in raws:
        imap_account.append(raw, folder="Helpdesk")
    cursors = MemoryCursorStore()
    mailbox = open_imap(imap_account, cursors, folder="Helpdesk")
    old = list(mailbox.fetch_new())
    for message in old:
        mailbox.mark_processed(message)
    mailbox.close()  # Dovecot disconnects sessions whose folder is deleted
    imap_account.set_flags(1, "Helpdesk", remove=["\\Seen"])

    new_uidvalidity = imap_account.recreate_folder("Helpdesk")
    again = list(mailbox.fetch_new())
    mailbox.mark_processed(old[0])  # names the old folder: must change nothing

    assert new_uidvalidity != old[0].uidvalidity
    assert [m.data for m in again] == raws
    assert {m.uidvalidity for m in again} == {new_uidvalidity}
    assert flags_of(imap_account, "Helpdesk") == [frozenset(), {"\\Seen"}]


def test_quarantine_moves_mail_out_of_the_folder(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    raw = mail(1)
    imap_account.append(raw)
    mailbox = open_imap(imap_account, quarantine_folder="Quarantine")
    [message] = mailbox.fetch_new()

    assert mailbox.quarantine(message, "attachment could not be stored") is True
    assert imap_account.fetch_all("INBOX") == []
    assert [m.data for m in imap_account.fetch_all("Quarantine")] == [raw]
    assert list(mailbox.fetch_new()) == []


def test_quarantine_without_a_folder_returns_false(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    imap_account.append(mail(1))
    mailbox = open_imap(imap_account)
    [message] = mailbox.fetch_new()

    assert mailbox.quarantine(message, "broken") is False
    assert len(imap_account.fetch_all("INBOX")) == 1


def test_many_messages_stream_in_batches_while_being_moved(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    count = BATCH_MESSAGES * 2 + 7
    with imap_account.client() as client:
        client.multiappend("INBOX", [mail(n) for n in range(count)])
    mailbox = open_imap(imap_account, processed_folder="Done")

    uids = []
    for message in mailbox.fetch_new():
        uids.append(int(message.uid))
        mailbox.mark_processed(message)

    assert uids == list(range(1, count + 1))
    assert imap_account.fetch_all("INBOX") == []
    assert len(imap_account.fetch_all("Done")) == count


def test_idle_returns_true_soon_after_mail_arrives(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    mailbox = open_imap(imap_account, poll_interval=120)
    assert list(mailbox.fetch_new()) == []
    # Another connection delivers while we are in IDLE.
    delivery = threading.Timer(0.3, imap_account.append, args=(mail(1),))

    started = time.monotonic()
    delivery.start()
    try:
        arrived = mailbox.wait_for_mail(timeout=60)
    finally:
        delivery.join(timeout=30)
    elapsed = time.monotonic() - started

    assert arrived is True
    assert elapsed < 20  # Dovecot announces new mail ~0.5 s after it lands
    assert [m.uid for m in mailbox.fetch_new()] == ["1"]


def test_wait_reports_mail_that_came_between_fetch_and_wait(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    mailbox = open_imap(imap_account)
    imap_account.append(mail(1))
    [message] = mailbox.fetch_new()
    mailbox.mark_processed(message)  # its response may carry the next arrival's EXISTS
    imap_account.append(mail(2))

    started = time.monotonic()
    assert mailbox.wait_for_mail(timeout=60) is True
    assert time.monotonic() - started < 20


def test_idle_times_out_false_and_leaves_the_connection_usable(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    mailbox = open_imap(imap_account)
    list(mailbox.fetch_new())

    assert mailbox.wait_for_mail(timeout=0.5) is False
    imap_account.append(mail(1))
    assert [m.uid for m in mailbox.fetch_new()] == ["1"]


def test_without_idle_the_wait_is_a_poll(
    make_imap_account: Callable[..., ImapAccount], open_imap: OpenMailbox
) -> None:
    account = make_imap_account(without={"IDLE", "MOVE"})
    mailbox = open_imap(account, poll_interval=0.2)
    list(mailbox.fetch_new())

    started = time.monotonic()
    assert mailbox.wait_for_mail(timeout=60) is False
    assert time.monotonic() - started < 20
    account.append(mail(1))
    assert [m.uid for m in mailbox.fetch_new()] == ["1"]


def test_without_move_only_our_message_is_expunged(
    make_imap_account: Callable[..., ImapAccount], open_imap: OpenMailbox
) -> None:
    account = make_imap_account(without={"IDLE", "MOVE"})
    ours, theirs = mail(1), mail(2)
    account.append(ours)
    account.append(theirs, flags=["\\Deleted"])  # another client's pending deletion
    mailbox = open_imap(account, processed_folder="Done")
    with account.client() as client:
        assert not client.has_capability("MOVE")

    for message in mailbox.fetch_new():
        mailbox.mark_processed(message)

    assert [(m.data, m.flags - {"\\Recent"}) for m in account.fetch_all("INBOX")] == [
        (theirs, {"\\Deleted"})
    ]
    assert [m.data for m in account.fetch_all("Done")] == [ours]


def test_restarted_server_raises_mailbox_error_then_reconnects(
    dovecot: DovecotServer, imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    mailbox = open_imap(imap_account)
    imap_account.append(mail(1))
    for message in mailbox.fetch_new():
        mailbox.mark_processed(message)

    dovecot.restart()
    imap_account.append(mail(2))

    with pytest.raises(MailboxError):
        list(mailbox.fetch_new())
    assert [m.uid for m in mailbox.fetch_new()] == ["2"]


def test_server_restart_during_idle_raises_mailbox_error_promptly(
    dovecot: DovecotServer, imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    mailbox = open_imap(imap_account)
    list(mailbox.fetch_new())
    restart = threading.Timer(0.3, dovecot.restart)

    started = time.monotonic()
    restart.start()
    try:
        with pytest.raises(MailboxError):
            mailbox.wait_for_mail(timeout=60)
    finally:
        restart.join(timeout=60)

    assert time.monotonic() - started < 30
    imap_account.append(mail(1))
    assert [m.uid for m in mailbox.fetch_new()] == ["1"]


def test_wrong_password_raises_mailbox_login_error(
    imap_account: ImapAccount, open_imap: OpenMailbox
) -> None:
    mailbox = open_imap(imap_account, password="wrong")

    with pytest.raises(MailboxLoginError, match=imap_account.user):
        mailbox.reconnect()


def test_no_server_raises_mailbox_error(imap_account: ImapAccount, open_imap: OpenMailbox) -> None:
    mailbox = open_imap(imap_account, port=free_port())

    with pytest.raises(MailboxError, match="Check \\[imap\\] host"):
        list(mailbox.fetch_new())


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_security_the_server_does_not_offer_raises_mailbox_error(
    imap_account: ImapAccount, open_imap: OpenMailbox, security: str
) -> None:
    # The test Dovecot speaks plain IMAP only: no TLS, no STARTTLS.
    mailbox = open_imap(imap_account, security=security)

    with pytest.raises(MailboxError, match="security"):
        mailbox.reconnect()


def test_backoff_delays_grow_with_jitter_and_stay_capped() -> None:
    delays = backoff_delays(base=1.0, cap=60.0)
    first = [next(delays) for _ in range(12)]

    assert 0.5 <= first[0] <= 1.0
    assert first[3] > first[0]
    assert all(30.0 <= d <= 60.0 for d in first[7:])
