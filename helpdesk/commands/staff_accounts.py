"""`helpdesk staff`: the accounts officers log in to the staff pages with."""

from __future__ import annotations

from collections.abc import Callable

import click
from sqlmodel import Session

from helpdesk import terminal
from helpdesk.accounts import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    add_account,
    is_locked,
    list_accounts,
    set_disabled,
    set_password,
    unlock,
)
from helpdesk.commands.context import AppContext
from helpdesk.models import utcnow


def _ask_password() -> str:
    password: str = click.prompt(
        f"Password (at least {MIN_PASSWORD_LENGTH} characters)",
        hide_input=True,
        confirmation_prompt="Repeat the password",
    )
    return password


def _change(obj: AppContext, done: str, action: Callable[[Session], object]) -> None:
    """Run one account change in one transaction; an AccountError becomes a usage error."""
    with Session(obj.engine) as session:
        try:
            action(session)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        session.commit()
    click.echo(done)


@click.group("staff")
def staff_accounts() -> None:
    """Accounts for the staff pages (`helpdesk web`)."""


@staff_accounts.command("add")
@click.argument("name")
@click.option("--admin", is_flag=True, help="May upload the registry and manage accounts.")
@click.pass_obj
def staff_add(obj: AppContext, name: str, admin: bool) -> None:
    """Add officer NAME; asks for the password twice (not shown)."""
    password = _ask_password()
    role = "admin" if admin else "staff"
    _change(
        obj,
        f"Account {name} ({role}) added.",
        lambda session: add_account(session, name, password, role=role),
    )


@staff_accounts.command("passwd")
@click.argument("name")
@click.pass_obj
def staff_passwd(obj: AppContext, name: str) -> None:
    """Set a new password for NAME (also lifts a lockout and ends NAME's logins)."""
    password = _ask_password()
    _change(
        obj,
        f"Password of {name} changed.",
        lambda session: set_password(session, name, password),
    )


@staff_accounts.command("disable")
@click.argument("name")
@click.pass_obj
def staff_disable(obj: AppContext, name: str) -> None:
    """Stop NAME from logging in (ends NAME's logins at once); history keeps the name."""
    _change(obj, f"Account {name} disabled.", lambda session: set_disabled(session, name))


@staff_accounts.command("enable")
@click.argument("name")
@click.pass_obj
def staff_enable(obj: AppContext, name: str) -> None:
    """Let a disabled NAME log in again."""
    _change(obj, f"Account {name} enabled.", lambda session: set_disabled(session, name, False))


@staff_accounts.command("unlock")
@click.argument("name")
@click.pass_obj
def staff_unlock(obj: AppContext, name: str) -> None:
    """Lift the 15-minute lockout after repeated failed logins."""
    _change(obj, f"Account {name} unlocked.", lambda session: unlock(session, name))


@staff_accounts.command("list")
@click.pass_obj
def staff_list(obj: AppContext) -> None:
    """List accounts: name, role, and whether disabled or locked."""
    now = utcnow()
    with Session(obj.engine) as session:
        rows = [
            (
                a.name,
                a.role,
                "nonaktif" if a.disabled else "terkunci" if is_locked(a, now) else "aktif",
            )
            for a in list_accounts(session)
        ]
    click.echo(terminal.table(("Nama", "Peran", "Status"), rows, empty="Belum ada akun petugas."))
