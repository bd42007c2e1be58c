"""Staff actions from the ticket page: first a preview of the answer, then the real thing.

The preview runs the very action of helpdesk/staff.py in a transaction, reads the answers
it queued, and rolls back: what the officer sees is what will be sent. The confirm form
carries the action signed (with the ticket's last change), so it performs exactly what
was previewed, or nothing if the ticket changed in between.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from helpdesk import staff
from helpdesk.errors import HelpdeskError
from helpdesk.models import OutboxAnswer
from helpdesk.staff import MAX_ATTACHMENT_BYTES, ActionResult, Staff
from helpdesk.storage import store_blob
from helpdesk.tickets import get_ticket
from helpdesk.web.core import Officer, WebState, render, require, state
from helpdesk.web.security import checked_form
from helpdesk.web.ticket import load_ticket, page_context
from parsers.message import parse_message

PREVIEW_MAX_AGE = 3600  # seconds a preview may wait for its confirmation
# A staged upload outlives every preview that may still name it, then is removed: the
# letters sent stay in the outbox, the staging folder does not grow for ever.
UPLOAD_KEEP_SECONDS = 2 * PREVIEW_MAX_AGE
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
ACTION_NAMES = {
    "assign": "Ambil / tugaskan",
    "note": "Catatan internal",
    "reply": "Balas pemohon",
    "ask": "Tanya pemohon",
    "merge": "Gabungkan ke tiket lain",
    "escalate": "Teruskan ke LKPP/BSSN",
    "resolve": "Selesaikan",
    "reject": "Tolak",
    "reopen": "Buka kembali",
}
ANSWERS = ("reply", "ask")  # the officer's own words, up to staff.MAX_TEXT characters
WITH_FILES = ("resolve", *ANSWERS)  # actions that may send files the officer uploads
# The form fields each action reads (all plain text, at most 4000 characters).
_FIELDS = {
    "assign": ("assignee",),
    "note": ("text",),
    "reply": ("text",),
    "ask": ("text",),
    "merge": ("into",),
    "escalate": ("note",),
    "resolve": ("outcome", "note"),
    "reject": ("reason",),
    "reopen": ("note",),
}


@dataclass(frozen=True)
class Plan:
    """One action as the officer asked for it; signed into the confirm form."""

    action: str
    ref: str
    by: str
    args: dict[str, str]
    files: list[tuple[str, str]] = field(default_factory=list)  # (sha256, file name)
    stamp: str = ""  # the ticket's updated_at when previewed

    def dump(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "ref": self.ref,
            "by": self.by,
            "args": self.args,
            "files": [list(f) for f in self.files],
            "stamp": self.stamp,
        }


@dataclass(frozen=True)
class PreviewAnswer:
    recipient: str
    subject: str
    body: str
    attachments: list[str]


def _serializer(web: WebState) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(web.secret_key, salt="helpdesk-staff-action")


def _perform(session: Session, who: Staff, plan: Plan, files: tuple[Path, ...]) -> ActionResult:
    """Run the plan's action of helpdesk/staff.py in the caller's session."""
    a = plan.args
    actions: dict[str, Callable[[], ActionResult]] = {
        "assign": lambda: staff.assign(session, who, plan.ref, a["assignee"] or plan.by),
        "note": lambda: staff.add_note(session, who, plan.ref, a["text"]),
        "reply": lambda: staff.reply(session, who, plan.ref, text=a["text"], attach=files),
        "ask": lambda: staff.ask(session, who, plan.ref, text=a["text"], attach=files),
        "merge": lambda: staff.merge(session, who, plan.ref, into=a["into"]),
        "escalate": lambda: staff.escalate(session, who, plan.ref, note=a["note"]),
        "resolve": lambda: staff.resolve(
            session, who, plan.ref, outcome=a["outcome"] or None, note=a["note"], attach=files
        ),
        "reject": lambda: staff.reject(session, who, plan.ref, reason=a["reason"]),
        "reopen": lambda: staff.reopen(session, who, plan.ref, note=a["note"]),
    }
    return actions[plan.action]()


def _safe_name(name: str) -> str:
    name = re.sub(r"[^\w .()-]", "_", Path(name.replace("\\", "/")).name).strip(" .")
    return name[:120] or "lampiran"


@contextmanager
def _files_of(web: WebState, plan: Plan) -> Iterator[tuple[Path, ...]]:
    """The plan's uploaded files under their own names, in a folder removed afterwards."""
    uploads = web.settings.helpdesk.data_dir / "uploads"
    with tempfile.TemporaryDirectory(prefix="helpdesk-web-") as folder:
        paths = []
        for number, (sha, name) in enumerate(plan.files):
            if not _SHA256.match(sha):
                raise HTTPException(400, "Lampiran tidak sah.")
            target = Path(folder) / str(number) / _safe_name(name)
            target.parent.mkdir()
            target.write_bytes((uploads / sha[:2] / sha).read_bytes())
            paths.append(target)
        yield tuple(paths)


