"""The bot's backbone through real Dovecot, aiosmtpd and SQLite, driving the real CLI.

Each test reads like what an LPSE would notice: tickets, answers at the SMTP server,
flags on the IMAP server.
"""

from __future__ import annotations

import sqlite3
from email.message import EmailMessage

import pytest

from tests.conftest import BotFactory
from tests.support.bot import sample, stop_watching, wait_until, with_headers
from tests.support.servers import ImapAccount, SmtpRecorder

pytestmark = pytest.mark.servers

REQUESTS = {
    "01-forensic-complete-xlsx-pdf-rhs.eml": "forensic_test",
    "11-schedule-change-complete-xlsx.eml": "problem_report",
    "22-reset-complete-pdf.eml": "password_reset",
    "03-forensic-terlampir-no-attachment.eml": "forensic_test",
}
ROBOTS = ["41-auto-out-of-office.eml", "42-auto-dsn-bounce.eml", "44-auto-own-helpdesk-reply.eml"]


def seen(account: ImapAccount, folder: str = "INBOX") -> list[bool]:
    return ["\\Seen" in message.flags for message in account.fetch_all(folder)]


def test_each_request_gets_one_ticket_and_one_answer(
    imap_account: ImapAccount, make_bot: BotFactory, sent_mail: list[EmailMessage]
) -> None:
    for name in [*REQUESTS, *ROBOTS]:
        imap_account.append(sample(name))
    bot = make_bot(imap_account)

    bot.run_once()

    tickets = bot.tickets()
    assert sorted(t["kind"] for t in tickets) == sorted(REQUESTS.values())
    assert len(sent_mail) == len(REQUESTS)
    refs = {t["ref"] for t in tickets}
    for answer in sent_mail:
        ref = str(answer["Subject"]).strip().split("]", 1)[0].lstrip("[")
        assert ref in refs
        assert answer["Auto-Submitted"] == "auto-replied"
        assert answer["In-Reply-To"]
        assert answer["From"].addresses[0].addr_spec == "lpse@karawangkab.go.id"
        assert answer["Message-ID"].endswith("@karawangkab.go.id>")
    incomplete = next(t for t in tickets if not t["complete"])
    assert incomplete["missing"] == ["forensic_form", "forensic_minutes"]
    assert all(seen(imap_account))

    bot.run_once()  # nothing new: no ticket, no answer

    assert len(bot.tickets()) == len(REQUESTS)
    assert len(sent_mail) == len(REQUESTS)


def test_answer_goes_to_the_from_address_not_reply_to(
    imap_account: ImapAccount, make_bot: BotFactory, smtp_server: SmtpRecorder
) -> None:
    raw = sample("22-reset-complete-pdf.eml").replace(
        b"\r\nSubject:", b"\r\nReply-To: someone-else@example.com\r\nSubject:", 1
    )
    imap_account.append(raw)
    bot = make_bot(imap_account)
    bot.run_once()
    [received] = smtp_server.received
    requester = bot.tickets()[0]["requester"]
    assert received.rcpt_tos == (requester,)


