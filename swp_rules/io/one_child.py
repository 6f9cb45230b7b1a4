"""Reading one child's events from a large JSON Lines file without parsing the other children's lines.

``explain`` needs one child's events. A line can be that child's only if it holds the child's identifier as written
in the file, or if it is written with escapes (``\\u0043…``) that could spell it; every other line is skipped before
it is parsed, found by a byte search over large blocks of the file. The lines kept are parsed by the ordinary
reader, with their own line numbers, so rejections name the same ``file:line`` as a full read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

import attrs

from swp_rules.io.events import EventReader, LoadedEvents, Rejection, file_format, iter_jsonl
from swp_rules.model import Event

_BLOCK: Final = 8 * 1024 * 1024


def candidate_lines(path: Path, needle: bytes) -> Iterator[tuple[int, bytes]]:
    """``(line number, line)`` for every line holding ``needle`` or a backslash, in file order."""
    number = 0  # lines before the current block
    carry = b""
    with path.open("rb") as handle:
        while True:
            block = handle.read(_BLOCK)
            data = carry + block
            if not block:
                end = len(data)
            else:
                end = data.rfind(b"\n") + 1
                if end == 0:  # one line longer than the block: keep reading it
                    carry = data
                    continue
            yield from _in_block(data, end, needle, number)
            number += data.count(b"\n", 0, end)
            carry = data[end:]
            if not block:
                return


def _in_block(data: bytes, end: int, needle: bytes, number: int) -> Iterator[tuple[int, bytes]]:
    starts: set[int] = set()
    for what in (needle, b"\\"):
        at = data.find(what, 0, end)
        while at >= 0:
            starts.add(data.rfind(b"\n", 0, at) + 1)
            stop = data.find(b"\n", at, end)
            at = -1 if stop < 0 else data.find(what, stop + 1, end)
    previous = 0
    for start in sorted(starts):
        number += data.count(b"\n", previous, start)
        previous = start
        stop = data.find(b"\n", start, end)
        yield number + 1, data[start:end if stop < 0 else stop + 1]


def _parsed(lines: Iterator[tuple[int, bytes]], source: str) -> Iterator[tuple[int, Event | Rejection]]:
    """Each kept line parsed by the ordinary reader, its rejection placed at the line's own number."""
    for number, raw in lines:
        for _, item in iter_jsonl(io.BytesIO(raw), source):
            yield number, attrs.evolve(item, line=number) if isinstance(item, Rejection) else item


def read_child(paths: Sequence[str | Path], child: str) -> LoadedEvents | None:
    """The child's events from JSON Lines files, reading only the lines that may be the child's; ``None`` when a
    file is not JSON Lines (CSV rows can span lines, an SSDA903 folder is imported: the caller reads those in full).

    ``counts`` and ``rejected`` are those of the lines read: the child's records, and lines whose child cannot be
    told without parsing them that turned out to be rejected. Events of other children met on the way (lines that
    merely mention the identifier) are neither kept nor counted."""
    if any(Path(p).is_dir() or file_format(p) != "jsonl" for p in paths):
        return None
    needle = child.encode("utf-8", "surrogatepass")
    reader = EventReader()
    mine: list[Event] = []
    others = 0
    for path in map(Path, paths):
        for event in reader.accept(_parsed(candidate_lines(path, needle), str(path)), str(path)):
            if event.child == child:
                mine.append(event)
            else:
                others += 1
    counts = reader.counts
    counts.read -= others
    counts.evaluated -= others
    return LoadedEvents(tuple(mine), tuple(reader.rejected), counts)
