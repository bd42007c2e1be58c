"""The IMAP mailbox: imapclient behind the Mailbox protocol.

What is read from the configured folder: every UID above the stored Cursor, plus every
UNSEEN message (a safety net for mail a crash left unmarked), never \\Deleted mail. With a
processed folder, handled mail is moved away, so the whole folder is read. The pipeline
skips what it already has (Message-ID), so reading a message twice is harmless; skipping
one is not.

imapclient, imaplib and socket errors stop here: callers see MailboxError, or
MailboxLoginError when the server refuses our credentials. A dropped connection raises
MailboxError once; the next call connects again. One that died silently (a NAT or firewall
forgot it) is noticed within about `[imap] keepalive` + `timeout` seconds: TCP keepalive
probes, and IDLE renewed at least that often, whose DONE then goes unanswered.
"""

from __future__ import annotations

import logging
import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import Any

from imapclient import DELETED, SEEN, IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from helpdesk.errors import MailboxError, MailboxLoginError
from helpdesk.mailbox import Cursor, CursorStore, RawMessage
from helpdesk.settings import ImapSection

log = logging.getLogger(__name__)

BATCH_MESSAGES = 50  # messages fetched per FETCH ...
BATCH_BYTES = 32 * 1024 * 1024  # ... and at most this many bytes of them (one big one alone)
SIZE_CHUNK = 1000  # UIDs whose sizes are asked for in one FETCH
IDLE_MAX = 25 * 60.0  # RFC 2177: servers may end an IDLE after 30 minutes
KEEPALIVE_PROBES = 4  # unanswered TCP keepalive probes before the kernel gives up
_TCP_SECONDS_MAX = 32767  # Linux refuses larger TCP_KEEPIDLE and TCP_KEEPINTVL values


