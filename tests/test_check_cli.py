"""`helpdesk check` on what is not quite mail: a JSON answer for bytes it cannot read,
and the obsolete header syntax of RFC 5322 section 4 read like the modern one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpdesk.cli import cli


@pytest.fixture(autouse=True)
def no_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HELPDESK_SETTINGS", raising=False)


def check_json(tmp_path: Path, raw: bytes) -> tuple[int, dict[str, object]]:
    path = tmp_path / "message.eml"
    path.write_bytes(raw)
    result = CliRunner().invoke(cli, ["check", str(path), "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_bytes_that_are_not_mail_get_a_json_answer_saying_what_staff_will_see(
    tmp_path: Path,
) -> None:
    code, answer = check_json(tmp_path, b"this is not mail at all \x00\x01")
    assert code == 1
    assert answer["readable"] is False and "cannot be parsed" in str(answer["problem"])
    assert str(answer["staff_note"]).startswith("Pesan ini tidak dapat diproses otomatis")


def test_obsolete_header_syntax_is_read(tmp_path: Path) -> None:
    raw = (
        b"From  : Budi <budi@dinkes.karawangkab.go.id>\r\nTo: lpse@karawangkab.go.id\r\n"
        b"Subject : Permohonan uji forensik tender 10283561\r\nMessage-ID: <o@dinkes.id>\r\n"
        b"\r\nMohon uji forensik file RHS.\r\n"
    )
    code, answer = check_json(tmp_path, raw)
    assert code == 0 and answer["kind"] == "forensic_test"
    assert answer["fields"] == {"kode_tender": "10283561"}
