"""The mechanism kinds behind indicator definitions: cohort tests and numerator measures for one child.

Each function reads one child's timeline (events up to the period end) and the definition's values; none holds an
age, a duration or a code list of its own (those are in ``rulesets/outcomes/*.yaml``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence

import attrs

from swp_rules import calendar
from swp_rules.engine.results import DutyRecord
from swp_rules.engine.timeline import CANNOT_EVALUATE, Period, Timeline
from swp_rules.indicators.definitions import Cohort, Duration, EventMatch, IndicatorDefinition, Measure
from swp_rules.indicators.placements import effective_start, placements_in_period
from swp_rules.model import Event


@attrs.frozen(slots=True)
class Score:
    """One child's part in an indicator: what it adds to the numerator and to the denominator."""

    numerator: int
    denominator: int

    @property
    def in_numerator(self) -> bool:
        return self.numerator > 0


def shift(day: dt.date, duration: Duration, sign: int) -> dt.date:
    """``day`` moved by ``duration`` forwards (``sign`` 1) or backwards (-1)."""
    if duration.unit == "months":
        return calendar.add_months(day, sign * duration.amount)
    days = duration.amount * (7 if duration.unit == "weeks" else 1)
    return day + dt.timedelta(days=sign * days)


def statuses_between(timeline: Timeline, start: dt.date, end: dt.date) -> set[str]:
    """The legal statuses the child had on any day from ``start`` to ``end``."""
    found: set[str] = set()
    for period in timeline.periods:
        if period.start > end or (period.end is not None and period.end <= start):
            continue
        dates = period.status_dates
        for index, status in enumerate(period.statuses):
            begin = dates[index]
            stop = dates[index + 1] if index + 1 < len(dates) else period.end
            if begin <= end and (stop is None or stop > start) and (stop is None or stop > begin):
                found.add(status)
    return found


