"""Fuzzing, driven by Hypothesis and bounded in time by its profile (``tests/conftest.py``): the event reader, the
condition parser and the ruleset loader take any input and answer only with events, located rejections or located
errors, never another exception."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swp_rules.io.events import InputError, load_events
from swp_rules.rulesets import conditions as cond
from swp_rules.rulesets.duties import DUTY_FACTS
from swp_rules.rulesets.loader import RulesetError, parse_file
from swp_rules.testing.events import event_dicts

FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)

#: Pieces of records: valid lines, JSON syntax, quotes, huge numbers, deep brackets, bad bytes.
PIECES = st.sampled_from([
    b"{", b"}", b"[", b"]", b'"', b",", b":", b"\n", b"\r\n", b"\\", b"1e999999999", b"9" * 50, b"-0", b"null",
    b"true", b'"id"', b'"child"', b'"type"', b'"date"', b'"visit"', b'"2011-06-03"', b'"0001-01-01"', b"\xff",
    b"\xef\xbb\xbf", b"\x00", b" ", b"[" * 40, b"]" * 40, b'"score": 1e5000', b'"weekly_cost": "1e30"',
])


def _lines() -> st.SearchStrategy[bytes]:
    valid = event_dicts(date_times=True).map(lambda r: json.dumps(r).encode())
    mutated = st.tuples(valid, st.integers(0, 200), st.lists(PIECES, max_size=4)).map(
        lambda t: t[0][:t[1]] + b"".join(t[2]) + t[0][t[1]:])
    return st.one_of(valid, mutated, st.lists(PIECES, max_size=8).map(b"".join), st.binary(max_size=60))


@FUZZ
@given(st.lists(_lines(), max_size=12), st.sampled_from(["jsonl", "csv"]))
def test_the_event_reader_takes_any_bytes(tmp_path: Path, lines: list[bytes], suffix: str) -> None:
    path = tmp_path / f"fuzz.{suffix}"
    if suffix == "csv":
        lines = [b"id,child,type,date,placement,score,note", *lines]
    path.write_bytes(b"\n".join(lines) + b"\n")
    try:
        loaded = load_events(path)
    except InputError:  # only a CSV header that cannot be read stops a file, before anything is evaluated
        assert suffix == "csv"
        return
    counts = loaded.counts
    assert counts.read == counts.evaluated + counts.duplicates + counts.rejected
    assert len(loaded.rejected) == counts.rejected and len(loaded.events) == counts.evaluated
    assert all(r.line >= 1 and r.reason for r in loaded.rejected)
    if suffix == "jsonl":
        physical = b"\n".join(lines).replace(b"\xef\xbb\xbf", b"", 1) if lines and lines[0].startswith(
            b"\xef\xbb\xbf") else b"\n".join(lines)
        assert counts.read <= physical.count(b"\n") + 1


TOKENS = st.sampled_from([
    "(", ")", "[", "]", ",", " and ", " or ", " not ", " in ", "==", "!=", "<", ">=", "age", "placement", "foster",
    "'Q1'", '"U1"', "3", "-1", "9" * 30, "true", "false", "1.5", "'", "$", " ", "looked_after", "(" * 40, ")" * 40,
])


@given(st.lists(TOKENS, max_size=30).map("".join))
def test_the_condition_parser_answers_or_says_where(text: str) -> None:
    try:
        node = cond.parse(text)
        cond.check_types(node, DUTY_FACTS)
    except cond.ConditionError as exc:
        assert str(exc) and exc.column >= 0
        return
    nnf = cond.to_nnf(node)
    assert cond.render(nnf)
    cond.to_durable(nnf)


YAML_PIECES = st.sampled_from([
    "ruleset: fuzz/x\n", "kind: duties\n", "kind: contract\n", "kind: indicators\n", "version: '1'\n",
    "title: T\n", "in_force: {from: 2011-04-01}\n", "rules:\n", "  - id: visit.x\n", "    title: X\n",
    "    citation: C\n", "    basis: regulation\n", "    trigger: placement_start\n", "    deadline: {days: 5}\n",
    "    deadline: {working_days: 100000000000000000000000}\n", "    applies: \"age > 3 and (foster\"\n",
    "    discharged_by: [visit]\n", "parameters: {p: {value: &a [1, 2, 3]}}\n", "x: [*a, *a, *a]\n", "x: *nope\n",
    "&r [*r]\n", "- - - - - -\n", "{" * 20, "}" * 20, "[" * 70, "]" * 70, ": : :\n", "\t\n", "\x00", "'\n", '"\n',
    "2011-02-30\n", "!!python/object:os.system ls\n", "? complex\n", "<<: *a\n",
])


@FUZZ
@given(st.lists(YAML_PIECES, max_size=20).map("".join))
def test_the_ruleset_loader_answers_or_says_where(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        parse_file(path)
    except RulesetError as exc:
        assert exc.problems and all(p.file == str(path) and p.reason for p in exc.problems)


@pytest.mark.parametrize("text", ["!!python/object/apply:os.system ['echo owned']", "a: !!python/name:os.system"])
def test_no_code_runs_from_yaml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "code.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(RulesetError):
        parse_file(path)
