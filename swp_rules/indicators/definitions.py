"""The indicator definitions (kind ``indicators``, docs/indicators.md): what one indicator counts, as values.

Each definition names its cohort (who is counted at all), its exclusions, and its numerator: one of a few mechanism
*kinds* implemented in ``swp_rules.indicators.measures``. Every age, duration, threshold and code list is a value in
the ruleset file (``rulesets/outcomes/*.yaml``), never in Python; ``swp_rules.indicators.language`` reads and checks
the file, ``swp_rules.indicators.loading`` chooses and loads the rulesets of a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final, Literal

import attrs

from swp_rules import calendar
from swp_rules.rulesets import conditions as cond
from swp_rules.rulesets.duties import Condition
from swp_rules.rulesets.loader import RulesetFile

#: The five Every Child Matters outcomes and the SWP pilots' sixth (docs/indicators.md).
OUTCOMES: Final[Mapping[str, str]] = {
    "be-healthy": "Be healthy",
    "stay-safe": "Stay safe",
    "enjoy-and-achieve": "Enjoy and achieve",
    "make-a-positive-contribution": "Make a positive contribution",
    "achieve-economic-well-being": "Achieve economic well-being",
    "stability-and-continuity": "Stability and continuity",
}

#: The folder of shipped indicator rulesets used when the caller names none.
DEFAULT_INDICATORS: Final = "outcomes"

MeasureKind = Literal[
    "placement_count", "placement_duration", "event_in_window", "status_at_age", "duty_compliance", "field_mean",
    "worker_changes",
]
MEASURE_KINDS: Final[tuple[MeasureKind, ...]] = (
    "placement_count", "placement_duration", "event_in_window", "status_at_age", "duty_compliance", "field_mean",
    "worker_changes",
)
EXCLUSIONS: Final = ("short_breaks_only", "short_breaks_any")
Polarity = Literal["higher", "lower"]
DurationUnit = Literal["months", "weeks", "days"]
DURATION_UNITS: Final[tuple[DurationUnit, ...]] = ("months", "weeks", "days")


@attrs.frozen(slots=True)
class Duration:
    """A length of time counted back from a date. ``inclusive``: the span ends on that date and includes it, so
    "12 months at 31 March 2011" means every day from 1 April 2010; otherwise from 31 March 2010
    (docs/indicators.md, durations)."""

    unit: DurationUnit
    amount: int
    inclusive: bool = True

    def latest_start(self, end: dt.date) -> dt.date:
        """The latest start date of something that has lasted this long by ``end``."""
        if self.unit == "months":
            back = calendar.add_months(end, -self.amount)
        else:
            back = end - dt.timedelta(days=self.amount * (7 if self.unit == "weeks" else 1))
        return back + dt.timedelta(days=1) if self.inclusive else back

    def earliest(self, end: dt.date) -> dt.date:
        """The first day of the window of this length that ends on ``end``."""
        return self.latest_start(end)

    def describe(self) -> str:
        word = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} {word}"


@attrs.frozen(slots=True)
class EventMatch:
    """Events of one type, optionally only those whose fields satisfy ``when`` (the condition language)."""

    event: str
    when: Condition | None = None

    def matches(self, fields: Mapping[str, Any]) -> bool:
        return self.when is None or cond.holds(self.when.node, fields)

    def describe(self) -> str:
        return self.event if self.when is None else f"{self.event} where {self.when.text}"


@attrs.frozen(slots=True)
class Window:
    """Where events are looked for: the reporting period, or a span ending on the period's last day."""

    within: Duration | None = None

    def bounds(self, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
        if self.within is None:
            return start, end
        return self.within.earliest(end), end

    def describe(self) -> str:
        return "the period" if self.within is None else f"the {self.within.describe()} to the period end"


@attrs.frozen(slots=True)
class AgeOnDate:
    """Looked after on the given day of the year that falls while the child is ``age`` (NI 147/148: 1 April in the
    17th year, i.e. while aged 16)."""

    age: int
    month: int
    day: int


@attrs.frozen(slots=True)
class Cohort:
    """Who is counted at all (the denominator before any ``denominator`` filter)."""

    looked_after_at_end: bool = False
    looked_after_in_period: bool = False
    continuously: Duration | None = None
    age_min: int | None = None
    age_max: int | None = None
    birthday_in_period: int | None = None
    looked_after_at_age: AgeOnDate | None = None

    @property
    def needs_dob(self) -> bool:
        return self.age_min is not None or self.age_max is not None or self.birthday_in_period is not None or (
            self.looked_after_at_age is not None)


@attrs.frozen(slots=True)
class Measure:
    """The numerator's mechanism and its settings (only those its kind reads are set)."""

    kind: MeasureKind
    at_least: int | None = None
    at_most: int | None = None
    duration: Duration | None = None
    match: EventMatch | None = None
    latest: bool = False
    window: Window = Window()
    field: str | None = None
    age: int | None = None
    before: Duration | None = None
    after: Duration | None = None
    rules: tuple[str, ...] = ()
    unit: Literal["children", "duties"] = "children"
    temporary: frozenset[str] = frozenset()
    same_carer: frozenset[str] = frozenset()
    require_allocated: bool = False

    @property
    def mean(self) -> bool:
        return self.kind == "field_mean"


@attrs.frozen
class IndicatorDefinition:
    """One indicator: who is counted, who is in the numerator, which way is better, and its source."""

    id: str
    title: str
    outcome: str
    citation: str
    in_force_from: dt.date
    in_force_to: dt.date | None
    polarity: Polarity
    cohort: Cohort
    exclusions: tuple[str, ...]
    denominator: tuple[tuple[EventMatch, Window], ...]
    numerator: Measure
    short_break_statuses: frozenset[str]
    ruleset: str = ""
    version: str = ""
    source: str = ""
    notes: str = ""

    @property
    def measure(self) -> Literal["proportion", "mean"]:
        return "mean" if self.numerator.mean else "proportion"

    def in_force_on(self, day: dt.date) -> bool:
        return self.in_force_from <= day and (self.in_force_to is None or day <= self.in_force_to)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "outcome": self.outcome,
            "citation": self.citation,
            "in_force": {"from": self.in_force_from.isoformat(),
                         "to": self.in_force_to.isoformat() if self.in_force_to else None},
            "polarity": self.polarity,
            "measure": self.measure,
            "numerator": self.numerator.kind,
            "exclusions": list(self.exclusions),
            "source": self.source,
        }


@attrs.frozen
class IndicatorRuleset(RulesetFile):
    """An indicators file: its definitions."""

    indicators: tuple[IndicatorDefinition, ...]
    kind: str = "indicators"

    @property
    def rules(self) -> tuple[IndicatorDefinition, ...]:
        """The definitions (named ``rules`` for ``swp-rules rulesets list``)."""
        return self.indicators

    def describe(self) -> dict[str, Any]:
        """Id, kind, version, content hash, and the parameter values used (``--param`` may set them)."""
        described: dict[str, Any] = {"id": self.id, "kind": self.kind, "version": self.version,
                                     "sha256": self.sha256}
        if self.parameters:
            described["parameters"] = {k: self.parameters[k] for k in sorted(self.parameters)}
        return described

    def to_dict(self) -> dict[str, Any]:
        return {"indicators": [d.to_dict() for d in self.indicators]}
