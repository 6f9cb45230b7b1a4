"""``check`` on a Dask cluster with memory bounded on every worker and on the client, whatever the input's size.

Each worker takes its part of the input (``swp_rules.distributed``: part ``k`` of ``n``, whole children) in
sub-parts (``swp_rules.io.subparts``): one scan of each JSON Lines file writes the part's lines, by sub-part, to a
private temporary folder on the worker; then sub-part by sub-part it reads the lines, evaluates the children and
encodes their output (``swp_rules.report.encoded``), writing it to the folder. A worker holds one sub-part's events
at a time (``part_bytes`` of input, default ``io.subparts.subpart_bytes()``) and sends back only small tallies.

The client checks, one bucket of hashes at a time, that no event id was accepted in two sub-parts (a serial read
would reject the second use: a clash sends the run back to the serial path, on the client), takes the as-of date
(when none was given, the workers read their sub-parts once for the latest event's date, then again to evaluate),
and writes the output as it merges the sub-parts' encoded chunks in child order, fetching them from the workers in
batches (``batch_bytes`` in all at a time). The bytes are those of a serial run (tested).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import heapq
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from swp_rules.distributed import (
    DistributedError,
    _check_rulesets,
    _engine,
    _has_folder,
    _local_book,
    _ship,
    connect,
    stable_id_hash,
)
from swp_rules.engine.evaluate import REPORTED, Engine, rule_filter
from swp_rules.engine.parallel import FilesEvaluation, as_of_or_latest
from swp_rules.io.events import EventReader, InputCounts, Rejection
from swp_rules.io.parts import read_grouped
from swp_rules.io.subparts import (
    InMemory,
    Source,
    SubParts,
    source_name,
    source_size,
    subpart_bytes,
    subparts_for,
)
from swp_rules.model import Event
from swp_rules.report.documents import CheckDocument
from swp_rules.report.encoded import SECTIONS, ChildEncoder, Tally, head_document

#: What the client holds of the workers' encoded output at a time, in all (bytes).
BATCH_BYTES: Final = 128 * 1024 * 1024
#: Event ids per bucket of hashes the client compares at a time.
_IDS_PER_BUCKET: Final = 1_000_000

Write = Callable[[CheckDocument, Tally, Sequence[Iterable[bytes]]], None]


@attrs.define
class _Spool:
    """A part on its worker, between tasks: its sub-parts, what reading them gave, and its encoded output."""

    subparts: SubParts
    buckets: int
    latest: dt.date | None = None
    counts: InputCounts = attrs.Factory(InputCounts)
    rejected: list[tuple[int, Rejection]] = attrs.Factory(list)
    #: For each sub-part and section: the children written and where each one's chunk ends in its file.
    index: list[list[tuple[list[str], array[int]]]] = attrs.Factory(list)
    tally: Tally | None = None
    described: list[dict[str, Any]] = attrs.Factory(list)

    def output(self, sub: int, section: int) -> Path:
        return self.subparts.folder / f"out-{sub}-{section}"


@contextlib.contextmanager
def _batch_gc() -> Iterator[None]:
    """Garbage collection for a task that makes millions of small containers with no cycles (as ``check`` sets it:
    ``cli.common.tune_gc``), the worker's own thresholds restored after."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _spool(sources: Sequence[Any], part: int, parts: int, settings: tuple[Any, ...]) -> _Spool | str:
    """Task: spill this part's lines by sub-part, read each (latest date, id hashes, rejections, counts) and, when
    the as-of date is known (``settings``: job, encoding, day, part bytes, buckets), evaluate it there and then."""
    with _batch_gc():
        return _spool_part(sources, part, parts, settings)


