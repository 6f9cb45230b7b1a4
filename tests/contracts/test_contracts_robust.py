"""A contract file with any value in any place is either loaded or rejected with located problems: never a crash."""

from __future__ import annotations

import io
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from swp_rules.contracts import FixedMeasures, FixedSpend, load_contract, settle
from swp_rules.periods import ReportingPeriod
from swp_rules.rulesets.loader import RulesetError, rulesets_root

TEMPLATE = YAML(typ="safe", pure=True).load((rulesets_root() / "contracts" / "template.yaml").read_text("utf-8"))

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(),
                     st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e300, -0.0]),
                     st.text(max_size=12), st.sampled_from(["1/0", "-5%", "£-1", "2-1", "0", "1e400", "NI62"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.sampled_from(["from", "to", "years", "measure", "weight", "x"]), inner,
                                         max_size=3), max_leaves=6)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


PATHS = _paths(TEMPLATE)


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (_replace(v, rest, new) if k == head else v) for k, v in value.items()}
    return [(_replace(v, rest, new) if i == head else v) for i, v in enumerate(value)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), _VALUES), min_size=1, max_size=3))
def test_any_value_anywhere_is_loaded_or_located(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    document = TEMPLATE
    for path, value in changes:
        try:
            document = _replace(document, path, value)
        except (TypeError, AttributeError, IndexError):
            continue
    text = io.StringIO()
    YAML(typ="safe", pure=True).dump(document, text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.yaml"
        path.write_text(text.getvalue(), encoding="utf-8")
        try:
            contract = load_contract(path)
        except RulesetError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.file == str(path) and problem.line >= 0 and problem.key and problem.reason
            return
    statement = settle(contract, ReportingPeriod(contract.start, contract.end), measures=FixedMeasures(),
                       spend=FixedSpend())
    assert statement.totals.total == sum((p.total for p in statement.periods), Decimal(0))
