"""Shared fixtures. Server fixtures first: real Dovecot and aiosmtpd, one per session."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.support.bot import Bot
from tests.support.servers import (
    DOVECOT,
    DovecotServer,
    ImapAccount,
    PostgresServer,
    SmtpRecorder,
    postgres_bindir,
)
from tests.support.web_desk import WebDesk, copy_seeded, seed

# --- mail servers ---------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    # aiosmtpd itself sets the deprecated Session.login_data after every successful AUTH.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session.login_data is deprecated:DeprecationWarning"
    )


DovecotFactory = Callable[..., DovecotServer]
AccountFactory = Callable[..., ImapAccount]
_user_numbers = itertools.count(1)  # user names stay unique across tests and servers


@pytest.fixture(scope="session")
def dovecot_factory() -> Iterator[DovecotFactory]:
    """Factory: dovecot_factory(without={"IDLE", "MOVE"}) -> a running DovecotServer.

    One server per variant for the whole session; each is started again if a test
    stopped it.
    """
    if not DOVECOT.exists():
        pytest.skip(
            f"Dovecot is not installed ({DOVECOT}); install the Debian package "
            "dovecot-imapd (tests/run.sh does) to run the IMAP tests"
        )
    servers: dict[frozenset[str], DovecotServer] = {}

    def get(*, without: frozenset[str] | set[str] = frozenset()) -> DovecotServer:
        key = frozenset(name.upper() for name in without)
        if key not in servers:
            servers[key] = DovecotServer(without=key)
        servers[key].start()
        return servers[key]

    yield get
    for server in servers.values():
        server.cleanup()


@pytest.fixture(scope="session")
def dovecot(dovecot_factory: DovecotFactory) -> DovecotServer:
    """The session's Dovecot with every capability (IDLE, MOVE, UIDPLUS)."""
    return dovecot_factory()


@pytest.fixture
def make_imap_account(
    dovecot_factory: DovecotFactory, request: pytest.FixtureRequest
) -> AccountFactory:
    """Factory: make_imap_account(without={"IDLE"}) -> a fresh user on a matching server."""
    # The test's name in the user name makes Dovecot's log readable.
    stem = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40]

    def make(*, without: frozenset[str] | set[str] = frozenset()) -> ImapAccount:
        return dovecot_factory(without=without).add_user(f"{stem}-{next(_user_numbers)}")

    return make


@pytest.fixture
def imap_account(make_imap_account: AccountFactory) -> ImapAccount:
    """A fresh user with an empty mailbox on the session's Dovecot."""
    return make_imap_account()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpRecorder]:
    """The session's recording SMTP server on 127.0.0.1 (host, port, messages, fail_next)."""
    recorder = SmtpRecorder()
    recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture
def sent_mail(smtp_server: SmtpRecorder) -> Iterator[list[EmailMessage]]:
    """What the SMTP server accepted during this test, as a plain list of EmailMessages."""
    smtp_server.handler.clear()
    smtp_server.start()  # a test that simulated an outage may have left it stopped
    yield smtp_server.messages
    smtp_server.handler.clear()


# --- databases ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's private PostgreSQL on 127.0.0.1 (initdb into a temporary folder)."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL is not installed; install the Debian package postgresql "
            "(tests/run.sh does) to run the tests on PostgreSQL"
        )
    server = PostgresServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test, dropped afterwards; its URL."""
    postgres_server.start()  # a test that simulated an outage may have left it stopped
    name = postgres_server.create_database(request.node.name)
    yield postgres_server.url(name)
    postgres_server.start()
    postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on both engines: a SQLite file in tmp_path, a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


# --- the staff web pages ----------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A helpdesk with the web tests' tickets, built once per module."""
    folder = tmp_path_factory.mktemp("seeded")
    seed(folder)
    return folder


@pytest.fixture
def web(seeded: Path, tmp_path: Path) -> WebDesk:
    """A fresh copy of the seeded helpdesk for one test."""
    return copy_seeded(seeded, tmp_path / "desk")


# --- a helpdesk installation driven through its CLI --------------------------------------

BotFactory = Callable[..., Bot]


@pytest.fixture
def make_bot(
    tmp_path: Path, smtp_server: SmtpRecorder, sent_mail: list[EmailMessage]
) -> BotFactory:
    """Factory: make_bot(account, helpdesk={...}, **[imap] settings) -> a Bot for `helpdesk`
    in its own folder, answering through the test SMTP server."""

    def make(account: ImapAccount, **imap: object) -> Bot:
        folder = tmp_path / f"bot-{account.user}"
        folder.mkdir()
        bot = Bot(folder, account, smtp_server)
        bot.write_settings(**imap)
        return bot

    return make


@pytest.fixture
def db_bot(
    tmp_path: Path,
    imap_account: ImapAccount,
    smtp_server: SmtpRecorder,
    sent_mail: list[EmailMessage],
    db_url: str,
) -> Bot:
    """A bot on the test IMAP account and SMTP server, its tickets in `db_url`: the same
    test on SQLite and on PostgreSQL."""
    made = Bot(tmp_path, imap_account, smtp_server)
    made.write_settings(database_url=db_url)
    return made
