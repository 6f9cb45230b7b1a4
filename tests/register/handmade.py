"""Hand-made runs for the register's tests: evaluations built from a few breaches and open duties."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from swp_rules.engine.evaluate import Evaluation
from swp_rules.engine.results import Breach, Obligation
from swp_rules.io.events import InputCounts
from swp_rules.register import RunInput

RULESETS = ({"id": "statutory/test", "kind": "duties", "version": "1", "sha256": "0" * 64},)


def _make(cls: type[Any], **values: Any) -> Any:
    fields = attrs.fields_dict(cls)
    extra = {"basis": "regulation", "discharged_by": values.get("discharged_by")}
    values.update({k: v for k, v in extra.items() if k in fields and k not in values})
    return cls(**{k: v for k, v in values.items() if k in fields})


def breach(child: str, rule: str, due: str, *, met: str | None = None, as_of: str = "2012-01-01") -> Breach:
    due_day = dt.date.fromisoformat(due)
    met_day = dt.date.fromisoformat(met) if met else None
    late = ((met_day or dt.date.fromisoformat(as_of)) - due_day).days
    return _make(Breach, child=child, rule=rule, due=due_day, met=met_day, days_late=late,
                 citation=f"SI 2010/959 ({rule})", evidence=(f"{child}-e1",),
                 explanation=f"{rule} for {child} due {due}")


def open_duty(child: str, rule: str, due: str) -> Obligation:
    return _make(Obligation, child=child, rule=rule, due=dt.date.fromisoformat(due), citation="SI 2010/959",
                 evidence=(f"{child}-e1",), explanation=f"{rule} for {child} due {due}")


def run(as_of: str, breaches: list[Breach], open_: tuple[Obligation, ...] = (), *, digest: str | None = None,
        families: tuple[str, ...] = ()) -> tuple[Evaluation, RunInput]:
    children = len({b.child for b in breaches} | {o.child for o in open_})
    evaluation = Evaluation(dt.date.fromisoformat(as_of), tuple(breaches), tuple(open_), (), (), RULESETS, children)
    counts = InputCounts(read=10, evaluated=10)
    return evaluation, RunInput(digest or f"digest-{as_of}", counts, families)
