"""Reading event files in parts, one per worker process, each part holding whole children.

Each worker parses only its own children's lines (``line_owner`` routes a line on its ``child`` text), groups
them by child and does its work on them. A JSON Lines file is cut into byte ranges, one per worker
(``swp_rules.io.ranges``): each worker routes the lines of its range only, the routes (a byte a line) go to every
worker through the main process, and each worker then reads the lines it owns in file order. A CSV file (a quoted
cell may span lines, so a range cannot be cut at any line end) is scanned whole by every worker, each keeping its
own rows. Before the work, the workers report the latest event date and a hash of every id they accepted: ids are
unique across the whole input, so an id accepted by two workers (a reused id, which a serial read rejects) means the
run must be serial, and ``run_in_parts`` returns ``None`` (as it does when a worker cannot read its part, so that
the serial read reports why). Rejections come back in input order and counts add up as in a serial read, so callers
can give the same results whatever the number of workers.

Workers are forked, so the work function and everything it closes over are shared, not copied over a pipe.
"""

from __future__ import annotations

import datetime as dt
import heapq
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import attrs

from swp_rules.io.events import (
    EventReader,
    InputCounts,
    InputError,
    LoadedEvents,
    Rejection,
    check_readable,
    file_format,
    jsonl_item,
)
from swp_rules.io.ranges import Route, owned_lines, route
from swp_rules.model import Event

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

#: Below this much input (bytes) one process is faster than starting workers. The environment variable
#: ``SWP_RULES_PARALLEL_FROM`` (bytes) overrides it for the command line, e.g. ``0`` to split any input.
PARALLEL_FROM_BYTES: Final = 16 * 1024 * 1024

W = TypeVar("W")


@attrs.frozen
class Grouped:
    """Events read into per-child lists, with the reader's rejections and counts and the latest event date."""

    by_child: dict[str, list[Event]]
    rejected: tuple[Rejection, ...]
    counts: InputCounts
    latest: dt.date | None


@attrs.frozen
class PartsRun(Generic[W]):
    """What the workers gave: their results (in part order), the rejections in input order, the counts."""

    results: list[W]
    rejected: tuple[Rejection, ...]
    counts: InputCounts
    latest: dt.date | None
    workers: int


class WorkerFailed(RuntimeError):
    """A worker process stopped without its results (killed, out of memory) or failed in its work; the message
    says which and what to do, and never holds case data."""


def available_jobs() -> int:
    """How many workers the default uses: one per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    import multiprocessing  # imported by a run that splits its input only

    return "fork" in multiprocessing.get_all_start_methods()


def parallel_threshold() -> int:
    """The input size (bytes) from which to read in parts: ``SWP_RULES_PARALLEL_FROM``, else the default."""
    value = os.environ.get("SWP_RULES_PARALLEL_FROM", "")
    return int(value) if value.isdigit() else PARALLEL_FROM_BYTES


def worth_splitting(paths: Sequence[str | Path], workers: int, parallel_from: int | None = None) -> bool:
    """Whether to read in parts: several workers, a system that can fork, and input at least ``parallel_from``
    bytes (default: ``parallel_threshold()``)."""
    if workers < 2 or any(Path(p).is_dir() for p in paths):  # a 903 return is read whole
        return False
    threshold = parallel_threshold() if parallel_from is None else parallel_from
    return sum(Path(p).stat().st_size for p in paths) >= threshold and can_fork()


def check_inputs(paths: Sequence[str | Path]) -> None:
    """Raise ``InputError`` unless every path is a readable events file or a folder (an SSDA903 return)."""
    for path in paths:
        if Path(path).is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                raise InputError(f"{path}: cannot be read (permission denied)")
        else:
            check_readable([path])


#: For each input, its size and every range's route (``io.ranges``) when it is a JSON Lines file read in ranges,
#: else ``None``.
Routes = Sequence[tuple[int, Sequence[Route]] | None]


def read_inputs(reader: EventReader, paths: Sequence[str | Path], part: tuple[int, int] | None = None,
                routes: Routes | None = None) -> Iterator[Event]:
    """The accepted events of every input in turn: events files (``part``: only one worker's lines, found by their
    ``routes`` where given) and SSDA903 return folders (``swp_rules.ssda903.source``: read whole, never in parts)."""
    for index, path in enumerate(paths):
        ranges = routes[index] if routes is not None else None
        if part is not None and ranges is not None:
            yield from reader.accept(_owned_items(path, ranges[0], part[0], ranges[1]), str(path))
        elif Path(path).is_dir():
            from swp_rules.ssda903.source import return_items

            items, repeated = return_items(path)
            yield from reader.accept(items, str(path))
            reader.counts.read += repeated
            reader.counts.duplicates += repeated
        else:
            yield from reader.read([path], part=part)


def _owned_items(path: str | Path, size: int, part: int, routes: Sequence[Route]
                 ) -> Iterator[tuple[int, Event | Rejection]]:
    """The events and rejections of one worker's lines of a JSON Lines file, as ``iter_jsonl`` gives them."""
    source = str(path)
    for number, raw in owned_lines(path, size, part, routes):
        item = jsonl_item(number, raw, source)
        if item is not None:
            yield number, item


