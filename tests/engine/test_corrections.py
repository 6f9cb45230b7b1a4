"""Corrections in the incremental engine (issue 13 point 4): a Hypothesis state machine adds, corrects and removes
records in any order and asks as of dates that move forwards and back; every answer equals a batch
``Engine.evaluate`` over the records as they now stand, and a correction re-evaluates only the children it touches."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from swp_rules.engine import Engine, RunningEvaluation
from swp_rules.engine.evaluate import Evaluation
from swp_rules.examples import events_path
from swp_rules.io.events import load_events, load_records
from swp_rules.model import Event
from swp_rules.testing import cohorts

ENGINE = Engine()
START = dt.date(2011, 1, 1)
HORIZON = START + dt.timedelta(days=3 * 365)


def _key(result: Evaluation) -> tuple[Any, ...]:
    return (result.as_of, result.breaches, result.open, result.records, result.notes, result.children)


class CorrectionsMatchBatch(RuleBasedStateMachine):
    """The running answer always equals the batch answer over the current records."""

    def __init__(self) -> None:
        super().__init__()
        self.running = RunningEvaluation(ENGINE)
        self.current: dict[str, Event] = {}
        self.withdrawn: list[Event] = []
        self.asked: list[dt.date] = []

    @initialize(cohort=cohorts(min_children=1, max_children=3, years=2, start=START))
    def records_arrive(self, cohort: list[list[dict[str, Any]]]) -> None:
        loaded = load_records([event for timeline in cohort for event in timeline])
        assert not loaded.rejected
        for event in loaded.events:
            assert self.running.add(event)
            self.current[event.id] = event

    @precondition(lambda self: bool(self.current))
    @rule(data=st.data(), shift=st.integers(min_value=-90, max_value=90))
    def correct_a_date(self, data: st.DataObject, shift: int) -> None:
        """A record's date was keyed wrongly and is corrected (the time of day, if any, is dropped)."""
        old = self.current[data.draw(st.sampled_from(sorted(self.current)))]
        new = attrs.evolve(old, date=old.date + dt.timedelta(days=shift), time=None)
        assert self.running.replace(new) == old
        self.current[new.id] = new

    @precondition(lambda self: bool(self.current))
    @rule(data=st.data())
    def correct_the_child(self, data: st.DataObject) -> None:
        """A record was filed against the wrong child: the correction moves it (both children change)."""
        old = self.current[data.draw(st.sampled_from(sorted(self.current)))]
        children = sorted({e.child for e in self.current.values()} | {"moved-here"})
        new = attrs.evolve(old, child=data.draw(st.sampled_from(children)))
        assert self.running.put(new) in ("replaced", "unchanged")
        self.current[new.id] = new

    @precondition(lambda self: bool(self.current))
    @rule(data=st.data())
    def remove_a_record(self, data: st.DataObject) -> None:
        event_id = data.draw(st.sampled_from(sorted(self.current)))
        assert self.running.remove(event_id) == self.current[event_id]
        self.withdrawn.append(self.current.pop(event_id))

    @precondition(lambda self: bool(self.withdrawn))
    @rule()
    def restore_a_record(self) -> None:
        event = self.withdrawn.pop()
        assert self.running.put(event) == "added"
        self.current[event.id] = event

    @rule(day=st.dates(START - dt.timedelta(days=30), HORIZON))
    def ask_as_of(self, day: dt.date) -> None:
        self.asked.append(day)
        assert _key(self.running.as_of(day)) == _key(ENGINE.evaluate(self.current.values(), day))

    @invariant()
    def answers_cached_for_earlier_dates_follow_corrections(self) -> None:
        """The last dates asked are asked again after every step: their cached answers must have been refreshed
        by a correction or removal on or before them."""
        for day in self.asked[-2:]:
            assert _key(self.running.as_of(day)) == _key(ENGINE.evaluate(self.current.values(), day))

    @invariant()
    def nothing_lost(self) -> None:
        assert len(self.running) == len(self.current)
        assert self.running.children == tuple(sorted({e.child for e in self.current.values()}))


CorrectionsMatchBatch.TestCase.settings = settings(settings(), stateful_step_count=25)
TestCorrectionsMatchBatch = pytest.mark.slow(CorrectionsMatchBatch.TestCase)  # a state machine


class CountingEngine(Engine):
    """An engine that counts the children it evaluates."""

    def __init__(self) -> None:
        super().__init__(ENGINE.book, ENGINE.matcher)
        self.evaluated: list[str] = []

    def child_records(self, child: str, events: Any, as_of: dt.date, *, reported_only: bool = False) -> Any:
        self.evaluated.append(child)
        return super().child_records(child, events, as_of, reported_only=reported_only)


def test_a_correction_re_evaluates_only_that_child() -> None:
    engine = CountingEngine()
    running = RunningEvaluation(engine)
    running.add_all(load_events([events_path()]).events)
    day = dt.date(2011, 6, 30)
    running.as_of(day)
    assert len(engine.evaluated) == len(running.children) > 1
    engine.evaluated.clear()
    target = [e for e in running.events_of(running.children[0]) if e.date < day][-1]
    running.replace(attrs.evolve(target, date=target.date - dt.timedelta(days=1)))
    running.as_of(day)
    assert engine.evaluated == [target.child]
    engine.evaluated.clear()
    running.remove(target.id)
    running.as_of(day)
    assert engine.evaluated == [target.child]


def test_unknown_ids_and_conflicting_adds_are_refused() -> None:
    running = RunningEvaluation(ENGINE)
    event = Event("e1", "C1", "visit", dt.date(2011, 5, 1))
    with pytest.raises(KeyError):
        running.replace(event)
    with pytest.raises(KeyError):
        running.remove("e1")
    assert running.put(event) == "added"
    assert running.put(event) == "unchanged"
    with pytest.raises(ValueError, match="replace"):
        running.add(attrs.evolve(event, date=dt.date(2011, 5, 2)))
    assert running.put(attrs.evolve(event, date=dt.date(2011, 5, 2))) == "replaced"
    assert running.get("e1") is not None and running.get("e1").date == dt.date(2011, 5, 2)  # type: ignore[union-attr]
    running.remove("e1")
    assert running.children == () and "e1" not in running
