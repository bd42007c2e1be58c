"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from helpdesk.accounts import LoginResult, check_login
from helpdesk.web import sessions
from helpdesk.web.core import current_officer, render, state
from helpdesk.web.security import checked_form


def _safe_next(target: str | None) -> str:
    """Only a path on this site: a login link cannot send the officer elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def login_page(request: Request) -> Response:
    if current_officer(request) is not None:
        return RedirectResponse(_safe_next(request.query_params.get("next")), 303)
    context = {"next": _safe_next(request.query_params.get("next")), "error": "", "name": ""}
    return render(request, "login.html", context)


async def login_submit(request: Request) -> Response:
    form = await checked_form(request)
    name, password = str(form.get("name", ""))[:100], str(form.get("password", ""))[:1000]
    target = _safe_next(str(form.get("next", "")))
    result = await run_in_threadpool(_check, request, name, password)
    if result.account is None:
        # One message for a wrong name, a wrong password and a lockout: the page never
        # tells a stranger which names exist.
        context = {"next": target, "error": REFUSED, "name": name}
        return render(request, "login.html", context, status_code=401)
    await run_in_threadpool(sessions.start, request, result.account.name)
    return RedirectResponse(target, 303)


REFUSED = (
    "Nama atau kata sandi salah, atau login sedang dikunci karena terlalu banyak percobaan "
    "gagal. Coba lagi, atau hubungi admin helpdesk."
)


def _check(request: Request, name: str, password: str) -> LoginResult:
    address = sessions.client_address(request)
    with Session(state(request).engine, expire_on_commit=False) as session:
        if sessions.address_refused(session, address):
            result = LoginResult(None)
        else:
            result = check_login(session, name, password)
        if result.account is None:
            sessions.note_failure(session, address)
        session.commit()
    return result


async def logout(request: Request) -> Response:
    await checked_form(request)
    await run_in_threadpool(sessions.end, request)
    return RedirectResponse("/login", 303)


ROUTES = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
