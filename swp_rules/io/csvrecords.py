"""CSV records from physical lines, so that no row vanishes behind an unbalanced quote.

The ``csv`` module reads a quoted cell across line ends until its closing quote: one stray quote makes every line up
to the next quote (or the end of the file) one cell of one row, and those rows vanish behind a single rejection.
``csv_records`` groups physical lines into records itself (RFC 4180, the ``csv`` module's default dialect): a record
that spans several lines is kept only when its quote closes within ``MAX_RECORD_LINES`` lines and
``MAX_RECORD_BYTES`` bytes, it has no more cells than the header, and none of its continuation lines is a record of
its own (a line with exactly the header's number of cells). Otherwise its first line is reported as an unbalanced
quote, with the lines it spans, and reading resumes at the next line that is a record of its own.
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Final

import attrs

#: The most physical lines one record (a row whose quoted cells hold line breaks) may span.
MAX_RECORD_LINES: Final = 1_000
#: The most bytes one record may hold (the longest line the readers accept).
MAX_RECORD_BYTES: Final = 1 << 20

#: The rest of a quoted cell up to its closing quote (a doubled quote is a quote inside the cell).
_QUOTED_REST: Final = re.compile(r'(?:[^"]|"")*+"')


@attrs.frozen(slots=True)
class CsvRecord:
    """One record: its first and last physical line, its cells (``None`` when it cannot be read), the problem
    (when ``cells`` is ``None``), whether one of its lines was corrupt (invalid UTF-8 or too long), and, for a
    record that cannot be read, the cells of its first line read alone (to name its id or child)."""

    first: int
    last: int
    cells: list[str] | None
    problem: str | None = None
    corrupt: bool = False
    head: list[str] | None = None


def open_quote_after(text: str, in_quotes: bool = False) -> bool:
    """Whether a quoted cell is still open at the end of one physical line, given whether one was open at its start.

    >>> open_quote_after('e1,"a note, with a comma",x')
    False
    >>> open_quote_after('e1,"a note that goes on')
    True
    >>> open_quote_after('on and ends here",x', in_quotes=True)
    False
    """
    pos = 0
    end = len(text)
    if in_quotes:
        match = _QUOTED_REST.match(text)
        if match is None:
            return True
        pos = text.find(",", match.end())
        if pos < 0:
            return False
        pos += 1
    while True:
        if pos < end and text[pos] == '"':  # a quote opens a cell only at the cell's start
            match = _QUOTED_REST.match(text, pos + 1)
            if match is None:
                return True
            pos = text.find(",", match.end())
        else:
            pos = text.find(",", pos)
        if pos < 0:
            return False
        pos += 1


def _cells(text: str) -> list[str]:
    """The cells of a record's text (its lines joined by ``\\n``, without the final line end)."""
    if '"' not in text and "\r" not in text and "\n" not in text:
        return text.split(",")
    return next(csv.reader([text]), [])


class _Lines:
    """Physical lines with a push-back, so that lines read ahead can be read again."""

    def __init__(self, lines: Iterable[tuple[int, str, bool]]) -> None:
        self._lines = iter(lines)
        self._back: deque[tuple[int, str, bool]] = deque()

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> tuple[int, str, bool]:
        if self._back:
            return self._back.popleft()
        return next(self._lines)

    def push_back(self, lines: Iterable[tuple[int, str, bool]]) -> None:
        self._back.extendleft(reversed(list(lines)))


def _strip_end(text: str) -> str:
    return text[:-1] if text.endswith("\r") else text


def csv_records(lines: Iterable[tuple[int, str, bool]]) -> Iterator[CsvRecord]:
    """Records from ``(line number, text without its line end, corrupt)`` physical lines; the first record with any
    non-blank cell is the header, whose number of cells the later records are measured against.

    Every physical line belongs to exactly one record, so counting records counts every row of the file."""
    source = _Lines(lines)
    width: int | None = None

    def single(text: str) -> list[str] | None:
        """The cells of a line that is a record of its own (balanced quotes, the header's width), else ``None``."""
        if '"' in text and open_quote_after(text):
            return None
        cells = _read(_strip_end(text))  # a carriage return inside the line makes it no record of its own
        return cells if cells is not None and width is not None and len(cells) == width else None

    for number, text, corrupt in source:
        if '"' not in text or not open_quote_after(text):
            cells = _read(_strip_end(text))
            if cells is None:
                yield CsvRecord(number, number, None, "unreadable CSV row (a line break inside a cell that is not "
                                                      "quoted)", corrupt, _read(_strip_end(text).split("\r")[0]))
                continue
            if width is None and any(c.strip() for c in cells):
                width = len(cells)
            yield CsvRecord(number, number, cells, None, corrupt)
            continue
        span = [(number, text, corrupt)]
        size = len(text)
        still_open = True
        for item in source:
            span.append(item)
            size += len(item[1]) + 1
            still_open = open_quote_after(item[1], True) if still_open else False
            if not still_open or len(span) >= MAX_RECORD_LINES or size > MAX_RECORD_BYTES:
                break
        # A record spanning lines: keep it only if it closes, fits the header and hides no record of its own.
        cells = None if still_open else _read("\n".join(_strip_end(t) for _, t, _ in span))
        hidden = next((i for i in range(1, len(span)) if single(span[i][1]) is not None), None)
        last = span[-1][0]
        broken = any(c for _, _, c in span)
        if cells is not None and (width is None or len(cells) <= width) and hidden is None:
            if width is None and any(c.strip() for c in cells):
                width = len(cells)
            yield CsvRecord(number, last, cells, None, broken)
            continue
        if hidden is not None:
            source.push_back(span[hidden:])
            last = span[hidden - 1][0]
            span = span[:hidden]
            broken = any(c for _, _, c in span)
        if still_open and hidden is None:
            where = "the end of the file" if len(span) < MAX_RECORD_LINES and size <= MAX_RECORD_BYTES else \
                f"line {last} (a record may span at most {MAX_RECORD_LINES} lines)"
            reason = f"unbalanced quote: the quoted cell opened on line {number} is still open at {where}"
        elif last == number:
            reason = f"unbalanced quote on line {number}"
        else:
            reason = f"unbalanced quote: the quoted cell opened on line {number} runs to line {last}"
        if last > number:
            reason += f"; lines {number}–{last} are this one rejected record"
        yield CsvRecord(number, last, None, reason, broken, _read(_strip_end(text)))


def _read(text: str) -> list[str] | None:
    try:
        return _cells(text)
    except csv.Error:
        return None
