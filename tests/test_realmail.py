"""Real-world mail from public mail-parsing test suites (tests/realmail: bounces of many
MTAs, complaint reports, auto-replies, newsletters, human mail), through Dovecot, a real
`helpdesk run --once` and aiosmtpd: no automatic message is answered, none crashes or
hangs the bot, and every message is handled or flagged for staff (issue 14, point 3)."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, func, select

from helpdesk.database import create_db_engine
from helpdesk.models import InboundMessage
from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings
from tests.support.bot import Bot
from tests.support.servers import ImapAccount, SmtpRecorder

REALMAIL = Path(__file__).parent / "realmail"
LABELS: dict[str, dict[str, Any]] = json.loads((REALMAIL / "labels.json").read_text("utf-8"))


def header(raw: bytes, name: str) -> str:
    return " ".join(str(message_from_bytes(raw, policy=policy.compat32)[name] or "").split())


def test_no_automatic_message_is_read_as_a_request() -> None:
    settings = Settings()
    missed, robots = [], []
    for name, label in LABELS.items():
        try:
            decision = check_bytes((REALMAIL / name).read_bytes(), settings)
        except Exception:  # not mail at all: the run flags it (below); nothing to answer
            continue
        if label["automatic"] is True and not decision.automatic:
            missed.append(name)
        if label["automatic"] is False and decision.automatic:
            robots.append(name)
    assert missed == [] and robots == []


@pytest.mark.servers
def test_a_real_run_answers_no_robot_and_loses_nothing(
    tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpRecorder,
    sent_mail: list[EmailMessage],
) -> None:  # fmt: skip
    bot = Bot(tmp_path, imap_account, smtp_server)
    bot.write_settings()
    people_ids, people = set(), set()  # Message-IDs and senders of mail not automatic
    for name, label in LABELS.items():
        raw = (REALMAIL / name).read_bytes()
        imap_account.append(raw)
        if label["automatic"] is not True:
            people_ids.add(header(raw, "Message-ID").strip("<>"))
            people.add(parseaddr(header(raw, "From"))[1].lower())
    result = bot.run("run", "--once")
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    for answer in sent_mail:  # each answer answers a person, never a robot
        cause = " ".join(str(answer["In-Reply-To"] or "").split()).strip("<>")
        to = parseaddr(str(answer["To"]))[1].lower()
        assert cause in people_ids or (not cause and to in people), (cause, to)
    # Every message was stored (a ticket, an automatic record or a flag) and marked.
    engine = create_db_engine(f"sqlite:///{tmp_path / 'data' / 'helpdesk.sqlite3'}")
    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(InboundMessage)).one()
    assert stored >= len(LABELS) - _duplicates()
    assert all("\\Seen" in m.flags for m in imap_account.fetch_all())


def _duplicates() -> int:
    """Files that are byte-for-byte or Message-ID copies of another (one row for both)."""
    seen: set[str] = set()
    copies = 0
    for name in LABELS:
        raw = (REALMAIL / name).read_bytes()
        key = header(raw, "Message-ID") or str(hash(raw))
        copies += key in seen
        seen.add(key)
    return copies
