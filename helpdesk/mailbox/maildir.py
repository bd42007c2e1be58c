"""A local Maildir as the helpdesk's mailbox: for the demo, tests, or mail an MDA delivers.

Unread mail is every file in new/ and cur/ without the S (seen) flag. Flags live in the
file name (`KEY:2,FLAGS`), so marking a message processed is one rename into cur/, as a
mail reader does; a Maildir needs no cursor.
"""

from __future__ import annotations

import itertools
import logging
import mailbox
import os
import secrets
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from helpdesk.mailbox import CursorStore, RawMessage

log = logging.getLogger(__name__)

FOLDER = "INBOX"
QUARANTINE = "Quarantine"  # kept as the sub-maildir `.Quarantine`
POLL_SECONDS = 0.5
_deliveries = itertools.count(1)


def _key_of(name: str) -> str:
    return name.partition(":")[0]


def _flags_of(name: str) -> str:
    info = name.partition(":")[2]
    return info[2:] if info.startswith("2,") else ""


def _new_key() -> str:
    """A unique file name in the Maildir convention: 1760000000.M123456P42Q1R9f3a.host."""
    now = time.time()
    host = socket.gethostname().replace("/", "\\057").replace(":", "\\072")
    return (
        f"{int(now)}.M{int(now % 1 * 1e6)}P{os.getpid()}Q{next(_deliveries)}"
        f"R{secrets.token_hex(4)}.{host}"
    )


def _open(path: Path) -> mailbox.Maildir:
    # Maildir(create=True) leaves an existing folder without tmp/, new/ and cur/ alone.
    for sub in ("tmp", "new", "cur"):
        (path / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
    return mailbox.Maildir(path, create=True)


def deliver(path: Path, raw: bytes) -> str:
    """Put `raw` into path/new as an MDA does (write in tmp/, fsync, rename); returns its key."""
    _open(Path(path))
    key = _new_key()
    tmp = Path(path) / "tmp" / key
    with open(tmp, "xb") as file:
        file.write(raw)
        file.flush()
        os.fsync(file.fileno())
    # The rename is atomic: a reader never sees half a message in new/.
    tmp.rename(Path(path) / "new" / key)
    return key


class MaildirMailbox:
    """A Maildir folder behind the Mailbox protocol; `cursors` is accepted and unused."""

    def __init__(self, path: Path, cursors: CursorStore | None = None) -> None:
        self._path = Path(path)
        self._maildir = _open(self._path)
        self._files: dict[str, Path] = {}  # unread mail at the last scan: key -> file

    def _scan(self) -> list[tuple[float, str, Path]]:
        """Unread files as (mtime, key, path), oldest first."""
        found = []
        for sub in ("new", "cur"):
            with os.scandir(self._path / sub) as entries:
                for entry in entries:
                    # Hidden files are not mail; T (trashed) is a deletion some reader began.
                    if entry.name.startswith(".") or set(_flags_of(entry.name)) & {"S", "T"}:
                        continue
                    try:
                        mtime = entry.stat().st_mtime
                    except FileNotFoundError:  # another reader renamed it meanwhile
                        continue
                    found.append((mtime, _key_of(entry.name), Path(entry.path)))
        found.sort()
        self._files = {key: file for _, key, file in found}
        return found

    def fetch_new(self) -> Iterator[RawMessage]:
        """Yield unread mail oldest first: RawMessage("INBOX", 0, "1760000000.M1P2Q3.host", ...)."""
        for mtime, key, file in self._scan():
            try:
                data = file.read_bytes()  # one file at a time: the folder is never all in memory
            except FileNotFoundError:
                continue
            yield RawMessage(FOLDER, 0, key, data, datetime.fromtimestamp(mtime, UTC))

    def _locate(self, key: str) -> Path | None:
        file = self._files.get(key)
        if file is not None and file.exists():
            return file
        for sub in ("new", "cur"):  # moved by someone since the scan: look it up again
            for name in os.listdir(self._path / sub):
                if _key_of(name) == key:
                    return self._path / sub / name
        return None

    def mark_processed(self, message: RawMessage) -> None:
        """Set the S flag, moving the file into cur/ as KEY:2,FLAGS (other flags kept)."""
        file = self._locate(message.uid)
        if file is None:
            log.info("%s is gone from %s; nothing to mark", message.uid, self._path)
            return
        flags = "".join(sorted(set(_flags_of(file.name)) | {"S"}))
        file.rename(self._path / "cur" / f"{message.uid}:2,{flags}")
        self._files.pop(message.uid, None)

    def quarantine(self, message: RawMessage, reason: str) -> bool:
        """Move the message into the `.Quarantine` sub-maildir (as new mail for staff); True."""
        file = self._locate(message.uid)
        if file is None:
            return False
        self._maildir.add_folder(QUARANTINE)  # made on first use, with its new/ and cur/
        target = self._path / f".{QUARANTINE}"
        file.rename(target / "new" / message.uid)
        self._files.pop(message.uid, None)
        log.warning("moved %s to %s: %s", message.uid, target, reason)
        return True

    def wait_for_mail(self, timeout: float) -> bool:
        """Poll new/ for up to `timeout` s; True as soon as mail not seen by fetch_new is there."""
        deadline = time.monotonic() + timeout
        while True:
            arrived = {_key_of(n) for n in os.listdir(self._path / "new") if n[:1] != "."}
            if arrived - self._files.keys():
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(POLL_SECONDS, left))

    def close(self) -> None:
        """Nothing to release: every call opens and closes its own files."""
