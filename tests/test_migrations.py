"""Upgrading the schema keeps the tickets an LPSE already has, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine

from helpdesk.database import create_db_engine, migrate

MIGRATIONS = Path(__file__).parent.parent / "helpdesk" / "migrations"


def upgrade_to(engine: Engine, revision: str) -> None:
    """The schema as an older release left it: migrated up to `revision` only."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_upgrade_from_the_first_schema_keeps_tickets(db_url: str) -> None:
    engine = create_db_engine(db_url)
    upgrade_to(engine, "0001")
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


def test_the_search_index_is_built_for_the_tickets_and_mail_already_there(
    db_url: str, tmp_path: Path
) -> None:
    from sqlmodel import Session

    from helpdesk.search import search

    engine = create_db_engine(db_url)
    upgrade_to(engine, "0005")
    raw = b"From: a@b.id\r\nSubject: Uji\r\n\r\nPaket rehabilitasi jembatan Cikampek.\r\n"
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "m1.eml").write_bytes(raw)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ticket (ref, kind, schedule_change, status, requester_name,"
                " requester_address, subject, kode_tender, complete, missing, fields, reasons,"
                " holds_credentials, needs_staff, staff_note, sender_known, resolution_note,"
                " created_at, updated_at)"
                " VALUES ('HD-2026-00001', 'forensic_test', false, 'new', 'Asep', 'a@b.id',"
                " 'Uji forensik', '10283561', true, '[]', '{}', '[]', false, false, '', false,"
                " '', '2026-01-05 01:00:00', '2026-01-05 01:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO inboundmessage (dedup_key, location, ticket_id, sender, subject,"
                " kind, raw_sha256, raw_path, read_at, answered, error)"
                " VALUES ('<m1@b.id>', 'INBOX/1/1', 1, 'a@b.id', 'Uji', 'forensic_test', '',"
                " 'mail/m1.eml', '2026-01-05 01:00:00', false, '')"
            )
        )

    migrate(engine, data_dir=tmp_path)

    with Session(engine) as session:
        assert [hit.ref for hit in search(session, "10283561")] == ["HD-2026-00001"]
        assert [hit.ref for hit in search(session, "jembatan cikampek")] == ["HD-2026-00001"]


def test_open_tickets_get_their_sla_clock_from_the_settings(db_url: str) -> None:
    from helpdesk.settings import SlaSection

    engine = create_db_engine(db_url)
    upgrade_to(engine, "0007")
    with engine.begin() as connection:
        for ref, status in (("00001", "in_progress"), ("00002", "awaiting_documents"),
                            ("00003", "resolved")):  # fmt: skip
            connection.execute(
                text(
                    "INSERT INTO ticket (ref, kind, schedule_change, status, requester_name,"
                    " requester_address, subject, complete, missing, fields, reasons,"
                    " holds_credentials, needs_staff, staff_note, sender_known,"
                    " resolution_note, created_at, updated_at)"
                    f" VALUES ('HD-2026-{ref}', 'problem_report', false, '{status}', 'Asep',"
                    " 'a@b.id', 'Salah HPS', true, '[]', '{}', '[]', false, false, '', false,"
                    # Saturday 12 December 2026, 10.00 WIB
                    " '', '2026-12-12 03:00:00', '2026-12-12 03:00:00')"
                )
            )

    migrate(engine, sla=SlaSection(first_answer_hours=2, resolution_hours={"problem_report": 16}))

    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT ref, first_answer_due, resolution_due, clock_stopped_at FROM ticket"
                " ORDER BY ref"
            )
        ).all()
    due = {ref: (str(first)[:16], str(resolved)[:16], stopped is not None)
           for ref, first, resolved, stopped in rows}  # fmt: skip
    assert due == {
        # Due from Monday 08.00 WIB (01.00 UTC): 2 and 16 working hours on.
        "HD-2026-00001": ("2026-12-14 03:00", "2026-12-15 09:00", False),
        "HD-2026-00002": ("2026-12-14 03:00", "2026-12-15 09:00", True),  # waits: stopped
        "HD-2026-00003": ("None", "None", False),  # closed: no clock
    }
