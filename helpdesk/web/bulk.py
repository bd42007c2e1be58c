"""Several tickets at once from the queue: assign them, or close them with a reason.

As with every action, a preview first (run in a transaction, read back, rolled back),
then **Kirim** does it for all of them in one transaction: all, or none if one cannot be
done (a ticket closed meanwhile, a name that is no account).
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from helpdesk import staff
from helpdesk.errors import HelpdeskError
from helpdesk.models import OutboxAnswer
from helpdesk.staff import ActionResult, Staff
from helpdesk.web.core import Officer, WebState, render, require, state
from helpdesk.web.queue import PAGE_SIZE
from helpdesk.web.security import checked_form
from parsers.message import parse_message

PREVIEW_MAX_AGE = 3600  # seconds a preview may wait for its confirmation
BULK_NAMES = {"assign": "Tugaskan tiket terpilih", "close": "Tutup tiket terpilih"}


def _serializer(web: WebState) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(web.secret_key, salt="helpdesk-bulk-action")


def _perform(session: Session, web: WebState, plan: dict[str, Any]) -> list[ActionResult]:
    who = Staff(plan["by"], web.settings, web.message_secret)
    if plan["action"] == "assign":
        return [staff.assign(session, who, ref, plan["assignee"]) for ref in plan["refs"]]
    return [staff.reject(session, who, ref, reason=plan["reason"]) for ref in plan["refs"]]


def preview(web: WebState, plan: dict[str, Any]) -> tuple[list[ActionResult], int, str]:
    """What the action would do: its results, how many answers it sends, the first one."""
    with Session(web.engine) as session:
        before = session.exec(select(func.max(OutboxAnswer.id))).one() or 0
        try:
            results = _perform(session, web, plan)
            session.flush()
            query = select(OutboxAnswer).where(col(OutboxAnswer.id) > before)
            rows = session.exec(query.order_by(col(OutboxAnswer.id))).all()
            first = parse_message(rows[0].raw).body_text if rows else ""
            return results, len(rows), first
        finally:
            session.rollback()


def confirm(web: WebState, plan: dict[str, Any]) -> list[ActionResult]:
    from helpdesk.outbox import send_due

    with Session(web.engine) as session:
        results = _perform(session, web, plan)
        session.commit()
    if any(result.sent_to for result in results):
        send_due(web.engine, web.settings)
    return results


def _refused(request: Request, message: str) -> Response:
    context = {"title": "Tindakan tidak dapat dilakukan", "detail": message}
    return render(request, "error.html", context, status_code=400)


async def preview_bulk(request: Request) -> Response:
    officer = require(request)
    web, action = state(request), request.path_params["action"]
    form = await checked_form(request, max_fields=PAGE_SIZE + 10)  # first: CSRF for any path
    if action not in BULK_NAMES:
        raise HTTPException(404, "Tindakan tidak dikenal.")
    refs = list(dict.fromkeys(str(ref).upper() for ref in form.getlist("refs")))[:PAGE_SIZE]
    plan = {
        "action": action,
        "by": officer.name,
        "refs": refs,
        "assignee": str(form.get("assignee", "")).strip()[:100],
        "reason": str(form.get("reason", "")).strip()[:4000],
    }
    if not refs:
        return _refused(request, "Pilih dahulu tiket yang akan diproses (centang di antrian).")
    try:
        results, answers, first = await run_in_threadpool(preview, web, plan)
    except HelpdeskError as exc:
        return _refused(request, exc.shown)
    context = {
        "action_name": BULK_NAMES[action],
        "plan": plan,
        "results": results,
        "answers": answers,
        "first": first,
        "signed": _serializer(web).dumps(plan),
    }
    return render(request, "bulk_preview.html", context)


def _plan_from(web: WebState, signed: str, officer: Officer) -> dict[str, Any]:
    try:
        plan: dict[str, Any] = _serializer(web).loads(signed, max_age=PREVIEW_MAX_AGE)
    except BadSignature as exc:
        raise HTTPException(400, "Pratinjau kedaluwarsa atau tidak sah; ulangi tindakan.") from exc
    if plan.get("by") != officer.name:
        raise HTTPException(403, "Pratinjau ini milik petugas lain.")
    return plan


async def confirm_bulk(request: Request) -> Response:
    officer = require(request)
    web = state(request)
    form = await checked_form(request)
    plan = _plan_from(web, str(form.get("plan", "")), officer)
    try:
        results = await run_in_threadpool(confirm, web, plan)
    except HelpdeskError as exc:
        return _refused(request, exc.shown)
    sent = sum(len(result.sent_to) for result in results)
    told = f"; {sent} jawaban dikirim" if sent else ""
    request.session["flash"] = f"{BULK_NAMES[plan['action']]}: {len(results)} tiket{told}."
    return RedirectResponse("/", 303)


ROUTES = [
    Route("/bulk/confirm", confirm_bulk, methods=["POST"]),
    Route("/bulk/{action}", preview_bulk, methods=["POST"]),
]
