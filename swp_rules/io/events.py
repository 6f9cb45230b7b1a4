"""Read case events from JSON Lines and CSV files, streaming, rejecting bad records with their reasons.

Every non-blank record is counted once: it becomes an event, a duplicate (same id, same content) or a rejection
(``file:line``, its id where it has one, the field and the reason). ``read = evaluated + duplicates + rejected``.
"""

from __future__ import annotations

import io
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

import attrs

from swp_rules.io.csvrecords import csv_records
from swp_rules.io.decode import decode_event, fields_hash
from swp_rules.model import MAX_DEPTH, Event, RecordError
from swp_rules.plain import PlainData

#: The longest line a reader accepts; a longer one is rejected and skipped (corrupt or unterminated record).
MAX_LINE_BYTES: Final = 1 << 20
_BOM: Final = b"\xef\xbb\xbf"


class InputError(Exception):
    """The input cannot be read at all (missing, unreadable, not a file): nothing is evaluated."""


@attrs.frozen(slots=True)
class Rejection(PlainData):
    """A record that was not evaluated, and why."""

    source: str
    line: int
    id: str | None
    field: str | None
    reason: str

    @property
    def location(self) -> str:
        return f"{self.source}:{self.line}"

    def __str__(self) -> str:
        what = f" (id {self.id})" if self.id else ""
        field = f"{self.field}: " if self.field else ""
        return f"{self.location}{what}: {field}{self.reason}"


@attrs.define(slots=True)
class InputCounts(PlainData):
    """How many records were read, and what became of them."""

    read: int = 0
    evaluated: int = 0
    duplicates: int = 0
    rejected: int = 0

    def add(self, other: InputCounts) -> None:
        self.read += other.read
        self.evaluated += other.evaluated
        self.duplicates += other.duplicates
        self.rejected += other.rejected


def _parse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _parse_int(text: str) -> int | Decimal:
    """A JSON whole number; a very long one as a ``Decimal`` (Python refuses to convert more than 4,300 digits,
    and the field checks refuse it by its size without printing it)."""
    return int(text) if len(text) <= 18 else Decimal(text)


#: The parser for lines the typed decoder passed over (to reject them with the exact reason, or to keep extra
#: fields): amounts exact, whole numbers of any length, no NaN or Infinity.
_LOADS: Final = json.JSONDecoder(parse_float=Decimal, parse_int=_parse_int, parse_constant=_parse_constant).decode

