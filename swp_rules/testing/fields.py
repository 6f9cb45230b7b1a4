"""The fields of an event that discharges a duty: realistic where the case says what they are (the worker on the day,
the IRO who chairs reviews, the first health assessment being the initial one), and always satisfying the condition
the duty puts on them (``discharged_by: [{event: health_assessment, when: "kind == 'initial'"}]``)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Final

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn

from swp_rules import codes
from swp_rules.model import EVENT_TYPES, FieldSpec
from swp_rules.rulesets import conditions as cond
from swp_rules.rulesets.duties import Condition
from swp_rules.testing.drafts import Drafts
from swp_rules.testing.events import field_values

#: Event types whose first occurrence is the initial one (``kind: initial``) and the rest reviews.
_INITIAL_THEN_REVIEW: Final = frozenset({"health_assessment", "pep"})
#: At most this many assignments are tried to satisfy a discharge condition.
_MOST_TRIES: Final = 500


@attrs.frozen
class CaseStaff:
    """Who works on the case: the allocated social workers (from the day each was allocated) and the IRO."""

    workers: tuple[tuple[dt.date, str], ...]
    iro: str
    adviser: str

    def worker_on(self, day: dt.date) -> str:
        found = self.workers[0][1]
        for start, worker in self.workers:
            if start <= day:
                found = worker
        return found


def _realistic(draw: DrawFn, event_type: str, day: dt.date, staff: CaseStaff, drafts: Drafts) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if event_type == "visit":
        fields["worker"] = staff.worker_on(day)
        if draw(st.booleans()):
            fields["seen_alone"] = draw(st.booleans())
    elif event_type == "review":
        fields["chair"] = staff.iro
        if draw(st.booleans()):
            fields["participation"] = draw(st.sampled_from(sorted(codes.PARTICIPATION)))
    elif event_type == "iro_appointed":
        fields["iro"] = staff.iro
    elif event_type == "personal_adviser_appointed":
        fields["adviser"] = staff.adviser
    elif event_type in _INITIAL_THEN_REVIEW:
        fields["kind"] = "review" if drafts.of_type(event_type) else "initial"
    elif event_type == "immunisations":
        fields["up_to_date"] = True
    elif event_type == "sdq":
        if draw(st.integers(0, 4)) == 0:
            fields["reason"] = draw(st.sampled_from(sorted(codes.SDQ_REASON - {"SDQ1"})))
        else:
            fields["score"] = draw(st.integers(0, 40))
    for name, spec in EVENT_TYPES[event_type].items():
        if spec.required and name not in fields:
            fields[name] = draw(field_values(spec))
    return fields


def _candidates(spec: FieldSpec | None, current: Any) -> list[Any]:
    """The values worth trying for a field a condition reads, the current one first."""
    found: list[Any] = [] if current is None else [current]
    if spec is None:
        return found
    if spec.kind == "bool":
        found += [True, False]
    elif spec.choices:
        found += list(spec.choices)
    elif spec.kind == "code" and spec.code_list is not None:
        found += sorted(codes.CODE_LISTS[spec.code_list])
    elif spec.kind == "int":
        low = spec.minimum if spec.minimum is not None else 0
        found += [low, low + 1, spec.maximum if spec.maximum is not None else low + 10]
    return list(dict.fromkeys(found))


def satisfy(fields: dict[str, Any], event_type: str, when: Condition | None) -> dict[str, Any] | None:
    """``fields`` changed as little as needed for ``when`` to hold over them (``None`` when no values make it hold)."""
    if when is None or cond.holds(when.node, fields):
        return fields
    specs = EVENT_TYPES[event_type]
    names = list(when.names)
    options = [_candidates(specs.get(name), fields.get(name)) for name in names]
    for values in itertools.islice(itertools.product(*options), _MOST_TRIES):
        trial = {**fields, **dict(zip(names, values, strict=True))}
        if cond.holds(when.node, trial):
            return trial
    return None


def discharge_fields(draw: DrawFn, event_type: str, day: dt.date, *, staff: CaseStaff, drafts: Drafts,
                     when: Condition | None = None) -> dict[str, Any] | None:
    """The fields of a ``event_type`` event on ``day`` that meets ``when`` (``None`` if none can)."""
    return satisfy(_realistic(draw, event_type, day, staff, drafts), event_type, when)
