"""Raw bytes to ParsedMessage: encodings, names, bodies, and garbage."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpdesk.errors import MessageParseError
from parsers.message import parse_message

SAMPLES = Path(__file__).parent / "samples"
MULTIPART = 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"'


def sample(name: str) -> bytes:
    return next(SAMPLES.glob(f"{name}-*.eml")).read_bytes()


def mail(headers: str, body: str) -> bytes:
    return (
        (headers.strip() + "\r\n\r\n" + body)
        .replace("\r\n", "\n")
        .replace("\n", "\r\n")
        .encode("latin-1")
    )


def test_headers_and_ids_without_angle_brackets() -> None:
    message = parse_message(sample("09"))
    assert message.message_id and "<" not in message.message_id
    assert message.in_reply_to == "HD-2026-00042.1768273572.7f3a@karawangkab.go.id"
    assert message.references and all("<" not in ref for ref in message.references)
    assert message.sender.address == "pokja1.ukpbj@karawangkab.go.id"
    assert message.header("SUBJECT") == message.subject


def test_rfc2047_subject_and_attachment_name_in_quoted_parameter() -> None:
    message = parse_message(sample("11"))
    assert message.subject.startswith("Permohonan Perubahan Jadwal Tender 10349120 –")
    assert message.attachments[0].filename.startswith("Formulir Penanganan Permasalahan – ")


def test_rfc2231_continued_filename_and_format_flowed() -> None:
    message = parse_message(sample("05"))
    assert message.attachments[0].filename.endswith("Pokja Pemilihan 2 – Tender 10402218.pdf")
    assert "file penawaran CV Bintang" in message.body_text  # soft line breaks joined


def test_windows1252_quoted_printable_body() -> None:
    message = parse_message(sample("10"))
    assert "“Pembangunan Gedung Rawat Inap Kelas III RSUD Karawang”" in message.body_text
    assert message.subject == "Permohonan Uji Forensik – Pokja Pemilihan 7"


def test_html_only_base64_body_becomes_text() -> None:
    message = parse_message(sample("40"))
    assert "lupa password akun penyedia" in message.body_text
    assert "<" not in message.body_text


def test_inline_logo_is_marked_inline() -> None:
    message = parse_message(sample("29"))
    inline = [a for a in message.attachments if a.inline]
    assert [a.filename for a in inline] == ["image001.png"]


def test_report_parts_return_path_and_content_types() -> None:
    bounce = parse_message(sample("42"))
    assert "multipart/report" in bounce.content_types
    assert "message/delivery-status" in bounce.content_types
    assert parse_message(sample("41")).return_path == ""
    assert parse_message(sample("01")).return_path == "asep.saepudin83@gmail.com"


def test_html_scripts_and_styles_are_dropped() -> None:
    raw = mail(
        "From: a@x.go.id\nSubject: t\nContent-Type: text/html; charset=utf-8",
        "<html><head><style>p{color:red}</style></head><body><script>alert(1)</script>"
        "<p>Kode&nbsp;Tender: 10234567</p><p>Baris dua</p></body></html>",
    )
    body = parse_message(raw).body_text
    assert body == "Kode Tender: 10234567\n\nBaris dua"


def test_unknown_charset_and_bad_bytes_do_not_crash() -> None:
    raw = mail(
        "From: a@x.go.id\nSubject: =?x-unknown?Q?abc?=\n"
        "Content-Type: text/plain; charset=x-unknown",
        "caf\xe9",
    )
    message = parse_message(raw)
    assert message.body_text.startswith("caf")


def test_subject_line_breaks_are_folded() -> None:
    raw = mail("From: a@x.go.id\nSubject: Permohonan\n reset\n\tpassword", "isi")
    assert parse_message(raw).subject == "Permohonan reset password"


def test_malformed_but_readable_mail_has_defects() -> None:
    raw = mail(
        f"From: a@x.go.id\nSubject: t\n{MULTIPART}",
        "--b\nContent-Type: text/plain\n\nisi surat tanpa penutup boundary\n",
    )
    message = parse_message(raw)
    assert "isi surat" in message.body_text
    assert message.defects


def test_missing_from_is_a_defect_not_a_crash() -> None:
    message = parse_message(mail("Subject: tanpa pengirim", "isi"))
    assert message.sender.address == ""
    assert "no usable From address" in message.defects


@pytest.mark.parametrize(
    "raw", [b"", b"   \r\n", b"\x00\x01\x02garbage\xff" * 20, b"%PDF-1.4\n%\xe2\xe3"]
)
def test_garbage_raises_message_parse_error(raw: bytes) -> None:
    with pytest.raises(MessageParseError):
        parse_message(raw)


def test_forwarded_message_attachment_counts() -> None:
    inner = mail("From: b@x.go.id\nSubject: Permohonan Uji Forensik", "Mohon uji forensik")
    raw = mail(
        f"From: a@x.go.id\nSubject: Fwd: scan\n{MULTIPART}",
        "--b\nContent-Type: text/plain\n\nLihat di bawah.\n--b\nContent-Type: message/rfc822\n\n"
        + inner.decode("latin-1")
        + "\n--b--\n",
    )
    body = parse_message(raw).body_text
    assert "Subject: Permohonan Uji Forensik" in body and "Mohon uji forensik" in body
