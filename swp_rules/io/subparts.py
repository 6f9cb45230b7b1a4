"""One worker's part of the input, read in sub-parts so that its memory does not grow with the input.

Part ``k`` of ``n`` is split into ``m`` sub-parts: sub-part ``s`` holds the lines ``line_owner`` routes to
``s * n + k`` of ``n * m`` (a line's owner among ``n * m`` is, modulo ``n``, its owner among ``n``, so the sub-parts
of part ``k`` hold exactly its lines, each child's lines in one sub-part). A JSON Lines file is scanned once and
each sub-part's lines are written, with their line numbers, to a file of their own in a private temporary folder
(``spill``); a sub-part is then read from its file (``SubParts.items``), so that only one sub-part's events are held
at a time. A CSV file (a quoted cell can span lines) and lines already in memory (``--ship``) are read again for
each sub-part, keeping only its rows.

The folder holds case data: it is made private (mode 700) and removed by ``SubParts.remove`` (or when the object
is collected).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

import attrs

from swp_rules.io.events import (
    Rejection,
    _open,
    binary_lines,
    file_format,
    iter_csv,
    iter_file,
    iter_jsonl,
    jsonl_item,
    line_owner,
)
from swp_rules.model import Event

#: How much of the input (bytes) one sub-part holds, about: a sub-part's events and its evaluation take a few times
#: this in memory. ``SWP_RULES_PART_BYTES`` (bytes) overrides it.
SUBPART_BYTES: Final = 48 * 1024 * 1024


@attrs.frozen
class InMemory:
    """A file's content already in memory (lines shipped to the worker): ``format`` ``jsonl`` or ``csv``."""

    source: str
    format: str
    data: bytes


Source = str | InMemory


def subpart_bytes() -> int:
    """``SWP_RULES_PART_BYTES`` when set to a positive number of bytes, else ``SUBPART_BYTES``."""
    value = os.environ.get("SWP_RULES_PART_BYTES", "")
    return int(value) if value.isdigit() and int(value) > 0 else SUBPART_BYTES


def source_name(source: Source) -> str:
    return source if isinstance(source, str) else source.source


def source_size(source: Source) -> int:
    return Path(source).stat().st_size if isinstance(source, str) else len(source.data)


def subparts_for(sources: Sequence[Source], parts: int, part_bytes: int) -> int:
    """How many sub-parts a part of the input needs to hold about ``part_bytes`` each."""
    share = sum(source_size(s) for s in sources) // max(1, parts)
    return max(1, -(-share // max(1, part_bytes)))


class SubParts:
    """Part ``part`` of ``parts`` of the sources, in ``count`` sub-parts (JSON Lines files spilled to ``folder``)."""

    def __init__(self, sources: Sequence[Source], part: int, parts: int, count: int) -> None:
        self.sources = list(sources)
        self.part = part
        self.parts = parts
        self.count = count
        self.folder = Path(tempfile.mkdtemp(prefix="swp-rules-part-"))
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.folder), True)
        #: For each source, its spill file per sub-part (``None``: the source is read again for each sub-part).
        self._spilled: list[list[Path] | None] = []
        try:
            for index, source in enumerate(self.sources):
                spill = count > 1 and isinstance(source, str) and file_format(source) == "jsonl"
                self._spilled.append(self._spill(index, source) if spill and isinstance(source, str) else None)
        except BaseException:
            self.remove()
            raise

    def _spill(self, index: int, path: str) -> list[Path]:
        files = [self.folder / f"in-{index}-{s}" for s in range(self.count)]
        handles = [f.open("wb", buffering=1 << 20) for f in files]
        parts, part, total = self.parts, self.part, self.parts * self.count
        try:
            with _open(Path(path)) as handle:
                for number, raw in binary_lines(handle):
                    if raw is not None and (not raw or raw.isspace()):
                        continue  # a blank line gives nothing, in any part
                    owner = line_owner(number, raw, total)
                    if owner % parts == part:
                        handles[owner // parts].write(b"%d\t!\n" % number if raw is None
                                                      else b"%d\t=%b\n" % (number, raw))
        finally:
            for h in handles:
                h.close()
        return files

    def items(self, sub: int, index: int) -> Iterator[tuple[int, Event | Rejection]]:
        """Sub-part ``sub``'s lines of source ``index`` as ``iter_file`` gives them (events and rejections)."""
        source = self.sources[index]
        name = source_name(source)
        spilled = self._spilled[index]
        if spilled is not None:
            with spilled[sub].open("rb") as handle:
                for line in handle:
                    number, _, rest = line.partition(b"\t")
                    item = jsonl_item(int(number), None if rest[:1] == b"!" else rest[1:-1], name)
                    if item is not None:
                        yield int(number), item
            return
        chosen = (sub * self.parts + self.part, self.parts * self.count)
        if isinstance(source, str):
            yield from iter_file(source, chosen)
        elif source.format == "jsonl":
            yield from iter_jsonl(io.BytesIO(source.data), name, chosen)
        else:
            yield from iter_csv(io.BytesIO(source.data), name, chosen)

    def remove(self) -> None:
        """Delete the folder and everything in it."""
        self._finalizer()
