"""DECIDE step: mail our receiving server judged spam gets a ticket in the Spam view and
no answer; the evidence is in helpdesk/automatic.py (spam_evidence)."""

from __future__ import annotations

from helpdesk.automatic import spam_evidence
from helpdesk.decision import Decision
from helpdesk.settings import Settings
from parsers.types import ParsedMessage


def note_spam(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Set `decision.spam` to the evidence when the receiving server said spam."""
    if decision.automatic:
        return
    evidence = spam_evidence(message, settings)
    if evidence:
        decision.spam = evidence
        decision.because(
            f"spam ({evidence}): a ticket in the Spam view, never answered",
            f"spam ({evidence}): tiket di tampilan Spam, tidak dijawab",
        )
