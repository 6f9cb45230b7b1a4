"""Reporting periods: ``START..END`` (inclusive dates) or a financial year (``2011/12``, 1 April to 31 March)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Final

import attrs

from swp_rules import calendar
from swp_rules.plain import PlainData

_FY = re.compile(r"(?:FY)?(\d{4})[/-](\d{2}|\d{4})")


@attrs.frozen(slots=True)
class ReportingPeriod(PlainData):
    """A span of whole days, ``start`` and ``end`` both included."""

    start: dt.date
    end: dt.date

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @classmethod
    def financial_year(cls, start_year: int) -> ReportingPeriod:
        start, end = calendar.financial_year(start_year)
        return cls(start, end)

    def financial_years(self) -> Iterator[ReportingPeriod]:
        """The financial years that overlap this period, each clipped to it."""
        year = calendar.financial_year_of(self.start)
        while True:
            fy = ReportingPeriod.financial_year(year)
            if fy.start > self.end:
                return
            yield ReportingPeriod(max(fy.start, self.start), min(fy.end, self.end))
            year += 1


def parse_period(text: str) -> ReportingPeriod:
    """``2011-04-01..2012-03-31``, or a financial year ``2011/12`` (also ``2011-12``, ``FY2011/12``).

    Raises ``ValueError`` with a reason a user can act on.
    """
    text = text.strip()
    match = _FY.fullmatch(text)
    if match:
        first = int(match.group(1))
        second = match.group(2)
        expected = str(first + 1)
        if second not in (expected, expected[-2:]):
            raise ValueError(f"{text!r}: a financial year runs from one year to the next, e.g. {first}/{expected[-2:]}")
        if not calendar.FIRST_YEAR <= first < calendar.LAST_YEAR:
            raise ValueError(f"{text!r}: the financial year {first}/{expected[-2:]} {OUTSIDE_YEARS}")
        return ReportingPeriod.financial_year(first)
    start_text, sep, end_text = text.partition("..")
    if not sep:
        raise ValueError(f"{text!r}: expected START..END (YYYY-MM-DD..YYYY-MM-DD) or a financial year like 2011/12")
    try:
        start = dt.date.fromisoformat(start_text.strip())
        end = dt.date.fromisoformat(end_text.strip())
    except ValueError:
        raise ValueError(f"{text!r}: dates must be YYYY-MM-DD") from None
    for name, day in (("start", start), ("end", end)):
        if not evaluable(day):
            raise ValueError(f"{text!r}: the {name} {day.isoformat()} {OUTSIDE_YEARS}")
    return ReportingPeriod(start, end)


#: Why a date a user gives (``--as-of``, a period's ends) is refused: the years a record may hold bound the years a
#: run evaluates, so that every clock and chart stays within what the calendar counts (a year such as 0001 or 9999
#: is a typing error, as in a record).
OUTSIDE_YEARS: Final = (f"is outside the years this program evaluates ({calendar.FIRST_YEAR}–{calendar.LAST_YEAR}); "
                        "is it mistyped?")


def evaluable(day: dt.date) -> bool:
    """Whether a run may be evaluated as of ``day`` (or over a period ending on it): its year is one a record may
    hold (``calendar.FIRST_YEAR`` to ``calendar.LAST_YEAR``)."""
    return calendar.FIRST_YEAR <= day.year <= calendar.LAST_YEAR


def parse_day(text: str) -> dt.date:
    """A date a user gives (``--as-of``): ``YYYY-MM-DD`` within the years a run evaluates.

    Raises ``ValueError`` with a reason a user can act on.

    >>> parse_day("9999-12-31")
    Traceback (most recent call last):
    ...
    ValueError: '9999-12-31' is outside the years this program evaluates (1900–2199); is it mistyped?
    """
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date YYYY-MM-DD, got {text!r}") from None
    if not evaluable(day):
        raise ValueError(f"{text!r} {OUTSIDE_YEARS}")
    return day
