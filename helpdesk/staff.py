"""What staff do to a ticket: assign, note, reply, ask, merge, escalate, resolve, reject,
reopen.

Each action changes the ticket, writes the audit trail and queues the answer the SLA
requires, all in the caller's transaction: nothing is half done. The ticket is read
locked (`for_update`), so a follow-up the bot joins to it meanwhile waits for the
action's commit instead of undoing it. A password reset's outcome only ever goes to the
Administrator Agency address on record.
"""

from __future__ import annotations

import json
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, select

from helpdesk.accounts import list_accounts
from helpdesk.answers import OutgoingFile, Recipient, Thread, queue_ticket_answer
from helpdesk.domain import CLOSED_STATUSES, AnswerEvent, Kind, TicketStatus
from helpdesk.errors import HelpdeskError
from helpdesk.models import (
    Agency,
    InboundMessage,
    StaffAccount,
    StoredAttachment,
    Ticket,
    utcnow,
)
from helpdesk.registry import admin_address, find_agency, known_addresses, link_agency
from helpdesk.search import move_texts
from helpdesk.settings import Settings
from helpdesk.sla_clock import restart_resolution, set_status
from helpdesk.tickets import audit, get_ticket, recount_documents
from replies.names import FORENSIC_OUTCOMES, outcome_name, status_name

CLOSED = CLOSED_STATUSES
# Their outcome hands out an Administrator Agency account: only to an address on record.
ADMIN_KINDS = (Kind.ADMIN_REPLACEMENT, Kind.ADDITIONAL_ADMIN)
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


class StaffActionError(HelpdeskError):
    """A staff action cannot be done as asked; nothing was changed or sent."""


@dataclass
class ActionResult:
    ref: str
    status: str
    sent_to: list[str] = field(default_factory=list)  # addresses an answer was queued for

    def __str__(self) -> str:
        to = f"; answer queued for {', '.join(self.sent_to)}" if self.sent_to else ""
        return f"{self.ref}: {self.status}{to}"


@dataclass(frozen=True)
class Staff:
    """Who acts, and what every action needs."""

    name: str
    settings: Settings
    secret: bytes


def assign(session: Session, staff: Staff, ref: str, assignee: str) -> ActionResult:
    """Give the ticket to an officer with an account (the name matched case-insensitively)."""
    ticket = _open_ticket(session, ref)
    officer = officer_named(session, assignee)
    ticket.assignee = officer.name
    if ticket.status == TicketStatus.NEW:
        set_status(ticket, TicketStatus.IN_PROGRESS, staff.settings.sla)
    _save(session, ticket, staff, "assigned", f"kepada {ticket.assignee}")
    return ActionResult(ticket.ref, ticket.status)


def officer_named(session: Session, name: str) -> StaffAccount:
    """The active staff account called `name` in any case, or StaffActionError naming them."""
    wanted = " ".join(name.split()).casefold()
    accounts = [a for a in list_accounts(session) if not a.disabled]
    for account in accounts:
        if account.name.casefold() == wanted:
            return account
    names = ", ".join(a.name for a in accounts) or "none yet (add one: helpdesk staff add NAME)"
    raise StaffActionError(
        f"No active staff account {name.strip()!r}; one of: {names}.",
        shown=f"Tidak ada akun petugas aktif bernama {name.strip()!r}.",
    )


def add_note(session: Session, staff: Staff, ref: str, text: str) -> ActionResult:
    """An internal note: on the audit trail only, never sent."""
    ticket = get_ticket(session, ref, for_update=True)
    if not text.strip():
        raise StaffActionError("The note is empty.", shown="Catatan masih kosong.")
    _save(session, ticket, staff, "note", text.strip())
    return ActionResult(ticket.ref, ticket.status)


MAX_TEXT = 10_000  # characters of an officer's own answer


