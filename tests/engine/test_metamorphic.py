"""Metamorphic properties of the duty engine (issue 7): transformations of the input whose effect on the results is
known without knowing the results.

* renaming children changes nothing but the children's ids;
* splitting the input across several files changes nothing;
* shifting a whole timeline by 364 days (52 weeks: same weekdays) keeps the breaches of the rules counted in calendar
  days or weeks, where no working day, month or hour is involved;
* removing a child removes exactly that child's results.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from swp_rules.engine import Engine
from swp_rules.engine.evaluate import Evaluation
from swp_rules.engine.rulebook import RuleBook
from swp_rules.io.events import load_events, load_records
from swp_rules.model import Event
from swp_rules.testing import EventDict, child_ids, cohorts, timelines

ENGINE = Engine()  # durable-rules matcher
START = dt.date(2011, 6, 1)
SHIFT = dt.timedelta(days=364)


def _events(records: list[EventDict]) -> tuple[Event, ...]:
    loaded = load_records(records)
    assert not loaded.rejected
    return loaded.events


def _flat(cohort: list[list[EventDict]]) -> list[EventDict]:
    return [event for timeline in cohort for event in timeline]


def _key(result: Evaluation) -> tuple[Any, ...]:
    return (result.breaches, result.open, result.records, result.notes, result.children)


as_of_offsets = st.integers(min_value=0, max_value=3 * 365)


# ------------------------------------------------------------------------------------------------------------
# Renaming children


@given(cohorts(min_children=1, max_children=4, years=2, start=START), st.data(), as_of_offsets)
def test_renaming_children_changes_nothing_but_their_ids(cohort: list[list[EventDict]], data: st.DataObject,
                                                           offset: int) -> None:
    old = [timeline[0]["child"] for timeline in cohort]
    # new ids may reuse old ones (a permutation), so sort order changes too
    new = data.draw(st.lists(st.one_of(st.sampled_from(old), child_ids()), min_size=len(old), max_size=len(old),
                             unique=True))
    rename = dict(zip(old, new, strict=True))
    renamed = [{**event, "child": rename[event["child"]]} for event in _flat(cohort)]
    as_of = START + dt.timedelta(days=offset)
    before = ENGINE.evaluate(_events(_flat(cohort)), as_of)
    after = ENGINE.evaluate(_events(renamed), as_of)

    def moved(items: tuple[Any, ...]) -> collections.Counter[Any]:
        return collections.Counter(attrs.evolve(item, child=rename[item.child]) for item in items)

    assert moved(before.records) == collections.Counter(after.records)
    assert moved(before.breaches) == collections.Counter(after.breaches)
    assert moved(before.open) == collections.Counter(after.open)
    assert moved(before.notes) == collections.Counter(after.notes)
    assert before.children == after.children
    # results stay sorted by child, whatever the new ids are
    assert [r.child for r in after.records] == sorted(r.child for r in after.records)


# ------------------------------------------------------------------------------------------------------------
# Splitting the input across files


@given(cohorts(min_children=1, max_children=4, years=2, start=START), st.integers(1, 5), st.randoms(),
       as_of_offsets)
def test_splitting_the_input_across_files_changes_nothing(cohort: list[list[EventDict]], files: int,
                                                           rnd: random.Random, offset: int) -> None:
    records = _flat(cohort)
    as_of = START + dt.timedelta(days=offset)
    whole = load_records(records)
    shuffled = records[:]
    rnd.shuffle(shuffled)
    parts: list[list[EventDict]] = [[] for _ in range(files)]
    for record in shuffled:  # a child's events may land in any file, in any order
        parts[rnd.randrange(files)].append(record)
    with tempfile.TemporaryDirectory() as tmp:  # not pytest's tmp_path: one directory per example
        paths = []
        for number, part in enumerate(parts):
            path = Path(tmp) / f"part-{number}.jsonl"
            path.write_text("".join(json.dumps(record) + "\n" for record in part), encoding="utf-8")
            paths.append(path)
        split = load_events(paths)
    assert split.rejected == ()
    assert split.counts == whole.counts
    assert sorted(split.events, key=lambda e: e.id) == sorted(whole.events, key=lambda e: e.id)
    assert _key(ENGINE.evaluate(split.events, as_of)) == _key(ENGINE.evaluate(whole.events, as_of))


# ------------------------------------------------------------------------------------------------------------
# Shifting a timeline by 364 days


CALENDAR_UNITS = ("days", "weeks")


def calendar_day_rules(book: RuleBook, first: dt.date, last: dt.date) -> frozenset[str]:
    """The rules whose every version in force between ``first`` and ``last`` counts only in days or weeks, once the
    deadlines that apply to long-term placements (counted in months) are set aside: the inputs of the shift test
    carry no ``long_term`` flag, so those deadlines never apply. A rule with any working-day, month or hour deadline
    is left out: 364 days later the bank holidays, the lengths of months and the clock changes differ."""
    versions: dict[str, list[bool]] = {}
    for rule in book.rules():
        if rule.in_force_from > last or (rule.in_force_to is not None and rule.in_force_to < first):
            continue
        counted = [d for d in rule.deadlines if d.when is None or "long_term" not in d.when.names]
        versions.setdefault(rule.id, []).append(all(d.unit in CALENDAR_UNITS for d in counted))
    return frozenset(rule for rule, calendar_only in versions.items() if all(calendar_only))


def shifted(record: EventDict, by: dt.timedelta) -> EventDict:
    """The record ``by`` later: its date (a date-time keeps its wall-clock time and offset) and the child's dob."""
    out = {k: v for k, v in record.items() if k != "long_term"}
    when = record["date"]
    if len(when) == 10:
        out["date"] = (dt.date.fromisoformat(when) + by).isoformat()
    else:
        out["date"] = (dt.datetime.fromisoformat(when) + by).isoformat()
    if "dob" in record:
        out["dob"] = (dt.date.fromisoformat(record["dob"]) + by).isoformat()
    return out


