"""The duty rules a run uses: one or more duty rulesets combined, each rule id with its versions by date."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from swp_rules.rulesets.cache import parsed_once
from swp_rules.rulesets.duties import Condition, DutyRule, DutyRuleset, Trigger, parse_duties
from swp_rules.rulesets.loader import (
    RulesetError,
    RulesetProblem,
    checked,
    find_ruleset_file,
    read_ruleset_of_kind,
    shipped_files,
    shipped_id,
)
from swp_rules.rulesets.parameters import for_ruleset
from swp_rules.rulesets.relaxations import Relaxation
from swp_rules.rulesets.selection import choose

#: The folder of shipped duty rulesets used when the caller names none: the statutory rules, every version.
DEFAULT_DUTIES = "statutory"


@attrs.frozen
class RuleBook:
    """Duty rules by id, each with its versions in date order; ``version(id, day)`` is the one in force."""

    rulesets: tuple[DutyRuleset, ...]
    versions: Mapping[str, tuple[DutyRule, ...]]
    roots: tuple[tuple[str, Trigger], ...]
    eligibility: Trigger | None

    @classmethod
    def of(cls, rulesets: Sequence[DutyRuleset]) -> RuleBook:
        versions: dict[str, list[DutyRule]] = {}
        problems: list[RulesetProblem] = []
        for ruleset in rulesets:
            for rule in ruleset.rules:
                for other in versions.get(rule.id, []):
                    if _overlap(rule, other):
                        file, _, line = rule.source.rpartition(":")
                        problems.append(RulesetProblem(
                            file, int(line or 0), "id",
                            f"rule {rule.id!r} is also in force on the same dates at {other.source}",
                        ))
                versions.setdefault(rule.id, []).append(rule)
        for ruleset in rulesets:
            for rule in ruleset.rules:
                if rule.then is not None and rule.then not in versions:
                    file, _, line = rule.source.rpartition(":")
                    problems.append(RulesetProblem(file, int(line or 0), "then", f"no rule {rule.then!r} is loaded"))
                for before in (d.before for d in rule.deadlines if d.before is not None):
                    if before not in versions:
                        file, _, line = rule.source.rpartition(":")
                        problems.append(RulesetProblem(file, int(line or 0), "deadline.before",
                                                       f"no rule {before!r} is loaded"))
        for ruleset in rulesets:
            for relaxation in ruleset.relaxations:
                for missing in (r for r in relaxation.rules if r not in versions):
                    file, _, line = relaxation.source.rpartition(":")
                    problems.append(RulesetProblem(file, int(line or 0), "relaxations.rules",
                                                   f"no rule {missing!r} is loaded"))
        if problems:
            raise RulesetError(problems)
        ordered = {k: tuple(sorted(v, key=lambda r: r.in_force_from)) for k, v in sorted(versions.items())}
        roots: list[tuple[str, Trigger]] = []
        eligibility: Trigger | None = None
        for rule_id, rules in ordered.items():
            for trigger in dict.fromkeys(r.trigger for r in rules):
                if trigger.kind != "chain":
                    roots.append((rule_id, trigger))
                if trigger.kind == "leaving_care_eligible" and eligibility is None:
                    eligibility = trigger
        return cls(tuple(rulesets), ordered, tuple(roots), eligibility)

    def version(self, rule_id: str, day: dt.date) -> DutyRule | None:
        for rule in self.versions.get(rule_id, ()):
            if rule.in_force_on(day):
                return rule
        return None

    def conditions(self) -> list[Condition]:
        found: dict[Condition, None] = {}
        for rules in self.versions.values():
            for rule in rules:
                for condition in rule.conditions():
                    found[condition] = None
        return list(found)

    def rules(self) -> Iterable[DutyRule]:
        for rules in self.versions.values():
            yield from rules

    def describe(self) -> list[dict[str, Any]]:
        """Each ruleset's id, kind, version and content hash, and the parameter values this run used."""
        described = []
        for ruleset in self.rulesets:
            item = ruleset.describe()
            if ruleset.parameters:
                item["parameters"] = {k: ruleset.parameters[k] for k in sorted(ruleset.parameters)}
            described.append(item)
        return described

    def describe_in_force_by(self, end: dt.date) -> list[dict[str, Any]]:
        """``describe`` of the rulesets with a rule in force on or before ``end``: the versions a period ending then
        can have applied (a version in force only later, such as the 2015 regulations for 2011/12, did not)."""
        return [item for item, ruleset in zip(self.describe(), self.rulesets, strict=True)
                if any(rule.in_force_from <= end for rule in ruleset.rules)]

    def relaxation(self, rule_id: str, due: dt.date) -> Relaxation | None:
        """The temporary relaxation in force on ``due`` for ``rule_id`` (SI 2020/445), if any."""
        for ruleset in self.rulesets:
            for relaxation in ruleset.relaxations:
                if relaxation.covers(rule_id, due):
                    return relaxation
        return None

    def only(self, families: Collection[str] = (), *, bases: Collection[str] = ()) -> RuleBook:
        """The book limited to rule families (``review``, ``health``…) and bases (``regulation``, ``return``…), so
        that only their duties are evaluated (an empty collection leaves that choice open).

        The rules a kept rule leads to (``then``, ``on_commencement``) stay, whatever their family or basis, and so
        does the leaving-care eligibility every rule shares; only the chosen rules' own triggers start clocks. Their
        records are those of the whole book (a property test checks it); records of the rules kept for a chain
        that were not chosen are for the caller to leave out (``Evaluation.only``)."""
        wanted, grounds = frozenset(families), frozenset(bases)

        def chosen(rule_id: str) -> bool:
            return ((not wanted or rule_id.split(".", 1)[0] in wanted)
                    and (not grounds or any(r.basis in grounds for r in self.versions[rule_id])))

        keep = {rule_id for rule_id in self.versions if chosen(rule_id)}
        todo = list(keep)
        while todo:
            for rule in self.versions[todo.pop()]:
                for target in (rule.then, rule.on_commencement, *(d.before for d in rule.deadlines)):
                    if target is not None and target in self.versions and target not in keep:
                        keep.add(target)
                        todo.append(target)
        versions = {k: v for k, v in self.versions.items() if k in keep}
        roots = tuple((k, t) for k, t in self.roots if chosen(k))
        return RuleBook(self.rulesets, versions, roots, self.eligibility)


