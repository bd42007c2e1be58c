"""What several DECIDE steps read: the inspected files and the request text of a message.

Both are pure functions of the message; a small memo lets the steps share one inspection
instead of opening every PDF three times.
"""

from __future__ import annotations

from functools import lru_cache

from helpdesk.settings import Settings
from parsers.attachments import InspectedFile, inspect_attachments
from parsers.ocr import Ocr, OcrLimits
from parsers.quoting import BodyParts, is_forward, is_reply, split_body, strip_subject
from parsers.types import ParsedMessage


def inspected_files(message: ParsedMessage, settings: Settings) -> tuple[InspectedFile, ...]:
    """Every attached file and archive member, inspected (scans read) once per message."""
    return _inspected(message, settings.helpdesk.max_attachment_bytes, ocr_of(settings))


def ocr_of(settings: Settings) -> Ocr | None:
    """How this helpdesk reads scans ([ocr]), its text cached under data_dir/ocr."""
    section = settings.ocr
    if not section.enabled:
        return None
    limits = OcrLimits(
        pages=section.pages_per_message,
        pixels=section.max_pixels,
        seconds=section.seconds_per_message,
        page_seconds=min(section.seconds_per_message, 30.0),
    )
    # Only beside an existing data folder: `check` in any folder leaves nothing behind.
    data_dir = settings.helpdesk.data_dir
    return Ocr(cache_dir=data_dir / "ocr" if data_dir.is_dir() else None, limits=limits)


@lru_cache(maxsize=4)
def _inspected(
    message: ParsedMessage, max_bytes: int, ocr: Ocr | None
) -> tuple[InspectedFile, ...]:
    return tuple(inspect_attachments(message.attachments, max_bytes=max_bytes, ocr=ocr))


@lru_cache(maxsize=8)
def body_parts(message: ParsedMessage) -> BodyParts:
    """The body split into the sender's words, a forwarded request and reply history."""
    return split_body(message.body_text, forward=is_forward(message.subject))


def request_text(message: ParsedMessage) -> str:
    """Subject without prefixes, then the body without reply history (forwards kept)."""
    return f"{strip_subject(message.subject)}\n{body_parts(message).request}"


def answers_a_thread(message: ParsedMessage) -> bool:
    """A reply ("Re:", "BLS:") that quotes history: its subject is the thread's old one."""
    return is_reply(message.subject) and bool(body_parts(message).quoted)


def file_texts(message: ParsedMessage, settings: Settings) -> list[str]:
    """The text pages (OCR's too) of every valid attached file, in attachment order."""
    return [
        page for item in inspected_files(message, settings) if item.valid for page in item.pages
    ]