def reply(
    session: Session, staff: Staff, ref: str, *, text: str, attach: tuple[Path, ...] = ()
) -> ActionResult:
    """Answer the requester in the officer's own words, threaded like the bot's answers.

    A ticket that waited for the requester, or that nobody had taken yet, is in progress
    from then on; any other status stays (a closed ticket may still be answered).
    """
    ticket = get_ticket(session, ref, for_update=True)
    if ticket.status in (TicketStatus.NEW, TicketStatus.AWAITING_REQUESTER):
        set_status(ticket, TicketStatus.IN_PROGRESS, staff.settings.sla)
    return _officer_answer(session, staff, ticket, AnswerEvent.STAFF_REPLY, text, attach)


def ask(
    session: Session, staff: Staff, ref: str, *, text: str, attach: tuple[Path, ...] = ()
) -> ActionResult:
    """Ask the requester something back; the ticket waits for their answer (its reply
    brings it back to in progress)."""
    ticket = _open_ticket(session, ref)
    set_status(ticket, TicketStatus.AWAITING_REQUESTER, staff.settings.sla)
    return _officer_answer(session, staff, ticket, AnswerEvent.STAFF_QUESTION, text, attach)


def _officer_answer(
    session: Session,
    staff: Staff,
    ticket: Ticket,
    event: AnswerEvent,
    text: str,
    attach: tuple[Path, ...],
) -> ActionResult:
    """Queue the officer's own words (and files) to the requester; written to the history."""
    words = _officer_text(text)
    files = tuple(_outgoing_file(path) for path in attach)
    result = ActionResult(ticket.ref, ticket.status)
    extra = _extra(text=words, attached_files=_names(files))
    _answer_requester(session, staff, ticket, event, extra, result, files)
    _refuse_unanswerable(ticket, result)
    action = "asked" if event == AnswerEvent.STAFF_QUESTION else "replied"
    _save(session, ticket, staff, action, words)
    return result


def canned_answer(settings: Settings, ticket: Ticket, name: str) -> str:
    """Canned answer `name` filled in with the ticket's data, for the officer to edit;
    UnknownCannedAnswerError when there is none of that name."""
    from replies.canned import render_canned

    return render_canned(
        name,
        ticket_ref=ticket.ref,
        kind=ticket.kind,
        requester_name=ticket.requester_name,
        fields=json.loads(ticket.fields),
        helpdesk_name=settings.helpdesk.name,
    )


def _officer_text(text: str) -> str:
    words = text.strip()
    if not words:
        raise StaffActionError(
            "The answer is empty: give --text (or --text - to read it from standard input).",
            shown="Isi jawaban masih kosong.",
        )
    if len(words) > MAX_TEXT:
        raise StaffActionError(
            f"The answer is longer than {MAX_TEXT} characters; shorten it or attach a file.",
            shown=f"Jawaban lebih dari {MAX_TEXT} karakter; persingkat atau lampirkan berkas.",
        )
    return words


def _refuse_unanswerable(ticket: Ticket, result: ActionResult) -> None:
    if not result.sent_to:
        raise StaffActionError(
            f"{ticket.ref} has no usable requester address; nothing was sent.",
            shown=f"{ticket.ref} tidak memiliki alamat pemohon yang dapat dibalas; "
            "tidak ada email yang dikirim.",
        )


def merge(session: Session, staff: Staff, ref: str, *, into: str) -> ActionResult:
    """Move REF's messages and files to ticket `into`, where they count toward its
    documents ("berkas lengkap" goes out when they complete it), and close REF pointing
    at it; both histories say so."""
    source = get_ticket(session, ref, for_update=True)
    target = get_ticket(session, into.strip(), for_update=True)
    if source.id == target.id:
        raise StaffActionError(
            f"{source.ref} cannot be merged into itself.",
            shown=f"{source.ref} tidak dapat digabungkan dengan dirinya sendiri.",
        )
    if source.status in CLOSED:
        raise StaffActionError(
            f"{source.ref} is {source.status}: only an open ticket can be merged.",
            shown=f"{source.ref} sudah {status_name(source.status).lower()}: hanya tiket yang "
            "masih terbuka yang dapat digabungkan.",
        )
    target = _open_ticket(session, target.ref)
    moved = _move_contents(session, source, target)
    set_status(source, TicketStatus.RESOLVED, staff.settings.sla)
    source.resolved_at = utcnow()
    source.linked_ref, source.resolution_note = target.ref, f"digabung ke {target.ref}"
    target.holds_credentials = target.holds_credentials or source.holds_credentials
    result = ActionResult(target.ref, target.status)
    if recount_documents(session, target, staff.settings.sla):
        result.status = target.status
        event = AnswerEvent.DOCUMENTS_COMPLETE
        _answer_requester(session, staff, target, event, {}, result)
    _save(session, source, staff, "merged", f"ke {target.ref}")
    _save(session, target, staff, "merged", f"{source.ref} digabungkan: {moved}")
    return result


