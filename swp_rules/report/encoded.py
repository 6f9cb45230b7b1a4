"""``check``'s results encoded where they are evaluated, and merged by child where they are written.

A worker (a ``--jobs`` process, a Dask worker) converts and encodes its own children's breaches, open duties and
notes as it evaluates them (``ChildEncoder``): for each section of the output (``SECTIONS``: the JSON document's
``breaches``, ``open`` and ``notes`` lists, the CSV tables of the same, the JSON Lines' per-child lines) one chunk of
bytes per child, in child order, and a ``Tally`` of what the summary needs. The process that writes then only merges
the parts' chunks in child order (children are partitioned, so each child's chunk comes from one part) and adds the
head and the tail (as-of date, rulesets, counts, rejections, summary) from the tallies: the bytes are those the
serial path writes from a whole ``CheckDocument`` (``write_document``), which the tests compare.
"""

from __future__ import annotations

import datetime as dt
import heapq
import io
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Final

import attrs

from swp_rules.engine.evaluate import REPORTED, Engine
from swp_rules.engine.parallel import as_of_or_latest
from swp_rules.engine.results import Breach, ChildNote, DutyRecord, Obligation
from swp_rules.io.events import InputCounts, Rejection
from swp_rules.io.output import CsvWriter
from swp_rules.io.parts import available_jobs, check_inputs, run_in_parts, worth_splitting
from swp_rules.model import Event
from swp_rules.report.convert import EXACT, unstructure
from swp_rules.report.documents import CheckDocument, RuleCount, RunSummary, applied
from swp_rules.report.formats import (
    CsvTable,
    StreamedTable,
    cell,
    columns_of,
    dump_json,
    json_text,
    jsonl_line,
    table_of,
    write_csv_tables,
    write_jsonl,
)

#: The formats whose results are encoded by the workers, and each one's sections (one chunk per child in each).
SECTIONS: Final[Mapping[str, tuple[str, ...]]] = {
    "json": ("breaches", "open", "notes"),
    "csv": ("breaches", "open", "notes"),
    "jsonl": ("lines",),
}
#: What each section of the JSON and CSV outputs holds.
_KINDS: Final = {"breaches": Breach, "open": Obligation, "notes": ChildNote}
#: Before each item of a list of the JSON document (the first item's comma becomes the list's ``[``).
_ITEM: Final = b",\n    "


@attrs.define
class RuleTally:
    """One rule's share of the summary in one part: counts, and the basis of its first breach and first open duty
    with the child they belong to (the summary takes the basis of the first in child order)."""

    breaches: int = 0
    open: int = 0
    children: int = 0
    most_late: int = 0
    first_breach: tuple[str, str | None] | None = None
    first_open: tuple[str, str | None] | None = None

    def add(self, other: RuleTally) -> None:
        self.breaches += other.breaches
        self.open += other.open
        self.children += other.children
        self.most_late = max(self.most_late, other.most_late)
        self.first_breach = _earlier(self.first_breach, other.first_breach)
        self.first_open = _earlier(self.first_open, other.first_open)


def _earlier(a: tuple[str, str | None] | None, b: tuple[str, str | None] | None) -> tuple[str, str | None] | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a[0] <= b[0] else b


@attrs.define
class Tally:
    """What the head and the summary of the output need from a part: children evaluated, the rulesets that
    applied, how many breaches, open duties and notes were written, and each rule's counts."""

    children: int = 0
    breaches: int = 0
    open: int = 0
    notes: int = 0
    applied: set[str] = attrs.Factory(set)
    rules: dict[str, RuleTally] = attrs.Factory(dict)

    def add(self, other: Tally) -> None:
        self.children += other.children
        self.breaches += other.breaches
        self.open += other.open
        self.notes += other.notes
        self.applied |= other.applied
        for rule, tally in other.rules.items():
            self.rules.setdefault(rule, RuleTally()).add(tally)

    def summary(self) -> tuple[RuleCount, ...]:
        """``documents.summarise`` of the whole run's breaches and open duties, from the parts' tallies."""
        counts = []
        for rule in sorted(self.rules):
            tally = self.rules[rule]
            first = tally.first_breach or tally.first_open
            counts.append(RuleCount(rule.split(".", 1)[0], rule, None if first is None else first[1], tally.breaches,
                                    tally.open, tally.children, tally.most_late))
        return tuple(counts)


@attrs.frozen
class Section:
    """One section of a part's output: its children in order, where each one's chunk ends in ``data``."""

    children: list[str]
    ends: array[int]
    data: bytes

    def chunks(self) -> Iterator[tuple[str, bytes]]:
        start = 0
        view = memoryview(self.data)
        for child, end in zip(self.children, self.ends, strict=True):
            yield child, bytes(view[start:end])
            start = end