#: Brackets outside strings, to measure a line's nesting before the recursive parser sees it.
_STRING_OR_BRACKET: Final = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def nesting_depth(raw: bytes) -> int:
    """How deeply the arrays and objects on a JSON line nest (brackets inside strings do not count)."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return min(raw.count(b"[") + raw.count(b"{"), MAX_DEPTH)
    depth = deepest = 0
    for match in _STRING_OR_BRACKET.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


#: How much of a file is read at a time.
_CHUNK: Final = 1 << 20


def binary_lines(handle: IO[bytes], *, number: int = 0, limit: int | None = None, bom: bool = True
                 ) -> Iterator[tuple[int, bytes | None]]:
    """Physical lines with their numbers, without the ``\\n``; ``None`` for a line over ``MAX_LINE_BYTES``.

    Reads the file in chunks of ``_CHUNK`` bytes and splits them, so memory stays bounded by the line limit.
    For a range of a file (``io.ranges``): ``number`` is that of the line before it, ``limit`` how many bytes to
    read from the handle's position, ``bom`` whether a leading byte order mark is the file's (to be dropped)."""
    pending = b""
    skipping = False  # inside a line already found too long
    first = bom
    while True:
        if limit is None:
            chunk = handle.read(_CHUNK)
        else:
            chunk = handle.read(min(_CHUNK, limit)) if limit > 0 else b""
            limit -= len(chunk)
        if not chunk:
            if skipping or pending:
                yield number + 1, None if skipping else pending
            return
        if first:  # (after the test for the end: a first chunk that is only the mark is not the end)
            first = False
            if chunk.startswith(_BOM):
                chunk = chunk[len(_BOM):]
        lines = chunk.split(b"\n")
        tail = lines.pop()
        if lines:
            number += 1
            line = pending + lines[0]
            pending = b""
            if skipping:
                skipping = False
                yield number, None
            else:
                yield number, line if len(line) <= MAX_LINE_BYTES else None
            for line in lines[1:]:
                number += 1
                yield number, line if len(line) <= MAX_LINE_BYTES else None
        elif skipping:
            continue
        pending += tail
        if len(pending) > MAX_LINE_BYTES:
            pending = b""
            skipping = True


def _guess_id(text: str) -> str | None:
    """The id of a record that failed to parse, when it can be seen without trusting the rest."""
    start = text.find('"id"')
    if start < 0:
        return None
    rest = text[start + 4:].lstrip()
    if not rest.startswith(":"):
        return None
    rest = rest[1:].lstrip()
    if not rest.startswith('"'):
        return None
    end = rest.find('"', 1)
    if end <= 1 or end > 200:
        return None
    return rest[1:end]


#: A flat record's ``"child": "…"`` with no escapes: enough to route a line to its worker without parsing it.
_CHILD_RE: Final = re.compile(rb'"child"\s*:\s*"([^"\\]*)"')


def line_owner(number: int, raw: bytes | None, parts: int) -> int:
    """Which of ``parts`` workers owns a line: the one for its child, so a child's events stay together.

    A flat, escape-free line is routed on its ``child`` text; any other line is parsed to find its child; a line
    with no child (which will be rejected) goes by its number. The same child always goes to the same worker.
    """
    if raw is None:
        return number % parts
    child: bytes | None = None
    if b"\\" not in raw and raw.count(b"{") == 1:
        found = _CHILD_RE.findall(raw)
        if len(found) == 1:
            child = found[0]
    if child is None:
        try:
            record = json.loads(raw)
        except ValueError:
            return number % parts
        value = record.get("child") if isinstance(record, dict) else None
        if not isinstance(value, str):
            return number % parts
        child = value.encode("utf-8", "surrogatepass")
    return zlib.crc32(child) % parts


def iter_jsonl(handle: IO[bytes], source: str, part: tuple[int, int] | None = None
               ) -> Iterator[tuple[int, Event | Rejection]]:
    """Events and rejections from a JSON Lines stream, in file order. Blank lines are skipped.

    Each line is decoded and validated in one typed pass (``swp_rules.io.decode``); a line that pass cannot take
    is read by ``Event.from_dict``, which keeps its extra fields or rejects it with the exact reason.
    ``part=(k, n)`` keeps only the lines worker ``k`` of ``n`` owns (``line_owner``), for parallel runs."""
    for number, raw in binary_lines(handle):
        if part is not None and (not raw or not raw.isspace()) and line_owner(number, raw, part[1]) != part[0]:
            continue
        if raw is None:
            reason = f"line longer than {MAX_LINE_BYTES} bytes (corrupt record)"
            yield number, Rejection(source, number, None, None, reason)
            continue
        event = decode_event(raw)
        if event is not None:
            yield number, event
            continue
        item = _read_line(raw, source, number)
        if item is not None:
            yield number, item


def jsonl_item(number: int, raw: bytes | None, source: str) -> Event | Rejection | None:
    """One physical line of a JSON Lines file (``None``: over-long) as ``iter_jsonl`` reads it: its event, its
    rejection, or ``None`` for a blank line."""
    if raw is None:
        return Rejection(source, number, None, None, f"line longer than {MAX_LINE_BYTES} bytes (corrupt record)")
    event = decode_event(raw)
    return event if event is not None else _read_line(raw, source, number)


def _read_line(raw: bytes, source: str, number: int) -> Event | Rejection | None:
    """A line the typed pass did not take: ``None`` if blank, else its event or its rejection."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejection(source, number, None, None, f"invalid UTF-8 at byte {exc.start}")
    text = text.strip()
    if not text:
        return None
    if nesting_depth(raw) > MAX_DEPTH:
        return Rejection(source, number, _guess_id(text), None, f"nested more than {MAX_DEPTH} deep")
    try:
        record = _LOADS(text)
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        return Rejection(source, number, _guess_id(text), None, f"invalid JSON: {reason}")
    return _to_event(record, source, number, from_text=False)


