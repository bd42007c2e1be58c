"""How far each folder has been read, kept in the database across restarts."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from helpdesk.mailbox import Cursor
from helpdesk.models import MailboxCursor


class DatabaseCursorStore:
    """Keeps each folder's UIDVALIDITY and last handled UID in the database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get_cursor(self, folder: str) -> Cursor | None:
        with Session(self._engine) as session:
            row = session.get(MailboxCursor, folder)
            return Cursor(row.uidvalidity, row.last_uid) if row else None

    def set_cursor(self, folder: str, cursor: Cursor) -> None:
        """Store `cursor`; within one UIDVALIDITY the last UID only ever moves forward.

        One statement, so workers sharing a mailbox neither collide on the folder's first
        row nor move each other's cursor back.
        """
        with Session(self._engine) as session:
            session.execute(
                text(
                    "INSERT INTO mailboxcursor (folder, uidvalidity, last_uid) VALUES (:f, :v, :u) "
                    "ON CONFLICT (folder) DO UPDATE SET last_uid = CASE "
                    "WHEN mailboxcursor.uidvalidity = excluded.uidvalidity "
                    "AND mailboxcursor.last_uid > excluded.last_uid "
                    "THEN mailboxcursor.last_uid ELSE excluded.last_uid END, "
                    "uidvalidity = excluded.uidvalidity"
                ),
                {"f": folder, "v": cursor.uidvalidity, "u": cursor.last_uid},
            )
            session.commit()
