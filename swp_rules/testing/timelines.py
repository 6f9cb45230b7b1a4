"""Timelines: one child's whole case record, its duties scheduled from the loaded rulebook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import pendulum
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from swp_rules import calendar
from swp_rules.engine import Engine, RuleBook, load_rulebook
from swp_rules.engine.rulebook import default_duty_ids
from swp_rules.testing.drafts import Drafts
from swp_rules.testing.events import EventDict, child_ids
from swp_rules.testing.fields import CaseStaff
from swp_rules.testing.periods import DEFAULT_START, PeriodShape, PlannedPeriod, draw_period, period_drafts
from swp_rules.testing.schedule import COMPLIANCE_PROFILES, Compliance, Scheduler

_PRACTICES: Final = ("SWP-North", "SWP-South", "SWP-East", "SWP-West", "SWP-Central")
#: Test-data spacing, not duties: a missing episode ends this many days before the horizon at the latest, and the
#: next one starts at least this many days after the return (requests likewise before the horizon).
_EPISODE_MARGIN: Final = dt.timedelta(days=4)
_BETWEEN_EPISODES: Final = dt.timedelta(days=3)
_ENGINES: dict[tuple[tuple[str, ...], tuple[tuple[str, Any], ...]], Engine] = {}
_BOOK_ENGINES: dict[int, tuple[RuleBook, Engine]] = {}


def _engine(rulebook: RuleBook | None, rulesets: Iterable[str | Path], parameters: Mapping[str, Any] | None) -> Engine:
    """The engine that schedules, loaded once per rule book (the plain-Python matcher: the same answers, no core)."""
    if rulebook is not None:
        held = _BOOK_ENGINES.get(id(rulebook))
        if held is None or held[0] is not rulebook:
            held = (rulebook, Engine(rulebook, matcher="oracle"))
            _BOOK_ENGINES[id(rulebook)] = held
        return held[1]
    chosen = tuple(str(r) for r in rulesets) or tuple(default_duty_ids())
    key = (chosen, tuple(sorted((parameters or {}).items())))
    if key not in _ENGINES:
        _ENGINES[key] = Engine(load_rulebook(chosen, parameters), matcher="oracle")
    return _ENGINES[key]


def _staff(draw: DrawFn, period: PlannedPeriod) -> CaseStaff:
    """The allocated workers (changing now and then) and the IRO."""
    workers = [(period.start, f"SW{draw(st.integers(1, 999)):03d}")]
    for gap in draw(st.lists(st.integers(60, 400), max_size=3)):
        day = workers[-1][0] + dt.timedelta(days=gap)
        if day > period.horizon:
            break
        workers.append((day, f"SW{draw(st.integers(1, 999)):03d}"))
    return CaseStaff(tuple(workers), f"IRO{draw(st.integers(1, 99)):02d}", f"PA{draw(st.integers(1, 99)):02d}")


def _london(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=calendar.london())


def _london_day(instant: dt.datetime) -> dt.date:
    local = instant.astimezone(calendar.london())
    return dt.date(local.year, local.month, local.day)


def _case_events(draw: DrawFn, period: PlannedPeriod, staff: CaseStaff, drafts: Drafts, book: RuleBook) -> None:
    """What happens in the case whatever the rules say: workers allocated, a practice taking the case for a while,
    missing episodes and, where a rule answers them, requests to reach the worker (the rules say what each is owed)."""
    for day, worker in staff.workers:
        drafts.add("worker_allocated", day, {"worker": worker})
    start, horizon = period.start, period.horizon
    if draw(st.booleans()):
        practice = draw(st.sampled_from(_PRACTICES))
        assigned = start + dt.timedelta(days=draw(st.integers(0, (horizon - start).days)))
        drafts.add("practice_assigned", assigned, {"practice": practice})
        if draw(st.booleans()):
            released = assigned + dt.timedelta(days=draw(st.integers(0, (horizon - assigned).days)))
            drafts.add("practice_released", released, {"practice": practice})
    cursor = start
    episodes = st.tuples(st.integers(1, 200), st.integers(6, 23), st.integers(0, 59), st.integers(1, 96))
    for gap, hour, minute, hours_away in draw(st.lists(episodes, max_size=3)):
        began = _london(cursor + dt.timedelta(days=gap), hour, minute)
        returned = calendar.add_hours(began, hours_away)
        if _london_day(returned) + _EPISODE_MARGIN > horizon:
            break
        kind: dict[str, Any] = {"kind": draw(st.sampled_from(("missing", "away")))} if draw(st.booleans()) else {}
        drafts.add("missing_started", _london_day(began), kind, instant=began)
        drafts.add("missing_ended", _london_day(returned), kind, instant=returned)
        cursor = _london_day(returned) + _BETWEEN_EPISODES
    if not any(t.kind == "event" and t.event == "access_requested" for _, t in book.roots):
        return
    cursor = start
    for gap, hour in draw(st.lists(st.tuples(st.integers(1, 120), st.integers(6, 23)), max_size=3)):
        day = cursor + dt.timedelta(days=gap)
        if day + _BETWEEN_EPISODES > horizon:
            break
        drafts.add("access_requested", day, instant=_london(day, hour))
        cursor = day


def timelines(
    compliance: Compliance = "on_time",
    *,
    start: dt.date = DEFAULT_START,
    years: int = 3,
    child: str | None = None,
    min_age: int = 0,
    max_age: int = 17,
    ended: bool | None = None,
    id_prefix: str = "e",
    rulesets: Iterable[str | Path] = (),
    parameters: Mapping[str, Any] | None = None,
    rulebook: RuleBook | None = None,
    spoil: str | None = None,
) -> SearchStrategy[list[EventDict]]:
    """One child's case record as a list of event dicts, sorted by date, with the chosen compliance profile.

    The record holds the child, one period of care (as ``periods_of_care``), worker allocations, sometimes a practice
    assignment, missing episodes and, when a rule answers them (``contracts/duties/swp-access``), requests to reach
    the allocated worker (these carry ISO date-times with a UTC offset); and every event the duties need (plans,
    notifications, visits, reviews, the IRO, health assessments, checks, SDQs, PEPs, the needs assessment, return
    interviews, responses…) **scheduled from the rules**: by default every shipped statutory version (what ``check``
    uses); or the duty ``rulesets`` named (ids or paths, with ``parameters`` overriding ruleset parameters, as
    ``swp_rules.engine.load_rulebook`` takes them); or a ``rulebook`` already loaded. So a council's own rules
    (``within_one_week_days: 6``, a local duty) get timelines that are on time, or late, under those rules.

    ``compliance``:

    * ``"on_time"``: every obligation the rules create that falls due before the end of the period (or, for a period
      still running, before the last day drawn for it) is discharged inside its window, between its clock and its
      deadline, so those rules find no breach as of the last event; later ones are not yet due.
    * ``"late"``: some discharging events come 1–30 days (1–48 hours for a duty counted in hours) after the deadline
      (the next clock runs from the late event); at least one always does: the first instance of a duty falling due
      within 120 days of the start.
    * ``"missing"``: some obligations are left out from some point on (a one-off never happens; a recurring duty
      stops); at least one falling due within 120 days of the start always is.
    * ``"mixed"``: each obligation independently on time, late or left out (possibly all on time).

    For a late or missing timeline the rules must create a duty falling due within 120 days of the start (the first
    review does); ``spoil`` names the rule (``review.first``) or family (``review``) to spoil when the rules create
    one there, so a test can check a reading of its own. The slack of each event shrinks towards its deadline, so a
    failing property shrinks to few events. Ids are ``<id_prefix>0001`` upwards, unique in the timeline; use
    ``cohorts`` for several children.

    >>> from hypothesis import given
    >>> @given(timelines(compliance="late", years=1))
    ... def test_timeline(events):
    ...     assert len({e["id"] for e in events}) == len(events)
    >>> test_timeline()
    """
    if compliance not in COMPLIANCE_PROFILES:
        raise ValueError(f"compliance must be one of {', '.join(COMPLIANCE_PROFILES)}, not {compliance!r}")
    shape = PeriodShape(start=start, years=years, ended=ended, min_age=min_age, max_age=max_age)
    shape.window_end()
    engine = _engine(rulebook, rulesets, parameters)

    @st.composite
    def build(draw: DrawFn) -> list[EventDict]:
        child_id = child if child is not None else draw(child_ids())
        period = draw_period(draw, child_id, shape)
        staff = _staff(draw, period)
        drafts = period_drafts(period)
        _case_events(draw, period, staff, drafts, engine.book)
        Scheduler(draw, engine, compliance, period, staff, drafts, spoil=spoil).run()
        return drafts.to_dicts(id_prefix)

    return build()
