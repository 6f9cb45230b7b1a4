"""Hypothesis properties of contract settlement (issue 5): paid + reduced = pot for every outcome line; payment never
falls as achievement improves (respecting polarity); caps are never exceeded; totals are the sums of their lines;
all outcomes at their upper thresholds pay in full."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn

from swp_rules.contracts import (
    Band,
    Bonus,
    CallableMeasures,
    Component,
    Contract,
    FixedMeasures,
    FixedSpend,
    Outcome,
    PaymentStatement,
    Scale,
    ServiceLevel,
    YearTerms,
    settle,
)
from swp_rules.contracts.periods import rolling_12_months
from swp_rules.periods import ReportingPeriod
from swp_rules.testing import contracts

START = dt.date(2011, 4, 1)
END = dt.date(2013, 3, 31)
TERM = ReportingPeriod(START, END)


def _money(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda pence: Decimal(pence).scaleb(-2))


@st.composite
def _scale_variant(draw: DrawFn, outcome: dict[str, Any]) -> Scale:
    """The strategy's linear scale, or stepped bands between the same thresholds (the last band paying in full)."""
    lower, upper = Fraction(outcome["lower"]), Fraction(outcome["upper"])
    polarity = outcome["polarity"]
    if draw(st.booleans()):
        return Scale(outcome["id"], polarity, lower, upper)
    steps = draw(st.integers(1, 3))
    thresholds = [lower + (upper - lower) * Fraction(i, steps) for i in range(steps + 1)]
    pays = sorted(draw(st.lists(st.fractions(0, 1, max_denominator=20), min_size=steps, max_size=steps)))
    bands = tuple(Band(t, p) for t, p in zip(thresholds, [*pays, Fraction(1)], strict=True))
    return Scale(outcome["id"], polarity, bands[0].threshold, bands[-1].threshold, bands)


@st.composite
def settled_contracts(draw: DrawFn) -> Contract:
    """A contract from ``swp_rules.testing.contracts()``: its fee, share and outcomes (some as bands, the last two as
    a composite when drawn), plus a bonus and a service level with caps, on a two-year term."""
    spec = draw(contracts())
    scales = [draw(_scale_variant(o)) for o in spec["outcomes"]]
    weights = [Fraction(o["weight"]) for o in spec["outcomes"]]
    outcomes: list[Outcome] = []
    if len(scales) >= 3 and draw(st.booleans()):
        parts = (Component(scales[-2], Fraction(1, 3)), Component(scales[-1], Fraction(2, 3)))
        outcomes.append(Outcome("composite", "composite", weights[-2] + weights[-1], None, parts))
        scales, weights = scales[:-2], weights[:-2]
    singles = [Outcome(f"o{i}-{s.measure}", s.measure, w, s) for i, (s, w) in enumerate(zip(scales, weights,
                                                                                               strict=True))]
    outcomes = singles + outcomes
    share_two = draw(st.integers(0, 100).map(lambda n: Fraction(n, 100)))
    years = (YearTerms(1, 1, spec["fee"], Fraction(spec["performance_share"])),
             YearTerms(2, 2, draw(_money(0, 500_000_000)), share_two))
    cap_period = draw(st.one_of(st.none(), _money(0, 1_000_000)))
    cap_year = draw(st.one_of(st.none(), _money(0, 3_000_000)))
    level = ServiceLevel("access", "access", "access-kpi", "higher", Fraction(draw(st.integers(0, 100)), 100),
                         draw(_money(0, 500_000)), cap_period, cap_year)
    bonus = Bonus(draw(_money(0, 400_000_000)), draw(st.fractions(0, 1, max_denominator=100)),
                  draw(_money(0, 10_000_000)), draw(st.integers(0, len(outcomes))))
    return Contract(
        id=spec["id"], version="1", title="generated", council="c", practice="p", citation="generated",
        start=START, end=END, frequency=draw(st.sampled_from(["monthly", "quarterly", "annual"])),
        alignment=draw(st.sampled_from(["contract_start", "financial_year"])), years=years,
        outcomes=tuple(outcomes), bonus=bonus, service_levels=(level,), duty_rulesets=(),
        unmeasured=draw(st.sampled_from(["pay", "withhold"])), illustrative=True,
    )


