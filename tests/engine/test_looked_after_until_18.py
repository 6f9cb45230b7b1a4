"""A child is looked after only while under 18 (Children Act 1989 s.105(1)), and attains 18 at the start of the 18th
birthday (Family Law Reform Act 1969 s.9): one notion of "looked after on a date" for the duty engine and the
indicators (swp_rules.engine.timeline, docs/duties.md "Care ends at 18")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from adulthood import eighteenth, past_eighteen
from hypothesis import given, settings

from swp_rules.engine import Engine, Timeline
from swp_rules.engine.results import Due
from swp_rules.engine.timeline import ADULT_AGE, CANNOT_EVALUATE
from swp_rules.io.events import load_records
from swp_rules.model import Event

ENGINE = Engine()
#: Duties owed to a looked-after child: scoped to a period of care or a placement, or running to the 18th birthday.
IN_CARE = frozenset(rule.id for versions in ENGINE.book.versions.values() for rule in versions
                    if rule.scope in ("period", "placement") or rule.until_age == ADULT_AGE)


def _events(records: list[dict[str, Any]]) -> tuple[Event, ...]:
    loaded = load_records(records)
    assert not loaded.rejected, [str(r) for r in loaded.rejected]
    return loaded.events


def _day(value: Due) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def test_in_care_rules_are_found() -> None:
    assert {"visit.regular", "review.later", "health.review", "dental.annual", "sdq.annual"} <= IN_CARE
    assert "personal-adviser.visit" not in IN_CARE


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(past_eighteen())
def test_no_in_care_duty_falls_due_or_is_met_on_or_after_the_18th_birthday(
        case: tuple[list[dict[str, Any]], dt.date]) -> None:
    records, as_of = case
    adult = eighteenth(records)
    result = ENGINE.evaluate(_events(records), as_of)
    for record in result.records:
        if record.rule not in IN_CARE:
            continue
        assert _day(record.clock_start) < adult, record
        if record.status in ("breached", "open"):
            assert _day(record.due) < adult, record
        if record.met is not None:
            assert _day(record.met) < adult, record
        if record.status == "breached" and record.met is None:
            assert record.days_late <= (adult - _day(record.due)).days, record
        if record.ended is not None:
            assert record.ended <= adult, record


# --- the timeline: looked after on a date ---

def _child(*rows: tuple[str, str, dict[str, Any]], dob: str = "1994-06-01") -> list[dict[str, Any]]:
    events = [{"id": "c", "child": "K", "type": "child", "date": dob, "dob": dob}]
    events += [{"id": f"e{n}", "child": "K", "type": kind, "date": day, **fields}
               for n, (kind, day, fields) in enumerate(rows)]
    return events


START = ("looked_after_started", "2012-04-16", {"legal_status": "C2"})
PLACED = ("placement_started", "2012-04-16", {"placement": "Q2"})


def test_a_period_the_record_leaves_running_ends_on_the_18th_birthday() -> None:
    timeline = Timeline.build("K", _events(_child(START, PLACED, ("visit", "2012-07-01", {}))))
    period = timeline.periods[0]
    assert (period.end, period.aged_out, period.end_event) == (dt.date(2012, 6, 1), True, None)
    assert period.placements[0].end == dt.date(2012, 6, 1)
    assert timeline.period_on(dt.date(2012, 5, 31)) is period
    assert timeline.period_on(dt.date(2012, 6, 1)) is None
    assert timeline.facts(["looked_after"], dt.date(2012, 6, 1), None) == {"looked_after": False}
    assert timeline.problems == [] and timeline.anomalies == []


def test_a_recorded_end_on_the_birthday_is_kept_and_a_late_one_is_a_note() -> None:
    ended = ("looked_after_ended", "2012-06-01", {"reason": "E8"})
    on_time = Timeline.build("K", _events(_child(START, PLACED, ended)))
    assert on_time.periods[0].end_event is not None and not on_time.periods[0].aged_out
    late = Timeline.build("K", _events(_child(START, PLACED, ("placement_ended", "2012-07-01", {}),
                                              ("looked_after_ended", "2012-07-01", {"reason": "E8"}))))
    assert late.periods[0].aged_out and late.periods[0].end == dt.date(2012, 6, 1)
    assert late.problems == []
    assert [a.split(":")[0] for a in late.anomalies] == [
        "a placement_ended event on 2012-07-01 comes on or after the 18th birthday (2012-06-01)",
        "a looked_after_ended event on 2012-07-01 comes on or after the 18th birthday (2012-06-01)"]


def test_without_a_birth_date_care_runs_as_recorded() -> None:
    events = _child(START, PLACED)[1:]
    timeline = Timeline.build("K", _events(events))
    assert timeline.periods[0].end is None and timeline.adult_from is None


# --- records that contradict themselves: the child cannot be evaluated ---

@pytest.mark.parametrize("rows", [
    pytest.param([PLACED], id="a placement with no period of care"),
    pytest.param([("placement_started", "2012-04-10", {"placement": "Q2"}), START, PLACED],
                 id="a placement before any period of care began"),
    pytest.param([("review", "2012-04-10", {}), START, PLACED], id="a review before any period of care began"),
    pytest.param([("legal_status_changed", "2012-04-10", {"legal_status": "C2"}), START, PLACED],
                 id="a legal status before any period of care began"),
    pytest.param([("looked_after_ended", "2012-04-10", {"reason": "E8"}), START, PLACED],
                 id="a period of care ending before it began"),
    pytest.param([START, PLACED, ("looked_after_ended", "2012-05-01", {"reason": "E8"}),
                  ("looked_after_ended", "2012-05-08", {"reason": "E8"})], id="a period of care ending twice"),
    pytest.param([START, PLACED, ("looked_after_ended", "2012-05-01", {"reason": "E8"}),
                  ("looked_after_ended", "2012-05-08", {"reason": "E8"}),
                  ("looked_after_started", "2012-05-10", {"legal_status": "C2"})],
                 id="a second period of care ending before it began"),
    pytest.param([("looked_after_started", "2012-06-01", {"legal_status": "V2"}),
                  ("placement_started", "2012-06-01", {"placement": "Q2"})],
                 id="a period of care starting on the 18th birthday"),
    pytest.param([("looked_after_started", "2012-09-01", {"legal_status": "V2"})],
                 id="a period of care starting after the 18th birthday"),
])
def test_a_record_that_contradicts_itself_cannot_be_evaluated(rows: list[tuple[str, str, dict[str, Any]]]) -> None:
    result = ENGINE.evaluate(_events(_child(*rows)), dt.date(2012, 12, 31))
    assert result.records == ()
    assert [n.note.startswith(CANNOT_EVALUATE) for n in result.notes if n.child == "K"].count(True) >= 1


@pytest.mark.parametrize("rows", [
    pytest.param([("looked_after_started", "2012-05-31", {"legal_status": "V2"}),
                  ("placement_started", "2012-05-31", {"placement": "Q2"})],
                 id="a period of care starting the day before the 18th birthday"),
    pytest.param([START, PLACED, ("looked_after_ended", "2012-05-01", {"reason": "E8"}),
                  ("placement_ended", "2012-05-08", {})], id="a placement's end recorded after care ended"),
    pytest.param([START, PLACED, ("looked_after_ended", "2012-05-01", {"reason": "E8"}),
                  ("placement_started", "2012-05-08", {"placement": "Q2"})], id="a placement after care ended"),
    pytest.param([START, PLACED, ("looked_after_ended", "2012-05-01", {"reason": "E8"}),
                  ("legal_status_changed", "2012-05-08", {"legal_status": "C2"})],
                 id="a legal status after care ended"),
    pytest.param([START, PLACED, ("review", "2012-05-08", {}), ("looked_after_ended", "2012-05-01", {"reason": "E8"})],
                 id="a review after care ended"),
])
def test_records_that_do_not_contradict_themselves_are_evaluated(
        rows: list[tuple[str, str, dict[str, Any]]]) -> None:
    result = ENGINE.evaluate(_events(_child(*rows)), dt.date(2012, 12, 31))
    assert result.records
    assert not any(n.note.startswith(CANNOT_EVALUATE) for n in result.notes)
