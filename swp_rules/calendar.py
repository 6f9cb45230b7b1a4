"""The England calendar the duties are counted in: working days, months, hours, ages, financial years.

Conventions (docs/legal-sources.md §2), used by every ruleset:

* A *working day* is Monday to Friday, not an England and Wales bank holiday. Bank holidays come from the
  maintained ``holidays`` package (``GB``, subdivision ``ENG``), including one-off days such as the Royal
  Wedding (29 April 2011) and the Diamond Jubilee (5 June 2012).
* "Within N working days of D": the N-th working day *after* D (D is day 0).
* "N months after D": calendar-month addition; a day that does not exist in the target month becomes the last
  day of that month (31 January + 1 month = 28 or 29 February).
* A child born on 29 February attains an age on 1 March in a common year (``leap_birthday="03-01"``), the
  reading of the Family Law Reform Act 1969 s.9 usually applied; ``"02-28"`` is offered.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from calendar import isleap, monthrange  # the standard library's: leap years, the days of a month
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    import pendulum

#: The years a case record's dates may fall in (``swp_rules.model`` rejects a record with a date outside them, as a
#: typing error such as 0001 or 9999). The calendar itself counts any date ``datetime.date`` can hold.
FIRST_YEAR: Final = 1900
LAST_YEAR: Final = 2199

LeapBirthday = Literal["03-01", "02-28"]


@functools.cache
def london() -> pendulum.Timezone:
    """The Europe/London time zone (pendulum's), the one every date-time is counted in."""
    import pendulum

    return pendulum.timezone("Europe/London")

_MAX_ORDINAL: Final = dt.date.max.toordinal()


@functools.cache
def _bank_holidays() -> frozenset[dt.date]:
    """Every England and Wales bank holiday the ``holidays`` package knows (it covers 1872 to 2100; later years
    count weekends only), from the package the first time, then from the user's cache folder (keyed by the
    installed ``holidays`` package, so an update builds it again)."""
    from importlib.util import find_spec

    from swp_rules.rulesets.cache import kept_dates

    spec = find_spec("holidays")
    origin = Path(spec.origin) if spec is not None and spec.origin else None
    stamp = f"{origin}:{origin.stat().st_mtime_ns}" if origin is not None and origin.exists() else "unknown"
    return kept_dates("bank-holidays", f"GB-ENG:all-years:{stamp}", _bank_holidays_from_package)


def _bank_holidays_from_package() -> frozenset[dt.date]:
    import holidays  # imported when a working day is first counted: a run that counts none starts faster

    known = holidays.country_holidays("GB", subdiv="ENG")
    first = int(getattr(known, "start_year", FIRST_YEAR))
    last = int(getattr(known, "end_year", LAST_YEAR))
    england = holidays.country_holidays("GB", subdiv="ENG", years=range(first, last + 1))
    return frozenset(england.keys())


@functools.cache
def _weekday_holidays() -> list[int]:
    """The ordinals of the bank holidays that fall Monday to Friday, sorted."""
    return sorted(d.toordinal() for d in _bank_holidays() if d.weekday() < 5)


def _weekdays_to(ordinal: int) -> int:
    """How many Mondays to Fridays fall in ``1..ordinal`` (ordinal 1, 1 January of year 1, is a Monday)."""
    return 5 * (ordinal // 7) + min(ordinal % 7, 5)


def _nth_weekday(count: int) -> int:
    """The ordinal of the ``count``-th Monday-to-Friday day from ordinal 1 (the inverse of ``_weekdays_to``)."""
    return 7 * ((count - 1) // 5) + (count - 1) % 5 + 1


def is_bank_holiday(day: dt.date) -> bool:
    """Whether ``day`` is an England and Wales bank holiday (including substitute days)."""
    return day in _bank_holidays()


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a bank holiday in England."""
    return day.weekday() < 5 and not is_bank_holiday(day)


@functools.lru_cache(maxsize=65536)  # the engine counts from the same few thousand days again and again
def add_working_days(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day`` (``day`` itself is day 0; ``n >= 0``; 0 gives ``day``).

    Raises ``ValueError`` when the day would fall after 31 December 9999.

    >>> add_working_days(dt.date(2011, 8, 1), 20)   # 29 August 2011 is a bank holiday
    datetime.date(2011, 8, 30)
    """
    if n < 0:
        raise ValueError("n must be zero or more")
    if n == 0:
        return day
    start = day.toordinal()
    base = _weekdays_to(start)
    skipped = 0  # bank holidays on weekdays in (day, result]: each pushes the result one weekday on
    while True:
        result = _nth_weekday(base + n + skipped)
        if result > _MAX_ORDINAL:
            raise ValueError(f"{n} working days after {day.isoformat()} is after the last date this program "
                             "can count (9999-12-31)")
        weekdays = _weekday_holidays()
        now = bisect.bisect_right(weekdays, result) - bisect.bisect_right(weekdays, start)
        if now == skipped:
            return dt.date.fromordinal(result)
        skipped = now


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days fall in ``(start, end]`` (negative when ``end`` is before ``start``)."""
    first, last = start.toordinal(), end.toordinal()
    weekdays = _weekday_holidays()
    holidays_ = bisect.bisect_right(weekdays, last) - bisect.bisect_right(weekdays, first)
    return _weekdays_to(last) - _weekdays_to(first) - holidays_


def add_days(day: dt.date, n: int) -> dt.date:
    """``day`` plus ``n`` calendar days."""
    return day + dt.timedelta(days=n)


@functools.lru_cache(maxsize=65536)
def add_months(day: dt.date, n: int) -> dt.date:
    """Calendar-month addition, clamped to the last day of a shorter month (pendulum's rule).

    >>> add_months(dt.date(2011, 1, 31), 1)
    datetime.date(2011, 2, 28)
    """
    year, month = divmod(day.year * 12 + day.month - 1 + n, 12)
    month += 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


def add_hours(instant: dt.datetime, n: int) -> dt.datetime:
    """An aware instant plus ``n`` hours of elapsed time (a clock change does not stretch the duty)."""
    if instant.tzinfo is None:
        raise ValueError("add_hours needs an aware date-time")
    import pendulum

    return (pendulum.instance(instant).in_timezone("UTC").add(hours=n)).in_timezone(london())


def add_amount(unit: str, n: int, day: dt.date, instant: dt.datetime | None = None) -> dt.date | dt.datetime:
    """``day`` plus ``n`` of a duty ruleset's ``unit`` (``working_days``, ``days``, ``weeks``, ``months``); for
    ``hours``, ``instant`` (or midnight at the start of ``day``) plus ``n`` hours.

    >>> add_amount("weeks", 6, dt.date(2011, 6, 6)), add_amount("working_days", 1, dt.date(2011, 6, 10))
    (datetime.date(2011, 7, 18), datetime.date(2011, 6, 13))
    """
    return adder(unit, n)(day, instant)


def adder(unit: str, n: int) -> Callable[[dt.date, dt.datetime | None], dt.date | dt.datetime]:
    """``add_amount`` with its unit and amount fixed: ``(day, instant) -> day plus n units``, the unit looked at
    once (the engine compiles each deadline into one)."""
    if unit == "working_days":
        return lambda day, instant: add_working_days(day, n)
    if unit == "months":
        return lambda day, instant: add_months(day, n)
    if unit == "hours":
        return lambda day, instant: add_hours(instant or start_of_day(day), n)
    if unit not in ("days", "weeks"):
        raise ValueError(f"unknown unit of time {unit!r}")
    step = dt.timedelta(days=n * (7 if unit == "weeks" else 1))
    return lambda day, instant: day + step


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day``, Europe/London."""
    import pendulum

    return pendulum.datetime(day.year, day.month, day.day, tz=london())


def birthday(dob: dt.date, age: int, leap_birthday: LeapBirthday = "03-01") -> dt.date:
    """The date a child born on ``dob`` attains ``age`` years."""
    year = dob.year + age
    if year > dt.MAXYEAR:  # an age no one reaches: the birthday never comes
        return dt.date.max
    try:
        return dob.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 3, 1) if leap_birthday == "03-01" else dt.date(year, 2, 28)


def age_on(dob: dt.date, day: dt.date, leap_birthday: LeapBirthday = "03-01") -> int:
    """Age in whole years on ``day`` (a child is the new age from the birthday itself)."""
    years = day.year - dob.year
    if years <= 0:
        return 0 if day >= dob else -1
    # As ``day >= birthday(dob, years)``, without making the date (the engine asks this for every fact it reads).
    if dob.month == 2 and dob.day == 29 and not isleap(day.year):
        attained = day >= birthday(dob, years, leap_birthday)  # rare: made as a date
    else:
        attained = (day.month, day.day) >= (dob.month, dob.day)
    return years if attained else years - 1


def financial_year_of(day: dt.date) -> int:
    """The financial year (1 April to 31 March) containing ``day``, named by the year it starts."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year(start_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the financial year that starts on 1 April ``start_year``."""
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


def days_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar days from ``start`` to ``end``."""
    return (end - start).days
