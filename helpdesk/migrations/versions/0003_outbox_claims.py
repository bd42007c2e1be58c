"""Outbox claims: one sender at a time per answer.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 23:45:54.239950
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outboxanswer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("outboxanswer", schema=None) as batch_op:
        batch_op.drop_column("claimed_until")
