"""The exception tree of the helpdesk.

    HelpdeskError
    ├── ConfigError               a setting is missing, misspelled or wrong
    ├── MailboxError              the mailbox cannot be read or changed
    │   └── MailboxLoginError     the server refused our user name or password
    ├── MessageParseError         a message's bytes cannot be read as mail
    ├── DeliveryError             an answer could not be handed to the SMTP server
    ├── DatabaseUnavailableError  the database cannot answer now; retry later
    ├── TicketNotFoundError       a staff command names a ticket that does not exist
    ├── StaffActionError          a staff action cannot be done as asked (helpdesk/staff.py)
    ├── AccountError              a staff account cannot be added or changed (accounts.py)
    ├── RegistryImportError       an agency registry file has errors (helpdesk/registry.py)
    └── ReplayError               a quarantined message cannot be replayed (replay.py)

The last four live beside the code that raises them. The parsers' own errors
(parsers/: ArchiveError, UnreadableFileError, ...) never leave a step: they become an
attachment's verdict, or a MessageParseError at the edge. Messages say what a staff
member should do next.
"""

from __future__ import annotations


class HelpdeskError(Exception):
    """Root of every error the helpdesk raises on purpose.

    The message speaks to the command line (its commands and flags); `shown` may say the
    same in Indonesian for the staff pages, where there are none.
    """

    def __init__(self, message: str = "", *, shown: str = "") -> None:
        super().__init__(message)
        self.shown = shown or message


class ConfigError(HelpdeskError):
    """A setting is missing, misspelled or has a wrong value."""

    def __init__(self, message: str, *, key: str | None = None, path: str | None = None) -> None:
        where = f"{path}: " if path else ""
        what = f"[{key}] " if key else ""
        super().__init__(f"{where}{what}{message}")
        self.key = key
        self.path = path


class MailboxError(HelpdeskError, ConnectionError):
    """The mailbox could not be read or changed; the run retries after a pause."""


class MailboxLoginError(MailboxError):
    """The IMAP server refused the configured user or password."""


class MessageParseError(HelpdeskError, ValueError):
    """The bytes of one message could not be parsed as mail."""


class DeliveryError(HelpdeskError):
    """An answer could not be delivered; it stays in the outbox and is retried."""

    def __init__(self, message: str, *, code: int | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.permanent = permanent


class DatabaseUnavailableError(HelpdeskError, ConnectionError):
    """The database cannot answer now (restart, lost connection, lock): nothing about the
    message in hand was committed, so it stays unmarked and is handled on a later try."""


class TicketNotFoundError(HelpdeskError, LookupError):
    """No ticket has the reference a command named."""

    def __init__(self, ref: str) -> None:
        super().__init__(
            f"No ticket {ref}. Check the reference with `helpdesk tickets list`.",
            shown=f"Tiket {ref} tidak ditemukan. Periksa nomor tiketnya.",
        )
        self.ref = ref
