"""`helpdesk quarantine ...`: messages the bot could not handle on its own."""

from __future__ import annotations

import click
from sqlmodel import Session

from helpdesk import terminal
from helpdesk.commands.context import AppContext


@click.group()
def quarantine() -> None:
    """Messages the bot could not handle on its own."""


@quarantine.command("list")
@click.pass_obj
def quarantine_list(ctx: AppContext) -> None:
    """List messages flagged for staff because they broke the pipeline."""
    with Session(ctx.reader) as session:
        click.echo(terminal.quarantine_table(session))


@quarantine.command("replay")
@click.argument("entry_id", type=int)
@click.pass_obj
def quarantine_replay(ctx: AppContext, entry_id: int) -> None:
    """Run a quarantined message through the pipeline again (after a fix)."""
    from helpdesk.replay import replay_entry

    result = replay_entry(ctx.settings, ctx.engine, entry_id)
    click.echo(result)