def _move_contents(session: Session, source: Ticket, target: Ticket) -> str:
    """Give `source`'s messages, files and search texts to `target`: "2 pesan, 3 berkas"."""
    counts = []
    for model, what in ((InboundMessage, "pesan"), (StoredAttachment, "berkas")):
        rows = session.exec(select(model).where(model.ticket_id == source.id)).all()
        for row in rows:
            row.ticket_id = target.id
            session.add(row)
        counts.append(f"{len(rows)} {what}")
    assert source.id is not None and target.id is not None
    move_texts(session, from_ticket=source.id, to_ticket=target.id)
    session.flush()
    return ", ".join(counts)


def escalate(session: Session, staff: Staff, ref: str, *, note: str = "") -> ActionResult:
    ticket = _open_ticket(session, ref)
    if ticket.kind != Kind.FORENSIC_TEST:
        raise StaffActionError(
            f"{ticket.ref} is a {ticket.kind}: only forensic tests go to LKPP.",
            shown=f"{ticket.ref} bukan permohonan uji forensik: hanya uji forensik yang "
            "diteruskan ke LKPP.",
        )
    set_status(ticket, TicketStatus.ESCALATED, staff.settings.sla)
    result = ActionResult(ticket.ref, ticket.status)
    _answer_requester(session, staff, ticket, AnswerEvent.ESCALATED, _extra(note=note), result)
    _save(session, ticket, staff, "escalated", note)
    return result


def resolve(
    session: Session,
    staff: Staff,
    ref: str,
    *,
    outcome: str | None = None,
    note: str = "",
    attach: tuple[Path, ...] = (),
) -> ActionResult:
    """Close the ticket as done and tell whoever the SLA says must hear of it."""
    ticket = _open_ticket(session, ref)
    _check_outcome(ticket, outcome)
    link_agency(session, ticket)  # its agency may have been registered since it opened
    files = tuple(_outgoing_file(path) for path in attach)
    set_status(ticket, TicketStatus.RESOLVED, staff.settings.sla)
    ticket.resolved_at = utcnow()
    ticket.outcome, ticket.resolution_note = outcome, note.strip()
    result = ActionResult(ticket.ref, ticket.status)
    extra = _extra(
        note=note,
        outcome=outcome or "",
        attached_files=_names(files),
        bimtek_schedule=staff.settings.sla.bimtek_schedule,
    )
    if ticket.kind == Kind.PASSWORD_RESET:
        _resolve_password_reset(session, staff, ticket, extra, files, result)
    elif ticket.kind in ADMIN_KINDS and not _requester_on_record(session, ticket):
        _resolve_to_admin_on_record(session, staff, ticket, extra, files, result)
    else:
        _answer_requester(session, staff, ticket, AnswerEvent.RESOLVED, extra, result, files)
    done = f"hasil: {outcome_name(outcome)}; {note}" if outcome else note
    _save(session, ticket, staff, "resolved", done)
    return result


def reject(session: Session, staff: Staff, ref: str, *, reason: str) -> ActionResult:
    ticket = _open_ticket(session, ref)
    if not reason.strip():
        raise StaffActionError(
            "Give the reason (--reason): the requester is told it.",
            shown="Isi alasan penolakan: alasan ini disampaikan kepada pemohon.",
        )
    set_status(ticket, TicketStatus.REJECTED, staff.settings.sla)
    ticket.resolved_at, ticket.resolution_note = utcnow(), reason
    result = ActionResult(ticket.ref, ticket.status)
    _answer_requester(session, staff, ticket, AnswerEvent.REJECTED, _extra(reason=reason), result)
    _save(session, ticket, staff, "rejected", reason)
    return result