def _anchor(dob: dt.date, age: int, month: int, day: int) -> dt.date | None:
    """The first ``month``/``day`` on or after the ``age`` birthday, if it comes before the next birthday."""
    begin = calendar.birthday(dob, age)
    end = calendar.birthday(dob, age + 1)
    for year in (begin.year, begin.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:  # 29 February in a common year
            candidate = dt.date(year, 3, 1)
        if begin <= candidate < end:
            return candidate
    return None


def in_cohort(definition: IndicatorDefinition, timeline: Timeline, start: dt.date, end: dt.date) -> bool:
    """Whether the child is in the definition's cohort for the period ``start``..``end`` (exclusions applied)."""
    cohort: Cohort = definition.cohort
    current: Period | None = timeline.period_on(end)
    if cohort.looked_after_at_end and current is None:
        return False
    if cohort.looked_after_in_period and not any(
            p.start <= end and (p.end is None or p.end > start) for p in timeline.periods):
        return False
    if cohort.continuously is not None and (current is None or current.start > cohort.continuously.latest_start(end)):
        return False
    dob = timeline.dob
    if cohort.needs_dob and dob is None:
        return False
    if dob is not None:
        if cohort.age_min is not None or cohort.age_max is not None:
            age = calendar.age_on(dob, end)
            if cohort.age_min is not None and age < cohort.age_min:
                return False
            if cohort.age_max is not None and age > cohort.age_max:
                return False
        if cohort.birthday_in_period is not None and not start <= calendar.birthday(dob, cohort.birthday_in_period) \
                <= end:
            return False
        if cohort.looked_after_at_age is not None:
            spec = cohort.looked_after_at_age
            anchor = _anchor(dob, spec.age, spec.month, spec.day)
            held = timeline.period_on(anchor) if anchor is not None else None
            if held is None or anchor is None:
                return False
            if definition.exclusions and held.legal_status_on(anchor) in definition.short_break_statuses:
                return False
    if definition.exclusions:
        statuses = statuses_between(timeline, start, end)
        breaks = definition.short_break_statuses
        if "short_breaks_any" in definition.exclusions and statuses & breaks:
            return False
        if "short_breaks_only" in definition.exclusions and statuses and statuses <= breaks:
            return False
    return True


def _events_in(timeline: Timeline, match: EventMatch, low: dt.date, high: dt.date) -> list[Event]:
    """Events of the matched type dated ``low``..``high`` (in time order), whatever their fields."""
    events = timeline.events
    return [events[i] for i in timeline.of_type(match.event) if low <= events[i].date <= high]


def passes_denominator(definition: IndicatorDefinition, timeline: Timeline, start: dt.date, end: dt.date) -> bool:
    for match, window in definition.denominator:
        low, high = window.bounds(start, end)
        if not any(match.matches(e.fields) for e in _events_in(timeline, match, low, high)):
            return False
    return True


def _event_in_window(measure: Measure, timeline: Timeline, start: dt.date, end: dt.date) -> Score:
    assert measure.match is not None
    low, high = measure.window.bounds(start, end)
    found = _events_in(timeline, measure.match, low, high)
    if measure.latest:
        hit = bool(found) and measure.match.matches(found[-1].fields)
    else:
        hit = sum(1 for e in found if measure.match.matches(e.fields)) >= (measure.at_least or 1)
    return Score(int(hit), 1)


def _status_at_age(measure: Measure, timeline: Timeline, start: dt.date, end: dt.date) -> Score:
    assert measure.match is not None and measure.age is not None and measure.before and measure.after
    if timeline.dob is None:
        return Score(0, 1)
    day = calendar.birthday(timeline.dob, measure.age)
    low, high = shift(day, measure.before, -1), min(shift(day, measure.after, 1), end)
    found = _events_in(timeline, measure.match, low, high)
    return Score(int(bool(found) and measure.match.matches(found[-1].fields)), 1)


def _field_mean(measure: Measure, timeline: Timeline, start: dt.date, end: dt.date) -> Score | None:
    assert measure.match is not None and measure.field is not None
    low, high = measure.window.bounds(start, end)
    scored = [e for e in _events_in(timeline, measure.match, low, high)
              if isinstance(e.fields.get(measure.field), int) and measure.match.matches(e.fields)]
    if not scored:
        return None
    return Score(int(scored[-1].fields[measure.field]), 1)


def _worker_changes(measure: Measure, timeline: Timeline, start: dt.date, end: dt.date) -> Score:
    """Changes of allocated social worker in the period (or since care began in it); "the same worker throughout"
    is no change and a worker allocated by the period's (or the care's) first day."""
    period = timeline.period_on(end) or next(
        (p for p in reversed(timeline.periods) if p.start <= end and (p.end is None or p.end > start)), None)
    care_start = period.start if period is not None else start
    begin = max(start, care_start)
    events = timeline.events
    worker: str | None = None
    changes = 0
    for index in timeline.of_type("worker_allocated"):
        event = events[index]
        if event.date > end:
            break
        name = event.fields.get("worker")
        # a change: another worker allocated in the period, after the day care began (the first allocation is none)
        if event.date >= start and event.date > care_start and worker is not None and name != worker:
            changes += 1
        worker = name
    had_worker = any(events[i].date <= begin for i in timeline.of_type("worker_allocated"))
    if measure.at_least is not None:
        return Score(int(changes >= measure.at_least), 1)
    assert measure.at_most is not None
    ok = changes <= measure.at_most and (had_worker or not measure.require_allocated)
    return Score(int(ok), 1)


def rule_selected(rule: str, prefixes: Sequence[str]) -> bool:
    """A duty rule id is selected by an exact id or by a prefix ending in ``.`` (``review.``)."""
    return _selected(rule, tuple(prefixes))


@functools.lru_cache(maxsize=4096)  # a few dozen rules, a few selections: asked for every record in every window
def _selected(rule: str, prefixes: tuple[str, ...]) -> bool:
    return any(rule.startswith(p) if p.endswith(".") else rule == p for p in prefixes)


def _due_day(record: DutyRecord) -> dt.date:
    due = record.due
    return due.date() if isinstance(due, dt.datetime) else due


def _day(value: dt.date | dt.datetime | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def judged(record: DutyRecord, start: dt.date, end: dt.date) -> bool | None:
    """Whether a duty counted in the period ``start``..``end`` was met on time; ``None`` when it does not count.

    A duty counts when it fell due in the period, or fell due before it and was still overdue on its first day. It is
    judged as known on the period's last day (an evaluation made later gives the same answer): a duty met after the
    period ended was not met by then, and one due on the last day and not yet met was not yet overdue."""
    if record.status not in ("met", "breached"):
        return None
    due = _due_day(record)
    met = _day(record.met)
    if met is not None and met <= end:
        on_time = record.status == "met"
        if start <= due <= end:
            return on_time
        return False if due < start and not on_time and met >= start else None
    if due >= end:
        return None
    return False


def _duty_compliance(measure: Measure, records: Sequence[DutyRecord], start: dt.date, end: dt.date) -> Score | None:
    verdicts = [v for v in (judged(r, start, end) for r in records if rule_selected(r.rule, measure.rules))
                if v is not None]
    if measure.unit == "duties":
        if not verdicts:
            return None
        return Score(sum(verdicts), len(verdicts))
    return Score(int(all(verdicts)), 1)


def score(definition: IndicatorDefinition, timeline: Timeline, start: dt.date, end: dt.date,
          records: Callable[[], Sequence[DutyRecord]]) -> Score | None:
    """The child's part in the indicator, or ``None`` when the child is not in its denominator."""
    if not in_cohort(definition, timeline, start, end) or not passes_denominator(definition, timeline, start, end):
        return None
    measure = definition.numerator
    kind = measure.kind
    if kind == "placement_count":
        count, _ = placements_in_period(timeline, start, end, measure.temporary, measure.same_carer)
        return Score(int(count >= (measure.at_least or 0)), 1)
    if kind == "placement_duration":
        assert measure.duration is not None
        began = effective_start(timeline, end, measure.temporary, measure.same_carer)
        return Score(int(began is not None and began[0] <= measure.duration.latest_start(end)), 1)
    if kind == "event_in_window":
        return _event_in_window(measure, timeline, start, end)
    if kind == "status_at_age":
        return _status_at_age(measure, timeline, start, end)
    if kind == "field_mean":
        return _field_mean(measure, timeline, start, end)
    if kind == "worker_changes":
        return _worker_changes(measure, timeline, start, end)
    if kind == "duty_compliance":
        if any(note.startswith(CANNOT_EVALUATE) for note in timeline.anomalies):
            return None  # the record declares a structural problem: its timeliness cannot be judged either way
        return _duty_compliance(measure, records(), start, end)
    raise AssertionError(kind)  # pragma: no cover


def practice_at(timeline: Timeline, day: dt.date) -> str | None:
    """The practice the child is assigned to on ``day``: the last ``practice_assigned`` on or before it, unless a
    ``practice_released`` for that practice followed (on or before ``day``)."""
    events = timeline.events
    current: str | None = None
    for index in timeline.of_type("practice_assigned", "practice_released"):
        event = events[index]
        if event.date > day:
            break
        name = event.fields.get("practice")
        if event.type == "practice_assigned":
            current = name
        elif name == current:
            current = None
    return current


def practices_named(timeline: Timeline, day: dt.date) -> set[str]:
    events = timeline.events
    return {str(events[i].fields["practice"]) for i in timeline.of_type("practice_assigned")
            if events[i].date <= day}


