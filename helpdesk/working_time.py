"""The SLA clock: hours counted only while the office is open.

The office keeps its days and hours (`[sla] office_days`, `office_hours`, in WIB) and is
shut on Indonesia's national holidays and cuti bersama (the `holidays` package's
calendar, categories public and government) and on the extra days the settings name.
A request that arrives on Saturday is therefore due from Monday morning, and one that
arrives the evening before Idul Fitri waits for the office to reopen after the cuti
bersama.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Final

from parsers.dates import WIB

DAY_NAMES: Final = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
_SEARCH_DAYS: Final = 3 * 366  # an office closed longer than this is a settings mistake


@dataclass(frozen=True)
class OfficeHours:
    """When the helpdesk works, and the arithmetic of working hours over it."""

    days: frozenset[int]  # weekday numbers, Monday 0
    opens: time
    closes: time
    closed_days: frozenset[date] = frozenset()
    national_holidays: bool = True

    def is_working_day(self, day: date) -> bool:
        if day.weekday() not in self.days or day in self.closed_days:
            return False
        return not (self.national_holidays and day in _national_holidays(day.year))

    def add(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` working hours after `start` (an aware datetime, in UTC)."""
        left = timedelta(hours=hours)
        for opened, closed in self._windows_from(start):
            if closed - opened >= left:
                return (opened + left).astimezone(start.tzinfo)
            left -= closed - opened
        raise ValueError("the office never opens: check [sla] office_days and closed_days")

    def between(self, start: datetime, end: datetime) -> float:
        """Working hours from `start` to `end`; negative when `end` comes first."""
        if end < start:
            return -self.between(end, start)
        total = timedelta()
        for opened, closed in self._windows_from(start):
            if opened >= end:
                break
            total += min(closed, end) - opened
        return total.total_seconds() / 3600

    def _windows_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The office's open spans (WIB) from `start` on, the first one cut at `start`."""
        local = start.astimezone(WIB)
        day = local.date()
        for _ in range(_SEARCH_DAYS):
            if self.is_working_day(day):
                opened = datetime.combine(day, self.opens, WIB)
                closed = datetime.combine(day, self.closes, WIB)
                if closed > local:
                    yield max(opened, local), closed
            day += timedelta(days=1)


@lru_cache(maxsize=16)
def _national_holidays(year: int) -> frozenset[date]:
    # Imported here: the package loads every country's calendar (a quarter second), and
    # only the commands that work out an SLA deadline pay for it.
    import holidays

    calendar = holidays.country_holidays("ID", years=year, categories=("public", "government"))
    return frozenset(calendar)


@lru_cache(maxsize=8)
def office_hours(
    days: tuple[str, ...], hours: str, closed: tuple[date, ...], national: bool
) -> OfficeHours:
    """The office of `[sla]`'s office_days, office_hours, closed_days, national_holidays
    (already validated by SlaSection)."""
    opens, closes = parse_office_hours(hours)
    return OfficeHours(
        days=frozenset(DAY_NAMES.index(day_key(name)) for name in days),
        opens=opens,
        closes=closes,
        closed_days=frozenset(closed),
        national_holidays=national,
    )


def day_key(name: str) -> str:
    """ "Jum'at", "JUMAT" and "jumat" are one day."""
    return name.strip().casefold().replace("'", "").replace("\u2019", "")


def parse_office_hours(text: str) -> tuple[time, time]:
    """ "08.00-16.00" (or "08:00 - 16:00") as its opening and closing times."""
    try:
        first, second = (part.strip().replace(".", ":") for part in text.split("-"))
        opens, closes = time.fromisoformat(first), time.fromisoformat(second)
    except ValueError:
        raise ValueError('must look like "08.00-16.00"') from None
    if opens >= closes:
        raise ValueError("the office must open before it closes")
    return opens, closes


def hours_left_text(hours: float, *, late: bool | None = None) -> str:
    """What the queue says of a clock: "sisa 3 jam kerja", "terlambat 2 jam kerja".
    `late` (default: hours below zero) is for a due moment passed after office hours:
    no working time has gone by since, and yet it is past."""
    late = hours < 0 if late is None else late
    if not late:
        return f"sisa {_amount(hours)} kerja"
    if -hours < 1 / 60:
        return "terlambat"
    return f"terlambat {_amount(-hours)} kerja"


def _amount(hours: float) -> str:
    if hours < 1:
        return f"{max(1, round(hours * 60))} menit"
    return f"{int(hours)} jam"
