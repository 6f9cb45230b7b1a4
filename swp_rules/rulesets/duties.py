"""Duty rulesets: what the corporate parent owes each child, when it falls due, and what discharges it.

The language is documented in ``docs/ruleset-language.md``; this module turns a checked YAML file into
``DutyRule`` objects. Nothing here knows a regulation's number of days: those are in ``rulesets/``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Final, Literal

import attrs

from swp_rules.model import EVENT_TYPES
from swp_rules.rulesets import conditions as cond
from swp_rules.rulesets.loader import (
    MAX_WHOLE,
    Node,
    RulesetFile,
    SourceFile,
    parse_in_force,
    read_heading,
    register_kind,
    resolve,
)
from swp_rules.rulesets.relaxations import Relaxation, parse_relaxations
from swp_rules.rulesets.suggest import did_you_mean

#: Rule families (SPEC.md §2): the stable prefixes of duty rule ids.
FAMILIES: Final = frozenset(
    {
        "care-plan", "placement-plan", "notification", "visit", "review", "iro", "health", "dental",
        "immunisation", "pep", "sdq", "needs-assessment", "pathway-plan", "personal-adviser",
        "return-interview", "access",
    }
)
_RULE_ID: Final = re.compile(r"(?P<family>[a-z][a-z-]*)\.(?P<name>[a-z0-9][a-z0-9-]*)")

#: ``before``: due when the obligation of another rule started by the same moment is met (or, until then, when
#: it falls due): "before the first review", SI 2010/959 reg 7.
Unit = Literal["working_days", "days", "weeks", "months", "hours", "before"]
UNITS: Final[tuple[Unit, ...]] = ("working_days", "days", "weeks", "months", "hours")
TriggerKind = Literal[
    "period_start", "first_placement", "placement_start", "care_ended", "event", "leaving_care_eligible", "birthday",
    "accommodation_start", "chain",
]
TRIGGERS: Final = ("period_start", "first_placement", "placement_start", "care_ended", "leaving_care_eligible",
                   "accommodation_start")
#: ``accommodation``: while the responsible authority provides accommodation under Children Act 1989 s.23B or s.24B
#: (SI 2010/2571 reg 8(2)).
Scope = Literal["period", "placement", "after_care", "child", "accommodation"]
#: ``previous_trigger``: events since the previous triggering event in the same scope (or the scope's start) count:
#: "before each review of the pathway plan" (SI 2010/2571 reg 8(2)).
AcceptSince = Literal["previous_trigger"]
ClockFrom = Literal["trigger", "period_start"]
ConditionsAt = Literal["clock_start", "due_date"]
#: What makes a duty owed (SPEC.md §2): an Act or statutory instrument, statutory guidance, a DfE data-return measure
#: (the SSDA903 OC2 checks), a contract, or a council's or this project's own standard.
Basis = Literal["regulation", "statutory-guidance", "return", "contract", "local"]
BASES: Final[tuple[Basis, ...]] = ("regulation", "statutory-guidance", "return", "contract", "local")

#: Facts a duty's conditions can read, with their types (computed per child and date by the engine's timeline).
DUTY_FACTS: Final[Mapping[str, type]] = {
    "age": int,
    "legal_status": str,
    "short_breaks": bool,
    "placement": str,
    "foster": bool,
    "temporary": bool,
    "adoption": bool,
    "placed_with_parents": bool,
    "long_term": bool,
    "emergency": bool,
    "child_agrees_fewer_visits": bool,
    "temporary_approval": bool,
    "before_assessment": bool,
    "years_in_placement": int,
    "days_in_placement": int,
    "days_looked_after": int,
    "reviews_held": int,
    "looked_after": bool,
    "eligible": bool,
    "uasc": bool,
    "sex": str,
}

_FIELD_TYPES: Final[Mapping[str, type]] = {"str": str, "bool": bool, "int": int, "code": str, "enum": str}


def event_field_types(event_type: str) -> dict[str, type]:
    """The fields of an event type that a discharge condition can read."""
    return {
        name: _FIELD_TYPES[spec.kind]
        for name, spec in EVENT_TYPES[event_type].items()
        if spec.kind in _FIELD_TYPES
    }


@attrs.frozen(slots=True, cache_hash=True)
class Condition:
    """A parsed condition: the source text, its negation normal form and the facts it reads."""

    text: str
    node: cond.Node
    names: tuple[str, ...]

    @classmethod
    def parse(cls, text: str, types: Mapping[str, type]) -> Condition:
        node = cond.parse(text)
        cond.check_types(node, types)
        return cls(text, cond.to_nnf(node), tuple(sorted(cond.names(node))))


@attrs.frozen(slots=True)
class Deadline:
    """One way of counting the time allowed: ``amount`` ``unit`` after the clock starts, when ``when`` holds."""

    unit: Unit
    amount: int
    when: Condition | None = None
    citation: str | None = None
    #: When this deadline's ``when`` is read, if not on the rule's ``conditions_at`` date: ``due_date`` reads it on
    #: the day this deadline would fall due (e.g. "at least once a week until the first review", SI 2010/959 reg 28(4)).
    conditions_at: ConditionsAt | None = None
    #: For a ``before`` deadline: the rule whose obligation it comes before, and how an explanation names it.
    before: str | None = None
    words: str | None = None

    def describe(self) -> str:
        if self.unit == "before":
            return f"before {self.words or self.before}"
        word = "working day" if self.unit == "working_days" else self.unit[:-1]
        return f"{self.amount} {word}{'' if self.amount == 1 else 's'}"


@attrs.frozen(slots=True)
class Discharge:
    """An event that discharges the duty, optionally only when ``when`` holds over its fields, or when its
    ``refers_to`` field names the triggering event's id."""

    event: str
    when: Condition | None = None
    refers_to: str | None = None
    #: Why such an event meets the duty, as an explanation says it after naming the event: "which includes the
    #: personal education plan: reg 5(b)(ii)".
    because: str | None = None


