"""Deciding conditions: durable-rules as the rule-matching core, and a plain-Python oracle beside it.

The rulesets' conditions compile to one durable-rules ruleset of single-message rules (``$and`` of the condition's
key and its compiled expression), with a lowest-priority catch-all so no message is ever unhandled. Facts (age,
placement, legal status, …) are computed in Python on the timeline; only the matching runs in durable-rules. The
design follows the measurements in ``docs/legal-sources.md`` §7: one host with no timer threads, one session,
unique message ids, no cross-fact joins, no wall-clock timers, every call under a lock, and nothing of the message
in any error.

A condition's answer depends only on the facts it names, so both matchers remember answers by
``(condition, values)``: a council's children share few distinct combinations, and each is matched once.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from swp_rules.rulesets import conditions as cond
from swp_rules.rulesets.duties import Condition


class Matcher(Protocol):
    """Decides whether a condition holds for a set of facts."""

    name: str
    #: Whether answers are remembered by ``(condition, values)``: a caller may then remember what it derives
    #: from them (``swp_rules.engine.plan``) the same way.
    remembers: bool

    def holds(self, condition: Condition, facts: Mapping[str, Any]) -> bool: ...

    def holds_values(self, condition: Condition, values: tuple[Any, ...]) -> bool:
        """``holds`` for the values of ``condition.names`` in that order (``None``: the fact is not given)."""
        ...


class MatcherError(RuntimeError):
    """The rule-matching core failed; the message never carries case data."""


class OracleMatcher:
    """The plain-Python evaluator of the condition language: the test oracle for the durable-rules core."""

    name = "oracle"

    def __init__(self, cache: bool = True) -> None:
        self._cache: dict[tuple[Condition, tuple[Any, ...]], bool] | None = {} if cache else None
        self.remembers = cache
        self.evaluations = 0

    def holds(self, condition: Condition, facts: Mapping[str, Any]) -> bool:
        if self._cache is None:
            self.evaluations += 1
            return cond.holds(condition.node, facts)
        return self.holds_values(condition, tuple(map(facts.get, condition.names)))

    def holds_values(self, condition: Condition, values: tuple[Any, ...]) -> bool:
        key = (condition, values)
        found = None if self._cache is None else self._cache.get(key)
        if found is None:
            self.evaluations += 1
            found = cond.holds(condition.node, _given(condition, values))
            if self._cache is not None:
                self._cache[key] = found
        return found


def _given(condition: Condition, values: tuple[Any, ...]) -> dict[str, Any]:
    """The facts a condition reads, from their values in the order of its names (absent ones left out)."""
    return {name: value for name, value in zip(condition.names, values, strict=True) if value is not None}


_HOST_NAMES = itertools.count(1)

#: The most ``$and``/``$or`` terms one durable-rules rule is given (the core refuses a rule with more than about
#: fifteen: "Could not create ruleset, error code: 113"); longer conditions are split or helped by derived facts.
MAX_COMPOUND_TERMS = 12


class DurableMatcher:
    """Conditions matched by durable-rules 2.0.28, one message per question."""

    name = "durable-rules"

    def __init__(self, conditions: Iterable[Condition] = (), cache: bool = True) -> None:
        self._lock = threading.Lock()
        self._host: Any = None  # durable-rules is imported and its host made at the first question (``_register``)
        self._ruleset = f"swp{next(_HOST_NAMES)}"
        self._keys: dict[Condition, int] = {}
        self._answers: dict[int, bool] = {}
        self._ids = itertools.count(1)
        self._derived: dict[int, list[tuple[str, cond.Node]]] = {}
        self._cache: dict[tuple[Condition, tuple[Any, ...]], bool] | None = {} if cache else None
        self.remembers = cache
        self.evaluations = 0
        self._registered = False
        self._pending: list[Condition] = list(dict.fromkeys(conditions))
        for condition in self._pending:
            self._key(condition)

    def _make_host(self) -> Any:
        from durable import engine as durable_engine

        matcher = self

        class _Host(durable_engine.Host):  # type: ignore[misc]
            """A host with no timer threads, so every action runs inside the call that posts."""

            def _run(self) -> None:
                return None

            def get_action(self, action_name: str) -> Any:
                return matcher._action(action_name)

        return _Host()

    def _key(self, condition: Condition) -> int:
        key = self._keys.get(condition)
        if key is None:
            if self._registered:
                raise MatcherError("a condition was asked that the ruleset did not declare")
            key = self._keys[condition] = len(self._keys) + 1
        return key

    def _action(self, name: str) -> Any:
        answer = name == "holds"

        def act(closure: Any) -> None:
            self._answers[closure.m["id"]] = answer

        return act

    def _register(self) -> None:
        rules: dict[str, Any] = {}
        for condition, key in self._keys.items():
            for index, expression in enumerate(self._expressions(key, condition.node)):
                rules[f"c{key}_{index}"] = {"all": [{"m": expression}], "pri": 1, "run": "holds"}
        rules["otherwise"] = {"all": [{"m": {"$ex": {"q": 1}}}], "pri": 100, "run": "fails"}
        self._host = self._make_host()
        self._host.set_rulesets({self._ruleset: rules})
        self._registered = True

    def _expressions(self, key: int, node: cond.Node) -> list[dict[str, Any]]:
        """The durable-rules expressions of one condition: one rule when it fits the core's limit on ``$and`` and
        ``$or`` terms; else one rule per alternative (``or``); an alternative that still does not fit has its
        compound parts computed in Python as derived true/false facts (``_d<key>_<n>``) that the core matches."""
        whole = {"$and": [{"q": key}, cond.to_durable(node)]}
        if cond.compound_terms(whole) <= MAX_COMPOUND_TERMS:
            return [whole]
        expressions: list[dict[str, Any]] = []
        for alternative in cond.disjuncts(node):
            expression = {"$and": [{"q": key}, cond.to_durable(alternative)]}
            if cond.compound_terms(expression) > MAX_COMPOUND_TERMS:
                expression = {"$and": [{"q": key}, cond.to_durable(self._derive(key, alternative))]}
            expressions.append(expression)
        return expressions

    def _derive(self, key: int, node: cond.Node) -> cond.Node:
        """``node`` with each compound part replaced by a derived fact, computed in Python when the question is
        asked (``holds``), so that the expression the core matches stays within its limit."""
        parts = node.items if isinstance(node, cond.And) else (node,)
        derived = self._derived.setdefault(key, [])
        kept: list[cond.Node] = []
        for part in parts:
            if isinstance(part, cond.Compare):
                kept.append(part)
                continue
            name = f"_d{key}_{len(derived)}"
            derived.append((name, part))
            kept.append(cond.Compare(name, "==", True))
        return kept[0] if len(kept) == 1 else cond.And(tuple(kept))

    def holds(self, condition: Condition, facts: Mapping[str, Any]) -> bool:
        return self._ask(condition, tuple(map(facts.get, condition.names)), facts)

    def holds_values(self, condition: Condition, values: tuple[Any, ...]) -> bool:
        cache = self._cache
        if cache is not None:  # as in _ask, one call sooner: this is asked for nearly every obligation
            found = cache.get((condition, values))
            if found is not None:
                return found
        return self._ask(condition, values, None)

    def _ask(self, condition: Condition, values: tuple[Any, ...], facts: Mapping[str, Any] | None) -> bool:
        cache = self._cache
        if cache is not None:  # a remembered answer is read without the lock (a dict read is atomic)
            found = cache.get((condition, values))
            if found is not None:
                return found
        with self._lock:
            if not self._registered:
                self._register()
            key = self._keys.get(condition)
            if key is None:
                raise MatcherError("a condition was asked that the ruleset did not declare")
            message: dict[str, Any] = {"id": next(self._ids), "sid": "0", "q": key}
            for name, value in zip(condition.names, values, strict=True):
                if value is not None:
                    message[name] = value
            derived = self._derived.get(key, ())
            if derived and facts is None:
                facts = _given(condition, values)
            for name, part in derived:
                assert facts is not None
                message[name] = cond.holds(part, facts)
            self.evaluations += 1
            try:
                self._host.post(self._ruleset, message)
            except Exception as exc:  # durable-rules puts the whole message in its exception text
                raise MatcherError(f"durable-rules failed ({type(exc).__name__})") from None
            answer = self._answers.pop(message["id"], None)
            if answer is None:
                raise MatcherError("durable-rules ran no action for a condition")
            if cache is not None:
                cache[(condition, values)] = answer
            return answer


def make_matcher(kind: str, conditions: Iterable[Condition], cache: bool = True) -> Matcher:
    """``"durable"`` (the default core) or ``"oracle"``."""
    if kind in ("durable", "durable-rules"):
        return DurableMatcher(conditions, cache=cache)
    if kind == "oracle":
        return OracleMatcher(cache=cache)
    raise ValueError(f"unknown matcher {kind!r} (durable or oracle)")
