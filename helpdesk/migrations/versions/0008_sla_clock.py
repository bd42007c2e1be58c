"""The SLA clock in working time: each ticket's first-answer and resolution due moments,
and since when its clock stands still (helpdesk.sla_clock).

Open tickets get their due moments from the settings' `[sla]` when the caller passes it
(`helpdesk.database.migrate(sla=...)`), else from the defaults; the clock of a ticket
that is waiting for its requester counts as stopped from the upgrade on.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import context, op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = ("first_answer_due", "resolution_due", "clock_stopped_at")


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    _start_open_clocks(op.get_bind())


def _start_open_clocks(bind: sa.Connection) -> None:
    # Imported here: the working-time rules are the application's, as for new tickets.
    from helpdesk.domain import OPEN_STATUSES, WAITING_STATUSES
    from helpdesk.models import utcnow
    from helpdesk.settings import SlaSection
    from helpdesk.sla_clock import office_of

    sla = context.config.attributes.get("sla") or SlaSection()
    office, now = office_of(sla), utcnow()
    ticket = sa.table(
        "ticket",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("status", sa.String),
        sa.column("created_at", sqlmodel.sql.sqltypes.UTCDateTime()),
        *(sa.column(name, sqlmodel.sql.sqltypes.UTCDateTime()) for name in COLUMNS),
    )
    rows = bind.execute(
        sa.select(ticket.c.id, ticket.c.kind, ticket.c.status, ticket.c.created_at).where(
            ticket.c.status.in_([str(s) for s in OPEN_STATUSES])
        )
    ).all()
    for row in rows:
        hours = sla.resolution_hours.get(row.kind)
        bind.execute(
            ticket.update()
            .where(ticket.c.id == row.id)
            .values(
                first_answer_due=office.add(row.created_at, sla.first_answer_hours),
                resolution_due=None if hours is None else office.add(row.created_at, hours),
                clock_stopped_at=now if row.status in WAITING_STATUSES else None,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