@attrs.frozen(slots=True)
class Trigger:
    """What starts a duty's clock (docs/ruleset-language.md, triggers): a moment of the child's care (``kind``), an
    event of a type (``event``), a birthday (``age``), or the day the child becomes an eligible child (Children Act
    1989 Sch 2 para 19B; SI 2010/959 reg 40): looked after for ``weeks`` weeks in all since the ``since_age``
    birthday, and looked after on or after the ``from_age`` birthday."""

    kind: TriggerKind
    #: ``event`` triggers: the event type.
    event: str | None = None
    #: ``birthday`` triggers: the age.
    age: int | None = None
    since_age: int | None = None
    from_age: int | None = None
    weeks: int | None = None


@attrs.frozen(slots=True)
class DutyRule:
    """One version of one duty, in force between two dates (the clock's start date picks the version)."""

    id: str
    title: str
    citation: str
    in_force_from: dt.date
    in_force_to: dt.date | None
    trigger: Trigger
    deadlines: tuple[Deadline, ...]
    discharged_by: tuple[Discharge, ...]
    scope: Scope
    basis: Basis = "regulation"
    #: How an explanation names a basis other than a regulation (e.g. "the DfE's SSDA903 OC2 measure").
    basis_note: str | None = None
    clock_from: ClockFrom = "trigger"
    applies: Condition | None = None
    conditions_at: ConditionsAt = "clock_start"
    accept_before: bool = False
    recurs: bool = False
    then: str | None = None
    until_age: int | None = None
    clock_text: str | None = None
    on_commencement: str | None = None
    ruleset: str = ""
    version: str = ""
    source: str = ""
    #: Nothing is owed when a discharging event happened this long before the clock starts (reg 7's three months).
    exempt_within: Deadline | None = None
    notes: str | None = None
    accept_since: AcceptSince | None = None

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]

    def in_force_on(self, day: dt.date) -> bool:
        return self.in_force_from <= day and (self.in_force_to is None or day <= self.in_force_to)

    def conditions(self) -> list[Condition]:
        found = [self.applies] if self.applies else []
        found += [d.when for d in self.deadlines if d.when]
        found += [d.when for d in self.discharged_by if d.when]
        return found


@attrs.frozen
class DutyRuleset(RulesetFile):
    """A duties ruleset file: the instrument it encodes and its rules."""

    instrument: str
    rules: tuple[DutyRule, ...]
    kind: str = "duties"
    #: Temporary relaxations of when the rules of any loaded ruleset are owed (``relaxations:``).
    relaxations: tuple[Relaxation, ...] = ()

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "version": self.version, "sha256": self.sha256}


_TOP_KEYS: Final = ("ruleset", "kind", "version", "title", "instrument", "in_force", "parameters", "notes", "rules",
                    "relaxations")
_RULE_KEYS: Final = (
    "id", "title", "citation", "in_force", "trigger", "applies", "deadline", "discharged_by", "scope", "clock_from",
    "conditions_at", "accept_before", "recurs", "then", "until_age", "clock", "on_commencement", "notes",
    "basis", "basis_note", "exempt_if_done_within", "accept_since",
)
#: Triggers whose periods or placements may already be running when a rule comes into force (``on_commencement``).
_COMMENCING_TRIGGERS: Final = ("period_start", "first_placement", "placement_start")


