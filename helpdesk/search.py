"""Finding tickets by any word they hold: SQLite FTS5 or PostgreSQL full-text, one API.

The index is one table, `ticketsearch`: a row per piece of text a ticket holds, each
with its source ("ticket": reference, subject, requester, agency, kode tender;
"message": each mail's subject, sender and text; "attachment": a file's name and the
text read from it). Rows are added in the transaction that stores what they index (the
ACT step `index_for_search`), so the index never lags the tickets. Passwords are masked
before any text is indexed. Words match by prefix ("1028" finds 10283561), every word
of the query must match, and tickets come best match first (among the newest
CANDIDATE_ROWS matching texts) with the words shown.

    search(session, "10283561 dinkes")
    -> [Hit(ref="HD-2026-00042", ..., matches=("pesan: ... kode tender [10283561] ...",))]
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from helpdesk.models import Agency, Ticket
from parsers.fields import mask_credentials

MAX_TEXT = 50_000  # characters of one indexed text (a long mail, a long PDF)
MAX_WORDS = 8  # words of one query that count
# A query that matches more texts than this is ranked among the newest of them: ranking
# every text of 100,000 tickets for a word they all hold costs half a second.
CANDIDATE_ROWS = 5000
SNIPPETS = 2  # matching texts shown per ticket
SOURCE_NAMES = {"ticket": "tiket", "message": "pesan", "attachment": "lampiran"}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    """One ticket a search found, with the snippets that matched ([word] marks a match)."""

    ref: str
    subject: str
    status: str
    kind: str
    requester: str
    matches: tuple[str, ...]


def words_of(query: str) -> list[str]:
    """The words a query searches for: `"HD-2026-00042 dinkes!"` -> ["hd", "2026", ...]."""
    return [word.lower()[:40] for word in _WORD.findall(query)][:MAX_WORDS]


def add_text(session: Session, ticket_id: int, source: str, body: str) -> None:
    """Index one piece of a ticket's text, in the caller's transaction."""
    cleaned = " ".join(mask_credentials(body[:MAX_TEXT]).split())
    if not cleaned:
        return
    session.execute(
        text("INSERT INTO ticketsearch (ticket_id, source, body) VALUES (:t, :s, :b)"),
        {"t": ticket_id, "s": source, "b": cleaned},
    )


def ticket_facts(ticket: Ticket, agency: Agency | None) -> str:
    """The ticket's own searchable facts: reference, subject, requester, agency, kode."""
    parts = [
        ticket.ref,
        ticket.subject,
        ticket.requester_name,
        ticket.requester_address,
        agency.name if agency else "",
        ticket.kode_tender or "",
    ]
    return " ".join(part for part in parts if part)


def move_texts(session: Session, *, from_ticket: int, to_ticket: int) -> None:
    """Let `to_ticket` be found by what `from_ticket`'s messages and files held (a merge)."""
    session.execute(
        text(
            "UPDATE ticketsearch SET ticket_id = :to WHERE ticket_id = :old AND source <> 'ticket'"
        ),
        {"to": to_ticket, "old": from_ticket},
    )


def search(session: Session, query: str, *, limit: int = 20) -> list[Hit]:
    """Tickets matching every word of `query`, best first; [] for a query without words."""
    words = words_of(query)
    if not words:
        return []
    postgres = session.get_bind().dialect.name == "postgresql"
    backend = _Postgres(words) if postgres else _Sqlite(words)
    candidates = session.execute(text(backend.candidates), {**backend.params, "n": CANDIDATE_ROWS})
    ranked, shown = _best(candidates.all(), limit)
    if not ranked:
        return []
    rows = session.execute(text(backend.texts), {"ids": backend.ids(shown)})
    texts = {int(row[0]): (int(row[1]), str(row[2]), str(row[3])) for row in rows}
    matches: dict[int, list[str]] = {}
    for row_id in shown:
        if row_id in texts:
            ticket_id, source, body = texts[row_id]
            where = SOURCE_NAMES.get(source, source)
            matches.setdefault(ticket_id, []).append(f"{where}: {snippet(body, words)}")
    tickets = {
        t.id: t for t in session.exec(select(Ticket).where(col(Ticket.id).in_(ranked))).all()
    }
    return [
        Hit(
            ticket.ref,
            ticket.subject,
            ticket.status,
            ticket.kind,
            ticket.requester_address,
            tuple(matches.get(ticket_id, ())),
        )
        for ticket_id in ranked
        if (ticket := tickets.get(ticket_id)) is not None
    ]