def _spool_part(sources: Sequence[Any], part: int, parts: int, settings: tuple[Any, ...]) -> _Spool | str:
    job, encoding, day, part_bytes, buckets = settings
    subparts = None
    try:
        chosen: list[Source] = [s if isinstance(s, str) else InMemory(s.source, s.format, s.data) for s in sources]
        subparts = SubParts(chosen, part, parts, subparts_for(chosen, parts, part_bytes))
        spool = _Spool(subparts, buckets)
        id_files = [subparts.folder / f"ids-{b}" for b in range(buckets)]
        for sub in range(subparts.count):
            by_child = _read(spool, sub, id_files)
            if day is not None:
                _encode(spool, sub, by_child, job, encoding, day)
        spool.rejected.sort(key=lambda pair: (pair[0], pair[1].line))
        return spool
    except Exception as exc:  # by type only: the message could carry case data
        if subparts is not None:
            subparts.remove()
        return type(exc).__name__


def _read(spool: _Spool, sub: int, id_files: list[Path]) -> dict[str, list[Event]]:
    reader = EventReader()
    by_child: dict[str, list[Event]] = {}
    latest = spool.latest
    for index, source in enumerate(spool.subparts.sources):
        for event in reader.accept(spool.subparts.items(sub, index), source_name(source)):
            by_child.setdefault(event.child, []).append(event)
            if latest is None or event.date > latest:
                latest = event.date
    spool.latest = latest
    spool.counts.add(reader.counts)
    spool.rejected.extend(zip(reader.rejection_sources, reader.rejected, strict=True))
    buckets = [array("q") for _ in id_files]
    for event_id in reader.ids():
        value = stable_id_hash(event_id)
        buckets[value % len(buckets)].append(value)
    for path, bucket in zip(id_files, buckets, strict=True):
        with path.open("ab") as handle:
            bucket.tofile(handle)
    return by_child


def _encode(spool: _Spool, sub: int, by_child: dict[str, list[Event]], job: tuple[Any, ...],
            encoding: tuple[str, tuple[str, ...], tuple[str, ...]], day: dt.date) -> None:
    fmt, families, bases = encoding
    engine: Engine = _engine(*job)
    encoder = ChildEncoder(fmt, rule_filter(families, bases) if families or bases else None)
    evaluation = engine.evaluate_grouped(by_child, day, keep=REPORTED, release=True, on_child=encoder.child,
                                         collect=False)
    encoded = encoder.finish(evaluation.children, evaluation.applied)
    index = []
    for number, section in enumerate(encoded.sections):
        spool.output(sub, number).write_bytes(section.data)
        index.append((section.children, section.ends))
    spool.index.append(index)
    if spool.tally is None:
        spool.tally = Tally()
    spool.tally.add(encoded.tally)
    spool.described = engine.book.describe()


def _evaluate(spool: _Spool, job: tuple[Any, ...], encoding: tuple[str, tuple[str, ...], tuple[str, ...]],
              day: dt.date) -> _Spool | str:
    """Task: read each sub-part again and evaluate it (the as-of date was not known when it was first read)."""
    try:
        with _batch_gc():
            for sub in range(spool.subparts.count):
                reader = EventReader()
                by_child: dict[str, list[Event]] = {}
                for index, source in enumerate(spool.subparts.sources):
                    for event in reader.accept(spool.subparts.items(sub, index), source_name(source)):
                        by_child.setdefault(event.child, []).append(event)
                _encode(spool, sub, by_child, job, encoding, day)
        return spool
    except Exception as exc:  # by type only
        spool.subparts.remove()
        return type(exc).__name__


def _summary(spool: _Spool | str) -> tuple[Any, ...]:
    """Task: what the client needs of a part (small): failure, latest date, counts, rejections, tally, rulesets,
    and each sub-part's section sizes (children, bytes)."""
    if isinstance(spool, str):
        return (spool,)
    sizes = [[(len(children), ends[-1] if ends else 0) for children, ends in subs] for subs in spool.index]
    return (None, spool.latest, spool.counts, spool.rejected, spool.tally, spool.described, sizes)


def _bucket(spool: _Spool, bucket: int) -> bytes:
    """Task: the part's id hashes of one bucket."""
    return (spool.subparts.folder / f"ids-{bucket}").read_bytes()