def _amount(node: Node, parameters: Mapping[str, Any]) -> int | None:
    value = node.value
    if isinstance(value, str) and value.startswith("$"):
        value = resolve(node, parameters)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WHOLE:
            node.fail(f"parameter {node.value[1:]!r} must be a whole number from 0 to {MAX_WHOLE}")
            return None
        return int(value)
    return node.integer(minimum=0)


def event_type(node: Node) -> str | None:
    """An event type named in a ruleset (``event: visit``); an unknown one is a problem, with a suggestion."""
    event = node.string()
    if event is not None and event not in EVENT_TYPES:
        node.fail(f"unknown event type {event!r}{did_you_mean(event, EVENT_TYPES)}")
        return None
    return event


def condition(node: Node, types: Mapping[str, type]) -> Condition | None:
    """A condition in the condition language over fields of the given types; an error names its column."""
    text = node.string()
    if text is None:
        return None
    try:
        return Condition.parse(text, types)
    except cond.ConditionError as exc:
        where = f" (column {exc.column})" if exc.column else ""
        node.fail(f"{exc}{where}")
        return None


def _deadline(node: Node, parameters: Mapping[str, Any], accept_before: bool = False) -> Deadline | None:
    if not node.mapping():
        return None
    node.keys_allowed((*UNITS, "before", "words", "when", "citation", "conditions_at"))
    if node.has("before"):
        return _before(node)
    units = [u for u in UNITS if node.has(u)]
    if len(units) != 1:
        node.fail(f"needs exactly one of {', '.join(UNITS)}")
        return None
    amount = _amount(node[units[0]], parameters)
    when = condition(node["when"], DUTY_FACTS) if node.has("when") else None
    citation = node["citation"].string(required=False)
    read_at = _choice(node["conditions_at"], ("clock_start", "due_date"), "clock_start", parameters) \
        if node.has("conditions_at") else None
    if amount is None:
        return None
    if amount == 0 and not accept_before:
        node[units[0]].fail("a deadline of 0 can only be met beforehand; set accept_before: true or give a time")
        return None
    return Deadline(units[0], amount, when, citation, read_at)  # type: ignore[arg-type]


def _before(node: Node) -> Deadline | None:
    """``{before: review.first, words: the first review}``: due when that rule's obligation is met, else its due."""
    if any(node.has(u) for u in UNITS):
        node.fail(f"'before' cannot be given with {', '.join(UNITS)}")
        return None
    rule = node["before"].string()
    words = node["words"].string()
    when = condition(node["when"], DUTY_FACTS) if node.has("when") else None
    if rule is None or words is None:
        return None
    return Deadline("before", 0, when, node["citation"].string(required=False), before=rule, words=words)


def _exempt(node: Node, parameters: Mapping[str, Any]) -> Deadline | None:
    """``exempt_if_done_within: {months: 3}``: a discharging event this long before the clock starts means nothing
    is owed (SI 2010/959 reg 7: an assessment within the previous three months)."""
    if not node.mapping():
        return None
    node.keys_allowed(("days", "weeks", "months"))
    units = [u for u in ("days", "weeks", "months") if node.has(u)]
    if len(units) != 1:
        node.fail("needs exactly one of days, weeks, months")
        return None
    amount = _amount(node[units[0]], parameters)
    return None if amount is None else Deadline(units[0], amount)  # type: ignore[arg-type]


def _trigger(node: Node) -> Trigger | None:
    value = node.value
    if isinstance(value, str):
        if value in TRIGGERS and value != "leaving_care_eligible":
            return Trigger(value)  # type: ignore[arg-type]
        node.fail(f"unknown trigger {value!r} (known: {', '.join(TRIGGERS)}, or event: TYPE)"
                  f"{did_you_mean(value, TRIGGERS)}")
        return None
    if not node.mapping():
        return None
    if node.has("event"):
        node.keys_allowed(("event",))
        event = event_type(node["event"])
        return Trigger("event", event=event) if event else None
    if node.has("birthday"):
        node.keys_allowed(("birthday",))
        age = node["birthday"].integer()
        return Trigger("birthday", age=age) if age is not None else None
    if node.has("leaving_care_eligible"):
        node.keys_allowed(("leaving_care_eligible",))
        spec = node["leaving_care_eligible"]
        if not spec.mapping():
            return None
        spec.keys_allowed(("since_age", "from_age", "weeks"))
        since, start, weeks = spec["since_age"].integer(), spec["from_age"].integer(), spec["weeks"].integer()
        if since is None or start is None or weeks is None:
            return None
        return Trigger("leaving_care_eligible", since_age=since, from_age=start, weeks=weeks)
    node.fail("must be one of " + ", ".join(TRIGGERS[:-1]) + ", {event: TYPE}, {birthday: AGE} or "
              "{leaving_care_eligible: ...}")
    return None


