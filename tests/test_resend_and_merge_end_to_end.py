"""A request sent again joins its open ticket; staff merge what the bot could not know
belongs together. Through real Dovecot, aiosmtpd and the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from email.message import EmailMessage

import pytest

from tests.support.bot import Bot, plain_text, sample, with_headers
from tests.support.servers import ImapAccount

pytestmark = pytest.mark.servers
MINUTES_MISSING = "02-forensic-minutes-missing.eml"  # Rina, kode tender 10311877
WITH_MINUTES = "01-forensic-complete-xlsx-pdf-rhs.eml"


def text_of(message: EmailMessage) -> str:
    return " ".join(plain_text(message).split())


def test_a_resend_joins_its_open_ticket_and_says_so(
    db_bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage]
) -> None:
    request = sample(MINUTES_MISSING)
    imap_account.append(request)
    db_bot.run_once()
    [ticket] = db_bot.tickets()
    resend = with_headers(request, Message_ID="<kirim-ulang-1@karawangkab.go.id>")
    path = db_bot.folder / "resend.eml"
    path.write_bytes(resend)
    checked = json.loads(db_bot.run("check", str(path), "--json").stdout)
    assert any(f"a resend of open ticket {ticket['ref']}" in r for r in checked["reasons"])

    imap_account.append(resend)
    db_bot.run_once()

    assert [t["ref"] for t in db_bot.tickets()] == [ticket["ref"]]  # no second ticket
    shown = db_bot.show(ticket["ref"])
    assert len(shown["messages"]) == 2
    assert "followup" in [entry["action"] for entry in shown["audit"]]
    answer = sent_mail[-1]
    assert len(sent_mail) == 2 and f"[{ticket['ref']}]" in str(answer["Subject"])
    words = text_of(answer)
    assert "pengiriman ulang" in words and "tidak dibuat tiket baru" in words
    assert "Berita Acara Uji Forensik" in words  # and what is still missing

    again = with_headers(request, Message_ID="<kirim-ulang-2@karawangkab.go.id>")
    imap_account.append(again)
    db_bot.run_once()
    assert len(sent_mail) == 2  # told once a day, not for every copy


def test_merge_moves_the_documents_and_completes_the_other_ticket(
    db_bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(sample(MINUTES_MISSING))
    colleague = with_headers(
        sample(WITH_MINUTES),
        From="Sekretaris Pokja 1 <sekretaris.pokja1@karawangkab.go.id>",
        Subject="BA uji forensik pokja 1",
    )
    imap_account.append(colleague)
    db_bot.run_once()
    by_sender = {t["requester"]: t for t in db_bot.tickets()}
    waiting = by_sender["pokja1.ukpbj@karawangkab.go.id"]
    extra = by_sender["sekretaris.pokja1@karawangkab.go.id"]
    assert waiting["missing"] == ["forensic_minutes"]
    answered = len(sent_mail)

    merged = db_bot.run("tickets", "merge", extra["ref"], "--into", waiting["ref"], "--by", "Dedi")
    assert waiting["ref"] in merged.stdout

    target, closed = db_bot.show(waiting["ref"]), db_bot.show(extra["ref"])
    assert target["complete"] and target["missing"] == [] and target["status"] == "in_progress"
    assert len(target["messages"]) == 2
    assert closed["status"] == "resolved" and closed["linked_ref"] == waiting["ref"]
    assert ("Dedi", "merged") in [(e["by"], e["action"]) for e in target["audit"]]
    assert ("Dedi", "merged") in [(e["by"], e["action"]) for e in closed["audit"]]
    [complete] = sent_mail[answered:]
    assert str(complete["To"]).endswith("<pokja1.ukpbj@karawangkab.go.id>")
    assert "berkas lengkap" in text_of(complete)
    found = json.loads(db_bot.run("tickets", "search", "Karya Mandiri", "--json").stdout)
    assert waiting["ref"] in [hit["ref"] for hit in found]  # the moved mail's words too

    refused = db_bot.run("tickets", "merge", waiting["ref"], "--into", waiting["ref"], check=False)
    assert refused.returncode == 1 and "itself" in refused.stderr
