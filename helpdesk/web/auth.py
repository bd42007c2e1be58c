"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from helpdesk.accounts import LoginResult, check_login, password_stamp
from helpdesk.web.core import current_officer, log_in, render, state, wib
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
        error = "Nama atau kata sandi salah."
        if result.locked_until is not None:
            error = (
                "Terlalu banyak percobaan gagal: akun dikunci sampai "
                f"{wib(result.locked_until)} WIB."
            )
        context = {"next": target, "error": error, "name": name}
        return render(request, "login.html", context, status_code=401)
    log_in(request, result.account.name, password_stamp(result.account))
    return RedirectResponse(target, 303)


def _check(request: Request, name: str, password: str) -> LoginResult:
    with Session(state(request).engine, expire_on_commit=False) as session:
        result = check_login(session, name, password)
        session.commit()
    return result


async def logout(request: Request) -> Response:
    await checked_form(request)
    request.session.clear()
    return RedirectResponse("/login", 303)


ROUTES = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
