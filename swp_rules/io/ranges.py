"""A JSON Lines file cut into byte ranges, one per worker: each line is routed once, by the worker whose range holds it.

Range ``k`` of ``n`` holds the lines that start in bytes ``k * size // n`` to ``(k + 1) * size // n`` of the file
(``boundaries``: each cut moved on to the next line start, so no line is cut). Worker ``k`` reads its range only,
numbering its lines from the newlines before it (counted at C speed, ``bytes.count``), and notes each line's owner
(``line_owner``): a ``Route``. Every worker is then given every range's route and reads the lines it owns, range by
range in file order, from the file again (``owned_lines``): splitting lines is done in C, and which of them are its
own is a byte per line, so only its own lines are parsed, and they come in the order and with the numbers of a whole
read of the file. What crosses between the processes is the routes: a byte a line (two with more than 256 workers).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from itertools import compress, pairwise
from pathlib import Path
from typing import IO, Final

import attrs

from swp_rules.io.events import _CHUNK, _open, binary_lines, line_owner

#: Owners are kept in bytes (array type ``B``) up to this many workers, else in two bytes (``H``).
_BYTE_OWNERS: Final = 256


@attrs.frozen
class Route:
    """One range of a file: the number of the line before it and the owner of each of its lines, in order."""

    before: int
    owners: array[int]


def boundaries(handle: IO[bytes], size: int, parts: int) -> list[int]:
    """Where each of ``parts`` ranges of a file of ``size`` bytes starts, and its end (``size``): ``parts + 1``
    offsets, each the start of a line (or the end of the file), in order."""
    cuts = [0]
    for part in range(1, parts):
        cuts.append(max(cuts[-1], _line_start(handle, part * size // parts, size)))
    cuts.append(size)
    return cuts


def _line_start(handle: IO[bytes], offset: int, size: int) -> int:
    """The first line start at or after ``offset``: just after the first ``\\n`` from ``offset - 1`` on."""
    if offset <= 0:
        return 0
    handle.seek(offset - 1)
    position = offset - 1
    while True:
        chunk = handle.read(1 << 16)
        if not chunk:
            return size
        found = chunk.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(chunk)


def newlines_before(handle: IO[bytes], offset: int) -> int:
    """How many ``\\n`` the file holds before ``offset``: the number of the line before one that starts there."""
    handle.seek(0)
    count = 0
    left = offset
    while left > 0:
        chunk = handle.read(min(_CHUNK, left))
        if not chunk:
            break
        count += chunk.count(b"\n")
        left -= len(chunk)
    return count


def range_lines(handle: IO[bytes], start: int, stop: int, before: int) -> Iterator[tuple[int, bytes | None]]:
    """The lines that start in bytes ``start`` to ``stop`` (line starts), as ``binary_lines`` gives them for the
    whole file: numbered on from ``before``, a byte order mark dropped only at the start of the file."""
    handle.seek(start)
    return binary_lines(handle, number=before, limit=stop - start, bom=start == 0)


def route(path: str | Path, size: int, part: int, parts: int) -> Route:
    """Range ``part`` of ``parts`` of the first ``size`` bytes of a JSON Lines file, each of its lines given its
    owner (``line_owner``); a blank line, which gives nothing, is left to this range's worker."""
    owners = array("B" if parts <= _BYTE_OWNERS else "H")
    with _open(Path(path)) as handle:
        cuts = boundaries(handle, size, parts)
        before = newlines_before(handle, cuts[part])
        append = owners.append
        for number, raw in range_lines(handle, cuts[part], cuts[part + 1], before):
            append(part if raw is not None and (not raw or raw.isspace()) else line_owner(number, raw, parts))
    return Route(before, owners)


def owned_lines(path: str | Path, size: int, part: int, routes: Sequence[Route]
                ) -> Iterator[tuple[int, bytes | None]]:
    """The lines of the first ``size`` bytes of a JSON Lines file that worker ``part`` owns, given every range's
    route (in range order): in file order, numbered as ``binary_lines`` numbers them."""
    with _open(Path(path)) as handle:
        cuts = boundaries(handle, size, len(routes))
        for (start, stop), found in zip(pairwise(cuts), routes, strict=True):
            yield from compress(range_lines(handle, start, stop, found.before), map(part.__eq__, found.owners))
