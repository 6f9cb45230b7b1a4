"""``swp-rules rulesets lint``: problems a valid ruleset can still have, each as ``file:line: key: reason``.

The loader refuses what is wrong (``rulesets validate``); lint finds what is legal but almost certainly a mistake:

- ``in-force-overlap`` / ``in-force-gap``: two versions of a rule in force on the same day (the rule book refuses
  them together), or a day between two versions when neither is;
- ``never-applies``: a rule or a deadline whose condition can never hold, a chain link no rule hands on to, a
  trigger past the rule's ``until_age``;
- ``unused-parameter`` / ``undeclared-parameter``: a declared parameter no ``$name`` uses, a ``$name`` not declared;
- ``never-discharged``: a discharge no event the SPEC allows can match (its ``when`` asks for a value the event's
  field never has), or one listed twice;
- ``then-cycle``: rules that hand on to each other in a loop (``recurs: true`` is the way to repeat);
- ``unknown-then``: a hand-on to a rule no file defines;
- ``invalid``: what the loader refuses (lint reports it too, then lints the rest).

Rules of the shipped statutory rulesets are read as context (a local rule may hand on to a statutory one, and one
added with ``+`` must not overlap a statutory version); findings are reported only in the files linted.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from swp_rules.model import EVENT_TYPES
from swp_rules.rulesets import conditions as cond
from swp_rules.rulesets.duties import DutyRule, DutyRuleset
from swp_rules.rulesets.loader import Node, RulesetError, parse_file, read_yaml
from swp_rules.rulesets.satisfiable import why_never
from swp_rules.rulesets.selection import DEFAULT_GROUPS, expand
from swp_rules.rulesets.tree import LineMap
from swp_rules.text import ordinal

#: A value that refers to a parameter (prose that mentions one is not a reference).
_PARAMETER: Final = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")
#: Parameters an indicators ruleset's mechanism reads by name (not through ``$name``): never "unused".
_READ_BY_NAME: Final[Mapping[str, frozenset[str]]] = {
    "indicators": frozenset({"duration_counting", "temporary_placements", "same_carer_placements",
                             "short_break_statuses"}),
}


@attrs.frozen(order=True)
class Finding:
    """One lint finding: where (``file:line``), the key, the reason, and the check that found it."""

    file: str
    line: int
    key: str
    reason: str
    check: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.key}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "key": self.key, "reason": self.reason, "check": self.check}


@attrs.define
class _Rule:
    """A loaded rule with its YAML node (for the line of each key) and whether it was linted or is context."""

    rule: DutyRule
    node: Node
    linted: bool


def lint(items: Iterable[str | Path], *, context: bool = True) -> list[Finding]:
    """Lint the rulesets ``items`` name (files, folders, shipped ids, groups, globs); ``context``: read the shipped
    statutory rulesets beside them. ``RulesetError`` when an item names nothing."""
    paths: list[Path] = []
    for item in items:
        paths.extend(c.path for c in expand(str(item)))
    paths = list(dict.fromkeys(paths))
    findings: list[Finding] = []
    rules: list[_Rule] = []
    for path in paths:
        findings += _lint_file(path, rules)
    if context:
        linted = {p.resolve() for p in paths}
        for chosen in expand(DEFAULT_GROUPS["duties"]):
            if chosen.path.resolve() not in linted:
                _lint_file(chosen.path, rules, linted=False)
    findings += _versions(rules)
    findings += _chains(rules)
    own = {(f.file, f.line, f.key) for f in findings if f.check != "invalid"}  # said better by lint's own check
    kept = {f for f in findings if f.check != "invalid" or (f.file, f.line, f.key) not in own}
    return sorted(kept, key=lambda f: (f.file, f.line, f.key, f.reason))


def _lint_file(path: Path, rules: list[_Rule], linted: bool = True) -> list[Finding]:
    try:
        source = read_yaml(path, str(path))
    except RulesetError as exc:
        return [Finding(p.file, p.line, p.key, p.reason, "invalid") for p in exc.problems]
    findings: list[Finding] = []
    kind = source.root["kind"].value
    findings += _parameters(source.root, str(kind))
    try:
        loaded = parse_file(path, str(path))
    except RulesetError as exc:
        findings += [Finding(p.file, p.line, p.key, p.reason, "invalid") for p in exc.problems]
        return findings if linted else []
    if isinstance(loaded, DutyRuleset):
        nodes = {f"{n.file}:{n.line}": n for n in source.root["rules"].elements()}
        for rule in loaded.rules:
            node = nodes.get(rule.source)
            if node is not None:
                rules.append(_Rule(rule, node, linted))
                findings += _rule(rule, node)
    return findings if linted else []


# --- parameters -----------------------------------------------------------------------------------------------------

def _parameters(root: Node, kind: str) -> list[Finding]:
    declared = root["parameters"]
    names = [name for name, _ in declared.items()] if isinstance(declared.value, Mapping) else []
    used: dict[str, list[Node]] = {}
    for node in _walk(root):
        if node.path.startswith("parameters"):
            continue
        value = node.value
        if isinstance(value, str) and _PARAMETER.fullmatch(value):
            used.setdefault(value[1:], []).append(node)
    findings = []
    by_name = _READ_BY_NAME.get(kind, frozenset())
    for name in names:
        if name not in used and name not in by_name:
            node = declared[name]
            lines = declared.value.key_lines if isinstance(declared.value, LineMap) else {}
            line = lines.get(name) or node.line
            findings.append(Finding(node.file, line, node.path, "is declared but no $" + name + " uses it",
                                    "unused-parameter"))
    for name, nodes in used.items():
        if name not in names:
            findings += [Finding(n.file, n.line, n.path, f"${name} is not declared under parameters",
                                 "undeclared-parameter") for n in nodes]
    return findings


def _walk(node: Node) -> Iterable[Node]:
    yield node
    if isinstance(node.value, Mapping):
        for _, child in node.items():
            yield from _walk(child)
    elif isinstance(node.value, list):
        for child in node.elements():
            yield from _walk(child)


# --- one rule -------------------------------------------------------------------------------------------------------

def _rule(rule: DutyRule, node: Node) -> list[Finding]:
    findings: list[Finding] = []
    also: list[cond.Compare] = []
    ends = ""
    if rule.until_age is not None:
        also.append(cond.Compare("age", "<", rule.until_age))
        ends = f" (the duty ends at the {ordinal(rule.until_age)} birthday: until_age {rule.until_age})"
    if rule.applies is not None:
        reason = why_never(rule.applies.node, also=also)
        if reason is not None:
            findings.append(_at(node["applies"], f"can never hold, so the rule never applies: {reason}{ends}",
                                "never-applies"))
    trigger = rule.trigger
    start_age = trigger.age if trigger.kind == "birthday" else trigger.from_age
    if rule.until_age is not None and start_age is not None and start_age >= rule.until_age:
        findings.append(_at(node["trigger"], f"starts at age {start_age}, on or after until_age {rule.until_age}: "
                                             "the rule never applies", "never-applies"))
    seen: list[str] = []
    for deadline, item in zip(rule.deadlines, _items(node["deadline"]), strict=False):
        if deadline.when is None:
            continue
        where = item["when"]
        reason = why_never(deadline.when.node, also=also)
        if reason is not None:
            findings.append(_at(where, f"can never hold, so this deadline never applies: {reason}{ends}",
                                "never-applies"))
        elif deadline.when.text in seen:
            findings.append(_at(where, f"is the same as an earlier deadline's, so this one never applies "
                                       f"(deadline[{seen.index(deadline.when.text)}])", "never-applies"))
        seen.append(deadline.when.text)
    findings += _discharges(rule, node["discharged_by"])
    return findings


def _discharges(rule: DutyRule, node: Node) -> list[Finding]:
    findings = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for discharge, item in zip(rule.discharged_by, node.elements(), strict=False):
        key = (discharge.event, discharge.when.text if discharge.when else None, discharge.refers_to)
        if key in seen:
            findings.append(_at(item, "is listed twice; the second never discharges anything", "never-discharged"))
        seen.add(key)
        if discharge.when is None:
            continue
        reason = why_never(discharge.when.node, closed=_choices(discharge.event))
        if reason is not None:
            findings.append(_at(item["when"], f"no {discharge.event} event the SPEC allows can match, so this never "
                                              f"discharges the duty: {reason}", "never-discharged"))
    return findings


def _choices(event: str) -> dict[str, tuple[object, ...]]:
    closed: dict[str, tuple[object, ...]] = {}
    for name, spec in EVENT_TYPES[event].items():
        choices = getattr(spec, "choices", None)
        if choices:
            closed[name] = tuple(choices)
    return closed


def _items(node: Node) -> list[Node]:
    return list(node.elements()) if isinstance(node.value, list) else [node]


# --- versions and chains across files --------------------------------------------------------------------------------

def _versions(rules: Sequence[_Rule]) -> list[Finding]:
    """Consecutive versions of a rule (by start date) that overlap, or leave days between them."""
    by_id: dict[str, list[_Rule]] = {}
    for item in rules:
        by_id.setdefault(item.rule.id, []).append(item)
    findings = []
    for rule_id, versions in by_id.items():
        ordered = sorted(versions, key=lambda v: (v.rule.in_force_from, v.rule.in_force_to or dt.date.max))
        for before, after in itertools.pairwise(ordered):
            here, there = (after, before) if after.linted else (before, after)
            if not here.linted:
                continue
            where = here.node["in_force"] if here.node.has("in_force") else here.node["id"]
            end, start = before.rule.in_force_to, after.rule.in_force_from
            if end is None or end >= start:
                until = "with no end" if end is None else f"until {end}"
                reason = (f"rule {rule_id!r} is in force from {start} here, while the version at {there.rule.source} "
                          f"is in force {until}: both would apply from {start}" if here is after else
                          f"rule {rule_id!r} is in force {until} here, while the version at {there.rule.source} "
                          f"starts on {start}: both would apply from {start}")
                findings.append(_at(where, reason, "in-force-overlap"))
            elif end + dt.timedelta(days=1) < start:
                gap = f"from {end + dt.timedelta(days=1)} to {start - dt.timedelta(days=1)}"
                reason = (f"no version of rule {rule_id!r} is in force {gap}: the version at {there.rule.source} "
                          f"ends on {end} and this one starts on {start}" if here is after else
                          f"no version of rule {rule_id!r} is in force {gap}: this one ends on {end} and the "
                          f"version at {there.rule.source} starts on {start}")
                findings.append(_at(where, reason, "in-force-gap"))
    return findings


def _chains(rules: Sequence[_Rule]) -> list[Finding]:
    ids = {item.rule.id for item in rules}
    handed: dict[str, set[str]] = {}
    started: set[str] = set()
    for item in rules:
        rule = item.rule
        if rule.then is not None:
            handed.setdefault(rule.id, set()).add(rule.then)
            started.add(rule.then)
        if rule.on_commencement is not None:
            started.add(rule.on_commencement)
    findings = []
    for item in rules:
        rule = item.rule
        if not item.linted:
            continue
        if rule.then is not None and rule.then not in ids:
            findings.append(_at(item.node["then"], f"no rule {rule.then!r} is defined (in these files or the shipped "
                                                   f"statutory rulesets){_near(rule.then, ids)}", "unknown-then"))
        if rule.trigger.kind == "chain" and rule.id not in started:
            findings.append(_at(item.node["id"], f"rule {rule.id!r} has no trigger and no rule hands on to it "
                                                 "(then:), so it never starts", "never-applies"))
    for cycle in _cycles(handed):
        first = cycle[0]
        for item in rules:
            if item.rule.id == first and item.rule.then == cycle[1 % len(cycle)] and item.linted:
                path = " → ".join([*cycle, first])
                findings.append(_at(item.node["then"], f"hands on in a loop ({path}): the chain never ends but by "
                                                       "its scope; for a duty that repeats, use recurs: true",
                                    "then-cycle"))
                break
    return findings


def _cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Each cycle of the hand-on graph once, starting at its smallest rule id."""
    found: set[tuple[str, ...]] = set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt == path[0]:
                found.add(tuple(path))
            elif nxt not in path and nxt > path[0]:
                visit(nxt, [*path, nxt])

    for start in sorted(edges):
        visit(start, [start])
    return [list(c) for c in sorted(found)]


def _near(word: str, known: Iterable[str]) -> str:
    from swp_rules.rulesets.suggest import did_you_mean

    return did_you_mean(word, known)


def _at(node: Node, reason: str, check: str) -> Finding:
    return Finding(node.file, node.line, node.path, reason, check)
