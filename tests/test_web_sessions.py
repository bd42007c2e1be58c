"""Staff sessions live on the server, tried through the real web server (uvicorn on
127.0.0.1): a copied cookie dies with the session; a password change, a disabled
account and idleness end it; admins see who is logged in; logins are throttled per
address and never say which names exist (issue 14, point 2)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from helpdesk.models import StaffSession, utcnow
from helpdesk.web.auth import REFUSED
from helpdesk.web.sessions import ADDRESS_FAILURES
from tests.support.web_desk import PASSWORD, WebDesk, csrf_of, served


@pytest.fixture
def web(tmp_path: Path) -> WebDesk:
    desk = WebDesk(tmp_path)
    desk.account("Admin Utama", role="admin")
    desk.account("Dedi")
    return desk


@pytest.fixture
def base_url(web: WebDesk) -> Iterator[str]:
    with served(web.app) as url:
        yield url


def browser(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, follow_redirects=False, timeout=20)


def log_in(base_url: str, name: str, password: str = PASSWORD) -> httpx.Client:
    client = browser(base_url)
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login", data={"csrf_token": token, "name": name, "password": password, "next": "/"}
    )
    assert answer.status_code == 303, answer.text
    return client


def opens_the_queue(base_url: str, cookies: httpx.Cookies) -> bool:
    with browser(base_url) as copy:
        copy.cookies = cookies
        return copy.get("/").status_code == 200


def test_a_copied_cookie_dies_when_the_officer_logs_out(base_url: str) -> None:
    dedi = log_in(base_url, "Dedi")
    stolen = httpx.Cookies(dedi.cookies)
    assert opens_the_queue(base_url, stolen)
    token = csrf_of(dedi.get("/").text)
    assert dedi.post("/logout", data={"csrf_token": token}).status_code == 303
    assert not opens_the_queue(base_url, stolen)


def test_a_password_change_and_a_disabled_account_end_every_session(base_url: str) -> None:
    dedi_laptop, dedi_phone = log_in(base_url, "Dedi"), log_in(base_url, "Dedi")
    admin = log_in(base_url, "Admin Utama")

    def change(**form: str) -> None:
        token = csrf_of(admin.get("/staff").text)
        assert admin.post("/staff", data={"csrf_token": token, **form}).status_code == 200

    change(change="password", name="Dedi", password="kata-sandi-baru-2026")
    for device in (dedi_laptop, dedi_phone):
        assert device.get("/").status_code == 303  # back to the login page
    again = log_in(base_url, "Dedi", "kata-sandi-baru-2026")
    change(change="disable", name="Dedi")
    assert again.get("/").status_code == 303


def test_an_idle_session_ends(base_url: str, web: WebDesk) -> None:
    dedi = log_in(base_url, "Dedi")
    assert dedi.get("/").status_code == 200
    with Session(web.engine) as session:
        for row in session.exec(select(StaffSession)).all():
            row.last_seen_at = utcnow() - timedelta(minutes=web.settings.web.idle_minutes + 1)
            session.add(row)
        session.commit()
    assert dedi.get("/").status_code == 303


def test_admins_see_who_is_logged_in(base_url: str) -> None:
    log_in(base_url, "Dedi")
    page = log_in(base_url, "Admin Utama").get("/staff").text
    listed = page[page.index("Sesi login yang masih berlaku") : page.index("Tambah petugas")]
    assert re.search(r"<td>Dedi</td><td>127\.0\.0\.1</td>", listed)
    assert "<td>Admin Utama</td>" in listed


def test_one_message_for_a_wrong_name_and_a_wrong_password(base_url: str) -> None:
    def attempt(name: str, password: str) -> httpx.Response:
        with browser(base_url) as client:
            token = csrf_of(client.get("/login").text)
            form = {"csrf_token": token, "name": name, "password": password, "next": "/"}
            return client.post("/login", data=form)

    for _ in range(6):  # the sixth try at a real name meets its lockout
        wrong_password, wrong_name = attempt("Dedi", "salah-sekali"), attempt("Nobody", "x")
        assert wrong_password.status_code == wrong_name.status_code == 401
        assert REFUSED in wrong_password.text and REFUSED in wrong_name.text
        assert "dikunci sampai" not in wrong_password.text


def test_an_address_that_fails_too_often_is_refused_for_any_name(
    base_url: str, web: WebDesk
) -> None:
    with browser(base_url) as client:
        for number in range(ADDRESS_FAILURES):
            token = csrf_of(client.get("/login").text)
            client.post("/login", data={"csrf_token": token, "name": f"tebak{number}",
                                        "password": "x", "next": "/"})  # fmt: skip
        token = csrf_of(client.get("/login").text)
        form = {"csrf_token": token, "name": "Admin Utama", "password": PASSWORD, "next": "/"}
        refused = client.post("/login", data=form)
    assert refused.status_code == 401 and REFUSED in refused.text
