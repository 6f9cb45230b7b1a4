"""A ruleset as its author wrote it, for ``swp-rules rulesets show``: every key of every rule, in the written order,
with each ``$parameter`` named and its value for this run beside it.

What the loader builds is a rule book (a deadline's amount, resolved); what an author reviews is the text: a
discharge's ``when``, ``recurs: true`` rather than a hand-on to itself, ``days: $within_one_week_days`` rather than
``7 days``. Both come from the same checked file: ``show`` loads it first, so what is shown is valid.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from swp_rules.rulesets.loader import SourceFile, plain

#: The list of items each kind of ruleset holds.
ITEMS: Final[Mapping[str, str]] = {"duties": "rules", "indicators": "indicators"}
_PARAMETER: Final = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@attrs.frozen
class WrittenItem:
    """One rule (or indicator definition) as written: its id, where it is, and its keys in order."""

    id: str
    source: str
    fields: tuple[tuple[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "as_written": {k: v for k, v in self.fields}}


@attrs.frozen
class WrittenParameter:
    """A declared parameter: as declared (``value``, ``choices``, ``meaning``…) and the value used by this run."""

    name: str
    declared: Mapping[str, Any]
    used: Any

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, **self.declared, "used": self.used}


def parameters(source: SourceFile, used: Mapping[str, Any]) -> list[WrittenParameter]:
    """The parameters the file declares, with the value each has in this run (``used``: the loaded ruleset's)."""
    node = source.root["parameters"]
    if not isinstance(node.value, Mapping):
        return []
    return [WrittenParameter(name, plain(item.value) if isinstance(item.value, Mapping) else {}, used.get(name))
            for name, item in node.items()]


def items(source: SourceFile, kind: str) -> list[WrittenItem]:
    """Every rule (or definition) of the file, each with its keys as written (values made plain)."""
    found = []
    for node in source.root[ITEMS.get(kind, "rules")].elements():
        if not isinstance(node.value, Mapping):
            continue
        fields = tuple((key, plain(child.value)) for key, child in node.items())
        found.append(WrittenItem(str(node.value.get("id", "")), f"{node.file}:{node.line}", fields))
    return found


def lines(fields: Iterable[tuple[str, Any]], used: Mapping[str, Any]) -> list[str]:
    """``key: value`` lines as YAML block text would have them; a list of mappings one item a line."""
    found = []
    for key, value in fields:
        if isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
            found.append(f"{key}:")
            found.extend(f"  - {text(v, used)}" for v in value)
        else:
            found.append(f"{key}: {text(value, used)}")
    return found


def text(value: Any, used: Mapping[str, Any]) -> str:
    """A value as YAML flow text, each ``$name`` followed by its value in this run: ``{days: $d (= 7)}``."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {text(v, used)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(text(v, used) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        match = _PARAMETER.fullmatch(value)
        if match and match.group(1) in used:
            return f"{value} (= {text(used[match.group(1)], {})})"
        return _quoted(value)
    return str(value)


def _quoted(value: str) -> str:
    """Text as YAML would need it written: quoted when it holds YAML's own punctuation or could read as another
    type."""
    if value == "" or value[0] in "[]{}&*!|>'\"%@`#,?:-" or any(c in value for c in ":#,[]{}") or value.lower() in (
            "true", "false", "null", "yes", "no") or re.fullmatch(r"[-+]?\d[\d._:-]*", value):
        if '"' in value and "\n" not in value:
            return "'" + value.replace("'", "''") + "'"
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value
