"""Canned answers: Indonesian snippets an officer starts an answer from, then edits.

Each is `replies/templates/_canned/<name>.txt.j2`, editable by staff; its first line is
a comment holding its title, `{# Cara mengajukan uji forensik file RHS #}`. A snippet
is only the officer's part: the greeting, the ticket and the signature come from the
staff_reply and staff_question answers it is sent in. Variables: `ticket_ref`,
`kind` (the Indonesian name of its kind), `requester_name`, `fields` (the ticket's data:
`fields.get("kode_tender")`, ...), `helpdesk_name`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files

from replies.names import kind_name
from replies.render import environment, tidy

FOLDER = "_canned"
_NAME = re.compile(r"^[a-z0-9_]{1,60}$")
_TITLE = re.compile(r"^\{#\s*(.*?)\s*#\}")


class UnknownCannedAnswerError(ValueError):
    """No canned answer has the name asked for."""


@dataclass(frozen=True)
class Canned:
    name: str  # "cara_uji_forensik"
    title: str  # "Cara mengajukan uji forensik file RHS"


def canned_answers() -> list[Canned]:
    """Every canned answer, by name: [Canned("bukan_kewenangan_lpse", "Di luar ..."), ...]."""
    found = []
    for entry in files("replies").joinpath("templates", FOLDER).iterdir():
        name = entry.name.removesuffix(".txt.j2")
        if entry.name.endswith(".txt.j2") and _NAME.match(name):
            title = _TITLE.match(entry.read_text(encoding="utf-8"))
            found.append(Canned(name, title.group(1) if title else name.replace("_", " ")))
    return sorted(found, key=lambda canned: canned.name)


def render_canned(
    name: str,
    *,
    ticket_ref: str,
    kind: str,
    requester_name: str,
    fields: Mapping[str, str],
    helpdesk_name: str,
) -> str:
    """The snippet `name` filled in for one ticket, as text the officer edits."""
    known = [canned.name for canned in canned_answers()]
    if name not in known:
        raise UnknownCannedAnswerError(
            f"No canned answer {name!r}; one of: {', '.join(known) or '(none)'}."
        )
    template = environment().get_template(f"{FOLDER}/{name}.txt.j2")
    context = {
        "ticket_ref": ticket_ref,
        "kind": kind_name(kind),
        "requester_name": requester_name,
        "fields": dict(fields),
        "helpdesk_name": helpdesk_name,
    }
    return tidy(template.render(context)).strip("\n")
