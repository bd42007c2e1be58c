"""Scans and photos through real Dovecot, aiosmtpd and `helpdesk run`: a request whose
documents are a scan named scan0001.pdf and a phone photo is answered complete; one with
a blank scan is answered incomplete, naming the file and asking for a clearer scan."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from parsers.ocr import tesseract_available
from tests.support.bot import Bot, plain_text
from tests.support.messages import mail_bytes
from tests.support.scans import blank_scan, decree_photo, letter_scan
from tests.support.servers import ImapAccount, SmtpRecorder

pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(not tesseract_available(), reason="tests/run.sh installs tesseract"),
]


def request(**files: bytes) -> bytes:
    return mail_bytes(
        "Permohonan Penggantian Administrator Agency Kecamatan Telagasari",
        "Dengan hormat, terlampir surat permohonan dan SK penunjukan admin agency baru.",
        sender="Camat Telagasari <kec.telagasari@karawangkab.go.id>",
        attachments=files,
    )


@pytest.fixture
def bot(tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpRecorder) -> Bot:
    made = Bot(tmp_path, imap_account, smtp_server)
    made.write_settings()
    return made


def test_a_scan_and_a_phone_photo_make_a_complete_request(
    bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage], tmp_path: Path
) -> None:
    imap_account.append(
        request(**{"scan0001.pdf": letter_scan(), "IMG_20261125_093211.jpg": decree_photo()})
    )
    bot.run_once()
    [ticket] = bot.tickets()
    assert ticket["complete"] and ticket["missing"] == []
    [answer] = sent_mail
    words = plain_text(answer)
    assert "belum lengkap" not in words
    assert '"scan0001.pdf": Surat Permohonan Penggantian Personil Administrator Agency' in words
    shown = bot.show(ticket["ref"])
    assert "read 'IMG_20261125_093211.jpg' by OCR" not in shown["reasons"]  # staff: Indonesian
    assert "'IMG_20261125_093211.jpg' dibaca dengan OCR" in shown["reasons"]
    # Read once: the text is kept by the image's hash for check, replay and follow-ups.
    assert len(list((tmp_path / "data" / "ocr").glob("*/*.txt"))) == 2


def test_a_blank_scan_is_answered_incomplete_naming_the_file(
    bot: Bot, imap_account: ImapAccount, sent_mail: list[EmailMessage]
) -> None:
    imap_account.append(request(**{"00023.pdf": blank_scan(), "SK.jpg": decree_photo()}))
    bot.run_once()
    [ticket] = bot.tickets()
    assert ticket["missing"] == ["replacement_letter"]
    words = " ".join(plain_text(sent_mail[0]).split())
    assert "belum lengkap" in words
    assert '"00023.pdf": tidak dapat kami baca' in words
    assert "mohon kirim ulang hasil pindaian yang lebih jelas" in words


def test_staff_see_what_ocr_read_folded_on_the_ticket(tmp_path: Path) -> None:
    from tests.support.web_desk import WebDesk

    web = WebDesk(tmp_path)
    web.account("Dedi")
    web.receive(request(**{"scan0001.pdf": letter_scan()}))
    ref = web.desk.tickets()[0]["ref"]
    page = web.logged_in("Dedi").get(f"/tickets/{ref}").text
    folded = page[page.index("<details><summary>Teks hasil OCR dari scan0001.pdf") :]
    assert "Penggantian Personil Administrator Agency" in folded[: folded.index("</details>")]
