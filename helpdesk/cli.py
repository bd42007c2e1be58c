"""The `helpdesk` command: wires the command groups of helpdesk/commands/ together; the
only place that configures logging or exits.

Exit codes: 0 ok, 1 failure, 2 bad usage or settings.
"""

from __future__ import annotations

import logging
import sys

import click

from helpdesk.commands.agencies import agencies
from helpdesk.commands.bot import accuracy, check, demo, forms, run
from helpdesk.commands.context import CliContext
from helpdesk.commands.export import export
from helpdesk.commands.outbox import outbox
from helpdesk.commands.quarantine import quarantine
from helpdesk.commands.staff_accounts import staff_accounts
from helpdesk.commands.tickets import tickets
from helpdesk.commands.web import web
from helpdesk.errors import ConfigError, HelpdeskError
from helpdesk.library_logs import quiet_libraries


@click.group()
@click.option(
    "--settings",
    "settings_path",
    metavar="FILE",
    envvar="HELPDESK_SETTINGS",
    help="Settings file (default: $HELPDESK_SETTINGS, else ./settings.toml).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log every message handled.")
@click.pass_context
def cli(ctx: click.Context, settings_path: str | None, verbose: bool) -> None:
    """LPSE helpdesk bot: reads the helpdesk mailbox, opens tickets, answers requesters."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    quiet_libraries()
    ctx.obj = CliContext(settings_path)


for command in (run, check, tickets, outbox, quarantine, demo, forms, accuracy):
    cli.add_command(command)
for command in (agencies, export, staff_accounts, web):
    cli.add_command(command)


def main() -> None:
    """Console entry point: translate our errors into exit codes and one clear line."""
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ConfigError as exc:
        click.echo(f"helpdesk: settings error: {exc}", err=True)
        sys.exit(2)
    except HelpdeskError as exc:
        click.echo(f"helpdesk: {exc}", err=True)
        sys.exit(1)
