"""No indicator cohort counts an adult as looked after: the cohorts read "looked after on a date" from the same
timeline as the duty engine, so a young person is looked after only while under 18 (Children Act 1989 s.105(1))."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from adulthood import eighteenth, past_eighteen
from hypothesis import given, settings
from hypothesis import strategies as st

from swp_rules import calendar
from swp_rules.indicators import compute_indicators
from swp_rules.indicators.loading import load_indicator_definitions
from swp_rules.io.events import load_records
from swp_rules.periods import ReportingPeriod

DEFINITIONS = {d.id: d for r in load_indicator_definitions() for d in r.indicators}


def test_the_cohorts_that_ask_for_care_are_found() -> None:
    assert DEFINITIONS["NI62"].cohort.looked_after_at_end
    assert DEFINITIONS["KPI-visits-on-time"].cohort.looked_after_in_period


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(past_eighteen(), st.integers(2011, 2014))
def test_no_indicator_cohort_counts_an_adult_as_looked_after(case: tuple[list[dict[str, Any]], dt.date],
                                                               year: int) -> None:
    records, _ = case
    adult = eighteenth(records)
    loaded = load_records(records)
    assert not loaded.rejected
    period = ReportingPeriod.financial_year(year)
    report = compute_indicators(loaded.events, period)
    for result in report.results:
        cohort = DEFINITIONS[result.id].cohort
        if not result.denominator_children:
            continue
        if cohort.looked_after_at_end:
            assert period.end < adult, (result.id, period)
        if cohort.looked_after_in_period:
            assert period.start < adult, (result.id, period)
        if cohort.looked_after_at_age is not None:
            assert cohort.looked_after_at_age.age < 18


def test_ni62_leaves_out_a_young_person_18_on_31_march() -> None:
    """Born 31 Mar 1994: 18 on 31 Mar 2012 and not looked after that day, though the record never ends care; born a
    day later, still 17 on 31 Mar 2012 and counted."""
    records: list[dict[str, Any]] = []
    for child, dob in (("A", "1994-03-31"), ("B", "1994-04-01")):
        records += [
            {"id": f"{child}c", "child": child, "type": "child", "date": dob, "dob": dob},
            {"id": f"{child}l", "child": child, "type": "looked_after_started", "date": "2011-06-01",
             "legal_status": "C2"},
            {"id": f"{child}p", "child": child, "type": "placement_started", "date": "2011-06-01", "placement": "U3"},
        ]
    assert calendar.birthday(dt.date(1994, 3, 31), 18) == dt.date(2012, 3, 31)
    loaded = load_records(records)
    report = compute_indicators(loaded.events, ReportingPeriod.financial_year(2011), indicators=["NI62"])
    ni62 = report.get("NI62")
    assert ni62 is not None and ni62.denominator_children == ("B",)
