"""Staff sessions kept on the server, and failed logins per client address.

The cookie now carries only a random token: logging out, a password change or disabling
the account ends the session for every copy of the cookie (helpdesk/web/sessions.py).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString
MOMENT = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "staffsession",
        sa.Column("id", TEXT(), primary_key=True),
        sa.Column("account", TEXT(), nullable=False),
        sa.Column("address", TEXT(), nullable=False),
        sa.Column("created_at", MOMENT(), nullable=False),
        sa.Column("last_seen_at", MOMENT(), nullable=False),
        sa.Column("ended_at", MOMENT(), nullable=True),
    )
    op.create_index("ix_staffsession_account", "staffsession", ["account"])
    op.create_index("ix_staffsession_ended_at", "staffsession", ["ended_at"])
    op.create_table(
        "loginfailure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("address", TEXT(), nullable=False),
        sa.Column("at", MOMENT(), nullable=False),
    )
    op.create_index("ix_loginfailure_address", "loginfailure", ["address"])
    op.create_index("ix_loginfailure_at", "loginfailure", ["at"])


def downgrade() -> None:
    op.drop_table("loginfailure")
    op.drop_table("staffsession")
