"""The `helpdesk` command: the only place that configures logging or exits.

Exit codes: 0 ok, 1 failure, 2 bad usage or settings.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import Engine
from sqlmodel import Session

from helpdesk import staff, terminal
from helpdesk.commands.agencies import agencies
from helpdesk.commands.export import export
from helpdesk.commands.staff_accounts import staff_accounts
from helpdesk.commands.web import web
from helpdesk.database import create_db_engine, open_database
from helpdesk.errors import ConfigError, HelpdeskError
from helpdesk.models import utcnow
from helpdesk.requirements import KINDS
from helpdesk.settings import Settings, load_settings
from helpdesk.staff import ActionResult, Staff
from helpdesk.tickets import QueueFilter, count_tickets, get_ticket, list_tickets
from replies.names import FORENSIC_OUTCOMES, STATUS_NAMES


class _Context:
    def __init__(self, settings_path: str | None) -> None:
        self.settings_path = settings_path
        self._settings: Settings | None = None
        self._engine: Engine | None = None
        self._reader: Engine | None = None

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

    @property
    def reader(self) -> Engine:
        """For commands that only read: they never wait for, or block, the bot's writes."""
        if self._reader is None:
            self.engine  # noqa: B018  (opening it first brings the schema up to date)
            self._reader = create_db_engine(self.settings.database_url, read_only=True)
        return self._reader