def _overlap(a: DutyRule, b: DutyRule) -> bool:
    a_end = a.in_force_to or dt.date.max
    b_end = b.in_force_to or dt.date.max
    return a.in_force_from <= b_end and b.in_force_from <= a_end


def load_duty_ruleset(id_or_path: str | Path, parameters: Mapping[str, Any] | None = None) -> DutyRuleset:
    """One duties ruleset by shipped id (``statutory/cpr-2010``) or path, with ``parameters`` set for this run
    (``{"statutory/cpr-2010:within_one_week_days": 6}``, or a plain name for any ruleset that declares it)."""
    path = find_ruleset_file(str(id_or_path))
    try:
        content = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        content = ""  # the loader says why it cannot be read
    key = (str(id_or_path), str(path.resolve()), content, json.dumps(dict(parameters or {}), sort_keys=True,
                                                                      default=str))
    found = _LOADED.get(key)
    if found is None:

        def parse() -> DutyRuleset:
            source = read_ruleset_of_kind(id_or_path, "duties")
            return checked(source, parse_duties(source, for_ruleset(source, parameters)))

        found = parsed_once("duties", id_or_path, parameters, parse)  # kept on disk too, for the next run
        if len(_LOADED) >= _LOADED_MOST:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = found
    return found


#: Duty rulesets already parsed in this process, by name, file, content hash and parameters (a ``DutyRuleset`` is
#: immutable, so runs share them; a changed file is read again).
_LOADED: dict[tuple[str, str, str, str], DutyRuleset] = {}
_LOADED_MOST: Final = 64


def default_duty_ids() -> list[str]:
    """The shipped statutory duty rulesets (every version; the engine picks the one in force on each date)."""
    return [shipped_id(p) for p in shipped_files() if shipped_id(p).startswith(DEFAULT_DUTIES + "/")]


def duty_ruleset_names(ids_or_paths: Iterable[str | Path] = (), base: Path | None = None) -> list[str]:
    """The duty rulesets a list of ``--ruleset`` values names (shipped ids, group ids, files, folders, globs,
    ``+`` additions to the statutory default; ``swp_rules.rulesets.selection``), each once."""
    return choose(ids_or_paths, ("duties",), base=base)["duties"]


def load_rulebook(ids_or_paths: Iterable[str | Path] = (), parameters: Mapping[str, Any] | None = None) -> RuleBook:
    """The rule book for a run: the named duty rulesets, or by default every shipped statutory one.

    ``ids_or_paths`` are read as ``--ruleset`` values are: ``["+local/visits.yaml"]`` is the statutory rules and the
    local ones, ``["statutory"]`` the statutory group. ``parameters`` sets declared parameters for this run
    (``load_duty_ruleset``); a value outside a parameter's declared choices is a ``RulesetError``."""
    return RuleBook.of([load_duty_ruleset(item, parameters) for item in duty_ruleset_names(ids_or_paths)])
