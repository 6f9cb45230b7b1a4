"""Computing indicators for a reporting period: overall and per practice, with the children counted in each.

A child counts for a practice when assigned to it on the period's last day (``practice_assigned`` on or before it,
not followed by a ``practice_released`` of that practice). Everything is read as of the period's last day: events
dated after it are ignored. Values are exact ``Fraction``s; in JSON they are fraction strings (``"1/3"``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import attrs

from swp_rules import stopping
from swp_rules.engine import Engine, Evaluation, load_rulebook
from swp_rules.engine.results import DutyRecord
from swp_rules.engine.timeline import Timeline
from swp_rules.indicators.definitions import IndicatorDefinition, IndicatorRuleset
from swp_rules.indicators.loading import load_indicator_definitions
from swp_rules.indicators.measures import practice_at, practices_named, rule_selected, score
from swp_rules.io.events import InputCounts, Rejection
from swp_rules.io.parts import available_jobs, check_inputs, read_grouped, run_in_parts, worth_splitting
from swp_rules.model import Event, group_by_child
from swp_rules.periods import ReportingPeriod
from swp_rules.plain import PlainData
from swp_rules.rulesets.suggest import did_you_mean
from swp_rules.text import percent_text, rounded_text

#: Where one child's duty records come from: the engine, or an evaluation already made.
_RecordSource = Callable[[str, Sequence[Event]], Sequence[DutyRecord]]


def display(value: Fraction | None, measure: str, places: int = 1) -> str:
    """A rounded reading for people (``swp_rules.text``: half up): a percentage for a proportion, else the value."""
    if measure == "proportion":
        return percent_text(value, places, missing="n/a")
    return "n/a" if value is None else rounded_text(value, places)


@attrs.frozen
class IndicatorResult(PlainData):
    """One indicator for one period, overall (``practice`` None) or for one practice.

    ``value`` is ``numerator / denominator`` exactly (``None`` when the denominator is 0). For a proportion the
    numerator and denominator count children (or, for ``duty_compliance`` counted in duties, duties); for a mean
    (NI 58) the numerator is the sum of the scores and the denominator the number of children scored.
    """

    id: str
    title: str
    outcome: str
    citation: str
    polarity: Literal["higher", "lower"]
    practice: str | None
    numerator: int
    denominator: int
    value: Fraction | None
    numerator_children: tuple[str, ...]
    denominator_children: tuple[str, ...]
    measure: Literal["proportion", "mean"] = "proportion"
    unit: Literal["children", "duties"] = "children"


@attrs.frozen
class IndicatorReport(PlainData):
    """Every indicator computed for a period, and the rulesets (ids, versions, content hashes) used."""

    period: ReportingPeriod
    results: tuple[IndicatorResult, ...]
    rulesets: tuple[dict[str, Any], ...]

    def get(self, indicator_id: str, practice: str | None = None) -> IndicatorResult | None:
        for result in self.results:
            if result.id == indicator_id and result.practice == practice:
                return result
        return None

    def practices(self) -> tuple[str, ...]:
        return tuple(sorted({r.practice for r in self.results if r.practice is not None}))


class _Lazy:
    """One child's duty records, evaluated the first time an indicator asks for them."""

    def __init__(self, child: str, events: Sequence[Event],
                 source: _RecordSource | None) -> None:
        self.child, self.events, self.source = child, events, source
        self.found: Sequence[DutyRecord] | None = None

    def __call__(self) -> Sequence[DutyRecord]:
        if self.found is None:
            assert self.source is not None
            self.found = self.source(self.child, self.events)
        return self.found


@attrs.define
class _Tally:
    numerator: int = 0
    denominator: int = 0
    numerator_children: list[str] = attrs.field(factory=list)
    denominator_children: list[str] = attrs.field(factory=list)


def select(rulesets: Sequence[IndicatorRuleset], indicators: Sequence[str] | None,
           day: dt.date) -> list[IndicatorDefinition]:
    """The definitions to compute: those named (in that order), or every one in force on ``day``."""
    known = {d.id: d for r in rulesets for d in r.indicators}
    if indicators is None:
        return [d for d in known.values() if d.in_force_on(day)]
    unknown = [i for i in indicators if i not in known]
    if unknown:
        raise KeyError(f"unknown indicator {unknown[0]!r} (known: {', '.join(sorted(known))})"
                       f"{did_you_mean(unknown[0], known)}")
    return [known[i] for i in dict.fromkeys(indicators)]


