"""DECIDE step: does a problem report ask to move a stage's dates (schedule_change)?"""

from __future__ import annotations

from helpdesk.decision import Decision
from helpdesk.domain import Kind
from helpdesk.kind_rules import SCHEDULE_ASKS, SCHEDULE_STAYS, corrected
from helpdesk.readings import inspected_files, request_text
from helpdesk.settings import Settings
from parsers.types import ParsedMessage


def detect_schedule_change(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Set `schedule_change` for a problem report whose mail or form asks to move dates."""
    if decision.kind != Kind.PROBLEM_REPORT:
        return
    texts = [request_text(message), *_form_pages(message, decision, settings)]
    for text in map(corrected, texts):
        kept = SCHEDULE_STAYS.sub(" ", text)
        found = SCHEDULE_ASKS.search(kept)
        if found:
            decision.schedule_change = True
            words = " ".join(found.group(0).split())
            decision.because(f"schedule change: '{words}'", f"perubahan jadwal: «{words}»")
            return
    decision.because("no schedule change asked", "tidak meminta perubahan jadwal")


def _form_pages(message: ParsedMessage, decision: Decision, settings: Settings) -> list[str]:
    """Text of the valid problem forms: their 'Perubahan Jadwal: Ya/Tidak' answers too."""
    forms = {
        v.filename for v in decision.attachments if "problem_form" in v.documents and not v.problem
    }
    files = inspected_files(message, settings)
    return [page for item in files if item.filename in forms for page in item.pages]
