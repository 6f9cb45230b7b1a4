"""Temporary relaxations of when duties are owed: for a time, an act due on a date inside it is owed "as soon as
reasonably practicable" instead (the coronavirus modifications of SI 2010/959 by SI 2020/445, in force 24 April to 25
September 2020: docs/legal-sources.md §1.1 and §3.7).

A relaxation names the rules it relaxes (by id, every version) and the days it was in force. A duty of those rules
whose due date falls on one of those days is due by the relaxation's last day instead: done by then, it is met, and
the explanation says why the date moved; not done, it is a breach from the day after, when the unmodified duty
applied again. A duty due on any other day is judged normally, whenever its clock started.
"""

from __future__ import annotations

import datetime as dt

import attrs

from swp_rules.rulesets.loader import Node, parse_in_force
from swp_rules.text import long_date


@attrs.frozen(slots=True)
class Relaxation:
    """One temporary relaxation: the rules it covers, its first and last days, its citation and words."""

    id: str
    citation: str
    #: What the duty became while it was in force: ``as soon as reasonably practicable``.
    words: str
    rules: tuple[str, ...]
    start: dt.date
    end: dt.date
    source: str = ""

    def covers(self, rule_id: str, due: dt.date) -> bool:
        return rule_id in self.rules and self.start <= due <= self.end

    def explain(self, original: dt.date) -> str:
        """Why the due date moved, in words an IRO can read out."""
        return (f"was {long_date(original)}, but from {long_date(self.start)} to {long_date(self.end)} "
                f"{self.citation} required it only {self.words}, so it was due by the last of those days")


def parse_relaxations(node: Node) -> tuple[Relaxation, ...]:
    """The ``relaxations:`` list of a duties file; problems are recorded on the node."""
    if node.value is None:
        return ()
    if not isinstance(node.value, list):
        node.fail("must be a list of relaxations")
        return ()
    out: list[Relaxation] = []
    for item in node.elements():
        if not item.mapping():
            continue
        item.keys_allowed(("id", "citation", "words", "in_force", "rules"))
        ident, citation, words = item["id"].string(), item["citation"].string(), item["words"].string()
        start, end = parse_in_force(item["in_force"], (None, None), required=True)
        rules_node = item["rules"]
        rules = [r.string() for r in rules_node.elements()] if isinstance(rules_node.value, list) else []
        if not rules:
            rules_node.fail("must be a non-empty list of rule ids")
        if start is not None and end is None:
            item["in_force"].fail("a relaxation needs its last day (to)")
        if ident and citation and words and start and end and rules and all(rules):
            out.append(Relaxation(ident, citation, words, tuple(r for r in rules if r), start, end,
                                  f"{item.file}:{item.line}"))
    return tuple(out)
