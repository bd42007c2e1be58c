"""DECIDE step: flag messages that carry a user id and password (schedule-change forms do)."""

from __future__ import annotations

from helpdesk.decision import Decision
from helpdesk.readings import inspected_files
from helpdesk.settings import Settings
from parsers.fields import has_credentials
from parsers.types import ParsedMessage


def detect_credentials(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Set `holds_credentials`; the reason names where, never the password itself."""
    if decision.automatic:
        return
    # The whole body: a password quoted in the reply history is on the page all the same.
    in_body = has_credentials(f"{message.subject}\n{message.body_text}")
    files = [
        repr(item.filename)
        for item in inspected_files(message, settings)
        if item.valid and any(has_credentials(page) for page in item.pages)
    ]
    if in_body or files:
        decision.holds_credentials = True
        places = ["the mail body"] * in_body + files
        shown = ["isi pesan"] * in_body + files
        decision.because(
            f"holds credentials (a password) in {', '.join(places)}: mask when shown",
            f"berisi kredensial (kata sandi) di {', '.join(shown)}: disamarkan saat ditampilkan",
        )
