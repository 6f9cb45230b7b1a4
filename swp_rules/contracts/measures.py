"""Where a contract's measures come from: a *measure source* answers "what was measure M over period P?".

Settlement depends only on the small ``MeasureSource`` protocol, so it can be tested with given values
(``FixedMeasures``) and run on case records through the indicator engine (``IndicatorMeasures``, which calls
``swp_rules.indicators.compute_indicators`` once per period and reads each measure for the contract's practice).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, Final, Protocol

import attrs

from swp_rules.contracts.model import Polarity
from swp_rules.model import Event
from swp_rules.periods import ReportingPeriod
from swp_rules.rulesets.loader import RulesetError


@attrs.frozen
class Measurement:
    """A measure's value over a period: exact, with the counts behind it; ``value`` is None when nothing could be
    measured (an empty cohort)."""

    value: Fraction | None
    numerator: int | Fraction | None = None
    denominator: int | Fraction | None = None


class MeasureSource(Protocol):
    """Anything that can say what a measure was over a period."""

    def measure(self, measure: str, period: ReportingPeriod) -> Measurement: ...


class MeasuresUnavailable(Exception):
    """The measures cannot be computed (the indicator engine is not installed, or it failed on the input)."""


@attrs.define
class FixedMeasures:
    """Given values: ``values[measure]`` for every period, or ``by_period[(measure, period)]`` for one.

    >>> FixedMeasures({"NI62": Fraction(1, 10)}).measure("NI62", ReportingPeriod(dt.date(2011, 4, 1),
    ...     dt.date(2011, 6, 30))).value
    Fraction(1, 10)
    """

    values: Mapping[str, Fraction | Measurement | None] = attrs.field(factory=dict)
    by_period: Mapping[tuple[str, ReportingPeriod], Fraction | Measurement | None] = attrs.field(factory=dict)

    def measure(self, measure: str, period: ReportingPeriod) -> Measurement:
        key = (measure, period)
        found = self.by_period[key] if key in self.by_period else self.values.get(measure)
        if isinstance(found, Measurement):
            return found
        return Measurement(None if found is None else Fraction(found))


@attrs.define
class CallableMeasures:
    """A measure source from a function ``(measure, period) -> Fraction | None``."""

    func: Callable[[str, ReportingPeriod], Fraction | None]

    def measure(self, measure: str, period: ReportingPeriod) -> Measurement:
        value = self.func(measure, period)
        return Measurement(None if value is None else Fraction(value))


@attrs.define
class IndicatorMeasures:
    """Measures computed from case events by ``swp_rules.indicators`` for one practice's cohort.

    One call of ``compute_indicators`` per distinct period, for every measure the contract reads; the duty
    rulesets (statutory plus the contract's own, e.g. 24-hour access) feed the duty-compliance KPIs.
    """

    events: Sequence[Event]
    practice: str
    measures: Sequence[str]
    duty_rulesets: Sequence[str] = ()
    as_of: dt.date | None = None
    indicator_rulesets: Sequence[str] = ()
    parameters: Mapping[str, Any] | None = None
    _cache: dict[ReportingPeriod, Any] = attrs.field(factory=dict, init=False)
    _evaluation: Any = attrs.field(default=None, init=False)
    _planned: dict[tuple[str, ReportingPeriod], Any] = attrs.field(factory=dict, init=False)

    def __attrs_post_init__(self) -> None:
        # Only the practice's results are read, and a child counts for a practice only once assigned to it: the
        # other children of a council-wide file need not be evaluated at all.
        assigned = {e.child for e in self.events
                    if e.type == "practice_assigned" and e.get("practice") == self.practice}
        self.events = [e for e in self.events if e.child in assigned]

    def plan(self, requests: Iterable[tuple[str, ReportingPeriod]]) -> None:
        """Compute every ``(measure, period)`` a settlement will ask for, in one pass over the children
        (``indicators.compute.compute_windows``); a request not planned is computed when asked, as before."""
        ready = [(m, p) for m, p in requests if m in self.measures and self.as_of is not None and p.end <= self.as_of
                 and (m, p) not in self._planned]
        if not ready:
            return
        from swp_rules.indicators.compute import compute_windows

        last = max((p for _, p in ready), key=lambda p: p.end)
        try:
            reports = compute_windows(self.events, ready, rulesets=list(self.indicator_rulesets),
                                      duty_rulesets=list(self.duty_rulesets), evaluation=self._duties(last),
                                      parameters=self.parameters)
        except (MeasuresUnavailable, RulesetError):
            raise
        except Exception as exc:  # the indicator engine's own error; never echo case data
            raise MeasuresUnavailable(f"the indicators could not be computed ({type(exc).__name__}: "
                                      f"{_safe(exc)})") from None
        for measure, period in ready:
            self._planned[(measure, period)] = reports[period].get(measure, practice=self.practice)

    def measure(self, measure: str, period: ReportingPeriod) -> Measurement:
        if (measure, period) in self._planned:
            return _measurement(self._planned[(measure, period)])
        report = self._cache.get(period)
        if report is None:
            compute = _compute_indicators()
            try:
                report = compute(self.events, period, indicators=list(self.measures),
                                 rulesets=list(self.indicator_rulesets), duty_rulesets=list(self.duty_rulesets),
                                 evaluation=self._duties(period), parameters=self.parameters)
            except (MeasuresUnavailable, RulesetError):
                raise
            except Exception as exc:  # the indicator engine's own error; never echo case data
                raise MeasuresUnavailable(f"the indicators could not be computed ({type(exc).__name__}: "
                                          f"{_safe(exc)})") from None
            self._cache[period] = report
        try:
            result = report.get(measure, practice=self.practice)
        except KeyError:
            return Measurement(None)
        return _measurement(result)

    def _duties(self, period: ReportingPeriod) -> Any:
        """One duty evaluation (every record kept) as of ``as_of``, shared by every period that ends by then."""
        if self.as_of is None or period.end > self.as_of:
            return None
        if self._evaluation is None:
            from swp_rules.engine import Engine, load_rulebook

            book = load_rulebook(self.duty_rulesets, self.parameters)
            self._evaluation = Engine(book).evaluate(self.events, self.as_of)
        return self._evaluation


def _measurement(result: Any) -> Measurement:
    """A measurement from an indicator result (``None``: the indicator was not computed for the practice)."""
    if result is None:
        return Measurement(None)
    value = getattr(result, "value", None)
    return Measurement(
        None if value is None else Fraction(value),
        getattr(result, "numerator", None),
        getattr(result, "denominator", None),
    )


def _safe(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text[:200]


def _compute_indicators() -> Callable[..., Any]:
    try:
        module = importlib.import_module("swp_rules.indicators")
    except ModuleNotFoundError:
        raise MeasuresUnavailable("the indicator engine (swp_rules.indicators) is not installed") from None
    compute = getattr(module, "compute_indicators", None)
    if not callable(compute):
        raise MeasuresUnavailable("swp_rules.indicators has no compute_indicators") from None
    return compute  # type: ignore[no-any-return]


#: Measures the indicator rulesets are to define (SPEC.md §2, docs/indicators.md),
#: used to check contracts only while the
#: indicator engine is not installed; once it is, its own definitions are the list.
PROVISIONAL_MEASURES: Final[Mapping[str, Polarity | None]] = {
    "NI58": "lower",
    "NI62": "lower",
    "NI63": "higher",
    "NI66": "higher",
    "NI147": "higher",
    "NI148": "higher",
    "OC2-health-assessment": "higher",
    "OC2-dental": "higher",
    "OC2-immunisations": "higher",
    "OC2-health-check-under-5": "higher",
    "OC2-substance-misuse": "lower",
    "OC2-convictions": "lower",
    "SWP-placement-moves": "lower",
    "SWP-worker-changes": "lower",
    "SWP-same-worker": "higher",
    "KPI-visits-on-time": "higher",
    "KPI-reviews-on-time": "higher",
    "KPI-health-on-time": "higher",
    "KPI-access-24h": "higher",
}


def known_measures(rulesets: Sequence[str] = ()) -> Mapping[str, Polarity | None]:
    """The measure ids a contract may name, with their polarity where the definition gives one.

    With ``rulesets`` (indicator ruleset ids or paths), the indicators they define (``RulesetError`` if one is
    invalid). Otherwise the indicators of the shipped ``kind: indicators`` rulesets (``rulesets/outcomes/``), and
    ``PROVISIONAL_MEASURES`` while the indicator engine is not installed.
    """
    if rulesets:
        from swp_rules.indicators import known_indicators

        return dict(known_indicators(rulesets))
    found = _from_indicator_engine()
    return found if found else PROVISIONAL_MEASURES


def _from_indicator_engine() -> dict[str, Polarity | None]:
    try:
        from swp_rules.indicators import known_indicators
    except ImportError:
        return {}
    try:
        return dict(known_indicators())
    except RulesetError:  # a broken indicator file is the indicator engine's to report; use the files that load
        pass
    from swp_rules.rulesets.loader import parse_file, read_yaml, shipped_files

    found: dict[str, Polarity | None] = {}
    for path in shipped_files():
        try:
            if read_yaml(path).root["kind"].value != "indicators":
                continue
            parsed = parse_file(path)
        except RulesetError:
            continue
        found.update(_normalise(getattr(parsed, "indicators", ())))
    return found


def _normalise(items: Any) -> dict[str, Polarity | None]:
    found: dict[str, Polarity | None] = {}
    if isinstance(items, Mapping):
        for key, value in items.items():
            polarity = getattr(value, "polarity", value if value in ("higher", "lower") else None)
            found[str(key)] = polarity if polarity in ("higher", "lower") else None
        return found
    for item in items:
        ident = item if isinstance(item, str) else getattr(item, "id", None)
        if ident is None:
            continue
        polarity = getattr(item, "polarity", None)
        found[str(ident)] = polarity if polarity in ("higher", "lower") else None
    return found


__all__ = [
    "CallableMeasures",
    "FixedMeasures",
    "IndicatorMeasures",
    "MeasureSource",
    "Measurement",
    "MeasuresUnavailable",
    "known_measures",
]

