"""The pipeline in-process on a Maildir and the file transport: follow-ups, the
cut-over, and messages that break a step (flagged, then replayed)."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from helpdesk import pipeline
from helpdesk.errors import DatabaseUnavailableError
from helpdesk.models import Agency, InboundMessage, QuarantineEntry, Ticket, utcnow
from helpdesk.replay import replay_entry
from helpdesk.settings import Settings
from helpdesk.terminal import quarantine_table
from tests.support.bot import sample, with_headers
from tests.support.desk import Helpdesk

NO_DOCUMENTS = "03-forensic-terlampir-no-attachment.eml"  # forensic test, nothing attached
WITH_DOCUMENTS = "01-forensic-complete-xlsx-pdf-rhs.eml"  # form, minutes and .rhs
REQUESTER = "Yayan Sopyan <yayan_sopyan76@yahoo.co.id>"


@pytest.fixture
def helpdesk(tmp_path: Path) -> Callable[..., Helpdesk]:
    return lambda **helpdesk: Helpdesk(tmp_path, helpdesk=helpdesk)


def first_answer_id(desk: Helpdesk) -> str:
    return str(desk.answers()[0]["Message-ID"]).strip()


def test_follow_up_with_the_missing_documents_completes_the_ticket(
    helpdesk: Callable[..., Helpdesk],
) -> None:
    desk = helpdesk()
    desk.receive(sample(NO_DOCUMENTS))
    desk.run_once()
    [ticket] = desk.tickets()
    assert ticket["missing"] == ["forensic_form", "forensic_minutes"]

    follow_up = with_headers(
        sample(WITH_DOCUMENTS),
        From=REQUESTER,
        Subject=f"Re: [{ticket['ref']}] Uji Forensik Paket Pengadaan Bed Pasien RSUD",
        In_Reply_To=first_answer_id(desk),
    )
    desk.receive(follow_up)
    desk.run_once()

    [ticket] = desk.tickets()  # joined: still one ticket
    assert ticket["complete"] and ticket["status"] == "in_progress"
    answers = desk.answers()
    assert len(answers) == 2
    assert f"[{ticket['ref']}]" in str(answers[1]["Subject"])
    text = answers[1].get_body(("plain",)).get_content()
    assert "berkas lengkap" in text and "belum lengkap" not in text


def test_subject_naming_a_ticket_from_a_stranger_opens_a_linked_flagged_ticket(
    helpdesk: Callable[..., Helpdesk],
) -> None:
    desk = helpdesk()
    desk.receive(sample(NO_DOCUMENTS))
    desk.run_once()
    ref = desk.tickets()[0]["ref"]

    desk.receive(with_headers(sample(WITH_DOCUMENTS), Subject=f"Re: [{ref}] uji forensik"))
    desk.run_once()

    first, second = desk.tickets()
    assert first["missing"] == ["forensic_form", "forensic_minutes"]  # not changed
    assert second["linked_ref"] == ref and second["needs_staff"]


def test_automatic_reply_to_our_answer_changes_nothing(helpdesk: Callable[..., Helpdesk]) -> None:
    desk = helpdesk()
    desk.receive(sample(NO_DOCUMENTS))
    desk.run_once()
    before = desk.tickets()
    ref = before[0]["ref"]
    out_of_office = with_headers(
        sample("41-auto-out-of-office.eml"),
        From=REQUESTER,
        Subject=f"Otomatis: [{ref}] Uji Forensik",
        In_Reply_To=first_answer_id(desk),
    )
    desk.receive(out_of_office)
    desk.run_once()
    assert desk.tickets() == before
    assert len(desk.answers()) == 1


def test_mail_from_before_the_cut_over_gets_a_ticket_but_no_answer(
    helpdesk: Callable[..., Helpdesk],
) -> None:
    desk = helpdesk(answer_mail_since="2999-01-01T00:00:00+07:00")
    desk.receive(sample(WITH_DOCUMENTS))
    desk.run_once()
    assert len(desk.tickets()) == 1
    assert desk.answers() == []


def test_message_that_breaks_a_step_is_set_aside_after_three_tries_then_replayed(
    helpdesk: Callable[..., Helpdesk],
) -> None:
    desk = helpdesk(staff_address="staf@karawangkab.go.id")

    def broken(message: Any, decision: Any, settings: Settings) -> None:
        if "Bed Pasien" in message.subject:
            raise RuntimeError("a bug in a step")

    with_a_bug = (*pipeline.DECIDE, broken)
    desk.receive(sample(NO_DOCUMENTS))
    desk.receive(sample(WITH_DOCUMENTS))
    desk.run_once(decide_steps=with_a_bug)
    # Maybe a passing fault: the message stays for another try, the next one is handled.
    [handled] = desk.tickets()
    assert not handled["needs_staff"]
    assert len(desk.answers()) == 1

    desk.run_once(decide_steps=with_a_bug)
    assert len(desk.tickets()) == 1
    desk.run_once(decide_steps=with_a_bug)  # the third failure sets it aside
    flagged, handled = sorted(desk.tickets(), key=lambda t: t["needs_staff"], reverse=True)
    assert flagged["needs_staff"] and not handled["needs_staff"]
    [answer, alert] = desk.answers()
    assert alert["To"] == "Petugas Helpdesk <staf@karawangkab.go.id>"
    assert flagged["ref"] in alert["Subject"]
    assert "RuntimeError: a bug in a step" in alert.get_content()
    with Session(desk.engine) as session:  # staff see who sent it and what about
        set_aside = session.exec(select(InboundMessage).where(InboundMessage.error != "")).one()
        requester = session.exec(select(Ticket).where(Ticket.ref == flagged["ref"])).one()
    assert "Bed Pasien" in set_aside.subject and set_aside.sender
    assert requester.requester_address == set_aside.sender
    desk.run_once(decide_steps=with_a_bug)
    assert len(desk.tickets()) == 2  # set aside means handled: not read again
    with Session(desk.engine) as session:
        listing = quarantine_table(session)
    assert "RuntimeError: a bug in a step" in listing

    # The fix is deployed: replay runs the pipeline's own steps.
    assert "replayed: ticket" in replay_entry(desk.settings, desk.engine, 1)

    kinds = sorted((t["kind"], t["status"]) for t in desk.tickets())
    assert ("forensic_test", "awaiting_documents") in kinds
    assert len(desk.answers()) == 3


def test_colleague_from_the_same_agency_may_follow_up(helpdesk: Callable[..., Helpdesk]) -> None:
    desk = helpdesk()
    with Session(desk.engine) as session:
        session.add(
            Agency(
                name="Dinas Kesehatan",
                domains='["dinkes.karawangkab.go.id"]',
                admin_email="admin@dinkes.karawangkab.go.id",
            )
        )
        session.commit()
    request = with_headers(
        sample(NO_DOCUMENTS), From="Ketua Pokja <ketua@dinkes.karawangkab.go.id>"
    )
    desk.receive(request)
    desk.run_once()
    [ticket] = desk.tickets()
    with Session(desk.engine) as session:
        stored = session.exec(select(Ticket)).one()
        assert stored.sender_known and stored.agency_id is not None

    colleague = with_headers(
        sample(WITH_DOCUMENTS),
        From="Sekretaris Pokja <sekretaris@dinkes.karawangkab.go.id>",
        Subject=f"Fwd: [{ticket['ref']}] berkas susulan",
    )
    desk.receive(colleague)
    desk.run_once()
    [ticket] = desk.tickets()
    assert ticket["complete"]


def test_database_outage_mid_message_leaves_it_unmarked_for_a_later_run(
    helpdesk: Callable[..., Helpdesk],
) -> None:
    desk = helpdesk()
    desk.receive(sample(WITH_DOCUMENTS))
    locked = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))

    def database_goes_away(act: Any) -> None:
        raise locked

    with pytest.raises(DatabaseUnavailableError):
        desk.run_once(act_steps=(database_goes_away, *pipeline.ACT[1:]))

    assert desk.tickets() == []
    with Session(desk.engine) as session:
        assert session.exec(select(QuarantineEntry)).all() == []
    unmarked = [p.name for p in desk.settings.mailbox.path.rglob("*") if p.is_file()]
    assert unmarked and not any(name.endswith("S") for name in unmarked)

    desk.run_once()  # the database is back
    assert len(desk.tickets()) == 1
    assert len(desk.answers()) == 1


def _stored_by(desk: Helpdesk, owner: str, *, minutes_ago: float = 0.0) -> None:
    with Session(desk.engine) as session:
        for row in session.exec(select(InboundMessage)).all():
            row.owner, row.read_at = owner, utcnow() - timedelta(minutes=minutes_ago)
            session.add(row)
        session.commit()


def _seen_flags(desk: Helpdesk) -> list[bool]:
    files = [p.name for p in desk.settings.mailbox.path.rglob("*") if p.is_file()]
    return [name.endswith("S") for name in files]


def test_a_copy_another_live_worker_just_stored_is_left_for_it_to_mark(
    helpdesk: Callable[..., Helpdesk],
) -> None:
    desk = helpdesk()
    desk.run_once()  # nothing yet: the database exists
    raw = sample(WITH_DOCUMENTS)
    desk.receive(raw)
    desk.run_once()
    assert _seen_flags(desk) == [True]
    desk.receive(raw)  # read again: a second copy of the same message (same Message-ID)
    _stored_by(desk, f"{socket.gethostname()}:1:feed")  # pid 1 lives: another worker
    desk.run_once()
    assert sorted(_seen_flags(desk)) == [False, True]  # its own worker marks it
    assert len(desk.tickets()) == 1

    _stored_by(desk, f"{socket.gethostname()}:1:feed", minutes_ago=11)  # it never did
    desk.run_once()
    assert _seen_flags(desk) == [True, True] and len(desk.tickets()) == 1


def test_a_copy_a_dead_worker_stored_is_marked_at_once(
    helpdesk: Callable[..., Helpdesk],
) -> None:
    desk = helpdesk()
    raw = sample(WITH_DOCUMENTS)
    desk.receive(raw)
    desk.run_once()
    desk.receive(raw)
    _stored_by(desk, f"{socket.gethostname()}:4194304:dead")  # past pid_max: no such process
    desk.run_once()
    assert _seen_flags(desk) == [True, True] and len(desk.tickets()) == 1