def range_sizes(paths: Sequence[str | Path]) -> list[int | None]:
    """For each input, its size when it is a JSON Lines file to be read in ranges (``io.ranges``), else ``None``
    (a CSV file or an SSDA903 folder)."""
    return [None if Path(p).is_dir() or file_format(p) != "jsonl" else Path(p).stat().st_size for p in paths]


def route_inputs(paths: Sequence[str | Path], sizes: Sequence[int | None], part: int, parts: int
                 ) -> list[Route | None]:
    """Worker ``part``'s routes: its range of each JSON Lines file (``sizes``, from ``range_sizes``)."""
    return [None if size is None else route(path, size, part, parts) for path, size in zip(paths, sizes, strict=True)]


def gather_routes(sizes: Sequence[int | None], routed: Sequence[Sequence[Route | None]]) -> list[
        tuple[int, list[Route]] | None]:
    """Every worker's routes (``routed``, in worker order) by input: what ``read_inputs`` takes as ``routes``."""
    return [None if size is None else (size, [_routed(mine[index]) for mine in routed])
            for index, size in enumerate(sizes)]


def _routed(found: Route | None) -> Route:
    if found is None:
        raise ValueError("a worker did not route a file the others routed")
    return found


def load_inputs(paths: Sequence[str | Path]) -> LoadedEvents:
    """``io.events.load_events`` for events files and SSDA903 return folders alike."""
    check_inputs(paths)
    reader = EventReader()
    events = tuple(read_inputs(reader, paths))
    return LoadedEvents(events, tuple(reader.rejected), reader.counts)


def read_grouped(paths: Sequence[str | Path], part: tuple[int, int] | None = None, routes: Routes | None = None
                 ) -> Grouped:
    """Read files (or one worker's part of them, found by its ``routes`` where given) straight into per-child
    lists: one copy of each event."""
    return _read(paths, part, routes)[0]


def _read(paths: Sequence[str | Path], part: tuple[int, int] | None, routes: Routes | None = None
          ) -> tuple[Grouped, EventReader]:
    reader = EventReader()
    by_child: dict[str, list[Event]] = {}
    latest: dt.date | None = None
    for event in read_inputs(reader, paths, part, routes):
        by_child.setdefault(event.child, []).append(event)
        if latest is None or event.date > latest:
            latest = event.date
    return Grouped(by_child, tuple(reader.rejected), reader.counts, latest), reader


def _worker(part: int, parts: int, conn: Connection, *, paths: Sequence[str | Path], sizes: Sequence[int | None],
            work: Callable[[dict[str, list[Event]], Any], Any], decided: tuple[Any] | None) -> None:
    """Route this worker's ranges, wait for everyone's routes; read its part, report the latest date and the ids,
    wait for the go-ahead (unless ``decided``), work, send back. A run that is to be serial ends its workers."""
    try:
        conn.send(("routed", route_inputs(paths, sizes, part, parts)))
        routes = conn.recv()
        grouped, reader = _read(paths, (part, parts), routes)
        del routes
        conn.send((grouped.latest, array("q", reader.id_hashes()).tobytes()))
        reader.forget_ids()  # the ids have been compared; their table is not needed for the work
        go = decided if decided is not None else conn.recv()
        result = work(grouped.by_child, go[0])
        conn.send(("ok", result, list(zip(reader.rejection_sources, reader.rejected, strict=True)), reader.counts))
    except Exception as exc:  # reported by type only: the message could carry case data
        conn.send(("failed", type(exc).__name__))
    finally:
        conn.close()


