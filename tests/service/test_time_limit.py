"""The per-request time limit stops the work itself, not only the answer (issue 13): under a limit that has passed,
the evaluation and the indicators stop before their next child with ``TimeLimitReached``; without a limit (the
command line, the library) nothing changes; and the service answers 503 and logs that the work stopped."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading

import pytest
from fastapi import HTTPException

from swp_rules import stopping
from swp_rules.engine import Engine
from swp_rules.engine.evaluate import REPORTED
from swp_rules.indicators import compute_indicators
from swp_rules.io.events import load_events
from swp_rules.model import Event, group_by_child
from swp_rules.periods import parse_period
from swp_rules.service.limits import ChildrenUntilTimeLimit, engine_lock, run_limited

AS_OF = dt.date(2011, 6, 30)


@pytest.fixture(scope="module")
def example() -> list[Event]:
    from swp_rules.examples import events_path

    return list(load_events(events_path()).events)


def test_without_a_limit_the_children_mapping_changes_nothing(example: list[Event]) -> None:
    engine = Engine()
    plain = engine.evaluate(example, AS_OF, keep=REPORTED)
    limited = engine.evaluate_grouped(ChildrenUntilTimeLimit(group_by_child(example)), AS_OF,
                                      keep=REPORTED, release=True)
    assert limited == plain


def test_a_passed_limit_stops_the_evaluation_before_its_next_child(example: list[Event]) -> None:
    engine = Engine()
    children = ChildrenUntilTimeLimit(group_by_child(example))
    before = len(children)
    with stopping.time_limit(0), pytest.raises(stopping.TimeLimitReached):
        engine.evaluate_grouped(children, AS_OF, keep=REPORTED, release=True)
    assert len(children) == before  # not one child was evaluated (each is released once it has been)


def test_a_passed_limit_stops_the_indicators(example: list[Event]) -> None:
    period = parse_period("2010/11")
    with stopping.time_limit(0), pytest.raises(stopping.TimeLimitReached):
        compute_indicators(example, period)
    assert compute_indicators(example, period).results  # the same call without a limit runs to the end


def test_waiting_for_a_busy_engine_ends_at_the_limit() -> None:
    lock = threading.Lock()
    with lock, stopping.time_limit(0.01), pytest.raises(stopping.TimeLimitReached), engine_lock(lock):
        pass
    with stopping.time_limit(5), engine_lock(lock):
        assert lock.locked()
    assert not lock.locked()


def test_work_past_its_limit_ends_in_503_and_says_it_stopped(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="swp_rules.service")
    checks = 0

    def work() -> None:  # as the loops over children do: check before each
        nonlocal checks
        while True:
            checks += 1
            stopping.check()

    with pytest.raises(HTTPException) as refused:
        asyncio.run(run_limited(0.05, work))
    assert refused.value.status_code == 503 and "longer than 0.05 seconds" in refused.value.detail
    assert checks > 0 and any("stopped at its time limit" in r.getMessage() for r in caplog.records)
    assert stopping.remaining() is None  # the limit held only for that work
