"""Parallel evaluation gives exactly the serial results."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from swp_rules.engine import Engine
from swp_rules.engine.evaluate import REPORTED, group_by_child
from swp_rules.engine.parallel import can_fork, evaluate_parallel
from swp_rules.io.events import load_records

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from cohort import cohort

AS_OF = dt.date(2012, 3, 31)


@pytest.mark.skipif(not can_fork(), reason="this system cannot fork worker processes")
@pytest.mark.parametrize("keep", [None, REPORTED])
def test_parallel_equals_serial(keep: object) -> None:
    events = load_records(cohort(300)).events
    engine = Engine()
    serial = engine.evaluate(events, AS_OF, keep=keep)  # type: ignore[arg-type]
    parallel = evaluate_parallel(engine, group_by_child(events), AS_OF, jobs=2, keep=keep,  # type: ignore[arg-type]
                                 parallel_from=1)
    assert parallel == serial
    assert serial.breaches and serial.open


def test_reported_keeps_only_breaches_and_open() -> None:
    events = load_records(cohort(50)).events
    full = Engine().evaluate(events, AS_OF)
    lean = Engine().evaluate(events, AS_OF, keep=REPORTED)
    assert {r.status for r in lean.records} == {"breached", "open"}
    assert lean.breaches == full.breaches and lean.open == full.open
    assert len(lean.records) < len(full.records)


def test_jobs_must_be_positive() -> None:
    with pytest.raises(ValueError, match="jobs"):
        evaluate_parallel(Engine(), {}, AS_OF, jobs=0)