def _best(rows: Sequence[Any], limit: int) -> tuple[list[int], list[int]]:
    """From (row id, ticket id, score) candidates, higher score first: the best `limit`
    tickets, and the ids of the rows to show for them (SNIPPETS each)."""
    ranked: list[int] = []
    shown: dict[int, list[int]] = {}
    for row_id, ticket_id, _score in sorted(rows, key=lambda row: -float(row[2])):
        rows_of = shown.get(ticket_id)
        if rows_of is None:
            if len(ranked) == limit:
                continue
            ranked.append(ticket_id)
            rows_of = shown[ticket_id] = []
        if len(rows_of) < SNIPPETS:
            rows_of.append(row_id)
    return ranked, [row_id for ticket_id in ranked for row_id in shown[ticket_id]]


class _Sqlite:
    """FTS5: each word quoted (its query syntax is never the user's), with a prefix star;
    bm25 is lower for a better match, so its negative is the score."""

    def __init__(self, words: Sequence[str]) -> None:
        self.params: dict[str, Any] = {
            "q": " ".join('"' + word.replace('"', "") + '"*' for word in words)
        }
        self.candidates = (
            "SELECT rowid, ticket_id, -bm25(ticketsearch) FROM ticketsearch "
            "WHERE ticketsearch MATCH :q ORDER BY rowid DESC LIMIT :n"
        )
        # By rowid alone: a MATCH beside it would decode the words' lists again.
        self.texts = (
            "SELECT rowid, ticket_id, source, body FROM ticketsearch "
            "WHERE rowid IN (SELECT value FROM json_each(:ids))"
        )

    def ids(self, row_ids: list[int]) -> str:
        return json.dumps(row_ids)


class _Postgres:
    """PostgreSQL full text over the generated tsvector (words as words_of cuts them)."""

    def __init__(self, words: Sequence[str]) -> None:
        self.params = {"q": " & ".join(re.sub(r"\W", "", word) + ":*" for word in words)}
        self.candidates = (
            "SELECT id, ticket_id, ts_rank(tsv, to_tsquery('simple', :q)) FROM ("
            "SELECT id, ticket_id, tsv FROM ticketsearch WHERE tsv @@ to_tsquery('simple', :q) "
            "ORDER BY id DESC LIMIT :n) AS newest"
        )
        self.texts = "SELECT id, ticket_id, source, body FROM ticketsearch WHERE id = ANY(:ids)"

    def ids(self, row_ids: list[int]) -> list[int]:
        return row_ids


def snippet(body: str, words: Sequence[str], *, around: int = 6) -> str:
    """The part of `body` around its first matching word, each match marked [like this]:
    `snippet("mohon uji forensik tender 10283561", ["1028"])` -> "mohon uji forensik
    tender [10283561]"."""
    tokens = list(_WORD.finditer(body))
    hits = [i for i, t in enumerate(tokens) if t.group().lower().startswith(tuple(words))]
    if not hits:
        return body[: 12 * around]
    first, last = max(hits[0] - around, 0), min(hits[0] + around, len(tokens) - 1)
    start, end = tokens[first].start(), tokens[last].end()
    marked, at = [], start
    for i in hits:
        if first <= i <= last:
            token = tokens[i]
            marked += [body[at : token.start()], f"[{token.group()}]"]
            at = token.end()
    marked.append(body[at:end])
    return ("…" if start else "") + "".join(marked) + ("…" if end < len(body) else "")
