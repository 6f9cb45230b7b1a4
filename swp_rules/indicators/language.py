"""The language of indicator rulesets (docs/indicators.md): reading and checking an ``indicators`` file into its
definitions. Errors are located ``file:line: key: reason``; no value of a definition is written here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from swp_rules.indicators.definitions import (
    DURATION_UNITS,
    EXCLUSIONS,
    MEASURE_KINDS,
    OUTCOMES,
    AgeOnDate,
    Cohort,
    Duration,
    DurationUnit,
    EventMatch,
    IndicatorDefinition,
    IndicatorRuleset,
    Measure,
    Window,
)
from swp_rules.rulesets.duties import condition, event_field_types, event_type
from swp_rules.rulesets.loader import MAX_WHOLE, Node, SourceFile, parse_in_force, read_heading, register_kind, resolve

_TOP_KEYS: Final = ("ruleset", "kind", "version", "title", "instrument", "in_force", "parameters", "notes",
                    "indicators")
_IND_KEYS: Final = ("id", "title", "outcome", "citation", "in_force", "polarity", "cohort", "exclusions",
                    "denominator", "numerator", "notes")
_COHORT_KEYS: Final = ("looked_after_at_end", "looked_after_in_period", "continuously_looked_after", "age_at_end",
                       "birthday_in_period", "looked_after_at_age")
_MEASURE_KEYS: Final[Mapping[str, tuple[str, ...]]] = {
    "placement_count": ("at_least", "temporary", "same_carer"),
    "placement_duration": ("months", "weeks", "days", "temporary", "same_carer"),
    "event_in_window": ("event", "when", "latest", "window", "at_least"),
    "status_at_age": ("event", "when", "age", "before", "after"),
    "duty_compliance": ("rules", "unit"),
    "field_mean": ("event", "field", "window"),
    "worker_changes": ("at_least", "at_most", "require_allocated"),
}


class _Context:
    """What parsing one file needs: its parameters and the duration-counting convention."""

    def __init__(self, parameters: Mapping[str, Any]) -> None:
        self.parameters = parameters
        counting = parameters.get("duration_counting", "inclusive")
        self.inclusive = counting != "exclusive"

    def value(self, node: Node) -> Any:
        return resolve(node, self.parameters)

    def integer(self, node: Node, required: bool = True) -> int | None:
        value = self.value(node)
        if value is None:
            if required and node.value is None:
                node.fail("is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WHOLE:
            shown = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else "a longer number"
            node.fail(f"must be a whole number from 0 to {MAX_WHOLE}, not {shown}")
            return None
        return int(value)

    def codes(self, node: Node) -> frozenset[str] | None:
        value = self.value(node)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            node.fail("must be a list of codes")
            return None
        return frozenset(str(v) for v in value)

    def duration(self, node: Node, allowed: Sequence[DurationUnit] = DURATION_UNITS) -> Duration | None:
        if not node.mapping():
            return None
        node.keys_allowed(allowed)
        units = [u for u in allowed if node.has(u)]
        if len(units) != 1:
            node.fail(f"needs exactly one of {', '.join(allowed)}")
            return None
        amount = self.integer(node[units[0]])
        return None if amount is None else Duration(units[0], amount, self.inclusive)


def _event_match(node: Node, ctx: _Context) -> EventMatch | None:
    event = event_type(node["event"])
    if event is None:
        return None
    when = condition(node["when"], event_field_types(event)) if node.has("when") else None
    if node.has("when") and when is None:
        return None
    return EventMatch(event, when)


def _window(node: Node, ctx: _Context) -> Window:
    value = ctx.value(node)
    if value is None or value == "period":
        return Window()
    if isinstance(node.value, Mapping):
        node.keys_allowed(("before_end",))
        if not node.has("before_end"):
            node.fail("must be 'period' or {before_end: {months|weeks|days: N}}")
            return Window()
        found = ctx.duration(node["before_end"])
        return Window(found) if found else Window()
    node.fail("must be 'period' or {before_end: {months|weeks|days: N}}")
    return Window()


def _cohort(node: Node, ctx: _Context) -> Cohort | None:
    if not node.mapping():
        return None
    node.keys_allowed(_COHORT_KEYS)
    continuously = ctx.duration(node["continuously_looked_after"]) if node.has("continuously_looked_after") else None
    age_min = age_max = None
    if node.has("age_at_end"):
        ages = node["age_at_end"]
        if ages.mapping():
            ages.keys_allowed(("min", "max", "under"))
            age_min = ctx.integer(ages["min"], required=False)
            age_max = ctx.integer(ages["max"], required=False)
            under = ctx.integer(ages["under"], required=False)
            if under is not None:
                if age_max is not None:
                    ages.fail("give max or under, not both")
                age_max = under - 1
            if age_min is None and age_max is None:
                ages.fail("needs min, max or under")
            elif age_min is not None and age_max is not None and age_max < age_min:
                ages.fail(f"max ({age_max}) is below min ({age_min})")
    at_age: AgeOnDate | None = None
    if node.has("looked_after_at_age"):
        spec = node["looked_after_at_age"]
        if spec.mapping():
            spec.keys_allowed(("age", "month", "day"))
            age, month, day = (ctx.integer(spec[k]) for k in ("age", "month", "day"))
            if age is not None and month is not None and day is not None:
                try:
                    dt.date(2001, month, day)
                except ValueError:
                    spec.fail(f"month {month} has no day {day}")
                else:
                    at_age = AgeOnDate(age, month, day)
    return Cohort(
        looked_after_at_end=node["looked_after_at_end"].boolean(),
        looked_after_in_period=node["looked_after_in_period"].boolean(),
        continuously=continuously,
        age_min=age_min,
        age_max=age_max,
        birthday_in_period=ctx.integer(node["birthday_in_period"], required=False),
        looked_after_at_age=at_age,
    )


def _measure(node: Node, ctx: _Context, defaults: Mapping[str, Any]) -> Measure | None:
    if not node.mapping():
        return None
    kind = node["kind"].string()
    if kind is None:
        return None
    if kind not in MEASURE_KINDS:
        node["kind"].fail(f"unknown kind {kind!r} (known: {', '.join(MEASURE_KINDS)})")
        return None
    node.keys_allowed(("kind", *_MEASURE_KEYS[kind]))
    kw: dict[str, Any] = {"kind": kind}
    if kind in ("placement_count", "placement_duration"):
        for key in ("temporary", "same_carer"):
            codes = ctx.codes(node[key]) if node.has(key) else defaults.get(key)
            kw[key] = codes if codes is not None else frozenset()
    if kind == "placement_count":
        kw["at_least"] = ctx.integer(node["at_least"])
    elif kind == "placement_duration":
        units = [u for u in DURATION_UNITS if node.has(u)]
        if len(units) != 1:
            node.fail("needs exactly one of months, weeks, days")
            return None
        amount = ctx.integer(node[units[0]])
        if amount is None:
            return None
        kw["duration"] = Duration(units[0], amount, ctx.inclusive)
    elif kind == "event_in_window":
        kw["match"] = _event_match(node, ctx)
        kw["latest"] = node["latest"].boolean()
        kw["window"] = _window(node["window"], ctx)
        kw["at_least"] = ctx.integer(node["at_least"], required=False) or 1
        if kw["match"] is None:
            return None
    elif kind == "status_at_age":
        kw["match"] = _event_match(node, ctx)
        kw["age"] = ctx.integer(node["age"])
        kw["before"] = ctx.duration(node["before"])
        kw["after"] = ctx.duration(node["after"])
        if None in (kw["match"], kw["age"], kw["before"], kw["after"]):
            return None
        kw["before"] = attrs.evolve(kw["before"], inclusive=False)
        kw["after"] = attrs.evolve(kw["after"], inclusive=False)
    elif kind == "duty_compliance":
        rules = node["rules"]
        if not isinstance(rules.value, list) or not rules.value:
            rules.fail("must be a non-empty list of rule ids or prefixes ending in '.' (e.g. review.)")
            return None
        prefixes = [item.string() for item in rules.elements()]
        if any(p is None for p in prefixes):
            return None
        kw["rules"] = tuple(p for p in prefixes if p)
        unit = ctx.value(node["unit"]) or "children"
        if unit not in ("children", "duties"):
            node["unit"].fail(f"must be children or duties, not {unit!r}")
            return None
        kw["unit"] = unit
    elif kind == "field_mean":
        match = _event_match(node, ctx)
        field = node["field"].string()
        if match is None or field is None:
            return None
        types = event_field_types(match.event)
        if types.get(field) is not int:
            node["field"].fail(f"{match.event} events have no whole-number field {field!r}")
            return None
        kw["match"], kw["field"], kw["window"] = match, field, _window(node["window"], ctx)
    elif kind == "worker_changes":
        kw["at_least"] = ctx.integer(node["at_least"], required=False)
        kw["at_most"] = ctx.integer(node["at_most"], required=False)
        kw["require_allocated"] = node["require_allocated"].boolean()
        if (kw["at_least"] is None) == (kw["at_most"] is None):
            node.fail("needs exactly one of at_least, at_most")
            return None
    if kind in ("placement_count",) and kw.get("at_least") is None:
        return None
    return Measure(**kw)


def _indicator(node: Node, ruleset: IndicatorRuleset, ctx: _Context,
               default_force: tuple[dt.date | None, dt.date | None]) -> IndicatorDefinition | None:
    if not node.mapping():
        return None
    node.keys_allowed(_IND_KEYS)
    ident = node["id"].string()
    title = node["title"].string()
    outcome = node["outcome"].string()
    if outcome is not None and outcome not in OUTCOMES:
        node["outcome"].fail(f"unknown outcome {outcome!r} (known: {', '.join(OUTCOMES)})")
        outcome = None
    citation = node["citation"].string()
    start, end = parse_in_force(node["in_force"], default_force)
    if start is None and not node.has("in_force"):
        node["in_force"].fail("is required (here or for the whole ruleset)")
    polarity = node["polarity"].string()
    if polarity is not None and polarity not in ("higher", "lower"):
        node["polarity"].fail(f"must be higher or lower, not {polarity!r}")
        polarity = None
    cohort = _cohort(node["cohort"], ctx)
    exclusions: list[str] = []
    excl = node["exclusions"]
    if excl.value is not None:
        if not isinstance(excl.value, list):
            excl.fail(f"must be a list (known: {', '.join(EXCLUSIONS)})")
        for item in excl.elements():
            text = item.string()
            if text is not None and text not in EXCLUSIONS:
                item.fail(f"unknown exclusion {text!r} (known: {', '.join(EXCLUSIONS)})")
            elif text is not None:
                exclusions.append(text)
    denominator: list[tuple[EventMatch, Window]] = []
    den = node["denominator"]
    if den.value is not None and den.mapping():
        den.keys_allowed(("has_event",))
        spec = den["has_event"]
        if spec.mapping():
            spec.keys_allowed(("event", "when", "window"))
            match = _event_match(spec, ctx)
            if match is not None:
                denominator.append((match, _window(spec["window"], ctx)))
    defaults = {"temporary": ctx.parameters.get("temporary_placements"),
                "same_carer": ctx.parameters.get("same_carer_placements")}
    defaults = {k: frozenset(v) for k, v in defaults.items() if isinstance(v, list)}
    numerator = _measure(node["numerator"], ctx, defaults)
    if numerator is not None and numerator.kind == "duty_compliance" and cohort is not None and not (
            cohort.looked_after_at_end or cohort.looked_after_in_period):
        node["cohort"].fail("a duty_compliance indicator needs looked_after_at_end or looked_after_in_period")
    breaks = ctx.parameters.get("short_break_statuses", ["V3", "V4"])
    if None in (ident, title, outcome, citation, start, polarity, cohort, numerator):
        return None
    assert ident and title and outcome and citation and start and polarity and cohort and numerator
    return IndicatorDefinition(
        id=ident, title=title, outcome=outcome, citation=citation, in_force_from=start, in_force_to=end,
        polarity=polarity,  # type: ignore[arg-type]
        cohort=cohort, exclusions=tuple(exclusions), denominator=tuple(denominator), numerator=numerator,
        short_break_statuses=frozenset(breaks), ruleset=ruleset.id, version=ruleset.version,
        source=f"{node.file}:{node.line}", notes=str(node["notes"].value or ""),
    )


@register_kind("indicators")
def parse_indicators(source: SourceFile, overrides: Mapping[str, Any] | None = None) -> IndicatorRuleset:
    """Check an indicators file and build its definitions; problems are recorded on the source's node."""
    root = source.root
    head = read_heading(source, _TOP_KEYS, overrides)
    start, end = parse_in_force(root["in_force"], (None, None)) if root.has("in_force") else (None, None)
    if head.parameters.get("duration_counting", "inclusive") not in ("inclusive", "exclusive"):
        root["parameters"].fail("duration_counting must be inclusive or exclusive")
    ctx = _Context(head.parameters)
    ruleset = IndicatorRuleset(id=head.id, version=head.version, title=head.title, sha256=source.sha256,
                               path=str(source.path), parameters=head.parameters, indicators=())
    found: list[IndicatorDefinition] = []
    items = root["indicators"]
    if not isinstance(items.value, list) or not items.value:
        items.fail("must be a non-empty list of indicators")
    else:
        seen: dict[str, str] = {}
        for item in items.elements():
            definition = _indicator(item, ruleset, ctx, (start, end))
            if definition is None:
                continue
            if definition.id in seen:
                item["id"].fail(f"indicator {definition.id!r} is already defined at {seen[definition.id]}")
                continue
            seen[definition.id] = definition.source
            found.append(definition)
    return attrs.evolve(ruleset, indicators=tuple(found))
