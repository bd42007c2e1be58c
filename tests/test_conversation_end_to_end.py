"""The conversation with staff through real Dovecot, aiosmtpd and the CLI, on SQLite and
PostgreSQL: an officer asks back, the requester answers, the officer replies."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.support.bot import Bot, plain_text, sample, with_headers
from tests.support.servers import ImapAccount

pytestmark = pytest.mark.servers
REQUEST = "02-forensic-minutes-missing.eml"


text_of = plain_text


def header(message: EmailMessage, name: str) -> str:
    return " ".join(str(message[name]).split())


def test_ask_then_the_requesters_answer_then_a_reply_stay_in_one_thread(
    db_bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage], tmp_path: Path
) -> None:
    request = sample(REQUEST)
    imap_account.append(request)
    db_bot.run_once()
    [ticket] = db_bot.tickets()
    ref = ticket["ref"]
    request_id = header(sent_mail[0], "In-Reply-To")  # the bot answered the request first

    question_text = "Mohon kirimkan BA yang sudah ditandatangani."
    asked = db_bot.run("tickets", "ask", ref, "--text", question_text, "--by", "Dedi")
    assert "awaiting_requester" in asked.stdout
    question = sent_mail[1]
    assert header(question, "Subject").startswith(f"[{ref}]")
    assert header(question, "In-Reply-To") == request_id
    assert request_id in header(question, "References")
    assert header(question, "Message-ID").startswith(f"<{ref}.")
    words = text_of(question)
    assert words.startswith("Yth. Bapak/Ibu")
    assert "Mohon kirimkan BA yang sudah ditandatangani." in words
    assert "Menunggu Jawaban Pemohon" in words and "Hormat kami" in words
    assert db_bot.show(ref)["status"] == "awaiting_requester"

    answer = with_headers(
        request,
        Subject=f"Re: {header(question, 'Subject')}",
        Message_ID="<jawaban-pokja-1@mail.gmail.com>",
        In_Reply_To=header(question, "Message-ID"),
        References=header(question, "Message-ID"),
    )
    imap_account.append(answer)
    db_bot.run_once()
    shown = db_bot.show(ref)
    assert shown["status"] == "in_progress"
    assert len(shown["messages"]) == 2  # the requester's answer is on the ticket
    assert len(sent_mail) == 2  # and the bot did not answer it by itself

    letter = tmp_path / "Surat Balasan.pdf"
    letter.write_bytes(b"%PDF-1.4\n% surat balasan\n")
    replied = db_bot.run(
        "tickets", "reply", ref, "--text", "-", "--attach", str(letter), "--by", "Dedi",
        stdin="Terima kasih, berkas sudah kami terima\ndan sedang kami proses.\n",
    )
    assert "in_progress" in replied.stdout
    reply = sent_mail[2]
    assert header(reply, "In-Reply-To") == "<jawaban-pokja-1@mail.gmail.com>"
    assert "Terima kasih, berkas sudah kami terima\ndan sedang kami proses." in text_of(reply)
    assert [part.get_filename() for part in reply.iter_attachments()] == ["Surat Balasan.pdf"]
    history = [(entry["by"], entry["action"]) for entry in db_bot.show(ref)["audit"]]
    assert ("Dedi", "asked") in history and ("Dedi", "replied") in history


def test_a_canned_answer_is_filled_in_for_the_ticket(
    db_bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(sample(REQUEST))
    db_bot.run_once()
    [ticket] = db_bot.tickets()
    listed = db_bot.run("tickets", "canned").stdout
    assert "cara_uji_forensik" in listed
    db_bot.run("tickets", "reply", ticket["ref"], "--canned", "scan_tidak_terbaca", "--by", "Dedi")
    assert "hasil pindaian yang lebih jelas" in text_of(sent_mail[-1]).replace("\n", " ")
    refused = db_bot.run("tickets", "reply", ticket["ref"], "--canned", "tidak_ada", check=False)
    assert refused.returncode == 2 and "scan_tidak_terbaca" in refused.stderr


def test_the_sla_clock_runs_in_working_time_from_the_mails_arrival(
    db_bot: Bot, imap_account: ImapAccount
) -> None:
    from datetime import datetime, timedelta, timezone

    wib = timezone(timedelta(hours=7))
    # The mail reached the server on Saturday 5 December 2026, 10.00 WIB (Dovecot's
    # INTERNALDATE): the office opens again on Monday 7 December at 08.00.
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=wib)
    imap_account.append(sample("11-schedule-change-complete-xlsx.eml"), internal_date=saturday)
    db_bot.run_once()
    [ticket] = db_bot.tickets()
    assert ticket["first_answer_due"] == "2026-12-07T05:00:00Z"  # Monday 12.00 WIB: 4 h
    assert ticket["resolution_due"] == "2026-12-07T09:00:00Z"  # Monday 16.00 WIB: 8 h
    # Past now: shown as late, by so much working time ("terlambat 46 menit kerja").
    assert ticket["overdue"] and ticket["sla"].startswith("terlambat ")
    assert ticket["sla"].endswith(" kerja")
    listing = db_bot.run("tickets", "list").stdout
    assert "terlambat" in listing and "jam kerja" in listing  # the legend says how it counts
