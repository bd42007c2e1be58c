"""Which worker stored each message, so only that worker marks it on the server.

Two workers that read the same message both moved it to the processed folder, and
Dovecot, given both MOVEs at once, could copy it twice. The other worker now leaves a
message to the live worker that stored it (helpdesk.attempts.Tries.theirs_to_mark).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 00:35:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inboundmessage") as batch:
        batch.add_column(
            sa.Column(
                "owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("inboundmessage") as batch:
        batch.drop_column("owner")
