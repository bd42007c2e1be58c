"""Deadlines as requesters write them."""

from __future__ import annotations

from datetime import datetime

import pytest

from parsers.dates import WIB, parse_deadline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-29 23:59", datetime(2026, 1, 29, 23, 59, tzinfo=WIB)),
        ("29/01/2026", datetime(2026, 1, 29, 23, 59, tzinfo=WIB)),
        ("5 Februari 2026", datetime(2026, 2, 5, 23, 59, tzinfo=WIB)),
        ("22 - 28 Januari 2026 pukul 23.59 WIB", datetime(2026, 1, 28, 23, 59, tzinfo=WIB)),
        ("s.d. 3 Peb 2026 jam 16:00", None),  # "Peb" is not a month we guess at
        ("12 Agustus 2026 pkl 10.00", datetime(2026, 8, 12, 10, 0, tzinfo=WIB)),
        ("tanggal 31/02/2026", None),
        ("tidak ada tanggal", None),
    ],
)
def test_deadline_wordings(text: str, expected: datetime | None) -> None:
    assert parse_deadline(text) == expected
