"""Moments as staff read them: Western Indonesia Time (UTC+7, no daylight saving)."""

from __future__ import annotations

from datetime import UTC, datetime

from parsers.dates import WIB

__all__ = ["WIB", "to_wib", "wib_text"]


def to_wib(moment: datetime | None) -> datetime | None:
    """An aware datetime as naive WIB wall-clock time, which is what Excel cells can hold."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # the models store UTC; a naive value is UTC too
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(WIB).replace(tzinfo=None)


def wib_text(moment: datetime | str | None, with_time: bool = True) -> str:
    """ "07-12-2026 22:49" (day first, WIB), or "-" for no moment; an ISO string (as the
    tickets' JSON has them, "2026-11-03T07:05:00Z") is read first."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    local = to_wib(moment)
    if local is None:
        return "-"
    return local.strftime("%d-%m-%Y %H:%M" if with_time else "%d-%m-%Y")
