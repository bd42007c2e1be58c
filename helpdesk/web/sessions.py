"""Staff sessions kept on the server: the cookie holds a random token, the database the
session (helpdesk.models.StaffSession).

A session ends when the officer logs out, when their password changes or their account
is disabled (helpdesk.accounts.end_sessions), after `[web] idle_minutes` without a page,
and `[web] session_hours` after the login. Then every copy of the cookie is worthless.
Failed logins are also counted per client address: an address that fails too often is
refused for a while, whichever names it tries.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, func
from sqlmodel import Session, col, select
from starlette.requests import Request

from helpdesk.models import LoginFailure, StaffSession, utcnow
from helpdesk.web.core import state
from helpdesk.web.security import csrf_token

COOKIE_KEY: Final = "sid"
TOUCH_EVERY: Final = timedelta(seconds=60)  # last_seen is written at most this often
ADDRESS_FAILURES: Final = 20  # failed logins from one address within ADDRESS_WINDOW ...
ADDRESS_WINDOW: Final = timedelta(minutes=15)  # ... refuse that address until they age out


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_address(request: Request) -> str:
    """The officer's address (uvicorn puts the proxy's X-Forwarded-For here for nginx)."""
    return request.client.host if request.client else ""


def start(request: Request, account: str) -> None:
    """A new session for `account`: a fresh token and CSRF token, nothing carried over."""
    token = secrets.token_urlsafe(32)
    with Session(state(request).engine) as session:
        session.add(StaffSession(id=_key(token), account=account, address=client_address(request)))
        session.commit()
    request.session.clear()
    request.session[COOKIE_KEY] = token
    csrf_token(request)


def current(request: Request, *, now: datetime | None = None) -> StaffSession | None:
    """This request's session while it lasts; it is marked seen (at most once a minute)."""
    token = request.session.get(COOKIE_KEY)
    if not isinstance(token, str):
        return None
    web, moment = state(request), now or utcnow()
    with Session(web.reader) as session:
        row = session.get(StaffSession, _key(token))
    settings = web.settings.web
    if row is None or row.ended_at is not None:
        return None
    if moment - row.created_at > timedelta(hours=settings.session_hours) or (
        moment - row.last_seen_at > timedelta(minutes=settings.idle_minutes)
    ):
        end(request, at=moment)
        return None
    if moment - row.last_seen_at > TOUCH_EVERY:
        with Session(web.engine) as session:
            fresh = session.get(StaffSession, row.id)
            if fresh is not None:
                fresh.last_seen_at = moment
                session.add(fresh)
                session.commit()
    return row


def end(request: Request, *, at: datetime | None = None) -> None:
    """End this request's session (log out): the token no longer opens anything."""
    token = request.session.get(COOKIE_KEY)
    request.session.clear()
    if not isinstance(token, str):
        return
    with Session(state(request).engine) as session:
        row = session.get(StaffSession, _key(token))
        if row is not None and row.ended_at is None:
            row.ended_at = at or utcnow()
            session.add(row)
            session.commit()


def open_sessions(session: Session, idle_minutes: float) -> list[StaffSession]:
    """Sessions not ended and seen within the idle time, newest first (the admin's list)."""
    since = utcnow() - timedelta(minutes=idle_minutes)
    query = select(StaffSession).where(
        col(StaffSession.ended_at).is_(None), col(StaffSession.last_seen_at) >= since
    )
    return list(session.exec(query.order_by(col(StaffSession.last_seen_at).desc())).all())


def address_refused(session: Session, address: str, *, now: datetime | None = None) -> bool:
    """True when this address failed ADDRESS_FAILURES logins within ADDRESS_WINDOW."""
    since = (now or utcnow()) - ADDRESS_WINDOW
    query = select(func.count()).where(
        LoginFailure.address == address, col(LoginFailure.at) >= since
    )
    return int(session.exec(query).one()) >= ADDRESS_FAILURES


def note_failure(session: Session, address: str) -> None:
    """Count one failed login of `address` (and forget those older than a day)."""
    session.add(LoginFailure(address=address))
    session.execute(delete(LoginFailure).where(col(LoginFailure.at) < utcnow() - timedelta(days=1)))
