"""The ACT side of the pipeline: what is written for one decided message.

Each step takes the Act record and adds rows to its session; none commits. The
runner commits them together, so a ticket never exists without its answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from helpdesk.answer_limits import answer_refusal, block_address
from helpdesk.answers import OutgoingFile, Recipient, Thread, queue_ticket_answer, valid_address
from helpdesk.decision import Decision
from helpdesk.domain import AnswerEvent, Kind, TicketStatus
from helpdesk.mailbox import RawMessage
from helpdesk.message_ids import ticket_of_message_id
from helpdesk.models import (
    Agency,
    InboundMessage,
    OutboxAnswer,
    QuarantineEntry,
    StoredAttachment,
    Ticket,
    utcnow,
)
from helpdesk.registry import find_agency
from helpdesk.search import add_text, ticket_facts
from helpdesk.settings import Settings
from helpdesk.sla_clock import set_status, start_clock
from helpdesk.storage import sha256_hex, store_blob
from helpdesk.tickets import audit, find_ticket, next_ref, recount_documents, resent_ticket
from parsers.dates import parse_deadline
from parsers.fields import mask_credentials
from parsers.types import ParsedMessage
from replies.blank_forms import FORMS, blank_form
from replies.names import document_name, kind_name, status_name
from replies.render import first_answer_event

# Requests that hand out or recover an Administrator Agency account.
PRIVILEGED_KINDS = frozenset({Kind.PASSWORD_RESET, Kind.ADMIN_REPLACEMENT, Kind.ADDITIONAL_ADMIN})


@dataclass
class Act:
    """Everything the ACT steps share for one message."""

    session: Session
    settings: Settings
    secret: bytes
    raw: RawMessage
    raw_path: str
    dedup_key: str
    message: ParsedMessage
    decision: Decision
    inbound: InboundMessage | None = None
    ticket: Ticket | None = None
    answer_event: AnswerEvent | None = None
    joined: bool = False  # the message is a follow-up of an existing ticket
    resend: bool = False  # ... that repeats its request (no [REF], same kode tender)
    owner: str = ""  # the worker storing it (helpdesk.attempts.worker_identity)


def record_message(act: Act) -> None:
    """Store the message row; its unique dedup_key makes a second copy fail to commit."""
    act.inbound = message_row(act.raw, act.raw_path, act.dedup_key, act.message)
    act.inbound.kind = act.decision.kind
    act.inbound.owner = act.owner
    act.inbound.received_at = _as_utc(act.raw.internal_date)
    act.session.add(act.inbound)
    act.session.flush()


def block_bounced(act: Act) -> None:
    """Block the addresses a permanent-failure DSN of one of our answers reports."""
    d = act.decision
    if not d.bounced_recipients or not d.bounced_message_id:
        return
    answer = _our_answer(act, d.bounced_message_id)
    if answer is None:
        d.because(
            f"the bounced answer {d.bounced_message_id} is not one we sent: nothing blocked",
            f"jawaban {d.bounced_message_id} yang gagal terkirim bukan kiriman kami: "
            "tidak ada yang diblokir",
        )
        return
    # Only the address that answer went to: a forged report cannot block anyone else.
    blocked = [r for r in d.bounced_recipients if r.lower() == answer.recipient.lower()]
    for address in blocked:
        block_address(act.session, address, f"hard bounce of answer {d.bounced_message_id}")
    d.because(
        f"hard bounce: blocked {', '.join(blocked) or 'nobody (not its recipient)'}",
        "gagal kirim permanen: diblokir "
        + (", ".join(blocked) or "tidak seorang pun (bukan penerimanya)"),
    )
    ticket = act.session.get(Ticket, answer.ticket_id)
    if ticket is not None and blocked:
        audit(act.session, ticket, actor="bot", action="bounced", detail=", ".join(blocked))


def _our_answer(act: Act, message_id: str) -> OutboxAnswer | None:
    """The outbox row of `message_id`, if it carries our signature and we queued it."""
    domain = act.settings.helpdesk.own_domain
    if ticket_of_message_id(message_id, domain=domain, secret=act.secret) is None:
        return None
    query = select(OutboxAnswer).where(OutboxAnswer.message_id == message_id.strip("<> "))
    return act.session.exec(query).first()


def record_ticket(act: Act) -> None:
    """Open a new ticket, or join the trusted ticket a follow-up names or a resend repeats."""
    if act.decision.automatic:
        return  # never a ticket, never an answer, never a state change
    existing = _trusted_followup_ticket(act)
    if existing is None and not act.decision.ticket_ref:
        existing = _resent(act)
    if existing is not None:
        _join(act, existing)
    else:
        _open(act)
    assert act.inbound is not None
    act.inbound.ticket_id = act.ticket.id if act.ticket else None
    act.session.add(act.inbound)


def store_attachments(act: Act) -> None:
    """Keep every attachment's bytes (content-addressed) and its verdict on the ticket."""
    if act.decision.automatic or act.inbound is None:
        return
    data_dir = act.settings.helpdesk.data_dir
    stored = {
        sha256_hex(a.data): store_blob(data_dir, "attachments", a.data)
        for a in act.message.attachments
    }
    for verdict in act.decision.attachments:
        act.session.add(
            StoredAttachment(
                message_row_id=act.inbound.id or 0,
                ticket_id=act.ticket.id if act.ticket else None,
                filename=verdict.filename[:300],
                content_type=verdict.content_type,
                size=verdict.size,
                sha256=verdict.sha256,
                stored_path=stored.get(verdict.sha256, ""),
                documents=json.dumps(list(verdict.documents)),
                problem=verdict.problem,
                problem_code=verdict.problem_code,
                container=verdict.container,
                ocr_text=mask_credentials(verdict.text)[:OCR_TEXT_KEPT] if verdict.ocr_read else "",
            )
        )
    act.session.flush()
    if act.joined and act.ticket is not None:
        _refresh_missing(act, act.ticket)


