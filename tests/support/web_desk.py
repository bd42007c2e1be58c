"""A helpdesk with tickets and officer accounts, and its staff pages, for the web tests."""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlmodel import Session, select
from starlette.applications import Starlette

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient; httpx works the same here.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from helpdesk.accounts import add_account
from helpdesk.models import Ticket
from helpdesk.runner import Worker
from helpdesk.web.app import create_app
from tests.support.bot import sample
from tests.support.desk import Helpdesk
from tests.support.servers import ImapAccount

PASSWORD = "kata-sandi-panjang-1"
HOSTILE = "<script>alert(1)</script>"
HOSTILE_FILE = "<b onmouseover=alert(3)>laporan<script>.pdf"  # a "/" would cut the name
SEEDED = (
    "01-forensic-complete-xlsx-pdf-rhs.eml",  # HD-...-00001 forensic_test
    "11-schedule-change-complete-xlsx.eml",  # HD-...-00002 problem_report, schedule change
    "02-forensic-minutes-missing.eml",  # HD-...-00003 forensic_test, minutes missing
)


def hostile_mail() -> bytes:
    """A request whose subject, body and attachment name carry a script (and a password)."""
    message = EmailMessage()
    message["From"] = "Penyerang <penyerang@example.com>"
    message["To"] = "lpse@karawangkab.go.id"
    message["Subject"] = f"Permohonan {HOSTILE} perubahan jadwal"
    message["Message-ID"] = "<hostile-1@example.com>"
    message["Date"] = "Tue, 03 Nov 2026 09:00:00 +0700"
    message.set_content(
        f"Mohon bantuan {HOSTILE} <img src=x onerror=alert(2)>\n"
        "User ID : pokja2karawang\nPassword : Rahasia#2026\n"
    )
    message.add_attachment(
        b"%PDF-1.4\n%%EOF\n",
        maintype="application",
        subtype="pdf",
        filename=HOSTILE_FILE,
    )
    return message.as_bytes()


class WebDesk:
    """A Maildir helpdesk (tests/support/desk.py) in `folder`, with its staff pages."""

    def __init__(self, folder: Path, **sections: Any) -> None:
        self.desk = Helpdesk(folder, **sections)
        self.settings, self.engine = self.desk.settings, self.desk.engine
        self._app: Starlette | None = None

    @property
    def app(self) -> Starlette:
        if self._app is None:
            self._app = create_app(self.settings, self.engine)
        return self._app

    def receive(self, *raws: bytes) -> None:
        for raw in raws:
            self.desk.receive(raw)
        self.desk.run_once()

    def receive_through(self, account: ImapAccount, *raws: bytes) -> None:
        """Deliver `raws` to a real IMAP server (Dovecot) and run the bot on it once, on
        this desk's database and data folder, as a helpdesk reading its mailbox would."""
        for raw in raws:
            account.append(raw)
        settings = self.settings.model_copy(
            update={
                "mailbox": self.settings.mailbox.model_copy(update={"source": "imap"}),
                "imap": account.settings(),
            }
        )
        worker = Worker(settings, self.engine)
        try:
            worker.run_once()
        finally:
            worker.close()

    def account(self, name: str, *, role: str = "staff", password: str = PASSWORD) -> None:
        with Session(self.engine) as session:
            add_account(session, name, password, role=role)
            session.commit()

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)

    def logged_in(self, name: str, password: str = PASSWORD) -> TestClient:
        client = self.client()
        response = login(client, name, password)
        assert response.status_code == 303, response.text
        return client

    def ticket(self, ref: str) -> Ticket:
        with Session(self.engine) as session:
            ticket = session.exec(select(Ticket).where(Ticket.ref == ref)).one()
            session.expunge(ticket)
            return ticket

    def ref_of(self, subject_part: str) -> str:
        with Session(self.engine) as session:
            for ticket in session.exec(select(Ticket)).all():
                if subject_part in ticket.subject:
                    return ticket.ref
        raise AssertionError(f"no ticket about {subject_part!r}")


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login", data={"csrf_token": token, "name": name, "password": password, "next": "/"}
    )


def seed(folder: Path) -> None:
    """The seeded helpdesk: SEEDED requests, the hostile one, an admin and an officer."""
    web = WebDesk(folder)
    web.receive(*(sample(name) for name in SEEDED), hostile_mail())
    web.account("Admin Utama", role="admin")
    web.account("Dedi")
    web.engine.dispose()


def copy_seeded(source: Path, target: Path) -> WebDesk:
    """A fresh copy of the seeded helpdesk: seeding once keeps the tests quick."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    return WebDesk(target)


@contextmanager
def served(app: Starlette) -> Iterator[str]:
    """`app` served by uvicorn in a thread on 127.0.0.1, on a free port: its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
