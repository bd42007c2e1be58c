"""Real mail servers for the tests: a private Dovecot and a recording aiosmtpd.

Both listen on 127.0.0.1 on ports the OS picks, and expose what they hold as plain data:
`DovecotServer.fetch_all()` returns StoredMessages, `SmtpRecorder.messages` is a list of
EmailMessages. Failures are injected through our own objects (`fail_next`, `stop`), never
by patching the servers' internals.
"""

from __future__ import annotations

import grp
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, NamedTuple

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from imapclient import IMAPClient

from helpdesk.settings import ImapSection

DOVECOT = Path("/usr/sbin/dovecot")
# Generous: a busy CI machine can take seconds to fork Dovecot's services.
START_TIMEOUT = 30.0
CLIENT_TIMEOUT = 30.0

# What Dovecot 2.3 announces after login; `without=` variants drop names from it.
DOVECOT_CAPABILITIES = (
    "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT THREAD=REFERENCES MULTIAPPEND "
    "UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE ESEARCH "
    "SEARCHRES LIST-STATUS BINARY MOVE LITERAL+"
).split()

_APPENDUID = re.compile(rb"APPENDUID \d+ (\d+)")


class StoredMessage(NamedTuple):
    """One message as Dovecot holds it: (uid, flags, data)."""

    uid: int
    flags: frozenset[str]
    data: bytes


@dataclass(frozen=True)
class _Accounts:
    """The system accounts Dovecot's processes run as."""

    mail_uid: int
    mail_gid: int
    login_user: str
    internal_user: str
    internal_group: str


def _system_accounts() -> _Accounts:
    """As root Dovecot refuses to serve mail as root, so use Debian's `mail` account."""
    if os.geteuid() != 0:
        me, group = pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name
        return _Accounts(os.geteuid(), os.getegid(), me, me, group)
    mail = pwd.getpwnam("mail")
    return _Accounts(mail.pw_uid, mail.pw_gid, "dovenull", "dovecot", "dovecot")


def stop_process(
    process: subprocess.Popen[bytes] | None, sig: signal.Signals, *, timeout: float
) -> None:
    """Ask a server started with start_new_session to stop, then make sure it did.

    A master killed hard can leave its children behind in its process group.
    """
    if process is None:
        return
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


