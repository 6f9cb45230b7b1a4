"""A ruleset file's line-numbered tree survives its cache encoding unchanged, and decoding accepts nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from swp_rules.rulesets import tree
from swp_rules.rulesets.yamlfile import yaml_tree

_lines = st.none() | st.integers(1, 10_000)
_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
            | st.dates() | st.datetimes() | st.builds(tree.Foreign, st.text(max_size=5), st.text(max_size=5)))
_keys = st.none() | st.booleans() | st.integers() | st.text(max_size=10) | st.dates()


def _map(pairs: list[tuple[Any, Any, int | None, int | None]], line: int | None) -> tree.LineMap:
    found = tree.LineMap(line)
    for key, value, key_line, value_line in pairs:
        found.put(key, value, key_line, value_line)
    return found


def _seq(items: list[tuple[Any, int | None]], line: int | None) -> tree.LineSeq:
    found = tree.LineSeq(line)
    for value, item_line in items:
        found.put(value, item_line)
    return found


_trees = st.recursive(_scalars, lambda inner: (
    st.builds(_map, st.lists(st.tuples(_keys, inner, _lines, _lines), max_size=4, unique_by=lambda p: p[0]), _lines)
    | st.builds(_seq, st.lists(st.tuples(inner, _lines), max_size=4), _lines)), max_leaves=20)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, tree.LineMap):
        return (a.line == b.line and list(a) == list(b) and a.key_lines == b.key_lines
                and a.value_lines == b.value_lines and all(_same(a[k], b[k]) for k in a))
    if isinstance(a, tree.LineSeq):
        return a.line == b.line and a.item_lines == b.item_lines and len(a) == len(b) and all(
            _same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@given(_trees)
def test_a_tree_reads_back_as_it_was_written(value: Any) -> None:
    data = msgspec.json.decode(msgspec.json.encode(tree.encode(value)))
    assert _same(tree.decode(data), value)


@pytest.mark.parametrize("data", [
    {"l": 1, "m": [["a", 1, 1, 1.5]]},  # an untagged number with a fraction
    {"l": 1, "m": [["a", 1, 1, {"py/object": "os.system"}]]},
    {"l": 1, "m": [["a", 1, 1, 1], ["a", 2, 2, 2]]},  # a key twice
    {"l": 0, "m": []},  # no line 0
    {"l": 1, "s": [[1]]},
    {"l": 1, "m": [["a", 1, 1, {"i": "12x"}]]},
    {"l": 1, "m": [["a", 1, 1, {"d": "2011-02-30"}]]},
])
def test_anything_else_is_refused(data: Any) -> None:
    with pytest.raises(tree.TreeError):
        tree.decode(data)


def test_decoding_is_bounded() -> None:
    deep: Any = "leaf"
    for _ in range(tree.MAX_YAML_DEPTH + 1):
        deep = {"l": 1, "s": [[1, deep]]}
    with pytest.raises(tree.TreeError):
        tree.decode(deep)
    with pytest.raises(tree.TreeError):
        tree.decode({"l": 1, "s": [[1, 0]] * (tree.MAX_YAML_VALUES + 1)})


def test_yaml_values_become_plain_types_with_their_lines() -> None:
    text = "a: 1\nb: 0x10\nc: !!binary aGk=\nd:\n  - 2011-04-01\n  - {e: 1.5, f: yes, g: &t true, h: *t}\n"
    value = yaml_tree(text, "t.yaml")
    assert isinstance(value, tree.LineMap) and value.key_lines == {"a": 1, "b": 2, "c": 3, "d": 4}
    assert type(value["b"]) is int and value["b"] == 16 and value["c"] == tree.Foreign("bytes", "b'hi'")
    items = value["d"]
    assert isinstance(items, tree.LineSeq) and items.item_lines == [5, 6] and items[0] == dt.date(2011, 4, 1)
    assert items[1] == {"e": 1.5, "f": "yes", "g": True, "h": True} and type(items[1]["g"]) is bool
