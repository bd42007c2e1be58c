"""Closing the loop through real Dovecot, aiosmtpd and the CLI: follow-ups, staff actions
and the SLA's notices, as the requester and the LPSE would see them."""

from __future__ import annotations

import json
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from helpdesk.database import open_database
from helpdesk.models import Agency
from tests.support.bot import Bot, sample, with_headers
from tests.support.servers import ImapAccount, SmtpRecorder

pytestmark = pytest.mark.servers
BotFactory = Callable[..., Bot]


@pytest.fixture
def bot(
    tmp_path: Path,
    imap_account: ImapAccount,
    smtp_server: SmtpRecorder,
    sent_mail: list[EmailMessage],
) -> Bot:
    made = Bot(tmp_path, imap_account, smtp_server)
    made.write_settings()
    return made


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


def subject_of(message: EmailMessage) -> str:
    return str(message["Subject"]).strip()


def only_ticket(bot: Bot) -> str:
    [ticket] = bot.tickets()
    return str(ticket["ref"])


def test_follow_up_with_the_missing_minutes_completes_the_ticket(
    bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage]
) -> None:
    minutes_missing = sample("02-forensic-minutes-missing.eml")
    imap_account.append(minutes_missing)
    bot.run_once()
    ref = only_ticket(bot)
    assert bot.show(ref)["missing"] == ["forensic_minutes"]
    first = sent_mail[0]

    reply = with_headers(
        sample("01-forensic-complete-xlsx-pdf-rhs.eml"),
        From=str(first["To"]),
        Subject=f"Re: {subject_of(first)}",
        In_Reply_To=str(first["Message-ID"]).strip(),
        References=str(first["Message-ID"]).strip(),
    )
    imap_account.append(reply)
    bot.run_once()

    ticket = bot.show(only_ticket(bot))
    assert ticket["complete"] and ticket["status"] == "in_progress"
    assert len(sent_mail) == 2
    assert f"[{ref}]" in subject_of(sent_mail[1])
    assert "berkas lengkap" in text_of(sent_mail[1])


def test_resolved_schedule_change_tells_the_pokja_to_change_its_password(
    bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(sample("11-schedule-change-complete-xlsx.eml"))
    bot.run_once()
    ref = only_ticket(bot)

    bot.run("tickets", "resolve", ref, "--note", "Jadwal upload diubah.", "--by", "Dedi")

    assert len(sent_mail) == 2
    notice = text_of(sent_mail[1])
    assert "password" in notice.lower() and "segera" in notice.lower()
    ticket = bot.show(ref)
    assert ticket["status"] == "resolved"
    assert ticket["audit"][-1]["by"] == "Dedi"


def test_forensic_result_goes_back_with_the_attached_letter(
    bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage], tmp_path: Path
) -> None:
    imap_account.append(sample("01-forensic-complete-xlsx-pdf-rhs.eml"))
    bot.run_once()
    ref = only_ticket(bot)
    letter = tmp_path / "Surat Hasil Uji Forensik.pdf"
    letter.write_bytes(b"%PDF-1.4\n% hasil uji forensik\n%%EOF\n")

    bot.run("tickets", "resolve", ref, "--outcome", "opened", "--attach", str(letter))

    result = sent_mail[-1]
    attached = [(part.get_filename(), part.get_content()) for part in result.iter_attachments()]
    assert attached == [("Surat Hasil Uji Forensik.pdf", letter.read_bytes())]
    assert "berhasil dibuka" in text_of(result)


def test_escalation_tells_the_pokja_it_may_take_weeks(
    bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(sample("01-forensic-complete-xlsx-pdf-rhs.eml"))
    bot.run_once()
    ref = only_ticket(bot)
    bot.run("tickets", "escalate", ref)
    assert bot.show(ref)["status"] == "escalated"
    assert "minggu" in text_of(sent_mail[-1])


def test_password_reset_outcome_reaches_only_the_registered_administrator(
    bot: Bot, imap_account: ImapAccount, smtp_server: SmtpRecorder
) -> None:
    imap_account.append(sample("22-reset-complete-pdf.eml"))
    bot.run_once()
    ref = only_ticket(bot)
    requester = bot.show(ref)["requester"]

    refused = bot.run("tickets", "resolve", ref, check=False)
    assert refused.returncode == 1
    assert "No Administrator Agency address on record" in refused.stderr
    assert len(smtp_server.received) == 1  # nothing sent

    engine = open_database(f"sqlite:///{bot.folder / 'data' / 'helpdesk.sqlite3'}")
    with Session(engine) as session:
        session.add(
            Agency(
                name="Dinas Uji",
                domains=json.dumps([requester.split("@")[1]]),
                admin_name="Admin Terdaftar",
                admin_email="admin.terdaftar@example.id",
            )
        )
        session.commit()
    bot.run("tickets", "resolve", ref)

    outcome, notice = smtp_server.received[1], smtp_server.received[2]
    assert outcome.rcpt_tos == ("admin.terdaftar@example.id",)
    assert notice.rcpt_tos == (requester,)
    assert "admin.terdaftar@example.id" in text_of(notice.message) or "terdaftar" in text_of(
        notice.message
    )


def test_stranger_naming_someone_elses_ticket_gets_a_new_flagged_ticket(
    bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(sample("03-forensic-terlampir-no-attachment.eml"))
    bot.run_once()
    ref = only_ticket(bot)

    imap_account.append(
        with_headers(
            sample("02-forensic-minutes-missing.eml"), Subject=f"Re: [{ref}] mohon dibatalkan"
        )
    )
    bot.run_once()

    first, second = bot.tickets()
    assert first["ref"] == ref and first["missing"] == ["forensic_form", "forensic_minutes"]
    detail = bot.show(second["ref"])
    assert detail["linked_ref"] == ref and detail["needs_staff"]


def test_out_of_office_reply_to_our_answer_changes_nothing(
    bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(sample("03-forensic-terlampir-no-attachment.eml"))
    bot.run_once()
    before = bot.tickets()
    ours = sent_mail[0]
    imap_account.append(
        with_headers(
            sample("41-auto-out-of-office.eml"),
            From=str(ours["To"]),
            Subject=f"Out of Office: {subject_of(ours)}",
            In_Reply_To=str(ours["Message-ID"]).strip(),
        )
    )
    bot.run_once()
    assert bot.tickets() == before
    assert len(sent_mail) == 1


def test_monthly_log_opens_with_one_row_per_ticket_and_no_credentials(
    bot: Bot, imap_account: ImapAccount, tmp_path: Path
) -> None:
    password = "Rahasia#2026"
    with_password = with_headers(
        sample("19-problem-no-form-terse.eml"),
        Subject=f"mohon bantu ubah jadwal, user: pokja7 password: {password}",
    )
    for raw in (sample("01-forensic-complete-xlsx-pdf-rhs.eml"), with_password):
        imap_account.append(raw)
    bot.run_once()
    log = tmp_path / "rekap.xlsx"
    today = bot.tickets()[0]["created_at"][:10]

    bot.run("export", str(log), "--from", "2000-01-01", "--to", "2099-12-31")

    book = load_workbook(log, read_only=True)
    cells = [
        str(c)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    refs = {t["ref"] for t in bot.tickets()}
    assert refs <= set(cells)
    assert not any(password in c for c in cells)
    assert today
