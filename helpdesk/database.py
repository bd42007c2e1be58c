"""Opening the ticket database: the engine, its SQLite pragmas, and schema migrations.

SQLite (the default) and PostgreSQL (`postgresql+psycopg://...`, for several workers)
run the same code. Concurrency rests on what both engines give: unique keys, the ticket
counter's UPDATE ... RETURNING, and atomic claims on the outbox (see helpdesk.outbox).
Where PostgreSQL lets two writers in at once and SQLite's BEGIN IMMEDIATE does not, a
ticket about to change is read FOR UPDATE (helpdesk.tickets.find_ticket) and the answer
ceilings take a per-address advisory lock (helpdesk.answer_limits.take_turn_for).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlmodel import create_engine

from helpdesk import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from helpdesk.errors import DatabaseUnavailableError

if TYPE_CHECKING:
    from helpdesk.settings import SlaSection


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets `tickets list` read while a run writes; busy_timeout makes two
    # concurrent runs wait for each other instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    _use_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _use_wal(cursor: Any) -> None:
    """Switch the database to WAL, unless it is in WAL already (a file's mode stays).

    Changing the mode needs the database to itself, and SQLite refuses at once, without
    waiting, while another process holds it: two workers starting together on a new
    database, one migrating it. So an existing WAL database is left as it is, and the
    switch of a new one is tried again for a while.
    """
    for pause in (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 4.0, 8.0, 0.0):
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or not pause:
                raise
            time.sleep(pause)


def _begin_immediate(conn: Any) -> None:
    # Take the write lock at BEGIN, so a read-then-write (the ticket counter) cannot
    # interleave with another process's.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def create_db_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for `url`; for SQLite, the file's folder is created and WAL switched on.

    A read-only engine (lists, exports) begins plain transactions: in WAL they read a
    snapshot and never hold the write lock the bot needs. On PostgreSQL it reads one
    REPEATABLE READ snapshot per transaction, in read-only mode.
    """
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling is switched off so BEGIN IMMEDIATE works.
        event.listen(engine, "connect", lambda conn, _rec: setattr(conn, "isolation_level", None))
        event.listen(engine, "begin", _begin_deferred if read_only else _begin_immediate)
        return engine
    return _server_engine(url, read_only=read_only)


def _server_engine(url: str, *, read_only: bool) -> Engine:
    options: dict[str, Any] = {}
    connect_args: dict[str, Any] = {}
    if make_url(url).get_backend_name() == "postgresql":
        # A server that went away is noticed at once instead of after the OS's TCP timeout;
        # the URL's own query parameters still win.
        query = make_url(url).query
        if "connect_timeout" not in query:
            connect_args["connect_timeout"] = 10
        if "keepalives_idle" not in query:
            connect_args |= {"keepalives_idle": 30, "keepalives_interval": 10}
        if read_only:
            options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    # pool_pre_ping: after a server restart, pooled connections are dead; each is tested
    # when taken from the pool and replaced, so the first query after a restart works.
    return create_engine(
        url, pool_pre_ping=True, connect_args=connect_args, execution_options=options
    )


def is_transient_error(exc: BaseException) -> bool:
    """True when `exc` means "the database cannot answer now; try again later".

    A lost or refused connection, a server shutting down, a deadlock or serialisation
    failure (PostgreSQL), "database is locked" (SQLite). A caller that gets one must not
    treat the message as handled, and must not flag it on the mail server.
    """
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    if type(exc.orig).__module__.startswith("sqlite3"):
        # SQLite says OperationalError for a missing table too: only locks are transient.
        message = str(exc.orig).lower()
        return "locked" in message or "busy" in message or "disk i/o" in message
    return True


def raise_if_transient(exc: BaseException) -> None:
    """A database that cannot answer now is no fault of the message: retry it later."""
    if is_transient_error(exc):
        raise DatabaseUnavailableError(
            f"the database cannot answer ({type(exc).__name__}); the message stays unmarked "
            "and is handled when it is back"
        ) from exc


# Any fixed number: every process that migrates the same PostgreSQL database takes it.
_MIGRATION_LOCK = 0x4C505345


def migrate(engine: Engine, *, data_dir: Path | None = None, sla: SlaSection | None = None) -> None:
    """Bring the schema to the newest migration; existing data is kept. With `data_dir`,
    a migration may also read the stored mail (the search index of old tickets does);
    with `sla`, the SLA clocks of open tickets start from the settings, not the defaults."""
    config = Config()
    config.attributes["data_dir"] = data_dir
    config.attributes["sla"] = sla
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several workers starting at once on a new database would each create the
            # tables; the lock makes the others wait, then find the schema at head.
            # (SQLite's BEGIN IMMEDIATE already serialises them.)
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(
    url: str, *, data_dir: Path | None = None, sla: SlaSection | None = None
) -> Engine:
    """Create the engine and migrate the schema: the one way the app opens its database."""
    engine = create_db_engine(url)
    migrate(engine, data_dir=data_dir, sla=sla)
    return engine
