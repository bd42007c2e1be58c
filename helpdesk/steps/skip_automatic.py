"""DECIDE step: recognise machine mail (bounces, auto-replies, lists, our own answers).

The evidence itself lives in helpdesk/automatic.py; tests/test_automatic.py is its matrix.
"""

from __future__ import annotations

from helpdesk.automatic import header_evidence, is_own_message_id, sender_evidence
from helpdesk.decision import Decision
from helpdesk.domain import Kind
from helpdesk.settings import Settings
from parsers.types import ParsedMessage

__all__ = ["is_own_message_id", "skip_automatic"]


def skip_automatic(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Mark the message `automatic` when any header, part or sender says a machine sent it."""
    evidence = header_evidence(message) or sender_evidence(message, settings)
    if evidence:
        decision.kind = Kind.AUTOMATIC
        decision.because(
            f"automatic: {evidence}; no ticket and no answer",
            f"pesan otomatis ({evidence}): tanpa tiket dan tanpa jawaban",
        )
