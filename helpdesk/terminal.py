"""How tickets, answers and decisions look on a terminal and in JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from helpdesk.decision import Decision
from helpdesk.domain import OPEN_STATUSES
from helpdesk.models import Agency, OutboxAnswer, QuarantineEntry, Ticket
from helpdesk.requirements import REQUIRED_DOCUMENTS
from helpdesk.search import Hit
from helpdesk.settings import SlaSection
from helpdesk.sla_clock import is_overdue, read_clock
from helpdesk.tickets import (
    documents_on_ticket,
    iso,
    ticket_answers,
    ticket_attachments,
    ticket_audit,
    ticket_messages,
    ticket_summary,
)
from helpdesk.wib import wib_text
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


def queue_rows(
    session: Session, tickets: Sequence[Ticket], *, sla: SlaSection, now: datetime
) -> list[dict[str, Any]]:
    """`tickets list --json`: each ticket's summary with its agency, assignee, SLA clock
    (in working time) and overdue mark."""
    ids = {t.agency_id for t in tickets if t.agency_id}
    names = {a.id: a.name for a in session.exec(select(Agency).where(col(Agency.id).in_(ids)))}
    return [_queue_row(t, names, sla, now) for t in tickets]


def _queue_row(
    ticket: Ticket, agencies: dict[int | None, str], sla: SlaSection, now: datetime
) -> dict[str, Any]:
    clock = read_clock(ticket, sla, now)
    return ticket_summary(ticket) | {
        "agency": agencies.get(ticket.agency_id) if ticket.agency_id else None,
        "assignee": ticket.assignee,
        "deadline": iso(ticket.deadline),
        "deadline_passed": ticket.status in OPEN_STATUSES
        and ticket.deadline is not None
        and ticket.deadline < now,
        "overdue": is_overdue(ticket, now),
        "sla": clock.text if clock else None,
        "due": iso(clock.due) if clock else None,
        "first_answer_due": iso(ticket.first_answer_due),
        "resolution_due": iso(ticket.resolution_due),
    }


def ticket_table(rows: Sequence[dict[str, Any]]) -> str:
    cells = [
        (
            r["ref"] + (" !" if r["overdue"] else ""),
            r["kind"] + (" (jadwal)" if r["schedule_change"] else ""),
            STATUS_NAMES.get(r["status"], r["status"]),
            "lengkap" if r["complete"] else "kurang: " + ", ".join(r["missing"]),
            r["assignee"] or "-",
            r["sla"] or "-",
            r["requester"],
            ("[cek] " if r["needs_staff"] else "") + r["subject"],
        )
        for r in rows
    ]
    headers = ("Tiket", "Jenis", "Status", "Dokumen", "Petugas", "SLA", "Pemohon", "Perihal")
    note = (
        "\n! = melewati target SLA (terlambat); [cek] = perlu diperiksa petugas"
        "\nSLA dihitung dalam jam kerja (hari dan jam kantor, di luar hari libur nasional "
        "dan cuti bersama)."
    )
    return table(headers, cells, empty="Belum ada tiket.") + (note if cells else "")


def ticket_detail(
    session: Session, ticket: Ticket, *, sla: SlaSection, now: datetime
) -> dict[str, Any]:
    """The `tickets show --json` object: the summary plus thread, documents, answers, audit."""
    detail: dict[str, Any] = queue_rows(session, [ticket], sla=sla, now=now)[0]
    present = documents_on_ticket(session, ticket)
    detail |= {
        "sender_known": ticket.sender_known,
        "fields": json.loads(ticket.fields),
        "reasons": json.loads(ticket.reasons),
        "staff_note": ticket.staff_note,
        "linked_ref": ticket.linked_ref,
        "outcome": ticket.outcome,
        "resolution_note": ticket.resolution_note,
        "documents": {doc: doc in present for doc in REQUIRED_DOCUMENTS.get(ticket.kind, ())},
        "messages": [
            {
                "message_id": m.message_id,
                "from": m.sender,
                "subject": m.subject,
                "received_at": iso(m.received_at),
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
                "stored_path": a.stored_path or None,
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
                "sent_at": iso(a.sent_at),
                "last_error": a.last_error or None,
            }
            for a in ticket_answers(session, ticket)
        ],
        "audit": [
            {"at": iso(e.at), "by": e.actor, "action": e.action, "detail": e.detail}
            for e in ticket_audit(session, ticket)
        ],
    }
    return detail


def ticket_detail_text(d: dict[str, Any]) -> str:
    lines = [
        f"{d['ref']}  {d['kind']}{' (perubahan jadwal)' if d['schedule_change'] else ''}",
        f"Status:    {STATUS_NAMES.get(d['status'], d['status'])}"
        + ("  ! TERLAMBAT (melewati target SLA)" if d["overdue"] else ""),
        f"Pemohon:   {_cell(d['requester_name'])} <{d['requester']}>"
        + ("" if d["sender_known"] else "  (pengirim tidak terdaftar)"),
        f"Instansi:  {_cell(d['agency'] or '-')}",
        f"Petugas:   {d['assignee'] or '-'}",
        f"Perihal:   {_cell(d['subject'], 200)}",
    ]
    if d["sla"]:
        due = f" (jatuh tempo {wib_text(d['due'])})" if d["due"] else ""
        lines.append(f"SLA:       {d['sla']}{due}")
    if d["deadline"]:
        passed = "  ! TENGGAT TELAH LEWAT" if d["deadline_passed"] else ""
        lines.append(f"Tenggat:   {wib_text(d['deadline'])}{passed}")
    if d["needs_staff"]:
        lines.append(f"PERLU DICEK PETUGAS: {_cell(d['staff_note'], 200)}")
    if d["holds_credentials"]:
        lines.append("Berisi kredensial (disamarkan).")
    if d["outcome"] or d["resolution_note"]:
        lines.append(f"Hasil:     {d['outcome'] or ''} {_cell(d['resolution_note'], 200)}")
    lines.append("Dokumen persyaratan:")
    lines += [f"  [{'x' if ok else ' '}] {doc}" for doc, ok in d["documents"].items()] or ["  -"]
    lines.append("Data:")
    lines += [f"  {k}: {_cell(v, 100)}" for k, v in d["fields"].items()] or ["  -"]
    lines.append("Pesan:")
    lines += [
        f"  - {m['received_at'] or ''} {m['from']}: {_cell(m['subject'], 80)}"
        for m in d["messages"]
    ]
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
    lines.append("Riwayat:")
    lines += [
        f"  - {e['at']} {e['by']}: {e['action']} {_cell(e['detail'], 120)}" for e in d["audit"]
    ]
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


def search_table(hits: Sequence[Hit]) -> str:
    """What `tickets search` prints: a line per ticket, best first, and what matched."""
    if not hits:
        return "Tidak ada tiket yang cocok."
    lines = []
    for hit in hits:
        status = STATUS_NAMES.get(hit.status, hit.status)
        lines.append(f"{hit.ref}  {hit.kind}  {status}  {hit.requester}  {_cell(hit.subject, 70)}")
        lines += [f"    {_cell(match, 110)}" for match in hit.matches]
    return "\n".join(lines)
