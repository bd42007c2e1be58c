"""Finding tickets by any word they hold, on SQLite (FTS5) and PostgreSQL (full text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from helpdesk.search import search, words_of
from tests.support.bot import sample, with_headers
from tests.support.desk import Helpdesk
from tests.support.messages import mail_bytes


@pytest.fixture
def desk(tmp_path: Path, db_url: str) -> Helpdesk:
    made = Helpdesk(tmp_path, database={"url": db_url})
    made.receive(sample("01-forensic-complete-xlsx-pdf-rhs.eml"))
    made.receive(sample("22-reset-complete-pdf.eml"))
    made.receive(sample("36-data-request-complete.eml"))
    made.run_once()
    return made


def found(desk: Helpdesk, query: str) -> list[str]:
    with Session(desk.engine) as session:
        return [hit.ref for hit in search(session, query)]


def ref_with(desk: Helpdesk, subject_part: str) -> str:
    [ref] = [t["ref"] for t in desk.tickets() if subject_part in t.get("subject", "")]
    return ref


def test_a_kode_tender_finds_its_ticket_with_the_word_marked(desk: Helpdesk) -> None:
    with Session(desk.engine) as session:
        [hit] = search(session, "10283561")
    assert hit.kind == "forensic_test"
    assert any("[10283561]" in match for match in hit.matches)


@pytest.mark.parametrize(
    "query",
    [
        "asep.saepudin83@gmail.com",  # the sender's address
        "Asep Saepudin",  # the sender's name
        "BA Uji Forensik Tender",  # an attachment's name
        "Karya Mandiri",  # a word inside the request and its files
        "10283",  # the start of a word
    ],
)
def test_any_word_of_the_ticket_finds_it(desk: Helpdesk, query: str) -> None:
    assert found(desk, query)[:1] == found(desk, "10283561")


def test_every_word_must_match(desk: Helpdesk) -> None:
    assert found(desk, "10283561 pembangunan-jembatan-tol") == []


def test_a_later_reply_makes_the_ticket_findable_by_its_words(desk: Helpdesk) -> None:
    [ref] = found(desk, "10283561")
    desk.receive(
        mail_bytes(
            f"Re: [{ref}] tambahan",
            "Mohon dicatat: peserta kedua PT Sinar Galuh juga gagal membuka.",
            sender="Asep Saepudin <asep.saepudin83@gmail.com>",
        )
    )
    desk.run_once()
    assert found(desk, "sinar galuh") == [ref]


def test_a_password_in_the_mail_is_never_in_the_index(tmp_path: Path, db_url: str) -> None:
    desk = Helpdesk(tmp_path, database={"url": db_url})
    desk.receive(
        with_headers(
            mail_bytes(
                "Perubahan jadwal tender 10366051",
                "Mohon ubah jadwal upload.\nUser ID : pokja3krw\nPassword : Rahasia#2026\n",
            )
        )
    )
    desk.run_once()
    assert found(desk, "10366051") and found(desk, "Rahasia") == []
    assert found(desk, "pokja3krw") == []


@pytest.mark.parametrize("query", ['"', "OR AND NOT", "a* NEAR(", "'; DROP TABLE ticket; --", ""])
def test_search_syntax_in_a_query_is_only_words(desk: Helpdesk, query: str) -> None:
    found(desk, query)  # no error, whatever it finds
    assert len(desk.tickets()) == 3


def test_words_of_a_query() -> None:
    assert words_of("HD-2026-00042, Dinkes!") == ["hd", "2026", "00042", "dinkes"]
