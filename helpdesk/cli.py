"""The `helpdesk` command: the only place that configures logging or exits.

Exit codes: 0 ok, 1 failure, 2 bad usage or settings.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import Engine
from sqlmodel import Session

from helpdesk import views
from helpdesk.database import open_database
from helpdesk.errors import ConfigError, HelpdeskError
from helpdesk.settings import Settings, load_settings
from helpdesk.tickets import get_ticket, list_tickets
from replies.names import STATUS_NAMES


class _Context:
    def __init__(self, settings_path: str | None) -> None:
        self.settings_path = settings_path
        self._settings: Settings | None = None
        self._engine: Engine | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.settings_path)
        return self._settings

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = open_database(self.settings.database_url)
        return self._engine


pass_ctx = click.make_pass_decorator(_Context)


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
    ctx.obj = _Context(settings_path)


@cli.command()
@click.option("--once", is_flag=True, help="Handle all waiting mail, send due answers, exit.")
@pass_ctx
def run(ctx: _Context, once: bool) -> None:
    """Watch the mailbox (IDLE, or polling) and answer requests."""
    from helpdesk.runner import Worker

    logging.getLogger("helpdesk").setLevel(logging.INFO)
    worker = Worker(ctx.settings, ctx.engine)
    try:
        if once:
            report = worker.run_once()
            click.echo(
                f"{report.fetched} messages read, {report.sent.sent} answers sent, "
                f"{report.sent.deferred} deferred, {report.sent.failed} failed"
            )
            return
        signal.signal(signal.SIGTERM, lambda *_: worker.request_stop())
        signal.signal(signal.SIGINT, lambda *_: worker.request_stop())
        worker.run_forever()
    finally:
        worker.close()


@cli.command()
@click.argument("message", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
@pass_ctx
def check(ctx: _Context, message: Path, as_json: bool) -> None:
    """Show what the bot would decide for MESSAGE.eml; changes nothing."""
    from helpdesk.decide import check_bytes

    settings = _settings_or_defaults(ctx)
    decision = check_bytes(message.read_bytes(), settings)
    if as_json:
        click.echo(json.dumps(decision.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(views.decision_text(decision))


@cli.group()
def tickets() -> None:
    """The ticket queue."""


@tickets.command("list")
@click.option("--status", type=click.Choice(list(STATUS_NAMES)), help="Only this status.")
@click.option("--kind", help="Only this kind (e.g. forensic_test).")
@click.option("--limit", type=int, default=None, help="At most this many tickets.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_ctx
def tickets_list(
    ctx: _Context, status: str | None, kind: str | None, limit: int | None, as_json: bool
) -> None:
    """List tickets, newest first."""
    with Session(ctx.engine) as session:
        rows = list_tickets(session, status=status, kind=kind, limit=limit)
        if as_json:
            _echo_json([views.ticket_json(t) for t in rows])
        else:
            click.echo(views.ticket_table(rows))


@tickets.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@pass_ctx
def tickets_show(ctx: _Context, ref: str, as_json: bool) -> None:
    """Show one ticket with its messages, attachments and answers."""
    with Session(ctx.engine) as session:
        ticket = get_ticket(session, ref)
        detail = views.ticket_detail(session, ticket)
    if as_json:
        _echo_json(detail)
    else:
        click.echo(views.ticket_detail_text(detail))


@cli.group()
def outbox() -> None:
    """Answers waiting to be sent, and sent."""


@outbox.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include answers already sent.")
@pass_ctx
def outbox_list(ctx: _Context, show_all: bool) -> None:
    """Show what is waiting to be sent and why."""
    with Session(ctx.engine) as session:
        click.echo(views.outbox_table(session, include_sent=show_all))


@outbox.command("flush")
@pass_ctx
def outbox_flush(ctx: _Context) -> None:
    """Try every waiting answer now (after the SMTP server is back), not at its retry time."""
    from helpdesk.outbox import send_due

    report = send_due(ctx.engine, ctx.settings, all_pending=True)
    click.echo(f"{report.sent} sent, {report.deferred} deferred, {report.failed} failed")
    if report.deferred or report.failed:
        sys.exit(1)


@cli.group()
def quarantine() -> None:
    """Messages the bot could not handle on its own."""


@quarantine.command("list")
@pass_ctx
def quarantine_list(ctx: _Context) -> None:
    """List messages flagged for staff because they broke the pipeline."""
    with Session(ctx.engine) as session:
        click.echo(views.quarantine_table(session))


@quarantine.command("replay")
@click.argument("entry_id", type=int)
@pass_ctx
def quarantine_replay(ctx: _Context, entry_id: int) -> None:
    """Run a quarantined message through the pipeline again (after a fix)."""
    from helpdesk.replay import replay_entry

    result = replay_entry(ctx.settings, ctx.engine, entry_id)
    click.echo(result)


@cli.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("helpdesk-demo"),
    show_default=True,
    help="Where the demo keeps its mailbox, database and answers.",
)
def demo(folder: Path) -> None:
    """Run the whole flow on the shipped sample mail: no server needed."""
    from helpdesk.demo import run_demo

    logging.getLogger("helpdesk").setLevel(logging.WARNING)
    click.echo(run_demo(folder))


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def forms(folder: Path) -> None:
    """Write the official blank forms (XLSX) into FOLDER."""
    from replies.blank_forms import write_blank_forms

    for path in write_blank_forms(folder):
        click.echo(path)


@cli.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@pass_ctx
def accuracy(ctx: _Context, folder: Path) -> None:
    """Compare `check` with the labels.json of a folder of .eml files."""
    from helpdesk.accuracy import accuracy_report, format_report

    click.echo(format_report(accuracy_report(folder, _settings_or_defaults(ctx))))


def _settings_or_defaults(ctx: _Context) -> Settings:
    """Read-only commands work without a settings file, on built-in defaults."""
    if ctx.settings_path or Path("settings.toml").exists():
        return ctx.settings
    return Settings()


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


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
