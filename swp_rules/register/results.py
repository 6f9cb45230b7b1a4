"""What the register answers: runs, breaches with their history, and the difference between two runs.

Each is written as JSON through the one converter of every result (``swp_rules.report.convert``: dates as ISO text,
tuples as lists), so ``to_dict`` and ``from_dict`` read each other back like every other result's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import attrs

from swp_rules.io.events import InputCounts
from swp_rules.plain import PlainData

Resolution = Literal["met", "no longer reported"]


@attrs.frozen
class Run(PlainData):
    """One recorded ``check``: when, as of, over which input (its SHA-256), with which rulesets and families, what
    became of the records read (``input``), and the counts of children, breaches and open duties."""

    id: int
    recorded_at: str
    as_of: dt.date
    input_digest: str
    rulesets: tuple[dict[str, Any], ...]
    families: tuple[str, ...]
    input: InputCounts
    children: int
    breaches: int
    open: int


@attrs.frozen
class RecordedRun(PlainData):
    """The outcome of recording a run: its id (written ``run``), and whether it was added (``False``: the same
    input, date, rulesets and families were already recorded, as run ``id``)."""

    id: int
    added: bool
    new: int = 0
    resolved: int = 0


@attrs.frozen
class Sighting(PlainData):
    """A run that reported a breach, and that run's as-of date."""

    run: int
    as_of: dt.date


@attrs.frozen
class Resolved(PlainData):
    """The run that resolved a breach, its as-of date, and how: met, or no longer reported."""

    run: int
    as_of: dt.date
    how: Resolution


@attrs.frozen
class RegisteredBreach(PlainData):
    """A breach as the register knows it: the duty (child, rule, due), what the last run that reported it said,
    and its history: first seen, last seen, and resolved (``None`` while it is open). Written with ``open``
    beside its own keys."""

    child: str
    rule: str
    due: str
    met: str | None
    days_late: int
    citation: str
    evidence: tuple[str, ...]
    explanation: str
    basis: str | None
    discharged_by: str | None
    first_seen: Sighting
    last_seen: Sighting
    resolved: Resolved | None

    @property
    def is_open(self) -> bool:
        """Still overdue: not met, and reported by the latest run that covers it."""
        return self.resolved is None

    @property
    def first_seen_run(self) -> int:
        return self.first_seen.run

    @property
    def first_seen_as_of(self) -> dt.date:
        return self.first_seen.as_of

    @property
    def last_seen_run(self) -> int:
        return self.last_seen.run

    @property
    def last_seen_as_of(self) -> dt.date:
        return self.last_seen.as_of

    @property
    def resolved_run(self) -> int | None:
        return None if self.resolved is None else self.resolved.run

    @property
    def resolved_as_of(self) -> dt.date | None:
        return None if self.resolved is None else self.resolved.as_of

    @property
    def resolution(self) -> Resolution | None:
        return None if self.resolved is None else self.resolved.how

    def days_open(self, as_of: dt.date) -> int:
        """Days from the run that first reported it to ``as_of``."""
        return (as_of - self.first_seen.as_of).days


@attrs.frozen
class DiffLine(PlainData):
    """One breach in a comparison of two runs (``first_seen_as_of`` is written ``first_seen``)."""

    child: str
    rule: str
    due: str
    citation: str
    days_late: int
    met: str | None
    first_seen_as_of: dt.date
    days_open: int
    resolution: Resolution | None = None


@attrs.frozen
class RegisterDiff(PlainData):
    """What changed between two runs (written ``from`` and ``to``): breaches new in the later one, breaches of the
    earlier one resolved by it (met, or no longer reported), and breaches still open in both, with the days each
    has been open."""

    from_run: Run
    to_run: Run
    new: tuple[DiffLine, ...]
    resolved: tuple[DiffLine, ...]
    still_open: tuple[DiffLine, ...]
