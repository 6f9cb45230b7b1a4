"""What the SSDA903 importer reports besides events: problems (rows it could not convert, structural faults, gaps in
the history) and counts per table (rows read = converted + rejected)."""

from __future__ import annotations

from typing import Final, Literal

import attrs

from swp_rules.plain import PlainData

#: ``rejected``: a row not converted. ``structural``: the return breaks a 903 structural rule
#: (csc-validator-be-903, docs/ssda903.md).
#: ``incomplete``: the returns do not hold the start of a period of care. ``unrecognised``: a CSV file that is no
#: 903 table. ``conflict``: two returns disagree about the same row; the later return was used. ``unreadable``: a
#: table's CSV breaks off (its later rows cannot be read or counted).
ProblemKind = Literal["rejected", "structural", "incomplete", "unrecognised", "conflict", "unreadable"]

#: Kinds that make ``import-903`` exit 1 (the return itself has faults).
FAULTS: Final = frozenset({"rejected", "structural", "unreadable"})
#: Kinds that leave a child's timeliness "cannot evaluate".
UNEVALUABLE: Final = frozenset({"rejected", "structural", "incomplete"})


@attrs.frozen(slots=True)
class Problem(PlainData):
    """One problem, located: the table, the file, its line (1 is the header row), the column, and the reason."""

    kind: ProblemKind
    table: str | None
    file: str
    row: int | None
    column: str | None
    reason: str
    child: str | None = None

    def __str__(self) -> str:  # no child identifier: safe for logs
        where = f"{self.file}:{self.row}" if self.row is not None else self.file
        column = f" {self.column}:" if self.column else ""
        return f"{where}:{column} {self.reason}"


@attrs.define(slots=True)
class TableCounts(PlainData):
    """One table's rows: ``read = converted + rejected``; ``events`` the events its rows became (before the returns
    are merged: a row another return repeats is converted in both)."""

    files: int = 0
    read: int = 0
    converted: int = 0
    rejected: int = 0
    events: int = 0


class RowError(ValueError):
    """A row that cannot be converted: the column (or ``None``) and the reason."""

    def __init__(self, column: str | None, reason: str) -> None:
        super().__init__(f"{column}: {reason}" if column else reason)
        self.column = column
        self.reason = reason