pass_ctx = click.make_pass_decorator(_Context)
LIST_LIMIT = 200  # tickets `tickets list` prints unless told otherwise


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
    # Broken attachments are a verdict on the ticket, not a warning for the terminal.
    for noisy in ("pypdf", "openpyxl", "docx", "mailparser"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
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
            retry = report.outcomes.get("retry", 0)
            click.echo(
                f"{report.fetched} messages read, {report.sent.sent} answers sent, "
                f"{report.sent.deferred} deferred, {report.sent.failed} failed"
                + (f", {retry} left for another try" if retry else "")
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
    from helpdesk.pipeline import check_bytes

    settings = _settings_or_defaults(ctx)
    decision = check_bytes(message.read_bytes(), settings)
    if as_json:
        click.echo(json.dumps(decision.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(terminal.decision_text(decision))


@cli.group()
def tickets() -> None:
    """The ticket queue."""


@tickets.command("list")
@click.option("--status", type=click.Choice(list(STATUS_NAMES)), help="Only this status.")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind.")
@click.option("--agency", help="Only agencies whose name contains this.")
@click.option("--assignee", help="Only tickets assigned to this staff member.")
@click.option("--overdue", is_flag=True, help="Only open tickets past their SLA target.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=LIST_LIMIT,
    show_default=True,
    help="At most this many tickets (0: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_ctx
def tickets_list(ctx: _Context, as_json: bool, **queue: Any) -> None:
    """The queue: stated deadlines first, then oldest first."""
    sla, now = ctx.settings.sla, utcnow()
    wanted = QueueFilter(**queue)
    with Session(ctx.reader) as session:
        rows = list_tickets(session, wanted, sla=sla, now=now)
        listing = terminal.queue_rows(session, rows, sla=sla, now=now)
        # A queue of thousands is not read on a terminal: say what was left out.
        more = 0
        if wanted.limit and len(rows) == wanted.limit:
            more = count_tickets(session, wanted, sla=sla, now=now) - len(rows)
    if as_json:
        _echo_json(listing)
    else:
        click.echo(terminal.ticket_table(listing))
    if more > 0:
        click.echo(
            f"... dan {more} tiket lagi tidak ditampilkan (--limit 0: semua; "
            "atau saring dengan --status, --kind, --agency, --assignee).",
            err=as_json,  # the JSON on stdout stays one valid array
        )


@tickets.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@pass_ctx
def tickets_show(ctx: _Context, ref: str, as_json: bool) -> None:
    """Show one ticket with its messages, attachments and answers."""
    with Session(ctx.reader) as session:
        ticket = get_ticket(session, ref)
        detail = terminal.ticket_detail(session, ticket, sla=ctx.settings.sla, now=utcnow())
    if as_json:
        _echo_json(detail)
    else:
        click.echo(terminal.ticket_detail_text(detail))


def _staff_name() -> str:
    return os.environ.get("HELPDESK_STAFF") or getpass.getuser()


by_option = click.option(
    "--by",
    "staff_name",
    default=_staff_name,
    show_default="$HELPDESK_STAFF or your login",
    help="The staff member acting, for the audit trail.",
)


def _act(ctx: _Context, action: Callable[..., ActionResult], *args: Any, **kwargs: Any) -> None:
    """Run one staff action in one transaction, then try to send its answers at once."""
    from helpdesk.message_ids import load_secret
    from helpdesk.outbox import send_due

    staff_name = kwargs.pop("staff_name")
    settings = ctx.settings
    staff = Staff(
        staff_name, settings, load_secret(settings.helpdesk.secret, settings.helpdesk.data_dir)
    )
    with Session(ctx.engine) as session:
        result = action(session, staff, *args, **kwargs)
        session.commit()
    click.echo(str(result))
    if result.sent_to:
        report = send_due(ctx.engine, settings)
        if report.deferred or report.failed:
            click.echo("The answer waits in the outbox (see `helpdesk outbox list`).")


@tickets.command("assign")
@click.argument("ref")
@click.argument("assignee")
@by_option
@pass_ctx
def tickets_assign(ctx: _Context, ref: str, assignee: str, staff_name: str) -> None:
    """Give ticket REF to staff member ASSIGNEE."""
    _act(ctx, staff.assign, ref, assignee, staff_name=staff_name)


@tickets.command("note")
@click.argument("ref")
@click.argument("text")
@by_option
@pass_ctx
def tickets_note(ctx: _Context, ref: str, text: str, staff_name: str) -> None:
    """Add an internal note to REF (never sent)."""
    _act(ctx, staff.add_note, ref, text, staff_name=staff_name)


@tickets.command("escalate")
@click.argument("ref")
@click.option("--note", default="", help="Told to the Pokja with the escalation notice.")
@by_option
@pass_ctx
def tickets_escalate(ctx: _Context, ref: str, note: str, staff_name: str) -> None:
    """Forward a forensic test to LKPP/BSSN and tell the Pokja it may take weeks."""
    _act(ctx, staff.escalate, ref, note=note, staff_name=staff_name)


@tickets.command("resolve")
@click.argument("ref")
@click.option(
    "--outcome",
    type=click.Choice(list(FORENSIC_OUTCOMES)),
    help="Forensic tests: opened, corrupt, recovered or not_recovered.",
)
@click.option("--note", default="", help="Told to the requester with the outcome.")
@click.option(
    "--attach",
    "attach",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file to send with the answer (result letter, BA); repeatable.",
)
@by_option
@pass_ctx
def tickets_resolve(
    ctx: _Context,
    ref: str,
    outcome: str | None,
    note: str,
    attach: tuple[Path, ...],
    staff_name: str,
) -> None:
    """Close REF as done and send the answer the SLA requires for its kind."""
    _act(ctx, staff.resolve, ref, outcome=outcome, note=note, attach=attach, staff_name=staff_name)


@tickets.command("reject")
@click.argument("ref")
@click.option("--reason", required=True, help="Why; the requester is told.")
@by_option
@pass_ctx
def tickets_reject(ctx: _Context, ref: str, reason: str, staff_name: str) -> None:
    """Close REF as rejected and tell the requester why."""
    _act(ctx, staff.reject, ref, reason=reason, staff_name=staff_name)


@tickets.command("reopen")
@click.argument("ref")
@click.option("--note", default="", help="Told to the requester.")
@by_option
@pass_ctx
def tickets_reopen(ctx: _Context, ref: str, note: str, staff_name: str) -> None:
    """Open a resolved or rejected ticket again."""
    _act(ctx, staff.reopen, ref, note=note, staff_name=staff_name)


@cli.group()
def outbox() -> None:
    """Answers waiting to be sent, and sent."""


@outbox.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include answers already sent.")
@pass_ctx
def outbox_list(ctx: _Context, show_all: bool) -> None:
    """Show what is waiting to be sent and why."""
    with Session(ctx.reader) as session:
        click.echo(terminal.outbox_table(session, include_sent=show_all))


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
    with Session(ctx.reader) as session:
        click.echo(terminal.quarantine_table(session))


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


cli.add_command(agencies)
cli.add_command(export)
cli.add_command(staff_accounts)
cli.add_command(web)


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
