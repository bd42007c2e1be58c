"""Never answer this: the header, part and sender evidence that a machine sent a message.

Pure functions over a ParsedMessage; `helpdesk/steps/skip_automatic.py` turns the first
piece of evidence into the `automatic` kind. Each check returns a short English reason,
or None when it found nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from email.utils import parseaddr

from helpdesk.message_ids import LOOP_HEADER
from helpdesk.settings import Settings
from parsers.types import ParsedMessage

# Headers only we may set; from outside they carry no authority (see without_control_headers).
_CONTROL_HEADER = re.compile(rf"^({re.escape(LOOP_HEADER.lower())}(-.*)?|x-helpdesk-.*)$")
_BULK = frozenset({"bulk", "junk", "list", "auto_reply", "auto-reply"})
_LIST_HEADERS = (
    "list-id",
    "list-unsubscribe",
    "list-post",
    "list-help",
    "list-archive",
    "list-owner",
    "list-subscribe",
)
_ROBOT_HEADERS = ("x-autoreply", "x-autorespond", "x-failed-recipients")
# X-Auto-Response-Suppress values that mean "I am automatic, do not answer me"; DR, NDR,
# RN and NRN only ask to suppress delivery and read reports, which we never send.
_SUPPRESS_ALL = frozenset({"all", "oof", "autoreply"})
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
# Phrases in a subject, anywhere, that only machines write: bounces and their warnings in
# several languages, mailing-list loop alerts, complaint (feedback-loop) reports.
_MACHINE_PHRASE = re.compile(
    r"\b(delivery\s+(failure|failed|warning|notification)|(mail\s+)?could\s+not\s+be\s+"
    r"delivered|undeliverable|non\s+remis|loop\s+alert|complaint\s+about\s+message\s+from"
    r"|failure\s+notice|is\s+out\s+of\s+(the\s+)?office)\b|^\s*auto:",
    re.I,
)
_SYSTEM_LOCAL_PART = re.compile(
    r"^(mailer-daemon|mail-?daemon|post_?master|owner-.+|.+-owner|.+-request"
    r"|.+-bounces?(\+.*)?|bounces?.*|.*no[-_.]?reply.*|do[-_.]?not[-_.]?reply.*|auto-?reply.*"
    # mail gateways and virus scanners that write their own notices
    r"|imss|interscan|mailscanner|.*antivirus.*"
    # newsletters and announcement senders
    r"|e?news(letter)?s?|.*[-_.]newsflash|announce(ments?)?|marketing|promo(tions?)?)$",
    re.I,
)
# A bounce address's domain: "101BN3c...@bounce.quris.net".
_BOUNCE_DOMAIN = re.compile(r"^bounces?\.", re.I)
# Where list and bulk software put the address that receives the bounces.
_BOUNCE_HEADERS = ("return-path", "sender", "errors-to")


def header_evidence(message: ParsedMessage) -> str | None:
    """Why the message's own headers say a machine sent it, or None."""
    checks: tuple[Callable[[ParsedMessage], str | None], ...] = (
        _auto_submitted,
        _precedence,
        _suppress,
        _present_headers,
        _report_part,
    )
    for check in checks:
        found = check(message)
        if found:
            return found
    return None


def sender_evidence(message: ParsedMessage, settings: Settings) -> str | None:
    """Why the sender, Message-ID or subject say a machine (or we ourselves) sent it, or None."""
    address = message.sender.address
    if message.return_path == "":
        return "null Return-Path <> (a bounce or auto-reply)"
    if address and _SYSTEM_LOCAL_PART.match(address.rpartition("@")[0]):
        return f"machine sender {address}"
    for name in _BOUNCE_HEADERS:
        machine = _machine_address(message.header(name) or "")
        if machine:
            return f"{name.title()} is a machine's address {machine}"
    if address and address == settings.helpdesk.address:
        return "sent from our own helpdesk address (our own answer came back)"
    if is_own_message_id(message.message_id, settings):
        return "Message-ID is one of our own answers"
    if _MACHINE_SUBJECT.match(message.subject) or _MACHINE_PHRASE.search(message.subject):
        return f"subject of an automatic reply or bounce: {message.subject[:60]!r}"
    return None


def _machine_address(value: str) -> str | None:
    """The address in a Return-Path/Sender/Errors-To value when a machine's: its local
    part says so (MAILER-DAEMON@, bounces@, noreply@) or its domain is a bounce domain."""
    address = parseaddr(value)[1].strip("<> ").lower()
    local, _, domain = address.rpartition("@")
    if not local:
        return None
    if _SYSTEM_LOCAL_PART.match(local) or _BOUNCE_DOMAIN.match(domain):
        return address
    return None


