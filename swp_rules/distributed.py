"""Evaluating duties and computing indicators on a Dask cluster, with exactly the results of a serial run.

The children are partitioned across the cluster's workers as ``--jobs`` partitions them across processes
(``swp_rules.io.parts``): part ``k`` of ``n`` holds every line whose child routes to ``k``, so each child's events are
read, grouped and evaluated on one worker. The run has two rounds:

1. every worker reads its part (from the input files, which it must be able to open at the same paths, or from the
   lines the client ships it) and reports the latest event date and a stable hash of every id it accepted;
2. the client decides the as-of date, checks that no id was accepted by two parts (a serial read rejects the second
   use, so a clash sends the run back to the serial path on the client), and each worker evaluates its children.

Results come back to the client and are merged in the serial order (children sorted, rejections in input order,
counts added), so the output is byte for byte that of ``swp-rules check`` without ``--dask``. Workers build their
own engine from the ruleset ids or paths they are given (nothing unpicklable crosses the network) and report the
rulesets' content hashes, so a worker with different rulesets stops the run instead of giving different answers.

``address`` is a scheduler address (``tcp://host:8786``), ``local:N`` for a cluster of ``N`` worker processes on
this machine (loopback only), or a ``distributed.Client`` already connected. Dask is an optional extra:
``pip install 'swp-rules[dask]'``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import heapq
import io
from array import array
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from swp_rules.engine.evaluate import Engine, Keep, _assemble
from swp_rules.engine.parallel import FilesEvaluation, as_of_or_latest
from swp_rules.engine.results import ChildNote, DutyRecord
from swp_rules.indicators.compute import FilesIndicators, _merge, _prepare, _report, _tally, _until
from swp_rules.io.events import (
    MAX_LINE_BYTES,
    EventReader,
    InputCounts,
    Rejection,
    binary_lines,
    file_format,
    iter_csv,
    iter_jsonl,
    line_owner,
)
from swp_rules.io.parts import Grouped, check_inputs, read_grouped
from swp_rules.model import Event
from swp_rules.periods import ReportingPeriod

if TYPE_CHECKING:
    from swp_rules.engine.rulebook import RuleBook

__all__ = ["DistributedError", "compute_files", "connect", "evaluate_files", "parse_address"]

#: ``local:N``: a cluster of N worker processes on this machine.
LOCAL_PREFIX: Final = "local:"


class DistributedError(RuntimeError):
    """The cluster could not give the run's results (a worker failed, or holds different rulesets).

    The message never carries case data: a worker's failure is reported by the exception's type only."""


def parse_address(address: str) -> int | str:
    """``local:N`` → ``N`` (workers of a local cluster); a scheduler address is returned as it is."""
    if address.startswith(LOCAL_PREFIX):
        count = address[len(LOCAL_PREFIX):]
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"{address!r}: expected local:N with N at least 1")
        return int(count)
    if "://" not in address and ":" not in address:
        raise ValueError(f"{address!r}: expected a scheduler address such as tcp://host:8786, or local:N")
    return address


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise DistributedError("Dask is not installed: pip install 'swp-rules[dask]'") from None
    return distributed


@contextlib.contextmanager
def connect(address: Any) -> Iterator[Any]:
    """A ``distributed.Client`` for ``address`` (see the module docstring), closed (with its local cluster) after.

    A ``Client`` passed in is used as it is and left open."""
    distributed = _import_distributed()
    if isinstance(address, distributed.Client):
        yield address
        return
    target = parse_address(str(address))
    if isinstance(target, int):
        import logging

        cluster = distributed.LocalCluster(n_workers=target, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None, worker_dashboard_address=None,
                                           silence_logs=logging.ERROR)
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    with distributed.Client(target) as client:
        yield client


# ---------------------------------------------------------------------------------------------------------- input


@attrs.frozen
class _Shipped:
    """One input file's lines for one part, sent by the client: the part's lines in place, every other line blank
    (so line numbers, and so rejections, are those of the file); a CSV file is sent whole (rows can span lines)."""

    source: str
    format: str
    data: bytes
    filtered: bool


_Source = str | _Shipped


#: A line the reader rejects as over-long, shipped in place of one (the worker rejects it at the same line number).
_OVERLONG: Final = b"x" * (MAX_LINE_BYTES + 1) + b"\n"


def _ship(paths: Sequence[str | Path], parts: int) -> list[list[_Shipped]]:
    """For each part, every input file's lines as ``_Shipped`` (JSON Lines split by child, CSV whole)."""
    shipped: list[list[_Shipped]] = [[] for _ in range(parts)]
    for path in paths:
        source = str(path)
        kind = file_format(path)
        if kind != "jsonl":
            data = Path(path).read_bytes()
            for mine in shipped:
                mine.append(_Shipped(source, kind, data, filtered=False))
            continue
        buffers = [io.BytesIO() for _ in range(parts)]
        with Path(path).open("rb") as handle:
            for number, raw in binary_lines(handle):
                owner = line_owner(number, raw, parts) if raw is None or not raw.isspace() else 0
                line = _OVERLONG if raw is None else raw if raw.endswith(b"\n") else raw + b"\n"
                for index, buffer in enumerate(buffers):
                    buffer.write(line if index == owner else b"\n")
        for mine, buffer in zip(shipped, buffers, strict=True):
            mine.append(_Shipped(source, kind, buffer.getvalue(), filtered=True))
    return shipped


