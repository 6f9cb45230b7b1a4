"""The facts a rule reads, and how a rule's plan reads them (``engine.facts``, ``engine.plan``)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from swp_rules import calendar
from swp_rules.engine import Engine
from swp_rules.engine.facts import NEED_PLACEMENT, OF_PLACEMENT, READERS
from swp_rules.engine.plan import _moment
from swp_rules.engine.timeline import Period, Placement, Timeline
from swp_rules.model import Event

days = st.dates(min_value=dt.date(1996, 1, 1), max_value=dt.date(2030, 12, 31))


TIMELINE = Timeline("c1", [], [], {})


@given(days, days)
def test_years_in_placement_counts_the_anniversaries_passed(start: dt.date, day: dt.date) -> None:
    """Whole years since the placement began: the anniversaries (a calendar year of months, 29 February's the 28th
    in a common year) on or before ``day``."""
    event = Event("p1", "c1", "placement_started", start, fields={"placement": "U1"})
    placement, period = Placement(start, 0, event), Period(start, 0, event)
    years = 0
    while calendar.add_months(start, 12 * (years + 1)) <= day:
        years += 1
    read = READERS["years_in_placement"]
    assert read(TIMELINE, day, period, placement, None) == years
    assert read(TIMELINE, day, None, placement, None) is None  # outside a period of care: not given


def test_the_placement_s_own_facts_read_nothing_of_the_day() -> None:
    """A fact of ``OF_PLACEMENT`` is read once per placement by a deadline choice: it must not change with the
    day."""
    event = Event("p1", "c1", "placement_started", dt.date(2011, 5, 1),
                  fields={"placement": "U1", "long_term": True, "emergency": False})
    placement = Placement(event.date, 0, event)
    period = Period(dt.date(2011, 4, 1), 0, event)
    for name in OF_PLACEMENT:
        read = READERS[name]
        seen = {read(TIMELINE, day, period, placement, None)
                for day in (dt.date(2011, 5, 1), dt.date(2013, 2, 28), dt.date(2020, 12, 31))}
        assert len(seen) == 1, name
    assert OF_PLACEMENT <= NEED_PLACEMENT <= set(READERS)


def test_a_week_and_seven_days_are_read_on_the_same_due_date() -> None:
    """``visit.regular`` (2011) reads its first, third and fifth deadlines' facts on the day each would fall due:
    one week, one week and seven days, the same day, so one moment."""
    engine = Engine()
    rule = next(r for r in engine.book.versions["visit.regular"] if r.in_force_from == dt.date(2011, 4, 1))
    units = [(d.unit, d.amount) for d in rule.deadlines]
    assert units[:5] == [("weeks", 1), ("weeks", 6), ("weeks", 1), ("weeks", 4), ("days", 7)]
    assert _moment(rule, 0) == _moment(rule, 2) == _moment(rule, 4) == 0
    assert _moment(rule, 1) == 1
