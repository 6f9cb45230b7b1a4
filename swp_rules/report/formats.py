"""Writing results as JSON, JSON Lines and CSV, all through the one converter (``swp_rules.report.convert``).

- JSON: one document (``swp_rules.report.documents``), indented.
- JSON Lines: one result a line, each with its ``kind`` (``breach``, ``open``, ``rejected``, ``note``, ``summary``…),
  written as the results come; the ``summary`` line is last. ``swp_rules/schema/result-line.schema.json`` describes
  a line.
- CSV: one kind of row per table. To a file, the first table goes to the file named and each other one beside it
  (``out.csv``, ``out.open.csv``, ``out.rejected.csv``…); to standard output the tables follow one another, each
  with its own header row, separated by an empty line. Numbers are plain numbers, money a decimal with two places,
  dates ISO: spreadsheets and pandas read them as numbers and dates. Exact ``p/q`` texts are left out (the
  numerator and denominator are there).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

import attrs

from swp_rules.io.output import CsvWriter, atomic_output
from swp_rules.report.convert import EXACT, EXTRAS, keys_of, qualified, unstructure


def dump_json(document: Any, out: IO[str]) -> None:
    """A result document (or plain data) as indented JSON."""
    data = unstructure(document) if attrs.has(type(document)) else document
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def jsonl_line(kind: str, result: Any) -> str:
    """One JSON Lines record: ``{"kind": kind, ...the result's keys}``."""
    return json.dumps({"kind": kind, **unstructure(result)}, ensure_ascii=False) + "\n"


def write_jsonl(out: IO[str], kind: str, results: Iterable[Any]) -> int:
    """Write each result as a line of ``kind``; how many were written."""
    count = 0
    for result in results:
        out.write(jsonl_line(kind, result))
        count += 1
    return count


@attrs.frozen
class CsvTable:
    """One kind of row: its name (``breaches``, ``open``, ``rejected``…), its columns and its rows."""

    name: str
    columns: tuple[str, ...]
    rows: Sequence[dict[str, Any]]


def columns_of(cls: type) -> tuple[str, ...]:
    """A result class's CSV columns: its keys (a fraction's decimal reading only) and its derived keys."""
    keys = tuple(k.key for k in keys_of(cls))
    return keys + tuple(EXTRAS.get(qualified(cls), {}))


def table_of(name: str, cls: type, results: Iterable[Any]) -> CsvTable:
    """A CSV table of results of one class, each row its plain data."""
    columns = columns_of(cls)
    rows = [{k: v for k, v in unstructure(r).items() if not k.endswith(EXACT)} for r in results]
    return CsvTable(name, columns, rows)


def cell(value: Any) -> Any:
    """A CSV cell: lists joined by spaces, booleans as ``true``/``false``, nested objects as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " ".join(str(cell(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_table(table: CsvTable, out: IO[str]) -> None:
    """A table with its header row; every cell neutralised (``swp_rules.io.output``: text that begins like a formula
    is prefixed with ``'``; numbers stay numbers)."""
    writer = CsvWriter(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([cell(row.get(c)) for c in table.columns])


def beside(output: Path, name: str) -> Path:
    """The file beside ``output`` for another table: ``out.csv`` → ``out.open.csv``."""
    return output.with_name(f"{output.stem}.{name}{output.suffix or '.csv'}")


def write_csv_tables(tables: Sequence[CsvTable], out: IO[str], output: Path | None) -> list[Path]:
    """The first table to ``out``; the others beside ``output`` (a file), or after it in ``out`` (standard output).
    Returns the extra files written."""
    written: list[Path] = []
    for index, table in enumerate(tables):
        if index == 0:
            write_table(table, out)
        elif output is None:
            out.write("\n")
            write_table(table, out)
        else:
            path = beside(output, table.name)
            with atomic_output(path) as handle:
                write_table(table, handle)
            written.append(path)
    return written
