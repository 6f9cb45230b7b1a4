"""Settling a contract (docs/contracts.md): the fee, outcome payments, the bonus and service-level deductions.

For each settlement period that overlaps the requested period:

* ``fee`` = the contract year's annual fee pro-rated to the period (``swp_rules.contracts.periods``);
* each outcome's ``pot`` = fee × performance-related share × the outcome's weight; it earns
  ``paid = pot × fraction`` where the fraction is ``clamp((a − L)/(U − L), 0, 1)`` (GP QOF style), a stepped band,
  or for a composite the weighted mean of its components' fractions; ``reduced = pot − paid``;
* ``fixed_fee`` = fee − the outcome pots (the part not at risk);
* ``bonus`` = ``min(cap, share × max(0, budget − spend))`` when at least ``gateway`` outcomes reach their lower
  threshold; budget and cap are annual amounts pro-rated like the fee;
* each service level is measured month by month; a missed month costs its deduction, capped so that the deductions
  applied in a settlement period never exceed the cap per period, and those in any 12 consecutive months never
  exceed the rolling cap (months are settled in order from the start of the term, so earlier periods count);
* ``total = fixed_fee + outcomes_paid + bonus − deductions``.

A measure with no value (an empty cohort) is treated as the contract's ``unmeasured`` says: ``pay`` (in full, or
met) or ``withhold`` (nothing, or missed). Money follows the one rounding rule of ``swp_rules.contracts.money``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from swp_rules.contracts import statement
from swp_rules.contracts.measures import IndicatorMeasures, MeasureSource
from swp_rules.contracts.model import Contract, Outcome, Scale, ServiceLevel
from swp_rules.contracts.money import ZERO, exact_text, percent_text, pounds_text, times, to_pennies
from swp_rules.contracts.periods import contract_year, rolling_12_months, service_months, settlement_periods
from swp_rules.contracts.spend import FixedSpend, PlacementCosts, SpendSource
from swp_rules.model import Event
from swp_rules.periods import ReportingPeriod


class NothingToSettle(ValueError):
    """The requested period does not overlap the contract's term."""


def settle(
    contract: Contract,
    period: ReportingPeriod,
    *,
    events: Iterable[Event] | None = None,
    measures: MeasureSource | None = None,
    spend: SpendSource | None = None,
    duty_rulesets: Sequence[str] | None = None,
    indicator_rulesets: Sequence[str] = (),
    parameters: Mapping[str, Any] | None = None,
) -> statement.PaymentStatement:
    """The payment statement for every settlement period of ``contract`` that overlaps ``period``.

    Give ``events`` to measure outcomes with the indicator engine and cost placements from ``weekly_cost``, or give
    a ``measures`` source (and a ``spend`` source) directly. ``duty_rulesets`` are the duty rulesets behind the
    duty-compliance KPIs; by default the statutory rules plus the contract's own duties. ``indicator_rulesets``
    replace the shipped indicator definitions (``rulesets/outcomes/``). ``parameters``: ruleset parameters set for
    this run (``load_rulebook``).
    """
    periods = [(p, f) for p, f in settlement_periods(contract) if p.start <= period.end and period.start <= p.end]
    if not periods:
        raise NothingToSettle(f"the period {period} does not overlap the contract's term "
                              f"{contract.start}..{contract.end}")
    loaded = list(events) if events is not None else None
    if measures is None:
        if loaded is None:
            raise ValueError("settle needs events or a measure source")
        measures = IndicatorMeasures(loaded, contract.practice, contract.measures(),
                                     duty_rulesets_for(contract, duty_rulesets), as_of=periods[-1][0].end,
                                     indicator_rulesets=list(indicator_rulesets), parameters=parameters)
    if spend is None:
        spend = PlacementCosts.from_events(loaded, contract.practice) if loaded is not None else FixedSpend()
    plan = getattr(measures, "plan", None)
    if callable(plan):  # a source that computes many measures at once (the indicator engine) is told them first
        plan(_requests(contract, [p for p, _ in periods]))
    deductions = _deductions(contract, measures, periods[0][0], periods[-1][0])
    statements = [
        _period(contract, p, factor, measures, spend, [d for d in deductions if p.start <= d.month.start <= p.end])
        for p, factor in periods
    ]
    return statement.PaymentStatement(
        contract=contract.id,
        version=contract.version,
        title=contract.title,
        council=contract.council,
        practice=contract.practice,
        citation=contract.citation,
        illustrative=contract.illustrative,
        requested=period,
        periods=tuple(statements),
        totals=statement.Totals(
            fee=_sum(s.fee for s in statements),
            fixed_fee=_sum(s.fixed_fee for s in statements),
            outcome_pot=_sum(s.outcome_pot for s in statements),
            outcomes_paid=_sum(s.outcomes_paid for s in statements),
            outcomes_reduced=_sum(s.outcomes_reduced for s in statements),
            bonus=_sum(s.bonus.amount for s in statements if s.bonus),
            deductions=_sum(s.deductions_total for s in statements),
            total=_sum(s.total for s in statements),
        ),
    )


