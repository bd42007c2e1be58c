"""Ticket references: per prefix and year, never handed out twice, even by two processes.

Each test runs on SQLite and on PostgreSQL (the db_url fixture).
"""

from __future__ import annotations

import multiprocessing

from sqlmodel import Session

from helpdesk.database import open_database
from helpdesk.tickets import next_ref


def _take_refs(url: str, count: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    engine = open_database(url)
    refs = []
    for _ in range(count):
        with Session(engine) as session:
            refs.append(next_ref(session, prefix="HD", year=2026))
            session.commit()
    queue.put(refs)


def test_refs_count_up_per_year(db_url: str) -> None:
    engine = open_database(db_url)
    with Session(engine) as session:
        first = next_ref(session, prefix="HD", year=2026)
        second = next_ref(session, prefix="HD", year=2026)
        other_year = next_ref(session, prefix="HD", year=2027)
        session.commit()
    assert (first, second, other_year) == ("HD-2026-00001", "HD-2026-00002", "HD-2027-00001")


def test_rolled_back_number_is_not_given_to_two_tickets(db_url: str) -> None:
    engine = open_database(db_url)
    with Session(engine) as session:
        next_ref(session, prefix="HD", year=2026)
        session.commit()
    with Session(engine) as session:
        next_ref(session, prefix="HD", year=2026)
        session.rollback()
    with Session(engine) as session:
        assert next_ref(session, prefix="HD", year=2026) == "HD-2026-00002"


def test_two_processes_never_share_a_number(db_url: str) -> None:
    url = db_url
    open_database(url)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_take_refs, args=(url, 25, queue)) for _ in range(2)]
    for worker in workers:
        worker.start()
    refs = queue.get(timeout=120) + queue.get(timeout=120)
    for worker in workers:
        worker.join(timeout=60)
    assert len(refs) == 50
    assert len(set(refs)) == 50
