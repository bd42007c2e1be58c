"""`helpdesk demo`: the bot's whole job on shipped sample mail, with no server.

Sample requests are delivered into a local Maildir, the worker handles them exactly
as `helpdesk run --once` would, and the answers are written as .eml files.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from sqlmodel import Session

from helpdesk.database import open_database
from helpdesk.mailbox.maildir import deliver
from helpdesk.models import utcnow
from helpdesk.runner import Worker
from helpdesk.settings import Settings, load_settings
from helpdesk.terminal import queue_rows, ticket_table
from helpdesk.tickets import list_tickets

_MARKER = ".helpdesk-demo"


def demo_settings(folder: Path) -> Settings:
    """Built-in defaults, with every path inside the demo folder (kept as settings.toml)."""
    path = folder / "settings.toml"
    path.write_text(
        "# Written by `helpdesk demo`: built-in defaults, every path inside this folder.\n"
        '[helpdesk]\ndata_dir = "data"\n'
        '[mailbox]\nsource = "maildir"\npath = "maildir"\n'
        '[smtp]\ntransport = "file"\ndir = "answers"\n',
        encoding="utf-8",
    )
    return load_settings(path)


def _fresh_folder(folder: Path) -> None:
    if folder.exists():
        if not (folder / _MARKER).exists():
            raise FileExistsError(
                f"{folder} exists and is not a demo folder; nothing was changed. "
                "Choose another --dir."
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / _MARKER).write_text("made by `helpdesk demo`; safe to delete\n")


def run_demo(folder: Path) -> str:
    """Run the demo in `folder` (recreated each time); returns the report to print."""
    folder = folder.resolve()
    _fresh_folder(folder)
    settings = demo_settings(folder)
    samples = sorted(
        (
            p
            for p in resources.files("helpdesk").joinpath("demo_samples").iterdir()
            if p.name.endswith(".eml")
        ),
        key=lambda p: p.name,
    )
    for sample in samples:
        deliver(settings.mailbox.path, sample.read_bytes())
    engine = open_database(settings.database_url, sla=settings.sla)
    worker = Worker(settings, engine)
    try:
        report = worker.run_once()
    finally:
        worker.close()
    with Session(engine) as session:
        queue = ticket_table(
            queue_rows(session, list_tickets(session), sla=settings.sla, now=utcnow())
        )
    answers = sorted(settings.smtp.dir.glob("*.eml"))
    return "\n".join(
        [
            f"Demo: {len(samples)} sample messages delivered to {settings.mailbox.path}",
            f"Handled {report.fetched} messages: "
            + ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items())),
            "",
            "Antrian tiket (ticket queue):",
            queue,
            "",
            f"{len(answers)} answers written as .eml files in {settings.smtp.dir}",
            f"  for example: {answers[0]}" if answers else "",
            f"Database: {settings.database_url}",
            f"Explore: helpdesk --settings {folder / 'settings.toml'} tickets list",
        ]
    )
