"""What every route shares: the app's state, rendering, and who is logged in."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from helpdesk.accounts import find_account
from helpdesk.settings import Settings
from helpdesk.web.security import CSRF_FIELD, csrf_token
from helpdesk.wib import wib_text
from replies.names import (
    answer_name,
    document_name,
    field_name,
    history_name,
    kind_name,
    problem_name,
    status_name,
)


class TicketViewers:
    """Who opened which ticket lately, so an officer sees that a colleague is on it too.

    Kept in this web process (one `helpdesk web`): a second process keeps its own."""

    WINDOW = 300.0  # seconds a view counts as "just now"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, dict[str, float]] = {}

    def opened(self, ref: str, officer: str, *, now: float | None = None) -> list[str]:
        """Note that `officer` opened `ref`; the others who did within WINDOW seconds."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            views = self._seen.setdefault(ref, {})
            for name, at in list(views.items()):
                if moment - at > self.WINDOW:
                    del views[name]
            others = sorted(name for name in views if name != officer)
            views[officer] = moment
            return others


@dataclass(frozen=True)
class WebState:
    """Built once by create_app and kept on app.state.web."""

    settings: Settings
    engine: Engine  # writes: staff actions, logins, registry imports
    reader: Engine  # reads: pages never wait for, or block, the bot's writes
    templates: Environment
    secret_key: str  # signs session cookies and action previews
    message_secret: bytes  # signs our Message-IDs (helpdesk.message_ids.load_secret)
    viewers: TicketViewers = field(default_factory=TicketViewers)


@dataclass(frozen=True)
class Officer:
    """The logged-in officer: Officer(name="Dedi", role="staff")."""

    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class LoginRequired(Exception):
    """Raised by a page that needs a login; the app answers with a redirect to /login."""


def state(request: Request) -> WebState:
    web: WebState = request.app.state.web
    return web


def make_templates() -> Environment:
    """Jinja2 for the pages: autoescaped (.html), and a missing variable is an error."""
    env = Environment(
        loader=PackageLoader("helpdesk.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters |= {
        "wib": wib_text,
        "status_name": status_name,
        "kind_name": kind_name,
        "history_name": history_name,
        "field_name": field_name,
        "answer_name": answer_name,
        "document_name": document_name,
        "problem_name": problem_name,
    }
    return env


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """Render a page with an explicit context, plus who is logged in and the CSRF field."""
    page = state(request).templates.get_template(template)
    html = page.render(
        {
            "officer": request.scope.get("officer"),
            "csrf_field": CSRF_FIELD,
            "csrf_token": csrf_token(request),
            **context,
        }
    )
    return HTMLResponse(html, status_code=status_code)


def current_officer(request: Request) -> Officer | None:
    """The officer of this request's server-side session (helpdesk/web/sessions.py), while
    it lasts and the account is enabled."""
    from helpdesk.web import sessions

    login = sessions.current(request)
    if login is None:
        return None
    with Session(state(request).reader) as session:
        account = find_account(session, login.account)
    if account is None or account.disabled:
        return None
    return Officer(account.name, account.role)


def require(request: Request, *, admin: bool = False) -> Officer:
    """The logged-in officer; LoginRequired when nobody is, 403 when not an admin."""
    officer = current_officer(request)
    if officer is None:
        raise LoginRequired()
    request.scope["officer"] = officer
    if admin and not officer.is_admin:
        raise HTTPException(403, "Halaman ini hanya untuk admin.")
    return officer


def now() -> datetime:
    return datetime.now(UTC)
