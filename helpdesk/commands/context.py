"""What every command is handed: the settings and the database, opened when first used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

import click
from sqlalchemy.engine import Engine

from helpdesk.database import create_db_engine, open_database
from helpdesk.settings import Settings, load_settings


class AppContext(Protocol):
    """What commands use of the CLI's context object (tests hand in their own)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def engine(self) -> Engine: ...

    @property
    def reader(self) -> Engine:
        """For commands that only read: they never wait for, or block, the bot's writes."""
        ...


class CliContext:
    """The `helpdesk` command's context object: nothing is read or opened until asked."""

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
            settings = self.settings
            self._engine = open_database(
                settings.database_url, data_dir=settings.helpdesk.data_dir, sla=settings.sla
            )
        return self._engine

    @property
    def reader(self) -> Engine:
        """For commands that only read: they never wait for, or block, the bot's writes."""
        if self._reader is None:
            self.engine  # noqa: B018  (opening it first brings the schema up to date)
            self._reader = create_db_engine(self.settings.database_url, read_only=True)
        return self._reader

    def has_settings_file(self) -> bool:
        return bool(self.settings_path) or Path("settings.toml").exists()

    def settings_or_defaults(self) -> Settings:
        """Read-only commands work without a settings file, on built-in defaults."""
        return self.settings if self.has_settings_file() else Settings()


pass_cli = click.make_pass_decorator(CliContext)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
