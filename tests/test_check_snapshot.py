"""`helpdesk check --json` on both sample corpora prints what it printed before the
restructuring of issue 11 (tests/snapshots/check-json.json was written by the CLI then).

A change of what the bot decides shows here as a diff of the exact CLI output; when such
a change is meant, write the snapshot anew with `.venv/bin/python tests/test_check_snapshot.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = Path(__file__).parent / "snapshots" / "check-json.json"
CORPORA = ("tests/samples", "tests/corpus2", "tests/corpus3")


def corpus_files() -> list[str]:
    return [str(p.relative_to(ROOT)) for c in CORPORA for p in sorted((ROOT / c).glob("*.eml"))]


def check_json(relative: str) -> str:
    """What `helpdesk check FILE --json` prints, on built-in defaults (no settings.toml)."""
    from helpdesk.cli import cli

    result = CliRunner().invoke(cli, ["check", str(ROOT / relative), "--json"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_snapshot_covers_every_corpus() -> None:
    assert sorted(json.loads(SNAPSHOT.read_text())) == sorted(corpus_files())


@pytest.mark.parametrize("relative", corpus_files())
def test_check_json_is_unchanged(
    relative: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no settings.toml here: the defaults, as in the snapshot
    monkeypatch.delenv("HELPDESK_SETTINGS", raising=False)
    assert check_json(relative) == json.loads(SNAPSHOT.read_text())[relative]


if __name__ == "__main__":  # write the snapshot anew (only when a change of decision is meant)
    import os
    import tempfile

    os.chdir(tempfile.mkdtemp())  # away from any settings.toml: the defaults
    os.environ.pop("HELPDESK_SETTINGS", None)
    snapshot = {name: check_json(name) for name in corpus_files()}
    SNAPSHOT.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
