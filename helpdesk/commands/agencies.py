"""`helpdesk agencies`: import, export and list the agency registry (XLSX)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from sqlmodel import Session, col, select

from helpdesk import terminal
from helpdesk.commands.context import AppContext
from helpdesk.models import Agency
from helpdesk.registry import (
    ImportReport,
    RegistryImportError,
    agency_dict,
    export_registry,
    import_registry,
)


@click.group()
def agencies() -> None:
    """The agency registry: instansi, mail domains, Administrator Agency, Pokja."""


@agencies.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def agencies_import(obj: AppContext, file: Path) -> None:
    """Replace the registry with FILE.xlsx; with any row error nothing is imported."""
    with Session(obj.engine) as session:
        try:
            report = import_registry(session, file)
        except RegistryImportError as exc:
            for error in exc.errors:
                click.echo(str(error), err=True)
            raise click.ClickException(exc.shown) from exc  # in the rows' language
        session.commit()
    click.echo(_summary(report))


def _summary(report: ImportReport) -> str:
    lines = [
        f"{len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed"
    ]
    if report.linked:
        lines.append("Open tickets now linked to their agency: " + ", ".join(report.linked))
    if report.kept:
        lines.append(
            "Kept, because tickets refer to them (not in the file): " + ", ".join(report.kept)
        )
    return "\n".join(lines)


@agencies.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.pass_obj
def agencies_export(obj: AppContext, file: Path) -> None:
    """Write the registry to FILE.xlsx, in the layout `agencies import` reads."""
    with Session(obj.engine) as session:
        count = export_registry(session, file)
    click.echo(f"{count} agencies written to {file}")


@agencies.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def agencies_list(obj: AppContext, as_json: bool) -> None:
    """List the registry: instansi, domains, Administrator Agency address, Pokja count."""
    with Session(obj.engine) as session:
        rows = session.exec(select(Agency).order_by(col(Agency.name))).all()
    if as_json:
        click.echo(json.dumps([agency_dict(a) for a in rows], ensure_ascii=False, indent=2))
        return
    table = [
        (
            a.name,
            ", ".join(json.loads(a.domains)),
            a.admin_email,
            len(json.loads(a.pokja_contacts)),
        )
        for a in rows
    ]
    headers = ("Instansi", "Domain", "Email Admin Agency", "Pokja")
    click.echo(terminal.table(headers, table, empty="Belum ada instansi terdaftar."))
