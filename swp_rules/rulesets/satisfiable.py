"""Whether a condition can ever hold: the check behind ``rulesets lint``'s "can never apply" findings.

A condition (in negation normal form) is expanded into alternatives of comparisons (each a conjunction); an
alternative can hold when every fact it reads keeps at least one possible value. The possible values are the
fact's type (a whole number of zero or more for ages and counts), a closed list where the data has one (legal
statuses, placement codes, an event field's declared choices), and the facts that follow from a code (``foster``
from the placement code, ``short_breaks`` from the legal status). ``why_never`` returns the reason an impossible
condition can never hold, in words, or ``None`` when it can hold (or is too large to expand: then it is assumed
to). Nothing here evaluates a case; it reasons over the rulesets' own text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import product
from typing import Final

import attrs

from swp_rules import codes
from swp_rules.rulesets import conditions as cond

#: Alternatives expanded at most; a larger condition is assumed satisfiable (a lint check must stay quick).
_MOST_ALTERNATIVES: Final = 512

#: Facts whose value is a whole number of zero or more.
NON_NEGATIVE: Final = frozenset({"age", "days_in_placement", "years_in_placement", "days_looked_after",
                                 "reviews_held", "score"})
#: Text facts with a closed list of values in the data standard.
CLOSED: Final[Mapping[str, frozenset[str]]] = {
    "legal_status": codes.LEGAL_STATUS,
    "placement": codes.PLACEMENT,
    "sex": codes.SEX,
}
#: True/false facts that follow from a code: (the code fact, the codes for which the fact is true).
DERIVED: Final[Mapping[str, tuple[str, frozenset[str]]]] = {
    "foster": ("placement", codes.FOSTER_PLACEMENT),
    "temporary": ("placement", codes.TEMPORARY_PLACEMENT),
    "adoption": ("placement", codes.ADOPTION_PLACEMENT),
    "placed_with_parents": ("placement", frozenset({"P1"})),
    "short_breaks": ("legal_status", codes.SHORT_BREAK_STATUS),
}


@attrs.define
class _Range:
    """What is still possible for one fact within one alternative."""

    low: int | None = None
    high: int | None = None
    allowed: set[object] | None = None  # None: any value of the type
    excluded: set[object] = attrs.field(factory=set)

    def empty(self) -> bool:
        if self.low is not None and self.high is not None and self.low > self.high:
            return True
        if self.allowed is not None:
            return not any(self._fits(v) for v in self.allowed)
        if self.low is not None and self.high is not None:
            return all(v in self.excluded for v in range(self.low, self.high + 1)) if self.high - self.low < 64 \
                else False
        return False

    def _fits(self, value: object) -> bool:
        if value in self.excluded:
            return False
        if isinstance(value, int) and not isinstance(value, bool):
            return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)
        return True

    def apply(self, op: str, value: object) -> None:
        if op == "==":
            self.allowed = {value} if self.allowed is None else self.allowed & {value}
        elif op == "!=":
            self.excluded.add(value)
        elif isinstance(value, int):
            bound = {"<": value - 1, "<=": value, ">": value + 1, ">=": value}[op]
            if op in ("<", "<="):
                self.high = bound if self.high is None else min(self.high, bound)
            else:
                self.low = bound if self.low is None else max(self.low, bound)


def alternatives(node: cond.Node) -> list[list[cond.Compare]] | None:
    """The condition as alternatives of comparisons (an ``or`` of ``and``s); ``None`` when there would be too many.
    ``Const(False)`` gives none; ``Const(True)`` one empty alternative."""
    if isinstance(node, cond.Compare):
        return [[node]]
    if isinstance(node, cond.Const):
        return [[]] if node.value else []
    if isinstance(node, cond.Not):  # not in negation normal form: put it there first
        return alternatives(cond.to_nnf(node))
    parts = [alternatives(item) for item in node.items]
    if any(p is None for p in parts):
        return None
    if isinstance(node, cond.Or):
        joined = [alt for part in parts for alt in part or []]
        return joined if len(joined) <= _MOST_ALTERNATIVES else None
    count = 1
    for part in parts:
        count *= max(1, len(part or []))
        if count > _MOST_ALTERNATIVES:
            return None
    return [[c for alt in combo for c in alt] for combo in product(*[p or [] for p in parts])]


def why_never(node: cond.Node, closed: Mapping[str, Iterable[object]] | None = None,
              also: Iterable[cond.Compare] = ()) -> str | None:
    """Why the condition can never hold (``None`` if it can). ``closed``: further facts with a closed list of
    values (an event field's choices); ``also``: comparisons that hold wherever the condition is read (e.g.
    ``age < 18`` for a duty that ends at the 18th birthday)."""
    found = alternatives(node)
    if found is None:
        return None
    if not found:
        return "it is false"
    lists: dict[str, frozenset[object]] = {k: frozenset(v) for k, v in CLOSED.items()}
    lists.update({k: frozenset(v) for k, v in (closed or {}).items()})
    reasons = [_conflict([*alt, *also], lists) for alt in found]
    if any(r is None for r in reasons):
        return None
    unique = list(dict.fromkeys(r for r in reasons if r))
    return unique[0] if len(unique) == 1 else "no alternative can hold (" + "; ".join(unique) + ")"


def _conflict(items: list[cond.Compare], lists: Mapping[str, frozenset[object]]) -> str | None:
    """Why these comparisons cannot all hold at once, or ``None`` if they can."""
    ranges: dict[str, _Range] = {}
    for item in items:
        found = ranges.get(item.name)
        if found is None:
            found = ranges[item.name] = _Range()
            if item.name in NON_NEGATIVE:
                found.low = 0
            if item.name in lists:
                found.allowed = set(lists[item.name])
            if item.name in DERIVED:
                found.allowed = {True, False}
        found.apply(item.op, item.value)
        if found.empty():
            return _words(item.name, [i for i in items if i.name == item.name], lists)
    for name, (code, true_for) in DERIVED.items():  # a fact that follows from a code narrows the code, and back
        derived = ranges.get(name)
        if derived is None or code not in ranges:
            continue
        codes_left = ranges[code]
        possible = {v for v in (codes_left.allowed if codes_left.allowed is not None else lists.get(code, ()))
                    if v not in codes_left.excluded}
        values = {True, False} if derived.allowed is None else derived.allowed - derived.excluded
        if not any((v in true_for) in values for v in possible):
            return (f"{cond.render(cond.And(tuple(i for i in items if i.name in (name, code))))}: "
                    f"{name} follows from the {code.replace('_', ' ')} code, and no code left fits")
    return None


def _words(name: str, items: list[cond.Compare], lists: Mapping[str, frozenset[object]]) -> str:
    text = " and ".join(cond.render(i) for i in items)
    for item in items:
        if item.op == "==" and name in lists and item.value not in lists[name]:
            if name in CLOSED:
                return f"{cond.render(item)}: {item.value!r} is not a {name.replace('_', ' ')} code"
            values = ", ".join(sorted(str(v) for v in lists[name]))
            return f"{cond.render(item)}: {item.value!r} is not one of the values of {name} ({values})"
        if name in NON_NEGATIVE and item.op in ("<", "<=") and isinstance(item.value, int) and item.value <= 0 \
                and (item.op == "<" or item.value < 0):
            return f"{cond.render(item)}: {name} is never below 0"
    return f"{text} cannot all hold"
