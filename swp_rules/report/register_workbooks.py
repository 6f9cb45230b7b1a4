"""Excel workbooks of the breach register (``swp-rules register runs|breaches|diff --format xlsx``, docs/register.md).

Each opens with a Summary sheet, then one sheet per kind of row, written as the other workbooks are
(``swp_rules.report.workbook``): a frozen, filtered header; run numbers and day counts as numbers; the as-of dates of
runs as dates; every text from the data as a text cell, never a formula. A duty's ``due`` and ``met`` stay the text
the register holds (a date, or a date and time for a duty due at an hour).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

from swp_rules.report.workbook import Book, Column, col

if TYPE_CHECKING:
    from swp_rules.register.results import DiffLine, RegisterDiff, RegisteredBreach, Run


def _rulesets(run: Run) -> str:
    return ", ".join(f"{r.get('id', '')} v{r.get('version', '')}" for r in run.rulesets)


_COUNTS: Final = ("read", "evaluated", "duplicates", "rejected")


def _counted(name: str) -> Callable[[Run], int]:
    return lambda run: int(getattr(run.input, name))


RUN_COLUMNS: Final = (
    col("id", "int", 8, "run"), col("recorded_at", width=26, header="recorded at"),
    col("as_of", "date", 12, "as of"), col("children", "int", 10), col("breaches", "int", 10),
    col("open", "int", 10), *(Column(name, _counted(name), "int", 10) for name in _COUNTS),
    col("families", width=24), Column("rulesets", _rulesets, width=40),
    col("input_digest", width=66, header="input digest (SHA-256)"),
)

BREACH_COLUMNS: Final = (
    col("child"), col("rule", width=34), col("due", width=12), col("met", width=12),
    col("days_late", "int", 10, "days late"),
    Column("status", lambda b: "open" if b.is_open else "resolved", width=10),
    col("first_seen_run", "int", 10, "first seen (run)"), col("first_seen_as_of", "date", 12, "first seen"),
    col("last_seen_run", "int", 10, "last seen (run)"), col("last_seen_as_of", "date", 12, "last seen"),
    col("resolved_run", "int", 10, "resolved (run)"), col("resolved_as_of", "date", 12, "resolved"),
    col("resolution", width=18), col("basis", width=18), col("citation", width=28), col("explanation", width=80),
    col("evidence", width=24),
)

DIFF_COLUMNS: Final = (
    col("child"), col("rule", width=34), col("due", width=12), col("met", width=12),
    col("days_late", "int", 10, "days late"), col("first_seen_as_of", "date", 12, "first seen"),
    col("days_open", "int", 10, "days open"), col("resolution", width=18), col("citation", width=28),
)


def runs_workbook(where: str, runs: Sequence[Run]) -> bytes:
    """Summary, Runs (oldest first)."""
    book = Book()
    book.summary("Runs recorded in the breach register", [
        ("register", where), ("runs", len(runs)),
        ("first as of", runs[0].as_of if runs else None), ("last as of", runs[-1].as_of if runs else None),
    ])
    book.sheet("Runs", RUN_COLUMNS, runs)
    return book.close()


def breaches_workbook(breaches: Sequence[RegisteredBreach], *, open_only: bool, filters: Sequence[str] = ()) -> bytes:
    """Summary, Breaches (each with its history: first seen, last seen, resolved)."""
    book = Book()
    still_open = sum(1 for b in breaches if b.is_open)
    book.summary("Open breaches in the register" if open_only else "Breaches in the register", [
        ("breaches", len(breaches)), ("open", still_open), ("resolved", len(breaches) - still_open),
        ("children", len({b.child for b in breaches})), ("filters", " ".join(filters) or "none"),
    ])
    book.sheet("Breaches", BREACH_COLUMNS, breaches)
    return book.close()


def diff_workbook(diff: RegisterDiff) -> bytes:
    """Summary (the two runs and the counts), New, Resolved, Still open."""
    book = Book()
    lines: list[tuple[str, Any]] = [
        ("from run", diff.from_run.id), ("from as of", diff.from_run.as_of),
        ("to run", diff.to_run.id), ("to as of", diff.to_run.as_of),
        ("new", len(diff.new)), ("resolved", len(diff.resolved)), ("still open", len(diff.still_open)),
    ]
    book.summary(f"Run {diff.from_run.id} to run {diff.to_run.id}", lines)
    parts: tuple[tuple[str, Sequence[DiffLine]], ...] = (
        ("New", diff.new), ("Resolved", diff.resolved), ("Still open", diff.still_open))
    for name, found in parts:
        book.sheet(name, DIFF_COLUMNS, found)
    return book.close()
