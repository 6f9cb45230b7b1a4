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
from swp_rules.plain import PlainData

ROUNDING_RULE = (
    "Each computed amount (period fee, pot, amount earned, spend, bonus, deduction) is rounded half up to the penny "
    "on its own line; every other amount is a sum or difference of lines, so totals equal the sum of their lines."
)


@attrs.frozen
class MeasureLine(PlainData):
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


@attrs.frozen
class OutcomeLine(PlainData):
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


@attrs.frozen
class BonusLine(PlainData):
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


@attrs.frozen
class DeductionLine(PlainData):
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


@attrs.frozen
class PeriodStatement(PlainData):
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


@attrs.frozen
class Totals(PlainData):
    """Sums over the statement's periods."""

    fee: Decimal
    fixed_fee: Decimal
    outcome_pot: Decimal
    outcomes_paid: Decimal
    outcomes_reduced: Decimal
    bonus: Decimal
    deductions: Decimal
    total: Decimal


@attrs.frozen
class PaymentStatement(PlainData):
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


def _number(value: int | Fraction | None) -> int | str | None:
    if value is None or isinstance(value, int):
        return value
    return exact_text(Fraction(value))