def reopen(session: Session, staff: Staff, ref: str, *, note: str = "") -> ActionResult:
    ticket = get_ticket(session, ref, for_update=True)
    if ticket.status not in CLOSED:
        raise StaffActionError(
            f"{ticket.ref} is not closed (status {ticket.status}).",
            shown=f"{ticket.ref} belum ditutup (status: {status_name(ticket.status).lower()}).",
        )
    ticket.status = TicketStatus.IN_PROGRESS if ticket.complete else TicketStatus.AWAITING_DOCUMENTS
    restart_resolution(ticket, staff.settings.sla)
    ticket.resolved_at, ticket.outcome = None, None
    result = ActionResult(ticket.ref, ticket.status)
    _answer_requester(session, staff, ticket, AnswerEvent.REOPENED, _extra(note=note), result)
    _save(session, ticket, staff, "reopened", note)
    return result


def _resolve_password_reset(
    session: Session,
    staff: Staff,
    ticket: Ticket,
    extra: dict[str, str],
    files: tuple[OutgoingFile, ...],
    result: ActionResult,
) -> None:
    """The outcome goes to the Administrator Agency on record; the requester, if another
    person, only hears that it was sent there."""
    agency = session.get(Agency, ticket.agency_id) if ticket.agency_id else None
    agency = agency or find_agency(session, ticket.requester_address)
    refusal = StaffActionError(
        f"No Administrator Agency address on record for {ticket.requester_address}; "
        "nothing was sent. Add the agency with `helpdesk agencies import`, then resolve "
        "again.",
        shown=f"Alamat Admin Agency untuk {ticket.requester_address} belum terdaftar; "
        "tidak ada email yang dikirim. Tambahkan instansinya di halaman Registri "
        "Instansi, lalu selesaikan lagi.",
    )
    admin = _outcome_to_admin(session, staff, ticket, agency, refusal, extra, files, result)
    if admin.lower() != ticket.requester_address.lower():
        _answer_requester(session, staff, ticket, AnswerEvent.REQUESTER_NOTICE, {}, result)


def _requester_on_record(session: Session, ticket: Ticket) -> bool:
    """The requester is an address of the ticket's agency: one on record, or in its domains."""
    agency = session.get(Agency, ticket.agency_id) if ticket.agency_id else None
    if agency is None or not ticket.requester_address:
        return False
    address = ticket.requester_address  # not lower()ed: a Kelvin sign must stay no "k"
    domain = address.rpartition("@")[2]
    own = json.loads(agency.domains)
    return address in known_addresses(agency) or any(
        domain == d or domain.endswith("." + d) for d in own
    )


def _resolve_to_admin_on_record(
    session: Session,
    staff: Staff,
    ticket: Ticket,
    extra: dict[str, str],
    files: tuple[OutgoingFile, ...],
    result: ActionResult,
) -> None:
    """An administrator account's outcome for a requester not on record goes to the
    Administrator Agency on record instead; without one, nothing is sent."""
    agency = session.get(Agency, ticket.agency_id) if ticket.agency_id else None
    refusal = StaffActionError(
        f"{ticket.requester_address or 'The requester'} is not an address on record for an "
        "agency, and no Administrator Agency address is on record to send the outcome to; "
        "nothing was sent. Confirm the request with the agency and add its addresses with "
        "`helpdesk agencies import`, then resolve again (or reject).",
        shown=f"{ticket.requester_address or 'Pemohon'} bukan alamat terdaftar sebuah "
        "instansi, dan alamat Admin Agency-nya belum terdaftar; tidak ada email yang "
        "dikirim. Konfirmasikan permohonan kepada instansi dan tambahkan alamatnya di "
        "halaman Registri Instansi, lalu selesaikan lagi (atau tolak).",
    )
    _outcome_to_admin(session, staff, ticket, agency, refusal, extra, files, result)


