"""Recording a run: the run, its findings (breaches and open duties keyed by child, rule and due), and the history
of each breach (first seen, resolved by being met or by no longer being reported).

History follows the order in which runs are recorded. A run limited to some rule families (``check --family``)
resolves only breaches of those families. Recording happens in one transaction under the register's write lock,
so two runs recorded at once are recorded one after the other; recording the same input, date, rulesets and
families again adds nothing and names the run already recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Sequence
from typing import Any

import attrs
import sqlalchemy as sa

from swp_rules.engine.evaluate import Evaluation
from swp_rules.engine.results import Breach, Due, Obligation
from swp_rules.io.events import InputCounts
from swp_rules.register.results import RecordedRun
from swp_rules.register.tables import duties, findings, runs

DutyKey = tuple[str, str, str]


@attrs.frozen
class RunInput:
    """What identifies a run besides its results: the input's digest, the families reported, and the counts."""

    input_digest: str
    counts: InputCounts
    families: tuple[str, ...] = ()


def run_key(evaluation: Evaluation, run_input: RunInput) -> str:
    """The run's identity: the same input, as-of date, rulesets (ids, versions, hashes) and families."""
    identity = [run_input.input_digest, evaluation.as_of.isoformat(), list(evaluation.rulesets),
                sorted(run_input.families)]
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()


def _due(value: Due) -> str:
    return value.isoformat()


def _finding(result: Breach | Obligation, status: str) -> dict[str, Any]:
    met = getattr(result, "met", None)
    return {
        "status": status,
        "met": None if met is None else met.isoformat(),
        "days_late": getattr(result, "days_late", 0),
        "citation": result.citation,
        "evidence": json.dumps(list(result.evidence)),
        "explanation": result.explanation,
        "basis": getattr(result, "basis", None),
        "discharged_by": getattr(result, "discharged_by", None),
    }


def record_run(connection: sa.Connection, evaluation: Evaluation, run_input: RunInput, *,
               recorded_at: dt.datetime | None = None) -> RecordedRun:
    """Record a run on a connection inside the register's write transaction (``database.writing``)."""
    key = run_key(evaluation, run_input)
    existing = connection.execute(sa.select(runs.c.id).where(runs.c.run_key == key)).scalar()
    if existing is not None:
        return RecordedRun(existing, added=False)
    when = (recorded_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
    counts = run_input.counts
    run_id = connection.execute(sa.insert(runs).values(
        run_key=key, recorded_at=when, as_of=evaluation.as_of, input_digest=run_input.input_digest,
        rulesets=json.dumps(list(evaluation.rulesets), sort_keys=True, default=str),
        families=",".join(sorted(run_input.families)), read=counts.read, evaluated=counts.evaluated,
        duplicates=counts.duplicates, rejected=counts.rejected, children=evaluation.children,
        breaches=len(evaluation.breaches), open=len(evaluation.open),
    ).returning(runs.c.id)).scalar_one()

    reported: dict[DutyKey, dict[str, Any]] = {}
    for breach in evaluation.breaches:
        reported[(breach.child, breach.rule, _due(breach.due))] = _finding(breach, "breached")
    for duty in evaluation.open:
        reported.setdefault((duty.child, duty.rule, _due(duty.due)), _finding(duty, "open"))

    known = _known_duties(connection)
    ids = _add_new_duties(connection, run_id, [k for k in reported if k not in known])
    ids.update({k: v[0] for k, v in known.items()})
    new, resolved = _update_history(connection, run_id, reported, known, ids, run_input.families)
    if reported:
        connection.execute(sa.insert(findings), [
            dict(finding, run_id=run_id, duty_id=ids[k]) for k, finding in reported.items()])
    return RecordedRun(run_id, added=True, new=new, resolved=resolved)


#: A known duty: its id, the first run that reported it breached, the run that resolved it.
_Known = tuple[int, int | None, int | None]


def _known_duties(connection: sa.Connection) -> dict[DutyKey, _Known]:
    rows = connection.execute(sa.select(duties.c.child, duties.c.rule, duties.c.due, duties.c.id,
                                        duties.c.first_breached_run, duties.c.resolved_run))
    return {(r.child, r.rule, r.due): (r.id, r.first_breached_run, r.resolved_run) for r in rows}


def _add_new_duties(connection: sa.Connection, run_id: int, keys: Sequence[DutyKey]) -> dict[DutyKey, int]:
    if not keys:
        return {}
    rows = connection.execute(
        sa.insert(duties).returning(duties.c.id, duties.c.child, duties.c.rule, duties.c.due,
                                    sort_by_parameter_order=True),
        [{"child": c, "rule": r, "due": d, "first_seen_run": run_id} for c, r, d in keys],
    )
    return {(row.child, row.rule, row.due): row.id for row in rows}


def _update_history(connection: sa.Connection, run_id: int, reported: dict[DutyKey, dict[str, Any]],
                    known: dict[DutyKey, _Known], ids: dict[DutyKey, int],
                    families: Collection[str]) -> tuple[int, int]:
    """Set each duty's breach history after this run; returns the breaches new to the register, and how many
    breaches open before this run it resolved."""
    first_breached: list[int] = []
    met: list[int] = []
    reopened: list[int] = []
    was_open = 0
    for key, finding in reported.items():
        if finding["status"] != "breached":
            continue
        duty_id, first, resolved = known.get(key, (ids[key], None, None))
        if first is None:
            first_breached.append(duty_id)
        if finding["met"] is not None and (first is None or resolved is None):
            met.append(duty_id)  # met late: resolved by this run (at once, for a breach first seen already met)
            was_open += first is not None
        elif finding["met"] is None and resolved is not None:
            reopened.append(duty_id)
    wanted = frozenset(families)
    gone = [duty_id for key, (duty_id, first, resolved) in known.items()
            if first is not None and resolved is None
            and reported.get(key, {}).get("status") != "breached"
            and (not wanted or key[1].split(".", 1)[0] in wanted)]
    _set(connection, first_breached, first_breached_run=run_id)
    _set(connection, met, resolved_run=run_id, resolution="met")
    _set(connection, reopened, resolved_run=None, resolution=None)
    _set(connection, gone, resolved_run=run_id, resolution="no longer reported")
    return len(first_breached), was_open + len(gone)


def _set(connection: sa.Connection, duty_ids: Sequence[int], **values: Any) -> None:
    for start in range(0, len(duty_ids), 500):
        chunk = duty_ids[start:start + 500]
        connection.execute(sa.update(duties).where(duties.c.id.in_(chunk)).values(**values))
