"""Staff accounts for the web pages, blocked addresses, and an index for rate limits.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 23:58:37.298576
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blockedaddress",
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("address"),
    )
    op.create_table(
        "staffaccount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("outboxanswer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outboxanswer_recipient_created_at", ["recipient", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outboxanswer", schema=None) as batch_op:
        batch_op.drop_index("ix_outboxanswer_recipient_created_at")

    op.drop_table("staffaccount")
    op.drop_table("blockedaddress")