def _staff(web: WebState, name: str) -> Staff:
    return Staff(name, web.settings, web.message_secret)


def preview(web: WebState, plan: Plan) -> list[PreviewAnswer]:
    """The answers the action would queue, read back from its rows, then rolled back."""
    with Session(web.engine) as session, _files_of(web, plan) as files:
        ticket = get_ticket(session, plan.ref)
        last = select(func.max(OutboxAnswer.id)).where(OutboxAnswer.ticket_id == ticket.id)
        before = session.exec(last).one() or 0
        try:
            _perform(session, _staff(web, plan.by), plan, files)
            session.flush()
            query = select(OutboxAnswer).where(
                OutboxAnswer.ticket_id == ticket.id, col(OutboxAnswer.id) > before
            )
            rows = session.exec(query.order_by(col(OutboxAnswer.id))).all()
            return [_read_answer(row) for row in rows]
        finally:
            session.rollback()


def _read_answer(row: OutboxAnswer) -> PreviewAnswer:
    parsed = parse_message(row.raw)
    names = [a.filename for a in parsed.attachments]
    return PreviewAnswer(row.recipient, parsed.subject, parsed.body_text, names)


def confirm(web: WebState, plan: Plan) -> ActionResult:
    """Perform the action for real in one transaction, then try to send its answers now."""
    from helpdesk.outbox import send_due

    with Session(web.engine) as session, _files_of(web, plan) as files:
        # Locked first, so no follow-up can change the ticket between this check and the action.
        ticket = get_ticket(session, plan.ref, for_update=True)
        if ticket.updated_at.isoformat() != plan.stamp:
            raise staff.StaffActionError(
                "Tiket berubah sejak pratinjau dibuat. Periksa lagi, lalu ulangi tindakan."
            )
        result = _perform(session, _staff(web, plan.by), plan, files)
        session.commit()
    if result.sent_to:
        send_due(web.engine, web.settings)
    return result


def _sweep_uploads(uploads: Path) -> None:
    """Remove staged uploads that no preview can still confirm."""
    oldest = time.time() - UPLOAD_KEEP_SECONDS
    for path in uploads.glob("*/*"):
        with suppress(FileNotFoundError):  # another request swept it first
            if path.stat().st_mtime < oldest:
                path.unlink()


def _stage(data_dir: Path, data: bytes) -> str:
    relative = store_blob(data_dir, "uploads", data)
    os.utime(data_dir / relative)  # the same letter staged again starts a new keep period
    return relative


