"""``swp-rules rulesets diff OLD NEW``: what changed between two versions of a ruleset (or two sets of them).

Rules are matched by id (and, where an id has several versions on a side, by their in-force start dates, then in
order); each change is one line: a rule added or removed, or one field of a rule changed (its timescales, scope,
citation, in-force dates, trigger, conditions, discharges, hand-ons…), and each declared parameter added, removed or
given another value. Indicator definitions, and the temporary relaxations a duties file declares (``relaxations:``,
by id: the rules they cover, their days, citation and words), are compared the same way, field by field. Deadlines
are compared as the rule book reads them: with ``$parameters`` resolved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from swp_rules.rulesets.duties import Deadline, Discharge, DutyRule, DutyRuleset, Trigger
from swp_rules.rulesets.loader import RulesetError, RulesetProblem, parse_file
from swp_rules.rulesets.selection import expand

#: The fields of a duty rule compared, in the order changes are listed (``timescale`` is the deadlines).
RULE_FIELDS: Final = ("title", "citation", "basis", "in_force", "trigger", "applies", "timescale", "discharged_by",
                      "scope", "clock_from", "conditions_at", "accept_before", "recurs", "then", "until_age",
                      "on_commencement", "exempt_if_done_within", "accept_since")


#: One version of a rule or definition: its in-force start and its fields as compared.
_Version = tuple[dt.date, dict[str, Any]]


@attrs.frozen
class Change:
    """One difference: ``change`` is ``added``, ``removed`` or ``changed``; ``item`` the rule or indicator id (or the
    ruleset id, for a parameter); ``field`` what changed (``rule``, ``timescale``, ``parameters.NAME``…)."""

    change: str
    item: str
    field: str
    old: Any = None
    new: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"change": self.change, "item": self.item, "field": self.field, "old": self.old, "new": self.new}


@attrs.frozen
class RulesetDiff:
    """The rulesets on each side (id, version, content hash) and the changes from old to new."""

    old: tuple[dict[str, Any], ...]
    new: tuple[dict[str, Any], ...]
    changes: tuple[Change, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"old": list(self.old), "new": list(self.new), "changes": [c.to_dict() for c in self.changes]}


def diff_rulesets(old: str | Path, new: str | Path) -> RulesetDiff:
    """Compare the rulesets ``old`` and ``new`` name (each a file, a folder, a shipped id or group, a glob).

    ``RulesetError`` when a side names nothing or holds an invalid ruleset, or holds no duties or indicators."""
    before, after = _side(old), _side(new)
    changes: list[Change] = []
    changes += _parameters(before, after)
    changes += _items(_rules(before), _rules(after))
    changes += _items(_definitions(before), _definitions(after))
    changes += _items(_relaxations(before), _relaxations(after), what="relaxation")
    return RulesetDiff(tuple(r.describe() for r in before), tuple(r.describe() for r in after), tuple(changes))


def _side(item: str | Path) -> list[Any]:
    loaded = []
    for chosen in expand(str(item)):
        ruleset = parse_file(chosen.path, str(chosen.path))
        if getattr(ruleset, "kind", None) in ("duties", "indicators"):
            loaded.append(ruleset)
    if not loaded:
        raise RulesetError([RulesetProblem(str(item), 0, "", "holds no duties or indicators ruleset to compare")])
    return loaded


# --- parameters -----------------------------------------------------------------------------------------------------

def _parameters(before: Sequence[Any], after: Sequence[Any]) -> list[Change]:
    """Parameters by name across each side (a ruleset id when the same name is declared by several)."""
    old, new = _declared(before), _declared(after)
    changes = []
    for name in sorted(set(old) | set(new)):
        (old_owner, old_value), (new_owner, new_value) = old.get(name, ("", None)), new.get(name, ("", None))
        owner = new_owner or old_owner
        if name not in new:
            changes.append(Change("removed", owner, f"parameters.{name}", old_value, None))
        elif name not in old:
            changes.append(Change("added", owner, f"parameters.{name}", None, new_value))
        elif old_value != new_value:
            changes.append(Change("changed", owner, f"parameters.{name}", old_value, new_value))
    return changes


def _declared(rulesets: Sequence[Any]) -> dict[str, tuple[str, Any]]:
    found: dict[str, tuple[str, Any]] = {}
    for ruleset in rulesets:
        for name, value in (getattr(ruleset, "parameters", None) or {}).items():
            found[name] = (ruleset.id, value)
    return found


# --- rules and definitions --------------------------------------------------------------------------------------------

def _rules(rulesets: Sequence[Any]) -> dict[str, list[_Version]]:
    found: dict[str, list[_Version]] = {}
    for ruleset in rulesets:
        if isinstance(ruleset, DutyRuleset):
            for rule in ruleset.rules:
                found.setdefault(rule.id, []).append((rule.in_force_from, _duty_fields(rule)))
    return found


def _definitions(rulesets: Sequence[Any]) -> dict[str, list[_Version]]:
    found: dict[str, list[_Version]] = {}
    for ruleset in rulesets:
        if getattr(ruleset, "kind", None) == "indicators":
            for definition in ruleset.indicators:
                fields = _definition_fields(definition)
                start = getattr(definition, "in_force_from", None) or dt.date.min
                found.setdefault(definition.id, []).append((start, fields))
    return found


def _relaxations(rulesets: Sequence[Any]) -> dict[str, list[_Version]]:
    found: dict[str, list[_Version]] = {}
    for ruleset in rulesets:
        for relaxation in getattr(ruleset, "relaxations", ()):
            fields = {"title": relaxation.words, "citation": relaxation.citation,
                      "in_force": f"from {relaxation.start.isoformat()} to {relaxation.end.isoformat()}",
                      "rules": sorted(relaxation.rules)}
            found.setdefault(relaxation.id, []).append((relaxation.start, fields))
    return found


def _items(old: Mapping[str, list[_Version]], new: Mapping[str, list[_Version]], *,
           what: str = "rule") -> list[Change]:
    changes: list[Change] = []
    for item in sorted(set(old) | set(new)):
        pairs, removed, added = _pair(sorted(old.get(item, []), key=_start), sorted(new.get(item, []), key=_start))
        several = len(old.get(item, [])) > 1 or len(new.get(item, [])) > 1
        for start, fields in removed:
            changes.append(Change("removed", _label(item, start, several), what, _summary(fields), None))
        for start, fields in added:
            changes.append(Change("added", _label(item, start, several), what, None, _summary(fields)))
        for (start, before), (_, after) in pairs:
            for key in [k for k in RULE_FIELDS if k in before or k in after] + sorted(
                    k for k in set(before) | set(after) if k not in RULE_FIELDS):
                if before.get(key) != after.get(key):
                    changes.append(Change("changed", _label(item, start, several), key, before.get(key),
                                          after.get(key)))
    return changes


def _start(version: _Version) -> dt.date:
    return version[0]


def _pair(old: list[_Version], new: list[_Version]) -> tuple[list[tuple[_Version, _Version]], list[_Version],
                                                             list[_Version]]:
    """Versions paired by start date, then in order; the rest removed (old) or added (new)."""
    pairs = []
    rest_old = list(old)
    rest_new = []
    for version in new:
        same = next((o for o in rest_old if o[0] == version[0]), None)
        if same is not None:
            rest_old.remove(same)
            pairs.append((same, version))
        else:
            rest_new.append(version)
    while rest_old and rest_new:
        pairs.append((rest_old.pop(0), rest_new.pop(0)))
    return pairs, rest_old, rest_new


def _label(item: str, start: dt.date, several: bool) -> str:
    return f"{item} (from {start.isoformat()})" if several else item


def _summary(fields: Mapping[str, Any]) -> str:
    parts = [str(fields.get("title", ""))]
    if fields.get("timescale"):
        parts.append("; ".join(fields["timescale"]) if isinstance(fields["timescale"], list) else
                     str(fields["timescale"]))
    if fields.get("citation"):
        parts.append(str(fields["citation"]))
    return " — ".join(p for p in parts if p)


# --- the fields compared ----------------------------------------------------------------------------------------------

def _duty_fields(rule: DutyRule) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": rule.title,
        "citation": rule.citation,
        "in_force": f"from {rule.in_force_from.isoformat()}"
                    + (f" to {rule.in_force_to.isoformat()}" if rule.in_force_to else ""),
        "trigger": trigger_text(rule.trigger),
        "applies": rule.applies.text if rule.applies else None,
        "timescale": [deadline_text(d) for d in rule.deadlines],
        "discharged_by": [discharge_text(d) for d in rule.discharged_by],
        "scope": rule.scope,
        "clock_from": rule.clock_from,
        "conditions_at": rule.conditions_at,
        "accept_before": rule.accept_before,
        "recurs": rule.recurs,
        "then": rule.then,
        "until_age": rule.until_age,
        "on_commencement": rule.on_commencement,
        "exempt_if_done_within": deadline_text(rule.exempt_within) if rule.exempt_within else None,
        "accept_since": rule.accept_since,
    }
    basis = getattr(rule, "basis", None)
    if basis is not None:
        fields["basis"] = basis
    return fields


def _definition_fields(definition: Any) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    _flatten("", definition.to_dict(), flat)
    flat.pop("id", None)
    return flat


def _flatten(prefix: str, value: Any, into: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), item, into)
    else:
        into[prefix] = list(value) if isinstance(value, tuple) else value


def trigger_text(trigger: Trigger) -> str:
    """A trigger as a reader says it: ``placement_start``, ``event visit_requested``, ``birthday 4``…"""
    if trigger.kind == "event":
        return f"event {trigger.event}"
    if trigger.kind == "birthday":
        return f"birthday {trigger.age}"
    if trigger.kind == "leaving_care_eligible":
        return (f"leaving_care_eligible (since age {trigger.since_age}, from age {trigger.from_age}, "
                f"{trigger.weeks} weeks)")
    if trigger.kind == "chain":
        return "none (started by another rule's then)"
    return trigger.kind


def deadline_text(deadline: Deadline) -> str:
    """``6 weeks when years_in_placement < 1 (SI 2010/959 reg 28(2)(b))``."""
    text = deadline.describe()
    if deadline.when is not None:
        text += f" when {deadline.when.text}"
        if deadline.conditions_at:
            text += f" (read at {deadline.conditions_at.replace('_', ' ')})"
    if deadline.citation:
        text += f" ({deadline.citation})"
    return text


def discharge_text(discharge: Discharge) -> str:
    """``health_assessment when kind == 'initial'``, ``access_responded refers_to request``."""
    text = discharge.event
    if discharge.when is not None:
        text += f" when {discharge.when.text}"
    if discharge.refers_to is not None:
        text += f" refers_to {discharge.refers_to}"
    return text


def changed_timescales(result: RulesetDiff) -> Iterable[Change]:
    """The changes of a rule's timescale (for a quick look at what a new version of the law changed)."""
    return (c for c in result.changes if c.field == "timescale")