def _values(contract: Contract) -> st.SearchStrategy[dict[str, Fraction | None]]:
    measures = {s.measure for o in contract.outcomes for s in o.scales()}
    value = st.one_of(st.none(), st.fractions(-1, 2, max_denominator=200))
    return st.fixed_dictionaries({m: value for m in sorted(measures)})


def _monthly(values: list[Fraction | None]) -> CallableMeasures:
    def access(measure: str, period: ReportingPeriod) -> Fraction | None:
        months = (period.start.year - START.year) * 12 + period.start.month - START.month
        return values[months % len(values)]

    return CallableMeasures(access)


class _Both:
    """Outcome values from one source, the monthly service-level values from another."""

    def __init__(self, outcomes: FixedMeasures, levels: CallableMeasures) -> None:
        self.outcomes, self.levels = outcomes, levels

    def measure(self, measure: str, period: ReportingPeriod) -> Any:
        return (self.levels if measure == "access-kpi" else self.outcomes).measure(measure, period)


def _settle(contract: Contract, values: dict[str, Fraction | None], monthly: list[Fraction | None],
            spend: Decimal) -> PaymentStatement:
    return settle(contract, TERM, measures=_Both(FixedMeasures(values), _monthly(monthly)), spend=FixedSpend(spend))


@st.composite
def scenarios(draw: DrawFn) -> tuple[Contract, dict[str, Fraction | None], list[Fraction | None], Decimal]:
    contract = draw(settled_contracts())
    values = draw(_values(contract))
    monthly = draw(st.lists(st.one_of(st.none(), st.fractions(0, 1, max_denominator=20)), min_size=1, max_size=24))
    spend = draw(_money(0, 400_000_000))
    return contract, values, monthly, spend


@given(scenarios())
def test_lines_add_up_and_caps_hold(scenario: tuple[Contract, dict[str, Fraction | None], list[Fraction | None],
                                                    Decimal]) -> None:
    contract, values, monthly, spend = scenario
    statement = _settle(contract, values, monthly, spend)
    assert contract.bonus is not None
    level = contract.service_levels[0]
    applied: list[tuple[ReportingPeriod, Decimal]] = []
    for period in statement.periods:
        for line in period.outcomes:
            assert line.paid + line.reduced == line.pot
            assert Decimal(0) <= line.paid <= line.pot
            assert line.pot.as_tuple().exponent == -2 and line.paid.as_tuple().exponent == -2
        assert period.outcome_pot == sum((o.pot for o in period.outcomes), Decimal(0))
        assert period.outcomes_paid == sum((o.paid for o in period.outcomes), Decimal(0))
        assert period.outcomes_reduced == sum((o.reduced for o in period.outcomes), Decimal(0))
        assert period.fee == period.fixed_fee + period.outcome_pot
        assert period.deductions_total == sum((d.applied for d in period.deductions), Decimal(0))
        assert period.bonus is not None
        assert Decimal(0) <= period.bonus.amount <= period.bonus.cap
        assert period.bonus.amount <= period.bonus.pool
        if not period.bonus.gateway_passed:
            assert period.bonus.amount == 0
        assert period.total == (period.fixed_fee + period.outcomes_paid + period.bonus.amount
                                - period.deductions_total)
        if level.cap_per_period is not None:
            assert period.deductions_total <= level.cap_per_period
        for d in period.deductions:
            assert Decimal(0) <= d.applied <= d.due
            applied.append((d.month, d.applied))
    if level.cap_rolling_12_months is not None:
        for month, _ in applied:
            window = rolling_12_months(month.end)
            assert sum((a for m, a in applied if window.start <= m.start <= month.end), Decimal(0)) \
                <= level.cap_rolling_12_months
    totals = statement.totals
    assert totals.total == sum((p.total for p in statement.periods), Decimal(0))
    assert totals.fee == sum((p.fee for p in statement.periods), Decimal(0))
    assert totals.outcomes_paid + totals.outcomes_reduced == totals.outcome_pot
    assert totals.fee == totals.fixed_fee + totals.outcome_pot


