"""What the duty engine reports (SPEC.md §2): breaches, open obligations and every duty's record for ``explain``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs

from swp_rules.plain import PlainData
from swp_rules.rulesets.duties import Basis

Status = Literal["met", "breached", "open", "lapsed"]
Due = dt.date | dt.datetime


def _iso(value: Due | None) -> str | None:
    return None if value is None else value.isoformat()


@attrs.frozen(slots=True)
class DutyRecord(PlainData):
    """One obligation's life: when its clock started, when it fell due, and what became of it."""

    child: str
    rule: str
    title: str
    citation: str
    status: Status
    clock_start: Due
    clock: str
    deadline: str
    due: Due
    met: Due | None
    days_late: int
    evidence: tuple[str, ...]
    explanation: str
    ruleset: str
    ended: dt.date | None = None
    #: What makes the duty owed (SPEC.md §2): regulation, statutory-guidance, return, contract or local.
    basis: Basis = "regulation"
    #: The id of the event that met the duty (on time or late), or ``None``.
    discharged_by: str | None = None


@attrs.frozen(slots=True)
class Breach(PlainData):
    """A duty not met on time (SPEC.md §2)."""

    child: str
    rule: str
    due: Due
    met: Due | None
    days_late: int
    citation: str
    evidence: tuple[str, ...]
    explanation: str
    basis: Basis = "regulation"
    discharged_by: str | None = None

    @classmethod
    def of(cls, record: DutyRecord) -> Breach:
        return cls(record.child, record.rule, record.due, record.met, record.days_late, record.citation,
                   record.evidence, record.explanation, basis=record.basis, discharged_by=record.discharged_by)


@attrs.frozen(slots=True)
class Obligation(PlainData):
    """A duty not yet due (SPEC.md §2: ``status: open``)."""

    child: str
    rule: str
    due: Due
    citation: str
    evidence: tuple[str, ...]
    explanation: str
    status: Literal["open"] = "open"
    basis: Basis = "regulation"

    @classmethod
    def of(cls, record: DutyRecord) -> Obligation:
        return cls(record.child, record.rule, record.due, record.citation, record.evidence, record.explanation,
                   basis=record.basis)


@attrs.frozen
class ChildNote(PlainData):
    """Something about a child's record that limits what could be evaluated (no date of birth, an event outside
    a period of care, a structural problem in an SSDA903 return)."""

    child: str
    note: str
