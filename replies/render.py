"""Render the answers the bot sends, in formal Indonesian, from Jinja2 templates.

Templates live in `replies/templates/<kind>/<event>.txt.j2`, with a fallback to
`_default/<event>.txt.j2` and shared pieces in `_base/`. Every `{{ ... }}` output is
forced onto one line by the environment's `finalize` (untrusted text cannot add lines
that look like ours), so multi-line pieces are `{% include %}`d, never output through
`{{ }}` (no macros, no `super()`); staff notes that must keep their lines go through the
`text_block` filter.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from jinja2 import (
    Environment,
    PackageLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
    select_autoescape,
)

from helpdesk.decision import AttachmentVerdict
from helpdesk.domain import AnswerEvent, Kind
from helpdesk.requirements import KINDS, REQUIRED_DOCUMENTS
from parsers.dates import WIB  # Karawang; Indonesia has no DST
from replies.names import (
    FIELD_LABELS,
    document_hint,
    document_name,
    kind_name,
    problem_name,
    status_name,
)

SUBJECT_LIMIT: Final = 150
NAME_LIMIT: Final = 80
FILENAME_LIMIT: Final = 120
FIELD_LIMIT: Final = 150
# Safety net for any `{{ }}` output; the context builder already applies tighter limits.
OUTPUT_LIMIT: Final = 500

DAYS: Final = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS: Final = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

_TICKET_REF = re.compile(r"[A-Z][A-Z0-9]{0,9}-\d{4}-\d{1,10}")
_TEMPLATE_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_REF_TAG = re.compile(r"\[\s*[A-Z][A-Z0-9]{0,9}-\d{4}-\d{1,10}\s*\]", re.IGNORECASE)
_REPLY_PREFIX = re.compile(
    r"\s*(?:re|fwd?|bls|balas|trs|teruskan|aw|wg)\s*(?:\[\d+\]|\(\d+\))?\s*[:\uff1a]\s*",
    re.IGNORECASE,
)
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
# Line and paragraph separators, controls, surrogates: each becomes a space.
_BREAKING_CATEGORIES: Final = frozenset({"Cc", "Zl", "Zp", "Cs"})


@dataclass(frozen=True)
class AnswerContext:
    """Everything an answer may say about one ticket; untrusted text is neutralised here."""

    ticket_ref: str  # "HD-2026-00042"
    kind: str  # DOMAIN.md kind
    schedule_change: bool
    request_subject: str  # the requester's subject, untrusted text
    requester_name: str  # untrusted; may be ""
    received_at: datetime  # aware, or naive UTC (as the ticket database stores it)
    attachments: Sequence[AttachmentVerdict]
    missing: Sequence[str]  # missing document ids, SLA order
    fields: Mapping[str, str]  # kode_tender, nama_paket, ... (already masked)
    helpdesk_name: str
    helpdesk_address: str
    # Event-specific values (outcome, note, reason, bimtek schedule) for later staff events.
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderedAnswer:
    """One answer ready for the outbox."""

    subject: str  # "[HD-2026-00042] <original subject>", one line, safe
    body: str  # plain text, \n line endings, ends with a newline


@dataclass(frozen=True)
class _FileLine:
    name: str
    detail: str


@dataclass(frozen=True)
class _Document:
    name: str
    hint: str


@dataclass(frozen=True)
class _Row:
    label: str
    value: str


class TextBlock(str):
    """Multi-line text already cleaned by `text_block`; the one-line guard lets it pass."""


def _decode_word(match: re.Match[str]) -> str:
    charset, encoding, payload = match.groups()
    charset = charset.split("*", 1)[0]  # RFC 2231 language suffix: utf-8*id
    try:
        if encoding in "bB":
            raw = base64.b64decode(payload + "=" * (-len(payload) % 4))
        else:
            raw = binascii.a2b_qp(payload.encode("utf-8", "replace"), header=True)
    except (binascii.Error, ValueError):
        return match.group(0).replace("?", " ")
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:
        return raw.decode("latin-1")


def _decode_encoded_words(text: str) -> str:
    # A literal encoded word would be decoded again by the recipient's mail client, so
    # a crafted "=?utf-8?q?x=0D=0ABcc:...?=" is decoded here, where breaks are removed.
    for _ in range(3):
        decoded = _ENCODED_WORD.sub(_decode_word, text)
        if decoded == text:
            return text
        text = decoded
    return _ENCODED_WORD.sub(lambda m: m.group(0).replace("?", " "), text)


def _neutral_char(char: str) -> str:
    category = unicodedata.category(char)
    if category in _BREAKING_CATEGORIES:
        return " "
    if category == "Cf":  # invisible formatting (bidi overrides, zero-width): dropped
        return ""
    return char


def _neutralise(text: str, limit: int) -> str:
    if limit < 1:
        raise ValueError(f"limit must be positive, not {limit}")
    # Bound the work on a hostile megabyte-long header before the per-character pass.
    text = _decode_encoded_words(str(text)[: limit * 8 + 256])
    # Every break (\r, \n, \x0b, \x0c, \x1c-\x1e, \x85, U+2028, U+2029) is Cc, Zl or Zp.
    return "".join(_neutral_char(char) for char in text)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def one_line(text: str, limit: int = 200) -> str:
    """Untrusted text as one collapsed, truncated line: "Budi\\r\\nBcc: x" -> "Budi Bcc: x"."""
    return _truncate(" ".join(_neutralise(text, limit).split()), limit)


def text_block(text: str, limit: int = 4000) -> TextBlock:
    """Multi-line (trusted) text for a body: every break kind becomes \\n, controls dropped."""
    lines = [
        "".join(" " if char == "\t" else _neutral_char(char) for char in line).rstrip()
        for line in str(text)[:limit].splitlines()
    ]
    return TextBlock("\n".join(lines).strip("\n"))


def answer_subject(ticket_ref: str, request_subject: str, *, fallback: str = "") -> str:
    """Our subject as one safe line: ("HD-2026-00042", "Re: Fwd: Uji") -> "[HD-2026-00042] Uji"."""
    _check_ref(ticket_ref)
    # `fallback` (the kind's name) stands in for a subject that is empty once cleaned.
    text = clean_subject(request_subject) or one_line(fallback, limit=SUBJECT_LIMIT)
    return f"[{ticket_ref}] {text}" if text else f"[{ticket_ref}]"


def clean_subject(request_subject: str, limit: int = SUBJECT_LIMIT) -> str:
    """The requester's subject as one line without Re/Fwd/BLS/... prefixes and ticket tags."""
    text = _REF_TAG.sub(" ", one_line(request_subject, limit=limit * 8))
    while match := _REPLY_PREFIX.match(text):
        text = text[match.end() :]
    return one_line(text, limit=limit)


