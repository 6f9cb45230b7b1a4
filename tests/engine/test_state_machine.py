"""Stateful test of the incremental engine: a Hypothesis state machine feeds a ``RunningEvaluation`` one event at a
time, in any order, asks as of dates that move forwards and back, and compares every answer with a batch
``Engine.evaluate`` of the events added so far (issue 3 point 4: the same results)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from swp_rules.engine import Engine, RunningEvaluation
from swp_rules.engine.evaluate import Evaluation
from swp_rules.io.events import load_records
from swp_rules.model import Event
from swp_rules.testing import cohorts

ENGINE = Engine()  # the durable-rules matcher
START = dt.date(2011, 1, 1)  # the cohorts straddle the change of regime on 1 April 2011
HORIZON_DAYS = 3 * 365


def _key(result: Evaluation) -> tuple[Any, ...]:
    return (result.as_of, result.breaches, result.open, result.records, result.notes, result.children)


class IncrementalMatchesBatch(RuleBasedStateMachine):
    """Events arrive one at a time (shuffled, with exact repeats); the running answer always equals the batch one."""

    def __init__(self) -> None:
        super().__init__()
        self.running = RunningEvaluation(ENGINE)
        self.pending: list[Event] = []
        self.added: list[Event] = []
        self.today = START
        self.asked: set[dt.date] = set()

    @initialize(cohort=cohorts(min_children=1, max_children=3, years=2, start=START), order=st.randoms())
    def arrive_in_any_order(self, cohort: list[list[dict[str, Any]]], order: Any) -> None:
        loaded = load_records([event for timeline in cohort for event in timeline])
        assert not loaded.rejected
        self.pending = list(loaded.events)
        order.shuffle(self.pending)

    @precondition(lambda self: bool(self.pending))
    @rule(count=st.integers(min_value=1, max_value=40))
    def add_events(self, count: int) -> None:
        for _ in range(min(count, len(self.pending))):
            event = self.pending.pop()
            assert self.running.add(event)
            self.added.append(event)

    @precondition(lambda self: bool(self.added))
    @rule(data=st.data())
    def repeat_an_event(self, data: st.DataObject) -> None:
        """An exact repeat of an event already added is ignored (the readers count it as a duplicate)."""
        assert not self.running.add(data.draw(st.sampled_from(self.added)))

    @rule(days=st.integers(min_value=0, max_value=120))
    def time_passes(self, days: int) -> None:
        self.today = min(self.today + dt.timedelta(days=days), START + dt.timedelta(days=HORIZON_DAYS))

    @rule(days=st.integers(min_value=0, max_value=400))
    def look_back(self, days: int) -> None:
        self.today = max(self.today - dt.timedelta(days=days), START - dt.timedelta(days=30))

    @rule()
    def ask_as_of_today(self) -> None:
        self.asked.add(self.today)
        assert _key(self.running.as_of(self.today)) == _key(ENGINE.evaluate(self.added, self.today))

    @precondition(lambda self: bool(self.asked))
    @rule(data=st.data())
    def ask_again_an_earlier_date(self, data: st.DataObject) -> None:
        """Answers cached for a date are refreshed when an event on or before it arrives later."""
        day = data.draw(st.sampled_from(sorted(self.asked)))
        assert _key(self.running.as_of(day)) == _key(ENGINE.evaluate(self.added, day))

    @invariant()
    def nothing_lost(self) -> None:
        assert self.running.as_of(START - dt.timedelta(days=1)).children == len({e.child for e in self.added})

    def teardown(self) -> None:
        for event in self.pending:
            self.running.add(event)
            self.added.append(event)
        for day in sorted(self.asked | {self.today}):
            assert _key(self.running.as_of(day)) == _key(ENGINE.evaluate(self.added, day))


IncrementalMatchesBatch.TestCase.settings = settings(settings(), stateful_step_count=30)
TestIncrementalMatchesBatch = IncrementalMatchesBatch.TestCase
