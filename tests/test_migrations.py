"""Upgrading the schema keeps the tickets an LPSE already has, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from helpdesk.database import create_db_engine, migrate

MIGRATIONS = Path(__file__).parent.parent / "helpdesk" / "migrations"


def test_upgrade_from_the_first_schema_keeps_tickets(db_url: str) -> None:
    engine = create_db_engine(db_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ticket (ref, kind, schedule_change, status, requester_name,"
                " requester_address, subject, complete, missing, fields, reasons,"
                " holds_credentials, needs_staff, staff_note, created_at, updated_at)"
                " VALUES ('HD-2026-00001', 'forensic_test', false, 'new', 'Asep', 'a@b.id',"
                " 'Uji forensik', true, '[]', '{}', '[]', false, false, '', '2026-01-05 01:00:00',"
                " '2026-01-05 01:00:00')"
            )
        )

    migrate(engine)  # what every start does

    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT ref, subject, sender_known, resolution_note FROM ticket")
        ).one()
    assert tuple(row) == ("HD-2026-00001", "Uji forensik", False, "")  # SQLite says 0
