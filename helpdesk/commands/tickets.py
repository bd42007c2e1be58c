"""`helpdesk tickets ...`: the queue, one ticket, and the staff actions on it."""

from __future__ import annotations

import dataclasses
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlmodel import Session

from helpdesk import staff, terminal
from helpdesk.commands.context import AppContext, echo_json
from helpdesk.models import utcnow
from helpdesk.requirements import KINDS
from helpdesk.staff import ActionResult, Staff
from helpdesk.tickets import QueueFilter, count_tickets, get_ticket, list_tickets
from replies.names import FORENSIC_OUTCOMES, STATUS_NAMES

LIST_LIMIT = 200  # tickets `tickets list` prints unless told otherwise


@click.group()
def tickets() -> None:
    """The ticket queue."""


@tickets.command("list")
@click.option("--status", type=click.Choice(list(STATUS_NAMES)), help="Only this status.")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind.")
@click.option("--agency", help="Only agencies whose name contains this.")
@click.option("--assignee", help="Only tickets assigned to this staff member.")
@click.option("--overdue", is_flag=True, help="Only open tickets past their SLA target.")
@click.option("--spam", is_flag=True, help="The Spam view: mail the receiving server judged spam.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=LIST_LIMIT,
    show_default=True,
    help="At most this many tickets (0: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def tickets_list(ctx: AppContext, /, as_json: bool, **queue: Any) -> None:
    """The queue: stated deadlines first, then oldest first."""
    sla, now = ctx.settings.sla, utcnow()
    wanted = QueueFilter(**queue)
    with Session(ctx.reader) as session:
        rows = list_tickets(session, wanted, now=now)
        listing = terminal.queue_rows(session, rows, sla=sla, now=now)
        # A queue of thousands is not read on a terminal: say what was left out.
        more = 0
        if wanted.limit and len(rows) == wanted.limit:
            more = count_tickets(session, wanted, now=now) - len(rows)
    if as_json:
        echo_json(listing)
    else:
        click.echo(terminal.ticket_table(listing))
    if more > 0:
        click.echo(
            f"... dan {more} tiket lagi tidak ditampilkan (--limit 0: semua; "
            "atau saring dengan --status, --kind, --agency, --assignee).",
            err=as_json,  # the JSON on stdout stays one valid array
        )


@tickets.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(min=1, max=200), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def tickets_search(ctx: AppContext, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Find tickets by any word: ref, subject, mail text, sender, agency, kode, file."""
    from helpdesk.search import search

    with Session(ctx.reader) as session:
        hits = search(session, " ".join(query), limit=limit)
    if as_json:
        echo_json([dataclasses.asdict(hit) for hit in hits])
    else:
        click.echo(terminal.search_table(hits))


@tickets.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_obj
def tickets_show(ctx: AppContext, ref: str, as_json: bool) -> None:
    """Show one ticket with its messages, attachments and answers."""
    with Session(ctx.reader) as session:
        ticket = get_ticket(session, ref)
        detail = terminal.ticket_detail(session, ticket, sla=ctx.settings.sla, now=utcnow())
    if as_json:
        echo_json(detail)
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


def _act(ctx: AppContext, action: Callable[..., ActionResult], *args: Any, **kwargs: Any) -> None:
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
@click.pass_obj
def tickets_assign(ctx: AppContext, ref: str, assignee: str, staff_name: str) -> None:
    """Give ticket REF to ASSIGNEE, a staff account (`helpdesk staff list`), in any case."""
    _act(ctx, staff.assign, ref, assignee, staff_name=staff_name)


@tickets.command("note")
@click.argument("ref")
@click.argument("text")
@by_option
@click.pass_obj
def tickets_note(ctx: AppContext, ref: str, text: str, staff_name: str) -> None:
    """Add an internal note to REF (never sent)."""
    _act(ctx, staff.add_note, ref, text, staff_name=staff_name)


def _answer_options(command: Callable[..., None]) -> Callable[..., None]:
    """--text, --canned and --attach, shared by `reply` and `ask`."""
    options: list[Callable[[Callable[..., None]], Callable[..., None]]] = [
        click.argument("ref"),
        click.option(
            "--text",
            default=None,
            help="Your answer, in your own words; - reads it from standard input.",
        ),
        click.option(
            "--canned",
            metavar="NAME",
            default=None,
            help="Start from this canned answer (see `tickets canned`); --text follows it.",
        ),
        click.option(
            "--attach",
            "attach",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A file to send with the answer; repeatable.",
        ),
        by_option,
        click.pass_obj,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _answer_text(ctx: AppContext, ref: str, text: str | None, canned: str | None) -> str:
    """The officer's words: a canned answer filled in for the ticket, then --text."""
    if text == "-":
        text = sys.stdin.read()
    if canned is None:
        return text or ""
    from replies.canned import UnknownCannedAnswerError

    with Session(ctx.reader) as session:
        ticket = get_ticket(session, ref)
        try:
            snippet = staff.canned_answer(ctx.settings, ticket, canned)
        except UnknownCannedAnswerError as exc:
            raise click.BadParameter(str(exc), param_hint="--canned") from None
    return f"{snippet}\n\n{text}" if text else snippet


def _answer_command(name: str, action: Callable[..., ActionResult], doc: str) -> None:
    """`tickets reply` and `tickets ask`: the officer's words, then `action` sends them."""

    @tickets.command(name, help=doc)
    @_answer_options
    def command(
        ctx: AppContext,
        ref: str,
        text: str | None,
        canned: str | None,
        attach: tuple[Path, ...],
        staff_name: str,
    ) -> None:
        words = _answer_text(ctx, ref, text, canned)
        _act(ctx, action, ref, text=words, attach=attach, staff_name=staff_name)


_answer_command(
    "reply",
    staff.reply,
    "Answer the requester of REF in your own words (threaded, from the outbox).",
)
_answer_command(
    "ask",
    staff.ask,
    "Ask the requester of REF something back; REF then awaits their answer.",
)


@tickets.command("canned")
def tickets_canned() -> None:
    """List the canned answers (replies/templates/_canned/) for --canned."""
    from replies.canned import canned_answers

    for canned in canned_answers():
        click.echo(f"{canned.name:<24} {canned.title}")


@tickets.command("merge")
@click.argument("ref")
@click.option("--into", "into", required=True, metavar="OTHER", help="The ticket REF joins.")
@by_option
@click.pass_obj
def tickets_merge(ctx: AppContext, ref: str, into: str, staff_name: str) -> None:
    """Join REF's messages and files to OTHER and close REF pointing at it."""
    _act(ctx, staff.merge, ref, into=into, staff_name=staff_name)


@tickets.command("escalate")
@click.argument("ref")
@click.option("--note", default="", help="Told to the Pokja with the escalation notice.")
@by_option
@click.pass_obj
def tickets_escalate(ctx: AppContext, ref: str, note: str, staff_name: str) -> None:
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
@click.pass_obj
def tickets_resolve(
    ctx: AppContext,
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
@click.pass_obj
def tickets_reject(ctx: AppContext, ref: str, reason: str, staff_name: str) -> None:
    """Close REF as rejected and tell the requester why."""
    _act(ctx, staff.reject, ref, reason=reason, staff_name=staff_name)


@tickets.command("reopen")
@click.argument("ref")
@click.option("--note", default="", help="Told to the requester.")
@by_option
@click.pass_obj
def tickets_reopen(ctx: AppContext, ref: str, note: str, staff_name: str) -> None:
    """Open a resolved or rejected ticket again."""
    _act(ctx, staff.reopen, ref, note=note, staff_name=staff_name)
