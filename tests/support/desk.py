"""An in-process helpdesk on a Maildir, for tests that need no IMAP server."""

from __future__ import annotations

import json
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from sqlmodel import Session

from helpdesk.database import open_database
from helpdesk.mailbox.maildir import deliver
from helpdesk.runner import Worker
from helpdesk.settings import Settings, settings_from_dict
from helpdesk.tickets import list_tickets


class Helpdesk:
    """A helpdesk on a Maildir with answers written as files."""

    def __init__(self, folder: Path, **sections: Any) -> None:
        helpdesk = sections.pop("helpdesk", {})
        smtp = sections.pop("smtp", {"transport": "file", "dir": "answers"})
        self.settings: Settings = settings_from_dict(
            {
                "helpdesk": {"data_dir": "data", **helpdesk},
                "mailbox": {"source": "maildir", "path": "maildir"},
                "smtp": smtp,
                **sections,
            },
            path=str(folder / "settings.toml"),
        )
        self.engine = open_database(self.settings.database_url)

    def receive(self, raw: bytes) -> None:
        deliver(self.settings.mailbox.path, raw)

    def run_once(self, **worker: Any) -> None:
        """One `helpdesk run --once`; `worker` goes to the Worker (decide_steps=...)."""
        worker = Worker(self.settings, self.engine, **worker)
        try:
            worker.run_once()
        finally:
            worker.close()

    def tickets(self) -> list[dict[str, Any]]:
        with Session(self.engine) as session:
            return [
                {
                    "ref": t.ref,
                    "status": t.status,
                    "complete": t.complete,
                    "missing": json.loads(t.missing),
                    "needs_staff": t.needs_staff,
                    "linked_ref": t.linked_ref,
                    "kind": t.kind,
                }
                for t in list_tickets(session)
            ]

    def answers(self) -> list[EmailMessage]:
        files = sorted(self.settings.smtp.dir.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        return [message_from_bytes(p.read_bytes(), policy=default) for p in files]  # type: ignore[misc]
