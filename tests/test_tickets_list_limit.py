"""`tickets list` shows the first 200 tickets of a long queue and says how many it left out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import insert
from sqlmodel import Session

from helpdesk.cli import cli
from helpdesk.commands.tickets import LIST_LIMIT
from helpdesk.database import open_database
from helpdesk.models import Ticket

TICKETS = LIST_LIMIT + 5


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text('[helpdesk]\ndata_dir = "data"\n', encoding="utf-8")
    engine = open_database(f"sqlite:///{tmp_path / 'data' / 'helpdesk.sqlite3'}")
    start = datetime(2026, 3, 2, tzinfo=UTC)
    rows = [
        {
            "ref": f"HD-2026-{n:05d}",
            "kind": "forensic_test" if n % 2 else "other",
            "status": "new",
            "requester_address": f"pokja{n}@karawangkab.go.id",
            "subject": f"Permohonan {n}",
            "created_at": start + timedelta(minutes=n),
            "updated_at": start + timedelta(minutes=n),
        }
        for n in range(1, TICKETS + 1)
    ]
    with Session(engine) as session:
        session.execute(insert(Ticket), rows)
        session.commit()
    engine.dispose()
    return path


def tickets_list(settings_file: Path, *args: str) -> tuple[str, str]:
    result = CliRunner().invoke(cli, ["--settings", str(settings_file), "tickets", "list", *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_a_long_queue_shows_the_oldest_200_and_counts_the_rest(settings_file: Path) -> None:
    out, _ = tickets_list(settings_file)
    refs = [line.split()[0] for line in out.splitlines() if line.startswith("HD-")]
    assert refs == [f"HD-2026-{n:05d}" for n in range(1, LIST_LIMIT + 1)]
    assert f"dan {TICKETS - LIST_LIMIT} tiket lagi" in out


def test_limit_zero_shows_every_ticket(settings_file: Path) -> None:
    out, _ = tickets_list(settings_file, "--limit", "0")
    assert len([line for line in out.splitlines() if line.startswith("HD-")]) == TICKETS
    assert "tiket lagi" not in out


def test_a_filtered_queue_within_the_limit_has_no_note(settings_file: Path) -> None:
    out, _ = tickets_list(settings_file, "--kind", "forensic_test", "--limit", "150")
    assert len([line for line in out.splitlines() if line.startswith("HD-")]) == 103
    assert "tiket lagi" not in out


def test_json_stays_one_array_and_the_note_goes_to_stderr(settings_file: Path) -> None:
    out, err = tickets_list(settings_file, "--json")
    assert len(json.loads(out)) == LIST_LIMIT
    assert f"dan {TICKETS - LIST_LIMIT} tiket lagi" in err
