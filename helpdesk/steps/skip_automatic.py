"""DECIDE step: recognise machine mail (bounces, auto-replies, lists, our own answers)."""

from __future__ import annotations

import re

from helpdesk.decision import Decision
from helpdesk.settings import Settings
from parsers.types import ParsedMessage

LOOP_HEADER = "x-lpse-helpdesk"
_BULK = frozenset({"bulk", "junk", "list", "auto_reply", "auto-reply"})
_LIST_HEADERS = ("list-id", "list-unsubscribe", "list-post")
_AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-auto-response-suppress", "x-failed-recipients")
_REPORT_TYPES = frozenset(
    {"multipart/report", "message/delivery-status", "message/disposition-notification"}
)
_MACHINE_SUBJECT = re.compile(
    r"^\s*(automatic\s+reply|auto(matic)?[- ]?(reply|response)|out\s+of\s+(the\s+)?office"
    r"|balasan\s+otomatis|pesan\s+otomatis|jawaban\s+otomatis|undeliverable|undelivered\s+mail"
    r"|delivery\s+status\s+notification|mail\s+delivery\s+(failed|failure)"
    r"|returned\s+mail|tidak\s+terkirim)\b",
    re.I,
)
_MACHINE_SENDER = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?|auto-?reply)([+\-.].*)?@", re.I
)


def skip_automatic(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Mark the message `automatic` when any header, part or sender says a machine sent it."""
    evidence = _header_evidence(message) or _sender_evidence(message, settings)
    if evidence:
        decision.kind = "automatic"
        decision.because(f"automatic: {evidence}; no ticket and no answer")


def _header_evidence(message: ParsedMessage) -> str | None:
    auto = (message.header("auto-submitted") or "").strip().lower()
    if auto and not auto.startswith("no"):
        return f"Auto-Submitted: {auto}"
    for name in ("precedence", "x-precedence"):
        value = (message.header(name) or "").strip().lower()
        if value in _BULK:
            return f"{name.title()}: {value}"
    for name in (*_LIST_HEADERS, *_AUTO_HEADERS, LOOP_HEADER):
        if message.header(name) is not None:
            return f"header {name} present"
    report = _REPORT_TYPES.intersection(message.content_types)
    return f"a {sorted(report)[0]} part (delivery or read report)" if report else None


def _sender_evidence(message: ParsedMessage, settings: Settings) -> str | None:
    if message.return_path == "":
        return "null Return-Path <> (a bounce or auto-reply)"
    if _MACHINE_SENDER.match(message.sender.address):
        return f"machine sender {message.sender.address}"
    if message.sender.address == settings.helpdesk.address:
        return "sent from our own helpdesk address (our own answer came back)"
    if is_own_message_id(message.message_id, settings):
        return "Message-ID is one of our own answers"
    if _MACHINE_SUBJECT.match(message.subject):
        return f"subject of an automatic reply or bounce: {message.subject[:60]!r}"
    return None


def is_own_message_id(message_id: str | None, settings: Settings) -> bool:
    """True for our answers' ids: `HD-2026-00042.<random>.<sig>@<own domain>`."""
    if not message_id:
        return False
    prefix = re.escape(settings.helpdesk.ticket_prefix)
    domain = re.escape(settings.helpdesk.own_domain)
    return bool(re.fullmatch(rf"{prefix}-\d{{4}}-\d+\.[^@\s]+@{domain}", message_id, re.I))
