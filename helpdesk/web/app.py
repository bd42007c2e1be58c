"""The staff pages as one Starlette app: create_app(settings, engine) builds it, nothing
is built at import time."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from helpdesk.database import create_db_engine
from helpdesk.message_ids import load_secret
from helpdesk.settings import Settings
from helpdesk.web import actions, admin, auth, bulk, queue, search, ticket
from helpdesk.web.core import LoginRequired, WebState, make_templates, render
from helpdesk.web.security import SecurityHeaders, load_web_secret

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "helpdesk_session"


async def _login_required(request: Request, _exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/"
    return RedirectResponse(f"/login?next={quote(target)}" if target != "/" else "/login", 303)


_DETAILS = {405: "Halaman ini tidak dapat dibuka dengan cara itu; kembali ke antrian."}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    titles = {403: "Tidak diizinkan", 404: "Tidak ditemukan", 405: "Tidak diizinkan"}
    # Starlette's own details are the English status phrase ("Method Not Allowed").
    ours = exc.detail != HTTPStatus(exc.status_code).phrase
    context = {
        "title": titles.get(exc.status_code, "Permintaan tidak dapat diproses"),
        "detail": exc.detail if ours else _DETAILS.get(exc.status_code, "Halaman tidak ditemukan."),
    }
    return render(request, "error.html", context, status_code=exc.status_code)


def create_app(settings: Settings, engine: Engine, *, reader: Engine | None = None) -> Starlette:
    """The staff pages on `engine` (writes) and `reader` (reads; default a read-only twin)."""
    data_dir = settings.helpdesk.data_dir
    secret_key = load_web_secret(settings.web.secret_key, data_dir)
    app = Starlette(
        routes=[
            *auth.ROUTES,
            *queue.ROUTES,
            *ticket.ROUTES,
            *actions.ROUTES,
            *search.ROUTES,
            *bulk.ROUTES,
            *admin.ROUTES,
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=secret_key,
                session_cookie=SESSION_COOKIE,
                max_age=int(settings.web.session_hours * 3600),
                same_site="lax",
                https_only=settings.web.https,
            ),
        ],
        exception_handlers={LoginRequired: _login_required, HTTPException: _http_error},
    )
    app.state.web = WebState(
        settings=settings,
        engine=engine,
        reader=reader or create_db_engine(settings.database_url, read_only=True),
        templates=make_templates(),
        secret_key=secret_key,
        message_secret=load_secret(settings.helpdesk.secret, data_dir),
    )
    return app
