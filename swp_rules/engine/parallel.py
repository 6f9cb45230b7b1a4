"""Reading and evaluating a large cohort on several processor cores, with exactly the results of a serial run.

Children are independent, so each worker process reads every input line but parses only the lines of its own
children (``swp_rules.io.events.line_owner`` routes a line on its ``child`` text), then evaluates those children.
Nothing but results crosses between processes. Before evaluating, the workers report the latest event date (the
default ``as_of``) and a hash of every id they accepted: ids are unique across the whole input, so an id accepted
by two workers (a reused id, which a serial read would reject) sends the run back to the serial path. Results are
merged in the serial order — children sorted, rejections in input order — so the output does not depend on the
number of workers.

The serial path is taken for one job, small or CSV input, and systems that cannot fork (Windows; macOS under some
Pythons).
"""

from __future__ import annotations

import datetime as dt
import heapq
import multiprocessing
import os
from array import array
from collections.abc import Iterable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final

import attrs

from swp_rules.engine.evaluate import Engine, Evaluation, Keep, _assemble
from swp_rules.engine.results import ChildNote, DutyRecord
from swp_rules.io.events import EventReader, InputCounts, Rejection, check_readable, file_format
from swp_rules.model import Event

#: Below this much input (bytes) one process is faster than starting workers.
PARALLEL_FROM_BYTES: Final = 16 * 1024 * 1024


@attrs.frozen
class FilesEvaluation:
    """What evaluating event files gave: the evaluation, the rejected records and the counts."""

    evaluation: Evaluation
    rejected: tuple[Rejection, ...]
    counts: InputCounts
    jobs: int


def available_jobs() -> int:
    """How many workers the default uses: one per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class _Unsettled(Exception):
    """Workers disagree about ids (a reused id across children): the serial path decides."""


def evaluate_files(engine: Engine, paths: Sequence[str | Path], as_of: dt.date | None = None, *,
                   jobs: int | None = None, keep: Keep | None = None,
                   parallel_from: int = PARALLEL_FROM_BYTES) -> FilesEvaluation:
    """Read event files and evaluate every child as of ``as_of`` (default: the latest event's date).

    ``jobs`` worker processes (default: one per core) share the work when the input is JSON Lines of at least
    ``parallel_from`` bytes; the results are the same as a serial run. Raises ``InputError`` before reading if a
    file cannot be read, and ``ValueError`` when there are no events and no ``as_of``.
    """
    workers = available_jobs() if jobs is None else jobs
    if workers < 1:
        raise ValueError("jobs must be at least 1")
    check_readable(paths)
    size = sum(Path(p).stat().st_size for p in paths)
    if workers > 1 and size >= parallel_from and can_fork() and all(file_format(p) == "jsonl" for p in paths):
        try:
            return _parallel(engine, paths, as_of, workers, keep)
        except _Unsettled:
            pass
    return _serial(engine, paths, as_of, keep)


def _serial(engine: Engine, paths: Sequence[str | Path], as_of: dt.date | None, keep: Keep | None) -> FilesEvaluation:
    reader = EventReader()
    by_child: dict[str, list[Event]] = {}
    latest: dt.date | None = None
    for event in reader.read(paths):
        by_child.setdefault(event.child, []).append(event)
        if latest is None or event.date > latest:
            latest = event.date
    day = _as_of(as_of, latest)
    evaluation = engine.evaluate_grouped(by_child, day, keep=keep, release=True)
    return FilesEvaluation(evaluation, tuple(reader.rejected), reader.counts, 1)


def _as_of(as_of: dt.date | None, latest: dt.date | None) -> dt.date:
    if as_of is not None:
        return as_of
    if latest is None:
        raise ValueError("an as-of date is needed when the input holds no events")
    return latest


def _worker(part: int, parts: int, paths: Sequence[str | Path], engine: Engine, keep: Keep | None,
            conn: Connection) -> None:
    """Read this worker's lines, report the latest date and the ids, wait for ``as_of``, evaluate, send back."""
    try:
        reader = EventReader()
        by_child: dict[str, list[Event]] = {}
        latest: dt.date | None = None
        for event in reader.read(paths, part=(part, parts)):
            by_child.setdefault(event.child, []).append(event)
            if latest is None or event.date > latest:
                latest = event.date
        conn.send((latest, array("q", sorted(reader.id_hashes())).tobytes()))
        day = conn.recv()
        if day is None:
            return
        evaluation = engine.evaluate_grouped(by_child, day, keep=keep, release=True)
        conn.send(("ok", list(evaluation.records), list(evaluation.notes), evaluation.children,
                   list(zip(reader.rejection_sources, reader.rejected, strict=True)), reader.counts))
    except Exception as exc:  # reported by type only: the message could carry case data
        conn.send(("failed", type(exc).__name__))
    finally:
        conn.close()


def _parallel(engine: Engine, paths: Sequence[str | Path], as_of: dt.date | None, workers: int,
              keep: Keep | None) -> FilesEvaluation:
    context = multiprocessing.get_context("fork")
    pipes: list[Connection] = []
    processes: list[Any] = []
    for part in range(workers):
        mine, theirs = context.Pipe()
        process = context.Process(target=_worker, args=(part, workers, paths, engine, keep, theirs), daemon=True)
        process.start()
        theirs.close()
        pipes.append(mine)
        processes.append(process)
    try:
        reports = [_receive(pipe) for pipe in pipes]
        clash = _shared_id(array("q", r[1]) for r in reports)
        latest = max((r[0] for r in reports if r[0] is not None), default=None)
        del reports
        if clash or (as_of is None and latest is None):
            for pipe in pipes:
                pipe.send(None)
            raise _Unsettled
        day = _as_of(as_of, latest)
        for pipe in pipes:
            pipe.send(day)
        results = [_receive(pipe) for pipe in pipes]
    finally:
        for pipe in pipes:
            pipe.close()
        for process in processes:
            process.join()
    for result in results:
        if result[0] != "ok":
            raise RuntimeError(f"a worker failed ({result[1]})")
    records: list[DutyRecord] = list(heapq.merge(*(r[1] for r in results), key=lambda r: r.child))
    notes: list[ChildNote] = list(heapq.merge(*(r[2] for r in results), key=lambda n: n.child))
    rejected = [rej for _, rej in heapq.merge(*(r[4] for r in results), key=lambda pair: (pair[0], pair[1].line))]
    counts = InputCounts()
    for result in results:
        counts.add(result[5])
    evaluation = _assemble(day, records, notes, engine.book, sum(r[3] for r in results))
    return FilesEvaluation(evaluation, tuple(rejected), counts, workers)


def _shared_id(sorted_hashes: Iterable[array[int]]) -> bool:
    """Whether two workers accepted the same id (by hash; a false alarm only costs a serial run)."""
    previous: int | None = None
    for value in heapq.merge(*sorted_hashes):
        if value == previous:
            return True
        previous = value
    return False


def _receive(pipe: Connection) -> Any:
    try:
        return pipe.recv()
    except EOFError:
        raise RuntimeError("a worker process ended without its results") from None