def compute_indicators(events: Iterable[Event], period: ReportingPeriod, *, indicators: Sequence[str] | None = None,
                       rulesets: Sequence[str] = (), duty_rulesets: Sequence[str] = (),
                       evaluation: Evaluation | None = None,
                       parameters: Mapping[str, Any] | None = None) -> IndicatorReport:
    """Compute indicators for ``period`` from case events.

    ``indicators``: ids to compute (default: every loaded one in force on the period's last day). ``rulesets``:
    indicator rulesets by id or path (default: every shipped ``outcomes/`` ruleset). ``duty_rulesets``: the duty
    rulesets for ``duty_compliance`` indicators such as NI 66 (default: the statutory ones). ``evaluation``: a duty
    evaluation already made as of the period's last day or later, keeping every record (``keep=None``), to use
    instead of evaluating again. ``parameters``: ruleset parameters set for this run (``load_rulebook``).
    Raises ``RulesetError`` for a bad ruleset, ``KeyError`` for an unknown indicator.
    """
    chosen, child_records, described = _prepare(period, indicators, rulesets, duty_rulesets, evaluation, parameters)
    return _compute(group_by_child(events, until=period.end), period, chosen, child_records, described)


def _prepare(period: ReportingPeriod, indicators: Sequence[str] | None, rulesets: Sequence[str],
             duty_rulesets: Sequence[str], evaluation: Evaluation | None,
             parameters: Mapping[str, Any] | None = None,
             ) -> tuple[list[IndicatorDefinition], _RecordSource | None, list[dict[str, Any]]]:
    """The definitions to compute, where duty records come from, and the rulesets used."""
    loaded = load_indicator_definitions(rulesets, parameters)
    chosen = select(loaded, indicators, period.end)
    described: list[dict[str, Any]] = [r.describe() for r in loaded if any(d in chosen for d in r.rules)]
    needs_duties = any(d.numerator.kind == "duty_compliance" for d in chosen)
    child_records: _RecordSource | None = None
    if needs_duties:
        prefixes = tuple(p for d in chosen if d.numerator.kind == "duty_compliance" for p in d.numerator.rules)
        if evaluation is not None:
            if evaluation.as_of < period.end:
                raise ValueError("the evaluation must be made as of the period's last day or later")
            grouped: dict[str, list[DutyRecord]] = {}
            for record in evaluation.records:
                if rule_selected(record.rule, prefixes):
                    grouped.setdefault(record.child, []).append(record)
            described.extend(d for d in evaluation.rulesets if d["id"] in evaluation.applied)

            def child_records(child: str, events: Sequence[Event]) -> Sequence[DutyRecord]:
                return grouped.get(child, ())
        else:
            book = load_rulebook(duty_rulesets, parameters)
            described.extend(book.describe_in_force_by(period.end))
            # only the families the measures count are evaluated (with the rules they lead to: RuleBook.only)
            engine = Engine(book.only({p.split(".", 1)[0] for p in prefixes}))

            def child_records(child: str, events: Sequence[Event]) -> Sequence[DutyRecord]:
                found, _ = engine.child_records(child, events, period.end, explained=False)  # counted, not shown
                return [r for r in found if rule_selected(r.rule, prefixes)]

    return chosen, child_records, described


def compute_grouped(by_child: dict[str, list[Event]], period: ReportingPeriod, *,
                    indicators: Sequence[str] | None = None, rulesets: Sequence[str] = (),
                    duty_rulesets: Sequence[str] = (),
                    parameters: Mapping[str, Any] | None = None) -> IndicatorReport:
    """As ``compute_indicators``, for events already grouped by child (as ``cli.common.read_grouped`` gives).

    Each child is removed from ``by_child`` once counted, so memory is handed back as the run goes on."""
    chosen, child_records, described = _prepare(period, indicators, rulesets, duty_rulesets, None, parameters)
    return _compute(_until(by_child, period.end), period, chosen, child_records, described)


def _compute(by_child: dict[str, list[Event]], period: ReportingPeriod, chosen: Sequence[IndicatorDefinition],
             child_records: _RecordSource | None, described: list[dict[str, Any]]) -> IndicatorReport:
    overall, by_practice = _tally(by_child, period, chosen, child_records)
    return _report(period, chosen, overall, by_practice, described)


