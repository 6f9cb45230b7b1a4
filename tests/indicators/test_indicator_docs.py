"""``docs/indicators.md``: its example runs as written; an evaluation passed in gives the same results."""

from __future__ import annotations

import datetime as dt
import doctest
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from swp_rules.engine import evaluate
from swp_rules.indicators import compute_indicators
from swp_rules.io.events import load_records
from swp_rules.periods import ReportingPeriod
from swp_rules.testing import cohorts

pytestmark = pytest.mark.slow  # docs/indicators.md's examples

DOCS = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"
DUTY_INDICATORS = ["NI66", "KPI-visits-on-time", "KPI-reviews-on-time", "KPI-health-on-time"]


def test_docs_example() -> None:
    failures, tried = doctest.testfile(str(DOCS), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


@settings(max_examples=10)
@given(cohorts(min_children=1, max_children=3, start=dt.date(2010, 4, 1), years=2))
def test_evaluation_reused(cohort: list[list[dict[str, Any]]]) -> None:
    period = ReportingPeriod.financial_year(2011)
    events = load_records([e for t in cohort for e in t]).events
    direct = compute_indicators(events, period, indicators=DUTY_INDICATORS)
    for as_of in (period.end, period.end + dt.timedelta(days=45)):
        reused = compute_indicators(events, period, indicators=DUTY_INDICATORS, evaluation=evaluate(events, as_of))
        assert direct.results == reused.results
