"""The bot's own commands: `run`, `check`, `demo`, `forms` and `accuracy`."""

from __future__ import annotations

import json
import logging
import signal
from pathlib import Path

import click

from helpdesk import terminal
from helpdesk.commands.context import AppContext, CliContext, pass_cli
from helpdesk.decision import Decision
from helpdesk.settings import Settings


@click.command()
@click.option("--once", is_flag=True, help="Handle all waiting mail, send due answers, exit.")
@click.pass_obj
def run(ctx: AppContext, once: bool) -> None:
    """Watch the mailbox (IDLE, or polling) and answer requests."""
    from helpdesk.runner import Worker

    logging.getLogger("helpdesk").setLevel(logging.INFO)
    _say_if_scans_are_not_read(ctx.settings)
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


def _say_if_scans_are_not_read(settings: Settings) -> None:
    from parsers.ocr import tesseract_available

    if settings.ocr.enabled and not tesseract_available():
        logging.getLogger("helpdesk").warning(
            "Tesseract with Indonesian data is not installed: scans and photos are judged "
            "by their file names only (apt install tesseract-ocr tesseract-ocr-ind)"
        )


@click.command()
@click.argument("message", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
@pass_cli
def check(ctx: CliContext, message: Path, as_json: bool) -> None:
    """Show what the bot would decide for MESSAGE.eml; changes nothing."""
    from helpdesk.act import FLAGGED_NOTE
    from helpdesk.errors import MessageParseError
    from helpdesk.pipeline import decide
    from parsers.message import parse_message

    settings = ctx.settings_or_defaults()
    try:
        parsed = parse_message(message.read_bytes())
    except MessageParseError as exc:
        if not as_json:
            raise
        # What the bot would do with it: a ticket flagged for staff, with this note.
        problem = f"the message cannot be parsed: {exc}"
        unreadable = {
            "readable": False,
            "problem": problem,
            "ticket": "flagged for staff (no answer)",
            "staff_note": f"{FLAGGED_NOTE} Rincian teknis: {problem}",
        }
        click.echo(json.dumps(unreadable, ensure_ascii=False, indent=2))
        raise SystemExit(1) from exc
    decision = decide(parsed, settings)
    if ctx.has_settings_file() and not decision.automatic and not decision.ticket_ref:
        _note_resend(ctx, parsed.sender.address, decision)
    if as_json:
        click.echo(json.dumps(decision.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(terminal.decision_text(decision))


def _note_resend(ctx: CliContext, sender: str, decision: Decision) -> None:
    """With a database to look in: whether the bot would join this to an open ticket."""
    from sqlmodel import Session

    from helpdesk.act import resend_reason
    from helpdesk.tickets import resent_ticket

    url = ctx.settings.database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return  # no tickets yet: nothing to resend, and check creates no database
    kode = decision.fields.get("kode_tender")
    with Session(ctx.reader) as session:
        ticket = resent_ticket(session, sender=sender, kind=decision.kind, kode_tender=kode)
    if ticket is not None:
        decision.because(*resend_reason(ticket.ref))


@click.command()
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
    try:
        click.echo(run_demo(folder))
    except FileExistsError as exc:  # a folder of the user's own: left as it is
        raise click.ClickException(str(exc)) from exc


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def forms(folder: Path) -> None:
    """Write the official blank forms (XLSX) into FOLDER."""
    from replies.blank_forms import write_blank_forms

    for path in write_blank_forms(folder):
        click.echo(path)


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@pass_cli
def accuracy(ctx: CliContext, folder: Path) -> None:
    """Compare `check` with the labels.json of a folder of .eml files."""
    from helpdesk.accuracy import accuracy_report, format_report

    click.echo(format_report(accuracy_report(folder, ctx.settings_or_defaults())))