_Tallies = tuple[dict[str, "_Tally"], dict[str, dict[str, "_Tally"]]]


def _tally(by_child: dict[str, list[Event]], period: ReportingPeriod, chosen: Sequence[IndicatorDefinition],
           child_records: _RecordSource | None) -> _Tallies:
    """Count every child, in sorted order, overall and for the practice it is with at the period's end."""
    tallies: _Tallies = ({d.id: _Tally() for d in chosen}, {})
    for child in sorted(by_child):
        stopping.check()  # a caller's time limit (the service's) stops the work here
        child_events = by_child.pop(child)
        records = _Lazy(child, child_events, child_records)
        _count_child(child, Timeline.build(child, child_events), period, chosen, records, tallies)
    return tallies


def compute_windows(events: Iterable[Event], requests: Iterable[tuple[str, ReportingPeriod]], *,
                    rulesets: Sequence[str] = (), duty_rulesets: Sequence[str] = (),
                    evaluation: Evaluation | None = None,
                    parameters: Mapping[str, Any] | None = None) -> dict[ReportingPeriod, IndicatorReport]:
    """Many ``(indicator, period)`` requests in one pass over the children: a payment statement's measures.

    Each period's report holds the indicators requested for it, with exactly the results ``compute_indicators``
    gives for that period. Definitions are loaded once, each child's events grouped once, and each child's timeline
    built once for each distinct set of events the periods' last days leave (``evaluation``: as there, made as of
    the last period's end or later).
    """
    wanted: dict[ReportingPeriod, list[str]] = {}
    for indicator, period in requests:
        names = wanted.setdefault(period, [])
        if indicator not in names:
            names.append(indicator)
    if not wanted:
        return {}
    last = max(p.end for p in wanted)
    every = list(dict.fromkeys(i for names in wanted.values() for i in names))
    chosen_all, child_records, described = _prepare(ReportingPeriod(min(p.start for p in wanted), last), every,
                                                    rulesets, duty_rulesets, evaluation, parameters)
    known = {d.id: d for d in chosen_all}
    windows = sorted(((p, [known[i] for i in names]) for p, names in wanted.items()), key=lambda w: w[0].end)
    tallies = _tally_windows(group_by_child(events, until=last), windows, child_records)
    return {period: _report(period, chosen, *tallies[index], described)
            for index, (period, chosen) in enumerate(windows)}


def _tally_windows(by_child: dict[str, list[Event]],
                   windows: Sequence[tuple[ReportingPeriod, Sequence[IndicatorDefinition]]],
                   child_records: _RecordSource | None) -> list[_Tallies]:
    """``_tally`` for several periods (in order of their last day) in one pass: a child's timeline is built once
    for each distinct set of events on or before a period's last day."""
    out: list[_Tallies] = [({d.id: _Tally() for d in chosen}, {}) for _, chosen in windows]
    for child in sorted(by_child):
        stopping.check()  # a caller's time limit (the service's) stops the work here
        child_events = by_child.pop(child)
        dates = sorted(e.date for e in child_events)
        records = _Lazy(child, child_events, child_records)
        built: tuple[int, Timeline] | None = None
        for index, (period, chosen) in enumerate(windows):
            count = bisect.bisect_right(dates, period.end)
            if built is None or built[0] != count:
                kept = child_events if count == len(child_events) else [e for e in child_events
                                                                          if e.date <= period.end]
                built = (count, Timeline.build(child, kept))
            _count_child(child, built[1], period, chosen, records, out[index])
    return out


def _count_child(child: str, timeline: Timeline, period: ReportingPeriod, chosen: Sequence[IndicatorDefinition],
                 records: _Lazy, tallies: _Tallies) -> None:
    """Add one child to a period's tallies, overall and for the practice it is with at the period's end."""
    overall, by_practice = tallies
    start, end = period.start, period.end
    practice = practice_at(timeline, end)
    for name in practices_named(timeline, end):
        if name not in by_practice:
            by_practice[name] = {d.id: _Tally() for d in chosen}
    for definition in chosen:
        part = score(definition, timeline, start, end, records)
        if part is None:
            continue
        tallies_for = [overall[definition.id]]
        if practice is not None:
            tallies_for.append(by_practice[practice][definition.id])
        for tally in tallies_for:
            tally.numerator += part.numerator
            tally.denominator += part.denominator
            tally.denominator_children.append(child)
            if part.in_numerator:
                tally.numerator_children.append(child)


