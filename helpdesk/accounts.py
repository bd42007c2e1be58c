"""Staff accounts: argon2 password hashes, roles, and the lockout after failed logins.

Each function takes the caller's session and never commits, like helpdesk/staff.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from helpdesk.errors import HelpdeskError
from helpdesk.models import StaffAccount, StaffSession, utcnow

if TYPE_CHECKING:
    from argon2 import PasswordHasher

ROLES = ("staff", "admin")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10


@cache
def _hasher() -> PasswordHasher:
    # argon2 is imported when a password is first hashed or checked, not with the CLI.
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so a login takes as long either way and
    the timing does not tell which officer names exist (made once, at the first login)."""
    return _hasher().hash("not a password of anyone")


class AccountError(HelpdeskError, ValueError):
    """An account cannot be added or changed as asked; nothing was changed."""


@dataclass(frozen=True)
class LoginResult:
    """LoginResult(account=<StaffAccount>, locked_until=None); account None: refused."""

    account: StaffAccount | None
    locked_until: datetime | None = None


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters.",
            shown=f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.",
        )


def add_account(session: Session, name: str, password: str, *, role: str = "staff") -> StaffAccount:
    """A new officer who may log in; AccountError when the name is taken or invalid."""
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise AccountError(
            "Give a name of 1 to 100 characters.", shown="Isi nama 1 sampai 100 karakter."
        )
    if role not in ROLES:
        raise AccountError(
            f"Unknown role {role!r}; one of: {', '.join(ROLES)}.",
            shown=f"Peran {role!r} tidak dikenal; pilih salah satu: {', '.join(ROLES)}.",
        )
    if find_account(session, name) is not None:
        raise AccountError(
            f"An account {name!r} exists already.", shown=f"Akun {name!r} sudah ada."
        )
    check_password_rules(password)
    account = StaffAccount(name=name, password_hash=_hasher().hash(password), role=role)
    session.add(account)
    return account


def find_account(session: Session, name: str) -> StaffAccount | None:
    return session.exec(select(StaffAccount).where(StaffAccount.name == name)).first()


def get_account(session: Session, name: str) -> StaffAccount:
    account = find_account(session, name)
    if account is None:
        raise AccountError(
            f"No account {name!r}; see `helpdesk staff list`.",
            shown=f"Tidak ada akun {name!r}.",
        )
    return account


def set_password(session: Session, name: str, password: str) -> StaffAccount:
    """New password; also lifts a lockout and logs the officer out everywhere (new stamp)."""
    account = get_account(session, name)
    check_password_rules(password)
    account.password_hash = _hasher().hash(password)
    account.failed_logins, account.locked_until = 0, None
    session.add(account)
    end_sessions(session, account.name)
    return account


def set_disabled(session: Session, name: str, disabled: bool = True) -> StaffAccount:
    account = get_account(session, name)
    account.disabled = disabled
    session.add(account)
    if disabled:
        end_sessions(session, account.name)
    return account


def end_sessions(session: Session, name: str) -> int:
    """End every open staff-pages session of officer `name`; how many there were."""
    query = select(StaffSession).where(
        StaffSession.account == name, col(StaffSession.ended_at).is_(None)
    )
    rows = session.exec(query).all()
    for row in rows:
        row.ended_at = utcnow()
        session.add(row)
    return len(rows)


def unlock(session: Session, name: str) -> StaffAccount:
    account = get_account(session, name)
    account.failed_logins, account.locked_until = 0, None
    session.add(account)
    return account


def list_accounts(session: Session) -> Sequence[StaffAccount]:
    return session.exec(select(StaffAccount).order_by(col(StaffAccount.name))).all()


def is_locked(account: StaffAccount, now: datetime) -> bool:
    return account.locked_until is not None and account.locked_until > now


def check_login(
    session: Session, name: str, password: str, *, now: datetime | None = None
) -> LoginResult:
    """Verify a login and count failures; the 5th failure locks the account 15 minutes."""
    now = now or utcnow()
    account = find_account(session, name.strip())
    if account is None or account.disabled:
        _verify(_dummy_hash(), password)
        return LoginResult(None)
    if is_locked(account, now):
        return LoginResult(None, account.locked_until)
    if not _verify(account.password_hash, password):
        account.failed_logins += 1
        if account.failed_logins >= MAX_FAILED_LOGINS:
            account.failed_logins, account.locked_until = 0, now + LOCKOUT
        session.add(account)
        return LoginResult(None, account.locked_until)
    account.failed_logins, account.locked_until = 0, None
    if _hasher().check_needs_rehash(account.password_hash):
        account.password_hash = _hasher().hash(password)
    session.add(account)
    return LoginResult(account)


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