class _ServerInFolder:
    """A test server living in its own temporary folder `dir`; subclasses say how to stop."""

    dir: Path

    def stop(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        raise NotImplementedError

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        """Stop the server and delete its folder."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _read_greeting(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2.0) as sock:
            return sock.recv(64).startswith(b"* OK")
    except OSError:
        return False


def _flag_names(flags: Iterable[bytes | str]) -> frozenset[str]:
    return frozenset(f.decode() if isinstance(f, bytes) else f for f in flags)


class DovecotServer(_ServerInFolder):
    """A private Dovecot on 127.0.0.1 with its own config, users and mail homes.

    `without` removes capabilities (e.g. {"IDLE", "MOVE"}) from what the server announces.
    """

    _names = itertools.count(1)

    def __init__(self, *, without: Iterable[str] = (), binary: Path = DOVECOT) -> None:
        # Short path: base_dir holds UNIX sockets, whose paths are limited to 108 bytes.
        self.dir = Path(tempfile.mkdtemp(prefix="dc-"))
        self.dir.chmod(0o755)  # mail processes run as another account and must traverse it
        self.host = "127.0.0.1"
        self.port = free_port()
        self.binary = binary
        self.without = frozenset(name.upper() for name in without)
        self._accounts = _system_accounts()
        self._passwords: dict[str, str] = {}
        self._process: subprocess.Popen[bytes] | None = None
        for sub in ("run", "state", "home", "users"):
            (self.dir / sub).mkdir(mode=0o755)
        self.config = self.dir / "dovecot.conf"
        self.config.write_text(self._config_text(), encoding="utf-8")

    def _config_text(self) -> str:
        accounts, d = self._accounts, self.dir
        capability = ""
        if self.without:
            kept = [c for c in DOVECOT_CAPABILITIES if c not in self.without]
            capability = f"imap_capability = {' '.join(kept)}"
        # Not root: Dovecot's helper services cannot chroot, so they stay in place.
        login_chroot, no_chroot = "", ""
        if os.geteuid() != 0:
            login_chroot = "chroot ="
            no_chroot = "\n".join(f"service {name} {{\n  chroot =\n}}" for name in ("anvil", "ipc"))
        return f"""
instance_name = helpdesk-test-{os.getpid()}-{d.name}
base_dir = {d}/run
state_dir = {d}/state
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
auth_failure_delay = 0
log_path = {d}/dovecot.log
mail_location = maildir:~/Maildir
mail_fsync = never
first_valid_uid = 1
first_valid_gid = 1
default_login_user = {accounts.login_user}
default_internal_user = {accounts.internal_user}
default_internal_group = {accounts.internal_group}
mail_max_userip_connections = 100
{capability}
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {d}/users/%n
}}
userdb {{
  driver = passwd-file
  args = {d}/users/%n
}}
service imap-login {{
  {login_chroot}
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{no_chroot}
"""

    def _write_user(self, name: str, password: str) -> None:
        # One passwd-file per user: Dovecot re-reads a changed file at most once a second,
        # but opens a file it has not seen yet at once, so new users work immediately.
        accounts = self._accounts
        line = (
            f"{name}:{{PLAIN}}{password}:{accounts.mail_uid}:{accounts.mail_gid}::"
            f"{self.dir}/home/{name}::\n"
        )
        path = self.dir / "users" / name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(line, encoding="utf-8")
        tmp.chmod(0o644)  # Dovecot's auth process reads it as the `dovecot` account
        tmp.replace(path)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start Dovecot (again, on the same port) and wait for its greeting."""
        if self.running:
            return
        with open(self.dir / "master.out", "ab") as out:
            self._process = subprocess.Popen(
                [str(self.binary), "-F", "-c", str(self.config)],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not _read_greeting(self.host, self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Dovecot did not start; its log says:\n{self.log_tail()}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop Dovecot; connected clients see their connections drop."""
        process, self._process = self._process, None
        stop_process(process, signal.SIGTERM, timeout=15)

    def log_tail(self, lines: int = 40) -> str:
        texts = []
        for name in ("master.out", "dovecot.log"):
            path = self.dir / name
            if path.exists():
                texts.extend(path.read_text(errors="replace").splitlines()[-lines:])
        return "\n".join(texts)

    def add_user(self, name: str | None = None, password: str = "secret") -> ImapAccount:
        """Create a user with an empty mailbox, while the server runs."""
        name = name or f"user{next(self._names)}"
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name) or name in self._passwords:
            raise ValueError(f"user name must be new and [a-z0-9_-], not {name!r}")
        home = self.dir / "home" / name
        home.mkdir(mode=0o700)
        os.chown(home, self._accounts.mail_uid, self._accounts.mail_gid)
        self._passwords[name] = password
        self._write_user(name, password)
        return ImapAccount(self.host, self.port, name, password, server=self)

    @contextmanager
    def client(self, user: str) -> Iterator[IMAPClient]:
        """A logged-in imapclient connection as `user`, for test set-up and assertions."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=CLIENT_TIMEOUT)
        client._imap.debug = 0  # imaplib would format every literal it receives
        try:
            client.login(user, self._passwords[user])
            yield client
        finally:
            with suppress(Exception):
                client.logout()

    def append(
        self,
        user: str,
        folder: str,
        raw: bytes,
        flags: Iterable[str] = (),
        internal_date: datetime | None = None,
    ) -> int:
        """APPEND `raw` to `folder` (created if missing); returns the new UID, e.g. 3."""
        with self.client(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            response = client.append(folder, raw, flags=tuple(flags), msg_time=internal_date)
        match = _APPENDUID.search(response)
        if match is None:
            raise RuntimeError(f"Dovecot gave no APPENDUID: {response!r}")
        return int(match.group(1))

    def fetch_all(self, user: str, folder: str) -> list[StoredMessage]:
        """Every message in `folder`, flags untouched: [StoredMessage(1, {"\\\\Seen"}, b"...")]."""
        with self.client(user) as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            response = client.fetch(client.search("ALL"), ["FLAGS", "BODY.PEEK[]"])
        return [
            StoredMessage(uid, _flag_names(item[b"FLAGS"]), item[b"BODY[]"])
            for uid, item in sorted(response.items())
        ]

    def set_flags(
        self,
        user: str,
        folder: str,
        uid: int,
        *,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
    ) -> None:
        """Change a message's flags as another mail client would."""
        with self.client(user) as client:
            client.select_folder(folder)
            if add:
                client.add_flags([uid], tuple(add))
            if remove:
                client.remove_flags([uid], tuple(remove))

    def uidvalidity(self, user: str, folder: str) -> int:
        with self.client(user) as client:
            return int(client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])

    def recreate_folder(self, user: str, folder: str) -> int:
        """Delete `folder` and create it again with the same mail; returns the new UIDVALIDITY."""
        if folder.upper() == "INBOX":
            raise ValueError("Dovecot cannot delete INBOX; use another folder for this test")
        with self.client(user) as client:
            client.select_folder(folder, readonly=True)
            items = client.fetch(client.search("ALL"), ["FLAGS", "INTERNALDATE", "BODY.PEEK[]"])
            client.unselect_folder()
            client.delete_folder(folder)
            client.create_folder(folder)
            for _, item in sorted(items.items()):
                flags = tuple(_flag_names(item[b"FLAGS"]) - {"\\Recent"})
                client.append(folder, item[b"BODY[]"], flags=flags, msg_time=item[b"INTERNALDATE"])
        return self.uidvalidity(user, folder)


@dataclass(frozen=True)
class ImapAccount:
    """One Dovecot user with its own mailbox; the helpers act as another mail client."""

    host: str
    port: int
    user: str
    password: str
    server: DovecotServer = field(repr=False, compare=False)

    def settings(self, **overrides: Any) -> ImapSection:
        """ImapSection pointing at this account, e.g. settings(processed_folder="Done")."""
        values: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "security": "none",
            "user": self.user,
            "password": self.password,
            "timeout": CLIENT_TIMEOUT,
        }
        return ImapSection(**(values | overrides))

    def append(
        self,
        raw: bytes,
        folder: str = "INBOX",
        flags: Iterable[str] = (),
        internal_date: datetime | None = None,
    ) -> int:
        return self.server.append(self.user, folder, raw, flags, internal_date)

    def fetch_all(self, folder: str = "INBOX") -> list[StoredMessage]:
        return self.server.fetch_all(self.user, folder)

    def set_flags(
        self,
        uid: int,
        folder: str = "INBOX",
        *,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
    ) -> None:
        self.server.set_flags(self.user, folder, uid, add=add, remove=remove)

    def recreate_folder(self, folder: str) -> int:
        return self.server.recreate_folder(self.user, folder)

    def uidvalidity(self, folder: str = "INBOX") -> int:
        return self.server.uidvalidity(self.user, folder)

    @contextmanager
    def client(self) -> Iterator[IMAPClient]:
        with self.server.client(self.user) as client:
            yield client


# --- SMTP -----------------------------------------------------------------------------

STAGES = ("mail", "rcpt", "data")


@dataclass(frozen=True)
class ReceivedMail:
    """One accepted message with its envelope."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    message: EmailMessage


class RecordingHandler:
    """aiosmtpd handler that keeps every accepted message and fails when told to."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.received: list[ReceivedMail] = []
        self.logins: list[str] = []
        self._failures: dict[str, deque[int]] = {stage: deque() for stage in STAGES}
        self._lock = threading.Lock()

    def fail_next(self, stage: str, code: int, times: int = 1) -> None:
        """Answer the next `times` commands of `stage` ("mail", "rcpt", "data") with `code`."""
        if stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}, not {stage!r}")
        if not 400 <= code <= 599:
            raise ValueError(f"code must be a 4xx or 5xx SMTP code, not {code}")
        with self._lock:
            self._failures[stage].extend([code] * times)

    def clear(self) -> None:
        """Forget received mail, logins and pending failures (the list objects stay the same)."""
        with self._lock:
            self.messages.clear()
            self.received.clear()
            self.logins.clear()
            for pending in self._failures.values():
                pending.clear()

    def _injected(self, stage: str) -> str | None:
        with self._lock:
            if not self._failures[stage]:
                return None
            code = self._failures[stage].popleft()
        return f"{code} Injected failure at {stage.upper()} (test)"

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if failure := self._injected("mail"):
            return failure
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if failure := self._injected("rcpt"):
            return failure
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if failure := self._injected("data"):
            return failure
        raw = envelope.original_content or b""
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.received.append(
                ReceivedMail(envelope.mail_from or "", tuple(envelope.rcpt_tos), raw, message)
            )
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        """Accept any user name and password, and remember the name."""
        if isinstance(data, LoginPassword):
            self.logins.append(data.login.decode(errors="replace"))
        return AuthResult(success=True)


class _Controller(Controller):
    def _trigger_server(self) -> None:
        # port=0 lets the OS pick; learn the port before aiosmtpd connects to itself.
        if self.port == 0 and self.server is not None:
            self.port = int(self.server.sockets[0].getsockname()[1])
        super()._trigger_server()


class SmtpRecorder:
    """An aiosmtpd server on 127.0.0.1 recording what it accepts; AUTH is optional."""

    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.host = "127.0.0.1"
        self.port = 0
        self._controller: _Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    @property
    def received(self) -> list[ReceivedMail]:
        return self.handler.received

    def fail_next(self, stage: str, code: int, times: int = 1) -> None:
        self.handler.fail_next(stage, code, times)

    def start(self) -> None:
        """Start listening (again on the same port after the first start)."""
        if self._controller is not None:
            return
        controller = _Controller(
            self.handler,
            hostname=self.host,
            port=self.port,
            ready_timeout=START_TIMEOUT,
            authenticator=self.handler.authenticate,
            auth_require_tls=False,
            enable_SMTPUTF8=True,
        )
        controller.start()
        self.port = controller.port
        self._controller = controller

    def stop(self) -> None:
        """Stop listening, to simulate an outage; clients get connection refused."""
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()


# --- PostgreSQL -----------------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """Where Debian keeps PostgreSQL's server programs (the newest version), or None."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


class PostgresServer(_ServerInFolder):
    """A private PostgreSQL on 127.0.0.1 with its data in a temporary folder.

    Trust authentication on loopback only; as root the server runs as Debian's `postgres`
    account, since PostgreSQL refuses to run as root. `database()` makes a fresh database.
    """

    superuser = "helpdesk"

    def __init__(self, bindir: Path) -> None:
        # Short path: the UNIX socket lives inside it, and socket paths are limited.
        self.dir = Path(tempfile.mkdtemp(prefix="pg-"))
        self.dir.chmod(0o755)  # the server's account must traverse it
        self.bindir = bindir
        self.host = "127.0.0.1"
        self.port = free_port()
        self.data = self.dir / "data"
        self.sockets = self.dir / "sock"
        self._run_as = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        self._process: subprocess.Popen[bytes] | None = None
        self._databases = itertools.count(1)
        for folder in (self.data, self.sockets):
            folder.mkdir(mode=0o700)
            if self._run_as is not None:
                os.chown(folder, self._run_as.pw_uid, self._run_as.pw_gid)
        self._as_server_user(
            [
                str(bindir / "initdb"),
                "-D", str(self.data),
                "-U", self.superuser,
                "--auth=trust",  # initdb's pg_hba.conf admits loopback and the socket only
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )  # fmt: skip

    def _as_server_user(self, argv: list[str]) -> None:
        user = self._run_as
        result = subprocess.run(
            argv,
            capture_output=True,
            check=False,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
            cwd=self.dir,
        )
        if result.returncode != 0:
            output = (result.stdout + result.stderr).decode(errors="replace")
            raise RuntimeError(f"{argv[0]} failed:\n{output}")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the server (again, on the same port and data) and wait until it accepts."""
        if self.running:
            return
        user = self._run_as
        options = {
            "listen_addresses": self.host,
            "port": str(self.port),
            "unix_socket_directories": str(self.sockets),
            # A throw-away server: durability costs time and buys nothing here.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
        }
        argv = [str(self.bindir / "postgres"), "-D", str(self.data)]
        for name, value in options.items():
            argv += ["-c", f"{name}={value}"]
        with open(self.dir / "postgres.log", "ab") as out:
            self._process = subprocess.Popen(
                argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=user.pw_uid if user else None,
                group=user.pw_gid if user else None,
                extra_groups=[] if user else None,
                cwd=self.dir,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not self._accepts():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"PostgreSQL did not start; its log says:\n{self.log_tail()}")
            time.sleep(0.05)

    def _accepts(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def stop(self) -> None:
        """Fast shutdown: open transactions are rolled back and clients disconnected."""
        process, self._process = self._process, None
        stop_process(process, signal.SIGINT, timeout=30)  # SIGTERM would wait for clients

    def log_tail(self, lines: int = 40) -> str:
        path = self.dir / "postgres.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def dsn(self, database: str) -> str:
        return f"host={self.host} port={self.port} user={self.superuser} dbname={database}"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL the settings take: postgresql+psycopg://helpdesk@127.0.0.1:N/db."""
        return f"postgresql+psycopg://{self.superuser}@{self.host}:{self.port}/{database}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
            connection.execute(statement)

    def create_database(self, stem: str = "test") -> str:
        """A new empty database; returns its name, e.g. "test_3"."""
        name = f"{re.sub(r'[^a-z0-9_]+', '_', stem.lower())[:40]}_{next(self._databases)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name`, disconnecting whoever still uses it (a worker a test left behind)."""
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
