"""The chaos run's verdict, computed from what the servers and the database hold at the end.

`collect()` reads Dovecot (INBOX and the processed folder), the SMTP recorder and the
database into an Evidence; `judge()` fills a report.Row from it. Nothing is assumed:
every count is of real rows, real server copies and real received mail.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from bench.reliability.chaos_mail import ChaosMessage
from bench.reliability.chaos_servers import PROCESSED_FOLDER, STAFF_ADDRESS
from bench.reliability.report import Row
from helpdesk import models
from helpdesk.database import create_db_engine
from helpdesk.models import InboundMessage, OutboxAnswer, QuarantineEntry, Ticket
from tests.support.servers import ImapAccount, ReceivedMail

_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*<([^>\r\n]+)>", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Copy:
    """One message as Dovecot holds it at the end."""

    folder: str
    seen: bool
    data: bytes


@dataclass
class Evidence:
    messages: list[ChaosMessage]
    copies: dict[str, list[Copy]]  # Message-ID -> its copies on the server
    inbound: list[InboundMessage]
    tickets: dict[int, Ticket]
    outbox: list[OutboxAnswer]
    quarantine: list[QuarantineEntry]
    attempts_left: list[str]  # MessageAttempt rows still there (a message mid-try)
    received: list[ReceivedMail]
    data_dir: Path
    moving: bool  # the last bots moved handled mail to the processed folder
    held_answers: dict[int, str] = field(default_factory=dict)  # pending at the outage's end


def _message_id(data: bytes) -> str:
    head = data.partition(b"\r\n\r\n")[0]
    match = _MESSAGE_ID.search(head)
    return match.group(1).decode("ascii", "replace") if match else ""


def _server_copies(account: ImapAccount) -> dict[str, list[Copy]]:
    copies: dict[str, list[Copy]] = {}
    for folder in ("INBOX", PROCESSED_FOLDER):
        for stored in account.fetch_all(folder):
            copy = Copy(folder, "\\Seen" in stored.flags, stored.data)
            copies.setdefault(_message_id(stored.data), []).append(copy)
    return copies


def collect(
    *,
    messages: list[ChaosMessage],
    account: ImapAccount,
    received: list[ReceivedMail],
    database_url: str,
    data_dir: Path,
    moving: bool,
    held_answers: dict[int, str],
) -> Evidence:
    engine = create_db_engine(database_url, read_only=True)
    attempt_model = getattr(models, "MessageAttempt", None)  # a colleague's table, if landed
    try:
        with Session(engine) as session:
            inbound = list(session.exec(select(InboundMessage)).all())
            tickets = {t.id or 0: t for t in session.exec(select(Ticket)).all()}
            outbox = list(session.exec(select(OutboxAnswer)).all())
            quarantine = list(session.exec(select(QuarantineEntry)).all())
            left = session.exec(select(attempt_model)).all() if attempt_model else []
    finally:
        engine.dispose()
    return Evidence(
        messages=messages,
        copies=_server_copies(account),
        inbound=inbound,
        tickets=tickets,
        outbox=outbox,
        quarantine=quarantine,
        attempts_left=[f"{a.dedup_key} ({a.attempts} tries)" for a in left],
        received=list(received),
        data_dir=data_dir,
        moving=moving,
        held_answers=held_answers,
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_mailbox(ev: Evidence, row: Row) -> None:
    """Each message on the server exactly once, and handled (moved or \\Seen)."""
    wanted = {m.message_id for m in ev.messages}
    folders = {m: [c.folder for c in ev.copies.get(m, [])] for m in wanted}
    vanished = [m for m, f in folders.items() if not f]
    doubled = [f"{m} ({' and '.join(f)})" for m, f in folders.items() if len(f) > 1]
    strangers = [m for m in ev.copies if m not in wanted]
    unhandled = [
        m
        for m in wanted
        for c in ev.copies.get(m, [])
        if c.folder == "INBOX" and (ev.moving or not c.seen)
    ]
    for what, found in (
        ("gone from the server", vanished),
        ("on the server more than once", doubled),
        ("on the server but never appended", strangers),
        ("still unhandled in INBOX", unhandled),
    ):
        if found:
            row.problems.append(f"{len(found)} messages {what}: {', '.join(sorted(found)[:3])}")


def _check_tickets(ev: Evidence, row: Row) -> dict[str, InboundMessage]:
    """One inbound record per message, a ticket unless automatic, no orphan tickets."""
    # Keyed by dedup_key, the Message-ID for mail that has one: a message flagged for
    # staff is recorded without the other fields (message_id among them).
    per_id = Counter(i.dedup_key for i in ev.inbound)
    by_id = {i.dedup_key: i for i in ev.inbound}
    row.tickets = len(ev.tickets)
    row.duplicates = sum(n - 1 for n in per_id.values() if n > 1)
    orphans = set(ev.tickets) - {i.ticket_id for i in ev.inbound}
    if orphans:
        refs = sorted(ev.tickets[t].ref for t in orphans)
        row.duplicates += len(orphans)
        row.problems.append(f"{len(orphans)} tickets no message belongs to: {', '.join(refs[:3])}")
    robots_ticketed = []
    for message in ev.messages:
        inbound = by_id.get(message.message_id)
        if inbound is None or (not message.automatic and inbound.ticket_id is None):
            row.lost += 1
        elif message.automatic and inbound.ticket_id is not None:
            robots_ticketed.append(message.message_id)
    strangers = set(per_id) - {m.message_id for m in ev.messages}
    if robots_ticketed:
        row.problems.append(f"{len(robots_ticketed)} automatic messages got a ticket")
    if strangers:
        row.problems.append(f"{len(strangers)} inbound records of mail never appended")
    return by_id


def _check_raw(ev: Evidence, by_id: dict[str, InboundMessage], row: Row) -> None:
    """Each stored raw file hashes to the bytes Dovecot holds for that message."""
    mismatched = []
    for message in ev.messages:
        inbound, copies = by_id.get(message.message_id), ev.copies.get(message.message_id)
        if inbound is None or not copies:
            continue  # counted as lost, or gone from the server
        path = ev.data_dir / inbound.raw_path
        stored = _sha256(path.read_bytes()) if inbound.raw_path and path.is_file() else "missing"
        server = _sha256(copies[0].data)
        if not (stored == server == inbound.raw_sha256):
            mismatched.append(message.message_id)
    if mismatched:
        row.problems.append(
            f"{len(mismatched)} stored raw messages differ from the server's bytes: "
            + ", ".join(mismatched[:3])
        )


def _received_ids(ev: Evidence) -> Counter[str]:
    return Counter(str(r.message["Message-ID"] or "").strip().strip("<>") for r in ev.received)


def _check_answers(ev: Evidence, row: Row, ack_window: set[str]) -> None:
    """Every outbox row sent, each received exactly once, nothing received we did not queue."""
    received = _received_ids(ev)
    row.answers_sent = sum(received.values())
    row.duplicate_answers = sum(n - 1 for n in received.values() if n > 1)
    row.ack_window_answers = sum(received[mid] - 1 for mid in ack_window if received[mid] > 1)
    queued = {a.message_id for a in ev.outbox}
    unsent = [a for a in ev.outbox if a.status != "sent"]
    missing = [a.message_id for a in ev.outbox if a.status == "sent" and not received[a.message_id]]
    unknown = [m for m in received if m not in queued]
    if unsent:
        states = Counter(a.status for a in unsent)
        row.problems.append(f"{len(unsent)} answers not sent: {dict(states)}")
    if missing:
        row.problems.append(f"{len(missing)} answers recorded sent never reached the server")
    if unknown:
        row.problems.append(f"{len(unknown)} mails at the SMTP server are in no outbox row")


def _check_held(ev: Evidence, row: Row, ack_window: set[str]) -> None:
    """Answers held by the SMTP outage: sent once afterwards, their Message-ID unchanged."""
    if not ev.held_answers:
        row.problems.append("the SMTP outage held no answer back: it was not exercised")
        return
    received = _received_ids(ev)
    now = {a.id: a.message_id for a in ev.outbox}
    changed = [i for i, mid in ev.held_answers.items() if now.get(i) != mid]
    not_once = Counter(
        received[mid]
        for mid in ev.held_answers.values()
        if received[mid] != 1 and not (received[mid] == 2 and mid in ack_window)
    )
    if changed:
        row.problems.append(f"{len(changed)} answers held by the outage changed Message-ID")
    if not_once:
        counts = ", ".join(f"{n} received {times} times" for times, n in sorted(not_once.items()))
        row.problems.append(f"answers held by the outage not received exactly once: {counts}")


def _check_poison(
    ev: Evidence, by_id: dict[str, InboundMessage], row: Row, *, alerting: bool
) -> None:
    """The poison: one ticket for staff, one quarantine entry, one alert to staff."""
    poison = next(m for m in ev.messages if m.poison)
    inbound = by_id.get(poison.message_id)
    ticket = ev.tickets.get(inbound.ticket_id or -1) if inbound else None
    if ticket is None or not ticket.needs_staff:
        row.problems.append("poison message: no ticket flagged for staff")
        return
    entries = [q for q in ev.quarantine if q.ticket_id == ticket.id]
    if len(entries) != 1:
        row.problems.append(f"poison message: {len(entries)} quarantine entries, not 1")
    others = [q.reason[:80] for q in ev.quarantine if q.ticket_id != ticket.id]
    if others:
        row.problems.append(f"{len(others)} other messages set aside for staff: {others[:2]}")
    if not alerting:
        row.problems.append(
            "poison message: no staff alert ([helpdesk] staff_address not in this tree yet)"
        )
        return
    alerts = [a for a in ev.outbox if a.recipient == STAFF_ADDRESS]
    delivered = [r for r in ev.received if STAFF_ADDRESS in r.rcpt_tos]
    if [a.ticket_id for a in alerts] != [ticket.id] or len(delivered) != 1:
        row.problems.append(
            f"poison message: {len(alerts)} staff alerts queued (for tickets "
            f"{[a.ticket_id for a in alerts]}, poison's {ticket.id}), {len(delivered)} delivered"
        )


def judge(ev: Evidence, row: Row, *, alerting: bool, ack_window: set[str] = frozenset()) -> None:
    """Fill `row` with what the evidence shows; `ack_window`: answers whose second copy
    SMTP itself could not avoid (counted apart, see ChaosRun.ack_window)."""
    row.messages = len(ev.messages)
    _check_mailbox(ev, row)
    by_id = _check_tickets(ev, row)
    _check_raw(ev, by_id, row)
    _check_answers(ev, row, ack_window)
    _check_held(ev, row, ack_window)
    _check_poison(ev, by_id, row, alerting=alerting)
    if ev.attempts_left:
        row.problems.append(
            f"{len(ev.attempts_left)} messages left mid-try: {', '.join(ev.attempts_left[:3])}"
        )
