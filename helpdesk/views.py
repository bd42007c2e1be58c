"""How tickets, answers and decisions look on a terminal and in JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from helpdesk.decision import Decision
from helpdesk.models import OutboxAnswer, QuarantineEntry, Ticket
from helpdesk.tickets import ticket_answers, ticket_attachments, ticket_messages, ticket_summary
from replies.names import STATUS_NAMES


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], empty: str) -> str:
    """A plain fixed-width table; `empty` when there are no rows."""
    if not rows:
        return empty
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(line.rstrip() for line in lines)


def _cell(value: object, limit: int = 48) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())  # a crafted subject cannot break the table
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ticket_json(ticket: Ticket) -> dict[str, object]:
    return ticket_summary(ticket)


def ticket_table(tickets: Sequence[Ticket]) -> str:
    rows = [
        (
            t.ref,
            t.kind + (" (jadwal)" if t.schedule_change else ""),
            STATUS_NAMES.get(t.status, t.status),
            "lengkap" if t.complete else "kurang: " + ", ".join(json.loads(t.missing)),
            t.requester_address,
            ("! " if t.needs_staff else "") + t.subject,
        )
        for t in tickets
    ]
    headers = ("Tiket", "Jenis", "Status", "Dokumen", "Pemohon", "Perihal")
    return table(headers, rows, empty="Belum ada tiket.")


def ticket_detail(session: Session, ticket: Ticket) -> dict[str, Any]:
    """The `tickets show --json` object: the summary plus messages, attachments, answers."""
    detail: dict[str, Any] = ticket_summary(ticket)
    detail |= {
        "fields": json.loads(ticket.fields),
        "reasons": json.loads(ticket.reasons),
        "staff_note": ticket.staff_note,
        "linked_ref": ticket.linked_ref,
        "messages": [
            {
                "message_id": m.message_id,
                "from": m.sender,
                "subject": m.subject,
                "received_at": m.received_at,
                "raw_path": m.raw_path,
                "error": m.error or None,
            }
            for m in ticket_messages(session, ticket)
        ],
        "attachments": [
            {
                "filename": a.filename,
                "documents": json.loads(a.documents),
                "problem": a.problem,
                "size": a.size,
                "sha256": a.sha256,
                "container": a.container,
            }
            for a in ticket_attachments(session, ticket)
        ],
        "answers": [
            {
                "event": a.event,
                "to": a.recipient,
                "subject": a.subject,
                "status": a.status,
                "message_id": a.message_id,
                "attempts": a.attempts,
                "sent_at": a.sent_at,
                "last_error": a.last_error or None,
            }
            for a in ticket_answers(session, ticket)
        ],
    }
    return detail


def ticket_detail_text(d: dict[str, Any]) -> str:
    lines = [
        f"{d['ref']}  {d['kind']}{' (perubahan jadwal)' if d['schedule_change'] else ''}",
        f"Status:    {STATUS_NAMES.get(d['status'], d['status'])}",
        f"Pemohon:   {_cell(d['requester_name'])} <{d['requester']}>",
        f"Perihal:   {_cell(d['subject'], 200)}",
        f"Dokumen:   {'lengkap' if d['complete'] else 'kurang ' + ', '.join(d['missing'])}",
    ]
    if d["needs_staff"]:
        lines.append(f"PERLU DICEK PETUGAS: {_cell(d['staff_note'], 200)}")
    if d["holds_credentials"]:
        lines.append("Berisi kredensial (disamarkan).")
    lines += [f"  {k}: {_cell(v, 100)}" for k, v in d["fields"].items()]
    lines.append("Lampiran:")
    lines += [
        f"  - {_cell(a['filename'], 80)}: {', '.join(a['documents']) or '-'}"
        + (f"  [DITOLAK: {a['problem']}]" if a["problem"] else "")
        for a in d["attachments"]
    ] or ["  (tidak ada)"]
    lines.append("Jawaban:")
    lines += [f"  - {a['event']} -> {a['to']}: {a['status']}" for a in d["answers"]] or ["  -"]
    lines.append("Alasan keputusan:")
    lines += [f"  - {_cell(r, 200)}" for r in d["reasons"]]
    return "\n".join(lines)


def outbox_table(session: Session, *, include_sent: bool) -> str:
    query = select(OutboxAnswer, Ticket).where(OutboxAnswer.ticket_id == Ticket.id)
    if not include_sent:
        query = query.where(OutboxAnswer.status != "sent")
    rows = [
        (
            t.ref,
            a.event,
            a.recipient,
            a.status,
            a.attempts,
            a.next_attempt_at.isoformat(timespec="seconds") if a.status == "pending" else "",
            a.last_error,
        )
        for a, t in session.exec(query.order_by(col(OutboxAnswer.id))).all()
    ]
    headers = ("Tiket", "Jawaban", "Kepada", "Status", "Coba", "Berikutnya (UTC)", "Kesalahan")
    return table(headers, rows, empty="Outbox kosong: tidak ada jawaban yang menunggu.")


def quarantine_table(session: Session) -> str:
    entries = session.exec(select(QuarantineEntry).order_by(col(QuarantineEntry.id))).all()
    rows = [
        (
            e.id,
            e.location,
            e.created_at.isoformat(timespec="seconds"),
            "sudah" if e.replayed_at else "",
            e.reason,
        )
        for e in entries
    ]
    return table(
        ("ID", "Lokasi", "Waktu (UTC)", "Diulang", "Alasan"), rows, empty="Karantina kosong."
    )


def decision_text(decision: Decision) -> str:
    lines = [
        f"kind:            {decision.kind}",
        f"schedule_change: {decision.schedule_change}",
        f"complete:        {decision.complete}",
        f"missing:         {', '.join(decision.missing) or '-'}",
        f"ticket_ref:      {decision.ticket_ref or '-'}",
        "attachments:",
    ]
    lines += [
        f"  - {_cell(a.filename, 80)}: {', '.join(a.documents) or '-'}"
        + (f"  [{a.problem}]" if a.problem else "")
        for a in decision.attachments
    ]
    lines.append("fields:")
    lines += [f"  {k}: {_cell(v, 100)}" for k, v in decision.fields.items()]
    lines.append("reasons:")
    lines += [f"  - {r}" for r in decision.reasons]
    return "\n".join(lines)