def index_for_search(act: Act) -> None:
    """Make the ticket findable by what this message brought: its own facts when new, the
    mail's subject, sender and text, each file's name and text (passwords masked)."""
    ticket = act.ticket
    if ticket is None or ticket.id is None or act.decision.automatic:
        return
    if not act.joined:
        agency = act.session.get(Agency, ticket.agency_id) if ticket.agency_id else None
        add_text(act.session, ticket.id, "ticket", ticket_facts(ticket, agency))
    add_text(act.session, ticket.id, "message", _mail_words(act.message))
    for verdict in act.decision.attachments:
        add_text(act.session, ticket.id, "attachment", f"{verdict.filename} {verdict.text}")


def _mail_words(message: ParsedMessage) -> str:
    return f"{message.subject} {message.sender.name} {message.sender.address} {message.body_text}"


def queue_reply(act: Act) -> None:
    """Render the answer this message deserves and add it to the outbox."""
    if act.ticket is None or act.answer_event is None or act.inbound is None:
        return
    since = act.settings.helpdesk.answer_mail_since
    arrived = act.raw.internal_date
    if since is not None and arrived is not None and _utc(arrived) < _utc(since):
        act.decision.because(
            f"arrived before the cut-over {since:%Y-%m-%d %H:%M}: not answered",
            f"masuk sebelum batas answer_mail_since {since:%d-%m-%Y %H:%M}: tidak dijawab",
        )
        return
    ticket = act.ticket
    if act.decision.spam is not None and not act.joined:
        return  # spam: a ticket for staff to look at in the Spam view, never an answer
    incomplete = act.answer_event == AnswerEvent.INCOMPLETE
    forms = _blank_forms_for(json.loads(ticket.missing)) if incomplete else ()
    if not valid_address(act.message.sender.address):
        ticket.needs_staff = True
        ticket.staff_note = "alamat pengirim tidak dapat dipakai: tidak dijawab"
        act.session.add(ticket)
        return
    refusal = answer_refusal(act.session, act.settings.limits, act.message.sender.address)
    if refusal is not None:
        reason, shown = refusal
        act.decision.because(f"not answered: {reason}", f"tidak dijawab: {shown}")
        audit(act.session, ticket, actor="bot", action="not_answered", detail=shown)
        return
    queue_ticket_answer(
        act.session,
        act.settings,
        act.secret,
        ticket=ticket,
        event=act.answer_event,
        to=Recipient(act.message.sender.name, act.message.sender.address),
        thread=Thread(
            mask_credentials(act.message.subject), act.message.message_id, act.message.references
        ),
        received_at=act.raw.internal_date or utcnow(),
        attachments=act.decision.attachments,
        fields=act.decision.fields,
        extra={"attached_forms": ", ".join(f.filename for f in forms)} if forms else {},
        files=forms,
        cause_message_id=act.inbound.id,
    )
    act.inbound.answered = True


