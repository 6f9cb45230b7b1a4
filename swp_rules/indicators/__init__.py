"""Outcome indicators (docs/indicators.md): the ECM outcomes, the National Indicator Set, OC2 health measures, stability
and continuity, and contract KPIs, computed per reporting period from case events and declarative rulesets.

>>> from swp_rules.indicators import compute_indicators  # doctest: +SKIP
"""

from swp_rules.indicators.compute import IndicatorReport, IndicatorResult, compute_indicators
from swp_rules.indicators.definitions import OUTCOMES, IndicatorDefinition, IndicatorRuleset
from swp_rules.indicators.loading import known_indicators, load_indicator_definitions

__all__ = [
    "OUTCOMES",
    "IndicatorDefinition",
    "IndicatorReport",
    "IndicatorResult",
    "IndicatorRuleset",
    "compute_indicators",
    "known_indicators",
    "load_indicator_definitions",
]
