"""Typed settings, loaded once from `settings.toml` and passed explicitly.

`load_settings(path)` validates every key; a missing, misspelled or wrong key raises
ConfigError naming the key and the file.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from helpdesk.errors import ConfigError

DEFAULT_SETTINGS_FILE = "settings.toml"
Security = Literal["none", "starttls", "ssl"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HelpdeskSection(_Section):
    address: str = "lpse@karawangkab.go.id"
    name: str = "Helpdesk LPSE Kabupaten Karawang"
    ticket_prefix: str = Field(default="HD", pattern=r"^[A-Z][A-Z0-9]{0,9}$")
    data_dir: Path = Path("data")
    # Domain of our own Message-IDs; empty means the domain of `address`.
    message_id_domain: str = ""
    # Mail that reached the mailbox before this moment becomes a ticket without an answer.
    answer_mail_since: datetime | None = None
    # Largest attachment (bytes) we inspect and accept.
    max_attachment_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    # Secret for the signature in our Message-IDs; empty: generated once in data_dir.
    secret: str = ""
    # The authserv-id our receiving server writes in Authentication-Results; only its
    # topmost such header is read. Empty: none is trusted and no sender is verified.
    authserv_id: str = ""
    # Where staff alerts go (a message set aside after failing repeatedly); empty: the
    # alert is the flagged ticket in the queue and an ERROR line in the log.
    staff_address: str = ""

    @field_validator("address")
    @classmethod
    def _address_has_domain(cls, value: str) -> str:
        if "@" not in value or value.startswith("@") or value.endswith("@"):
            raise ValueError("must be an e-mail address such as lpse@karawangkab.go.id")
        return value.lower()

    @property
    def own_domain(self) -> str:
        return self.message_id_domain or self.address.rsplit("@", 1)[1]


class MailboxSection(_Section):
    source: Literal["imap", "maildir"] = "maildir"
    path: Path = Path("data/maildir")


class ImapSection(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=143, gt=0, lt=65536)
    security: Security = "starttls"
    user: str = ""
    password: str = ""
    folder: str = "INBOX"
    processed_folder: str = ""
    quarantine_folder: str = ""
    # Seconds between full re-sweeps of the folder, a safety net beside IDLE: the longest
    # a message waits if the server's IDLE notification is ever missed.
    sweep_interval: float = Field(default=60.0, gt=0)
    # Poll interval when the server has no IDLE.
    poll_interval: float = Field(default=30.0, gt=0)
    timeout: float = Field(default=60.0, gt=0)
    # The longest a connection that died silently (a NAT or firewall dropped it) goes
    # unnoticed: IDLE is renewed, and TCP keepalive probes sent, within this many seconds.
    keepalive: float = Field(default=300.0, gt=0)


class SmtpSection(_Section):
    transport: Literal["smtp", "file"] = "file"
    host: str = "127.0.0.1"
    port: int = Field(default=25, gt=0, lt=65536)
    security: Security = "none"
    user: str = ""
    password: str = ""
    dir: Path = Path("data/outbox")
    timeout: float = Field(default=60.0, gt=0)
    # Envelope sender of our answers: a bounce address that never answers.
    envelope_from: str = ""
    # A failed answer is retried with backoff for at least this long.
    retry_hours: float = Field(default=48.0, ge=24.0)


# Working hours (8 a day with the default office hours): 24.0 is three working days.
_RESOLUTION_HOURS = {
    "forensic_test": 24.0,
    "problem_report": 8.0,
    "password_reset": 8.0,
    "admin_replacement": 24.0,
    "additional_admin": 24.0,
    "join_request": 40.0,
    "data_request": 24.0,
    "sub_agency": 8.0,
    "other": 24.0,
}


class SlaSection(_Section):
    # Every SLA hour is a working hour (helpdesk.working_time): the office's days and
    # hours in WIB, minus national holidays, cuti bersama and the extra closed days.
    office_days: list[str] = Field(
        default_factory=lambda: ["Senin", "Selasa", "Rabu", "Kamis", "Jumat"], min_length=1
    )
    office_hours: str = "08.00-16.00"
    # Days the office is shut beyond the national calendar (e.g. a regency holiday).
    closed_days: list[date] = Field(default_factory=list)
    # Indonesia's national holidays and cuti bersama count as closed days.
    national_holidays: bool = True
    # Working hours from a request to the first answer a person would expect (the bot's
    # own answer counts); later than this the ticket is overdue for a first answer.
    first_answer_hours: float = Field(default=4.0, gt=0)
    # Working hours from a request to its resolution, per kind; past it, overdue.
    resolution_hours: dict[str, float] = Field(default_factory=lambda: dict(_RESOLUTION_HOURS))
    # When and where bimtek for new administrators takes place, quoted in answers.
    bimtek_schedule: str = ""

    @field_validator("office_days")
    @classmethod
    def _known_days(cls, value: list[str]) -> list[str]:
        from helpdesk.working_time import DAY_NAMES, day_key

        unknown = [day for day in value if day_key(day) not in DAY_NAMES]
        if unknown:
            raise ValueError(
                f"unknown day(s) {', '.join(unknown)}; days are Senin, Selasa, Rabu, Kamis, "
                "Jumat, Sabtu, Minggu"
            )
        return value

    @field_validator("office_hours")
    @classmethod
    def _hours_read(cls, value: str) -> str:
        from helpdesk.working_time import parse_office_hours

        parse_office_hours(value)
        return value

    @field_validator("resolution_hours")
    @classmethod
    def _known_kinds(cls, value: dict[str, float]) -> dict[str, float]:
        from helpdesk.requirements import KINDS

        unknown = sorted(set(value) - set(KINDS))
        if unknown:
            raise ValueError(f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}")
        if any(hours <= 0 for hours in value.values()):
            raise ValueError("hours must be positive")
        return {**_RESOLUTION_HOURS, **value}


class LimitsSection(_Section):
    # The most answers the bot sends one address in an hour and in a day: a robot that
    # no header check recognises still cannot draw more than this out of us.
    answers_per_hour: int = Field(default=10, ge=1)
    answers_per_day: int = Field(default=30, ge=1)
    # Failed tries at one message (a step raising, the bot dying on it) before it is set
    # aside for staff, so the mail behind it is not held up.
    attempts: int = Field(default=3, ge=1, le=20)


class OcrSection(_Section):
    # Read scans and photos with Tesseract (when it is installed); false: by name only.
    enabled: bool = True
    # Bounds on one message's OCR; `check` says when one of them cut the reading short.
    pages_per_message: int = Field(default=8, ge=1, le=100)
    seconds_per_message: float = Field(default=90.0, gt=0)
    # A larger image is scaled down to this many pixels before it is read.
    max_pixels: int = Field(default=12_000_000, ge=1_000_000, le=100_000_000)


class DatabaseSection(_Section):
    url: str = ""


class WebSection(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8025, gt=0, lt=65536)
    # Signs session cookies; empty: generated once into data_dir/web_secret.key.
    secret_key: str = ""
    # Served over HTTPS (behind nginx): session cookies are marked Secure.
    https: bool = False
    # Hours a login lasts before the officer must log in again.
    session_hours: float = Field(default=10.0, gt=0, le=24 * 31)
    # Minutes without opening a page after which the officer must log in again.
    idle_minutes: float = Field(default=60.0, gt=0, le=24 * 60)

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if value and len(value) < 32:
            raise ValueError(
                "must be at least 32 characters (or empty: one is generated into data_dir)"
            )
        return value


class Settings(_Section):
    helpdesk: HelpdeskSection = HelpdeskSection()
    mailbox: MailboxSection = MailboxSection()
    imap: ImapSection = ImapSection()
    smtp: SmtpSection = SmtpSection()
    database: DatabaseSection = DatabaseSection()
    sla: SlaSection = SlaSection()
    limits: LimitsSection = LimitsSection()
    ocr: OcrSection = OcrSection()
    web: WebSection = WebSection()
    source_path: str = Field(default="", exclude=True)

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.helpdesk.data_dir / 'helpdesk.sqlite3'}"


def _key_of(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def settings_from_dict(raw: dict[str, object], *, path: str = "<settings>") -> Settings:
    """Validate a parsed TOML mapping; relative paths are taken from the file's folder."""
    try:
        settings = Settings.model_validate({**raw, "source_path": path})
    except ValidationError as exc:
        first = exc.errors()[0]
        key = _key_of(first["loc"])
        if first["type"] == "extra_forbidden":
            raise ConfigError("unknown key (misspelled?)", key=key, path=path) from exc
        raise ConfigError(first["msg"], key=key, path=path) from exc
    return _resolve_paths(settings, Path(path).parent if path != "<settings>" else Path.cwd())


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    def absolute(p: Path) -> Path:
        return p if p.is_absolute() else (base / p)

    return settings.model_copy(
        update={
            "helpdesk": settings.helpdesk.model_copy(
                update={"data_dir": absolute(settings.helpdesk.data_dir)}
            ),
            "mailbox": settings.mailbox.model_copy(
                update={"path": absolute(settings.mailbox.path)}
            ),
            "smtp": settings.smtp.model_copy(update={"dir": absolute(settings.smtp.dir)}),
        }
    )


def load_settings(path: str | Path | None = None) -> Settings:
    """Read settings from `path`, $HELPDESK_SETTINGS, or ./settings.toml, in that order.

    HELPDESK_IMAP_PASSWORD and HELPDESK_SMTP_PASSWORD override the file's passwords.
    """
    chosen = Path(path or os.environ.get("HELPDESK_SETTINGS") or DEFAULT_SETTINGS_FILE)
    try:
        raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            "settings file not found; copy settings.toml or set HELPDESK_SETTINGS",
            path=str(chosen),
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(chosen)) from exc
    for section, variable in (
        ("imap", "HELPDESK_IMAP_PASSWORD"),
        ("smtp", "HELPDESK_SMTP_PASSWORD"),
    ):
        if os.environ.get(variable):
            table = raw.setdefault(section, {})
            if isinstance(table, dict):
                table["password"] = os.environ[variable]
    return settings_from_dict(raw, path=str(chosen.resolve()))
