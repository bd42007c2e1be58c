"""What every page gets: security headers, the session secret, and the CSRF token check.

CSRF: a random token kept in the signed session cookie and repeated in every form as a
hidden field, compared with hmac.compare_digest. starlette-csrf (double-submit cookie)
was not used: it reads the token from a request header, which plain HTML forms without
JavaScript cannot send.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from starlette.datastructures import FormData, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from helpdesk.message_ids import load_secret

CSRF_FIELD = "csrf_token"
MAX_FORM_PART = 64 * 1024  # one text field of a form; files are limited separately

SECURITY_HEADERS = {
    # No inline script or style anywhere: even an escaping mistake cannot run a mail's code.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    """ASGI middleware: the security headers on every response, and no caching of pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if not static:  # pages hold requesters' data: never kept in a shared cache
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def load_web_secret(configured: str, data_dir: Path) -> str:
    """The configured secret_key, or one generated once and kept in data_dir/web_secret.key."""
    return load_secret(configured, data_dir, name="web_secret.key").decode()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def checked_form(request: Request, *, max_fields: int = 50) -> FormData:
    """The POSTed form, after its CSRF token matched the session's; 403 otherwise.

    Every POST handler reads its form through here: there is no other way in.
    """
    form = await request.form(max_files=10, max_fields=max_fields, max_part_size=MAX_FORM_PART)
    sent = form.get(CSRF_FIELD)
    expected = request.session.get("csrf")
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not expected
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        await form.close()
        raise HTTPException(403, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman.")
    return form
