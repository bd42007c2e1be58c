"""`helpdesk export FILE.xlsx [--from DATE] [--to DATE]`: the monthly ticket log."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from sqlmodel import Session

from helpdesk.commands.context import AppContext
from helpdesk.export import export_log, previous_month, today_wib


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", ctx, param) from None


def resolve_period(start: date | None, end: date | None, *, today: date) -> tuple[date, date]:
    """The period to export: both given, one given, or by default the previous month.

    Only --from: up to today. Only --to: from the first day of that month.
    """
    if start is None:
        return previous_month(today) if end is None else (end.replace(day=1), end)
    return start, end or today


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--from",
    "start",
    metavar="YYYY-MM-DD",
    callback=_parse_date,
    help="First day reported (WIB). Default: the first day of last month.",
)
@click.option(
    "--to",
    "end",
    metavar="YYYY-MM-DD",
    callback=_parse_date,
    help="Last day reported, inclusive (WIB). Default: the last day of last month.",
)
@click.pass_obj
def export(obj: AppContext, file: Path, start: date | None, end: date | None) -> None:
    """Write the ticket log and its summary (Ringkasan) to FILE.xlsx, ready to print."""
    if file.suffix.lower() != ".xlsx":
        raise click.BadParameter("the file name must end in .xlsx", param_hint="FILE")
    if not file.parent.is_dir():
        raise click.BadParameter(f"folder {file.parent} does not exist", param_hint="FILE")
    start, end = resolve_period(start, end, today=today_wib())
    if start > end:
        raise click.BadParameter(f"--from {start} is after --to {end}", param_hint="--from")
    with Session(obj.reader) as session:
        report = export_log(session, obj.settings, file, start=start, end=end)
    click.echo(f"{report.rows} tickets reported {start} to {end} written to {report.path}")
