"""Reading the register: its runs, its breaches with their history, and the difference between two runs."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from swp_rules.io.events import InputCounts
from swp_rules.register.database import UnknownRun
from swp_rules.register.results import DiffLine, RegisterDiff, RegisteredBreach, Resolved, Run, Sighting
from swp_rules.register.tables import duties, findings, runs


def _run(row: Any) -> Run:
    return Run(id=row.id, recorded_at=row.recorded_at, as_of=row.as_of, input_digest=row.input_digest,
               rulesets=tuple(json.loads(row.rulesets)), families=tuple(f for f in row.families.split(",") if f),
               input=InputCounts(read=row.read, evaluated=row.evaluated, duplicates=row.duplicates,
                                 rejected=row.rejected),
               children=row.children, breaches=row.breaches, open=row.open)


def list_runs(connection: sa.Connection) -> list[Run]:
    """Every run, in the order recorded."""
    return [_run(r) for r in connection.execute(sa.select(runs).order_by(runs.c.id))]


def get_run(connection: sa.Connection, run_id: int) -> Run:
    row = connection.execute(sa.select(runs).where(runs.c.id == run_id)).first()
    if row is None:
        raise UnknownRun(f"the register has no run {run_id}")
    return _run(row)


def list_breaches(connection: sa.Connection, *, open_only: bool = False, child: str | None = None,
                  rule: str | None = None) -> list[RegisteredBreach]:
    """Every breach the register has seen (or only those still open), for one child or rule if asked, by child,
    rule and due date; each with what the last run that reported it said, and its history."""
    last = (sa.select(findings.c.duty_id, sa.func.max(findings.c.run_id).label("run_id"))
            .where(findings.c.status == "breached").group_by(findings.c.duty_id).subquery("last"))
    first_run = runs.alias("first_run")
    last_run = runs.alias("last_run")
    resolved_run = runs.alias("resolved_run")
    query = (
        sa.select(duties.c.child, duties.c.rule, duties.c.due, duties.c.first_breached_run, duties.c.resolved_run,
                  duties.c.resolution, findings.c.met, findings.c.days_late, findings.c.citation,
                  findings.c.evidence, findings.c.explanation, findings.c.basis, findings.c.discharged_by,
                  last.c.run_id.label("last_run_id"), first_run.c.as_of.label("first_as_of"),
                  last_run.c.as_of.label("last_as_of"), resolved_run.c.as_of.label("resolved_as_of"))
        .select_from(duties)
        .join(last, last.c.duty_id == duties.c.id)
        .join(findings, sa.and_(findings.c.duty_id == duties.c.id, findings.c.run_id == last.c.run_id))
        .join(first_run, first_run.c.id == duties.c.first_breached_run)
        .join(last_run, last_run.c.id == last.c.run_id)
        .outerjoin(resolved_run, resolved_run.c.id == duties.c.resolved_run)
        .order_by(duties.c.child, duties.c.rule, duties.c.due)
    )
    if open_only:
        query = query.where(duties.c.resolved_run.is_(None))
    if child is not None:
        query = query.where(duties.c.child == child)
    if rule is not None:
        query = query.where(duties.c.rule == rule)
    return [RegisteredBreach(
        child=r.child, rule=r.rule, due=r.due, met=r.met, days_late=r.days_late, citation=r.citation,
        evidence=tuple(json.loads(r.evidence)), explanation=r.explanation, basis=r.basis,
        discharged_by=r.discharged_by, first_seen=Sighting(r.first_breached_run, r.first_as_of),
        last_seen=Sighting(r.last_run_id, r.last_as_of),
        resolved=None if r.resolved_run is None else Resolved(r.resolved_run, r.resolved_as_of, r.resolution),
    ) for r in connection.execute(query)]


def _breached_in(connection: sa.Connection, run_id: int) -> dict[int, Any]:
    first_run = runs.alias("first_run")
    query = (
        sa.select(duties.c.id, duties.c.child, duties.c.rule, duties.c.due, findings.c.met, findings.c.days_late,
                  findings.c.citation, first_run.c.as_of.label("first_as_of"))
        .select_from(findings)
        .join(duties, duties.c.id == findings.c.duty_id)
        .join(first_run, first_run.c.id == duties.c.first_breached_run)
        .where(findings.c.run_id == run_id, findings.c.status == "breached")
    )
    return {row.id: row for row in connection.execute(query)}


def diff_runs(connection: sa.Connection, from_id: int, to_id: int) -> RegisterDiff:
    """Breaches new in run ``to_id``; those overdue in ``from_id`` and resolved by ``to_id`` (met, or no longer
    reported); those overdue in both, with days open counted from the run that first reported them to
    ``to_id``'s as-of date."""
    before_run, after_run = get_run(connection, from_id), get_run(connection, to_id)
    before, after = _breached_in(connection, from_id), _breached_in(connection, to_id)
    day = after_run.as_of

    def line(row: Any, resolution: Any = None) -> DiffLine:
        return DiffLine(child=row.child, rule=row.rule, due=row.due, citation=row.citation,
                        days_late=row.days_late, met=row.met, first_seen_as_of=row.first_as_of,
                        days_open=(day - row.first_as_of).days, resolution=resolution)

    def order(lines: list[DiffLine]) -> tuple[DiffLine, ...]:
        return tuple(sorted(lines, key=lambda d: (d.child, d.rule, d.due)))

    new = [line(row) for duty_id, row in after.items() if duty_id not in before]
    resolved: list[DiffLine] = []
    still_open: list[DiffLine] = []
    for duty_id, row in before.items():
        if row.met is not None:
            continue
        later = after.get(duty_id)
        if later is None:
            resolved.append(line(row, "no longer reported"))
        elif later.met is not None:
            resolved.append(line(later, "met"))
        else:
            still_open.append(line(later))
    return RegisterDiff(before_run, after_run, order(new), order(resolved), order(still_open))
