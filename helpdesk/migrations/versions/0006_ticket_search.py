"""The full-text index of tickets (helpdesk/search.py), built for the tickets there are.

SQLite: an FTS5 table; PostgreSQL: a table with a generated tsvector and a GIN index.
Existing tickets are indexed from what the database holds (reference, subject,
requester, agency, kode tender; each message's subject and sender; attachment names)
and, when the caller names the data folder (`helpdesk.database.migrate(data_dir=...)`),
the text of every stored mail.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 23:30:00
"""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import sqlalchemy as sa
from alembic import context, op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

WORDS_ONLY = "regexp_replace(body, '[^[:alnum:]_]+', ' ', 'g')"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE ticketsearch ("
            " id SERIAL PRIMARY KEY,"
            " ticket_id INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,"
            " source VARCHAR NOT NULL,"
            " body TEXT NOT NULL,"
            # Words as helpdesk.search.words_of cuts them: "a.b@c.id" is a, b, c, id.
            f" tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', {WORDS_ONLY})) STORED)"
        )
        op.execute("CREATE INDEX ix_ticketsearch_tsv ON ticketsearch USING GIN (tsv)")
        op.execute("CREATE INDEX ix_ticketsearch_ticket_id ON ticketsearch (ticket_id)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE ticketsearch USING fts5("
            "ticket_id UNINDEXED, source UNINDEXED, body, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
    _index_existing(bind, context.config.attributes.get("data_dir"))


def _index_existing(bind: sa.Connection, data_dir: Path | None) -> None:
    # Imported here: the masking rules are the application's, as for new mail.
    from helpdesk.search import MAX_TEXT
    from parsers.fields import mask_credentials

    def add(ticket_id: int, source: str, body: str) -> None:
        cleaned = " ".join(mask_credentials(body[:MAX_TEXT]).split())
        if cleaned:
            bind.execute(
                sa.text("INSERT INTO ticketsearch (ticket_id, source, body) VALUES (:t, :s, :b)"),
                {"t": ticket_id, "s": source, "b": cleaned},
            )

    facts = bind.execute(
        sa.text(
            "SELECT t.id, t.ref, t.subject, t.requester_name, t.requester_address, "
            "a.name, t.kode_tender FROM ticket t LEFT JOIN agency a ON a.id = t.agency_id"
        )
    )
    for ticket_id, *parts in facts.all():
        add(ticket_id, "ticket", " ".join(str(p) for p in parts if p))
    messages = bind.execute(
        sa.text(
            "SELECT ticket_id, subject, sender, raw_path FROM inboundmessage "
            "WHERE ticket_id IS NOT NULL"
        )
    )
    for ticket_id, subject, sender, raw_path in messages.all():
        add(ticket_id, "message", f"{subject} {sender} {_mail_text(data_dir, raw_path)}")
    files = bind.execute(
        sa.text("SELECT ticket_id, filename FROM storedattachment WHERE ticket_id IS NOT NULL")
    )
    for ticket_id, filename in files.all():
        add(ticket_id, "attachment", filename)


def _mail_text(data_dir: Path | None, raw_path: str) -> str:
    """The plain text of a stored mail, or "" without the data folder or the file."""
    if data_dir is None or not raw_path:
        return ""
    try:
        parsed = message_from_bytes((Path(data_dir) / raw_path).read_bytes(), policy=policy.default)
        body = parsed.get_body(("plain",))
        return str(body.get_content()) if body is not None else ""  # type: ignore[attr-defined]
    except (OSError, LookupError, ValueError):
        return ""


def downgrade() -> None:
    op.execute("DROP TABLE ticketsearch")
