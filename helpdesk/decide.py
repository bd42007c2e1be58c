"""DECIDE: raw mail to a typed Decision. Reads only: no database, no network, no files.

The order of the steps is the order below; each step fills part of the Decision and
says why in `decision.reasons`. After `skip_automatic` marks a message automatic, the
other steps leave it alone (but `note_bounce`, which reads DSNs of our answers).
Before any step, control headers that only we may set are dropped from outside mail.
"""

from __future__ import annotations

from collections.abc import Callable

from helpdesk.automatic import foreign_control_headers, strip_control_headers
from helpdesk.decision import Decision
from helpdesk.settings import Settings
from helpdesk.steps.check_documents import check_documents
from helpdesk.steps.classify_kind import classify_kind
from helpdesk.steps.detect_credentials import detect_credentials
from helpdesk.steps.detect_schedule_change import detect_schedule_change
from helpdesk.steps.extract_fields import extract_fields
from helpdesk.steps.find_ticket_ref import find_ticket_ref
from helpdesk.steps.inspect_attachments import inspect_attachments
from helpdesk.steps.note_bounce import note_bounce
from helpdesk.steps.skip_automatic import skip_automatic
from helpdesk.steps.verify_sender import verify_sender
from parsers.message import parse_message
from parsers.text import assert_defused_xml
from parsers.types import ParsedMessage

# Refuse to decide anything if spreadsheets would be parsed without defusedxml (XML bombs).
assert_defused_xml()

Step = Callable[[ParsedMessage, Decision, Settings], None]

DECIDE: tuple[Step, ...] = (
    skip_automatic,
    find_ticket_ref,
    note_bounce,
    verify_sender,
    inspect_attachments,
    classify_kind,
    detect_schedule_change,
    check_documents,
    extract_fields,
    detect_credentials,
)


def decide(message: ParsedMessage, settings: Settings) -> Decision:
    """Run every DECIDE step over `message`; the result is what `helpdesk check` prints."""
    decision = Decision()
    screened = strip_control_headers(message, settings)
    for name in foreign_control_headers(message, screened):
        decision.because(f"ignored header {name}: only our own answers may carry it")
    for step in DECIDE:
        step(screened, decision, settings)
    return decision


def check_bytes(raw: bytes, settings: Settings) -> Decision:
    """Parse raw message bytes and decide; raises MessageParseError for non-mail."""
    return decide(parse_message(raw), settings)
