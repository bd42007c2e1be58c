"""Parsing and deciding in worker processes: the same tickets and answers, in the same
order, as in one process; a worker that dies loses no message and doubles none."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from sqlmodel import Session, func, select

from helpdesk.models import InboundMessage, Ticket
from helpdesk.pipeline import Prepared, prepare
from helpdesk.prepare_pool import MIN_PARALLEL, PrepareFn
from helpdesk.runner import RunReport, Worker
from helpdesk.settings import Settings
from tests.support.bot import sample, with_headers
from tests.support.desk import Helpdesk

MAIL = [
    "01-forensic-complete-xlsx-pdf-rhs.eml",
    "02-forensic-minutes-missing.eml",
    "11-schedule-change-complete-xlsx.eml",
    "22-reset-complete-pdf.eml",
    "29-replacement-complete-inline-logo.eml",
    "34-join-complete-four-documents.eml",
    "39-other-vendor-registration-question.eml",
    "41-auto-out-of-office.eml",
]
CRASH_HEADER = "X-Test-Crash-Worker"


def crash_in_worker(raw: bytes, settings: Settings) -> Prepared:
    """`prepare`, except that a marked message kills the worker process reading it."""
    if CRASH_HEADER.encode() in raw and multiprocessing.parent_process() is not None:
        os._exit(70)  # as a segfault in a parser would: no exception, no cleanup
    return prepare(raw, settings)


def crash_any_worker(raw: bytes, settings: Settings) -> Prepared:
    """`prepare` that kills every worker process: only in-process preparing survives."""
    if multiprocessing.parent_process() is not None:
        os._exit(70)
    return prepare(raw, settings)


def run(
    folder: Path, mail: list[bytes], *, processes: int, prepare_fn: PrepareFn = prepare
) -> tuple[Helpdesk, RunReport]:
    folder.mkdir()
    desk = Helpdesk(folder)
    for raw in mail:
        desk.receive(raw)
    worker = Worker(desk.settings, desk.engine, processes=processes, prepare_fn=prepare_fn)
    try:
        report = worker.run_once()
        assert worker.run_once().fetched == 0  # every message was marked processed
    finally:
        worker.close()
    return desk, report


def answers(desk: Helpdesk) -> list[tuple[str, str]]:
    return [(str(a["To"]), str(a["Subject"])) for a in desk.answers()]


def inbound_rows(desk: Helpdesk) -> int:
    with Session(desk.engine) as session:
        return int(session.exec(select(func.count()).select_from(InboundMessage)).one())


def test_workers_give_the_same_tickets_and_answers_in_the_same_order(tmp_path: Path) -> None:
    mail = [sample(name) for name in MAIL]
    alone, alone_report = run(tmp_path / "alone", mail, processes=0)
    parallel, parallel_report = run(tmp_path / "parallel", mail, processes=2)

    assert parallel.tickets() == alone.tickets()
    assert answers(parallel) == answers(alone)
    assert len(answers(parallel)) == len(MAIL) - 1  # the out-of-office reply gets none
    assert parallel_report.outcomes == alone_report.outcomes
    assert parallel_report.worker_crashes == 0


def test_a_worker_that_dies_loses_no_message_and_doubles_none(tmp_path: Path) -> None:
    mail = [sample(name) for name in MAIL]
    mail[2] = with_headers(mail[2], **{CRASH_HEADER.replace("-", "_"): "yes"})

    desk, report = run(tmp_path / "desk", mail, processes=2, prepare_fn=crash_in_worker)

    assert report.worker_crashes == 1
    assert report.fetched == report.handled == len(MAIL)
    assert inbound_rows(desk) == len(MAIL)  # each message stored exactly once
    with Session(desk.engine) as session:
        notes = [t.staff_note for t in session.exec(select(Ticket)).all()]
    assert len([note for note in notes if "process reading this message died" in note]) == 1
    assert len(answers(desk)) == len(MAIL) - 2  # neither the crasher nor the robot


def test_a_few_messages_are_read_in_this_process(tmp_path: Path) -> None:
    mail = [sample(name) for name in MAIL[: MIN_PARALLEL - 1]]

    desk, report = run(tmp_path / "desk", mail, processes=2, prepare_fn=crash_any_worker)

    assert report.worker_crashes == 0
    assert report.outcomes == {"ticket": len(mail)}
    assert len(answers(desk)) == len(mail)
