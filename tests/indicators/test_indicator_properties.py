"""Properties of indicator results over generated cohorts (``swp_rules.testing`` strategies)."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from swp_rules.indicators import IndicatorReport, compute_indicators
from swp_rules.indicators.compute import compute_grouped
from swp_rules.io.events import load_records
from swp_rules.model import group_by_child
from swp_rules.periods import ReportingPeriod
from swp_rules.testing import cohorts, timelines

START = dt.date(2010, 4, 1)
PERIODS = st.sampled_from([ReportingPeriod.financial_year(2010), ReportingPeriod.financial_year(2011),
                           ReportingPeriod(dt.date(2011, 1, 1), dt.date(2011, 12, 31))])


def _report(records: list[dict[str, Any]], period: ReportingPeriod) -> IndicatorReport:
    loaded = load_records(records)
    assert not loaded.rejected
    return compute_indicators(loaded.events, period)


def _walk(value: Any) -> None:
    """No binary float anywhere, except the decimal reading of an exact number, which has its ``_exact`` beside it."""
    assert not isinstance(value, float), value
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, float):
                assert isinstance(value.get(f"{key}_exact"), str), key
                continue
            _walk(item)
    elif isinstance(value, list):
        for item in value:
            _walk(item)


@settings(max_examples=25)
@given(cohorts(min_children=1, max_children=4, start=START, years=2), PERIODS)
def test_counts_are_consistent(cohort: list[list[dict[str, Any]]], period: ReportingPeriod) -> None:
    report = _report([e for t in cohort for e in t], period)
    document = report.to_dict()
    _walk(document)
    json.dumps(document)  # serialisable as it is: no Fraction, Decimal or date objects left
    for result, data in zip(report.results, document["indicators"], strict=True):
        assert set(result.numerator_children) <= set(result.denominator_children)
        assert len(set(result.denominator_children)) == len(result.denominator_children)
        if result.value is None:
            assert result.denominator == 0 and data["value"] is None
        else:
            assert Fraction(data["value_exact"]) == result.value == Fraction(result.numerator, result.denominator)
        if result.measure == "proportion":
            assert 0 <= result.numerator <= result.denominator
            if result.unit == "children":
                assert result.numerator == len(result.numerator_children)
                assert result.denominator == len(result.denominator_children)
        overall = report.get(result.id)
        assert overall is not None
        if result.practice is not None:
            assert set(result.denominator_children) <= set(overall.denominator_children)


@settings(max_examples=25)
@given(cohorts(min_children=0, max_children=3, start=START, years=2), PERIODS,
       timelines("mixed", start=dt.date(2008, 4, 1), years=1, ended=True, max_age=14, child="OUTSIDER",
                 id_prefix="out-"))
def test_a_child_outside_the_cohort_changes_nothing(cohort: list[list[dict[str, Any]]], period: ReportingPeriod,
                                                   outsider: list[dict[str, Any]]) -> None:
    # the outsider left care before the period began and is too young to turn 19 in it
    outsider = [e for e in outsider if e["date"][:10] < (period.start - dt.timedelta(days=1)).isoformat()]
    base = _report([e for t in cohort for e in t], period)
    alone = _report(outsider, period)
    assert all(r.denominator == 0 for r in alone.results)
    both = _report([e for t in cohort for e in t] + outsider, period)
    for result in base.results:
        assert both.get(result.id, result.practice) == result


@settings(max_examples=10)
@given(cohorts(min_children=1, max_children=3, start=START, years=2), PERIODS)
def test_grouped_input_gives_the_same_report(cohort: list[list[dict[str, Any]]], period: ReportingPeriod) -> None:
    events = load_records([e for t in reversed(cohort) for e in reversed(t)]).events
    by_child = group_by_child(events, until=period.end)
    grouped = compute_grouped(by_child, period)
    assert not by_child  # each child handed back once counted
    assert grouped == compute_indicators(events, period)
