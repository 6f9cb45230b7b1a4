"""An SSDA903 return folder as an input of ``check``, ``explain``, ``indicators`` and ``payments`` (SPEC.md §3).

The folder is imported (``import_903``) and its events read as a file's records are: each event counts as read
and, unless another input repeats it, evaluated. The importer's problems become what a reader reports:

* a row not converted (``rejected``), a table that breaks off (``unreadable``) and a CSV file that is no 903 table
  (``unrecognised``) are rejected records, at the table file and line;
* events that two returns both hold count as duplicates;
* structural problems and periods of care that began before the returns read are carried, as ``import_903``
  carries them, by the child's ``record_problem`` field: the child is listed in the notes as "cannot evaluate";
* where two returns disagree the later one is used, as ``import-903`` does (it lists these ``conflict`` rows).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from swp_rules.io.events import InputError, Rejection
from swp_rules.model import Event

#: The importer's problem kinds that are reported as rejected records.
REJECTED_KINDS: Final = frozenset({"rejected", "unreadable", "unrecognised"})


def return_items(folder: str | Path) -> tuple[list[tuple[int, Event | Rejection]], int]:
    """``(line, event or rejection)`` items for ``EventReader.accept`` (events numbered in order from 1), and how
    many events the returns repeated. Raises ``InputError`` when the folder holds no 903 table or cannot be read."""
    from swp_rules.ssda903 import Ssda903Error, import_903

    root = Path(folder)
    try:
        result = import_903(root)
    except Ssda903Error as exc:
        raise InputError(str(exc)) from None
    items: list[tuple[int, Event | Rejection]] = list(enumerate(result.events, start=1))
    for problem in result.problems:
        if problem.kind in REJECTED_KINDS:
            reason = problem.reason if problem.kind == "rejected" else f"{problem.kind}: {problem.reason}"
            source = str(root / problem.file) if problem.file else str(root)
            items.append((len(items) + 1, Rejection(source, problem.row or 0, None, problem.column, reason)))
    return items, result.duplicates

