"""What OCR read from each scanned or photographed attachment, for the ticket page.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("storedattachment") as batch:
        batch.add_column(
            sa.Column(
                "ocr_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("storedattachment") as batch:
        batch.drop_column("ocr_text")
