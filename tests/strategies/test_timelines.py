"""Timelines scheduled from the rules: the compliance profiles hold under the shipped rules (checked against an
independent reading of the statutory timescales, and by the engine), under a changed parameter and under a council's
local ruleset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, find, given, settings
from hypothesis import strategies as st

from swp_rules import calendar, codes, load_records
from swp_rules.engine import Engine, RuleBook, load_rulebook
from swp_rules.engine.rulebook import default_duty_ids
from swp_rules.model import Event
from swp_rules.testing import Compliance, EventDict, cohorts, timelines

pytestmark = pytest.mark.slow

LOCAL = Path(__file__).with_name("local-duties.yaml")
ACCESS = "contracts/duties/swp-access"


def day_of(event: EventDict) -> dt.date:
    return Event.from_dict(event).date


def of_type(events: Sequence[EventDict], *types: str) -> list[EventDict]:
    return [e for e in events if e["type"] in types]


# ------------------------------------------------------------------------------------------------------------
# An independent reading of the statutory timescales (SI 2010/959), written out here rather than read from rulesets/


def violations(events: Sequence[EventDict]) -> list[str]:
    """Statutory deadlines missed on or before the last event of a timeline (a reading of SI 1991/895 reg 3 and
    SI 2010/959 regs 4, 7, 9, 13, 28 and 33 independent of the rulesets)."""
    parsed = [Event.from_dict(e) for e in events]
    as_of = max(e.date for e in parsed)
    start = next(e.date for e in parsed if e.type == "looked_after_started")
    dob = next(e.get("dob") for e in parsed if e.type == "child")
    ended = [e.date for e in parsed if e.type == "looked_after_ended"]
    end = ended[0] if ended else None
    found: list[str] = []

    def days(type_: str) -> list[dt.date]:
        return sorted(e.date for e in parsed if e.type == type_)

    def once(name: str, type_: str, trigger: dt.date, deadline: dt.date) -> None:
        if deadline > as_of or (end is not None and end <= deadline):
            return
        if not any(trigger <= d <= deadline for d in days(type_)):
            found.append(f"{name} due {deadline}")

    def every(name: str, dates: list[dt.date], next_due: Any, limit: dt.date) -> None:
        if not dates:
            return
        for previous, following in zip(dates, [*dates[1:], None], strict=True):
            due = next_due(previous)
            if due < limit and ((following is None and due < as_of) or (following is not None and following > due)):
                found.append(f"{name} after {previous} due {due}")

    placements = [e for e in parsed if e.type == "placement_started"]
    starts = [p.date for p in placements]
    bounds = [*starts[1:], end or as_of]
    if start < dt.date(2011, 4, 1):  # SI 1991/895 reg 3: within four weeks
        first_review = start + dt.timedelta(days=28)
    else:  # SI 2010/959 reg 33(1): within 20 working days
        first_review = calendar.add_working_days(start, 20)
    once("first review", "review", start, first_review)
    reviews = days("review")
    if reviews:
        second = calendar.add_months(reviews[0], 3)
        if (reviews[1] > second if len(reviews) > 1 else second < as_of) and (end is None or second < end):
            found.append(f"second review due {second}")
        every("review", reviews[1:], lambda d: calendar.add_months(d, 6), as_of)
    if start >= dt.date(2011, 4, 1):
        once("care plan", "care_plan", starts[0], calendar.add_working_days(starts[0], 10))
        once("initial health", "health_assessment", start, calendar.add_working_days(start, 20))
        for at, (placement, pe) in enumerate(zip(placements, bounds, strict=True)):
            ps = placement.date
            if _resumes(placements, at):  # back from a holiday or respite placement: the same placement goes on
                continue
            temporary = placement.get("placement") in codes.TEMPORARY_PLACEMENT
            five = calendar.add_working_days(ps, 5)
            if five < pe and not temporary:  # the rules leave temporary placements (T0-T4) out: a project choice
                once("placement plan", "placement_plan", ps, five)
                once("notification", "placement_notified", ps, five)
            if ps + dt.timedelta(days=7) < pe and not temporary:
                once("first visit", "visit", ps, ps + dt.timedelta(days=7))
            long_term = placement.get("long_term") is True

            def next_visit(d: dt.date, ps: dt.date = ps, long_term: bool = long_term) -> dt.date:
                if long_term and calendar.add_months(ps, 12) <= d:  # reg 28(2)(c)(i): after the first year
                    return calendar.add_months(d, 3)
                return d + dt.timedelta(days=42)

            every("visit", [d for d in days("visit") if ps <= d < pe], next_visit, pe)
    health = days("health_assessment")
    every("health review", health,
          lambda d: calendar.add_months(d, 6 if calendar.age_on(dob, d) < 5 else 12), end or as_of)
    return found


def _resumes(placements: list[Event], at: int) -> bool:
    """Whether placement ``at`` only resumes an earlier one after temporary placements (same code and carer)."""
    before = at - 1
    while before >= 0 and placements[before].get("placement") in codes.TEMPORARY_PLACEMENT:
        before -= 1
    here = placements[at]
    return 0 <= before < at - 1 and all(
        placements[before].get(name) == here.get(name) for name in ("placement", "carer"))


@given(timelines("on_time"))
def test_on_time_timelines_meet_every_deadline(events: list[EventDict]) -> None:
    assert violations(events) == []


@pytest.mark.parametrize("compliance", ["late", "missing"])
@given(data=st.data())
def test_late_and_missing_timelines_miss_a_deadline(compliance: Compliance, data: st.DataObject) -> None:
    events = data.draw(timelines(compliance, spoil="review.first"))
    start = day_of(of_type(events, "looked_after_started")[0])
    last = max(day_of(e) for e in events)
    # a left-out duty only shows once its deadline has passed: the first review's is at most 33 days in
    assume(compliance == "late" or last > start + dt.timedelta(days=33))
    assert violations(events)


def test_a_failing_property_shrinks_to_a_handful_of_events() -> None:
    smallest = find(timelines("on_time"), lambda events: any(e["type"] == "review" for e in events))
    assert len(smallest) <= 16


# ------------------------------------------------------------------------------------------------------------
# The engine agrees (with the durable-rules core; the timelines were scheduled with the plain-Python oracle)


ENGINE = Engine()


def _breaches(events: Sequence[EventDict], as_of: dt.date | None = None, engine: Engine = ENGINE) -> list[str]:
    loaded = load_records(events).events
    day = as_of or max(e.date for e in loaded)
    return [b.rule for b in engine.evaluate(loaded, day).breaches]


@pytest.mark.parametrize("start", [dt.date(2009, 4, 1), dt.date(2013, 6, 1)])
@given(data=st.data())
def test_on_time_timelines_have_no_breach_as_of_their_last_event(start: dt.date, data: st.DataObject) -> None:
    events = data.draw(timelines("on_time", start=start, years=4))
    assert _breaches(events) == []


@given(timelines("on_time", start=dt.date(2012, 1, 1), years=3, min_age=14, max_age=17))
def test_on_time_holds_for_older_children_too(events: list[EventDict]) -> None:
    assert _breaches(events) == []


@given(timelines("on_time", start=dt.date(2011, 1, 1), years=2), st.integers(0, 700))
def test_on_time_timelines_have_no_breach_as_of_any_earlier_date(events: list[EventDict], back: int) -> None:
    last = max(day_of(e) for e in events)
    assert _breaches(events, last - dt.timedelta(days=back)) == []


@pytest.mark.parametrize("compliance", ["late", "missing"])
@given(data=st.data())
def test_late_and_missing_timelines_give_engine_breaches(compliance: Compliance, data: st.DataObject) -> None:
    """The spoiled deadline falls within 120 days of the start (and every period lasts at least 90 days)."""
    start = data.draw(st.sampled_from([dt.date(2009, 4, 1), dt.date(2012, 4, 1), dt.date(2016, 4, 1)]))
    events = data.draw(timelines(compliance, start=start, years=2))
    begun = day_of(of_type(events, "looked_after_started")[0])
    last = max(day_of(e) for e in events)
    assert _breaches(events, max(last, begun + dt.timedelta(days=120)))


def test_a_property_failing_on_the_engine_shrinks_to_a_handful_of_events() -> None:
    """Hypothesis shrinks a timeline the engine finds a breach in to the period of care and a few duties."""
    smallest = find(
        timelines("missing", start=dt.date(2012, 4, 1), years=1),
        lambda events: bool(_breaches(events)),
        settings=settings(database=None, max_examples=200, derandomize=True),
    )
    assert _breaches(smallest)
    assert len(smallest) <= 16, [e["type"] for e in smallest]


# ------------------------------------------------------------------------------------------------------------
# A council's own rules: a changed parameter, a local ruleset, a contract duty


STRICT_WEEK = {"within_one_week_days": 6}
STRICT_ENGINE = Engine(load_rulebook(parameters=STRICT_WEEK))
LOCAL_BOOK: RuleBook = load_rulebook([*default_duty_ids(), str(LOCAL)])
LOCAL_ENGINE = Engine(LOCAL_BOOK)


@given(timelines("on_time", start=dt.date(2011, 4, 1), years=2, parameters=STRICT_WEEK))
def test_on_time_under_a_changed_parameter_finds_no_breach(events: list[EventDict]) -> None:
    assert _breaches(events, engine=STRICT_ENGINE) == []
    first = of_type(events, "placement_started")[0]
    ps = day_of(first)
    visits = [day_of(v) for v in of_type(events, "visit") if ps < day_of(v)]
    if first["placement"] not in codes.TEMPORARY_PLACEMENT and ps + dt.timedelta(days=6) < day_of(events[-1]):
        assert visits and visits[0] <= ps + dt.timedelta(days=6)  # the first visit within 6 days, not 7


@given(cohorts(n_children=2, compliance="on_time", start=dt.date(2010, 4, 1), years=2, rulebook=LOCAL_BOOK))
def test_on_time_under_a_local_ruleset_finds_no_breach(cohort: list[list[EventDict]]) -> None:
    local = []
    for timeline in cohort:  # each child as of its own last event
        loaded = load_records(timeline).events
        evaluation = LOCAL_ENGINE.evaluate(loaded, max(e.date for e in loaded))
        assert evaluation.breaches == ()
        local += [r for r in evaluation.records if r.ruleset == "local/exampleshire"]
    assert all(r.status != "breached" for r in local)
    assert any(r.rule == "dental.local-six-monthly" for r in local)  # the local rules were followed


@given(timelines("late", start=dt.date(2010, 4, 1), years=2, rulebook=LOCAL_BOOK, spoil="visit.local-every-20-days"))
def test_late_under_a_local_ruleset_breaches_the_local_duty(events: list[EventDict]) -> None:
    breached = _breaches(events, engine=LOCAL_ENGINE)
    assert breached
    if of_type(events, "placement_started")[0]["placement"] not in codes.TEMPORARY_PLACEMENT:
        assert "visit.local-every-20-days" in breached


@given(timelines("on_time", start=dt.date(2012, 4, 1), years=2, rulesets=[*default_duty_ids(), ACCESS]))
def test_on_time_answers_every_request_within_24_hours(events: list[EventDict]) -> None:
    by_id = {e["id"]: e for e in events}
    requests = of_type(events, "access_requested")
    answered = {r["request"] for r in of_type(events, "access_responded")}
    last = max(day_of(e) for e in events)
    for request in requests:
        asked = Event.from_dict(request).time
        assert asked is not None
        if asked + dt.timedelta(hours=24) < calendar.start_of_day(last):
            assert request["id"] in answered
    for response in of_type(events, "access_responded"):
        asked, replied = Event.from_dict(by_id[response["request"]]).time, Event.from_dict(response).time
        assert asked is not None and replied is not None
        assert dt.timedelta(0) < replied - asked <= dt.timedelta(hours=24)


@given(timelines("on_time", start=dt.date(2014, 1, 1), years=2))
def test_on_time_return_interviews_follow_the_return_within_72_hours(events: list[EventDict]) -> None:
    returns = [Event.from_dict(e).time for e in of_type(events, "missing_ended")]
    for interview in of_type(events, "return_interview"):
        held = Event.from_dict(interview).time
        assert held is not None
        assert any(t is not None and dt.timedelta(0) < held - t <= dt.timedelta(hours=72) for t in returns)
