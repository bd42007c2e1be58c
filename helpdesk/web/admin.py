"""Admin pages: the agency registry (upload, download), the monthly log, staff accounts."""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from helpdesk import accounts
from helpdesk.export import export_log, previous_month, today_wib
from helpdesk.models import Agency, utcnow
from helpdesk.registry import (
    ImportReport,
    RegistryImportError,
    export_registry,
    import_registry,
)
from helpdesk.web import sessions
from helpdesk.web.core import WebState, render, require, state
from helpdesk.web.security import checked_form
from helpdesk.web.ticket import content_disposition

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_REGISTRY_BYTES = 10 * 1024 * 1024


def _xlsx(data: bytes, filename: str) -> Response:
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": content_disposition(filename)},
    )


# --- the agency registry ------------------------------------------------------------------


def _agencies(web: WebState) -> list[dict[str, Any]]:
    with Session(web.reader) as session:
        rows = session.exec(select(Agency).order_by(col(Agency.name))).all()
    return [
        {
            "name": a.name,
            "domains": ", ".join(json.loads(a.domains)),
            "admin_email": a.admin_email,
            "pokja": len(json.loads(a.pokja_contacts)),
        }
        for a in rows
    ]


def _registry_page(
    request: Request, *, errors: list[str], report: ImportReport | None, status_code: int = 200
) -> Response:
    context = {"agencies": _agencies(state(request)), "errors": errors, "report": report}
    return render(request, "registry.html", context, status_code=status_code)


def registry_view(request: Request) -> Response:
    require(request, admin=True)
    return _registry_page(request, errors=[], report=None)


def _import(web: WebState, data: bytes) -> ImportReport:
    with tempfile.TemporaryDirectory(prefix="helpdesk-web-") as folder:
        path = Path(folder) / "registry.xlsx"
        path.write_bytes(data)
        with Session(web.engine) as session:
            report = import_registry(session, path)
            session.commit()
    return report


async def registry_upload(request: Request) -> Response:
    require(request, admin=True)
    form = await checked_form(request)
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _registry_page(
                request, errors=["Pilih berkas XLSX."], report=None, status_code=400
            )
        data = await upload.read(MAX_REGISTRY_BYTES + 1)
    finally:
        await form.close()
    if len(data) > MAX_REGISTRY_BYTES:
        return _registry_page(
            request, errors=["Berkas lebih dari 10 MB."], report=None, status_code=400
        )
    try:
        report = await run_in_threadpool(_import, state(request), data)
    except RegistryImportError as exc:
        errors = [exc.shown, *(str(error) for error in exc.errors)]
        return _registry_page(request, errors=errors, report=None, status_code=400)
    return _registry_page(request, errors=[], report=report)


def _export_registry(web: WebState) -> bytes:
    with tempfile.TemporaryDirectory(prefix="helpdesk-web-") as folder:
        path = Path(folder) / "registry.xlsx"
        with Session(web.reader) as session:
            export_registry(session, path)
        return path.read_bytes()


def registry_download(request: Request) -> Response:
    require(request, admin=True)
    return _xlsx(_export_registry(state(request)), "registry-instansi.xlsx")


# --- the monthly log ----------------------------------------------------------------------


def _date(value: str | None) -> date | None:
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None


def period_from(params: dict[str, str], today: date) -> tuple[date, date]:
    """?month=YYYY-MM, or ?from=&to= (YYYY-MM-DD); by default last month, as the CLI."""
    month = params.get("month", "")
    if month:
        first = _date(f"{month}-01")
        if first is None:
            raise HTTPException(400, "Bulan tidak sah (YYYY-MM).")
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, date.fromordinal(following.toordinal() - 1)
    start, end = _date(params.get("from")), _date(params.get("to"))
    if start is None or end is None:
        return previous_month(today)
    if start > end:
        raise HTTPException(400, "Tanggal awal sesudah tanggal akhir.")
    return start, end


def log_view(request: Request) -> Response:
    require(request)  # every officer reports the month
    start, end = previous_month(today_wib())
    context = {"month": start.strftime("%Y-%m"), "start": start.isoformat(), "end": end.isoformat()}
    return render(request, "log.html", context)


def _export_log(web: WebState, start: date, end: date) -> bytes:
    with tempfile.TemporaryDirectory(prefix="helpdesk-web-") as folder:
        path = Path(folder) / "log.xlsx"
        with Session(web.reader) as session:
            export_log(session, web.settings, path, start=start, end=end)
        return path.read_bytes()


def log_download(request: Request) -> Response:
    require(request)  # every officer reports the month
    start, end = period_from(dict(request.query_params), today_wib())
    data = _export_log(state(request), start, end)
    return _xlsx(data, f"rekap-tiket-{start.isoformat()}-{end.isoformat()}.xlsx")


# --- staff accounts -----------------------------------------------------------------------


def _staff_page(
    request: Request, *, message: str = "", error: str = "", typed: dict[str, str] | None = None
) -> Response:
    """The accounts page; after a refused change, its form keeps the name and role typed
    (never the password)."""
    moment = utcnow()
    with Session(state(request).reader) as session:
        rows = [
            {
                "name": a.name,
                "role": a.role,
                "disabled": a.disabled,
                "locked": accounts.is_locked(a, moment),
            }
            for a in accounts.list_accounts(session)
        ]
    kept = {k: v for k, v in (typed or {}).items() if k in ("change", "name", "role")}
    with Session(state(request).reader) as session:
        logins = sessions.open_sessions(session, state(request).settings.web.idle_minutes)
    context = {
        "logins": [
            {"account": s.account, "address": s.address, "since": s.created_at,
             "seen": s.last_seen_at}
            for s in logins
        ],  # fmt: skip
        "accounts": rows,
        "message": message,
        "error": error,
        "roles": accounts.ROLES,
        "kept": kept,
    }
    return render(request, "staff.html", context, status_code=400 if error else 200)


def staff_view(request: Request) -> Response:
    require(request, admin=True)
    return _staff_page(request)


def _change_account(web: WebState, change: str, form: dict[str, str]) -> str:
    name = form.get("name", "")
    with Session(web.engine) as session:
        if change == "add":
            role = form.get("role", "staff")
            accounts.add_account(session, name, form.get("password", ""), role=role)
        elif change == "password":
            accounts.set_password(session, name, form.get("password", ""))
        elif change in ("disable", "enable"):
            accounts.set_disabled(session, name, change == "disable")
        elif change == "unlock":
            accounts.unlock(session, name)
        else:
            raise accounts.AccountError("Perubahan tidak dikenal.")
        session.commit()
    return f"Akun {name}: {change} selesai."


async def staff_change(request: Request) -> Response:
    officer = require(request, admin=True)
    form = await checked_form(request)
    fields = {k: str(form.get(k, ""))[:1000] for k in ("change", "name", "role", "password")}
    if fields["name"] == officer.name and fields["change"] == "disable":
        return _staff_page(request, error="Akun sendiri tidak dapat dinonaktifkan.")
    try:
        message = await run_in_threadpool(_change_account, state(request), fields["change"], fields)
    except accounts.AccountError as exc:
        return _staff_page(request, error=exc.shown, typed=fields)
    return _staff_page(request, message=message)


ROUTES = [
    Route("/registry", registry_view, methods=["GET"]),
    Route("/registry", registry_upload, methods=["POST"]),
    Route("/registry.xlsx", registry_download, methods=["GET"]),
    Route("/log", log_view, methods=["GET"]),
    Route("/log.xlsx", log_download, methods=["GET"]),
    Route("/staff", staff_view, methods=["GET"]),
    Route("/staff", staff_change, methods=["POST"]),
]