def _requests(contract: Contract, periods: Sequence[ReportingPeriod]) -> list[tuple[str, ReportingPeriod]]:
    """Every ``(measure, window)`` that settling ``periods`` reads: the outcomes' and the service levels'."""
    found: dict[tuple[str, ReportingPeriod], None] = {}
    for period in periods:
        for outcome in contract.outcomes:
            scales = [outcome.scale] if outcome.scale is not None else [c.scale for c in outcome.components]
            for scale in scales:
                found[(scale.measure, _window(scale, period))] = None
    if contract.service_levels:
        months = [m for m in service_months(contract) if m.start <= periods[-1].end]
        for level in contract.service_levels:
            since = contract.start if level.cap_rolling_12_months is not None else periods[0].start
            for month in months:
                if month.start >= since:
                    found[(level.measure, month)] = None
    return list(found)


def duty_rulesets_for(contract: Contract, chosen: Sequence[str] | None = None) -> list[str]:
    """The duty rulesets behind a contract's KPIs: ``chosen`` (``--ruleset`` values; default: the statutory ones)
    plus the contract's."""
    from swp_rules.engine.rulebook import duty_ruleset_names

    return list(dict.fromkeys([*duty_ruleset_names(chosen or ()), *contract.duty_rulesets]))


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


def _period(contract: Contract, period: ReportingPeriod, factor: Fraction, measures: MeasureSource,
            spend: SpendSource, deductions: list[statement.DeductionLine]) -> statement.PeriodStatement:
    year = contract_year(contract, period.start)
    terms = contract.terms_for(year)
    fee = times(terms.annual_fee, factor)
    lines = [_outcome(contract, outcome, period, fee, terms.performance_share, measures)
             for outcome in contract.outcomes]
    pot = _sum(line.pot for line in lines)
    paid = _sum(line.paid for line in lines)
    reduced = _sum(line.reduced for line in lines)
    bonus = _bonus(contract, period, factor, spend, lines) if contract.bonus is not None else None
    deducted = _sum(d.applied for d in deductions)
    fixed = fee - pot
    total = fixed + paid + (bonus.amount if bonus else ZERO) - deducted
    return statement.PeriodStatement(period, year, fee, terms.performance_share, fixed, pot, tuple(lines), paid,
                                     reduced, bonus, tuple(deductions), deducted, total)


def _window(scale: Scale, period: ReportingPeriod) -> ReportingPeriod:
    return rolling_12_months(period.end) if scale.window == "rolling_12_months" else period


