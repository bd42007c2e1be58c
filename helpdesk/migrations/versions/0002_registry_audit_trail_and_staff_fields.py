"""Agency registry, audit trail, and the ticket fields staff actions need.

New NOT NULL columns carry server defaults so existing tickets upgrade in place.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 23:43:17.444030
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("domains", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("addresses", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("admin_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("admin_nip", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("admin_email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("admin_phone", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("pokja_contacts", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("auditentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditentry_ticket_id"), ["ticket_id"], unique=False)

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("assignee", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("sender_known", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("deadline", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "resolution_note",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column("first_answer_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("resolved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_ticket_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_assignee"), ["assignee"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_deadline"), ["deadline"], unique=False)
        batch_op.create_foreign_key("fk_ticket_agency_id_agency", "agency", ["agency_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        # WARNING: constraint name is None; this directive will fail as
        # rendered.  Add a name, or use a naming convention; see
        # https://alembic.sqlalchemy.org/en/latest/naming.html
        batch_op.drop_constraint("fk_ticket_agency_id_agency", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_ticket_deadline"))
        batch_op.drop_index(batch_op.f("ix_ticket_assignee"))
        batch_op.drop_index(batch_op.f("ix_ticket_agency_id"))
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("first_answer_at")
        batch_op.drop_column("resolution_note")
        batch_op.drop_column("outcome")
        batch_op.drop_column("deadline")
        batch_op.drop_column("sender_known")
        batch_op.drop_column("agency_id")
        batch_op.drop_column("assignee")

    with op.batch_alter_table("auditentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditentry_ticket_id"))

    op.drop_table("auditentry")
    op.drop_table("agency")
