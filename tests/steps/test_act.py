"""The ACT steps on an in-memory database: the rows one decided message leaves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine, select

from helpdesk.act import (
    Act,
    queue_reply,
    record_flagged,
    record_message,
    record_ticket,
    store_attachments,
)
from helpdesk.database import migrate
from helpdesk.decision import AttachmentVerdict, Decision
from helpdesk.domain import AnswerEvent, Kind, TicketStatus
from helpdesk.mailbox import RawMessage
from helpdesk.models import AuditEntry, InboundMessage, OutboxAnswer, QuarantineEntry, Ticket
from helpdesk.pipeline import ACT
from helpdesk.search import search
from helpdesk.settings import Settings, settings_from_dict
from parsers.message import parse_message
from tests.support.files import pdf
from tests.support.messages import mail_bytes

SECRET = b"a test secret"
ARRIVED = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    migrate(engine)  # the real schema, the search index included
    with Session(engine) as session:
        yield session


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_from_dict({"helpdesk": {"data_dir": str(tmp_path)}})


def act_on(
    session: Session, settings: Settings, raw: bytes, decision: Decision, uid: str = "7"
) -> Act:
    message = parse_message(raw)
    inbox = RawMessage("INBOX", 1, uid, raw, ARRIVED)
    return Act(session, settings, SECRET, inbox, "mail/x.eml", f"key-{uid}", message, decision)


def forensic(*documents: str) -> Decision:
    verdicts = [AttachmentVerdict(f"{doc}.pdf", (doc,), sha256=doc) for doc in documents]
    wanted = ("forensic_form", "forensic_minutes")
    missing = [doc for doc in wanted if doc not in documents]
    return Decision(kind=Kind.FORENSIC_TEST, attachments=verdicts, missing=missing)


def test_a_new_request_opens_a_ticket_and_queues_its_answer(
    session: Session, settings: Settings
) -> None:
    act = act_on(session, settings, mail_bytes("Uji forensik 10283561"), forensic("forensic_form"))
    for step in ACT:
        step(act)
    ticket = session.exec(select(Ticket)).one()
    assert (ticket.ref, ticket.kind, ticket.status) == (
        "HD-2026-00001",
        Kind.FORENSIC_TEST,
        TicketStatus.AWAITING_DOCUMENTS,
    )
    assert json.loads(ticket.missing) == ["forensic_minutes"]
    [answer] = session.exec(select(OutboxAnswer)).all()
    assert answer.event == AnswerEvent.INCOMPLETE
    assert answer.recipient == "budi@dinkes.karawangkab.go.id"
    assert "[HD-2026-00001]" in answer.subject
    inbound = session.exec(select(InboundMessage)).one()
    assert inbound.ticket_id == ticket.id and inbound.answered


def test_automatic_mail_is_recorded_without_ticket_or_answer(
    session: Session, settings: Settings
) -> None:
    act = act_on(session, settings, mail_bytes("Out of office"), Decision(kind=Kind.AUTOMATIC))
    for step in ACT:
        step(act)
    assert session.exec(select(InboundMessage.kind)).one() == "automatic"
    assert session.exec(select(Ticket)).all() == []
    assert session.exec(select(OutboxAnswer)).all() == []


def test_a_follow_up_with_the_missing_document_completes_its_ticket(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    first = act_on(session, settings, mail_bytes("Uji forensik"), forensic("forensic_form"))
    for step in ACT:
        step(first)
    ref = session.exec(select(Ticket.ref)).one()
    minutes = pdf("BERITA ACARA UJI FORENSIK")
    follow_up = forensic("forensic_minutes")
    follow_up.ticket_ref = ref
    raw = mail_bytes(f"Re: [{ref}] BA susulan", attachments={"BA.pdf": minutes})
    second = act_on(session, settings, raw, follow_up, uid="8")
    for step in (record_message, record_ticket, store_attachments):
        step(second)
    assert second.joined and second.answer_event == AnswerEvent.DOCUMENTS_COMPLETE
    ticket = session.exec(select(Ticket)).one()
    assert ticket.complete and ticket.status == TicketStatus.IN_PROGRESS
    assert "followup" in session.exec(select(AuditEntry.action)).all()
    assert list((tmp_path / "attachments").iterdir())  # the bytes kept, by their hash


def test_mail_from_before_the_cut_over_gets_a_ticket_but_no_answer(tmp_path: Path) -> None:
    later = settings_from_dict(
        {"helpdesk": {"data_dir": str(tmp_path), "answer_mail_since": "2027-01-01T00:00:00Z"}}
    )
    engine = create_engine("sqlite://", poolclass=StaticPool)
    migrate(engine)
    with Session(engine) as session:
        act = act_on(session, later, mail_bytes("Uji forensik"), forensic())
        for step in ACT:
            step(act)
        assert session.exec(select(Ticket)).one()
        assert session.exec(select(OutboxAnswer)).all() == []
    assert any("arrived before the cut-over" in reason for reason in act.decision.reasons)


def test_an_unusable_sender_address_is_flagged_for_staff_not_answered(
    session: Session, settings: Settings
) -> None:
    raw = mail_bytes("Uji forensik", sender="Budi <budi@>")
    act = act_on(session, settings, raw, forensic())
    record_message(act)
    record_ticket(act)
    queue_reply(act)
    ticket = session.exec(select(Ticket)).one()
    assert ticket.needs_staff and "alamat pengirim tidak dapat dipakai" in ticket.staff_note
    assert session.exec(select(OutboxAnswer)).all() == []


def test_a_flagged_message_keeps_its_sender_and_a_quarantine_entry(
    session: Session, settings: Settings
) -> None:
    raw = mail_bytes("Permohonan reset password")
    inbox = RawMessage("INBOX", 1, "9", raw, ARRIVED)
    ticket = record_flagged(
        session, settings, inbox, "mail/y.eml", "key-9", "RuntimeError: a bug", parse_message(raw)
    )
    assert ticket.needs_staff and ticket.requester_address == "budi@dinkes.karawangkab.go.id"
    inbound = session.exec(select(InboundMessage)).one()
    assert inbound.error == "RuntimeError: a bug" and inbound.ticket_id == ticket.id
    entry = session.exec(select(QuarantineEntry)).one()
    assert entry.ticket_id == ticket.id and entry.location == "INBOX/1/9"


def test_a_new_ticket_is_found_by_its_mail_and_files(session: Session, settings: Settings) -> None:
    raw = mail_bytes("Uji forensik 10283561", "Peserta PT Sinar Galuh gagal membuka file.")
    decision = forensic("forensic_form")
    decision.attachments[0] = replace(decision.attachments[0], text="FORMULIR UJI FORENSIK")
    act = act_on(session, settings, raw, decision)
    for step in ACT:
        step(act)
    for words in ("10283561", "sinar galuh", "formulir uji", "budi@dinkes.karawangkab.go.id"):
        assert [hit.ref for hit in search(session, words)] == ["HD-2026-00001"], words


def test_a_flagged_message_is_found_by_its_sender(session: Session, settings: Settings) -> None:
    raw = mail_bytes("Permohonan reset password")
    inbox = RawMessage("INBOX", 1, "9", raw, ARRIVED)
    record_flagged(session, settings, inbox, "mail/y.eml", "key-9", "broken", parse_message(raw))
    assert [hit.ref for hit in search(session, "budi@dinkes.karawangkab.go.id")] == [
        "HD-2026-00001"
    ]
