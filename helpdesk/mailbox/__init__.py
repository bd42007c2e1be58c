"""Where mail comes from, behind one narrow protocol.

The pipeline never knows whether a message came from IMAP or a Maildir: a mailbox
yields RawMessages, and is told when one has been handled.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from helpdesk.settings import Settings


@dataclass(frozen=True)
class RawMessage:
    """One message as the mailbox holds it.

    (`folder`, `uidvalidity`, `uid`) names it on the server: an IMAP UID is unique
    within a folder only while the folder's UIDVALIDITY stays the same. A Maildir
    uses uidvalidity 0 and its file key as `uid`.
    """

    folder: str
    uidvalidity: int
    uid: str
    data: bytes
    internal_date: datetime | None  # when the server received it (not the Date header)

    @property
    def location(self) -> str:
        return f"{self.folder}/{self.uidvalidity}/{self.uid}"


@dataclass(frozen=True)
class Cursor:
    """How far a folder has been read: every UID up to `last_uid` has been handled."""

    uidvalidity: int
    last_uid: int


class CursorStore(Protocol):
    """Keeps a Cursor per folder across restarts (the database, or memory in tests)."""

    def get_cursor(self, folder: str) -> Cursor | None: ...

    def set_cursor(self, folder: str, cursor: Cursor) -> None: ...


class Mailbox(Protocol):
    """The seam between the pipeline and a mail store."""

    def fetch_new(self) -> Iterator[RawMessage]:
        """Yield every message not yet marked processed, oldest first."""
        ...

    def mark_processed(self, message: RawMessage) -> None:
        """Flag `message` as handled (\\Seen, or moved to the processed folder)."""
        ...

    def quarantine(self, message: RawMessage, reason: str) -> bool:
        """Move `message` out of the way of the pipeline; False if no quarantine exists."""
        ...

    def wait_for_mail(self, timeout: float) -> bool:
        """Block until new mail may have arrived or `timeout` seconds passed.

        Returns True when the server said something arrived.
        """
        ...

    def close(self) -> None: ...


class MemoryCursorStore:
    """A CursorStore in a dict: for tests, and runs that need not remember across restarts."""

    def __init__(self) -> None:
        self.cursors: dict[str, Cursor] = {}

    def get_cursor(self, folder: str) -> Cursor | None:
        return self.cursors.get(folder)

    def set_cursor(self, folder: str, cursor: Cursor) -> None:
        self.cursors[folder] = cursor


def open_mailbox(settings: Settings, cursors: CursorStore) -> Mailbox:
    """The mailbox `settings.mailbox.source` names; nothing connects until first used."""
    # Imported here so a Maildir-only install never loads imapclient, and the reverse.
    if settings.mailbox.source == "imap":
        from helpdesk.mailbox.imap import ImapMailbox

        return ImapMailbox(settings.imap, cursors)
    from helpdesk.mailbox.maildir import MaildirMailbox

    return MaildirMailbox(settings.mailbox.path, cursors)