def _to_event(record: Any, source: str, number: int, *, from_text: bool) -> Event | Rejection:
    record_id = record.get("id") if isinstance(record, Mapping) else None
    shown_id = record_id if isinstance(record_id, str) and record_id.strip() else None
    try:
        return Event.from_dict(record, from_text=from_text)
    except RecordError as exc:
        return Rejection(source, number, shown_id, exc.field, exc.reason)
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as exc:  # never ends the run
        return Rejection(source, number, shown_id, None, f"cannot be read as an event ({type(exc).__name__})")


def _text_lines(handle: IO[bytes]) -> Iterator[tuple[int, str, bool]]:
    """Decoded physical lines (without line ends) and whether each was corrupt (invalid UTF-8, or too long)."""
    for number, raw in binary_lines(handle):
        if raw is None:
            yield number, "", True
            continue
        try:
            yield number, raw.decode("utf-8"), False
        except UnicodeDecodeError:
            yield number, raw.decode("utf-8", errors="replace"), True


def iter_csv(handle: IO[bytes], source: str, part: tuple[int, int] | None = None
             ) -> Iterator[tuple[int, Event | Rejection]]:
    """Events and rejections from a CSV stream: a header row, one event a row, extra columns as fields.

    Rows are read by ``csv_records``: a quoted cell may hold line breaks, but an unbalanced quote is one rejection
    of the lines it spans and reading resumes at the next row, so no row vanishes.
    ``part=(k, n)`` keeps only the rows worker ``k`` of ``n`` owns: those of its children (by the ``child`` cell),
    and, for a row with no child, by the row's first line number."""
    header: list[str] | None = None
    for record in csv_records(_text_lines(handle)):
        first_line, row = record.first, record.cells
        if header is None:
            if row is None:
                raise InputError(f"{source}:{first_line}: the header row cannot be read ({record.problem})")
            if record.corrupt:  # before the blank test: a line too long is read as an empty one
                raise InputError(f"{source}:{first_line}: the header row is not valid UTF-8, or longer than "
                                 f"{MAX_LINE_BYTES} bytes")
            if not any(cell.strip() for cell in row):
                continue
            header = [h.strip() for h in row]
            if len(set(header)) != len(header):
                raise InputError(f"{source}:{first_line}: the header row repeats a column name")
            continue
        if row is None:
            if part is None or first_line % part[1] == part[0]:
                shown = _cell(header, record.head, "id")
                yield first_line, Rejection(source, first_line, shown, None, record.problem or "unreadable CSV row")
            continue
        if not record.corrupt and not any(cell.strip() for cell in row):  # a line too long reads as blank
            continue
        if part is not None and _row_owner(header, row, first_line, part[1]) != part[0]:
            continue
        if record.corrupt:
            reason = "invalid UTF-8, or a line too long (corrupt record)"
            yield first_line, Rejection(source, first_line, None, None, reason)
            continue
        if len(row) > len(header):
            reason = f"row has {len(row)} cells but the header has {len(header)}"
            yield first_line, Rejection(source, first_line, None, None, reason)
            continue
        record_ = dict(zip(header, row, strict=False))
        yield first_line, _to_event(record_, source, first_line, from_text=True)


def _cell(header: list[str], cells: list[str] | None, name: str) -> str | None:
    """A named cell of a row that could not be read whole (``None`` when absent or blank)."""
    if cells is None or name not in header:
        return None
    index = header.index(name)
    value = cells[index].strip() if index < len(cells) else ""
    return value if value and "\n" not in value and len(value) <= 200 else None


