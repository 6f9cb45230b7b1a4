"""Parameters set for one run: ``--param RULESET:NAME=VALUE`` and the loaders' ``parameters`` mapping.

A ruleset declares its interpretive choices under ``parameters`` (each with its ``value`` and, often, its
``choices``); a run may set another value without copying the file. In the mapping the loaders take, a key
``RULESET:NAME`` (``statutory/cpr-2010:within_one_week_days``) sets the parameter of that ruleset only, and must name
a declared parameter; a plain ``NAME`` sets it in every loaded ruleset that declares it. A value outside the declared
``choices`` is an error located at the declaration. The values used are listed with each ruleset in the JSON
``rulesets`` block.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from swp_rules.rulesets.loader import RulesetError, RulesetProblem, SourceFile, plain
from swp_rules.rulesets.suggest import did_you_mean

#: What ``--param`` takes, as said in its errors.
PARAM_FORM = "RULESET:NAME=VALUE, e.g. statutory/cpr-2010:within_one_week_days=6"


def parse_assignment(text: str) -> tuple[str, Any]:
    """``RULESET:NAME=VALUE`` as its key (``RULESET:NAME``) and value, read as YAML would read it (``6`` a number,
    ``true`` a boolean, ``due_date`` text, ``[V3, V4]`` a list). ``ValueError`` when it is not of that form."""
    key, sep, value = text.partition("=")
    ruleset, colon, name = key.strip().rpartition(":")
    if not sep or not colon or not ruleset.strip() or not name.strip():
        raise ValueError(f"expected {PARAM_FORM}, got {text!r}")
    return f"{ruleset.strip()}:{name.strip()}", _value(value.strip())


def _value(text: str) -> Any:
    from ruamel.yaml import YAML  # imported when a --param is given
    from ruamel.yaml.error import YAMLError

    from swp_rules.rulesets.yamlfile import yaml_tree

    try:  # the bounds of a ruleset file first: nesting, size once aliases are expanded, no value holding itself
        yaml_tree(text, "--param")
    except RulesetError as exc:
        reason = exc.problems[0].reason
        if "(*name)" in reason or "more than" in reason:
            raise ValueError(f"the value {reason}") from None
        return text  # not YAML: the text itself, as before
    try:
        value = YAML(typ="safe", pure=True).load(text)
    except YAMLError:
        return text
    if value is None or isinstance(value, dict):
        return text
    return plain(value)


def parse_assignments(texts: Iterable[str]) -> dict[str, Any]:
    """Several ``--param`` values as one mapping (a later value for the same key wins)."""
    return dict(parse_assignment(t) for t in texts)


def for_ruleset(source: SourceFile, parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    """The values of ``parameters`` that apply to this ruleset file, checked against its declarations;
    ``RulesetError`` for a ``RULESET:NAME`` it does not declare or a value outside the declared choices."""
    if not parameters:
        return {}
    root = source.root
    ruleset_id = str(root["ruleset"].value or "")
    declared_node = root["parameters"]
    declared = declared_node.value if isinstance(declared_node.value, Mapping) else {}
    chosen: dict[str, Any] = {}
    problems: list[RulesetProblem] = []
    plain_first = sorted(parameters.items(), key=lambda item: ":" in item[0])
    for key, value in plain_first:
        owner, _, name = key.rpartition(":")
        if owner and owner != ruleset_id:
            continue
        if name not in declared:
            if owner:
                node = declared_node if declared else root["ruleset"]
                problems.append(RulesetProblem(
                    node.file, node.line, "parameters",
                    f"declares no parameter {name!r} (set for this run as {key}){did_you_mean(name, declared)}",
                ))
            continue
        spec = declared_node[name]
        choices = plain(spec["choices"].value) if spec.has("choices") else None
        if isinstance(choices, list) and value not in choices:
            where = spec["choices"]
            problems.append(RulesetProblem(where.file, where.line, where.path,
                                           f"{value!r}, set for this run as {key}, is not one of the declared "
                                           f"choices {choices!r}"))
            continue
        chosen[name] = value
    if problems:
        raise RulesetError(problems)
    return chosen


def unused(parameters: Mapping[str, Any], loaded: Iterable[str]) -> list[RulesetProblem]:
    """The ``RULESET:NAME`` keys whose ruleset no loaded ruleset is (the command line refuses them)."""
    ids = sorted(set(loaded))
    problems = []
    for key in parameters:
        owner, colon, _ = key.rpartition(":")
        if colon and owner not in ids:
            problems.append(RulesetProblem("--param", 0, key,
                                           f"no ruleset {owner!r} is used by this run{did_you_mean(owner, ids)}"))
    return problems
