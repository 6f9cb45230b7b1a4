"""Dates in words: the plain tables of ``swp_rules.text`` write every date as pendulum's English format does."""

from __future__ import annotations

import datetime as dt

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from swp_rules.text import day_text, long_date, month_text

_FORMATS = ((long_date, "ddd D MMM YYYY"), (month_text, "MMM YYYY"), (day_text, "D MMMM YYYY"))


@given(st.dates())
def test_dates_read_as_pendulum_writes_them_in_english(day: dt.date) -> None:
    reference = pendulum.date(day.year, day.month, day.day)
    for write, pattern in _FORMATS:
        assert write(day) == reference.format(pattern, locale="en")


def test_every_day_of_a_year_and_every_month() -> None:
    day = dt.date(2011, 1, 1)
    while day.year == 2011:
        reference = pendulum.date(day.year, day.month, day.day)
        assert [write(day) for write, _ in _FORMATS] == [reference.format(p, locale="en") for _, p in _FORMATS]
        day += dt.timedelta(days=1)


def test_a_date_time_is_written_by_its_date() -> None:
    instant = pendulum.datetime(2011, 6, 6, 21, 45, tz="Europe/London")
    assert long_date(instant.date()) == "Mon 6 Jun 2011"