def keepalive_options(seconds: float) -> dict[str, int]:
    """TCP keepalive options that give up on a silent peer within `seconds`.

    {"TCP_KEEPIDLE": 150, "TCP_KEEPINTVL": 37, "TCP_KEEPCNT": 4} for 300: idle + interval
    * count <= seconds. The kernel counts whole seconds, at least one each, so below 2 s
    the probes take 2 s (IDLE renewal still keeps to the setting).
    """
    budget = min(int(seconds), _TCP_SECONDS_MAX)
    idle = max(1, budget // 2)
    rest = max(1, budget - idle)
    count = min(KEEPALIVE_PROBES, rest)
    return {"TCP_KEEPIDLE": idle, "TCP_KEEPINTVL": max(1, rest // count), "TCP_KEEPCNT": count}


def _keep_alive(sock: socket.socket, seconds: float) -> None:
    """Let the kernel notice a peer that vanished silently (NAT, firewall) during IDLE."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for name, value in keepalive_options(seconds).items():
        if hasattr(socket, name):  # Linux names; other systems keep their defaults
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, name), value)


def _chunks(uids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(uids), size):
        yield uids[start : start + size]


def _plan_batches(sized: Iterable[tuple[int, int]]) -> Iterator[list[int]]:
    """Group (uid, size) pairs into FETCH batches bounded in count and bytes: [[1, 2], [9]]."""
    batch: list[int] = []
    total = 0
    for uid, size in sized:
        if batch and (len(batch) >= BATCH_MESSAGES or total + size > BATCH_BYTES):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += size
    if batch:
        yield batch


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _raw_messages(
    folder: str, uidvalidity: int, uids: list[int], response: dict[int, dict[bytes, Any]]
) -> list[RawMessage]:
    messages = []
    for uid in uids:
        item = response.get(uid, {})
        if b"BODY[]" not in item:
            continue  # expunged by another client since the search
        date = _utc(item.get(b"INTERNALDATE"))
        messages.append(RawMessage(folder, uidvalidity, str(uid), item[b"BODY[]"], date))
    return messages


def _announces_mail(response: tuple[Any, ...]) -> bool:
    return len(response) >= 2 and response[1] in (b"EXISTS", b"RECENT")


class ImapMailbox:
    """The helpdesk's IMAP folder, read with imapclient; connects on first use."""

    def __init__(self, settings: ImapSection, cursors: CursorStore) -> None:
        self._settings = settings
        self._cursors = cursors
        self._client: IMAPClient | None = None
        self._selected: str | None = None
        self._uidvalidity = 0  # of the selected folder
        # (UIDVALIDITY, UIDNEXT) of the folder as fetch_new last searched it
        self._fetched: tuple[int, int] | None = None
        self._folders: set[str] = set()  # folders known to exist on this connection
        self._where = f"{settings.user}@{settings.host}:{settings.port}"

    # --- connection ---------------------------------------------------------------------

    def _connect(self) -> IMAPClient:
        s = self._settings
        context = ssl.create_default_context()
        try:
            client = IMAPClient(
                s.host, port=s.port, ssl=s.security == "ssl", ssl_context=context, timeout=s.timeout
            )
        except (OSError, IMAPClientError) as exc:
            raise MailboxError(
                f"Cannot connect to the IMAP server {s.host}:{s.port} ({exc}). Check [imap] "
                "host, port and security, and that the server is running."
            ) from exc
        # imapclient sets imaplib's debug level to 5, which formats every literal it
        # receives even with logging off: fetching mail was 9x slower.
        client._imap.debug = 0
        client.normalise_times = False  # keep INTERNALDATE's offset: aware datetimes
        try:
            _keep_alive(client.socket(), s.keepalive)
            if s.security == "starttls":
                client.starttls(context)
            client.login(s.user, s.password)
        except LoginError as exc:
            self._shutdown(client)
            raise MailboxLoginError(
                f"The IMAP server {s.host}:{s.port} refused user {s.user!r} ({exc}). Check "
                "[imap] user and password (or HELPDESK_IMAP_PASSWORD)."
            ) from exc
        except (OSError, IMAPClientError) as exc:
            self._shutdown(client)
            raise MailboxError(
                f"Cannot log in to {self._where} ({exc}). Check [imap] security "
                "(none, starttls or ssl) matches the server's port."
            ) from exc
        self._client = client
        return client

    @staticmethod
    def _shutdown(client: IMAPClient) -> None:
        with suppress(Exception):
            client.shutdown()

    def _drop(self) -> None:
        client, self._client = self._client, None
        self._selected = None
        self._folders.clear()
        if client is not None:
            self._shutdown(client)

    @contextmanager
    def _server(self, action: str) -> Iterator[IMAPClient]:
        """The logged-in connection (opened if needed); what goes wrong becomes MailboxError."""
        client = self._client or self._connect()
        try:
            yield client
        except (IMAPClientAbortError, OSError) as exc:
            self._drop()
            raise MailboxError(
                f"Lost the connection to {self._where} while {action} ({exc}). The helpdesk "
                "reconnects by itself; if this repeats, check the IMAP server."
            ) from exc
        except IMAPClientError as exc:
            self._drop()  # after a refusal the session's state (folder, IDLE) is unsure
            raise MailboxError(f"The IMAP server {self._where} refused {action}: {exc}") from exc
        except BaseException:
            self._drop()
            raise

    def reconnect(self) -> None:
        """Drop the connection and log in again; raises MailboxError or MailboxLoginError."""
        self.close()
        with self._server("connecting"):
            pass

    def close(self) -> None:
        """Log out; errors are ignored, the connection may already be gone."""
        client, self._client = self._client, None
        self._selected = None
        self._folders.clear()
        if client is not None:
            try:
                client.logout()
            except Exception:
                self._shutdown(client)

    # --- reading ------------------------------------------------------------------------

    def _select(self, client: IMAPClient, folder: str) -> dict[bytes, Any]:
        info: dict[bytes, Any] = client.select_folder(folder)
        self._selected = folder
        self._uidvalidity = int(info[b"UIDVALIDITY"])
        return info

    def _in_folder(self, client: IMAPClient, folder: str, uidvalidity: int) -> bool:
        """Select `folder` again if a reconnect lost it; False if its UIDVALIDITY changed."""
        if self._selected != folder:
            self._select(client, folder)
        if self._uidvalidity != uidvalidity:
            log.warning(
                "%s on %s was recreated (new UIDVALIDITY): its mail will be read again",
                folder,
                self._where,
            )
            return False
        return True

    def _last_uid(self, folder: str, uidvalidity: int) -> int:
        cursor = self._cursors.get_cursor(folder)
        if cursor is None:
            return 0
        if cursor.uidvalidity != uidvalidity:
            # UIDs of the old folder mean nothing now: read it all; the pipeline dedups.
            log.warning("UIDVALIDITY of %s changed: reading the whole folder again", folder)
            return 0
        return cursor.last_uid

    def _candidates(self, client: IMAPClient, last_uid: int) -> list[int]:
        """UIDs to read, ascending: [41, 42, 57]."""
        if self._settings.processed_folder:
            return sorted(client.search(["NOT", "DELETED"]))
        # "n:*" always matches the highest UID, even one below n: hence the filter.
        newer = client.search(["UID", f"{last_uid + 1}:*", "NOT", "DELETED"])
        unseen = client.search(["UNSEEN", "NOT", "DELETED"])
        return sorted({uid for uid in newer if uid > last_uid} | set(unseen))

    def fetch_new(self) -> Iterator[RawMessage]:
        """Yield unhandled mail, oldest UID first: RawMessage("INBOX", 1700000000, "42", ...).

        Fetched in batches with BODY.PEEK[] (which leaves \\Seen alone), so a big folder
        is never held in memory at once.
        """
        folder = self._settings.folder
        with self._server(f"searching {folder}") as client:
            info = self._select(client, folder)
            uidvalidity = self._uidvalidity
            uids = self._candidates(client, self._last_uid(folder, uidvalidity))
        # What wait_for_mail will count as new: mail that came after this search.
        uidnext = max([int(info.get(b"UIDNEXT", 1)), *(uid + 1 for uid in uids[-1:])])
        self._fetched = (uidvalidity, uidnext)
        for chunk in _chunks(uids, SIZE_CHUNK):
            with self._server(f"reading {folder}") as client:
                if not self._in_folder(client, folder, uidvalidity):
                    return
                sizes = client.fetch(chunk, ["RFC822.SIZE"])
            sized = [(uid, int(sizes[uid][b"RFC822.SIZE"])) for uid in chunk if uid in sizes]
            for batch in _plan_batches(sized):
                with self._server(f"reading {folder}") as client:
                    if not self._in_folder(client, folder, uidvalidity):
                        return
                    response = client.fetch(batch, ["INTERNALDATE", "BODY.PEEK[]"])
                yield from _raw_messages(folder, uidvalidity, batch, response)

    # --- marking ------------------------------------------------------------------------

    def _is_current(self, client: IMAPClient, message: RawMessage) -> bool:
        # After a UIDVALIDITY change the UID names nothing, or another message.
        return self._in_folder(client, message.folder, message.uidvalidity)

    def _ensure_folder(self, client: IMAPClient, folder: str) -> None:
        if folder in self._folders:
            return
        if not client.folder_exists(folder):
            try:
                client.create_folder(folder)
            except IMAPClientError:
                if not client.folder_exists(folder):  # else another client just made it
                    raise
        self._folders.add(folder)

    def _move(self, client: IMAPClient, uid: int, folder: str) -> None:
        """Move one message; without MOVE: COPY, \\Deleted, then UID EXPUNGE of it alone."""
        self._ensure_folder(client, folder)
        if client.has_capability("MOVE"):
            client.move([uid], folder)
            return
        # Cut off after COPY, the message is in both folders: read again, the pipeline
        # knows it (no second ticket) and it is copied once more. Cut off after \Deleted,
        # it stays flagged until someone expunges; fetch_new skips it. Never lost either way.
        client.copy([uid], folder)
        client.add_flags([uid], [DELETED], silent=True)
        if client.has_capability("UIDPLUS"):
            client.uid_expunge([uid])
        else:
            # A plain EXPUNGE would also remove mail other clients flagged \Deleted. Ours
            # stays flagged until someone expunges; fetch_new skips \Deleted mail.
            log.info("%s has no UIDPLUS: UID %d left flagged \\Deleted", self._where, uid)

    def _advance(self, message: RawMessage) -> None:
        cursor = self._cursors.get_cursor(message.folder)
        last = cursor.last_uid if cursor and cursor.uidvalidity == message.uidvalidity else 0
        self._cursors.set_cursor(
            message.folder, Cursor(message.uidvalidity, max(last, int(message.uid)))
        )

    def mark_processed(self, message: RawMessage) -> None:
        """Move `message` to processed_folder, or flag it \\Seen; then advance the cursor."""
        target = self._settings.processed_folder
        with self._server(f"marking {message.location} processed") as client:
            if not self._is_current(client, message):
                return
            if target:
                self._move(client, int(message.uid), target)
            else:
                client.add_flags([int(message.uid)], [SEEN], silent=True)
        self._advance(message)

    def quarantine(self, message: RawMessage, reason: str) -> bool:
        """Move `message` to quarantine_folder; False if none is configured or it is gone."""
        target = self._settings.quarantine_folder
        if not target:
            return False
        with self._server(f"quarantining {message.location}") as client:
            if not self._is_current(client, message):
                return False
            self._move(client, int(message.uid), target)
        log.warning("moved %s to %s: %s", message.location, target, reason)
        self._advance(message)
        return True

    # --- waiting ------------------------------------------------------------------------

    def wait_for_mail(self, timeout: float) -> bool:
        """Wait with IDLE until new mail (True) or `timeout` s (False); without IDLE, sleep."""
        folder = self._settings.folder
        with self._server(f"waiting for mail in {folder}") as client:
            if client.has_capability("IDLE"):
                return self._idle(client, folder, timeout)
        time.sleep(min(timeout, self._settings.poll_interval))
        return False

    def _idle(self, client: IMAPClient, folder: str, timeout: float) -> bool:
        # Mail that came after fetch_new's search was announced in an earlier command's
        # response, and IDLE would not announce it again: a fresh SELECT's UIDNEXT shows it.
        info = self._select(client, folder)
        now = (self._uidvalidity, int(info.get(b"UIDNEXT", 0)))
        if self._fetched is not None and now != self._fetched:
            return True
        self._fetched = now
        # A connection that died silently looks exactly like a quiet mailbox during IDLE;
        # only an unanswered DONE (read with [imap] timeout) gives it away, so IDLE is
        # renewed at least every `keepalive` seconds.
        renew = min(IDLE_MAX, self._settings.keepalive)
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if self._idle_round(client, min(left, renew)):
                return True
        return False

    @staticmethod
    def _idle_round(client: IMAPClient, seconds: float) -> bool:
        """One IDLE command of at most `seconds`; True if the server announced new mail."""
        until = time.monotonic() + seconds
        arrived = False
        client.idle()
        while not arrived and (left := until - time.monotonic()) > 0:
            responses = client.idle_check(timeout=left)
            # idle_check returns nothing early only when the server closed the connection.
            if not responses and until - time.monotonic() > 0.05:
                raise ConnectionResetError("the server closed the connection during IDLE")
            arrived = any(_announces_mail(r) for r in responses)
        # A response that came in one packet with "+ idling" waits in imaplib's buffer,
        # unseen by idle_check; it surfaces here, at worst `seconds` late.
        _, late = client.idle_done()
        return arrived or any(_announces_mail(r) for r in late)