def _blank_forms_for(missing: list[str]) -> tuple[OutgoingFile, ...]:
    """The official blank forms of the missing documents that have one."""
    return tuple(
        OutgoingFile(
            FORMS[doc].filename,
            blank_form(doc),
            "application",
            "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        for doc in missing
        if doc in FORMS
    )


def message_row(
    raw: RawMessage, raw_path: str, dedup_key: str, message: ParsedMessage | None
) -> InboundMessage:
    """The row every message read gets: where it was, its raw file, and (when it could be
    parsed) who sent it and what about."""
    row = InboundMessage(
        dedup_key=dedup_key,
        location=raw.location,
        raw_sha256=sha256_hex(raw.data),
        raw_path=raw_path,
    )
    if message is not None:
        row.message_id = message.message_id
        row.sender = message.sender.address
        row.subject = mask_credentials(message.subject)[:500]
    return row


def new_ticket(
    session: Session,
    settings: Settings,
    raw: RawMessage,
    message: ParsedMessage | None,
    **columns: Any,
) -> Ticket:
    """A ticket with the next reference of the year the message arrived, for its sender."""
    year = (raw.internal_date or datetime.now()).year
    ticket = Ticket(
        ref=next_ref(session, prefix=settings.helpdesk.ticket_prefix, year=year), **columns
    )
    if message is not None:
        ticket.requester_name = message.sender.name[:200]
        ticket.requester_address = message.sender.address[:254]
    start_clock(ticket, settings.sla, _request_arrived(raw, settings, ticket.created_at))
    return ticket


def _request_arrived(raw: RawMessage, settings: Settings, created: datetime) -> datetime:
    """When the SLA clock starts: as the mail reached the server (its INTERNALDATE,
    which the server sets, not the sender), so a bot that was down does not gain time.
    Mail from before the cut-over (answer_mail_since) and a date in the future start
    the clock when the ticket is made."""
    arrived = _as_utc(raw.internal_date)
    since = _as_utc(settings.helpdesk.answer_mail_since)
    if arrived is None or arrived > created or (since is not None and arrived < since):
        return created
    return arrived


OCR_TEXT_KEPT = 20_000  # characters of what OCR read, shown to staff on the ticket
FLAGGED_NOTE = "Pesan ini tidak dapat diproses otomatis: periksa dan tangani secara manual."


def record_flagged(
    session: Session,
    settings: Settings,
    raw: RawMessage,
    raw_path: str,
    dedup_key: str,
    reason: str,
    message: ParsedMessage | None,
    *,
    owner: str = "",
) -> Ticket:
    """The rows of a message staff must handle: the message with its error, a ticket
    that says so, and a quarantine entry for `helpdesk quarantine replay`."""
    # The message's unique key first, the ticket counter second: the same order as a
    # normal message, so two workers cannot deadlock on the pair.
    inbound = message_row(raw, raw_path, dedup_key, message)
    reason = mask_credentials(reason)  # an error may quote the mail it failed on
    inbound.error = reason[:1000]
    inbound.owner = owner
    session.add(inbound)
    session.flush()
    ticket = new_ticket(
        session,
        settings,
        raw,
        message,
        kind=Kind.OTHER,
        status=TicketStatus.NEW,
        needs_staff=True,
        staff_note=f"{FLAGGED_NOTE} Rincian teknis: {reason[:1000]}",
        subject="(pesan tidak dapat diproses otomatis)",
    )
    session.add(ticket)
    session.flush()
    inbound.ticket_id = ticket.id
    session.add(inbound)
    if ticket.id is not None:  # staff find it like any other ticket
        add_text(session, ticket.id, "ticket", ticket_facts(ticket, None))
        if message is not None:
            add_text(session, ticket.id, "message", _mail_words(message))
    session.add(
        QuarantineEntry(
            location=raw.location, raw_path=raw_path, reason=reason[:1000], ticket_id=ticket.id
        )
    )
    return ticket


def _open(act: Act) -> None:
    d, m = act.decision, act.message
    ticket = new_ticket(
        act.session,
        act.settings,
        act.raw,
        m,
        kind=d.kind,
        schedule_change=d.schedule_change,
        status=_first_status(d),
        subject=mask_credentials(m.subject)[:500],
        kode_tender=d.fields.get("kode_tender"),
        complete=d.complete,
        missing=json.dumps(d.missing),
        fields=json.dumps(d.fields),
        reasons=json.dumps(d.shown_reasons),
        holds_credentials=d.holds_credentials,
        deadline=_stated_deadline(d),
        spam=d.spam is not None,
    )
    agency = find_agency(act.session, m.sender.address) if m.sender.address else None
    ticket.agency_id, ticket.sender_known = (agency.id, True) if agency else (None, False)
    if d.ticket_ref:
        # A subject that names a ticket we cannot trust it to join: link, and let staff look.
        ticket.linked_ref = d.ticket_ref
        ticket.needs_staff = True
        ticket.staff_note = (
            f"menyebut tiket {d.ticket_ref}, tetapi tidak dapat dipastikan sebagai tindak "
            "lanjutnya (pengirim lain, bukan balasan pesan kami): periksa lalu gabungkan bila "
            "memang terkait"
        )
    if d.kind in PRIVILEGED_KINDS and not (d.sender_verified and agency is not None):
        _flag_unconfirmed_sender(ticket, d, known=agency is not None)
    act.session.add(ticket)
    act.session.flush()
    audit(
        act.session,
        ticket,
        actor="bot",
        action="created",
        detail=f"{kind_name(d.kind)}, "
        + ("lengkap" if d.complete else "kurang " + ", ".join(map(document_name, d.missing))),
    )
    act.ticket = ticket
    act.answer_event = first_answer_event(d.kind, d.complete)


def _flag_unconfirmed_sender(ticket: Ticket, decision: Decision, *, known: bool) -> None:
    """A privileged request whose sender we cannot confirm: staff check before acting."""
    doubts = [
        *([] if decision.sender_verified else ["the sender's address is not verified"]),
        *([] if known else ["the sender is not in the agency registry"]),
    ]
    shown = [
        *([] if decision.sender_verified else ["alamat pengirim tidak terverifikasi"]),
        *([] if known else ["pengirim tidak terdaftar di daftar instansi"]),
    ]
    note = (
        f"{kind_name(decision.kind)}: {' dan '.join(shown)}. Pastikan kepada instansi "
        "sebelum menindaklanjuti; hasilnya hanya dikirim ke alamat yang terdaftar."
    )
    ticket.needs_staff = True
    ticket.staff_note = f"{ticket.staff_note}; {note}" if ticket.staff_note else note
    decision.because(
        f"flagged for staff: {' and '.join(doubts)}",
        f"ditandai untuk diperiksa petugas: {' dan '.join(shown)}",
    )


def _stated_deadline(decision: Decision) -> datetime | None:
    """A data correction must reach LPSE before the stage it changes ends (H-2): the
    original schedule a request states is the deadline it is prioritised by."""
    if decision.kind != Kind.PROBLEM_REPORT:
        return None
    return parse_deadline(decision.fields.get("jadwal_semula", ""))


def _join(act: Act, ticket: Ticket) -> None:
    act.ticket, act.joined = ticket, True
    act.decision.because(
        f"follow-up joins ticket {ticket.ref}", f"tindak lanjut digabungkan ke tiket {ticket.ref}"
    )
    audit(
        act.session,
        ticket,
        actor="bot",
        action="followup",
        detail=f"pesan dari {act.message.sender.address}",
    )
    ticket.holds_credentials = ticket.holds_credentials or act.decision.holds_credentials
    if ticket.status == TicketStatus.AWAITING_REQUESTER:
        # The answer staff waited for: the ticket is theirs to work on again.
        set_status(ticket, TicketStatus.IN_PROGRESS, act.settings.sla)
        act.decision.because(
            f"answers the question on {ticket.ref}: back in progress",
            f"menjawab pertanyaan pada {ticket.ref}: kembali Diproses",
        )
        audit(act.session, ticket, actor="bot", action="status", detail="pemohon menjawab")
    ticket.updated_at = utcnow()
    act.session.add(ticket)


def _refresh_missing(act: Act, ticket: Ticket) -> None:
    """After a follow-up's attachments are stored: recount the ticket's documents."""
    was_missing = set(json.loads(ticket.missing))
    if recount_documents(act.session, ticket, act.settings.sla):
        act.answer_event = AnswerEvent.DOCUMENTS_COMPLETE
        audit(
            act.session,
            ticket,
            actor="bot",
            action="status",
            detail=f"semua dokumen diterima: {status_name(ticket.status)}",
        )
    elif set(json.loads(ticket.missing)) < was_missing:
        # Progress, but not all: say what is still missing. Only progress is answered, so
        # a robot mailing the ticket again and again gets at most one answer per document.
        act.answer_event = AnswerEvent.INCOMPLETE
    resend_news = act.answer_event in (None, AnswerEvent.INCOMPLETE)
    if act.resend and resend_news and not _resend_answered_lately(act, ticket):
        # Told (at most once a day) that the resend was added, with what is still missing.
        act.answer_event = AnswerEvent.RESEND_JOINED
    act.session.add(ticket)


def _resend_answered_lately(act: Act, ticket: Ticket) -> bool:
    since = utcnow() - timedelta(hours=24)
    query = select(OutboxAnswer.id).where(
        OutboxAnswer.ticket_id == ticket.id,
        OutboxAnswer.event == AnswerEvent.RESEND_JOINED,
        col(OutboxAnswer.created_at) >= since,
    )
    return act.session.exec(query.limit(1)).first() is not None


def _resent(act: Act) -> Ticket | None:
    """The open ticket this message sends again (same sender, kind and kode tender)."""
    d = act.decision
    ticket = resent_ticket(
        act.session,
        sender=act.message.sender.address,
        kind=d.kind,
        kode_tender=d.fields.get("kode_tender"),
        for_update=True,
    )
    if ticket is not None:
        d.because(*resend_reason(ticket.ref))
        act.resend = True
    return ticket


def resend_reason(ref: str) -> tuple[str, str]:
    """Why a request joins its open ticket: in English, and as the officer reads it."""
    return (
        f"a resend of open ticket {ref} (same sender, kind and kode tender): joined to it",
        f"kiriman ulang tiket terbuka {ref} (pengirim, jenis, dan kode tender sama): "
        "digabungkan ke tiket itu",
    )


def _trusted_followup_ticket(act: Act) -> Ticket | None:
    ref = act.decision.ticket_ref
    if not ref:
        return None
    # Locked (PostgreSQL) until the commit: a staff action on the ticket waits for us.
    ticket = find_ticket(act.session, ref, for_update=True)
    if ticket is None:
        return None
    domain = act.settings.helpdesk.own_domain
    threaded = [act.message.in_reply_to or "", *act.message.references]
    if any(
        ticket_of_message_id(mid, domain=domain, secret=act.secret) == ticket.ref
        for mid in threaded
    ):
        return ticket
    sender = act.message.sender.address
    if sender and sender == ticket.requester_address:
        return ticket
    agency = find_agency(act.session, sender) if sender else None
    if agency is not None and agency.id == ticket.agency_id:
        act.decision.because(
            f"sender {sender} is of the requester's agency {agency.name}",
            f"pengirim {sender} berasal dari instansi pemohon, {agency.name}",
        )
        return ticket
    return None


def _first_status(decision: Decision) -> str:
    if decision.kind == Kind.SUB_AGENCY:
        return TicketStatus.REJECTED
    return TicketStatus.NEW if decision.complete else TicketStatus.AWAITING_DOCUMENTS


def _as_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else _utc(moment)


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive moment (no zone given) is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
