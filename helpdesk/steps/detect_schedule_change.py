"""DECIDE step: does a problem report ask to move a stage's dates (schedule_change)?"""

from __future__ import annotations

import re
from typing import Final

from helpdesk.decision import Decision
from helpdesk.settings import Settings
from helpdesk.steps._shared import inspected_files, request_text
from parsers.types import ParsedMessage

_CHANGE: Final = (
    r"(ubah|rubah|merubah|mengubah|perubahan|ganti|penggantian|mundur|memundurkan|pengunduran"
    r"|undur|perpanjang|perpanjangan|memperpanjang|adendum|addendum|geser|pergeseran|revisi)"
)
_WHEN: Final = r"(jadwal|tahapan|waktu|jdwl)"
# Sayings that the schedule stays, removed before looking for a change.
_STAYS: Final = re.compile(
    rf"(tidak|tdk|tanpa|bukan|belum)\s+(ada\s+|perlu\s+|memerlukan\s+|untuk\s+)?{_CHANGE}\s+{_WHEN}"
    rf"|{_WHEN}\s+(\w+\s+){{0,3}}?(tidak|tdk)\s+(ada\s+|perlu\s+|akan\s+)?(di)?{_CHANGE}"
    rf"|{_WHEN}\s+(\w+\s+){{0,3}}?tetap\b|perubahan\s+jadwal\s*[:\t]+\s*(tidak|no|-)\b",
    re.I,
)
_ASKS: Final = re.compile(
    rf"{_CHANGE}\s+(\w+\s+){{0,2}}?{_WHEN}|{_WHEN}\s+(\w+\s+){{0,3}}?"
    rf"(diundur|dimundurkan|diperpanjang|diubah|dirubah|digeser|disesuaikan)"
    rf"|perubahan\s+jadwal\s*[:\t]+\s*(ya|yes)\b|ubah\s+tahapan",
    re.I,
)


def detect_schedule_change(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Set `schedule_change` for a problem report whose mail or form asks to move dates."""
    if decision.kind != "problem_report":
        return
    texts = [request_text(message), *_form_pages(message, decision, settings)]
    for text in texts:
        kept = _STAYS.sub(" ", text)
        found = _ASKS.search(kept)
        if found:
            decision.schedule_change = True
            decision.because(f"schedule change: '{' '.join(found.group(0).split())}'")
            return
    decision.because("no schedule change asked")


def _form_pages(message: ParsedMessage, decision: Decision, settings: Settings) -> list[str]:
    """Text of the valid problem forms: their 'Perubahan Jadwal: Ya/Tidak' answers too."""
    forms = {
        v.filename for v in decision.attachments if "problem_form" in v.documents and not v.problem
    }
    files = inspected_files(message, settings.helpdesk.max_attachment_bytes)
    return [page for item in files if item.filename in forms for page in item.pages]