def run_in_parts(paths: Sequence[str | Path], workers: int, work: Callable[[dict[str, list[Event]], Any], W],
                 decide: Callable[[dt.date | None], Any] = lambda latest: latest, *,
                 decided: tuple[Any] | None = None) -> PartsRun[W] | None:
    """Run ``work(by_child, decision)`` on ``workers`` parts of the input; ``None`` if the run must be serial.

    ``decide`` turns the latest event date of the whole input into the value every worker's ``work`` receives
    (e.g. the as-of date); an exception it raises stops the workers and is raised here. ``decided=(value,)`` gives
    that value when it is known before the input is read (an as-of date given): each worker then starts its work as
    soon as it has read its part, while the main process compares the ids, and is stopped if the run is to be serial.
    """
    import multiprocessing

    context = multiprocessing.get_context("fork")
    sizes = range_sizes(paths)
    pipes: list[Connection] = []
    processes: list[Any] = []
    for part in range(workers):
        mine, theirs = context.Pipe()
        process = context.Process(target=_worker, args=(part, workers, theirs), daemon=True,
                                  kwargs={"paths": paths, "sizes": sizes, "work": work, "decided": decided})
        process.start()
        theirs.close()
        pipes.append(mine)
        processes.append(process)
    finished = False
    try:
        routed = [_receive(pipe) for pipe in pipes]
        if _failed(routed):  # e.g. a file that could not be read: the serial read says why
            return None
        routes = gather_routes(sizes, [r[1] for r in routed])
        del routed
        for pipe in pipes:
            pipe.send(routes)
        del routes
        reports = [_receive(pipe) for pipe in pipes]
        if _failed(reports) or _shared_id(array("q", r[1]) for r in reports):  # e.g. a bad CSV header
            return None
        latest = max((r[0] for r in reports if r[0] is not None), default=None)
        del reports
        if decided is None:
            decision = (decide(latest),)
            for pipe in pipes:
                pipe.send(decision)
        answers = _answers(pipes)
        finished = True
    finally:
        for process in processes:
            if not finished:  # leaving early (the run is serial, or an error): the workers are ended
                process.terminate()
        for pipe in pipes:
            pipe.close()
        for process in processes:
            process.join()
    for answer in answers:
        if answer[0] != "ok":
            raise WorkerFailed(f"a worker process failed in its work ({answer[1]}); nothing was written. Run again "
                               "with --jobs 1 to see whether a record causes it, and please report it")
    rejected = [rej for _, rej in heapq.merge(*(a[2] for a in answers), key=lambda pair: (pair[0], pair[1].line))]
    counts = InputCounts()
    for answer in answers:
        counts.add(answer[3])
    return PartsRun([a[1] for a in answers], tuple(rejected), counts, latest, workers)


def _answers(pipes: Sequence[Connection]) -> list[Any]:
    """Every worker's answer, in worker order, each taken as soon as it is sent (a worker sending a large result
    is not kept waiting for one that is still working)."""
    from multiprocessing.connection import wait

    answers: dict[int, Any] = {}
    index = {id(pipe): n for n, pipe in enumerate(pipes)}
    while len(answers) < len(pipes):
        for ready in wait([pipe for n, pipe in enumerate(pipes) if n not in answers]):
            n = index[id(ready)]
            answers[n] = _receive(pipes[n])
    return [answers[n] for n in range(len(pipes))]


def _failed(reports: Sequence[Any]) -> bool:
    """Whether a worker failed (reported by the type of the exception only)."""
    return any(r[0] == "failed" for r in reports)


def _shared_id(hashes: Iterable[array[int]]) -> bool:
    """Whether two workers accepted the same id (by hash; a false alarm only costs a serial run)."""
    seen: set[int] = set()
    total = 0
    for values in hashes:
        seen.update(values)
        total += len(values)
        if len(seen) != total:
            return True
    return False


def _receive(pipe: Connection) -> Any:
    try:
        return pipe.recv()
    except EOFError:
        raise WorkerFailed("a worker process ended without its results (stopped by the system, perhaps for want "
                           "of memory); nothing was written. Run again with fewer --jobs, or --jobs 1") from None