def _discharge(node: Node) -> Discharge | None:
    if isinstance(node.value, str):
        named = event_type(node)
        return Discharge(named) if named else None
    if not node.mapping():
        return None
    node.keys_allowed(("event", "when", "refers_to", "because"))
    event = event_type(node["event"])
    if event is None:
        return None
    types = event_field_types(event)
    when = condition(node["when"], types) if node.has("when") else None
    refers_to = node["refers_to"].string(required=False)
    if refers_to is not None and refers_to not in EVENT_TYPES[event]:
        node["refers_to"].fail(f"{event} events have no field {refers_to!r}")
    because = node["because"].string(required=False)
    return Discharge(event, when, refers_to, because)


def _choice(node: Node, allowed: tuple[str, ...], default: str, parameters: Mapping[str, Any]) -> str:
    value = resolve(node, parameters)
    if value is None:
        return default
    if value not in allowed:
        node.fail(f"must be one of {', '.join(allowed)}, not {value!r}")
        return default
    return str(value)


def _basis(node: Node, parameters: Mapping[str, Any]) -> Basis | None:
    """The rule's ``basis`` (required): what makes the duty owed."""
    if node.value is None:
        node.fail(f"is required (one of {', '.join(BASES)})")
        return None
    return _choice(node, BASES, "", parameters) or None  # type: ignore[return-value]


def _rule(node: Node, ruleset: DutyRuleset, parameters: Mapping[str, Any],
          default_force: tuple[dt.date | None, dt.date | None]) -> DutyRule | None:
    if not node.mapping():
        return None
    node.keys_allowed(_RULE_KEYS)
    rule_id = node["id"].string()
    if rule_id is not None:
        match = _RULE_ID.fullmatch(rule_id)
        if not match:
            node["id"].fail("must be <family>.<name> in lower case, e.g. visit.first")
        elif match["family"] not in FAMILIES:
            node["id"].fail(f"unknown family {match['family']!r} (families: {', '.join(sorted(FAMILIES))})")
    title = node["title"].string()
    citation = node["citation"].string()
    basis = _basis(node["basis"], parameters)
    basis_note = node["basis_note"].string(required=False)
    start, end = parse_in_force(node["in_force"], default_force, required=True)
    trigger = _trigger(node["trigger"]) if node.has("trigger") else Trigger("chain")
    applies = condition(node["applies"], DUTY_FACTS) if node.has("applies") else None
    accept_since = _choice(node["accept_since"], ("previous_trigger",), "previous_trigger", parameters) \
        if node.has("accept_since") else None
    accept_before = node["accept_before"].boolean() or accept_since is not None
    deadline_node = node["deadline"]
    deadlines: list[Deadline] = []
    if isinstance(deadline_node.value, list):
        items = list(deadline_node.elements())
        if not items:
            deadline_node.fail("needs at least one deadline")
        for index, item in enumerate(items):
            found = _deadline(item, parameters, accept_before)
            if found is None:
                continue
            if found.when is None and index != len(items) - 1:
                item.fail("only the last deadline may have no 'when' (the ones after it could never apply)")
            deadlines.append(found)
        if deadlines and deadlines[-1].when is not None:
            deadline_node.fail("the last deadline must have no 'when', so one always applies")
    else:
        found = _deadline(deadline_node, parameters, accept_before)
        if found is not None:
            if found.when is not None:
                deadline_node.fail("a single deadline cannot have a 'when'; give a list with a last default")
            deadlines.append(found)
    discharge_node = node["discharged_by"]
    discharges: list[Discharge] = []
    if discharge_node.value is None:
        discharge_node.fail("is required (the events that discharge the duty)")
    elif not isinstance(discharge_node.value, list) or not discharge_node.value:
        discharge_node.fail("must be a non-empty list of event types")
    else:
        for item in discharge_node.elements():
            found_discharge = _discharge(item)
            if found_discharge is not None:
                discharges.append(found_discharge)
    scope = _choice(node["scope"], ("period", "placement", "after_care", "child", "accommodation"), "period",
                    parameters)
    clock_from = _choice(node["clock_from"], ("trigger", "period_start"), "trigger", parameters)
    conditions_at = _choice(node["conditions_at"], ("clock_start", "due_date"), "clock_start", parameters)
    recurs = node["recurs"].boolean()
    then = node["then"].string(required=False)
    if then is not None and recurs:
        node["then"].fail("a rule cannot both recur and hand on to another rule")
    until_age = node["until_age"].integer(required=False)
    clock_text = node["clock"].string(required=False)
    exempt = _exempt(node["exempt_if_done_within"], parameters) if node.has("exempt_if_done_within") else None
    notes = node["notes"].string(required=False)
    on_commencement = node["on_commencement"].string(required=False)
    if on_commencement is not None and trigger is not None and trigger.kind not in _COMMENCING_TRIGGERS:
        node["on_commencement"].fail(f"needs a trigger of {', '.join(_COMMENCING_TRIGGERS)}")
    if trigger and trigger.kind == "care_ended" and scope not in ("after_care", "child"):
        node["scope"].fail("a duty triggered when care ends needs scope after_care or child")
    if trigger and trigger.kind == "placement_start" and scope == "after_care":
        node["scope"].fail("a placement duty cannot have scope after_care")
    if trigger and trigger.kind == "accommodation_start" and scope != "accommodation":
        node["scope"].fail("a duty triggered when accommodation is provided needs scope accommodation")
    if accept_since is not None and (trigger is None or trigger.kind != "event"):
        node["accept_since"].fail("needs a trigger on an event: {event: TYPE}")
    units = {d.unit for d in deadlines}
    if "hours" in units and len(units) > 1:
        deadline_node.fail("a duty counted in hours cannot also be counted in days")
    if None in (rule_id, title, citation, basis, start, trigger) or not deadlines or not discharges:
        return None
    assert rule_id and title and citation and basis and start and trigger
    return DutyRule(
        id=rule_id,
        title=title,
        citation=citation,
        in_force_from=start,
        in_force_to=end,
        trigger=trigger,
        deadlines=tuple(deadlines),
        discharged_by=tuple(discharges),
        scope=scope,  # type: ignore[arg-type]
        basis=basis,
        basis_note=basis_note,
        clock_from=clock_from,  # type: ignore[arg-type]
        applies=applies,
        conditions_at=conditions_at,  # type: ignore[arg-type]
        accept_before=accept_before,
        recurs=recurs,
        then=then,
        until_age=until_age,
        clock_text=clock_text,
        on_commencement=rule_id if on_commencement == "self" else on_commencement,
        ruleset=ruleset.id,
        version=ruleset.version,
        source=f"{node.file}:{node.line}",
        exempt_within=exempt,
        notes=notes,
        accept_since=accept_since,  # type: ignore[arg-type]
    )


