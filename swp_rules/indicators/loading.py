"""Loading the indicator rulesets of a run (docs/indicators.md): by shipped id, path or group, with the
parameters given, and one meaning for each indicator id across them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from swp_rules.indicators.definitions import DEFAULT_INDICATORS, IndicatorDefinition, IndicatorRuleset, Polarity
from swp_rules.indicators.language import parse_indicators
from swp_rules.rulesets.loader import (
    RulesetError,
    RulesetProblem,
    checked,
    read_ruleset_of_kind,
    shipped_files,
    shipped_id,
)
from swp_rules.rulesets.parameters import for_ruleset
from swp_rules.rulesets.selection import choose


def load_indicator_ruleset(id_or_path: str | Path, parameters: Mapping[str, Any] | None = None) -> IndicatorRuleset:
    """One indicators ruleset by shipped id (``outcomes/ni-2008``) or path (parsed once while the file is unchanged)."""
    from swp_rules.rulesets.cache import parsed_once

    def parse() -> IndicatorRuleset:
        source = read_ruleset_of_kind(id_or_path, "indicators")
        return checked(source, parse_indicators(source, for_ruleset(source, parameters)))

    return parsed_once("indicators", id_or_path, parameters, parse)


def default_indicator_ids() -> list[str]:
    """The shipped indicator rulesets (``rulesets/outcomes/*.yaml``)."""
    return [shipped_id(p) for p in shipped_files() if shipped_id(p).startswith(DEFAULT_INDICATORS + "/")]


def load_indicator_definitions(ids_or_paths: Iterable[str | Path] = (),
                               parameters: Mapping[str, Any] | None = None) -> tuple[IndicatorRuleset, ...]:
    """The indicator rulesets for a run: the named ones, or by default every shipped one under ``outcomes/``.

    An indicator id defined in two rulesets is an error (``RulesetError``), so a contract's reference is unambiguous.
    """
    chosen = choose(ids_or_paths, ("indicators",))["indicators"]  # ids, groups, folders, +additions
    rulesets = tuple(load_indicator_ruleset(item, parameters) for item in chosen)
    problems: list[RulesetProblem] = []
    seen: dict[str, IndicatorDefinition] = {}
    for ruleset in rulesets:
        for definition in ruleset.indicators:
            other = seen.get(definition.id)
            if other is not None:
                file, _, line = definition.source.rpartition(":")
                problems.append(RulesetProblem(file, int(line or 0), "id",
                                               f"indicator {definition.id!r} is also defined at {other.source}"))
            seen[definition.id] = definition
    if problems:
        raise RulesetError(problems)
    return rulesets


def known_indicators(ids_or_paths: Iterable[str | Path] = ()) -> dict[str, Polarity]:
    """Every loaded indicator id with its polarity (for contracts that name indicators as their measures)."""
    return {d.id: d.polarity for r in load_indicator_definitions(ids_or_paths) for d in r.indicators}
