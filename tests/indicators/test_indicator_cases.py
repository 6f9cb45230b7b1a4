"""Indicator test cases as data (``tests/rulesets/indicators/*.yaml``): events, a period, the expected results.

Each case has ``period`` (``START..END`` or ``2010/11``), optional ``indicators`` (ids to compute), ``rulesets`` and
``duty_rulesets``, ``events``, and ``expect``: a list of results compared on the keys given (the keys of
``IndicatorResult.to_dict()``; ``practice`` defaults to ``null``, the overall result).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from swp_rules.indicators import compute_indicators
from swp_rules.io.events import load_records
from swp_rules.periods import parse_period

CASES = sorted((Path(__file__).parents[1] / "rulesets" / "indicators").glob("*.yaml"))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _load(path: Path) -> dict[str, Any]:
    return _plain(YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")))  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path) -> None:
    case = _load(path)
    loaded = load_records(case["events"], source=path.name)
    assert not loaded.rejected, [str(r) for r in loaded.rejected]
    report = compute_indicators(loaded.events, parse_period(str(case["period"])), indicators=case.get("indicators"),
                                rulesets=case.get("rulesets", ()), duty_rulesets=case.get("duty_rulesets", ()))
    for wanted in case["expect"]:
        result = report.get(wanted["id"], wanted.get("practice"))
        assert result is not None, f"no result for {wanted['id']} {wanted.get('practice')}"
        actual = result.to_dict()
        for key, value in wanted.items():
            assert actual[key] == value, (wanted["id"], wanted.get("practice"), key, actual[key], value)