def first_answer_event(kind: str, complete: bool) -> AnswerEvent:
    """The event of a new ticket's first answer: "acknowledged", "incomplete" or "rejected"."""
    if kind == Kind.AUTOMATIC:
        raise ValueError("automatic messages are never answered")
    if kind not in REQUIRED_DOCUMENTS:
        raise ValueError(f"unknown request kind {kind!r}")
    if kind == Kind.SUB_AGENCY:
        return AnswerEvent.REJECTED  # SLA III.b.6: not served
    if complete or not REQUIRED_DOCUMENTS[kind]:
        return AnswerEvent.ACKNOWLEDGED
    return AnswerEvent.INCOMPLETE


def render_answer(event: str, ctx: AnswerContext) -> RenderedAnswer:
    """Render `<kind>/<event>.txt.j2` (or `_default/<event>.txt.j2`) for one ticket."""
    if not _TEMPLATE_NAME.fullmatch(event):
        raise ValueError(f"invalid answer event {event!r}")
    if ctx.kind not in KINDS or ctx.kind == Kind.AUTOMATIC:
        raise ValueError(f"no answers for request kind {ctx.kind!r}")
    _check_ref(ctx.ticket_ref)
    template = _template_for(ctx.kind, event)
    context = _template_context(ctx)
    # A generic event may build on the kind's own acknowledgement ("what happens next").
    context["acknowledged_template"] = _template_for(ctx.kind, AnswerEvent.ACKNOWLEDGED).name
    body = tidy(template.render(context))
    subject = answer_subject(ctx.ticket_ref, ctx.request_subject, fallback=kind_name(ctx.kind))
    return RenderedAnswer(subject=subject, body=body)


def _template_for(kind: str, event: str) -> Template:
    names = [f"{kind}/{event}.txt.j2", f"_default/{event}.txt.j2"]
    try:
        return environment().select_template(names)
    except TemplateNotFound as exc:
        raise ValueError(
            f"no template for event {event!r} of kind {kind!r}: add replies/templates/"
            f"{names[0]} or {names[1]}"
        ) from exc


def _check_ref(ticket_ref: str) -> None:
    if not _TICKET_REF.fullmatch(ticket_ref):
        raise ValueError(f"not a ticket reference: {ticket_ref!r} (expected HD-2026-00042)")


