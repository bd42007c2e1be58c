"""Settings: a wrong or misspelled key stops the bot with the key and the file named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk.errors import ConfigError
from helpdesk.settings import load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_settings_file_loads() -> None:
    settings = load_settings(Path(__file__).parent.parent / "settings.toml")
    assert settings.helpdesk.ticket_prefix == "HD"
    assert settings.database_url.endswith("data/helpdesk.sqlite3")


def test_misspelled_key_names_key_and_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[imap]\nhots = "mail.example"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "imap.hots" in str(caught.value)
    assert str(path) in str(caught.value)


def test_wrong_value_names_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[smtp]\nsecurity = "tls"\n')
    with pytest.raises(ConfigError, match=r"smtp\.security"):
        load_settings(path)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_passwords_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_IMAP_PASSWORD", "from-env")
    monkeypatch.setenv("HELPDESK_SETTINGS", str(write(tmp_path, '[imap]\npassword = "file"\n')))
    assert load_settings().imap.password == "from-env"


def test_relative_paths_follow_the_settings_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[helpdesk]\ndata_dir = "store"\n'))
    assert settings.helpdesk.data_dir == tmp_path / "store"


def test_cli_exits_2_on_bad_settings(tmp_path: Path) -> None:
    path = write(tmp_path, "[helpdesk]\nticket_prefix = 5\n")
    result = subprocess.run(
        [sys.executable, "-m", "helpdesk", "--settings", str(path), "tickets", "list"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "helpdesk.ticket_prefix" in result.stderr
