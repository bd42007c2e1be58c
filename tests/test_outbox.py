"""Answers as bytes: our headers only, whatever the request's subject or name holds."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from helpdesk.answer_limits import answer_refusal
from helpdesk.answers import build_answer
from helpdesk.database import open_database
from helpdesk.errors import DeliveryError
from helpdesk.models import OutboxAnswer, Ticket, utcnow
from helpdesk.outbox import next_due, send_due
from helpdesk.settings import Settings
from helpdesk.transport import RecordingTransport, open_transport

HOSTILE = [
    "Uji forensik\r\nBcc: victim@evil.example",
    "Uji forensik\nBcc: victim@evil.example",
    "Uji forensik\u2028Bcc: victim@evil.example",
    "Uji forensik\x85Bcc: victim@evil.example",
    "Uji forensik\rX-Injected: yes",
]


def answer(subject: str, name: str = "Budi") -> bytes:
    return build_answer(
        Settings(),
        to_name=name,
        to_address="pokja2@karawangkab.go.id",
        subject=f"[HD-2026-00042] {subject}",
        body="Yth. Bapak/Ibu,\nTerima kasih.\n",
        message_id="HD-2026-00042.0123456789abcdef.0123456789abcdef0123@karawangkab.go.id",
        in_reply_to="CAFx1@mail.gmail.com",
        references=("older@mail.gmail.com",),
    )


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_subject_or_name_adds_no_header(hostile: str) -> None:
    raw = answer(hostile, name=hostile)
    msg = message_from_bytes(raw, policy=default)
    names = {key.lower() for key in msg.keys()}
    assert "bcc" not in names and "x-injected" not in names
    assert b"\nBcc:" not in raw and b"\nX-Injected" not in raw
    assert msg["Subject"].startswith("[HD-2026-00042] Uji forensik")


def test_answer_carries_thread_and_robot_headers() -> None:
    msg = message_from_bytes(answer("Uji forensik"), policy=default)
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["X-Auto-Response-Suppress"] == "All"
    assert msg["In-Reply-To"] == "<CAFx1@mail.gmail.com>"
    assert msg["References"] == "<older@mail.gmail.com> <CAFx1@mail.gmail.com>"
    assert msg["Message-ID"].endswith("@karawangkab.go.id>")
    assert msg["From"].addresses[0].addr_spec == "lpse@karawangkab.go.id"


def test_long_indonesian_subject_reads_back_with_its_own_spacing() -> None:
    subject = "Permohonan Perubahan Jadwal Tender 10349120 – Pembangunan Gedung Puskesmas"
    raw = answer(subject)
    msg = message_from_bytes(raw, policy=default)
    assert msg["Subject"] == f"[HD-2026-00042] {subject}"
    body_lines = raw.partition(b"\r\n\r\n")[2].split(b"\r\n")
    assert max(map(len, body_lines)) <= 78  # quoted-printable keeps its 76 columns


def test_unusable_recipient_is_refused() -> None:
    with pytest.raises(DeliveryError):
        build_answer(
            Settings(),
            to_name="x",
            to_address="a@b.c\r\nBcc: d@e.f",
            subject="s",
            body="b",
            message_id="m@x",
            in_reply_to=None,
            references=(),
        )


def test_file_transport_writes_one_file_per_answer(tmp_path: Path) -> None:
    settings = Settings.model_validate({"smtp": {"transport": "file", "dir": str(tmp_path)}})
    raw = answer("Uji")
    transport, message_id = open_transport(settings), "HD-2026-00042.a.b@karawangkab.go.id"
    for _ in range(2):
        transport.send(raw, recipient="x@y.z", message_id=message_id, accepted=lambda: None)
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1
    assert files[0].read_bytes() == raw


def test_an_answer_a_dead_sender_still_claims_is_due_when_its_claim_runs_out(
    db_url: str,
) -> None:
    engine = open_database(db_url)
    now = utcnow().replace(microsecond=0)
    with Session(engine) as session:
        ticket = Ticket(ref="HD-2026-00042", kind="other")
        session.add(ticket)
        session.flush()
        session.add(
            OutboxAnswer(
                ticket_id=ticket.id or 0,
                message_id="HD-2026-00042.a@karawangkab.go.id",
                raw=b"",
                next_attempt_at=now - timedelta(minutes=5),  # due, but ...
                claimed_until=now + timedelta(minutes=2),  # ... a killed sender holds it
            )
        )
        session.commit()
    due = next_due(engine)
    assert due is not None
    assert due.replace(tzinfo=None) == (now + timedelta(minutes=2)).replace(tzinfo=None)


def _pending_answer(engine: Engine, recipient: str = "pokja@dinkes.karawangkab.go.id") -> None:
    with Session(engine) as session:
        ticket = Ticket(ref="HD-2026-00043", kind="other")
        session.add(ticket)
        session.flush()
        now = utcnow()
        session.add(
            OutboxAnswer(
                ticket_id=ticket.id or 0,
                recipient=recipient,
                message_id="HD-2026-00043.a@karawangkab.go.id",
                raw=answer("Uji"),
                next_attempt_at=now,
                give_up_at=now + timedelta(hours=24),
            )
        )
        session.commit()


def test_a_refused_answer_waits_and_then_goes_out_once(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    _pending_answer(engine)
    transport = RecordingTransport()
    transport.fail_next(DeliveryError("SMTP server answered 451 try later", code=451))

    first = send_due(engine, Settings(), transport=transport)
    assert (first.sent, first.deferred, transport.sent) == (0, 1, [])
    later = utcnow() + timedelta(hours=1)
    assert send_due(engine, Settings(), now=later, transport=transport).sent == 1
    assert send_due(engine, Settings(), now=later, transport=transport).sent == 0
    [handed] = transport.sent
    assert handed.recipient == "pokja@dinkes.karawangkab.go.id"
    assert handed.raw == answer("Uji")


def test_a_permanent_refusal_fails_the_answer_and_blocks_the_address(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    _pending_answer(engine, recipient="gone@dinkes.karawangkab.go.id")
    transport = RecordingTransport()
    transport.fail_next(DeliveryError("550 no such user", code=550, permanent=True))

    assert send_due(engine, Settings(), transport=transport).failed == 1
    with Session(engine) as session:
        assert session.exec(select(OutboxAnswer.status)).one() == "failed"
        assert answer_refusal(session, Settings().limits, "gone@dinkes.karawangkab.go.id")
    assert send_due(engine, Settings(), all_pending=True, transport=transport).sent == 0
