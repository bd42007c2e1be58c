"""The chaos run's mail: labelled samples made distinct, and one poison message.

`build_messages(40, seed=5)` returns ChaosMessages cut from tests/samples/ and
tests/corpus2/: each with its own Message-ID (and, for requests, its own sender, so no
per-address cap or follow-up rule ties two of them together), whether its label says
the bot must treat it as automatic, and its exact bytes. One of them, in the middle, is
the poison: its Subject carries a marker that bench/reliability/chaos_poison.py makes a
DECIDE step raise on.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from email.utils import parseaddr
from functools import cache
from pathlib import Path

from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings
from tests.support.bot import with_headers

ROOT = Path(__file__).resolve().parents[2]
CORPORA = (ROOT / "tests" / "samples", ROOT / "tests" / "corpus2")
MESSAGE_ID_DOMAIN = "chaos.pokja.example.go.id"
# A plain request: the poison must be a message the bot would otherwise answer.
POISON_SAMPLE = "19-problem-no-form-terse.eml"


@dataclass(frozen=True)
class ChaosMessage:
    number: int  # order of APPEND, from 0
    message_id: str  # without angle brackets
    sample: str  # the labelled file it was cut from
    automatic: bool  # its label: recorded, but no ticket and no answer
    poison: bool
    raw: bytes


@dataclass(frozen=True)
class _Template:
    path: Path
    automatic: bool


def poison_marker(seed: int) -> str:
    """The Subject marker that makes the wrapped DECIDE step raise: "CHAOS-POISON-5"."""
    return f"CHAOS-POISON-{seed}"


def _templates() -> list[_Template]:
    found = []
    for corpus in CORPORA:
        labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
        for name, label in sorted(labels.items()):
            found.append(_Template(corpus / name, label["kind"] == "automatic"))
    return found


_FROM_FIELD = re.compile(rb"^From:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*", re.IGNORECASE | re.MULTILINE)


def _with_sender(raw: bytes, number: int) -> bytes:
    """`raw` whose From address gets a per-message local part; the rest stays byte-exact."""
    head = raw.partition(b"\r\n\r\n")[0]
    field = _FROM_FIELD.search(head)
    if field is None:
        return raw
    _, address = parseaddr(field.group(0).decode("ascii", "replace")[5:])
    local, at, domain = address.partition("@")
    if not at or not address.isascii() or address.encode() not in field.group(0):
        return raw  # an encoded or odd From: keep it as the sample has it
    new_field = field.group(0).replace(address.encode(), f"c{number}.{local}@{domain}".encode())
    return raw[: field.start()] + new_field + raw[field.end() :]


@cache
def _keeps_label(path: Path, automatic: bool) -> bool:
    """Whether a sample stays what its label says after our header changes (checked once)."""
    probe = _make(_Template(path, automatic), 0, "probe@" + MESSAGE_ID_DOMAIN, "")
    return check_bytes(probe, Settings()).automatic == automatic


def _make(template: _Template, number: int, message_id: str, subject: str) -> bytes:
    raw = with_headers(template.path.read_bytes(), Message_ID=f"<{message_id}>")
    if not template.automatic:  # robots keep their own From: it is part of what they are
        raw = _with_sender(raw, number)
    if subject:
        raw = with_headers(raw, Subject=subject)
    return raw


def build_messages(count: int, *, seed: int) -> list[ChaosMessage]:
    """`count` distinct messages in APPEND order; the one at count // 2 is the poison."""
    rng = random.Random(seed)
    templates = _templates()
    order: list[_Template] = []
    while len(order) < count:
        batch = templates[:]
        rng.shuffle(batch)
        for template in batch:  # checked lazily: a small run pays only for what it uses
            if len(order) < count and _keeps_label(template.path, template.automatic):
                order.append(template)
    poison_at = count // 2
    poison = next(t for t in templates if t.path.name == POISON_SAMPLE)
    messages = []
    for number, template in enumerate(order):
        is_poison = number == poison_at
        if is_poison:
            template = poison
        message_id = f"chaos-{seed}-{number}@{MESSAGE_ID_DOMAIN}"
        subject = f"{poison_marker(seed)} mohon bantuan" if is_poison else ""
        raw = _make(template, number, message_id, subject)
        messages.append(
            ChaosMessage(number, message_id, template.path.name, template.automatic, is_poison, raw)
        )
    return messages
