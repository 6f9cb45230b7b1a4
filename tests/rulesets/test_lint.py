"""``swp-rules rulesets lint``: each kind of problem found in a named fixture (``tests/rulesets/lint/``), at the line
marked ``# LINT: KEY: REASON``; the shipped rulesets have none."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from swp_rules import codes
from swp_rules.cli import main
from swp_rules.rulesets import conditions as cond
from swp_rules.rulesets.lint import lint
from swp_rules.rulesets.loader import rulesets_root
from swp_rules.rulesets.satisfiable import why_never

HERE = Path(__file__).parent
FIXTURES = sorted((HERE / "lint").glob("*.yaml"))
_MARK = re.compile(r"#\s*LINT:\s*(?P<key>\S+):\s*(?P<reason>.+?)\s*$")
CHECKS = {"in-force-overlap", "in-force-gap", "never-applies", "unused-parameter", "undeclared-parameter",
          "never-discharged", "then-cycle", "unknown-then"}


def _marked(path: Path) -> tuple[int, str, str]:
    found = [(n, m["key"], m["reason"]) for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if not text.lstrip().startswith("#") and (m := _MARK.search(text))]
    assert len(found) == 1, f"{path.name} must mark one line with '# LINT: KEY: REASON'"
    return found[0]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_each_fixture_has_its_one_finding_at_the_marked_line(path: Path) -> None:
    line, key, reason = _marked(path)
    validated = CliRunner().invoke(main, ["rulesets", "validate", str(path)])
    if path.stem not in ("undeclared-parameter", "unknown-then"):  # validate refuses these two as well
        assert validated.exit_code == 0, validated.output  # valid: only lint finds the problem
    result = CliRunner().invoke(main, ["rulesets", "lint", str(path)])
    assert result.exit_code == 1
    findings = result.stdout.splitlines()[:-1]
    assert len(findings) == 1, result.stdout
    assert findings[0].startswith(f"{path}:{line}: {key}: {reason}"), (findings[0], reason)
    assert result.stdout.splitlines()[-1] == "1 finding"


def test_every_kind_of_problem_has_a_fixture() -> None:
    found = {f.check for f in lint(FIXTURES)}
    assert found == CHECKS


@pytest.mark.slow  # every shipped ruleset linted
def test_the_shipped_rulesets_have_no_finding() -> None:
    for value in (str(rulesets_root()), "statutory", "contracts/duties", "outcomes"):
        result = CliRunner().invoke(main, ["rulesets", "lint", value])
        assert result.exit_code == 0, result.stdout
        assert result.stdout == "0 findings\n"


def test_the_local_example_has_no_finding() -> None:
    assert lint([HERE / "local"]) == []


def test_json_and_alone() -> None:
    path = HERE / "lint" / "unknown-then.yaml"
    result = CliRunner().invoke(main, ["rulesets", "lint", str(path), "--format", "json"])
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["check"] == "unknown-then" and finding["line"] == _marked(path)[0]
    # alone, without the statutory rules beside it, the overlap with statutory visit.first is not seen
    assert lint([HERE / "lint" / "in-force-overlap.yaml"], context=False) == []


def test_nothing_to_lint_cannot_run() -> None:
    result = CliRunner().invoke(main, ["rulesets", "lint", "statutory/cpr-2099"])
    assert result.exit_code == 2 and "did you mean statutory/cpr-2010" in result.stderr


# --- the satisfiability check is sound: a condition some facts satisfy is never called impossible ------------------

_PLACEMENTS = ("Q2", "U1", "T1", "P1", "A3", "K2")
_STATUSES = ("C2", "V2", "V3")


def _literals() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda op, n: f"age {op} {n}", st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
                  st.integers(-1, 19)),
        st.sampled_from(["foster", "temporary", "adoption", "placed_with_parents", "short_breaks"]),
        st.builds(lambda op, c: f"placement {op} '{c}'", st.sampled_from(["==", "!="]),
                  st.sampled_from([*_PLACEMENTS, "Z9"])),
        st.builds(lambda op, c: f"legal_status {op} '{c}'", st.sampled_from(["==", "!="]),
                  st.sampled_from([*_STATUSES, "C9"])),
    )


def _conditions() -> st.SearchStrategy[str]:
    return st.recursive(
        _literals(),
        lambda inner: st.one_of(
            st.builds(lambda a, b: f"({a}) and ({b})", inner, inner),
            st.builds(lambda a, b: f"({a}) or ({b})", inner, inner),
            st.builds(lambda a: f"not ({a})", inner),
        ),
        max_leaves=6,
    )


def _facts() -> list[dict[str, object]]:
    found = []
    for age, placement, status in itertools.product(range(20), _PLACEMENTS, _STATUSES):
        found.append({
            "age": age, "placement": placement, "legal_status": status,
            "foster": placement in codes.FOSTER_PLACEMENT, "temporary": placement in codes.TEMPORARY_PLACEMENT,
            "adoption": placement in codes.ADOPTION_PLACEMENT, "placed_with_parents": placement == "P1",
            "short_breaks": status in codes.SHORT_BREAK_STATUS,
        })
    return found


FACTS = _facts()


@given(_conditions())
def test_a_condition_that_can_hold_is_never_called_impossible(text: str) -> None:
    node = cond.to_nnf(cond.parse(text))
    satisfied = any(cond.holds(node, facts) for facts in FACTS)
    if satisfied:
        assert why_never(node) is None, text
    elif why_never(node) is None:
        pass  # it may hold for facts outside the small domain tried here


# --- then: cycles: every rule on a loop, and only those ---------------------------------------------------------------

@given(st.dictionaries(st.sampled_from("abcdef"), st.sets(st.sampled_from("abcdef"), max_size=2), max_size=6))
def test_cycles_are_the_rules_that_reach_themselves(edges: dict[str, set[str]]) -> None:
    from swp_rules.rulesets.lint import _cycles

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), list(edges.get(start, ()))
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(edges.get(node, ()))
        return False

    cycles = _cycles(edges)
    assert {n for c in cycles for n in c} == {n for n in edges if reaches(n, n)}
    for cycle in cycles:
        assert cycle[0] == min(cycle) and len(set(cycle)) == len(cycle)
        assert all(b in edges[a] for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True))