def test_crash_after_commit_before_marking_gives_one_ticket_one_answer(
    imap_account: ImapAccount, make_bot: BotFactory, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(sample("11-schedule-change-complete-xlsx.eml"))
    bot = make_bot(imap_account)

    code = bot.crash_run_once("helpdesk.mailbox.imap.ImapMailbox.mark_processed")

    assert code != 0  # killed
    assert len(bot.tickets()) == 1
    assert seen(imap_account) == [False]
    assert sent_mail == []

    bot.run_once()

    assert len(bot.tickets()) == 1
    assert len(sent_mail) == 1
    assert seen(imap_account) == [True]


def test_message_the_bot_dies_on_is_set_aside_after_three_tries(
    imap_account: ImapAccount, make_bot: BotFactory, sent_mail: list[EmailMessage]
) -> None:
    poison = with_headers(sample("01-forensic-complete-xlsx-pdf-rhs.eml"), Subject="RACUN")
    imap_account.append(poison)
    imap_account.append(sample("11-schedule-change-complete-xlsx.eml"))
    bot = make_bot(imap_account, helpdesk={"staff_address": "staf@karawangkab.go.id"})

    for _ in range(3):  # systemd would restart it each time
        assert bot.crash_run_once("helpdesk.act.store_attachments", marker="RACUN") != 0
    assert bot.tickets() == []

    bot.run_once()  # the fourth try does not act on it again: set aside, and on to the next

    tickets = bot.tickets()
    assert sorted(t["needs_staff"] for t in tickets) == [False, True]
    assert seen(imap_account) == [True, True]
    assert sorted(m["To"].addresses[0].addr_spec for m in sent_mail) == [
        "iisnurhayati.pokja2@gmail.com",
        "staf@karawangkab.go.id",
    ]
    [alert] = [m for m in sent_mail if m["To"].addresses[0].username == "staf"]
    assert "3" in alert.get_content() and "INBOX/" in alert.get_content()
    bot.run_once()
    assert len(bot.tickets()) == 2 and len(sent_mail) == 2


def test_crash_between_commit_and_sending_gives_one_answer(
    imap_account: ImapAccount, make_bot: BotFactory, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(sample("01-forensic-complete-xlsx-pdf-rhs.eml"))
    bot = make_bot(imap_account)

    bot.crash_run_once("helpdesk.runner.send_due")

    assert len(bot.tickets()) == 1
    assert "pending" in bot.run("outbox", "list").stdout
    bot.run_once()
    bot.run_once()
    assert len(sent_mail) == 1
    assert len(bot.tickets()) == 1


def test_crash_after_the_smtp_server_took_the_answer_does_not_send_it_again(
    imap_account: ImapAccount, make_bot: BotFactory, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(sample("01-forensic-complete-xlsx-pdf-rhs.eml"))
    bot = make_bot(imap_account)

    # Killed after the server's 250, before the outbox row says "sent".
    assert bot.crash_run_once("helpdesk.outbox._record") != 0
    assert len(sent_mail) == 1
    database = sqlite3.connect(bot.folder / "data" / "helpdesk.sqlite3")
    with database:  # the dead sender's claim has run out
        database.execute("UPDATE outboxanswer SET claimed_until = NULL")
    database.close()

    bot.run_once()

    assert len(sent_mail) == 1
    assert "kosong" in bot.run("outbox", "list").stdout  # recorded as sent: none pending


def test_smtp_outage_delays_answers_without_losing_them(
    imap_account: ImapAccount,
    make_bot: BotFactory,
    smtp_server: SmtpRecorder,
    sent_mail: list[EmailMessage],
) -> None:
    imap_account.append(sample("22-reset-complete-pdf.eml"))
    imap_account.append(sample("01-forensic-complete-xlsx-pdf-rhs.eml"))
    bot = make_bot(imap_account)
    smtp_server.stop()

    bot.run_once()

    assert len(bot.tickets()) == 2
    assert all(seen(imap_account))  # handled: the answers wait in the outbox
    waiting = bot.run("outbox", "list").stdout
    assert waiting.count("pending") == 2
    assert "SMTP" in waiting

    smtp_server.start()
    smtp_server.fail_next("data", 451)  # a grey-listing style refusal on the way back
    bot.run("outbox", "flush", check=False)
    bot.run("outbox", "flush")

    assert len(sent_mail) == 2
    assert "kosong" in bot.run("outbox", "list").stdout  # nothing waits any more
    bot.run_once()
    assert len(sent_mail) == 2


def test_uidvalidity_change_does_not_duplicate_tickets(
    imap_account: ImapAccount, make_bot: BotFactory, sent_mail: list[EmailMessage]
) -> None:
    folder = "Permohonan"  # Dovecot cannot delete INBOX; any folder the bot watches will do
    for name in ["22-reset-complete-pdf.eml", "13-problem-hps-re-reply-rup-distractor.eml"]:
        imap_account.append(sample(name), folder=folder)
    bot = make_bot(imap_account, folder=folder)
    bot.run_once()
    before = imap_account.uidvalidity(folder)

    # Recreated (a server migration): the same mail, a new UIDVALIDITY, UIDs from 1 again.
    assert imap_account.recreate_folder(folder) != before
    for stored in imap_account.fetch_all(folder):
        imap_account.set_flags(stored.uid, folder, remove=["\\Seen"])  # flags lost too
    imap_account.append(sample("36-data-request-complete.eml"), folder=folder)
    bot.run_once()

    assert sorted(t["kind"] for t in bot.tickets()) == [
        "data_request",
        "password_reset",
        "problem_report",
    ]
    assert len(sent_mail) == 3
    assert all(seen(imap_account, folder))


def test_processed_mail_moves_to_the_processed_folder(
    imap_account: ImapAccount, make_bot: BotFactory, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(sample("32-additional-admin-complete.eml"))
    bot = make_bot(imap_account, processed_folder="Diproses")
    bot.run_once()
    assert imap_account.fetch_all("INBOX") == []
    assert len(imap_account.fetch_all("Diproses")) == 1
    assert len(sent_mail) == 1


def test_idle_answers_new_mail_without_waiting_for_a_poll(
    imap_account: ImapAccount, make_bot: BotFactory, sent_mail: list[EmailMessage]
) -> None:
    bot = make_bot(imap_account, poll_interval=3600.0, sweep_interval=3600.0)
    watcher = bot.watch()
    try:
        assert wait_until(lambda: (bot.folder / "data" / "helpdesk.sqlite3").exists())
        imap_account.append(sample("22-reset-complete-pdf.eml"))
        # Far less than the hour-long poll and sweep intervals: only IDLE can explain it.
        assert wait_until(lambda: len(sent_mail) == 1, timeout=90)
    finally:
        code, stderr = stop_watching(watcher)
    assert code == 0, stderr


def test_watching_survives_a_dovecot_restart(
    imap_account: ImapAccount, make_bot: BotFactory, sent_mail: list[EmailMessage]
) -> None:
    bot = make_bot(imap_account, poll_interval=3600.0, sweep_interval=3600.0)
    watcher = bot.watch()
    try:
        imap_account.append(sample("22-reset-complete-pdf.eml"))
        assert wait_until(lambda: len(sent_mail) == 1, timeout=90)

        imap_account.server.restart()
        imap_account.append(sample("32-additional-admin-complete.eml"))

        assert wait_until(lambda: len(sent_mail) == 2, timeout=120)
    finally:
        code, stderr = stop_watching(watcher)
    assert code == 0, stderr
    assert len(bot.tickets()) == 2


def test_broken_message_becomes_a_flagged_ticket_and_the_run_goes_on(
    imap_account: ImapAccount, make_bot: BotFactory, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(b"\x00\xff garbage that is no mail at all \r\n\r\n\x00")
    imap_account.append(sample("22-reset-complete-pdf.eml"))
    bot = make_bot(imap_account)
    bot.run_once()
    tickets = bot.tickets()
    assert len(tickets) == 2
    assert len(sent_mail) == 1
    assert all(seen(imap_account))


def test_crafted_subject_and_name_add_no_header_to_the_answer_sent(
    imap_account: ImapAccount, make_bot: BotFactory, smtp_server: SmtpRecorder
) -> None:
    crafted = with_headers(
        sample("22-reset-complete-pdf.eml"),
        Subject="=?utf-8?q?Reset_password=0D=0ABcc=3A_victim=40evil=2Eexample?=",
        From="=?utf-8?q?Admin=0D=0AX-Injected=3A_yes?= <admin.dinkes@karawangkab.go.id>",
    )
    imap_account.append(crafted)
    make_bot(imap_account).run_once()

    [received] = smtp_server.received
    assert received.rcpt_tos == ("admin.dinkes@karawangkab.go.id",)
    head = received.raw.split(b"\r\n\r\n", 1)[0].lower()
    assert b"\nbcc:" not in head and b"\nx-injected:" not in head
    # The crafted text survives only as words inside our one Subject line.
    assert str(received.message["Subject"]).strip().startswith("[HD-")
    assert received.message["Bcc"] is None and received.message["X-Injected"] is None
