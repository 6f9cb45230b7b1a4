"""Evaluating a large cohort on several processor cores, with exactly the results of a serial run.

Children are independent, so the sorted list of children is cut into chunks and each chunk is evaluated in a worker
process. Workers are forked after the events are read, so they share the parent's events without copying them over
a pipe; each sends back only the records it was asked to keep. Results are put back in chunk order, so the output
is identical to ``Engine.evaluate`` whatever the number of workers. Where the operating system cannot fork (Windows,
or macOS under some Pythons), the run is serial.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from typing import Final

from swp_rules.engine.evaluate import Engine, Evaluation, Keep, _assemble
from swp_rules.engine.results import ChildNote, DutyRecord
from swp_rules.model import Event

#: Below this many children a single process is faster than starting workers.
PARALLEL_FROM: Final = 4_000
#: Children per unit of work handed to a worker.
CHUNK: Final = 1_000

_Shared = tuple[Engine, Mapping[str, Sequence[Event]], list[str], dt.date, Keep | None]
_shared: _Shared | None = None


def available_jobs() -> int:
    """How many workers ``jobs="auto"`` uses: one per core the process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _chunk(bounds: tuple[int, int]) -> tuple[list[DutyRecord], list[ChildNote]]:
    assert _shared is not None
    engine, by_child, children, as_of, keep = _shared
    records: list[DutyRecord] = []
    notes: list[ChildNote] = []
    for child in children[bounds[0]:bounds[1]]:
        found, timeline = engine.child_records(child, by_child[child], as_of)
        records.extend(found if keep is None else (r for r in found if r.status in ("breached", "open") or keep(r)))
        notes.extend(ChildNote(child, note) for note in timeline.anomalies)
    return records, notes


def evaluate_parallel(engine: Engine, by_child: dict[str, list[Event]], as_of: dt.date, *, jobs: int | None = None,
                      keep: Keep | None = None, parallel_from: int = PARALLEL_FROM) -> Evaluation:
    """``engine.evaluate_grouped(by_child, as_of, keep=keep)`` on ``jobs`` processes (default: one per core).

    Cohorts smaller than ``parallel_from``, one job, or a system that cannot fork give a serial run (which
    releases each child's events as it goes); the results are the same either way.
    """
    global _shared
    workers = available_jobs() if jobs is None else jobs
    if workers < 1:
        raise ValueError("jobs must be at least 1")
    if workers == 1 or len(by_child) < parallel_from or not can_fork():
        return engine.evaluate_grouped(by_child, as_of, keep=keep, release=True)
    children = sorted(by_child)
    bounds = [(start, min(start + CHUNK, len(children))) for start in range(0, len(children), CHUNK)]
    _shared = (engine, by_child, children, as_of, keep)
    gc.freeze()  # keep the collector from touching (and so copying) the shared pages in every worker
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            parts = pool.map(_chunk, bounds, chunksize=1)
    finally:
        _shared = None
        gc.unfreeze()
    records: list[DutyRecord] = []
    notes: list[ChildNote] = []
    for found, noted in parts:
        records.extend(found)
        notes.extend(noted)
    return _assemble(as_of, records, notes, engine.book, len(children))