def _finalize(value: Any) -> Any:
    if isinstance(value, TextBlock):
        return value
    # Neutralise but keep runs of spaces, so `"%-15s" | format(label)` still aligns.
    return _truncate(_neutralise(str(value), OUTPUT_LIMIT), OUTPUT_LIMIT)


@functools.cache
def environment() -> Environment:
    """The one Jinja2 environment of the answers (and the canned snippets)."""
    env = Environment(
        loader=PackageLoader("replies", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,  # so an {% include %} contributes whole lines
        finalize=_finalize,
    )
    env.filters.update(
        one_line=one_line,
        text_block=text_block,
        document_name=document_name,
        problem_name=problem_name,
        status_name=status_name,
        kind_name=kind_name,
    )
    return env


def tidy(body: str) -> str:
    """A rendered body's lines, right-trimmed, with at most one blank line in a row."""
    # splitlines() knows every break (\r, \x0b, \x85, U+2028, ...): only \n survives.
    lines = [line.rstrip() for line in body.splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))  # blank lines left by empty blocks
    return text.strip("\n") + "\n"


def format_received(moment: datetime) -> str:
    """Indonesian date and time in WIB: "Senin, 2 Maret 2026 pukul 09.15 WIB"."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(WIB)
    day, month = DAYS[local.weekday()], MONTHS[local.month - 1]
    return f"{day}, {local.day} {month} {local.year} pukul {local:%H.%M} WIB"


def _file_name(verdict: AttachmentVerdict) -> str:
    name = one_line(verdict.filename, limit=FILENAME_LIMIT) or "(tanpa nama)"
    if verdict.container:
        return f"{name} (dalam arsip {one_line(verdict.container, limit=FILENAME_LIMIT)})"
    return name


UNREADABLE_SCAN: Final = (
    "tidak dapat kami baca (hasil pindaian atau foto kosong atau kurang jelas); mohon "
    "kirim ulang hasil pindaian yang lebih jelas"
)


def _attachment_lines(
    attachments: Sequence[AttachmentVerdict],
) -> tuple[list[_FileLine], list[_FileLine]]:
    accepted: list[_FileLine] = []
    refused: list[_FileLine] = []
    for verdict in attachments:
        if verdict.problem is not None or verdict.problem_code is not None:
            refused.append(_FileLine(_file_name(verdict), problem_name(verdict.problem_code)))
        elif verdict.documents:
            names = "; ".join(dict.fromkeys(document_name(d) for d in verdict.documents))
            accepted.append(_FileLine(_file_name(verdict), names))
        elif verdict.unreadable:
            accepted.append(_FileLine(_file_name(verdict), UNREADABLE_SCAN))
        else:
            accepted.append(
                _FileLine(_file_name(verdict), "belum dikenali otomatis, akan diperiksa petugas")
            )
    return accepted, refused


def _missing_documents(kind: str, missing: Sequence[str]) -> list[_Document]:
    order = {doc: index for index, doc in enumerate(REQUIRED_DOCUMENTS.get(kind, ()))}
    ordered = sorted(dict.fromkeys(missing), key=lambda doc: order.get(doc, len(order)))
    return [_Document(document_name(doc), document_hint(doc)) for doc in ordered]


def _requester_name(name: str) -> str:
    cleaned = one_line(name, limit=NAME_LIMIT)
    # A display name that is only an address reads badly after "Bapak/Ibu".
    return "" if "@" in cleaned else cleaned


def _template_context(ctx: AnswerContext) -> dict[str, Any]:
    accepted, refused = _attachment_lines(ctx.attachments)
    return {
        "ticket_ref": ctx.ticket_ref,
        "kind": ctx.kind,
        "kind_name": kind_name(ctx.kind),
        "schedule_change": ctx.schedule_change,
        "request_subject": clean_subject(ctx.request_subject),
        "requester_name": _requester_name(ctx.requester_name),
        "received_at": format_received(ctx.received_at),
        "accepted": accepted,
        "refused": refused,
        "missing": _missing_documents(ctx.kind, ctx.missing),
        "fields": [
            _Row(label, one_line(ctx.fields[key], limit=FIELD_LIMIT))
            for key, label in FIELD_LABELS.items()
            if one_line(ctx.fields.get(key, ""), limit=FIELD_LIMIT)
        ],
        "helpdesk_name": one_line(ctx.helpdesk_name, limit=NAME_LIMIT),
        "helpdesk_address": one_line(ctx.helpdesk_address, limit=NAME_LIMIT),
        "extra": dict(ctx.extra),
    }
