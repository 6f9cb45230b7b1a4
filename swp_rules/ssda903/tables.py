"""The SSDA903 tables (docs/ssda903.md), recognised by their columns, never by their file names.

A CSV file is a table when its header row holds every one of the table's *key* columns; when several tables fit, the
one with the most key columns wins (UASC and Header share CHILD, SEX and DOB; only Header has ETHNIC).
Column names are compared upper-cased and stripped; a UTF-8 byte-order mark is ignored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Final

import attrs

from swp_rules.io.csvrecords import csv_records
from swp_rules.io.events import MAX_LINE_BYTES, binary_lines

_BOM: Final = b"\xef\xbb\xbf"


@attrs.frozen
class TableSpec:
    """One 903 table: its name, the columns that identify it, and every column it may carry."""

    name: str
    key: frozenset[str]
    columns: tuple[str, ...]


def _spec(name: str, key: str, columns: str) -> TableSpec:
    return TableSpec(name, frozenset(key.split()), tuple(columns.split()))


#: The tables, in the order the importer converts them.
TABLES: Final[tuple[TableSpec, ...]] = (
    _spec("Header", "CHILD SEX DOB ETHNIC", "CHILD SEX DOB ETHNIC UPN MOTHER MC_DOB"),
    _spec("UASC", "CHILD DOB DUC", "CHILD SEX DOB DUC"),
    _spec("Episodes", "CHILD DECOM RNE LS PLACE", "CHILD DECOM RNE LS CIN PLACE PLACE_PROVIDER DEC REC "
          "REASON_PLACE_CHANGE HOME_POST PL_POST URN"),
    _spec("Reviews", "CHILD REVIEW REVIEW_CODE", "CHILD DOB REVIEW REVIEW_CODE"),
    _spec("OC2", "CHILD SDQ_SCORE CONVICTED IMMUNISATIONS", "CHILD DOB SDQ_SCORE SDQ_REASON CONVICTED HEALTH_CHECK "
          "IMMUNISATIONS TEETH_CHECK HEALTH_ASSESSMENT SUBSTANCE_MISUSE INTERVENTION_RECEIVED INTERVENTION_OFFERED"),
    _spec("OC3", "CHILD IN_TOUCH ACTIV ACCOM", "CHILD DOB IN_TOUCH ACTIV ACCOM"),
    _spec("Missing", "CHILD MIS_START", "CHILD DOB MISSING MIS_START MIS_END"),
    _spec("AD1", "CHILD DATE_INT DATE_MATCH", "CHILD DOB DATE_INT DATE_MATCH FOSTER_CARE NB_ADOPTR SEX_ADOPTR "
          "LS_ADOPTR"),
    _spec("PlacedAdoption", "CHILD DATE_PLACED", "CHILD DOB DATE_PLACED DATE_PLACED_CEASED REASON_PLACED_CEASED"),
    _spec("PrevPerm", "CHILD PREV_PERM", "CHILD DOB PREV_PERM LA_PERM DATE_PERM"),
    _spec("SWEpisodes", "CHILD SW_ID SW_DECOM", "CHILD DOB SW_ID SW_DECOM SW_DEC SW_REASON"),
    _spec("DoLo", "CHILD DOLO_START", "CHILD DOB DOLO_START DOLO_END"),
)
TABLE_NAMES: Final = tuple(t.name for t in TABLES)
_BY_NAME: Final = {t.name: t for t in TABLES}


def spec(name: str) -> TableSpec:
    return _BY_NAME[name]


def recognise(columns: Sequence[str]) -> TableSpec | None:
    """The table whose key columns the header holds (the most specific one), or ``None``."""
    present = {c.strip().upper() for c in columns}
    fitting = [t for t in TABLES if t.key <= present]
    if not fitting:
        return None
    return max(fitting, key=lambda t: (len(t.key), -TABLES.index(t)))


@attrs.frozen
class UnreadableRow:
    """A row that cannot be read (an unbalanced quote, a line too long): why, and its child when the first line
    names one."""

    reason: str
    child: str | None


@attrs.frozen
class TableFile:
    """A CSV file recognised as a 903 table. ``rows`` yields ``(line number, {COLUMN: value})`` for each row, or
    ``(line number, UnreadableRow)`` for a row that cannot be read: no row vanishes (``swp_rules.io.csvrecords``)."""

    path: Path
    table: TableSpec
    header: tuple[str, ...]

    def rows(self) -> Iterator[tuple[int, dict[str, str] | UnreadableRow]]:
        with self.path.open("rb") as handle:
            data = handle.read()
        plain = _plain_lines(data)
        if plain is not None:
            yield from self._plain_rows(plain)
        else:
            yield from self.record_rows()

    def record_rows(self) -> Iterator[tuple[int, dict[str, str] | UnreadableRow]]:
        """The rows as ``csv_records`` groups the physical lines (quoted cells, line breaks in cells, bad bytes)."""
        with self.path.open("rb") as handle:
            records = csv_records(_lines(handle))
            for record in records:  # the header: the first record with a cell
                if record.cells is not None and any(c.strip() for c in record.cells):
                    break
            for record in records:
                row = record.cells
                if row is None or record.corrupt:
                    child = _child(self.header, record.head if row is None else row)
                    reason = record.problem if row is None else "a line too long, or not valid UTF-8"
                    yield record.first, UnreadableRow(reason or "unreadable CSV row", child)
                    continue
                if all(not cell.strip() for cell in row):
                    continue
                yield record.first, {name: (row[i].strip() if i < len(row) else "")
                                     for i, name in enumerate(self.header)}

    def _plain_rows(self, lines: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
        """The rows of a file with no quote, no stray carriage return and no over-long line, which ``csv_records``
        would read a line a record, each cell between commas: the same rows at C speed."""
        header = self.header
        width = len(header)
        lines_in = iter(enumerate(lines, start=1))
        for _, line in lines_in:  # the header: the first line with a cell
            if line.replace(",", "").strip():
                break
        for number, line in lines_in:
            if not line.replace(",", "").strip():
                continue
            cells = line.split(",")
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            yield number, dict(zip(header, map(str.strip, cells), strict=False))


def _plain_lines(data: bytes) -> list[str] | None:
    """The lines of a table's bytes (without the byte-order mark and the line ends) when every line is one record
    of plain cells (valid UTF-8, no quote, no carriage return but before a line end, no line over the readers'
    limit); else ``None``, and the table is read by ``csv_records``, which handles the rest."""
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    if b'"' in data:
        return None
    if len(data) > MAX_LINE_BYTES and max(map(len, data.split(b"\n"))) > MAX_LINE_BYTES:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if text.endswith("\r"):
            text = text[:-1]
        if "\r" in text:
            return None
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _lines(handle: IO[bytes]) -> Iterator[tuple[int, str, bool]]:
    """Physical lines as text; a line over the reader's limit is corrupt. Invalid UTF-8 is replaced (903 files
    come from many systems' exports), as before."""
    for number, raw in binary_lines(handle):
        yield (number, "", True) if raw is None else (number, raw.decode("utf-8", errors="replace"), False)


def _child(header: tuple[str, ...], cells: list[str] | None) -> str | None:
    if cells is None or "CHILD" not in header:
        return None
    index = header.index("CHILD")
    value = cells[index].strip() if index < len(cells) else ""
    return value if value and "\n" not in value and len(value) <= 100 else None


def read_header(path: Path) -> tuple[str, ...] | None:
    """The header row of a CSV file, upper-cased and stripped; ``None`` when it has none or cannot be read."""
    try:
        with path.open("rb") as raw:
            head = raw.read(64 * 1024)
    except OSError:
        return None
    text = head.decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0] if text else ""
    try:
        row = next(csv.reader(io.StringIO(first)), [])
    except csv.Error:
        return None
    names = tuple(c.strip().upper() for c in row)
    return names if any(names) else None


def open_table(path: Path) -> TableFile | None:
    header = read_header(path)
    if header is None:
        return None
    table = recognise(header)
    return TableFile(path, table, header) if table is not None else None