@attrs.frozen
class EncodedPart:
    """A part's encoded output (``SECTIONS[format]``) and its tally."""

    sections: tuple[Section, ...]
    tally: Tally


class _SectionBuilder:
    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.children: list[str] = []
        self.ends = array("q")

    def add(self, child: str, chunk: bytes) -> None:
        if chunk:
            self.buffer.write(chunk)
            self.children.append(child)
            self.ends.append(self.buffer.tell())

    def take(self) -> Section:
        section = Section(self.children, self.ends, self.buffer.getvalue())
        self.__init__()  # type: ignore[misc]
        return section


class ChildEncoder:
    """Encodes each child's results as they are evaluated: pass ``child`` as the evaluation's ``on_child``.

    ``wanted(rule, basis)`` leaves out what ``Evaluation.only`` would (``--family``, ``--basis``)."""

    def __init__(self, fmt: str, wanted: Callable[[str, str], bool] | None = None) -> None:
        if fmt not in SECTIONS:
            raise ValueError(f"{fmt!r}: not an encoded format")
        self.format = fmt
        self.wanted = wanted
        self.tally = Tally()
        self._sections = [_SectionBuilder() for _ in SECTIONS[fmt]]
        self._text = io.StringIO()
        self._csv = CsvWriter(self._text)
        self._columns = {kind: columns_of(cls) for kind, cls in _KINDS.items()}

    def child(self, child: str, records: Sequence[DutyRecord], notes: Sequence[ChildNote]) -> None:
        chosen = [r for r in records if self.wanted is None or self.wanted(r.rule, r.basis)]
        breaches = [Breach.of(r) for r in chosen if r.status == "breached"]
        open_ = [Obligation.of(r) for r in chosen if r.status == "open"]
        self._count(child, breaches, open_, len(notes))
        if self.format == "jsonl":
            text = "".join([*(jsonl_line("breach", b) for b in breaches), *(jsonl_line("open", o) for o in open_),
                            *(jsonl_line("note", n) for n in notes)])
            self._sections[0].add(child, text.encode())
            return
        sections: tuple[tuple[str, Sequence[Any]], ...] = (("breaches", breaches), ("open", open_), ("notes", notes))
        for builder, (kind, results) in zip(self._sections, sections, strict=True):
            builder.add(child, self._json(results) if self.format == "json" else self._rows(kind, results))

    def _json(self, results: Sequence[Any]) -> bytes:
        return b"".join(_ITEM + json_text(unstructure(r), depth=2).encode() for r in results)

    def _rows(self, kind: str, results: Sequence[Any]) -> bytes:
        if not results:
            return b""
        columns = self._columns[kind]
        self._text.seek(0)
        self._text.truncate()
        for result in results:
            row = {k: v for k, v in unstructure(result).items() if not k.endswith(EXACT)}
            self._csv.writerow([cell(row.get(c)) for c in columns])
        return self._text.getvalue().encode()

    def _count(self, child: str, breaches: Sequence[Breach], open_: Sequence[Obligation], notes: int) -> None:
        tally = self.tally
        tally.breaches += len(breaches)
        tally.open += len(open_)
        tally.notes += notes
        seen: set[str] = set()
        for b in breaches:
            rule = tally.rules.setdefault(b.rule, RuleTally())
            rule.breaches += 1
            rule.most_late = max(rule.most_late, b.days_late)
            if rule.first_breach is None:
                rule.first_breach = (child, b.basis)
            seen.add(b.rule)
        for o in open_:
            rule = tally.rules.setdefault(o.rule, RuleTally())
            rule.open += 1
            if rule.first_open is None:
                rule.first_open = (child, o.basis)
            seen.add(o.rule)
        for name in seen:
            tally.rules[name].children += 1

    def finish(self, children: int, applied_ids: Iterable[str]) -> EncodedPart:
        """The part's sections (the encoder starts afresh) and its tally, with the evaluation's children and the
        rulesets that applied."""
        tally = self.tally
        tally.children += children
        tally.applied |= set(applied_ids)
        self.tally = Tally()
        return EncodedPart(tuple(b.take() for b in self._sections), tally)


def merged(streams: Iterable[Iterable[tuple[str, bytes]]]) -> Iterator[bytes]:
    """The chunks of several parts' sections in child order (each child is in one part only)."""
    for _, chunk in heapq.merge(*streams, key=lambda pair: pair[0]):
        yield chunk