@given(st.data())
def test_payment_never_falls_as_achievement_improves(data: st.DataObject) -> None:
    contract = data.draw(settled_contracts())
    values = data.draw(_values(contract))
    measure = data.draw(st.sampled_from(sorted(values)))
    scale = next(s for o in contract.outcomes for s in o.scales() if s.measure == measure)
    before = values[measure] if values[measure] is not None else data.draw(st.fractions(-1, 2, max_denominator=50))
    step = data.draw(st.fractions(0, 1, max_denominator=50))
    better = before + step if scale.polarity == "higher" else before - step
    note(f"{measure} ({scale.polarity}) {before} -> {better}")
    first = _settle(contract, {**values, measure: before}, [None], Decimal(0))
    second = _settle(contract, {**values, measure: better}, [None], Decimal(0))
    for one, two in zip(first.periods, second.periods, strict=True):
        for a, b in zip(one.outcomes, two.outcomes, strict=True):
            assert a.paid <= b.paid
        assert one.outcomes_paid <= two.outcomes_paid
    assert scale.fraction(before) <= scale.fraction(better)


@given(settled_contracts())
def test_all_outcomes_at_upper_thresholds_pay_in_full(contract: Contract) -> None:
    values: dict[str, Fraction | None] = {s.measure: s.upper for o in contract.outcomes for s in o.scales()}
    statement = _settle(contract, values, [Fraction(1)], Decimal(0))
    for period in statement.periods:
        for line in period.outcomes:
            assert line.fraction == 1
            assert line.paid == line.pot and line.reduced == 0
        assert period.outcomes_reduced == 0
        assert period.bonus is not None and period.bonus.gateway_passed


def _document(spec: dict[str, Any], frequency: str, alignment: str) -> dict[str, Any]:
    """A contract file's content from a ``swp_rules.testing.contracts()`` draw, numbers written as exact text."""
    return {
        "ruleset": spec["id"], "kind": "contract", "version": "1", "title": "generated", "council": "c",
        "practice": "p", "citation": "generated", "term": {"from": START.isoformat(), "to": END.isoformat()},
        "settlement": {"every": frequency, "aligned_to": alignment},
        "payment": [{"years": "1-2", "annual_fee": str(spec["fee"]),
                     "performance_share": str(spec["performance_share"])}],
        "outcomes": [
            {"id": o["id"].replace("_", "-"), "title": o["id"], "weight": str(o["weight"]), "measure": o["id"],
             "polarity": o["polarity"], "lower": str(o["lower"]), "upper": str(o["upper"])}
            for o in spec["outcomes"]
        ],
    }


@given(contracts(weights="fraction") | contracts(weights="decimal"),
       st.sampled_from(["monthly", "quarterly", "annual"]), st.sampled_from(["contract_start", "financial_year"]))
def test_every_generated_contract_file_loads(spec: dict[str, Any], frequency: str, alignment: str) -> None:
    """The loader accepts every valid contract the public strategy draws, reading its numbers exactly."""
    import io
    import tempfile

    from ruamel.yaml import YAML

    from swp_rules.contracts import parse_contract
    from swp_rules.rulesets.loader import read_yaml
    from swp_rules.testing import CONTRACT_OUTCOMES

    text = io.StringIO()
    YAML(typ="safe", pure=True).dump(_document(spec, frequency, alignment), text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(text.getvalue(), encoding="utf-8")
        source = read_yaml(path)
        contract = parse_contract(source, dict(CONTRACT_OUTCOMES))
    assert source.root.problems == []
    assert contract is not None
    assert [o.weight for o in contract.outcomes] == [Fraction(o["weight"]) for o in spec["outcomes"]]
    assert contract.years[0].annual_fee == spec["fee"]
    assert contract.years[0].performance_share == Fraction(spec["performance_share"])
    statement = _settle(contract, {s.measure: s.upper for o in contract.outcomes for s in o.scales()}, [None],
                        Decimal(0))
    assert statement.totals.outcomes_reduced == 0
