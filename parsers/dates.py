"""Dates as Indonesian requesters write them, read as moments in WIB (UTC+7).

"2026-01-29 23:59", "29/01/2026", "5 Februari 2026", "22 - 28 Januari 2026 pukul 23.59
WIB" (a range: its last day). A date without a time means the end of that day, because
a deadline on a day lasts until the day is over.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from typing import Final

WIB: Final = timezone(timedelta(hours=7), "WIB")

MONTHS: Final[dict[str, int]] = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "pebruari": 2, "february": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "agu": 8, "agt": 8, "agustus": 8, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nopember": 11, "november": 11,
    "des": 12, "desember": 12, "dec": 12, "december": 12,
}  # fmt: skip

_TIME = r"(?:\s*(?:pukul|pkl\.?|jam|,)?\s*(?P<hh>\d{1,2})[.:](?P<mm>\d{2}))?"
_ISO = re.compile(r"(?P<y>20\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME)
_NUMERIC = re.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>20\d\d)" + _TIME)
_WORDS = re.compile(
    r"(?P<d>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?\s+(?P<y>20\d\d)" + _TIME, re.IGNORECASE
)


def parse_deadline(text: str) -> datetime | None:
    """The last date written in `text`, as an aware WIB datetime; None if there is none."""
    found: list[tuple[int, datetime]] = []
    for pattern in (_ISO, _NUMERIC, _WORDS):
        for match in pattern.finditer(text):
            moment = _moment(match)
            if moment is not None:
                found.append((match.start(), moment))
    return max(found)[1] if found else None


def _moment(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    month = MONTHS.get((parts.get("month") or "").lower()) if "month" in parts else None
    try:
        day = datetime(int(parts["y"]), month or int(parts["m"]), int(parts["d"]))
    except (ValueError, TypeError, KeyError):
        return None  # 31 Februari, or a month name we do not know
    clock = time(23, 59)
    if parts.get("hh") is not None:
        try:
            clock = time(int(parts["hh"]), int(parts["mm"]))
        except ValueError:
            return None
    return datetime.combine(day.date(), clock, tzinfo=WIB)
