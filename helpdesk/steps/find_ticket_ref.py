"""DECIDE step: the ticket a follow-up names, from its subject or its references."""

from __future__ import annotations

import re

from helpdesk.decision import Decision
from helpdesk.settings import Settings
from helpdesk.steps.skip_automatic import is_own_message_id
from parsers.types import ParsedMessage


def find_ticket_ref(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Set `ticket_ref` ("HD-2026-00042") from the subject, else In-Reply-To/References."""
    if decision.automatic:
        return
    pattern = re.compile(
        rf"\b{re.escape(settings.helpdesk.ticket_prefix)}-\d{{4}}-\d{{3,6}}\b", re.I
    )
    found = pattern.search(message.subject)
    if found:
        decision.ticket_ref = found.group(0).upper()
        decision.because(
            f"follow-up of {decision.ticket_ref}: named in the subject",
            f"tindak lanjut {decision.ticket_ref}: disebut di perihal",
        )
        return
    # Only our own Message-IDs carry a ticket; a ref inside someone else's id means nothing.
    for reference in (message.in_reply_to, *reversed(message.references)):
        if reference and is_own_message_id(reference, settings):
            match = pattern.match(reference)
            if match:
                decision.ticket_ref = match.group(0).upper()
                decision.because(
                    f"follow-up of {decision.ticket_ref}: it answers our message",
                    f"tindak lanjut {decision.ticket_ref}: membalas pesan kami",
                )
                return
