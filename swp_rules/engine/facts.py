"""The facts a rule's condition may read (``rulesets.duties.DUTY_FACTS``), one reader each.

A reader answers for one child (its ``Timeline``) on one day, within a period of care and a placement (either may be
``None``), given the day the child became an eligible child (or ``None``). ``None`` means the record does not give
the fact: a comparison with it is false. The readers are looked up once per rule book (``swp_rules.engine.plan``),
not by name for every question.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from swp_rules import calendar, codes

if TYPE_CHECKING:
    from swp_rules.engine.timeline import Period, Placement, Timeline

#: Reads one fact: ``(timeline, day, period, placement, eligible_on) -> value or None``.
FactReader = Callable[["Timeline", dt.date, "Period | None", "Placement | None", "dt.date | None"], Any]


def _age(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
         eligible_on: dt.date | None) -> Any:
    return calendar.age_on(t.dob, day) if t.dob else None


def _looked_after(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
                  eligible_on: dt.date | None) -> Any:
    return period is not None and period.covers(day)


def _uasc(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
          eligible_on: dt.date | None) -> Any:
    return t.uasc


def _sex(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
         eligible_on: dt.date | None) -> Any:
    return t.sex


def _eligible(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
              eligible_on: dt.date | None) -> Any:
    return eligible_on is not None and eligible_on <= day


def _legal_status(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
                  eligible_on: dt.date | None) -> Any:
    return None if period is None else period.legal_status_on(day)


def _short_breaks(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
                  eligible_on: dt.date | None) -> Any:
    status = None if period is None else period.legal_status_on(day)
    return None if status is None else status in codes.SHORT_BREAK_STATUS


def _days_looked_after(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
                       eligible_on: dt.date | None) -> Any:
    return None if period is None else (day - period.start).days


def _reviews_held(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
                  eligible_on: dt.date | None) -> Any:
    return None if period is None else bisect.bisect_right(period.review_dates, day)


def _of_placement(read: Callable[[Placement, dt.date], Any]) -> FactReader:
    """A fact of the placement (none outside a period of care or a placement)."""

    def reader(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
               eligible_on: dt.date | None) -> Any:
        return None if period is None or placement is None else read(placement, day)

    return reader


def _of_code(codes_: frozenset[str]) -> FactReader:
    """Whether the placement's code is one of ``codes_`` (read for every question: no second call)."""

    def reader(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
               eligible_on: dt.date | None) -> Any:
        return None if period is None or placement is None else str(placement.event.fields["placement"]) in codes_

    return reader


def _flag(name: str) -> FactReader:
    """Whether the placement's record says ``name`` (``long_term: true``…)."""

    def reader(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
               eligible_on: dt.date | None) -> Any:
        return None if period is None or placement is None else placement.event.fields.get(name) is True

    return reader


def _years_in_placement(placement: Placement, day: dt.date) -> int:
    start = placement.start
    years = day.year - start.year
    if years <= 0:
        return 0
    if start.month != 2 or start.day != 29:  # the anniversary this year is the same day of the same month
        return years - 1 if (start.month, start.day) > (day.month, day.day) else years
    while years > 0 and calendar.add_months(start, 12 * years) > day:  # 29 February: the 28th in a common year
        years -= 1
    return years


#: The placement's flags a rule may read (``long_term: true`` in its record).
_FLAGS: Final = ("long_term", "emergency", "child_agrees_fewer_visits", "temporary_approval", "before_assessment")

READERS: Final[Mapping[str, FactReader]] = {
    "age": _age,
    "looked_after": _looked_after,
    "uasc": _uasc,
    "sex": _sex,
    "eligible": _eligible,
    "legal_status": _legal_status,
    "short_breaks": _short_breaks,
    "days_looked_after": _days_looked_after,
    "reviews_held": _reviews_held,
    "placement": _of_placement(lambda p, day: p.code),
    "foster": _of_code(codes.FOSTER_PLACEMENT),
    "temporary": _of_code(codes.TEMPORARY_PLACEMENT),
    "adoption": _of_code(codes.ADOPTION_PLACEMENT),
    "placed_with_parents": _of_code(frozenset({"P1"})),
    **{name: _flag(name) for name in _FLAGS},
    "days_in_placement": _of_placement(lambda p, day: (day - p.start).days),
    "years_in_placement": _of_placement(_years_in_placement),
}


#: The facts of the placement alone: the same on any day, given the period of care and the placement (a question
#: that is given its placement reads them once for that placement: ``swp_rules.engine.plan``).
OF_PLACEMENT: Final = frozenset({"placement", "foster", "temporary", "adoption", "placed_with_parents",
                                 *_FLAGS})
#: The facts read from the placement (``None`` without one): a question not given its placement finds the one in
#: force on the day it reads them; for the others it need not.
NEED_PLACEMENT: Final = OF_PLACEMENT | {"days_in_placement", "years_in_placement"}


def reader(name: str) -> FactReader:
    """The reader of fact ``name``; one for a name no reader knows raises ``KeyError`` when it is read."""
    found = READERS.get(name)
    if found is not None:
        return found

    def unknown(t: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
                eligible_on: dt.date | None) -> Any:
        raise KeyError(name)

    return unknown
