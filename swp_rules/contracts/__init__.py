"""Practice contracts: outcome thresholds, payment reductions, bonuses and service-level deductions (docs/contracts.md).

>>> from swp_rules.contracts import load_contract, settle          # doctest: +SKIP
>>> contract = load_contract("contracts/liverpool-pss-illustrative")   # doctest: +SKIP
>>> statement = settle(contract, parse_period("2011/12"), events=loaded.events)  # doctest: +SKIP
>>> statement.to_dict()["totals"]["total"]                         # doctest: +SKIP

See ``docs/contracts.md`` for the contract file format and the rounding rule.
"""

from __future__ import annotations

from swp_rules.contracts.loader import load_contract, parse_contract
from swp_rules.contracts.measures import (
    CallableMeasures,
    FixedMeasures,
    IndicatorMeasures,
    Measurement,
    MeasureSource,
    MeasuresUnavailable,
    known_measures,
)
from swp_rules.contracts.model import Band, Bonus, Component, Contract, Outcome, Scale, ServiceLevel, YearTerms
from swp_rules.contracts.money import to_pennies
from swp_rules.contracts.settle import NothingToSettle, settle
from swp_rules.contracts.spend import FixedSpend, PlacementCosts, Spend, SpendSource
from swp_rules.contracts.statement import (
    ROUNDING_RULE,
    BonusLine,
    DeductionLine,
    MeasureLine,
    OutcomeLine,
    PaymentStatement,
    PeriodStatement,
    Totals,
)

__all__ = [
    "ROUNDING_RULE",
    "Band",
    "Bonus",
    "BonusLine",
    "CallableMeasures",
    "Component",
    "Contract",
    "DeductionLine",
    "FixedMeasures",
    "FixedSpend",
    "IndicatorMeasures",
    "MeasureLine",
    "MeasureSource",
    "Measurement",
    "MeasuresUnavailable",
    "NothingToSettle",
    "Outcome",
    "OutcomeLine",
    "PaymentStatement",
    "PeriodStatement",
    "PlacementCosts",
    "Scale",
    "ServiceLevel",
    "Spend",
    "SpendSource",
    "Totals",
    "YearTerms",
    "known_measures",
    "load_contract",
    "parse_contract",
    "settle",
    "to_pennies",
]
