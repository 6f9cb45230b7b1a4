"""Many measure windows in one pass (payment statements) give exactly the one-period-at-a-time results."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import attrs
from hypothesis import given
from hypothesis import strategies as st

from swp_rules.contracts import load_contract, settle
from swp_rules.contracts.measures import IndicatorMeasures, Measurement
from swp_rules.contracts.settle import duty_rulesets_for
from swp_rules.contracts.spend import PlacementCosts
from swp_rules.engine import Engine
from swp_rules.indicators import compute_indicators
from swp_rules.indicators.compute import compute_windows
from swp_rules.indicators.loading import load_indicator_definitions
from swp_rules.io.events import load_records
from swp_rules.periods import ReportingPeriod, parse_period

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from cohort import cohort

EVENTS = load_records(cohort(50)).events
LAST = dt.date(2012, 3, 31)
EVALUATION = Engine().evaluate(EVENTS, LAST)
IDS = sorted({d.id for r in load_indicator_definitions() for d in r.indicators})


@st.composite
def _periods(draw: st.DrawFn) -> ReportingPeriod:
    start = dt.date(2011, 4, 1) + dt.timedelta(days=draw(st.integers(0, 300)))
    end = min(LAST, start + dt.timedelta(days=draw(st.integers(0, 400))))
    return ReportingPeriod(start, end)


@given(st.lists(st.tuples(st.sampled_from(IDS), _periods()), min_size=1, max_size=5))
def test_windows_equal_one_period_at_a_time(requests: list[tuple[str, ReportingPeriod]]) -> None:
    reports = compute_windows(EVENTS, requests, evaluation=EVALUATION)
    assert set(reports) == {p for _, p in requests}
    for indicator, period in requests:
        alone = compute_indicators(EVENTS, period, indicators=[indicator], evaluation=EVALUATION)
        for practice in (None, *alone.practices()):
            assert reports[period].get(indicator, practice) == alone.get(indicator, practice)
        assert reports[period].practices() == alone.practices()


def test_windows_without_an_evaluation_evaluate_the_duties_themselves() -> None:
    year = parse_period("2011/12")
    quarter = ReportingPeriod(dt.date(2011, 7, 1), dt.date(2011, 9, 30))
    requests = [("KPI-visits-on-time", year), ("KPI-reviews-on-time", quarter), ("NI62", quarter)]
    reports = compute_windows(EVENTS, requests)
    for indicator, period in requests:
        alone = compute_indicators(EVENTS, period, indicators=[indicator])
        assert reports[period].get(indicator) == alone.get(indicator)
    assert reports[year].get("KPI-visits-on-time").denominator > 0  # type: ignore[union-attr]


@attrs.define
class _OneAtATime:
    """The indicator source without ``plan``: every window computed when asked, as before planning existed."""

    inner: IndicatorMeasures

    def measure(self, measure: str, period: ReportingPeriod) -> Measurement:
        return self.inner.measure(measure, period)


def test_a_planned_statement_equals_one_computed_window_by_window(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "rulesets" / "contracts" / "liverpool-pss-illustrative.yaml"
    path = tmp_path / "contract.yaml"
    path.write_text(shipped.read_text(encoding="utf-8").replace("practice: liverpool-pss", "practice: SWP-North"),
                    encoding="utf-8")
    contract = load_contract(path)
    year = parse_period("2011/12")
    planned = settle(contract, year, events=EVENTS)

    source = IndicatorMeasures(list(EVENTS), contract.practice, contract.measures(), duty_rulesets_for(contract),
                               as_of=LAST)
    spend = PlacementCosts.from_events(list(EVENTS), contract.practice)
    windowed = settle(contract, year, measures=_OneAtATime(source), spend=spend)
    assert planned == windowed
    assert any(line.value is not None for p in planned.periods for o in p.outcomes for line in o.measures)