_SPAM_HEADERS = (
    ("x-spam-flag", re.compile(r"^\s*yes\b", re.I)),
    ("x-spam-status", re.compile(r"^\s*yes\b", re.I)),
    ("x-spam", re.compile(r"^\s*yes\b", re.I)),
    ("x-rspamd-action", re.compile(r"^\s*(reject|add header|rewrite subject)\b", re.I)),
    ("x-spamd-result", re.compile(r"^\s*default:\s*true\b", re.I)),
)


def spam_evidence(message: ParsedMessage, settings: Settings) -> str | None:
    """Why the receiving server judged the message spam, or None: its spam filter's
    headers (SpamAssassin, rspamd), or a DMARC fail, in our own server's
    Authentication-Results, for a domain whose policy is reject."""
    for name, says_spam in _SPAM_HEADERS:
        value = message.header(name)
        if value and says_spam.search(value):
            return f"{name}: {' '.join(value.split())[:60]}"
    from parsers.authres import trusted_results

    for result in trusted_results(message.headers, settings.helpdesk.authserv_id) or ():
        if result.method == "dmarc" and result.result == "fail":
            if result.get("policy.dmarc") == "reject" or result.get("p") == "reject":
                return f"dmarc=fail for {result.get('header.from') or 'the From domain'} (p=reject)"
    return None


def is_own_message_id(message_id: str | None, settings: Settings) -> bool:
    """True for our answers' ids: `HD-2026-00042.<hex>.<hex>@<own domain>`."""
    return own_ref(message_id, settings) is not None


def own_ref(message_id: str | None, settings: Settings) -> str | None:
    """The ticket reference in one of our answers' Message-IDs, or None."""
    if not message_id:
        return None
    prefix = re.escape(settings.helpdesk.ticket_prefix)
    domain = re.escape(settings.helpdesk.own_domain)
    match = re.fullmatch(
        rf"({prefix}-\d{{4}}-\d{{5,}})\.[0-9a-f]+\.[0-9a-f]+@{domain}",
        message_id.strip("<> "),
        re.I,
    )
    return match.group(1).upper() if match else None


def without_control_headers(message: ParsedMessage, settings: Settings) -> ParsedMessage:
    """`message` without the control headers only we may set, unless it is our own answer.

    Our loop header stays only on a message that is visibly ours: From our own address, or
    a Message-ID of ours naming the same ticket. Anyone else's copy is dropped before any
    step reads it, so it can neither mark a stranger's mail as ours nor steer it.
    """
    if not any(_CONTROL_HEADER.match(name) for name, _value in message.headers):
        return message
    if _is_own_answer(message, settings):
        return message
    kept = tuple(
        (name, value) for name, value in message.headers if not _CONTROL_HEADER.match(name)
    )
    return replace(message, headers=kept)


def foreign_control_headers(before: ParsedMessage, after: ParsedMessage) -> list[str]:
    """The control header names `without_control_headers` removed, for the reasons line."""
    kept = {name for name, _value in after.headers}
    return sorted({name for name, _value in before.headers if _CONTROL_HEADER.match(name)} - kept)


def _is_own_answer(message: ParsedMessage, settings: Settings) -> bool:
    loop = (message.header(LOOP_HEADER) or "").strip().upper()
    if message.sender.address and message.sender.address == settings.helpdesk.address:
        return True
    return bool(loop) and own_ref(message.message_id, settings) == loop


def _bare(value: str | None) -> str:
    """A header value without (comments), lower case, on one line."""
    text, previous = value or "", None
    while text != previous:  # comments nest: remove the innermost until none is left
        text, previous = re.sub(r"\([^()]*\)", " ", text), text
    return " ".join(text.split()).lower()


def _auto_submitted(message: ParsedMessage) -> str | None:
    # RFC 3834: only "no" means a person sent it; parameters follow a ";".
    for value in message.header_values("auto-submitted"):
        token = _bare(value).split(";", 1)[0].strip()
        if token != "no":
            return f"Auto-Submitted: {token or '(empty)'}"
    return None


def _precedence(message: ParsedMessage) -> str | None:
    for name in ("precedence", "x-precedence"):
        for value in message.header_values(name):
            if _bare(value) in _BULK:
                return f"{name.title()}: {_bare(value)}"
    return None


def _suppress(message: ParsedMessage) -> str | None:
    for value in message.header_values("x-auto-response-suppress"):
        tokens = set(re.split(r"[\s,;]+", _bare(value)))
        if tokens & _SUPPRESS_ALL:
            return f"X-Auto-Response-Suppress: {_bare(value)}"
    return None


def _present_headers(message: ParsedMessage) -> str | None:
    for name in (*_LIST_HEADERS, *_ROBOT_HEADERS, LOOP_HEADER.lower()):
        if message.header(name) is not None:
            return f"header {name} present"
    return None


def _report_part(message: ParsedMessage) -> str | None:
    report = _REPORT_TYPES.intersection(message.content_types)
    return f"a {sorted(report)[0]} part (delivery or read report)" if report else None
