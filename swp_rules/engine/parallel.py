"""Reading and evaluating a large cohort on several processor cores, with exactly the results of a serial run.

The input is read in parts, one per worker, each holding whole children (``swp_rules.io.parts``); each worker
evaluates its children and sends back only the records asked for. Results are merged in the serial order
(children sorted, rejections in input order), so the output does not depend on the number of workers; an id
reused across the parts sends the run back to the serial path. The serial path is also taken for one job, small
input, and systems that cannot fork (Windows; macOS under some Pythons).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Sequence
from pathlib import Path

import attrs

from swp_rules.engine.evaluate import Engine, Evaluation, Keep, OnChild, _assemble, tell_children
from swp_rules.engine.results import ChildNote, DutyRecord
from swp_rules.io.events import InputCounts, Rejection
from swp_rules.io.parts import (
    PARALLEL_FROM_BYTES,
    available_jobs,
    can_fork,
    check_inputs,
    read_grouped,
    run_in_parts,
    worth_splitting,
)
from swp_rules.model import Event

__all__ = ["PARALLEL_FROM_BYTES", "FilesEvaluation", "NoAsOf", "available_jobs", "can_fork", "evaluate_files"]


class NoAsOf(ValueError):
    """No as-of date was given and the input holds no events to take the latest date from."""

    def __init__(self) -> None:
        super().__init__("an as-of date is needed when the input holds no events")


@attrs.frozen
class FilesEvaluation:
    """What evaluating event files gave: the evaluation, the rejected records and the counts."""

    evaluation: Evaluation
    rejected: tuple[Rejection, ...]
    counts: InputCounts
    jobs: int


def evaluate_files(engine: Engine, paths: Sequence[str | Path], as_of: dt.date | None = None, *,
                   jobs: int | None = None, keep: Keep | None = None,
                   parallel_from: int | None = None, on_child: OnChild | None = None) -> FilesEvaluation:
    """Read event files and evaluate every child as of ``as_of`` (default: the latest event's date).

    ``jobs`` worker processes (default: one per core) share the work when the input (JSON Lines or CSV) is at
    least ``parallel_from`` bytes (default: ``io.parts.parallel_threshold()``); the results are the same as a serial
    run. Raises ``InputError`` before reading if a file cannot be read, and ``NoAsOf`` (a ``ValueError``) when there
    are no events and no ``as_of``. ``on_child`` is told of each child's kept records and notes in child order
    (``Engine.evaluate_grouped``): as each is evaluated on the serial path, as the merged results are gathered
    on the parallel one.
    """
    workers = available_jobs() if jobs is None else jobs
    if workers < 1:
        raise ValueError("jobs must be at least 1")
    check_inputs(paths)
    if worth_splitting(paths, workers, parallel_from):

        def work(by_child: dict[str, list[Event]], day: dt.date
                 ) -> tuple[list[DutyRecord], list[ChildNote], int, tuple[str, ...]]:
            evaluation = engine.evaluate_grouped(by_child, day, keep=keep, release=True)
            return list(evaluation.records), list(evaluation.notes), evaluation.children, evaluation.applied

        run = run_in_parts(paths, workers, work, lambda latest: as_of_or_latest(as_of, latest),
                           decided=None if as_of is None else (as_of,))
        if run is not None:
            day = as_of_or_latest(as_of, run.latest)
            records = list(heapq.merge(*(r[0] for r in run.results), key=lambda r: r.child))
            notes = list(heapq.merge(*(r[1] for r in run.results), key=lambda n: n.child))
            evaluation = _assemble(day, records, notes, engine.book, sum(r[2] for r in run.results),
                                   {ruleset for r in run.results for ruleset in r[3]})
            if on_child is not None:
                tell_children(records, notes, on_child)
            return FilesEvaluation(evaluation, run.rejected, run.counts, workers)
    grouped = read_grouped(paths)
    day = as_of_or_latest(as_of, grouped.latest)
    evaluation = engine.evaluate_grouped(grouped.by_child, day, keep=keep, release=True, on_child=on_child)
    return FilesEvaluation(evaluation, grouped.rejected, grouped.counts, 1)


def as_of_or_latest(as_of: dt.date | None, latest: dt.date | None) -> dt.date:
    """The as-of date given, or else the date of the latest event read (SPEC.md §3: ``--as-of`` defaults to it);
    ``NoAsOf`` when there is neither."""
    if as_of is not None:
        return as_of
    if latest is None:
        raise NoAsOf
    return latest