def _outcome_to_admin(
    session: Session,
    staff: Staff,
    ticket: Ticket,
    agency: Agency | None,
    refusal: StaffActionError,
    extra: dict[str, str],
    files: tuple[OutgoingFile, ...],
    result: ActionResult,
) -> str:
    """Queue the outcome to `agency`'s Administrator Agency address and return it; with no
    such address, raise `refusal` (nothing is sent)."""
    admin = admin_address(agency) if agency else None
    if agency is None or not admin:
        raise refusal
    extra = {**extra, "admin_name": agency.admin_name}
    to = Recipient(agency.admin_name, admin)
    _queue(session, staff, ticket, AnswerEvent.RESOLVED, to, extra, files)
    result.sent_to.append(admin)
    return admin


def _answer_requester(
    session: Session,
    staff: Staff,
    ticket: Ticket,
    event: AnswerEvent,
    extra: dict[str, str],
    result: ActionResult,
    files: tuple[OutgoingFile, ...] = (),
) -> None:
    if not ticket.requester_address:
        return  # a ticket for mail without a usable sender: staff answer by hand
    requester = Recipient(ticket.requester_name, ticket.requester_address)
    _queue(session, staff, ticket, event, requester, extra, files)
    result.sent_to.append(ticket.requester_address)


def _queue(
    session: Session,
    staff: Staff,
    ticket: Ticket,
    event: AnswerEvent,
    to: Recipient,
    extra: dict[str, str],
    files: tuple[OutgoingFile, ...],
) -> None:
    last = _last_request(session, ticket)
    thread = Thread(ticket.subject, last.message_id if last else None)
    queue_ticket_answer(
        session,
        staff.settings,
        staff.secret,
        ticket=ticket,
        event=event,
        to=to,
        thread=thread,
        received_at=ticket.created_at,
        extra=extra,
        files=files,
    )


def _last_request(session: Session, ticket: Ticket) -> InboundMessage | None:
    query = select(InboundMessage).where(InboundMessage.ticket_id == ticket.id)
    return session.exec(query.order_by(col(InboundMessage.id).desc())).first()


def _open_ticket(session: Session, ref: str) -> Ticket:
    ticket = get_ticket(session, ref, for_update=True)
    if ticket.status in CLOSED:
        raise StaffActionError(
            f"{ticket.ref} is {ticket.status}: reopen it first.",
            shown=f"{ticket.ref} sudah {status_name(ticket.status).lower()}: buka kembali dahulu.",
        )
    return ticket


def _check_outcome(ticket: Ticket, outcome: str | None) -> None:
    if ticket.kind == Kind.FORENSIC_TEST and outcome not in FORENSIC_OUTCOMES:
        raise StaffActionError(
            f"A forensic test needs --outcome, one of: {', '.join(FORENSIC_OUTCOMES)}.",
            shown="Pilih hasil uji forensik sebelum menyelesaikan tiket.",
        )
    if ticket.kind != Kind.FORENSIC_TEST and outcome:
        raise StaffActionError(
            "--outcome is for forensic tests only.",
            shown="Hasil uji hanya diisi untuk permohonan uji forensik.",
        )


def _outgoing_file(path: Path) -> OutgoingFile:
    """A staff member's file to attach, under a safe version of its own name."""
    if not path.is_file():
        raise StaffActionError(f"Cannot attach {path}: no such file.")
    data = path.read_bytes()
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise StaffActionError(f"{path} is larger than 20 MB; send a smaller file.")
    name = re.sub(r"[^\w .()-]", "_", path.name).strip() or "lampiran"
    maintype, _, subtype = (mimetypes.guess_type(name)[0] or "application/octet-stream").partition(
        "/"
    )
    return OutgoingFile(name[:120], data, maintype, subtype)


def _names(files: tuple[OutgoingFile, ...]) -> str:
    return ", ".join(f.filename for f in files)


def _extra(**values: str) -> dict[str, str]:
    return {key: value.strip() for key, value in values.items() if value and value.strip()}


def _save(session: Session, ticket: Ticket, staff: Staff, action: str, detail: str) -> None:
    ticket.updated_at = utcnow()
    session.add(ticket)
    audit(session, ticket, actor=staff.name, action=action, detail=detail)
