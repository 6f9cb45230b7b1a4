"""Ruleset test cases as data (``tests/rulesets/duties/*.yaml``): events, an as-of date, the expected results.

Each case lists ``breaches`` (exactly these, compared on the keys given), ``open_includes`` (these open duties among
others), ``absent`` (rules that must produce no breach), ``statuses`` (a rule's record with this status and due) and
``no_record`` (no record at all matches these keys, e.g. a duty that never starts).
Both matchers (durable-rules and the oracle) must give the expected answers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from swp_rules.engine import Engine, load_rulebook
from swp_rules.io.events import load_records

CASES = sorted((Path(__file__).parents[1] / "rulesets" / "duties").glob("*.yaml"))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _load(path: Path) -> dict[str, Any]:
    return _plain(YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")))  # type: ignore[no-any-return]


def _subset(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    return all(actual.get(k) == v for k, v in expected.items())


@pytest.mark.parametrize("matcher", ["durable", "oracle"])
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path, matcher: str) -> None:
    case = _load(path)
    loaded = load_records(case["events"], source=path.name)
    assert not loaded.rejected, [str(r) for r in loaded.rejected]
    parameters = case.get("parameters")
    engine = Engine(load_rulebook(case.get("rulesets", []), parameters), matcher)
    result = engine.evaluate(loaded.events, dt.date.fromisoformat(case["as_of"]))
    expect = case["expect"]
    breaches = [b.to_dict() for b in result.breaches]
    if "breaches" in expect:
        wanted = expect["breaches"]
        assert len(breaches) == len(wanted), _show("breaches", breaches)
        for item in wanted:
            assert any(_subset(item, b) for b in breaches), (item, _show("breaches", breaches))
    open_ = [o.to_dict() for o in result.open]
    for item in expect.get("open_includes", []):
        assert any(_subset(item, o) for o in open_), (item, _show("open", open_))
    for rule in expect.get("absent", []):
        assert not any(b["rule"] == rule for b in breaches), (rule, _show("breaches", breaches))
    records = [r.to_dict() for r in result.records]
    for item in expect.get("statuses", []):
        assert any(_subset(item, r) for r in records), (item, _show("records", records))
    for item in expect.get("no_record", []):
        assert not any(_subset(item, r) for r in records), (item, _show("records", records))


def _show(name: str, items: list[dict[str, Any]]) -> str:
    lines = [f"{name}:"] + [
        f"  {i.get('child')} {i.get('rule')} {i.get('status', '')} due {i.get('due')} met {i.get('met')}"
        for i in items
    ]
    return "\n".join(lines)
