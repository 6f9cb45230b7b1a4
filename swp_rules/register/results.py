"""What the register answers: runs, breaches with their history, and the difference between two runs."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import attrs

Resolution = Literal["met", "no longer reported"]


@attrs.frozen
class Run:
    """One recorded ``check``: when, as of, over which input (its SHA-256), with which rulesets, and the counts."""

    id: int
    recorded_at: str
    as_of: dt.date
    input_digest: str
    rulesets: tuple[dict[str, Any], ...]
    families: tuple[str, ...]
    read: int
    evaluated: int
    duplicates: int
    rejected: int
    children: int
    breaches: int
    open: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "recorded_at": self.recorded_at, "as_of": self.as_of.isoformat(),
            "input_digest": self.input_digest, "rulesets": list(self.rulesets), "families": list(self.families),
            "input": {"read": self.read, "evaluated": self.evaluated, "duplicates": self.duplicates,
                      "rejected": self.rejected},
            "children": self.children, "breaches": self.breaches, "open": self.open,
        }


@attrs.frozen
class RecordedRun:
    """The outcome of recording a run: its id, and whether it was added (``False``: the same input, date,
    rulesets and families were already recorded, as run ``id``)."""

    id: int
    added: bool
    new: int = 0
    resolved: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.id, "added": self.added, "new": self.new, "resolved": self.resolved}


@attrs.frozen
class RegisteredBreach:
    """A breach as the register knows it: the duty (child, rule, due), what the last run that reported it said,
    and its history: first seen, last seen, resolved (met, or no longer reported) and the run that resolved it."""

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
    first_seen_run: int
    first_seen_as_of: dt.date
    last_seen_run: int
    last_seen_as_of: dt.date
    resolved_run: int | None
    resolved_as_of: dt.date | None
    resolution: Resolution | None

    @property
    def is_open(self) -> bool:
        """Still overdue: not met, and reported by the latest run that covers it."""
        return self.resolved_run is None

    def days_open(self, as_of: dt.date) -> int:
        """Days from the run that first reported it to ``as_of``."""
        return (as_of - self.first_seen_as_of).days

    def to_dict(self) -> dict[str, Any]:
        return {
            "child": self.child, "rule": self.rule, "due": self.due, "met": self.met, "days_late": self.days_late,
            "citation": self.citation, "evidence": list(self.evidence), "explanation": self.explanation,
            "basis": self.basis, "discharged_by": self.discharged_by,
            "first_seen": {"run": self.first_seen_run, "as_of": self.first_seen_as_of.isoformat()},
            "last_seen": {"run": self.last_seen_run, "as_of": self.last_seen_as_of.isoformat()},
            "resolved": None if self.resolved_run is None else {
                "run": self.resolved_run, "as_of": _iso(self.resolved_as_of), "how": self.resolution},
            "open": self.is_open,
        }


@attrs.frozen
class DiffLine:
    """One breach in a comparison of two runs."""

    child: str
    rule: str
    due: str
    citation: str
    days_late: int
    met: str | None
    first_seen_as_of: dt.date
    days_open: int
    resolution: Resolution | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"child": self.child, "rule": self.rule, "due": self.due, "citation": self.citation,
                "days_late": self.days_late, "met": self.met, "first_seen": self.first_seen_as_of.isoformat(),
                "days_open": self.days_open, "resolution": self.resolution}


@attrs.frozen
class RegisterDiff:
    """What changed between two runs: breaches new in the later one, breaches of the earlier one resolved by it
    (met, or no longer reported), and breaches still open in both, with the days each has been open."""

    from_run: Run
    to_run: Run
    new: tuple[DiffLine, ...]
    resolved: tuple[DiffLine, ...]
    still_open: tuple[DiffLine, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_run.to_dict(), "to": self.to_run.to_dict(),
            "new": [d.to_dict() for d in self.new],
            "resolved": [d.to_dict() for d in self.resolved],
            "still_open": [d.to_dict() for d in self.still_open],
        }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()
