"""The SLA clock counts working time: office days and hours in WIB, national holidays and
cuti bersama skipped (the `holidays` calendar), extra closed days from the settings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from helpdesk.errors import ConfigError
from helpdesk.settings import SlaSection, settings_from_dict
from helpdesk.sla_clock import office_of
from helpdesk.working_time import hours_left_text
from parsers.dates import WIB

OFFICE = office_of(SlaSection())  # Senin-Jumat, 08.00-16.00 WIB, national holidays


def wib(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


def test_a_request_on_saturday_is_due_from_monday_morning() -> None:
    saturday = wib("2026-12-12 10:00")
    assert OFFICE.add(saturday, 0) == wib("2026-12-14 08:00")
    assert OFFICE.add(saturday, 4) == wib("2026-12-14 12:00")
    assert OFFICE.add(saturday, 8) == wib("2026-12-14 16:00")
    assert OFFICE.add(saturday, 9) == wib("2026-12-15 09:00")


def test_an_evening_request_waits_for_the_next_morning() -> None:
    assert OFFICE.add(wib("2026-12-08 19:30"), 2) == wib("2026-12-09 10:00")
    assert OFFICE.add(wib("2026-12-08 06:00"), 2) == wib("2026-12-08 10:00")
    # Friday afternoon: the rest of the hours are on Monday.
    assert OFFICE.add(wib("2026-12-11 14:00"), 4) == wib("2026-12-14 10:00")


def test_idul_fitri_and_its_cuti_bersama_are_skipped() -> None:
    # 2026: Nyepi 18-19 March, Idul Fitri 20-24 March with cuti bersama; open again on the 25th.
    before = wib("2026-03-17 15:00")
    assert OFFICE.add(before, 4) == wib("2026-03-25 11:00")
    assert OFFICE.between(before, wib("2026-03-25 11:00")) == pytest.approx(4)
    for shut in range(18, 25):
        assert not OFFICE.is_working_day(date(2026, 3, shut))
    assert OFFICE.is_working_day(date(2026, 3, 25))


def test_christmas_and_its_cuti_bersama_are_skipped() -> None:
    assert OFFICE.add(wib("2026-12-23 12:00"), 8) == wib("2026-12-28 12:00")


def test_working_hours_between_two_moments() -> None:
    friday, monday = wib("2026-12-11 15:00"), wib("2026-12-14 09:00")
    assert OFFICE.between(friday, monday) == pytest.approx(2)
    assert OFFICE.between(monday, friday) == pytest.approx(-2)
    assert OFFICE.between(wib("2026-12-12 09:00"), wib("2026-12-13 15:00")) == 0  # a weekend
    # Across zones: the same moments given in UTC.
    assert OFFICE.between(friday.astimezone(UTC), monday.astimezone(UTC)) == pytest.approx(2)


def test_due_moments_keep_the_callers_zone() -> None:
    due = OFFICE.add(datetime(2026, 12, 12, 3, 0, tzinfo=UTC), 4)
    assert due.tzinfo is UTC and due == datetime(2026, 12, 14, 5, 0, tzinfo=UTC)


def test_settings_choose_days_hours_and_closed_days() -> None:
    sla = SlaSection(
        office_days=["Senin", "Selasa", "Rabu", "Kamis", "Jum'at", "Sabtu"],
        office_hours="07.30-15.30",
        closed_days=[date(2026, 12, 14)],
    )
    office = office_of(sla)
    saturday = wib("2026-12-12 07:00")
    assert office.add(saturday, 1) == wib("2026-12-12 08:30")  # Saturday is an office day
    # Monday the 14th is a closed day of the regency: on to Tuesday.
    assert office.add(wib("2026-12-12 15:00"), 1) == wib("2026-12-15 08:00")


def test_without_the_national_calendar_only_weekends_and_closed_days_count() -> None:
    office = office_of(SlaSection(national_holidays=False))
    assert office.add(wib("2026-03-17 15:00"), 4) == wib("2026-03-18 11:00")


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"office_days": ["Senin", "Ahad?"]}, "sla.office_days"),
        ({"office_days": []}, "sla.office_days"),
        ({"office_hours": "16.00-08.00"}, "sla.office_hours"),
        ({"office_hours": "jam kantor"}, "sla.office_hours"),
        ({"closed_days": ["besok"]}, "sla.closed_days.0"),
    ],
)
def test_a_wrong_office_setting_names_its_key(section: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_dict({"sla": section})
    assert key in str(caught.value)


def test_hours_left_read_as_staff_say_them() -> None:
    assert hours_left_text(3.4) == "sisa 3 jam kerja"
    assert hours_left_text(0.5) == "sisa 30 menit kerja"
    assert hours_left_text(-2.2) == "terlambat 2 jam kerja"