# Two windows, each wholly inside one regime even after the shift: the 1991 regulations (first review within
# 4 weeks, foster visits), and the 2010 regulations before the 2015 amendment of visits. Children are at most 15 at
# the start, so no one turns 18 (and no age-limited duty ends) within the two years.
WINDOWS = [(dt.date(2008, 1, 1), 2), (dt.date(2011, 4, 1), 2)]


@pytest.mark.parametrize(("start", "years"), WINDOWS)
@given(data=st.data())
def test_shifting_a_timeline_by_364_days_keeps_calendar_day_breaches(start: dt.date, years: int,
                                                                      data: st.DataObject) -> None:
    last = start.replace(year=start.year + years) + SHIFT
    rules = calendar_day_rules(ENGINE.book, start, last)
    assert rules  # e.g. visit.first, visit.regular (and review.first under the 1991 regulations)
    records = [{k: v for k, v in r.items() if k != "long_term"}
               for r in data.draw(timelines("mixed", start=start, years=years, max_age=15))]
    events = _events(records)
    moved = _events([shifted(r, SHIFT) for r in records])
    final = max(e.date for e in events)
    as_of = data.draw(st.sampled_from([final, start + dt.timedelta(days=data.draw(st.integers(0, 2 * 365)))]))

    def breaches(evs: tuple[Event, ...], day: dt.date, by: dt.timedelta) -> collections.Counter[Any]:
        return collections.Counter(
            (b.rule, b.due - by, None if b.met is None else b.met - by, b.days_late, b.evidence)
            for b in ENGINE.evaluate(evs, day).breaches if b.rule in rules
        )

    original = breaches(events, as_of, dt.timedelta(0))
    later = breaches(moved, as_of + SHIFT, SHIFT)
    assert sum(original.values()) == sum(later.values())
    assert original == later  # and each breach is the same one, 364 days later


def test_the_calendar_day_rules_are_the_expected_ones() -> None:
    """Guards the shift test against a ruleset change that would leave it comparing nothing."""
    old = calendar_day_rules(ENGINE.book, WINDOWS[0][0], dt.date(2010, 12, 31))
    new = calendar_day_rules(ENGINE.book, WINDOWS[1][0], dt.date(2014, 3, 31))
    # FSR 2002: six-weekly after a foster placement's first year too (three months only when long-term, set aside)
    assert {"visit.first", "visit.regular", "review.first"} <= old
    assert {"visit.first", "visit.regular"} <= new
    assert not {"review.first", "care-plan.initial", "review.second", "return-interview.72h"} & new


# ------------------------------------------------------------------------------------------------------------
# Removing a child


@given(cohorts(min_children=2, max_children=4, years=2, start=START), st.data(), as_of_offsets)
def test_removing_a_child_removes_exactly_its_results(cohort: list[list[EventDict]], data: st.DataObject,
                                                        offset: int) -> None:
    gone = data.draw(st.sampled_from([timeline[0]["child"] for timeline in cohort]))
    as_of = START + dt.timedelta(days=offset)
    everyone = ENGINE.evaluate(_events(_flat(cohort)), as_of)
    rest = ENGINE.evaluate(_events([e for e in _flat(cohort) if e["child"] != gone]), as_of)
    assert rest.records == tuple(r for r in everyone.records if r.child != gone)
    assert rest.breaches == tuple(b for b in everyone.breaches if b.child != gone)
    assert rest.open == tuple(o for o in everyone.open if o.child != gone)
    assert rest.notes == tuple(n for n in everyone.notes if n.child != gone)
    assert rest.children == everyone.children - 1