def _batch(spool: _Spool, sub: int, section: int, start: int, budget: int) -> tuple[list[str], bytes, array[int]]:
    """Task: the chunks of children ``start``… of a sub-part's section, about ``budget`` bytes (one child at least)."""
    children, ends = spool.index[sub][section]
    begin = ends[start - 1] if start else 0
    stop = start + 1
    while stop < len(children) and ends[stop] - begin <= budget:
        stop += 1
    with spool.output(sub, section).open("rb") as handle:
        handle.seek(begin)
        data = handle.read(ends[stop - 1] - begin)
    return children[start:stop], data, array("q", (e - begin for e in ends[start:stop]))


def _remove(spool: _Spool | str) -> None:
    """Task: delete the part's folder."""
    if not isinstance(spool, str):
        spool.subparts.remove()


def _stream(client: Any, spool: Any, where: str, place: tuple[int, int], count: int, budget: int
            ) -> Iterator[tuple[str, bytes]]:
    """A sub-part's section, child by child, fetched from its worker in batches (the next one asked for while the
    current one is written)."""
    sub, section = place
    start = 0
    pending = client.submit(_batch, spool, sub, section, 0, budget, workers=[where], allow_other_workers=False,
                            pure=False) if count else None
    while pending is not None:
        children, data, ends = pending.result()
        start += len(children)
        pending = client.submit(_batch, spool, sub, section, start, budget, workers=[where],
                                allow_other_workers=False, pure=False) if start < count else None
        view = memoryview(data)
        begin = 0
        for child, end in zip(children, ends, strict=True):
            yield child, bytes(view[begin:end])
            begin = end


def _shared_id(client: Any, spools: Sequence[Any], where: Sequence[str], buckets: int) -> bool:
    """Whether an id hash is in two sub-parts (compared one bucket at a time)."""
    for bucket in range(buckets):
        found = client.gather([client.submit(_bucket, s, bucket, workers=[w], allow_other_workers=False,
                                             pure=False) for s, w in zip(spools, where, strict=True)])
        seen: set[int] = set()
        total = 0
        for data in found:
            hashes = array("q", data)
            seen.update(hashes)
            total += len(hashes)
            if len(seen) != total:
                return True
    return False


def check_files(address: Any, paths: Sequence[str | Path], as_of: dt.date | None, fmt: str, write: Write, *,
                rulesets: Sequence[str] = (), matcher: str = "durable", parts: int | None = None, ship: bool = False,
                parameters: dict[str, Any] | None = None, families: Sequence[str] = (), bases: Sequence[str] = (),
                part_bytes: int | None = None, batch_bytes: int = BATCH_BYTES
                ) -> tuple[CheckDocument, Tally] | FilesEvaluation:
    """``check`` on a Dask cluster, its output (``fmt``: json, jsonl or csv) given to ``write(document, tally,
    sections)`` while the cluster is connected (``report.encoded.write_encoded`` writes it).

    Returns the head document and the tally, or, when the run had to be serial (an SSDA903 folder, a part that
    cannot be read, an id reused across parts), the serial ``FilesEvaluation`` (nothing written: the caller writes
    it). Arguments and errors as ``distributed.evaluate_files``."""
    if fmt not in SECTIONS:
        raise ValueError(f"{fmt!r}: not an encoded format")
    chosen, values, book = _local_book(paths, rulesets, parameters, families, bases)
    job = (chosen, values, matcher, tuple(families), tuple(bases))
    encoding = (fmt, tuple(families), tuple(bases))
    part_bytes = subpart_bytes() if part_bytes is None else part_bytes
    with connect(address) as client:
        if not _has_folder(paths):
            done = _run(client, paths, (as_of, job, encoding, part_bytes, batch_bytes), parts=parts, ship=ship,
                        described=book.describe(), write=write)
            if done is not None:
                return done
    grouped = read_grouped(paths)
    day = as_of_or_latest(as_of, grouped.latest)
    evaluation = Engine(book, matcher).evaluate_grouped(grouped.by_child, day, keep=REPORTED, release=True)
    return FilesEvaluation(evaluation, grouped.rejected, grouped.counts, 1)


