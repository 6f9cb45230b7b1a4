"""A practice contract's terms (docs/contracts.md), as built by ``swp_rules.contracts.loader`` from a contract file.

Money is ``Decimal`` pounds and pence; shares, weights, thresholds and measure values are exact ``Fraction`` s.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from swp_rules.contracts.money import exact_text

Polarity = Literal["higher", "lower"]
Frequency = Literal["monthly", "quarterly", "annual"]
Alignment = Literal["contract_start", "financial_year"]
Window = Literal["period", "rolling_12_months"]
Unmeasured = Literal["pay", "withhold"]


@attrs.frozen
class YearTerms:
    """What a contract year pays: the annual fee and the share of it that depends on outcomes (docs/contracts.md)."""

    first_year: int
    last_year: int
    annual_fee: Decimal
    performance_share: Fraction
    line: int = 0

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


@attrs.frozen
class Band:
    """A stepped band: a value at or beyond ``threshold`` (in the measure's better direction) earns ``pays``."""

    threshold: Fraction
    pays: Fraction


@attrs.frozen
class Scale:
    """How a measure's value becomes a fraction earned: linear between ``lower`` and ``upper`` (GP QOF style,
    ``clamp((a − L)/(U − L), 0, 1)``; for "lower is better" ``L > U``), or stepped ``bands``."""

    measure: str
    polarity: Polarity
    lower: Fraction
    upper: Fraction
    bands: tuple[Band, ...] = ()
    window: Window = "period"

    def reaches_lower(self, value: Fraction) -> bool:
        """Whether ``value`` is at or beyond the lower threshold (the bonus gateway's test)."""
        return value >= self.lower if self.polarity == "higher" else value <= self.lower

    def fraction(self, value: Fraction) -> Fraction:
        """The fraction of the pot earned at ``value``: never falls as achievement improves, 1 at the upper
        threshold and beyond."""
        if self.bands:
            earned = Fraction(0)
            for band in self.bands:
                beyond = value >= band.threshold if self.polarity == "higher" else value <= band.threshold
                if beyond:
                    earned = band.pays
            return earned
        share = (value - self.lower) / (self.upper - self.lower)
        return min(Fraction(1), max(Fraction(0), share))

    def describe(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "measure": self.measure,
            "polarity": self.polarity,
            "lower": exact_text(self.lower),
            "upper": exact_text(self.upper),
            "window": self.window,
        }
        if self.bands:
            found["bands"] = [{"threshold": exact_text(b.threshold), "pays": exact_text(b.pays)} for b in self.bands]
        return found


@attrs.frozen
class Component:
    """One part of a composite outcome, with its weight in the weighted mean of fractions."""

    scale: Scale
    weight: Fraction
    title: str = ""


@attrs.frozen
class Outcome:
    """An outcome the practice is paid on: its share (weight) of the outcome pot and how it is measured, either one
    ``scale`` or a weighted mean of ``components`` (a composite, e.g. stability and continuity)."""

    id: str
    title: str
    weight: Fraction
    scale: Scale | None = None
    components: tuple[Component, ...] = ()
    citation: str = ""
    line: int = 0

    def scales(self) -> tuple[Scale, ...]:
        return (self.scale,) if self.scale is not None else tuple(c.scale for c in self.components)


@attrs.frozen
class Bonus:
    """A bonus pool from placement savings: ``min(cap, share × max(0, budget − spend))``, payable only when at least
    ``gateway`` outcomes reach their lower threshold (docs/contracts.md). Budget and cap are annual, pro-rated like
    the fee."""

    annual_budget: Decimal
    share: Fraction
    annual_cap: Decimal
    gateway: int
    citation: str = ""


@attrs.frozen
class ServiceLevel:
    """A service level: the measure must reach ``target`` every month; a month that misses it costs ``deduction``,
    capped per settlement period and per rolling 12 months (docs/contracts.md)."""

    id: str
    title: str
    measure: str
    polarity: Polarity
    target: Fraction
    deduction: Decimal
    cap_per_period: Decimal | None
    cap_rolling_12_months: Decimal | None
    citation: str = ""

    def met(self, value: Fraction) -> bool:
        return value >= self.target if self.polarity == "higher" else value <= self.target


@attrs.frozen
class Contract:
    """A practice contract: who, for whom, when, and how each pound is earned or withheld."""

    id: str
    version: str
    title: str
    council: str
    practice: str
    citation: str
    start: dt.date
    end: dt.date
    frequency: Frequency
    alignment: Alignment
    years: tuple[YearTerms, ...]
    outcomes: tuple[Outcome, ...]
    bonus: Bonus | None
    service_levels: tuple[ServiceLevel, ...]
    duty_rulesets: tuple[str, ...]
    unmeasured: Unmeasured
    illustrative: bool
    sha256: str = ""
    path: str = ""
    kind: str = "contract"

    def terms_for(self, year: int) -> YearTerms:
        for terms in self.years:
            if terms.covers(year):
                return terms
        raise LookupError(f"contract year {year} has no terms")

    def measures(self) -> tuple[str, ...]:
        """Every measure the contract reads, in first-use order."""
        found: dict[str, None] = {}
        for outcome in self.outcomes:
            for scale in outcome.scales():
                found[scale.measure] = None
        for level in self.service_levels:
            found[level.measure] = None
        return tuple(found)

    @property
    def rules(self) -> tuple[Outcome | ServiceLevel, ...]:
        """The outcomes and service levels (counted as the contract's rules by ``swp-rules rulesets list``)."""
        return (*self.outcomes, *self.service_levels)

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "version": self.version, "sha256": self.sha256}

    def to_dict(self) -> dict[str, Any]:
        """The terms as plain data (``swp-rules rulesets show``)."""
        return {
            "council": self.council,
            "practice": self.practice,
            "citation": self.citation,
            "illustrative": self.illustrative,
            "term": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "settlement": {"every": self.frequency, "aligned_to": self.alignment},
            "duties": list(self.duty_rulesets),
            "unmeasured": self.unmeasured,
            "payment": [
                {"years": str(t.first_year) if t.first_year == t.last_year else f"{t.first_year}-{t.last_year}",
                 "annual_fee": str(t.annual_fee), "performance_share": exact_text(t.performance_share)}
                for t in self.years
            ],
            "outcomes": [
                {"id": o.id, "title": o.title, "weight": exact_text(o.weight),
                 "scales": [s.describe() for s in o.scales()],
                 "component_weights": [exact_text(c.weight) for c in o.components]}
                for o in self.outcomes
            ],
            "bonus": None if self.bonus is None else {
                "placement_budget": str(self.bonus.annual_budget), "share": exact_text(self.bonus.share),
                "cap": str(self.bonus.annual_cap), "gateway": self.bonus.gateway,
            },
            "service_levels": [
                {"id": s.id, "title": s.title, "measure": s.measure, "polarity": s.polarity,
                 "target": exact_text(s.target), "deduction": str(s.deduction),
                 "cap_per_period": _money_text(s.cap_per_period),
                 "cap_rolling_12_months": _money_text(s.cap_rolling_12_months)}
                for s in self.service_levels
            ],
        }


def _money_text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)