@register_kind("duties")
def parse_duties(source: SourceFile, overrides: Mapping[str, Any] | None = None) -> DutyRuleset:
    """Check a duties file and build its rules; problems are recorded on the source's node."""
    root = source.root
    head = read_heading(source, _TOP_KEYS, overrides)
    instrument = root["instrument"].string(required=False) or ""
    start, end = parse_in_force(root["in_force"], (None, None))
    parameters = head.parameters
    ruleset = DutyRuleset(id=head.id, version=head.version, title=head.title, sha256=source.sha256,
                          path=str(source.path), parameters=parameters, instrument=instrument, rules=())
    parsed: list[tuple[DutyRule, Node]] = []
    rules_node = root["rules"]
    if not isinstance(rules_node.value, list) or not rules_node.value:
        rules_node.fail("must be a non-empty list of rules")
    else:
        for item in rules_node.elements():
            rule = _rule(item, ruleset, parameters, (start, end))
            if rule is not None:
                parsed.append((rule, item))
    defined = {rule.id for rule, _ in parsed}
    for _, item in parsed:
        target = item["on_commencement"].value if item.has("on_commencement") else None
        if isinstance(target, str) and target != "self" and target not in defined:
            item["on_commencement"].fail(f"names no rule of this ruleset ({target!r}); give a rule id or self")
    seen: dict[str, list[DutyRule]] = {}
    for rule, item in parsed:
        for other in seen.get(rule.id, []):
            if _overlap(rule, other):
                item["id"].fail(f"rule {rule.id!r} is already defined for overlapping dates at {other.source}")
        seen.setdefault(rule.id, []).append(rule)
    return attrs.evolve(ruleset, rules=tuple(rule for rule, _ in parsed),
                        relaxations=parse_relaxations(root["relaxations"]))


def _overlap(a: DutyRule, b: DutyRule) -> bool:
    a_end = a.in_force_to or dt.date.max
    b_end = b.in_force_to or dt.date.max
    return a.in_force_from <= b_end and b.in_force_from <= a_end
