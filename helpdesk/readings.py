"""What several DECIDE steps read: the inspected files and the request text of a message.

Both are pure functions of the message; a small memo lets the steps share one inspection
instead of opening every PDF three times.
"""

from __future__ import annotations

from functools import lru_cache

from parsers.attachments import InspectedFile, inspect_attachments
from parsers.quoting import BodyParts, is_forward, is_reply, split_body, strip_subject
from parsers.types import ParsedMessage


@lru_cache(maxsize=4)
def inspected_files(message: ParsedMessage, max_bytes: int) -> tuple[InspectedFile, ...]:
    """Every attached file and archive member, inspected once per message."""
    return tuple(inspect_attachments(message.attachments, max_bytes=max_bytes))


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


def file_texts(message: ParsedMessage, max_bytes: int) -> list[str]:
    """The text pages of every valid attached file, in attachment order."""
    return [
        page for item in inspected_files(message, max_bytes) if item.valid for page in item.pages
    ]
