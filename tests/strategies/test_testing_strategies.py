"""Properties of the public Hypothesis strategies in ``swp_rules.testing``."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import find, given
from hypothesis import strategies as st

from swp_rules import calendar, codes, load_records
from swp_rules.model import Event
from swp_rules.testing import (
    COMPLIANCE_PROFILES,
    INVALID_RECORD_KINDS,
    Compliance,
    EventDict,
    child_ids,
    children,
    cohorts,
    contracts,
    invalid_records,
    periods_of_care,
    placement_codes_on,
    timelines,
)


def day_of(event: EventDict) -> dt.date:
    return Event.from_dict(event).date


def of_type(events: Sequence[EventDict], *types: str) -> list[EventDict]:
    return [e for e in events if e["type"] in types]


# ------------------------------------------------------------------------------------------------------------
# Everything generated reads cleanly


@pytest.mark.parametrize("compliance", COMPLIANCE_PROFILES)
@given(data=st.data())
def test_timelines_read_with_zero_rejections(compliance: Compliance, data: st.DataObject) -> None:
    events = data.draw(timelines(compliance))
    loaded = load_records(events)
    assert loaded.rejected == ()
    assert loaded.counts.read == loaded.counts.evaluated == len(events)
    assert len({e["id"] for e in events}) == len(events)
    assert {e["child"] for e in events} == {events[0]["child"]}
    days = [e.date for e in loaded.events]
    assert days == sorted(days)
    assert all(isinstance(e["date"], str) for e in events)


@given(children())
def test_children_are_valid_child_events(record: EventDict) -> None:
    event = Event.from_dict(record)
    assert event.type == "child"
    assert dt.date(1991, 4, 1) <= event.get("dob") <= dt.date(2015, 3, 31)


@given(child_ids())
def test_child_ids_are_pseudonyms(child: str) -> None:
    assert child[0] == "C" and child[1:].isdigit()


def test_placement_codes_change_on_1_april_2014() -> None:
    before, after = placement_codes_on(dt.date(2014, 3, 31)), placement_codes_on(dt.date(2014, 4, 1))
    assert {"Q1", "Q2"} <= set(before) and not {"U1", "U6"} & set(before)
    assert {"U1", "U6"} <= set(after) and not {"Q1", "Q2"} & set(after)


# ------------------------------------------------------------------------------------------------------------
# Periods of care are consistent by construction


def check_period(events: Sequence[EventDict]) -> None:
    child = Event.from_dict(of_type(events, "child")[0])
    (started,) = of_type(events, "looked_after_started")
    start = day_of(started)
    assert 0 <= calendar.age_on(child.get("dob"), start) <= 17
    ends = of_type(events, "looked_after_ended")
    assert len(ends) <= 1
    end = day_of(ends[0]) if ends else None
    if ends:
        assert ends[0]["reason"] in codes.REASON_CARE_ENDED and ends[0]["reason"] != "X1"
        assert end is not None and end <= calendar.birthday(child.get("dob"), 18)
        assert [day_of(e) for e in of_type(events, "placement_ended")] == [end]
    else:
        assert not of_type(events, "placement_ended")
    placements = of_type(events, "placement_started")
    starts = [day_of(p) for p in placements]
    assert starts and starts[0] == start
    assert all(a < b for a, b in itertools.pairwise(starts))  # no overlaps: a move ends the last
    for placement, day in zip(placements, starts, strict=True):
        assert end is None or day < end
        assert placement["placement"] in placement_codes_on(day)
        if "long_term" in placement:
            assert placement["placement"] in codes.FOSTER_PLACEMENT
    for event in events:
        if event["type"] != "child":
            assert start <= day_of(event) and (end is None or day_of(event) <= end)


@given(periods_of_care())
def test_periods_of_care_are_consistent(events: list[EventDict]) -> None:
    assert not load_records(events).rejected
    check_period(events)


@given(periods_of_care(start=dt.date(2013, 1, 1), min_age=17, max_age=17, years=2))
def test_seventeen_year_olds_leave_care_by_eighteen(events: list[EventDict]) -> None:
    check_period(events)
    eighteenth = calendar.birthday(Event.from_dict(events[0]).get("dob"), 18)
    assert all(day_of(e) <= eighteenth for e in events)
    if not of_type(events, "looked_after_ended"):
        assert all(day_of(e) < eighteenth for e in events)


@pytest.mark.slow
@pytest.mark.parametrize("compliance", COMPLIANCE_PROFILES)
@given(data=st.data())
def test_placements_inside_the_period_in_timelines(compliance: Compliance, data: st.DataObject) -> None:
    check_period(data.draw(timelines(compliance, start=dt.date(2012, 4, 1), years=4)))


# ------------------------------------------------------------------------------------------------------------
# Cohorts


@given(cohorts(compliance="mixed", years=2))
def test_cohort_ids_are_unique(cohort: list[list[EventDict]]) -> None:
    everything = [e for timeline in cohort for e in timeline]
    assert len({e["id"] for e in everything}) == len(everything)
    assert len({timeline[0]["child"] for timeline in cohort}) == len(cohort)
    for timeline in cohort:
        assert {e["child"] for e in timeline} == {timeline[0]["child"]}
    loaded = load_records(everything)
    assert loaded.rejected == () and loaded.counts.evaluated == len(everything)


@given(cohorts(n_children=3, years=1))
def test_cohort_size_can_be_fixed(cohort: list[list[EventDict]]) -> None:
    assert len(cohort) == 3


# ------------------------------------------------------------------------------------------------------------
# Invalid records


def test_there_are_at_least_fifteen_kinds_of_defect() -> None:
    assert len(INVALID_RECORD_KINDS) >= 15


@given(invalid_records())
def test_invalid_records_are_rejected_naming_the_field(bad: Any) -> None:
    loaded = load_records([bad.record])
    assert loaded.counts.read == loaded.counts.rejected == 1
    (rejection,) = loaded.rejected
    assert rejection.field == bad.field, (bad.kind, rejection)
    assert rejection.reason


@pytest.mark.parametrize("kind", sorted(INVALID_RECORD_KINDS))
def test_every_kind_of_defect_is_rejected(kind: str) -> None:
    @given(invalid_records(kinds=[kind]))
    def check(bad: Any) -> None:
        assert bad.kind == kind
        (rejection,) = load_records([bad.record]).rejected
        assert rejection.field == bad.field

    check()


def test_unknown_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown kinds"):
        invalid_records(kinds=["no_such_defect"])


# ------------------------------------------------------------------------------------------------------------
# Contracts


@pytest.mark.parametrize("weights", ["fraction", "decimal"])
@given(data=st.data())
def test_contracts_are_valid(weights: Any, data: st.DataObject) -> None:
    contract = data.draw(contracts(weights=weights))
    assert isinstance(contract["fee"], Decimal) and contract["fee"] > 0
    assert Decimal(0) <= contract["performance_share"] <= Decimal("0.6")
    assert contract["outcome_pot"] == contract["fee"] * contract["performance_share"]
    outcomes = contract["outcomes"]
    assert len({o["id"] for o in outcomes}) == len(outcomes) >= 1
    assert sum(o["weight"] for o in outcomes) == 1
    for outcome in outcomes:
        assert isinstance(outcome["weight"], Fraction if weights == "fraction" else Decimal)
        assert outcome["weight"] > 0
        if outcome["polarity"] == "higher":
            assert outcome["lower"] < outcome["upper"]
        else:
            assert outcome["lower"] > outcome["upper"]


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="compliance"):
        timelines("sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="years"):
        find(timelines(years=0), lambda _: True)
