"""A ticket's page `/tickets/{ref}` and its attachments' downloads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from helpdesk.accounts import list_accounts
from helpdesk.domain import CLOSED_STATUSES
from helpdesk.errors import HelpdeskError
from helpdesk.models import InboundMessage, StoredAttachment, Ticket
from helpdesk.settings import Settings
from helpdesk.staff import canned_answer
from helpdesk.storage import read_blob
from helpdesk.terminal import ticket_detail
from helpdesk.tickets import (
    find_ticket,
    likely_duplicates,
    related_tickets,
    ticket_answers,
    ticket_attachments,
    ticket_messages,
)
from helpdesk.web.core import now, render, require, state
from parsers.fields import mask_credentials, nip_problem
from parsers.message import parse_message
from replies.canned import UnknownCannedAnswerError, canned_answers
from replies.names import FORENSIC_OUTCOMES

MAX_BODY_CHARS = 20_000
_STORED_PATH = re.compile(r"^[a-z]+/[0-9a-f]{2}/[0-9a-f]{64}(\.[a-z0-9]{1,10})?$")


def message_body(settings: Settings, message: InboundMessage) -> str:
    """The text body of a stored mail, credentials masked; never its HTML as HTML."""
    if not message.raw_path:
        return ""
    try:
        raw = read_blob(settings.helpdesk.data_dir, message.raw_path)
        body = parse_message(raw).body_text
    except (OSError, HelpdeskError):
        return "(isi pesan tidak dapat dibaca; lihat berkas aslinya)"
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS] + "\n[... dipotong]"
    return mask_credentials(body)


def load_ticket(session: Session, ref: str) -> Ticket:
    ticket = find_ticket(session, ref)
    if ticket is None:
        raise HTTPException(404, f"Tiket {ref} tidak ditemukan.")
    return ticket


def ticket_context(session: Session, settings: Settings, ticket: Ticket) -> dict[str, Any]:
    """Everything the ticket page shows, as plain values."""
    detail = ticket_detail(session, ticket, sla=settings.sla, now=now())
    messages = ticket_messages(session, ticket)
    detail["thread"] = [
        {
            "from": m.sender,
            "subject": m.subject,
            "at": m.received_at or m.read_at,
            "error": m.error,
            "body": message_body(settings, m),
        }
        for m in messages
    ]
    detail["attachment_rows"] = [
        {
            "id": a.id,
            "filename": a.filename,
            "documents": json.loads(a.documents),
            "problem": a.problem,
            "problem_code": a.problem_code,
            "size": a.size,
            "container": a.container,
            "stored": bool(a.stored_path),
            "ocr_text": a.ocr_text,
        }
        for a in ticket_attachments(session, ticket)
    ]
    detail["created"], detail["deadline_at"] = ticket.created_at, ticket.deadline
    _nip_problem_in_indonesian(detail["fields"])
    return detail


def _nip_problem_in_indonesian(fields: dict[str, str]) -> None:
    # The stored note is the English one `check --json` prints; the officer reads this.
    problem = nip_problem(fields.get("nip", "")) if "nip_problem" in fields else None
    if problem is not None:
        fields["nip_problem"] = problem[1]


def page_context(
    session: Session,
    settings: Settings,
    ticket: Ticket,
    *,
    error: str = "",
    flash: str = "",
    reply_text: str = "",
    canned: str = "",
    kept: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Everything ticket.html shows; `reply_text` fills the answer box (a canned answer
    loaded, or what the officer typed before a refusal) and `kept` the other forms
    ({"reject": {"reason": "..."}}: what was typed in a refused action)."""
    detail = ticket_context(session, settings, ticket)
    related = related_tickets(session, ticket)
    return {
        "related": {
            key: [{"ref": t.ref, "subject": t.subject, "status": t.status} for t in found]
            for key, found in related.items()
        },
        "answer_texts": _answer_texts(session, ticket),
        "t": detail,
        "outcomes": FORENSIC_OUTCOMES,
        "closed": detail["status"] in CLOSED_STATUSES,
        "error": error,
        "flash": flash,
        "duplicates": [
            {"ref": other.ref, "subject": other.subject, "status": other.status}
            for other in likely_duplicates(session, ticket)
        ],
        "officers": [a.name for a in list_accounts(session) if not a.disabled],
        "canned": canned_answers(),
        "canned_chosen": canned,
        "colleagues": [],  # who else opened it lately: the page view fills it in
        "reply_text": reply_text,
        "kept": kept or {},
    }


def _answer_texts(session: Session, ticket: Ticket) -> list[dict[str, Any]]:
    """Each answer as the requester reads it: its text and the files sent with it."""
    shown = []
    for answer in ticket_answers(session, ticket):
        try:
            parsed = parse_message(answer.raw)
        except HelpdeskError:
            shown.append({"body": "(jawaban tidak dapat dibaca)", "files": []})
            continue
        files = [a.filename for a in parsed.attachments]
        shown.append({"body": parsed.body_text[:MAX_BODY_CHARS], "files": files})
    return shown


def ticket_view(request: Request) -> Response:
    officer = require(request)
    web = state(request)
    ref = request.path_params["ref"]
    canned = request.query_params.get("canned", "")
    with Session(web.reader) as session:
        ticket = load_ticket(session, ref)
        text, error = _canned_text(web.settings, ticket, canned) if canned else ("", "")
        context = page_context(
            session,
            web.settings,
            ticket,
            error=error,
            flash=request.session.pop("flash", ""),
            reply_text=text,
            canned=canned,
        )
    context["colleagues"] = web.viewers.opened(context["t"]["ref"], officer.name)
    return render(request, "ticket.html", context)


def _canned_text(settings: Settings, ticket: Ticket, name: str) -> tuple[str, str]:
    """(the canned answer filled in for `ticket`, "") or ("", why not, in Indonesian)."""
    try:
        text = canned_answer(settings, ticket, name)
    except UnknownCannedAnswerError:
        return "", f"Jawaban siap pakai {name[:60]!r} tidak ditemukan."
    return text, ""


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name in RFC 5987 form."""
    fallback = re.sub(r"[^A-Za-z0-9._ ()-]", "_", filename).strip() or "lampiran"
    return f"attachment; filename=\"{fallback[:150]}\"; filename*=UTF-8''{quote(filename[:200])}"


def attachment_download(request: Request) -> Response:
    require(request)
    web = state(request)
    with Session(web.reader) as session:
        attachment = session.get(StoredAttachment, request.path_params["attachment_id"])
    # Only the content-addressed path the bot stored, checked for shape: never a path
    # that came with the request.
    if attachment is None or not _STORED_PATH.match(attachment.stored_path):
        raise HTTPException(404, "Lampiran tidak ditemukan.")
    data_dir = web.settings.helpdesk.data_dir.resolve()
    path = (data_dir / attachment.stored_path).resolve()
    if not path.is_relative_to(data_dir) or not path.is_file():
        raise HTTPException(404, "Berkas lampiran tidak ada di data_dir.")
    return Response(
        Path(path).read_bytes(),
        media_type="application/octet-stream",  # never the mail's own claim (text/html...)
        headers={
            "Content-Disposition": content_disposition(attachment.filename or "lampiran"),
            "X-Content-Type-Options": "nosniff",
        },
    )


ROUTES = [
    Route("/tickets/{ref}", ticket_view, methods=["GET"]),
    Route("/attachments/{attachment_id:int}", attachment_download, methods=["GET"]),
]