def _merge(parts: Sequence[_Tallies], chosen: Sequence[IndicatorDefinition]) -> _Tallies:
    """Tallies of disjoint sets of children added up, their children kept in sorted order."""

    def add(tallies: Sequence[_Tally]) -> _Tally:
        return _Tally(sum(t.numerator for t in tallies), sum(t.denominator for t in tallies),
                      list(heapq.merge(*(t.numerator_children for t in tallies))),
                      list(heapq.merge(*(t.denominator_children for t in tallies))))

    overall = {d.id: add([p[0][d.id] for p in parts]) for d in chosen}
    names = sorted({name for p in parts for name in p[1]})
    by_practice = {name: {d.id: add([p[1][name][d.id] for p in parts if name in p[1]]) for d in chosen}
                   for name in names}
    return overall, by_practice


def _report(period: ReportingPeriod, chosen: Sequence[IndicatorDefinition], overall: dict[str, _Tally],
            by_practice: dict[str, dict[str, _Tally]], described: list[dict[str, Any]]) -> IndicatorReport:
    results: list[IndicatorResult] = []
    for definition in chosen:
        results.append(_result(definition, None, overall[definition.id]))
        for name in sorted(by_practice):
            results.append(_result(definition, name, by_practice[name][definition.id]))
    return IndicatorReport(period, tuple(results), tuple(described))


@attrs.frozen
class FilesIndicators:
    """What computing indicators from event files gave: the report, the rejected records and the counts."""

    report: IndicatorReport
    rejected: tuple[Rejection, ...]
    counts: InputCounts
    jobs: int


def compute_files(paths: Sequence[str | Path], period: ReportingPeriod, *, indicators: Sequence[str] | None = None,
                  rulesets: Sequence[str] = (), duty_rulesets: Sequence[str] = (), jobs: int | None = None,
                  parallel_from: int | None = None,
                  parameters: Mapping[str, Any] | None = None) -> FilesIndicators:
    """Read event files and compute indicators for ``period``, on ``jobs`` worker processes (default: one per core)
    for input of at least ``parallel_from`` bytes (default: ``io.parts.parallel_threshold()``); the results are the
    same as a serial run.

    Raises ``InputError`` before reading if a file cannot be read, ``RulesetError`` for a bad ruleset and
    ``KeyError`` for an unknown indicator."""
    workers = available_jobs() if jobs is None else jobs
    if workers < 1:
        raise ValueError("jobs must be at least 1")
    check_inputs(paths)
    chosen, child_records, described = _prepare(period, indicators, rulesets, duty_rulesets, None, parameters)
    if worth_splitting(paths, workers, parallel_from):

        def work(by_child: dict[str, list[Event]], _: object) -> _Tallies:
            return _tally(_until(by_child, period.end), period, chosen, child_records)

        run = run_in_parts(paths, workers, work)
        if run is not None:
            overall, by_practice = _merge(run.results, chosen)
            report = _report(period, chosen, overall, by_practice, described)
            return FilesIndicators(report, run.rejected, run.counts, workers)
    grouped = read_grouped(paths)
    overall, by_practice = _tally(_until(grouped.by_child, period.end), period, chosen, child_records)
    return FilesIndicators(_report(period, chosen, overall, by_practice, described), grouped.rejected,
                           grouped.counts, 1)


def _until(by_child: dict[str, list[Event]], end: dt.date) -> dict[str, list[Event]]:
    """Drop the events after the period's last day (everything is read as of it)."""
    for child, events in by_child.items():
        if any(e.date > end for e in events):
            by_child[child] = [e for e in events if e.date <= end]
    return by_child


def _result(definition: IndicatorDefinition, practice: str | None, tally: _Tally) -> IndicatorResult:
    value = Fraction(tally.numerator, tally.denominator) if tally.denominator else None
    return IndicatorResult(
        id=definition.id, title=definition.title, outcome=definition.outcome, citation=definition.citation,
        polarity=definition.polarity, practice=practice, numerator=tally.numerator, denominator=tally.denominator,
        value=value, numerator_children=tuple(tally.numerator_children),
        denominator_children=tuple(tally.denominator_children), measure=definition.measure,
        unit=definition.numerator.unit,
    )


def results_by_id(report: IndicatorReport) -> Mapping[str, IndicatorResult]:
    """The overall results by indicator id."""
    return {r.id: r for r in report.results if r.practice is None}