async def _uploads(web: WebState, form: FormData) -> list[tuple[str, str]]:
    """Store the uploaded files (content-addressed, like attachments); (sha256, name)."""
    data_dir = web.settings.helpdesk.data_dir
    await run_in_threadpool(_sweep_uploads, data_dir / "uploads")
    stored = []
    for upload in form.getlist("files"):
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        data = await upload.read(MAX_ATTACHMENT_BYTES + 1)
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise staff.StaffActionError(f"{upload.filename}: lebih dari 20 MB.")
        if not data:
            raise staff.StaffActionError(f"{upload.filename}: berkas kosong.")
        relative = await run_in_threadpool(_stage, data_dir, data)
        stored.append((relative.rsplit("/", 1)[1], _safe_name(upload.filename)))
    return stored


def _ticket_stamp(web: WebState, ref: str) -> str:
    with Session(web.reader) as session:
        return load_ticket(session, ref).updated_at.isoformat()


def _error_page(
    request: Request, web: WebState, ref: str, message: str, *, action: str, typed: dict[str, str]
) -> Response:
    """The ticket again, saying why the action was refused; the refused action's form
    keeps what the officer typed in it (`typed`: its fields)."""
    with Session(web.reader) as session:
        ticket = load_ticket(session, ref)
        context = page_context(
            session,
            web.settings,
            ticket,
            error=message,
            reply_text=typed.get("text", "") if action in ANSWERS else "",
            kept={action: typed},
        )
    return render(request, "ticket.html", context, status_code=400)


async def preview_action(request: Request) -> Response:
    officer = require(request)
    web, ref = state(request), request.path_params["ref"].upper()
    action = request.path_params["action"]
    if action not in ACTION_NAMES:
        raise HTTPException(404, "Tindakan tidak dikenal.")
    form = await checked_form(request)
    limit = staff.MAX_TEXT if action in ANSWERS else 4000
    args = {name: str(form.get(name, "")).strip()[:limit] for name in _FIELDS[action]}
    try:
        stamp = await run_in_threadpool(_ticket_stamp, web, ref)
        files = await _uploads(web, form) if action in WITH_FILES else []
        plan = Plan(action, ref, officer.name, args, files, stamp)
        answers = await run_in_threadpool(preview, web, plan)
    except HelpdeskError as exc:
        return _error_page(request, web, ref, exc.shown, action=action, typed=args)
    finally:
        await form.close()
    context = {
        "ref": ref,
        "action": action,
        "action_name": ACTION_NAMES[action],
        "plan": plan,
        "answers": answers,
        "signed": _serializer(web).dumps(plan.dump()),
    }
    return render(request, "preview.html", context)


def _plan_from(web: WebState, signed: str, officer: Officer, ref: str) -> Plan:
    try:
        raw = _serializer(web).loads(signed, max_age=PREVIEW_MAX_AGE)
    except BadSignature as exc:
        raise HTTPException(400, "Pratinjau kedaluwarsa atau tidak sah; ulangi tindakan.") from exc
    plan = Plan(
        raw["action"],
        raw["ref"],
        raw["by"],
        raw["args"],
        [(sha, name) for sha, name in raw["files"]],
        raw["stamp"],
    )
    if plan.by != officer.name or plan.ref != ref:
        raise HTTPException(403, "Pratinjau ini milik petugas atau tiket lain.")
    return plan


async def confirm_action(request: Request) -> Response:
    officer = require(request)
    web, ref = state(request), request.path_params["ref"].upper()
    form = await checked_form(request)
    plan = _plan_from(web, str(form.get("plan", "")), officer, ref)
    try:
        result = await run_in_threadpool(confirm, web, plan)
    except HelpdeskError as exc:
        return _error_page(request, web, ref, exc.shown, action=plan.action, typed=plan.args)
    sent = f"; jawaban dikirim ke {', '.join(result.sent_to)}" if result.sent_to else ""
    request.session["flash"] = f"{ACTION_NAMES[plan.action]}: selesai{sent}."
    return RedirectResponse(f"/tickets/{ref}", 303)


ROUTES = [
    Route("/tickets/{ref}/confirm", confirm_action, methods=["POST"]),
    Route("/tickets/{ref}/{action}", preview_action, methods=["POST"]),
]
