"""Tickets of mail the receiving server judged spam: kept for the Spam view, not answered.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch): a batch would rebuild the ticket table on SQLite,
    # and the other tables' foreign keys refer to it.
    op.add_column(
        "ticket", sa.Column("spam", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_index("ix_ticket_spam", "ticket", ["spam"])


def downgrade() -> None:
    op.drop_index("ix_ticket_spam", "ticket")
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("spam")
