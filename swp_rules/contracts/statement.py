"""Payment statements (SPEC.md §2): per settlement period, every line with why each pound was paid or withheld.

All amounts are ``Decimal`` pounds and pence (the rounding rule is in ``swp_rules.contracts.money``); fractions
are exact and serialise as text (``0.75``, or ``2/3`` when they have no finite decimal).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from swp_rules.contracts.money import exact_text
from swp_rules.periods import ReportingPeriod

ROUNDING_RULE = (
    "Each computed amount (period fee, pot, amount earned, spend, bonus, deduction) is rounded half up to the penny "
    "on its own line; every other amount is a sum or difference of lines, so totals equal the sum of their lines."
)


@attrs.frozen
class MeasureLine:
    """One measure's value over its window and the fraction of the pot it earns on its scale."""

    measure: str
    window: ReportingPeriod
    value: Fraction | None
    numerator: int | Fraction | None
    denominator: int | Fraction | None
    scale: dict[str, Any]
    fraction: Fraction
    weight: Fraction
    reaches_lower: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "window": self.window.to_dict(),
            "value": exact_text(self.value),
            "numerator": _number(self.numerator),
            "denominator": _number(self.denominator),
            **{k: v for k, v in self.scale.items() if k not in ("measure", "window")},
            "weight": exact_text(self.weight),
            "fraction_earned": exact_text(self.fraction),
            "reaches_lower": self.reaches_lower,
        }


@attrs.frozen
class OutcomeLine:
    """An outcome's pot, what it earned and what was withheld: ``paid + reduced == pot``."""

    outcome: str
    title: str
    weight: Fraction
    pot: Decimal
    measures: tuple[MeasureLine, ...]
    fraction: Fraction
    paid: Decimal
    reduced: Decimal
    reaches_lower: bool
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "title": self.title,
            "weight": exact_text(self.weight),
            "pot": self.pot,
            "measures": [m.to_dict() for m in self.measures],
            "fraction_earned": exact_text(self.fraction),
            "paid": self.paid,
            "reduced": self.reduced,
            "reaches_lower": self.reaches_lower,
            "explanation": self.explanation,
        }


@attrs.frozen
class BonusLine:
    """The bonus from placement savings: ``min(cap, share × max(0, budget − spend))`` if the gateway is passed."""

    budget: Decimal
    spend: Decimal
    savings: Decimal
    share: Fraction
    pool: Decimal
    cap: Decimal
    gateway_required: int
    gateway_reached: int
    gateway_passed: bool
    amount: Decimal
    children: int
    placements: int
    uncosted_placements: int
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "placement_budget": self.budget,
            "placement_spend": self.spend,
            "savings": self.savings,
            "share": exact_text(self.share),
            "pool": self.pool,
            "cap": self.cap,
            "gateway": {"required": self.gateway_required, "reached": self.gateway_reached,
                        "passed": self.gateway_passed},
            "amount": self.amount,
            "spend_counts": {"children": self.children, "placements": self.placements,
                             "uncosted_placements": self.uncosted_placements},
            "explanation": self.explanation,
        }


@attrs.frozen
class DeductionLine:
    """One service level in one month: met or missed, the deduction due and the deduction applied after caps."""

    service_level: str
    title: str
    month: ReportingPeriod
    measure: str
    value: Fraction | None
    numerator: int | Fraction | None
    denominator: int | Fraction | None
    target: Fraction
    polarity: str
    met: bool
    due: Decimal
    applied: Decimal
    capped_by: str | None
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "service_level": self.service_level,
            "title": self.title,
            "month": self.month.to_dict(),
            "measure": self.measure,
            "value": exact_text(self.value),
            "numerator": _number(self.numerator),
            "denominator": _number(self.denominator),
            "target": exact_text(self.target),
            "polarity": self.polarity,
            "met": self.met,
            "due": self.due,
            "applied": self.applied,
            "capped_by": self.capped_by,
            "explanation": self.explanation,
        }


@attrs.frozen
class PeriodStatement:
    """One settlement period: ``total = fixed_fee + outcomes_paid + bonus − deductions``, all sums of lines."""

    period: ReportingPeriod
    contract_year: int
    fee: Decimal
    performance_share: Fraction
    fixed_fee: Decimal
    outcome_pot: Decimal
    outcomes: tuple[OutcomeLine, ...]
    outcomes_paid: Decimal
    outcomes_reduced: Decimal
    bonus: BonusLine | None
    deductions: tuple[DeductionLine, ...]
    deductions_total: Decimal
    total: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.to_dict(),
            "contract_year": self.contract_year,
            "fee": self.fee,
            "performance_share": exact_text(self.performance_share),
            "fixed_fee": self.fixed_fee,
            "outcome_pot": self.outcome_pot,
            "outcomes": [o.to_dict() for o in self.outcomes],
            "outcomes_paid": self.outcomes_paid,
            "outcomes_reduced": self.outcomes_reduced,
            "bonus": self.bonus.to_dict() if self.bonus else None,
            "deductions": [d.to_dict() for d in self.deductions],
            "deductions_total": self.deductions_total,
            "total": self.total,
        }


@attrs.frozen
class Totals:
    """Sums over the statement's periods."""

    fee: Decimal
    fixed_fee: Decimal
    outcome_pot: Decimal
    outcomes_paid: Decimal
    outcomes_reduced: Decimal
    bonus: Decimal
    deductions: Decimal
    total: Decimal

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class PaymentStatement:
    """A contract's payment statement for the settlement periods that overlap a requested period."""

    contract: str
    version: str
    title: str
    council: str
    practice: str
    citation: str
    illustrative: bool
    requested: ReportingPeriod
    periods: tuple[PeriodStatement, ...]
    totals: Totals
    rounding: str = ROUNDING_RULE

    def to_dict(self) -> dict[str, Any]:
        return {
            "contract": self.contract,
            "version": self.version,
            "title": self.title,
            "council": self.council,
            "practice": self.practice,
            "citation": self.citation,
            "illustrative": self.illustrative,
            "requested": self.requested.to_dict(),
            "rounding": self.rounding,
            "periods": [p.to_dict() for p in self.periods],
            "totals": self.totals.to_dict(),
        }


def _number(value: int | Fraction | None) -> int | str | None:
    if value is None or isinstance(value, int):
        return value
    return exact_text(Fraction(value))


