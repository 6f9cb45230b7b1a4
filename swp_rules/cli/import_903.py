"""``swp-rules import-903 DIR -o EVENTS.jsonl``: SSDA903 CSV tables as case events (SPEC.md §3; docs/ssda903.md).

Writes the events as JSON Lines and reports the counts per table and every problem (rows not converted, structural
problems, gaps in the history). Exit 0: converted cleanly; 1: rows rejected or structural problems found; 2: could
not run (no such folder, no SSDA903 table in it, output not writable).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import msgspec

from swp_rules.cli.common import EXIT_CLEAN, EXIT_FINDINGS, CannotRun, open_output, render_table, tune_gc
from swp_rules.ssda903 import Import903, Ssda903Error, import_903

if TYPE_CHECKING:
    from rich.table import Table


def _write_events(result: Import903, output: Path) -> None:
    """The events as JSON Lines, written whole or not at all (``open_output``). Each line is encoded by msgspec, at
    C speed: the text ``json`` writes with ``ensure_ascii=False`` and no spaces (an event's values are text, whole
    numbers, true and false, lists and objects of them), Python's encoder taking any line msgspec cannot write."""
    encode = msgspec.json.Encoder().encode
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with open_output(output) as handle:
        for record in result.records():
            try:
                handle.write(encode(record).decode())
            except (TypeError, msgspec.EncodeError):
                handle.write(dumps(record))
            handle.write("\n")


def _document_json(document: dict[str, Any]) -> str:
    """The counts and problems as ``json.dump(indent=2, ensure_ascii=False)`` writes them (text, whole numbers and
    nulls only), encoded and indented by msgspec."""
    return msgspec.json.format(msgspec.json.encode(document), indent=2).decode() + "\n"


def _counts_table(result: Import903) -> Table:
    from rich.table import Table

    table = Table(title="SSDA903 tables (rows read = converted + rejected)", title_justify="left")
    for column in ("table", "files", "read", "converted", "rejected", "events"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for name, counts in result.counts.items():
        table.add_row(name, *(str(v) for v in counts.to_dict().values()))
    return table


def _problems_table(result: Import903) -> Table:
    from rich.table import Table

    table = Table(title=f"Problems ({len(result.problems)})", title_justify="left")
    for column in ("kind", "table", "where", "column", "child", "reason"):
        table.add_column(column, overflow="fold")
    for p in result.problems:
        where = p.file if p.row is None else f"{p.file}:{p.row}"
        table.add_row(p.kind, p.table or "", where, p.column or "", p.child or "", p.reason)
    return table


@click.command("import-903")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--output", "-o", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Write the events to FILE (JSON Lines).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default=None,
              help="How to print the counts and problems (default: table on a terminal, json otherwise).")
def import_903_command(folder: Path, output: Path, fmt: str | None) -> int:
    """Convert SSDA903 CSV tables (recognised by their columns) in FOLDER into case events.

    Put each year's return in its own sub-folder to merge several years into one history per child.
    """
    if not folder.exists():
        raise CannotRun(f"{folder}: no such folder")
    tune_gc()
    try:
        result = import_903(folder)
    except Ssda903Error as exc:
        raise CannotRun(str(exc)) from None
    _write_events(result, output)
    chosen = fmt or ("table" if sys.stdout.isatty() else "json")
    counts = result.counts_dict()
    if chosen == "json":
        document: dict[str, Any] = {"input": counts, "output": str(output),
                                    "problems": [p.to_dict() for p in result.problems]}
        sys.stdout.write(_document_json(document))
    else:
        summary = (f"{counts['rows_read']} rows read = {counts['rows_converted']} converted + "
                   f"{counts['rows_rejected']} rejected; {counts['events']} events written to {output} "
                   f"({counts['duplicate_events']} repeated events merged); {counts['children']} children, "
                   f"{counts['children_cannot_evaluate']} whose timeliness cannot be evaluated")
        parts: list[Any] = [_counts_table(result)]
        if result.problems:
            parts.append(_problems_table(result))
        parts.append(summary)
        render_table(sys.stdout, *parts)
    return EXIT_FINDINGS if result.faults else EXIT_CLEAN


COMMANDS: list[click.Command] = [import_903_command]