def head_document(as_of: Any, described: Iterable[Mapping[str, Any]], tally: Tally, counts: InputCounts,
                  rejected: Sequence[Rejection]) -> CheckDocument:
    """The run's ``CheckDocument`` without its breaches, open duties and notes (those are streamed)."""
    return CheckDocument(as_of=as_of, rulesets=applied(described, tally.applied), input=counts,
                         children=tally.children, breaches=(), open=(), rejected=tuple(rejected), notes=(),
                         summary=tally.summary())


def write_encoded(fmt: str, out: IO[str], output: Path | None, document: CheckDocument, tally: Tally,
                  sections: Sequence[Iterable[bytes]]) -> None:
    """Write ``check``'s output from the head document and the merged sections (``merged``): byte for byte what
    ``write_document`` writes for the whole document."""
    if fmt == "json":
        dump_json(document, out, streamed=dict(zip(SECTIONS["json"], sections, strict=True)))
    elif fmt == "jsonl":
        for chunk in sections[0]:
            out.write(chunk.decode())
        write_jsonl(out, "rejected", document.rejected)
        write_jsonl(out, "summary", [RunSummary("check", document.as_of, None, document.rulesets, document.input,
                                                document.children, tally.breaches, tally.open,
                                                len(document.rejected), tally.notes, document.summary)])
    elif fmt == "csv":
        streamed = {kind: StreamedTable(kind, columns_of(_KINDS[kind]), chunks)
                    for kind, chunks in zip(SECTIONS["csv"], sections, strict=True)}
        tables: list[CsvTable | StreamedTable] = [streamed["breaches"], streamed["open"],
                                                  table_of("rejected", Rejection, document.rejected),
                                                  streamed["notes"], table_of("summary", RuleCount, document.summary)]
        write_csv_tables(tables, out, output)
    else:
        raise ValueError(f"{fmt!r}: not an encoded format")


def write_document(fmt: str, out: IO[str], output: Path | None, document: CheckDocument) -> None:
    """``check``'s output of a whole document, as the serial path writes it (JSON, JSON Lines or CSV)."""
    from swp_rules.report.duties import check_tables, write_check_lines

    if fmt == "json":
        dump_json(document, out)
    elif fmt == "jsonl":
        write_check_lines(document, out)
    elif fmt == "csv":
        write_csv_tables(check_tables(document), out, output)
    else:
        raise ValueError(f"{fmt!r}: not an encoded format")


# ------------------------------------------------------------------------------------------ --jobs: worker processes


@attrs.frozen
class EncodedRun:
    """What the workers gave: the as-of date, each part's encoded output, the rejections (input order), the
    counts, the tallies added up, and each worker's own CPU seconds."""

    as_of: dt.date
    parts: list[EncodedPart]
    rejected: tuple[Rejection, ...]
    counts: InputCounts
    tally: Tally
    worker_cpu: tuple[float, ...]

    def sections(self) -> list[Iterator[bytes]]:
        """Each section's chunks, merged in child order."""
        count = len(self.parts[0].sections) if self.parts else 0
        return [merged([part.sections[index].chunks() for part in self.parts]) for index in range(count)]


def encode_files(engine: Engine, paths: Sequence[str | Path], as_of: dt.date | None, fmt: str, *,
                 jobs: int | None = None, wanted: Callable[[str, str], bool] | None = None,
                 parallel_from: int | None = None) -> EncodedRun | None:
    """Read and evaluate the files on ``jobs`` worker processes, each encoding its own children's output for
    ``fmt``; ``None`` when the run is to be serial (one job, small input, no fork, an id reused across parts).

    Raises as ``engine.parallel.evaluate_files`` does (``InputError``, ``NoAsOf``, ``WorkerFailed``)."""
    workers = available_jobs() if jobs is None else jobs
    if workers < 1:
        raise ValueError("jobs must be at least 1")
    check_inputs(paths)
    if not worth_splitting(paths, workers, parallel_from):
        return None

    def work(by_child: dict[str, list[Event]], day: dt.date) -> tuple[EncodedPart, float]:
        encoder = ChildEncoder(fmt, wanted)
        evaluation = engine.evaluate_grouped(by_child, day, keep=REPORTED, release=True, on_child=encoder.child,
                                             collect=False)
        part = encoder.finish(evaluation.children, evaluation.applied)
        import resource  # forked workers: Linux and macOS only

        usage = resource.getrusage(resource.RUSAGE_SELF)
        return part, usage.ru_utime + usage.ru_stime

    run = run_in_parts(paths, workers, work, lambda latest: as_of_or_latest(as_of, latest),
                       decided=None if as_of is None else (as_of,))
    if run is None:
        return None
    tally = Tally()
    for part, _ in run.results:
        tally.add(part.tally)
    return EncodedRun(as_of_or_latest(as_of, run.latest), [p for p, _ in run.results], run.rejected, run.counts,
                      tally, tuple(cpu for _, cpu in run.results))