def _row_owner(header: list[str], row: list[str], first_line: int, parts: int) -> int:
    """Which worker owns a CSV row: the one for its child (as ``line_owner`` routes JSON Lines), else by line."""
    try:
        child = row[header.index("child")]
    except (ValueError, IndexError):
        return first_line % parts
    if not child:
        return first_line % parts
    return zlib.crc32(child.encode("utf-8", "surrogatepass")) % parts


def _format_of(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    return "jsonl" if head.lstrip(_BOM + b" \t\r\n").startswith(b"{") else "csv"


def _open(path: Path) -> IO[bytes]:
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not an events file")
        return path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def file_format(path: str | Path) -> str:
    """``"jsonl"`` or ``"csv"``: by the file's suffix or, failing that, its first bytes."""
    path = Path(path)
    with _open(path) as handle:
        return _format_of(path, handle.read(64))


def iter_file(path: str | os.PathLike[str], part: tuple[int, int] | None = None
              ) -> Iterator[tuple[int, Event | Rejection]]:
    """Events and rejections from one file, JSON Lines or CSV by its suffix (or, failing that, its content).

    ``part`` keeps the lines one worker of several owns; see ``iter_jsonl`` and ``iter_csv``."""
    path = Path(path)
    with _open(path) as handle:
        head = handle.peek(64)[:64] if isinstance(handle, io.BufferedReader) else b""
        if _format_of(path, head) == "jsonl":
            yield from iter_jsonl(handle, str(path), part)
        else:
            yield from iter_csv(handle, str(path), part)


def check_readable(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> None:
    """Raise ``InputError`` unless every path is a readable file (so a run evaluates all of them or nothing)."""
    for path in _paths(paths, "check_readable"):
        _open(Path(path)).close()


def _content_key(event: Event) -> int:
    """A hash of everything but the id: equal for a duplicate (same content), different (but for a hash clash) for
    an id reused with other content."""
    return hash((event.child, event.type, event.date, event.time, fields_hash(event.fields)))


# The packing of ``EventReader._seen``: a 64-bit content key, then the source's index, then the line number.
_LINE_BITS: Final = 40
_SOURCE_BITS: Final = 24
_KEY_SHIFT: Final = _LINE_BITS + _SOURCE_BITS
_KEY_MASK: Final = (1 << 64) - 1
_LINE_MASK: Final = (1 << _LINE_BITS) - 1
_SOURCE_MASK: Final = (1 << _SOURCE_BITS) - 1


@attrs.define
class EventReader:
    """Reads files in turn, telling duplicates from reused ids across all of them, and counting.

    Iterate over ``read(paths)`` for the accepted events; ``rejected`` and ``counts`` fill in as it goes.
    Memory grows only with the number of distinct ids (for duplicate detection), not with the events.
    """

    rejected: list[Rejection] = attrs.field(factory=list)
    counts: InputCounts = attrs.field(factory=InputCounts)
    #: id → content key, source and line of its first use, packed in one int (memory: one int an id).
    _seen: dict[str, int] = attrs.field(factory=dict)
    _sources: list[str] = attrs.field(factory=list)
    #: For each rejection, the index of the ``read`` source it came from (to merge parts in input order).
    rejection_sources: list[int] = attrs.field(factory=list)

    def read(self, paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
             part: tuple[int, int] | None = None) -> Iterator[Event]:
        """The accepted events of every file in turn (``part``: only the lines one worker owns)."""
        for path in _paths(paths, "EventReader.read"):
            yield from self.accept(iter_file(path, part), str(path))

    def forget_ids(self) -> None:
        """Release the id table (duplicate detection ends: call only when nothing more will be read)."""
        self._seen = {}

    def ids(self) -> Iterator[str]:
        """Every id accepted so far (for comparing the ids of readers on other machines by a stable hash)."""
        return iter(self._seen)

    def id_hashes(self) -> list[int]:
        """A hash of every id seen, to compare the ids of readers that read parts of the same input."""
        return [hash(event_id) for event_id in self._seen]

    def read_records(self, records: Iterable[Mapping[str, Any]], source: str = "<records>") -> Iterator[Event]:
        """Events from plain mappings (an API caller's dicts), numbered from 1."""
        items = ((n, _to_event(r, source, n, from_text=False)) for n, r in enumerate(records, start=1))
        yield from self.accept(items, source)

    def accept(self, items: Iterable[tuple[int, Event | Rejection]], source: str) -> Iterator[Event]:
        """Count and de-duplicate ``(line, event or rejection)`` pairs from one source."""
        self._sources.append(source)
        source_index = len(self._sources) - 1
        counts = self.counts
        seen = self._seen
        for line, item in items:
            counts.read += 1
            if isinstance(item, Rejection):
                counts.rejected += 1
                self.rejected.append(item)
                self.rejection_sources.append(source_index)
                continue
            key = _content_key(item) & _KEY_MASK
            first = seen.get(item.id)
            if first is None:
                seen[item.id] = (key << _KEY_SHIFT) | (source_index << _LINE_BITS) | line
                counts.evaluated += 1
                yield item
            elif first >> _KEY_SHIFT == key:
                counts.duplicates += 1
            else:
                counts.rejected += 1
                first_source = (first >> _LINE_BITS) & _SOURCE_MASK
                where = f"{self._sources[first_source]}:{first & _LINE_MASK}"
                reason = f"id reused with different content (first used at {where})"
                self.rejected.append(Rejection(source, line, item.id, "id", reason))
                self.rejection_sources.append(source_index)


@attrs.frozen
class LoadedEvents:
    """What ``load_events`` read: the accepted events, the rejections and the counts."""

    events: tuple[Event, ...]
    rejected: tuple[Rejection, ...]
    counts: InputCounts


def _paths(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], caller: str
           ) -> list[str | os.PathLike[str]]:
    """One path (``str`` or ``pathlib.Path``) or an iterable of them, as a list; ``TypeError`` saying what to pass
    otherwise (a ``str`` is one file, never a sequence of one-letter names)."""
    if isinstance(paths, str | os.PathLike):
        return [paths]
    if isinstance(paths, bytes | bytearray | Mapping) or not isinstance(paths, Iterable):
        raise TypeError(f"{caller} takes a path (str or pathlib.Path) or a list of paths, not "
                        f"{type(paths).__name__}" + ("; for records as dicts use load_records" if isinstance(
                            paths, Mapping) else ""))
    items = list(paths)
    for item in items:
        if not isinstance(item, str | os.PathLike):
            hint = "; for records as dicts use load_records" if isinstance(item, Mapping) else ""
            raise TypeError(f"{caller} takes paths (str or pathlib.Path), not {type(item).__name__}{hint}")
    return items


def load_events(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> LoadedEvents:
    """Read one file or several (JSON Lines or CSV): ``load_events("events.jsonl")``, ``load_events([a, b])``.

    Raises ``InputError`` before reading if any file is unreadable, ``TypeError`` for anything but paths."""
    files = _paths(paths, "load_events")
    check_readable(files)
    reader = EventReader()
    events = tuple(reader.read(files))
    return LoadedEvents(events, tuple(reader.rejected), reader.counts)


def load_records(records: Iterable[Mapping[str, Any]], source: str = "<records>") -> LoadedEvents:
    """Validate plain mappings as events, with the same rejections and counts as the file readers.

    ``TypeError`` for a single mapping, a string or a path (pass a list of dicts; files go to ``load_events``)."""
    if isinstance(records, Mapping | str | bytes | os.PathLike) or not isinstance(records, Iterable):
        raise TypeError("load_records takes an iterable of records (dicts), not "
                        f"{type(records).__name__}; for a file use load_events")
    reader = EventReader()
    events = tuple(reader.read_records(records, source))
    return LoadedEvents(events, tuple(reader.rejected), reader.counts)
