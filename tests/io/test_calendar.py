"""The England calendar (docs/legal-sources.md §2): working days, bank holidays, calendar months, ages, financial
years, hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from swp_rules import calendar
from swp_rules.calendar import (
    add_hours,
    add_months,
    add_working_days,
    age_on,
    birthday,
    financial_year,
    financial_year_of,
    is_bank_holiday,
    is_working_day,
    start_of_day,
    working_days_between,
)

DAYS = st.dates(dt.date(1990, 1, 1), dt.date(2050, 12, 31))
COUNTS = st.integers(0, 400)
D = dt.date


# --- working days -----------------------------------------------------------------------------------------------


@given(DAYS, st.integers(1, 400))
def test_the_result_is_a_working_day(day: dt.date, n: int) -> None:
    assert is_working_day(add_working_days(day, n))


@given(DAYS, COUNTS)
def test_strictly_increasing_in_n(day: dt.date, n: int) -> None:
    assert add_working_days(day, n) < add_working_days(day, n + 1)
    assert add_working_days(day, n + 1) > day


@given(DAYS, COUNTS, COUNTS)
def test_adding_n_then_m_is_adding_n_plus_m(day: dt.date, n: int, m: int) -> None:
    assert add_working_days(add_working_days(day, n), m) == add_working_days(day, n + m)


@given(DAYS, COUNTS)
def test_exactly_n_working_days_are_counted(day: dt.date, n: int) -> None:
    result = add_working_days(day, n)
    assert working_days_between(day, result) == n
    between = (day + dt.timedelta(days=i) for i in range(1, (result - day).days))
    assert sum(is_working_day(d) for d in between) == max(n - 1, 0)  # none skipped, none counted twice


@given(DAYS)
def test_zero_working_days_is_the_day_itself(day: dt.date) -> None:
    assert add_working_days(day, 0) == day


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2011, 8, 1), 20, D(2011, 8, 30)),  # worked scenario 2: 29 August 2011 is a bank holiday
        (D(2011, 5, 27), 20, D(2011, 6, 27)),  # scenario 1: Friday before the 30 May bank holiday
        (D(2011, 5, 27), 1, D(2011, 5, 31)),
        (D(2011, 5, 27), 5, D(2011, 6, 6)),
        (D(2011, 5, 27), 10, D(2011, 6, 13)),
        (D(2011, 4, 21), 1, D(2011, 4, 26)),  # Good Friday, Easter Monday
        (D(2011, 4, 26), 3, D(2011, 5, 3)),  # Royal Wedding 29 April, May Day 2 May
        (D(2012, 6, 1), 1, D(2012, 6, 6)),  # Diamond Jubilee 4 and 5 June 2012
        (D(2011, 12, 23), 1, D(2011, 12, 28)),  # Christmas and Boxing Day substitutes 26, 27 December
        (D(2011, 12, 30), 1, D(2012, 1, 3)),  # New Year substitute 2 January 2012
        (D(2011, 5, 28), 0, D(2011, 5, 28)),  # a Saturday, itself, with no days added
        (D(2011, 5, 28), 1, D(2011, 5, 31)),  # from a weekend
    ],
)
def test_known_working_days(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_working_days(start, n) == expected


def test_negative_working_days_refused() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        add_working_days(D(2011, 1, 1), -1)


def test_past_the_last_countable_date_refused() -> None:
    with pytest.raises(ValueError, match="after the last date this program can count"):
        add_working_days(D(9999, 12, 1), 30)
    with pytest.raises(ValueError, match="after the last date this program can count"):
        add_working_days(D(2011, 12, 1), 10**29)


#: Any date a ``datetime.date`` can hold, far enough from 9999-12-31 to count 400 working days on.
ANY_DAY = st.dates(D(1, 1, 1), D(9998, 1, 1))


@given(ANY_DAY, COUNTS)
def test_every_date_is_counted(day: dt.date, n: int) -> None:
    """Care that began in 1984, a year typed as 0001 or 9998: the calendar counts it, lazily extending its table."""
    result = add_working_days(day, n)
    assert working_days_between(day, result) == n
    assert working_days_between(result, day) == -n
    if n:
        assert is_working_day(result)
        between = (day + dt.timedelta(days=i) for i in range(1, (result - day).days))
        assert sum(is_working_day(d) for d in between) == n - 1


def test_1984_is_counted_with_its_bank_holidays() -> None:
    assert add_working_days(D(1984, 4, 19), 1) == D(1984, 4, 24)  # Good Friday 20, Easter Monday 23 April 1984


# --- bank holidays ----------------------------------------------------------------------------------------------

#: England and Wales, 2009–2014 (weekday dates; from python-holidays 0.40, UK/ENG).
BANK_HOLIDAYS_2009_2014 = {
    2009: ["01-01", "04-10", "04-13", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2010: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2011: ["01-03", "04-22", "04-25", "04-29", "05-02", "05-30", "08-29", "12-26", "12-27"],
    2012: ["01-02", "04-06", "04-09", "05-07", "06-04", "06-05", "08-27", "12-25", "12-26"],
    2013: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2014: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
}


@pytest.mark.parametrize("year", sorted(BANK_HOLIDAYS_2009_2014))
def test_weekday_bank_holidays_are_domains_list(year: int) -> None:
    expected = {D.fromisoformat(f"{year}-{md}") for md in BANK_HOLIDAYS_2009_2014[year]}
    days = (D(year, 1, 1) + dt.timedelta(days=i) for i in range(366))
    found = {d for d in days if d.year == year and d.weekday() < 5 and not is_working_day(d)}
    assert found == expected


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (D(2011, 4, 29), "wedding of Prince William and Catherine Middleton"),
        (D(2012, 6, 4), "spring bank holiday moved for the Diamond Jubilee"),
        (D(2012, 6, 5), "Diamond Jubilee"),
        (D(2022, 6, 2), "spring bank holiday moved for the Platinum Jubilee"),
        (D(2022, 6, 3), "Platinum Jubilee"),
        (D(2022, 9, 19), "state funeral of Queen Elizabeth II"),
        (D(2023, 5, 8), "coronation of King Charles III"),
        (D(2020, 5, 8), "early May bank holiday moved to VE Day"),
    ],
)
def test_one_off_bank_holidays(day: dt.date, why: str) -> None:
    assert is_bank_holiday(day), why
    assert not is_working_day(day)


def test_moved_bank_holidays_are_working_days() -> None:
    assert is_working_day(D(2020, 5, 4))  # the first Monday of May 2020, moved to Friday 8 May
    assert is_working_day(D(2012, 5, 28))  # the last Monday of May 2012, moved to 4 June
    assert is_working_day(D(2022, 5, 30))  # the last Monday of May 2022, moved to 2 June


def test_bank_holidays_come_from_the_holidays_package() -> None:
    years = range(calendar.FIRST_YEAR, calendar.LAST_YEAR + 1)
    maintained = set(holidays.country_holidays("GB", subdiv="ENG", years=years))
    first, last = D(calendar.FIRST_YEAR, 1, 1), D(calendar.LAST_YEAR, 12, 31)
    for day in (first + dt.timedelta(days=i) for i in range((last - first).days + 1)):
        assert is_bank_holiday(day) == (day in maintained)


@given(DAYS)
def test_working_day_definition(day: dt.date) -> None:
    assert is_working_day(day) == (day.weekday() < 5 and not is_bank_holiday(day))


# --- calendar months (docs/legal-sources.md §2: clamp to the last day of a shorter month) -----------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2011, 1, 31), 1, D(2011, 2, 28)),
        (D(2012, 1, 31), 1, D(2012, 2, 29)),  # leap year
        (D(2011, 3, 31), 1, D(2011, 4, 30)),
        (D(2011, 8, 31), 3, D(2011, 11, 30)),
        (D(2011, 11, 30), 3, D(2012, 2, 29)),
        (D(2012, 2, 29), 12, D(2013, 2, 28)),
        (D(2011, 9, 2), 3, D(2011, 12, 2)),  # worked scenario 2: R2 due 3 months after the late R1
        (D(2011, 12, 1), 6, D(2012, 6, 1)),  # scenario 2: R3
        (D(2011, 6, 24), 3, D(2011, 9, 24)),  # scenario 1: second review
        (D(2011, 12, 31), 2, D(2012, 2, 29)),
    ],
)
def test_known_months(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_months(start, n) == expected


def _month_length(year: int, month: int) -> int:
    following = D(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


@given(DAYS, st.integers(0, 120))
def test_month_end_rule(day: dt.date, n: int) -> None:
    result = add_months(day, n)
    months = day.year * 12 + day.month - 1 + n
    assert (result.year, result.month) == (months // 12, months % 12 + 1)
    assert result.day == min(day.day, _month_length(result.year, result.month))


@given(DAYS, st.integers(0, 120))
def test_months_never_go_backwards(day: dt.date, n: int) -> None:
    assert add_months(day, n) <= add_months(day, n + 1)
    assert add_months(day, n + 1) > day


# --- ages and birthdays -----------------------------------------------------------------------------------------


def test_29_february_birthdays() -> None:
    dob = D(2000, 2, 29)
    assert birthday(dob, 1) == D(2001, 3, 1)  # the usual reading (Family Law Reform Act 1969 s.9)
    assert birthday(dob, 1, "02-28") == D(2001, 2, 28)
    assert birthday(dob, 4) == D(2004, 2, 29)
    assert birthday(dob, 18) == D(2018, 3, 1)
    assert age_on(dob, D(2018, 2, 28)) == 17
    assert age_on(dob, D(2018, 3, 1)) == 18
    assert age_on(dob, D(2018, 2, 28), "02-28") == 18
    assert age_on(dob, D(2016, 2, 29)) == 16
    assert age_on(dob, D(2016, 2, 28)) == 15


@given(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), st.integers(1, 25),
       st.sampled_from(["03-01", "02-28"]))
def test_a_child_is_the_new_age_from_the_birthday(dob: dt.date, age: int, rule: calendar.LeapBirthday) -> None:
    day = birthday(dob, age, rule)
    assert age_on(dob, day, rule) == age
    assert age_on(dob, day - dt.timedelta(days=1), rule) == age - 1


@given(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), DAYS)
def test_age_never_falls(dob: dt.date, day: dt.date) -> None:
    assert age_on(dob, day) <= age_on(dob, day + dt.timedelta(days=1))
    if day >= dob:
        assert 0 <= age_on(dob, day) <= day.year - dob.year


def test_age_on_known_dates() -> None:
    assert age_on(D(2002, 5, 27), D(2011, 5, 27)) == 9
    assert age_on(D(2002, 5, 27), D(2011, 5, 26)) == 8
    assert age_on(D(2002, 5, 27), D(2002, 5, 27)) == 0


# --- financial years --------------------------------------------------------------------------------------------


@given(DAYS)
def test_a_day_is_in_its_financial_year(day: dt.date) -> None:
    start, end = financial_year(financial_year_of(day))
    assert start <= day <= end
    assert (start.month, start.day, end.month, end.day) == (4, 1, 3, 31)
    assert end.year == start.year + 1


def test_financial_year_boundaries() -> None:
    assert financial_year_of(D(2012, 3, 31)) == 2011
    assert financial_year_of(D(2012, 4, 1)) == 2012
    assert financial_year(2011) == (D(2011, 4, 1), D(2012, 3, 31))


# --- hours ------------------------------------------------------------------------------------------------------


def test_hours_are_elapsed_time_across_a_clock_change() -> None:
    start = start_of_day(D(2011, 3, 26)).replace(hour=12)  # GMT; clocks go forward at 01:00 on 27 March
    later = add_hours(start, 24)
    assert (later.year, later.month, later.day, later.hour) == (2011, 3, 27, 13)
    assert later.utcoffset() == dt.timedelta(hours=1)
    assert later - start == dt.timedelta(hours=24)


@given(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2040, 1, 1), timezones=st.just(dt.UTC)),
       st.integers(0, 24 * 400))
def test_hours_add_elapsed_time(instant: dt.datetime, n: int) -> None:
    assert add_hours(instant, n) - instant == dt.timedelta(hours=n)


def test_hours_need_an_aware_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_hours(dt.datetime(2011, 1, 1, 9), 72)


@given(st.dates(), st.dates(), st.sampled_from(["03-01", "02-28"]))
def test_age_is_the_count_of_birthdays_attained(dob: dt.date, day: dt.date, leap: Any) -> None:
    from swp_rules.calendar import birthday

    years = day.year - dob.year
    expected = (0 if day >= dob else -1) if years <= 0 else (
        years if day >= birthday(dob, years, leap) else years - 1)
    assert age_on(dob, day, leap) == expected


@given(st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)), st.integers(-1200, 1200))
def test_add_months_is_pendulums_calendar_month_addition(day: dt.date, n: int) -> None:
    """``add_months`` is plain arithmetic now; pendulum's ``add(months=n)`` is the reference it replaced."""
    import pendulum

    moved = pendulum.date(day.year, day.month, day.day).add(months=n)
    assert add_months(day, n) == dt.date(moved.year, moved.month, moved.day)
