"""Hostile mail (issue 5, item 4): every case ends, fast, as a Decision or a MessageParseError.

A MessageParseError becomes a ticket flagged for staff in the pipeline; a Decision becomes
an ordinary ticket, with the offending attachment refused.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable

import pytest

from helpdesk.decision import Decision
from helpdesk.errors import MessageParseError
from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings
from parsers.limits import DEFAULT_LIMITS, ParseLimits, prescan
from parsers.message import parse_message
from tests.support import files

SECONDS = 5.0


def ends_within(raw: bytes) -> Decision | MessageParseError:
    """check_bytes' result or its MessageParseError; fails when it takes over 5 s."""
    start = time.perf_counter()
    try:
        outcome: Decision | MessageParseError = check_bytes(raw, Settings())
    except MessageParseError as exc:
        outcome = exc
    assert time.perf_counter() - start < SECONDS
    return outcome


REFUSED: dict[str, Callable[[], bytes]] = {
    "1000-deep nested multipart": lambda: files.nested_multipart(1000),
    "100,000 parts": lambda: files.many_parts(100_000),
    "1000-deep attached messages": lambda: files.nested_messages(1000),
    "50,000-semicolon Content-Type": lambda: files.mail(b"text/plain" + b";" * 50_000, b"x\r\n"),
    "10 MB header line": lambda: files.mail(
        b"text/plain", b"x\r\n", extra_headers=b"X-Long: " + b"a" * 10_000_000 + b"\r\n"
    ),
    "10 MB folded Subject in a part": lambda: files.mail(
        b'multipart/mixed; boundary="b"',
        b"--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: "
        + b"ab \r\n " * 1_000_000
        + b"\r\n\r\nx\r\n--b--\r\n",
    ),
    "punycode charset (a quadratic decoder)": lambda: files.mail(
        b"text/plain; charset=punycode", b"a" * 200_000 + b"-" + b"b" * 50_000
    ),
    "61 attachments": lambda: files.mail(
        b'multipart/mixed; boundary="b"',
        b'--b\r\nContent-Type: application/pdf; name="BA.pdf"\r\n\r\n%PDF-1.4\r\n' * 61
        + b"--b--\r\n",
    ),
    "41 MB message": lambda: files.mail(b"text/plain", b"x" * (41 * 1024 * 1024)),
}


@pytest.mark.parametrize("build", REFUSED.values(), ids=REFUSED.keys())
def test_pathological_structure_is_refused_fast(build: Callable[[], bytes]) -> None:
    outcome = ends_within(build())
    assert isinstance(outcome, MessageParseError)


READ: dict[str, bytes] = {
    "UTF-7 text": files.mail(b"text/plain; charset=utf-7", b"Mohon +AOk-diperiksa\r\n"),
    "unknown charset": files.mail(b"text/plain; charset=x-klingon", b"Mohon diperiksa\r\n"),
    "unknown charset in an encoded word": files.mail(
        b"text/plain", b"x\r\n", extra_headers=b"X-Note: =?x-klingon?Q?halo?=\r\n"
    ),
    "bad base64 body": files.mail(
        b"text/plain",
        b"!!!not base64@@@\r\n",
        extra_headers=b"Content-Transfer-Encoding: base64\r\n",
    ),
    "bad quoted-printable body": files.mail(
        b"text/plain",
        b"Mohon =ZZ diperiksa =\r\n=0",
        extra_headers=b"Content-Transfer-Encoding: quoted-printable\r\n",
    ),
    "10 MB text body": files.mail(b"text/plain", b"uji forensik " * 800_000),
    "10 MB HTML body": files.mail(b"text/html", b"<p>uji <b>forensik</b></p>" * 400_000),
    "20-deep nested multipart": files.nested_multipart(20),
    "400 parts": files.many_parts(400),
}


@pytest.mark.parametrize("raw", READ.values(), ids=READ.keys())
def test_odd_but_readable_mail_gets_a_decision(raw: bytes) -> None:
    assert isinstance(ends_within(raw), Decision)


def test_utf7_and_bad_encodings_keep_the_words() -> None:
    assert "Mohon édiperiksa" in parse_message(READ["UTF-7 text"]).body_text.replace(" ", " ")
    assert "Mohon" in parse_message(READ["bad quoted-printable body"]).body_text


def test_long_body_is_capped() -> None:
    body = parse_message(READ["10 MB text body"]).body_text
    assert len(body) == DEFAULT_LIMITS.max_text_chars


def test_bad_base64_attachment_is_refused_not_fatal() -> None:
    raw = files.mail_with_attachment("BA.pdf", b"").replace(
        b"Content-Transfer-Encoding: base64\r\n\r\n",
        b"Content-Transfer-Encoding: base64\r\n\r\n@@!!",
    )
    outcome = ends_within(raw)
    assert isinstance(outcome, Decision)
    [verdict] = outcome.attachments
    assert verdict.problem_code is not None  # what is left of the bytes is not a PDF


def test_limits_are_one_frozen_place() -> None:
    small = ParseLimits(max_parts=3)
    prescan(files.many_parts(3), small)
    with pytest.raises(MessageParseError):
        prescan(files.many_parts(4), small)
    with pytest.raises(AttributeError):
        DEFAULT_LIMITS.max_parts = 1  # type: ignore[misc]


def test_boundaries_inside_base64_do_not_count() -> None:
    data = b"--b\r\n" * 2000  # looks like delimiters, but it is an attachment's content
    raw = files.mail_with_attachment("catatan.txt", data)
    assert base64.b64encode(data)[:8] in raw
    assert isinstance(ends_within(raw), Decision)