def _run(client: Any, paths: Sequence[str | Path], settings: tuple[Any, ...], *, parts: int | None, ship: bool,
         described: list[dict[str, Any]], write: Write) -> tuple[CheckDocument, Tally] | None:
    as_of, job, encoding, part_bytes, batch_bytes = settings
    count = parts if parts is not None else max(1, len(client.scheduler_info()["workers"]))
    size = sum(source_size(str(p)) for p in paths)
    buckets = max(1, min(256, size // 100 // _IDS_PER_BUCKET))  # about 100 bytes a line
    if ship:
        sources: list[Any] = [client.scatter(s, hash=False) for s in _ship(paths, count)]
    else:
        sources = [[str(p) for p in paths]] * count
    spools = [client.submit(_spool, sources[k], k, count, (job, encoding, as_of, part_bytes, buckets), pure=False)
              for k in range(count)]
    try:
        where = _placed(client, spools)
        summaries = _summaries(client, spools, where)
        if any(s[0] is not None for s in summaries):
            return None
        if _shared_id(client, spools, where, buckets):
            return None
        day = as_of_or_latest(as_of, max((s[1] for s in summaries if s[1] is not None), default=None))
        if as_of is None:
            spools = [client.submit(_evaluate, s, job, encoding, day, workers=[w], allow_other_workers=False,
                                    pure=False) for s, w in zip(spools, where, strict=True)]
            evaluated = _summaries(client, spools, where)
            if any(s[0] is not None for s in evaluated):
                raise DistributedError(f"a worker failed ({next(s[0] for s in evaluated if s[0] is not None)})")
            summaries = [(*first[:4], *second[4:]) for first, second in zip(summaries, evaluated, strict=True)]
        _check_rulesets([s[5] for s in summaries], described)
        tally = Tally()
        counts = InputCounts()
        for summary in summaries:
            tally.add(summary[4] or Tally())
            counts.add(summary[2])
        rejected = tuple(r for _, r in heapq.merge(*(s[3] for s in summaries), key=lambda p: (int(p[0]), p[1].line)))
        document = head_document(day, described, tally, counts, rejected)
        streams = sum(len(s[6]) for s in summaries)  # one list is merged at a time: a stream per sub-part
        budget = max(1 << 20, batch_bytes // max(1, 2 * streams))  # a batch written, the next one on its way
        sections = [_merged_section(client, spools, where, summaries, (index, budget))
                    for index in range(len(SECTIONS[encoding[0]]))]
        write(document, tally, sections)
        return document, tally
    finally:
        client.gather([client.submit(_remove, s, pure=False) for s in spools])
        client.cancel(spools)


def _placed(client: Any, futures: Sequence[Any]) -> list[str]:
    """The worker holding each (finished) future: tasks on a part run there, where its folder is."""
    from distributed import wait

    wait(futures)  # type: ignore[no-untyped-call]
    held = client.who_has(futures)
    return [held[f.key][0] for f in futures]


def _summaries(client: Any, spools: Sequence[Any], where: Sequence[str]) -> list[tuple[Any, ...]]:
    return list(client.gather([client.submit(_summary, s, workers=[w], allow_other_workers=False, pure=False)
                               for s, w in zip(spools, where, strict=True)]))


def _merged_section(client: Any, spools: Sequence[Any], where: Sequence[str], summaries: Sequence[tuple[Any, ...]],
                    at: tuple[int, int]) -> Iterator[bytes]:
    section, budget = at
    streams = [_stream(client, spool, w, (sub, section), sizes[section][0], budget)
               for spool, w, summary in zip(spools, where, summaries, strict=True)
               for sub, sizes in enumerate(summary[6])]
    for _, chunk in heapq.merge(*streams, key=lambda pair: pair[0]):
        yield chunk
