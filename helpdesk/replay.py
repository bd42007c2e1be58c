"""`helpdesk quarantine replay ID`: run a message that once broke the pipeline again."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from helpdesk.domain import TicketStatus
from helpdesk.errors import HelpdeskError
from helpdesk.mailbox import RawMessage
from helpdesk.message_ids import load_secret
from helpdesk.models import InboundMessage, QuarantineEntry, Ticket, utcnow
from helpdesk.outbox import send_due
from helpdesk.pipeline import Outcome, Pipeline, decide
from helpdesk.settings import Settings
from helpdesk.storage import read_blob
from parsers.message import parse_message


class ReplayError(HelpdeskError):
    """The entry cannot be replayed (unknown, already replayed, or still failing)."""


def replay_entry(settings: Settings, engine: Engine, entry_id: int) -> str:
    """Replay quarantine entry `entry_id`; returns a line saying what happened."""
    with Session(engine) as session:
        entry = session.get(QuarantineEntry, entry_id)
        if entry is None:
            raise ReplayError(f"No quarantine entry {entry_id}; see `helpdesk quarantine list`.")
        if entry.replayed_at is not None:
            raise ReplayError(f"Entry {entry_id} was already replayed.")
        raw_bytes = read_blob(settings.helpdesk.data_dir, entry.raw_path)
    try:
        decide(parse_message(raw_bytes), settings)  # dry run first: change nothing if it fails
    except Exception as exc:
        raise ReplayError(f"Entry {entry_id} still fails: {type(exc).__name__}: {exc}") from exc
    _release_dedup_key(engine, entry_id)
    folder, uidvalidity, uid = (entry.location.rsplit("/", 2) + ["", "", ""])[:3]
    raw = RawMessage(folder, int(uidvalidity or 0), uid, raw_bytes, None)
    pipeline = Pipeline(
        settings, engine, load_secret(settings.helpdesk.secret, settings.helpdesk.data_dir)
    )
    outcome = pipeline.handle(raw)
    if outcome is Outcome.RETRY:
        raise ReplayError(f"Entry {entry_id} still fails; see the log for the step that broke.")
    with Session(engine) as session:
        entry = session.get(QuarantineEntry, entry_id)
        assert entry is not None
        entry.replayed_at = utcnow()
        flagged = session.get(Ticket, entry.ticket_id) if entry.ticket_id else None
        if flagged is not None and outcome in (Outcome.TICKET, Outcome.AUTOMATIC):
            flagged.status = TicketStatus.RESOLVED
            flagged.staff_note += f" | diproses ulang {utcnow():%Y-%m-%d %H:%M} UTC"
            session.add(flagged)
        session.add(entry)
        session.commit()
    send_due(engine, settings)
    return f"Entry {entry_id} replayed: {outcome.value}."


def _release_dedup_key(engine: Engine, entry_id: int) -> None:
    """Free the failed copy's key, so the replay is not taken for a duplicate."""
    with Session(engine) as session:
        entry = session.get(QuarantineEntry, entry_id)
        assert entry is not None
        rows = session.exec(
            select(InboundMessage).where(InboundMessage.ticket_id == entry.ticket_id)
        ).all()
        for row in rows:
            row.dedup_key = f"replayed:{entry_id}:{row.dedup_key}"
            session.add(row)
        session.commit()
