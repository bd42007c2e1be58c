"""The IMAP server failing under the bot: a connection that dies silently, Dovecot stopped
during IDLE, FETCH and MOVE, and a server without MOVE stopped half-way through COPY,
\\Deleted and UID EXPUNGE. After each: every message one ticket and one answer, and every
message out of the folder the bot reads.

Dovecot restarted during IDLE, and a server without MOVE expunging only our message, are
covered in test_end_to_end.py and test_mailbox_imap.py.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from helpdesk.errors import MailboxError
from helpdesk.mailbox import MemoryCursorStore
from helpdesk.mailbox import imap as imap_mailbox
from helpdesk.mailbox.imap import ImapMailbox, keepalive_options
from helpdesk.runner import Worker
from tests.conftest import BotFactory
from tests.support.bot import stop_watching, wait_until
from tests.support.desk import Helpdesk
from tests.support.servers import DovecotServer, ImapAccount, SmtpRecorder
from tests.support.tcp_proxy import TcpProxy
from tests.support.workers import request

pytestmark = pytest.mark.servers

DONE = "Diproses"
# Time the bot may take beyond what its settings allow, on a slow and busy machine.
SLACK = 20.0


@pytest.fixture
def make_worker(
    tmp_path: Path, smtp_server: SmtpRecorder, sent_mail: list[EmailMessage]
) -> Iterator[Callable[..., tuple[Helpdesk, Worker]]]:
    """Factory: make_worker(account) -> an in-process worker moving handled mail to DONE."""
    workers: list[Worker] = []

    def make(account: ImapAccount) -> tuple[Helpdesk, Worker]:
        folder = tmp_path / account.user
        folder.mkdir()
        desk = Helpdesk(
            folder,
            mailbox={"source": "imap"},
            imap=account.settings(processed_folder=DONE).model_dump(),
            smtp={"transport": "smtp", "host": smtp_server.host, "port": smtp_server.port},
        )
        worker = Worker(desk.settings, desk.engine, processes=0)
        workers.append(worker)
        return desk, worker

    yield make
    for worker in workers:
        worker.close()


def stop_server_at(
    monkeypatch: pytest.MonkeyPatch,
    server: DovecotServer,
    method: str,
    *,
    call: int,
    after_answer: bool = False,
    only: Callable[..., bool] = lambda *args: True,
) -> None:
    """Stop `server` at the `call`-th IMAPClient.`method` call that `only` accepts: before
    the command reaches it, or (`after_answer`) once it has answered."""
    real = getattr(IMAPClient, method)
    calls = 0

    def stopping(client: IMAPClient, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        hit = only(*args) and (calls := calls + 1) == call
        if hit and not after_answer:
            server.stop()
        result = real(client, *args, **kwargs)
        if hit and after_answer:
            server.stop()
        return result

    monkeypatch.setattr(IMAPClient, method, stopping)


def run_through_outage(worker: Worker, server: DovecotServer) -> None:
    """One run that the stopped server breaks, then, as run_forever would, one after it."""
    try:
        with pytest.raises(MailboxError):
            worker.run_once()
        worker.close_mailbox()
    finally:
        server.start()
    worker.run_once()


def message_ids(account: ImapAccount, folder: str) -> list[str]:
    return [str(message_from_bytes(m.data)["Message-ID"]) for m in account.fetch_all(folder)]


def assert_each_handled_once(
    account: ImapAccount, desk: Helpdesk, sent_mail: list[EmailMessage], sent: list[bytes]
) -> None:
    """One ticket and one answer per message, each moved out of INBOX once."""
    ids = sorted(str(message_from_bytes(raw)["Message-ID"]) for raw in sent)
    assert len(desk.tickets()) == len(sent)
    assert sorted(str(answer["In-Reply-To"]) for answer in sent_mail) == ids
    assert sorted(message_ids(account, DONE)) == ids
    assert message_ids(account, "INBOX") == []


# --- a connection that died silently ----------------------------------------------------


@pytest.mark.parametrize("keepalive", [300.0, 3.0, 2.0])
def test_connection_probes_a_silent_peer_within_keepalive(
    imap_account: ImapAccount, keepalive: float
) -> None:
    mailbox = ImapMailbox(imap_account.settings(keepalive=keepalive), MemoryCursorStore())
    try:
        mailbox.reconnect()
        client = mailbox._client  # the socket holds what the kernel was told
        assert client is not None
        sock = client.socket()

        def option(name: str) -> int:
            return sock.getsockopt(socket.IPPROTO_TCP, getattr(socket, name))

        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        given_up_after = option("TCP_KEEPIDLE") + option("TCP_KEEPINTVL") * option("TCP_KEEPCNT")
        assert given_up_after <= keepalive
        assert option("TCP_KEEPIDLE") >= keepalive / 3  # a live but quiet link is not probed
    finally:
        mailbox.close()


def test_keepalive_options_below_two_seconds_take_the_kernel_minimum() -> None:
    assert keepalive_options(0.5) == {"TCP_KEEPIDLE": 1, "TCP_KEEPINTVL": 1, "TCP_KEEPCNT": 1}
    assert keepalive_options(1e9)["TCP_KEEPIDLE"] <= 32767


def test_idle_on_a_silently_dropped_connection_raises_within_keepalive_and_timeout(
    imap_account: ImapAccount,
) -> None:
    keepalive, timeout = 2.0, 3.0
    with TcpProxy(imap_account.host, imap_account.port) as proxy:
        settings = imap_account.settings(
            host=proxy.host, port=proxy.port, keepalive=keepalive, timeout=timeout
        )
        mailbox = ImapMailbox(settings, MemoryCursorStore())
        list(mailbox.fetch_new())
        dropped: list[float] = []

        def drop_when_idling() -> None:
            if wait_until(lambda: proxy.server_sent(b"+ idling"), timeout=60):
                proxy.blackhole()
                dropped.append(time.monotonic())

        dropper = threading.Thread(target=drop_when_idling)
        dropper.start()
        try:
            with pytest.raises(MailboxError, match="Lost the connection"):
                mailbox.wait_for_mail(timeout=120)  # were IDLE not renewed: 2 minutes
            noticed = time.monotonic()
        finally:
            dropper.join(timeout=90)
            mailbox.close()
    # IDLE ends within `keepalive` of the blackhole, then DONE goes unanswered `timeout`.
    assert noticed - dropped[0] < keepalive + timeout + SLACK


def test_a_silently_dropped_connection_fails_the_next_command_within_timeout(
    imap_account: ImapAccount,
) -> None:
    timeout = 3.0
    with TcpProxy(imap_account.host, imap_account.port) as proxy:
        settings = imap_account.settings(host=proxy.host, port=proxy.port, timeout=timeout)
        mailbox = ImapMailbox(settings, MemoryCursorStore())
        try:
            list(mailbox.fetch_new())
            proxy.blackhole()
            started = time.monotonic()
            with pytest.raises(MailboxError, match="Lost the connection"):
                list(mailbox.fetch_new())
            assert time.monotonic() - started < timeout + SLACK
        finally:
            mailbox.close()


def test_idle_renewed_every_keepalive_still_reports_new_mail(
    imap_account: ImapAccount,
) -> None:
    mailbox = ImapMailbox(imap_account.settings(keepalive=1.0), MemoryCursorStore())
    try:
        list(mailbox.fetch_new())
        # Lands after IDLE has been renewed at least twice.
        delivery = threading.Timer(2.5, imap_account.append, args=(request(1),))
        started = time.monotonic()
        delivery.start()
        try:
            assert mailbox.wait_for_mail(timeout=60) is True
        finally:
            delivery.join(timeout=30)
        assert 2.5 <= time.monotonic() - started < 2.5 + SLACK
        assert [m.uid for m in mailbox.fetch_new()] == ["1"]
    finally:
        mailbox.close()


def test_watching_notices_a_silently_dropped_connection_and_handles_mail_once(
    imap_account: ImapAccount, make_bot: BotFactory, sent_mail: list[EmailMessage]
) -> None:
    keepalive, timeout = 3.0, 5.0
    raw = request(1)
    with TcpProxy(imap_account.host, imap_account.port) as proxy:
        # Hour-long sweeps and polls: only keepalive can explain a prompt reconnect.
        bot = make_bot(
            imap_account,
            host=proxy.host,
            port=proxy.port,
            keepalive=keepalive,
            timeout=timeout,
            sweep_interval=3600.0,
            poll_interval=3600.0,
        )
        watcher = bot.watch()
        try:
            assert wait_until(lambda: proxy.server_sent(b"+ idling"), timeout=90)
            before = proxy.accepted()
            proxy.blackhole()  # as a NAT that forgot the flow: no close, no reset, silence
            dropped = time.monotonic()
            imap_account.append(raw)  # straight to Dovecot: the silenced IDLE never hears
            proxy.restore()
            assert wait_until(lambda: proxy.accepted() > before, timeout=120)
            noticed = proxy.accept_times()[before] - dropped
            assert wait_until(lambda: len(sent_mail) == 1, timeout=120)
        finally:
            code, stderr = stop_watching(watcher)
    assert code == 0, stderr
    # IDLE renewed within `keepalive`, DONE unanswered for `timeout`, then at most 1 s of
    # backoff before the first reconnect. Without keepalive: the hour-long sweep.
    assert noticed < keepalive + timeout + 1 + SLACK
    assert len(bot.tickets()) == 1
    assert [str(answer["In-Reply-To"]) for answer in sent_mail] == [
        str(message_from_bytes(raw)["Message-ID"])
    ]
    assert ["\\Seen" in m.flags for m in imap_account.fetch_all()] == [True]


# --- Dovecot stopped ------------------------------------------------------------------


def test_watching_backs_off_while_dovecot_is_down_then_handles_mail_once(
    imap_account: ImapAccount, make_bot: BotFactory, sent_mail: list[EmailMessage]
) -> None:
    server = imap_account.server
    with TcpProxy(imap_account.host, imap_account.port) as proxy:
        bot = make_bot(imap_account, host=proxy.host, port=proxy.port, sweep_interval=3600.0)
        watcher = bot.watch()
        try:
            assert wait_until(lambda: proxy.server_sent(b"+ idling"), timeout=90)
            before = proxy.accepted()
            server.stop()  # during IDLE
            # Each reconnect shows as a connection the proxy accepts and cannot pass on.
            assert wait_until(lambda: proxy.accepted() >= before + 3, timeout=90)
            server.start()
            imap_account.append(request(1))
            assert wait_until(lambda: len(sent_mail) == 1, timeout=120)
        finally:
            server.start()
            code, stderr = stop_watching(watcher)
    assert code == 0, stderr
    attempts = proxy.accept_times()[before : before + 3]
    # Pauses double from 0.5-1 s, half of each random: never shorter than their floor.
    assert attempts[1] - attempts[0] >= 1.0
    assert attempts[2] - attempts[1] >= 2.0
    assert len(bot.tickets()) == 1
    assert len(sent_mail) == 1


@pytest.mark.parametrize("after_answer", [False, True], ids=["fetch-unanswered", "fetch-answered"])
def test_dovecot_stopped_during_fetch_loses_and_doubles_nothing(
    dovecot: DovecotServer,
    imap_account: ImapAccount,
    make_worker: Callable[..., tuple[Helpdesk, Worker]],
    sent_mail: list[EmailMessage],
    monkeypatch: pytest.MonkeyPatch,
    after_answer: bool,
) -> None:
    sent = [request(n) for n in range(5)]
    for raw in sent:
        imap_account.append(raw)
    desk, worker = make_worker(imap_account)
    monkeypatch.setattr(imap_mailbox, "BATCH_MESSAGES", 2)
    # The second batch's bodies: two messages are handled and moved by then. Answered,
    # the batch's first message gets its ticket before moving it fails.
    stop_server_at(
        monkeypatch,
        dovecot,
        "fetch",
        call=2,
        after_answer=after_answer,
        only=lambda uids, items, *rest: "BODY.PEEK[]" in items,
    )

    run_through_outage(worker, dovecot)

    assert_each_handled_once(imap_account, desk, sent_mail, sent)
    assert worker.run_once().fetched == 0


def test_dovecot_stopped_during_move_loses_and_doubles_nothing(
    dovecot: DovecotServer,
    imap_account: ImapAccount,
    make_worker: Callable[..., tuple[Helpdesk, Worker]],
    sent_mail: list[EmailMessage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent = [request(n) for n in range(3)]
    for raw in sent:
        imap_account.append(raw)
    desk, worker = make_worker(imap_account)
    # The second message's ticket is committed when its MOVE meets a stopped server.
    stop_server_at(monkeypatch, dovecot, "move", call=2)

    run_through_outage(worker, dovecot)

    assert_each_handled_once(imap_account, desk, sent_mail, sent)
    assert worker.run_once().fetched == 0


@pytest.mark.parametrize("step", ["add_flags", "uid_expunge"])
def test_without_move_a_stop_between_copy_and_expunge_costs_no_ticket_and_no_mail(
    make_imap_account: Callable[..., ImapAccount],
    make_worker: Callable[..., tuple[Helpdesk, Worker]],
    sent_mail: list[EmailMessage],
    monkeypatch: pytest.MonkeyPatch,
    step: str,
) -> None:
    account = make_imap_account(without={"IDLE", "MOVE"})
    theirs = request(99)
    account.append(theirs, flags=["\\Deleted"])  # another client's pending deletion
    sent = [request(n) for n in range(3)]
    for raw in sent:
        account.append(raw)
    desk, worker = make_worker(account)
    # The second message is copied to DONE when the server stops before \Deleted is set
    # on it (add_flags), or before it is expunged (uid_expunge).
    stop_server_at(monkeypatch, account.server, step, call=2)

    run_through_outage(worker, account.server)

    ids = sorted(str(message_from_bytes(raw)["Message-ID"]) for raw in sent)
    assert len(desk.tickets()) == len(sent)
    assert sorted(str(answer["In-Reply-To"]) for answer in sent_mail) == ids
    assert sorted(set(message_ids(account, DONE))) == ids  # none lost
    left = {str(message_from_bytes(m.data)["Message-ID"]): m.flags for m in account.fetch_all()}
    assert all("\\Deleted" in flags for flags in left.values())  # none to be read again
    assert str(message_from_bytes(theirs)["Message-ID"]) in left  # never a plain EXPUNGE
    assert worker.run_once().fetched == 0


def test_run_once_reconnects_when_the_connection_drops_and_reads_the_rest(
    imap_account: ImapAccount,
    smtp_server: SmtpRecorder,
    sent_mail: list[EmailMessage],
    tmp_path: Path,
) -> None:
    sent = [request(n) for n in range(6)]
    for raw in sent:
        imap_account.append(raw)
    with TcpProxy(imap_account.host, imap_account.port) as proxy:
        through_proxy = imap_account.settings(
            processed_folder=DONE, host=proxy.host, port=proxy.port
        )
        desk = Helpdesk(
            tmp_path,
            mailbox={"source": "imap"},
            imap=through_proxy.model_dump(),
            smtp={"transport": "smtp", "host": smtp_server.host, "port": smtp_server.port},
        )
        worker = Worker(desk.settings, desk.engine, processes=0)
        stored: list[str] = []

        def drop_after_the_third(act: Any) -> None:
            stored.append(act.message.message_id or "")
            if len(stored) == 3:
                for connection in proxy.connections:
                    connection.close()  # a reset in the middle of the run

        steps = (*worker.pipeline.act_steps, drop_after_the_third)
        worker.pipeline = replace(worker.pipeline, act_steps=steps)
        try:
            report = worker.run_once()  # one run: no MailboxError, nothing left unread
        finally:
            worker.close()

    assert len(proxy.connections) >= 2  # it opened a new connection within the run
    assert report.handled >= len(sent)
    assert_each_handled_once(imap_account, desk, sent_mail, sent)