def _outcome(contract: Contract, outcome: Outcome, period: ReportingPeriod, fee: Decimal, share: Fraction,
             measures: MeasureSource) -> statement.OutcomeLine:
    pot = times(fee, share, outcome.weight)
    weighted = [(outcome.scale, Fraction(1))] if outcome.scale is not None else [
        (c.scale, c.weight) for c in outcome.components]
    lines: list[statement.MeasureLine] = []
    for scale, weight in weighted:
        window = _window(scale, period)
        found = measures.measure(scale.measure, window)
        if found.value is None:
            fraction = Fraction(1) if contract.unmeasured == "pay" else Fraction(0)
            reaches = False
        else:
            fraction = scale.fraction(found.value)
            reaches = scale.reaches_lower(found.value)
        lines.append(statement.MeasureLine(scale.measure, window, found.value, found.numerator, found.denominator,
                                 scale.describe(), fraction, weight, reaches))
    fraction = sum((m.fraction * m.weight for m in lines), Fraction(0))
    paid = times(pot, fraction)
    reduced = pot - paid
    reaches_lower = all(m.reaches_lower for m in lines)
    return statement.OutcomeLine(outcome.id, outcome.title, outcome.weight, pot, tuple(lines), fraction, paid, reduced,
                       reaches_lower, _explain_outcome(contract, outcome, lines, pot, fraction=fraction, paid=paid,
                                                        reduced=reduced))


def _explain_outcome(contract: Contract, outcome: Outcome, lines: list[statement.MeasureLine], pot: Decimal, *,
                     fraction: Fraction, paid: Decimal, reduced: Decimal) -> str:
    parts = []
    for m in lines:
        scale = m.scale
        better = "higher" if scale["polarity"] == "higher" else "lower"
        if m.value is None:
            how = "paid in full" if contract.unmeasured == "pay" else "nothing earned"
            parts.append(f"{m.measure} could not be measured (no children in its cohort): {how} under the "
                         f"contract's 'unmeasured: {contract.unmeasured}'")
            continue
        counts = f" ({exact_text(Fraction(m.numerator))} of {exact_text(Fraction(m.denominator))})" if (
            m.numerator is not None and m.denominator is not None) else ""
        if "bands" in scale:
            rule = "stepped bands " + ", ".join(f"{b['threshold']}→{b['pays']}" for b in scale["bands"])
        else:
            rule = f"lower threshold {scale['lower']}, upper {scale['upper']}"
        parts.append(f"{m.measure} was {value_text(m.value, scale)}{counts}, {better} is better, {rule}: "
                     f"{percent_text(m.fraction)} earned" + (f" (weight {exact_text(m.weight)})"
                                                              if len(lines) > 1 else ""))
    return (f"{'; '.join(parts)}. Pot {pounds_text(pot)} × {percent_text(fraction)} = {pounds_text(paid)} paid, "
            f"{pounds_text(reduced)} reduced.")


def value_text(value: Fraction, scale: dict[str, object]) -> str:
    """A measure's value for a sentence: a percentage when its thresholds are fractions of 1 (``94.9%``), else a
    number to two places (a mean SDQ score ``24.45``); the exact value is in the statement's data."""
    thresholds = [Fraction(str(scale[k])) for k in ("lower", "upper") if scale.get(k) is not None]
    if all(0 <= t <= 1 for t in thresholds):
        return percent_text(value)
    return str(to_pennies(value)) if value.denominator != 1 else str(value.numerator)


