"""Fuzzing "raw bytes -> check_bytes": mutated sample mail ends as a Decision or a
MessageParseError, never another exception, and within 5 s (issue 5, item 4).

Seeds are the labelled corpora shipped in the repository (tests/samples, tests/corpus2).
Mutations: byte flips, truncation, duplicated headers, corrupted boundaries, random
splices, and the hostile constructs of tests/test_hostile_*.py at small scale.

Profiles (HYPOTHESIS_PROFILE): "ci" (the default: 200 examples, derandomized, no example
database, about 30 s) and "long" (5,000 random examples, for a manual run), e.g.
    HYPOTHESIS_PROFILE=long python -m pytest -q tests/test_fuzz.py
"""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import FrameType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk.errors import MessageParseError
from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings

TESTS = Path(__file__).parent
CORPUS = tuple(
    path.read_bytes()
    for folder in ("samples", "corpus2")
    for path in sorted((TESTS / folder).glob("*.eml"))
)
DEADLINE = timedelta(seconds=5)
HANG_SECONDS = 15  # a hard stop for a hang, which hypothesis' deadline cannot interrupt

_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=DEADLINE,
    derandomize=True,
    database=None,
    suppress_health_check=_SLOW_IS_FINE,
)
settings.register_profile(
    "long",
    max_examples=5_000,
    deadline=DEADLINE,
    database=None,  # nothing written into the work tree; a failure prints its reproduce blob
    print_blob=True,
    suppress_health_check=_SLOW_IS_FINE,
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

HOSTILE = (
    b'Content-Type: multipart/mixed; boundary="x"' + b";" * 150,
    b"Content-Type: text/plain; charset=utf-7\r\n\r\n+AGEAYgBj- +ZZZ-",
    b"Content-Type: text/plain; charset=x-unknown-8",
    b"Content-Type: text/plain; charset=punycode",
    b"Subject: =?utf-7?Q?+AOk-t+AOk-?= =?x-klingon?B?AAAA?= =?utf-8?B?@@@?=",
    b"Subject: " + b"a" * 70_000,
    b"Content-Transfer-Encoding: base64\r\n\r\n====@@@@!!!!\r\nQUJD=\r\n",
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n=0=3",
    b'Content-Disposition: attachment; filename="../../../etc/passwd"',
    b'Content-Disposition: attachment; filename="C:\\\\Windows\\\\NUL.txt"',
    b"Content-Disposition: attachment; filename*=utf-8''Formulir%E2%80%AEfdp.exe",
    b'Content-Disposition: attachment; filename="' + b"a" * 1000 + b'.pdf"',
    b"".join(
        b'--n%d\r\nContent-Type: multipart/mixed; boundary="n%d"\r\n\r\n' % (i, i + 1)
        for i in range(40)
    ),
    b'Content-Type: multipart/mixed; boundary="m"\r\n\r\n'
    + b"--m\r\nContent-Type: text/plain\r\n\r\nx\r\n" * 600,
    b"Content-Type: message/rfc822\r\n\r\n" * 40,
    b'Content-Type: application/pdf; name="BA.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    b"TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA==",
)
_BOUNDARY = re.compile(rb'boundary="?([^";\r\n]+)', re.IGNORECASE)


def flip(draw: st.DrawFn, raw: bytes) -> bytes:
    position = draw(st.integers(0, max(len(raw) - 1, 0)))
    mask = draw(st.integers(1, 255))
    return raw[:position] + bytes([raw[position] ^ mask]) + raw[position + 1 :] if raw else raw


def truncate(draw: st.DrawFn, raw: bytes) -> bytes:
    return raw[: draw(st.integers(0, len(raw)))]


def duplicate_header(draw: st.DrawFn, raw: bytes) -> bytes:
    head, _, _ = raw.partition(b"\n\n" if b"\r\n\r\n" not in raw else b"\r\n\r\n")
    lines = head.splitlines(keepends=True)
    if not lines:
        return raw
    line = draw(st.sampled_from(lines))
    return line * draw(st.integers(1, 50)) + raw


def corrupt_boundary(draw: st.DrawFn, raw: bytes) -> bytes:
    boundaries = _BOUNDARY.findall(raw)
    if not boundaries:
        return raw
    boundary = draw(st.sampled_from(boundaries))
    replacement = draw(st.sampled_from([b"", boundary[:-1], boundary + b"x", boundary + b"--"]))
    count = draw(st.integers(1, 3))
    return raw.replace(b"--" + boundary, b"--" + replacement, count)


def insert_hostile(draw: st.DrawFn, raw: bytes) -> bytes:
    starts = [0] + [match.end() for match in re.finditer(rb"\n", raw)]
    position = draw(st.sampled_from(starts))
    return raw[:position] + draw(st.sampled_from(HOSTILE)) + b"\r\n" + raw[position:]


def splice(draw: st.DrawFn, raw: bytes) -> bytes:
    position = draw(st.integers(0, len(raw)))
    return raw[:position] + draw(st.binary(min_size=1, max_size=64)) + raw[position:]


MUTATIONS: tuple[Callable[[st.DrawFn, bytes], bytes], ...] = (
    flip,
    truncate,
    duplicate_header,
    corrupt_boundary,
    insert_hostile,
    splice,
)


@st.composite
def mutated_mail(draw: st.DrawFn) -> bytes:
    """A sample message with one to four mutations applied."""
    raw = draw(st.sampled_from(CORPUS))
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        raw = mutation(draw, raw)
    return raw


class Hang(Exception):
    """check_bytes ran past HANG_SECONDS."""


@contextmanager
def hard_stop(seconds: int) -> Iterator[None]:
    """Raise Hang in the main thread after `seconds` (SIGALRM)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"check_bytes ran over {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


SETTINGS = Settings()


def test_corpus_is_there() -> None:
    assert len(CORPUS) >= 80


@settings(PROFILE)
@given(mutated_mail())
def test_mutated_mail_ends_as_a_decision_or_a_parse_error(raw: bytes) -> None:
    with hard_stop(HANG_SECONDS):
        try:
            check_bytes(raw, SETTINGS)
        except MessageParseError:
            pass  # the pipeline flags it for staff


@settings(PROFILE)
@given(st.binary(max_size=4096))
def test_random_bytes_end_as_a_decision_or_a_parse_error(raw: bytes) -> None:
    with hard_stop(HANG_SECONDS):
        try:
            check_bytes(raw, SETTINGS)
        except MessageParseError:
            pass
