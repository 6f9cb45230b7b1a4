"""Writing results as JSON, JSON Lines and CSV, all through the one converter (``swp_rules.report.convert``).

- JSON: one document (``swp_rules.report.documents``), indented by two spaces, written result by result (each
  result encoded by msgspec, at C speed; the text is byte for byte what ``json.dump(indent=2, ensure_ascii=False)``
  writes), so a national run's document is never held whole in memory.
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
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Final

import attrs
import msgspec

from swp_rules.io.output import CsvWriter, atomic_output
from swp_rules.report.convert import EXACT, EXTRAS, converter, keys_of, qualified, unstructure


def dump_json(document: Any, out: IO[str], extra: Mapping[str, Any] | None = None, *,
              streamed: Mapping[str, Iterable[bytes]] | None = None) -> None:
    """A result document (or plain data) as indented JSON, with ``extra`` keys (plain data) after a document's own.

    A document's (or a mapping's) lists are written one item at a time, so memory does not grow with the output.
    ``streamed`` gives some of a document's lists already encoded (``report.encoded``): for each key, chunks of
    items each written ``,\n    ITEM`` (``ITEM`` indented as an item of the list), which take the place of the
    document's value for that key."""
    cls = type(document)
    if attrs.has(cls) and not _written_whole(cls):
        plan = keys_of(cls)
        pairs: list[tuple[str, Any, Any]] = [(k.key, getattr(document, k.name), k.type) for k in plan]
    elif attrs.has(cls) or (isinstance(document, Mapping) and all(isinstance(k, str) for k in document)):
        data = unstructure(document) if attrs.has(cls) else document
        pairs = [(key, value, None) for key, value in data.items()]
    else:
        out.write(json_text(document))
        out.write("\n")
        return
    pairs += [(key, value, None) for key, value in (extra or {}).items()]
    if not pairs:
        out.write("{}\n")
        return
    for index, (key, value, declared) in enumerate(pairs):
        out.write(("{" if index == 0 else ",") + "\n  " + json_text(key) + ": ")
        if streamed is not None and key in streamed:
            _write_items(out, streamed[key])
        elif isinstance(value, tuple | list) and value:
            for number, item in enumerate(value):
                plain = unstructure(item) if declared is not None else item
                out.write(("[" if number == 0 else ",") + "\n    " + json_text(plain, depth=2))
            out.write("\n  ]")
        elif declared is not None:
            out.write(json_text(converter().unstructure(value, unstructure_as=declared), depth=1))
        else:
            out.write(json_text(value, depth=1))
    out.write("\n}\n")


def _write_items(out: IO[str], chunks: Iterable[bytes]) -> None:
    """A list of already encoded items (each chunk ``,\n    ITEM…``): its first comma becomes the ``[``."""
    first = True
    for chunk in chunks:
        if not chunk:
            continue
        text = chunk.decode()
        out.write("[" + text[1:] if first else text)
        first = False
    out.write("[]" if first else "\n  ]")


def _written_whole(cls: type) -> bool:
    """Whether a document class has keys that are not one attribute each (an exact fraction's two keys, a derived
    key): the converter makes its plain data whole first."""
    plan = keys_of(cls)
    return any(k.exact for k in plan) or qualified(cls) in EXTRAS


#: A digit followed by ``.``, ``e`` or ``E``: every JSON number with a fraction or an exponent (a float) has one, so
#: text without it holds no float to rewrite (searched in C, where walking the data for floats was Python).
_MAYBE_FLOAT: Final = re.compile(rb"[0-9][.eE]")
#: A JSON string or number token, for the floats of ``json_text``.
_TOKENS: Final = re.compile(rb'("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)')


def _python_float(match: re.Match[bytes]) -> bytes:
    number = match.group(2)
    if number is None or not any(c in number for c in b".eE"):
        return match.group(0)
    return repr(float(number)).encode()


def json_text(data: Any, depth: int = 0) -> str:
    """Plain data as JSON indented by two spaces, as ``json.dumps(data, indent=2, ensure_ascii=False)`` writes it
    (floats as Python writes them: ``1e-05``, ``1e+16``), each line after the first indented ``depth`` levels more;
    encoded by msgspec, at C speed. (A float that is not a number is written ``null``: JSON has no NaN.)"""
    try:
        encoded = msgspec.json.encode(data)
    except (TypeError, msgspec.EncodeError):  # keys that are not text (None, a tuple): Python's encoder writes them
        text = json.dumps(data, indent=2, ensure_ascii=False)
    else:
        if _MAYBE_FLOAT.search(encoded):  # msgspec writes 1e16 and 0.00001: keep Python's 1e+16 and 1e-05
            encoded = _TOKENS.sub(_python_float, encoded)  # (strings and whole numbers are kept as they are)
        text = msgspec.json.format(encoded, indent=2).decode()
    return text.replace("\n", "\n" + "  " * depth) if depth else text


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


@attrs.frozen
class StreamedTable:
    """A table whose rows come already encoded as CSV text (``report.encoded``), in chunks of whole rows."""

    name: str
    columns: tuple[str, ...]
    chunks: Iterable[bytes]


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


def write_table(table: CsvTable | StreamedTable, out: IO[str]) -> None:
    """A table with its header row; every cell neutralised (``swp_rules.io.output``: text that begins like a formula
    is prefixed with ``'``; numbers stay numbers)."""
    writer = CsvWriter(out)
    writer.writerow(table.columns)
    if isinstance(table, StreamedTable):
        for chunk in table.chunks:
            out.write(chunk.decode())
        return
    for row in table.rows:
        writer.writerow([cell(row.get(c)) for c in table.columns])


def beside(output: Path, name: str) -> Path:
    """The file beside ``output`` for another table: ``out.csv`` → ``out.open.csv``."""
    return output.with_name(f"{output.stem}.{name}{output.suffix or '.csv'}")


def write_csv_tables(tables: Sequence[CsvTable | StreamedTable], out: IO[str], output: Path | None) -> list[Path]:
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