def _bonus(contract: Contract, period: ReportingPeriod, factor: Fraction, spend: SpendSource,
           lines: list[statement.OutcomeLine]) -> statement.BonusLine:
    terms = contract.bonus
    assert terms is not None
    budget = times(terms.annual_budget, factor)
    spent = spend.spend(period)
    savings = max(ZERO, budget - spent.amount)
    pool = times(savings, terms.share)
    cap = times(terms.annual_cap, factor)
    reached = sum(1 for line in lines if line.reaches_lower)
    passed = reached >= terms.gateway
    amount = min(pool, cap) if passed else ZERO
    gate = (f"gateway passed: {reached} of {len(lines)} outcomes reached their lower threshold "
            f"(at least {terms.gateway} needed)" if passed else
            f"gateway not passed: only {reached} of {len(lines)} outcomes reached their lower threshold "
            f"(at least {terms.gateway} needed), so no bonus")
    capped = " (capped)" if passed and pool > cap else ""
    explanation = (f"Placement budget {pounds_text(budget)} − spend {pounds_text(spent.amount)} = savings "
                   f"{pounds_text(savings)}; {percent_text(terms.share)} share = pool {pounds_text(pool)}, cap "
                   f"{pounds_text(cap)}; {gate}. Bonus {pounds_text(amount)}{capped}.")
    return statement.BonusLine(budget, spent.amount, savings, terms.share, pool, cap, terms.gateway, reached, passed,
                               amount, spent.children, spent.placements, spent.uncosted, explanation)


def _deductions(contract: Contract, measures: MeasureSource, first: ReportingPeriod,
                last: ReportingPeriod) -> list[statement.DeductionLine]:
    """Every service level's monthly results for the settlement periods ``first`` to ``last``, caps applied in month
    order (each month is charged to the settlement period that contains its first day). A rolling 12-month cap
    depends on every earlier month's deduction, so a service level with one is settled from the start of the term;
    the earlier months are left out of the result."""
    if not contract.service_levels:
        return []
    all_months = [m for m in service_months(contract) if m.start <= last.end]
    periods = [p for p, _ in settlement_periods(contract)]
    out: list[statement.DeductionLine] = []
    for level in contract.service_levels:
        applied_by_month: list[tuple[ReportingPeriod, Decimal]] = []
        since = contract.start if level.cap_rolling_12_months is not None else first.start
        for month in (m for m in all_months if m.start >= since):
            holder = next(p for p in periods if p.start <= month.start <= p.end)
            found = measures.measure(level.measure, month)
            met = contract.unmeasured == "pay" if found.value is None else level.met(found.value)
            due = ZERO if met else level.deduction
            applied, capped_by = due, None
            if level.cap_per_period is not None:
                so_far = _sum(a for m, a in applied_by_month if holder.start <= m.start <= holder.end)
                room = max(ZERO, level.cap_per_period - so_far)
                if applied > room:
                    applied, capped_by = room, "cap per period"
            if level.cap_rolling_12_months is not None:
                window = rolling_12_months(month.end)
                so_far = _sum(a for m, a in applied_by_month if window.start <= m.start)
                room = max(ZERO, level.cap_rolling_12_months - so_far)
                if applied > room:
                    applied, capped_by = room, "cap per rolling 12 months"
            applied_by_month.append((month, applied))
            explanation = _explain_level(contract, level, found.value, met, due=due, applied=applied,
                                         capped_by=capped_by)
            out.append(statement.DeductionLine(level.id, level.title, month, level.measure, found.value,
                                               found.numerator, found.denominator, level.target, level.polarity, met,
                                               due, applied, capped_by, explanation))
    out.sort(key=lambda d: (d.month.start, d.service_level))
    return out


def _explain_level(contract: Contract, level: ServiceLevel, value: Fraction | None, met: bool, *, due: Decimal,
                   applied: Decimal, capped_by: str | None) -> str:
    sign = "≥" if level.polarity == "higher" else "≤"
    target = f"target {sign} {percent_text(level.target)}"
    if value is None:
        head = (f"{level.measure} could not be measured this month; treated as "
                f"{'met' if met else 'missed'} under 'unmeasured: {contract.unmeasured}'")
    else:
        head = f"{level.measure} was {percent_text(value)} ({target}): {'met' if met else 'missed'}"
    if met:
        return f"{head}; no deduction."
    tail = f"deduction {pounds_text(due)}"
    if capped_by is not None:
        tail += f", reduced to {pounds_text(applied)} by the {capped_by}"
    return f"{head}; {tail}."