def stable_id_hash(event_id: str) -> int:
    """A 64-bit hash of an id that is the same in every process (``hash`` of a string is not, across machines)."""
    digest = hashlib.blake2b(event_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


@attrs.define
class _Part:
    """One part of the input, read on a worker and kept there between the two rounds."""

    grouped: Grouped
    rejected: list[tuple[int, Rejection]]
    counts: InputCounts
    ids: bytes


def _read_part(sources: Sequence[_Source], part: int, parts: int) -> _Part | str:
    """Read this part (files at their paths, or shipped lines); the failure's type name if it cannot be read."""
    try:
        reader = EventReader()
        by_child: dict[str, list[Event]] = {}
        latest: dt.date | None = None
        for source in sources:
            for event in _events(reader, source, part, parts):
                by_child.setdefault(event.child, []).append(event)
                if latest is None or event.date > latest:
                    latest = event.date
        ids = array("q", sorted(stable_id_hash(i) for i in reader.ids())).tobytes()
        reader.forget_ids()
        grouped = Grouped(by_child, tuple(reader.rejected), reader.counts, latest)
        rejected = list(zip(reader.rejection_sources, reader.rejected, strict=True))
        return _Part(grouped, rejected, reader.counts, ids)
    except Exception as exc:  # by type only: the message could carry case data
        return type(exc).__name__


def _events(reader: EventReader, source: _Source, part: int, parts: int) -> Iterator[Event]:
    if isinstance(source, str):
        yield from reader.read([source], part=(part, parts))
        return
    handle = io.BytesIO(source.data)
    chosen = None if source.filtered else (part, parts)
    items = iter_jsonl(handle, source.source, chosen) if source.format == "jsonl" else iter_csv(
        handle, source.source, chosen)
    yield from reader.accept(items, source.source)


def _summary(part: _Part | str) -> tuple[str | None, dt.date | None, bytes]:
    if isinstance(part, str):
        return part, None, b""
    return None, part.grouped.latest, part.ids


def _shared_id(hashes: Sequence[bytes]) -> bool:
    previous: int | None = None
    for value in heapq.merge(*(array("q", h) for h in hashes)):
        if value == previous:
            return True
        previous = value
    return False


# ------------------------------------------------------------------------------------------------------- the round


@attrs.frozen
class _Round:
    """What the first round gave: the parts (futures on the workers) and the latest event date of all of them."""

    futures: list[Any]
    latest: dt.date | None


def _first_round(client: Any, paths: Sequence[str | Path], parts: int | None, ship: bool) -> _Round | None:
    """Read the parts on the workers; ``None`` when the run must be serial (a part unreadable, an id shared)."""
    count = parts if parts is not None else max(1, len(client.scheduler_info()["workers"]))
    if ship:
        shipped = _ship(paths, count)
        sources: list[Sequence[_Source]] = [client.scatter(s, hash=False) for s in shipped]
    else:
        sources = [[str(p) for p in paths]] * count
    futures = [client.submit(_read_part, sources[k], k, count, pure=False) for k in range(count)]
    summaries = client.gather([client.submit(_summary, f, pure=False) for f in futures])
    if any(s[0] is not None for s in summaries) or _shared_id([s[2] for s in summaries]):
        client.cancel(futures)
        return None
    latest = max((s[1] for s in summaries if s[1] is not None), default=None)
    return _Round(futures, latest)


def _merge_input(answers: Sequence[tuple[list[tuple[int, Rejection]], InputCounts]]
                 ) -> tuple[tuple[Rejection, ...], InputCounts]:
    rejected = [r for _, r in heapq.merge(*(a[0] for a in answers), key=lambda pair: (pair[0], pair[1].line))]
    counts = InputCounts()
    for answer in answers:
        counts.add(answer[1])
    return tuple(rejected), counts


def _check_rulesets(found: Sequence[list[dict[str, Any]]], expected: list[dict[str, Any]]) -> None:
    for described in found:
        if described != expected:
            raise DistributedError("a worker loaded different rulesets (ids, versions or content) from the client's: "
                                   "every worker needs the same rulesets")


# ----------------------------------------------------------------------------------------------------------- check

_ENGINES: dict[tuple[Any, ...], Engine] = {}


def _engine(rulesets: tuple[str, ...], parameters: tuple[tuple[str, Any], ...], matcher: str,
            families: tuple[str, ...], bases: tuple[str, ...]) -> Engine:
    """The worker's engine for these rulesets (built once per worker process, then reused)."""
    from swp_rules.engine.rulebook import load_rulebook

    key = (rulesets, parameters, matcher, families, bases)
    if key not in _ENGINES:
        book = load_rulebook(rulesets, dict(parameters) or None)
        _ENGINES[key] = Engine(book.only(families, bases=bases) if families or bases else book, matcher)
    return _ENGINES[key]


def _evaluate_part(part: _Part, job: tuple[Any, ...], keep: Keep | None, day: dt.date) -> Any:
    try:
        engine = _engine(*job)
        evaluation = engine.evaluate_grouped(part.grouped.by_child, day, keep=keep)
        return ("ok", list(evaluation.records), list(evaluation.notes), evaluation.children, part.rejected,
                part.counts, engine.book.describe(), evaluation.applied)
    except Exception as exc:  # by type only: the message could carry case data
        return ("failed", type(exc).__name__)


def _local_book(paths: Sequence[str | Path], rulesets: Sequence[str], parameters: Mapping[str, Any] | None,
                families: Sequence[str], bases: Sequence[str]
                ) -> tuple[tuple[str, ...], tuple[tuple[str, Any], ...], RuleBook]:
    """Checks here, before anything is sent to the cluster, that the input files can be read and the rulesets
    load: the rulesets' names and the parameter values as the workers are given them, and the rule book."""
    from swp_rules.engine.rulebook import load_rulebook

    check_inputs(paths)
    chosen = tuple(str(r) for r in rulesets)
    values = tuple(sorted((parameters or {}).items()))
    book = load_rulebook(chosen, dict(values) or None)
    return chosen, values, book.only(families, bases=bases) if families or bases else book


def evaluate_files(address: Any, paths: Sequence[str | Path], as_of: dt.date | None = None, *,
                   rulesets: Sequence[str] = (), matcher: str = "durable", keep: Keep | None = None,
                   parts: int | None = None, ship: bool = False, parameters: Mapping[str, Any] | None = None,
                   families: Sequence[str] = (), bases: Sequence[str] = ()) -> FilesEvaluation:
    """``engine.parallel.evaluate_files`` on a Dask cluster: the same results, byte for byte.

    ``rulesets``: duty ruleset ids or paths, as every worker can load them (default: the statutory rules), with
    ``parameters`` (``RULESET:NAME`` → value, as ``--param`` gives them). ``families``, ``bases``: evaluate only
    these rule families and bases (``RuleBook.only``; default: every one).
    ``parts``: how many parts (default: one per worker). ``ship``: send each part's lines to the workers instead
    of having them open the files. Raises ``InputError`` if a file cannot be read here, ``RulesetError`` for a bad
    ruleset, ``NoAsOf`` (a ``ValueError``) with no events and no ``as_of``, and ``DistributedError`` when the
    cluster fails.
    """
    chosen, values, book = _local_book(paths, rulesets, parameters, families, bases)
    with connect(address) as client:
        first = None if _has_folder(paths) else _first_round(client, paths, parts, ship)
        if first is not None:
            day = as_of_or_latest(as_of, first.latest)
            job = (chosen, values, matcher, tuple(families), tuple(bases))
            futures = [client.submit(_evaluate_part, f, job, keep, day, pure=False) for f in first.futures]
            answers = client.gather(futures)
            client.cancel(first.futures + futures)
            _raise_failed(answers)
            _check_rulesets([a[6] for a in answers], book.describe())
            records: list[DutyRecord] = list(heapq.merge(*(a[1] for a in answers), key=lambda r: r.child))
            notes: list[ChildNote] = list(heapq.merge(*(a[2] for a in answers), key=lambda n: n.child))
            evaluation = _assemble(day, records, notes, book, sum(a[3] for a in answers),
                                   {ruleset for a in answers for ruleset in a[-1]})  # the last: the rulesets applied
            rejected, counts = _merge_input([(a[4], a[5]) for a in answers])
            return FilesEvaluation(evaluation, rejected, counts, len(answers))
    grouped = read_grouped(paths)
    day = as_of_or_latest(as_of, grouped.latest)
    evaluation = Engine(book, matcher).evaluate_grouped(grouped.by_child, day, keep=keep, release=True)
    return FilesEvaluation(evaluation, grouped.rejected, grouped.counts, 1)


def _has_folder(paths: Sequence[str | Path]) -> bool:
    """An SSDA903 return folder is imported whole, on the client (a council's return is small)."""
    return any(Path(p).is_dir() for p in paths)


def _raise_failed(answers: Sequence[Any]) -> None:
    for answer in answers:
        if answer[0] != "ok":
            raise DistributedError(f"a worker failed ({answer[1]})")


# ------------------------------------------------------------------------------------------------------ indicators

_INDICATOR_JOBS: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def _indicator_job(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """The worker's prepared definitions and duty-record source (made once per worker process, then reused)."""
    if key not in _INDICATOR_JOBS:
        period, indicators, rulesets, duty_rulesets, parameters = key
        _INDICATOR_JOBS[key] = _prepare(period, indicators, rulesets, duty_rulesets, None, dict(parameters) or None)
    return _INDICATOR_JOBS[key]


def _tally_part(part: _Part, key: tuple[Any, ...]) -> Any:
    try:
        chosen, child_records, described = _indicator_job(key)
        by_child = _until(dict(part.grouped.by_child), key[0].end)
        tallies = _tally(by_child, key[0], chosen, child_records)
        return ("ok", tallies, part.rejected, part.counts, described)
    except Exception as exc:  # by type only: the message could carry case data
        return ("failed", type(exc).__name__)


def compute_files(address: Any, paths: Sequence[str | Path], period: ReportingPeriod, *,
                  indicators: Sequence[str] | None = None, rulesets: Sequence[str] = (),
                  duty_rulesets: Sequence[str] = (), parts: int | None = None,
                  ship: bool = False, parameters: Mapping[str, Any] | None = None) -> FilesIndicators:
    """``indicators.compute.compute_files`` on a Dask cluster: the same results, byte for byte.

    Arguments as there and as ``evaluate_files`` here; returns ``indicators.compute.FilesIndicators``."""
    check_inputs(paths)
    key = (period, None if indicators is None else tuple(indicators), tuple(map(str, rulesets)),
           tuple(map(str, duty_rulesets)), tuple(sorted((parameters or {}).items())))
    chosen, child_records, described = _prepare(period, key[1], key[2], key[3], None, parameters)
    with connect(address) as client:
        first = None if _has_folder(paths) else _first_round(client, paths, parts, ship)
        if first is not None:
            futures = [client.submit(_tally_part, f, key, pure=False) for f in first.futures]
            answers = client.gather(futures)
            client.cancel(first.futures + futures)
            _raise_failed(answers)
            _check_rulesets([a[4] for a in answers], described)
            overall, by_practice = _merge([a[1] for a in answers], chosen)
            rejected, counts = _merge_input([(a[2], a[3]) for a in answers])
            report = _report(period, chosen, overall, by_practice, described)
            return FilesIndicators(report, rejected, counts, len(answers))
    grouped = read_grouped(paths)
    overall, by_practice = _tally(_until(grouped.by_child, period.end), period, chosen, child_records)
    return FilesIndicators(_report(period, chosen, overall, by_practice, described), grouped.rejected,
                           grouped.counts, 1)
