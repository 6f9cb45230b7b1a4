"""Whatever condition the language accepts, the durable-rules core matches it, with the oracle's answer.

durable-rules refuses a rule with more than about fifteen ``$and``/``$or`` terms ("error code: 113"); long membership
tests and disjunctions are compiled flat, split into one rule per alternative, or helped by derived facts computed in
Python (``swp_rules.engine.matcher``)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from swp_rules import codes
from swp_rules.engine.matcher import MAX_COMPOUND_TERMS, DurableMatcher, OracleMatcher
from swp_rules.rulesets import conditions as cond
from swp_rules.rulesets.duties import DUTY_FACTS, Condition

PLACEMENTS = sorted(codes.CODE_LISTS["PL"])
INTS = [n for n, t in DUTY_FACTS.items() if t is int]
BOOLS = [n for n, t in DUTY_FACTS.items() if t is bool]


def _atoms() -> st.SearchStrategy[str]:
    membership = st.builds(lambda negated, values: f"placement {'not ' if negated else ''}in "
                                                   f"[{', '.join(repr(v) for v in values)}]",
                           st.booleans(), st.lists(st.sampled_from(PLACEMENTS), min_size=1, max_size=20))
    ranges = st.builds(lambda name, low, width: f"({name} >= {low} and {name} < {low + width})",
                       st.sampled_from(INTS), st.integers(0, 20), st.integers(1, 5))
    compare = st.builds(lambda name, op, value: f"{name} {op} {value}", st.sampled_from(INTS),
                        st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), st.integers(-1, 25))
    return st.one_of(membership, ranges, compare, st.sampled_from(BOOLS),
                     st.sampled_from(BOOLS).map(lambda name: f"not {name}"))


CONDITIONS = st.recursive(
    _atoms(),
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=16).map(lambda items: " or ".join(f"({i})" for i in items)),
        st.lists(inner, min_size=2, max_size=6).map(lambda items: " and ".join(f"({i})" for i in items)),
        inner.map(lambda item: f"not ({item})"),
    ),
    max_leaves=40,
)

FACTS = st.fixed_dictionaries({}, optional={
    "placement": st.sampled_from(PLACEMENTS),
    **{name: st.integers(-1, 25) for name in INTS},
    **{name: st.booleans() for name in BOOLS},
})


@settings(max_examples=60)
@given(st.lists(CONDITIONS, min_size=1, max_size=4), st.lists(FACTS, min_size=1, max_size=5))
def test_durable_rules_matches_every_condition_the_language_accepts(texts: list[str],
                                                                     facts: list[dict[str, Any]]) -> None:
    parsed = [Condition.parse(text, DUTY_FACTS) for text in texts]
    durable = DurableMatcher(parsed, cache=False)
    oracle = OracleMatcher(cache=False)
    for condition in parsed:
        for values in facts:
            assert durable.holds(condition, values) == oracle.holds(condition, values), condition.text


def test_the_issue_s_conditions_run_on_the_core() -> None:
    fourteen = ", ".join(repr(c) for c in PLACEMENTS[:14])
    ranges = " or ".join(f"(age >= {i} and age < {i + 1})" for i in range(14))
    texts = [f"placement not in [{fourteen}]", f"placement in [{fourteen}]", ranges,
             f"looked_after and ({ranges}) and placement not in [{fourteen}]"]
    parsed = [Condition.parse(t, DUTY_FACTS) for t in texts]
    durable = DurableMatcher(parsed)
    for condition in parsed:
        for facts in ({"placement": PLACEMENTS[0], "age": 3, "looked_after": True},
                      {"placement": PLACEMENTS[20], "age": 13, "looked_after": True}, {"age": 20}, {}):
            assert durable.holds(condition, facts) == cond.holds(condition.node, facts)


def test_a_long_not_in_list_is_one_flat_conjunction() -> None:
    values = ", ".join(repr(c) for c in PLACEMENTS[:30])
    node = Condition.parse(f"placement not in [{values}]", DUTY_FACTS).node
    expression = cond.to_durable(node)
    assert cond.compound_terms(expression) == 1 <= MAX_COMPOUND_TERMS
    assert expression["$and"][0] == {"$ex": {"placement": 1}} and len(expression["$and"]) == 31
