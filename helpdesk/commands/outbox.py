"""`helpdesk outbox ...`: answers waiting to be sent, and sending them now."""

from __future__ import annotations

import sys

import click
from sqlmodel import Session

from helpdesk import terminal
from helpdesk.commands.context import AppContext


@click.group()
def outbox() -> None:
    """Answers waiting to be sent, and sent."""


@outbox.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include answers already sent.")
@click.pass_obj
def outbox_list(ctx: AppContext, show_all: bool) -> None:
    """Show what is waiting to be sent and why."""
    with Session(ctx.reader) as session:
        click.echo(terminal.outbox_table(session, include_sent=show_all))


@outbox.command("flush")
@click.pass_obj
def outbox_flush(ctx: AppContext) -> None:
    """Try every waiting answer now (after the SMTP server is back), not at its retry time."""
    from helpdesk.outbox import send_due

    report = send_due(ctx.engine, ctx.settings, all_pending=True)
    click.echo(f"{report.sent} sent, {report.deferred} deferred, {report.failed} failed")
    if report.deferred or report.failed:
        sys.exit(1)
