"""DECIDE step, the first: drop the control headers only our own answers may carry.

A stranger's copy of our loop header must neither mark their mail as ours nor steer it,
so every later step reads the message without it. Which headers, and when they are ours
to keep, is in helpdesk/automatic.py.
"""

from __future__ import annotations

from helpdesk.automatic import foreign_control_headers, without_control_headers
from helpdesk.decision import Decision
from helpdesk.settings import Settings
from parsers.types import ParsedMessage


def strip_control_headers(
    message: ParsedMessage, decision: Decision, settings: Settings
) -> ParsedMessage:
    """The message the later steps read: `message` without headers only we may set."""
    screened = without_control_headers(message, settings)
    for name in foreign_control_headers(message, screened):
        decision.because(
            f"ignored header {name}: only our own answers may carry it",
            f"header {name} diabaikan: hanya jawaban kami sendiri yang boleh memuatnya",
        )
    return screened
