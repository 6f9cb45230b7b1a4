"""The rulesets' condition language: a small, safe expression language, parsed (never ``eval``-ed).

Grammar::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | atom
    atom    := "(" expr ")" | NAME [op literal | ["not"] "in" "[" literal ("," literal)* "]"]
    op      := "==" | "!=" | "<" | "<=" | ">" | ">="
    literal := NUMBER | STRING ('...' or "...") | true | false

A bare ``NAME`` means ``NAME == true``. Every comparison has one fact on the left and a literal on the right, so a
condition looks at one message only (no cross-fact joins: durable-rules crashes on those, see
``docs/legal-sources.md`` §7). Conditions are put in negation normal form, where a comparison against a
fact the record does not have is false, the same in durable-rules and in the plain-Python oracle.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final, Literal

import attrs

from swp_rules.rulesets.suggest import did_you_mean

Scalar = str | int | bool
Op = Literal["==", "!=", "<", "<=", ">", ">="]

_NEGATE: Final[dict[str, Op]] = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


class ConditionError(ValueError):
    """A condition that does not parse, or names a fact that does not exist; ``column`` is 1-based."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.column = column


@attrs.frozen(slots=True, cache_hash=True)
class Compare:
    name: str
    op: Op
    value: Scalar


@attrs.frozen(slots=True, cache_hash=True)
class And:
    items: tuple[Node, ...]


@attrs.frozen(slots=True, cache_hash=True)
class Or:
    items: tuple[Node, ...]


@attrs.frozen(slots=True, cache_hash=True)
class Not:
    item: Node


@attrs.frozen(slots=True, cache_hash=True)
class Const:
    value: bool


Node = Compare | And | Or | Not | Const

_TOKEN: Final = re.compile(
    r"""\s*(?:
        (?P<num>-?\d+(?:\.\d+)?)
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
      | (?P<bad>\S)
    )""",
    re.VERBOSE,
)
_KEYWORDS: Final = frozenset({"and", "or", "not", "in", "true", "false"})


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind is None:
            continue
        value = match.group(kind)
        column = match.start(kind) + 1
        if kind == "bad":
            raise ConditionError(f"unexpected character {value!r}", column)
        if kind == "name" and value in _KEYWORDS:
            kind = "kw"
        yield kind, value, column
    yield "end", "", len(text) + 1


#: The deepest a condition may nest (parentheses and ``not``), and the longest it may be: a condition is a line or
#: two of a ruleset, and the limits keep parsing and matching bounded.
MAX_CONDITION_DEPTH: Final = 32
MAX_CONDITION_LENGTH: Final = 10_000
#: The most digits a number in a condition may have.
_MAX_DIGITS: Final = 18


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = list(_tokens(text))
        self.index = 0
        self.depth = 0

    def deeper(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_CONDITION_DEPTH:
            raise ConditionError(f"nested more than {MAX_CONDITION_DEPTH} deep (parentheses and 'not')", column)

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.index]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, kind: str, value: str | None = None) -> tuple[str, str, int]:
        token = self.take()
        if token[0] != kind or (value is not None and token[1] != value):
            want = value or kind
            got = token[1] or "the end"
            raise ConditionError(f"expected {want!r}, found {got!r}", token[2])
        return token

    def parse(self) -> Node:
        node = self.parse_or()
        kind, value, column = self.peek()
        if kind != "end":
            raise ConditionError(f"unexpected {value!r}", column)
        return node

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.peek()[:2] == ("kw", "or"):
            self.take()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_not()]
        while self.peek()[:2] == ("kw", "and"):
            self.take()
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_not(self) -> Node:
        if self.peek()[:2] == ("kw", "not"):
            column = self.take()[2]
            self.deeper(column)
            node = Not(self.parse_not())
            self.depth -= 1
            return node
        return self.parse_atom()

    def literal(self) -> Scalar:
        kind, value, column = self.take()
        if kind == "num":
            if "." in value:
                raise ConditionError("only whole numbers can be compared", column)
            if len(value.lstrip("-")) > _MAX_DIGITS:
                raise ConditionError(f"a number may have at most {_MAX_DIGITS} digits", column)
            return int(value)
        if kind == "str":
            return value[1:-1]
        if kind == "kw" and value in ("true", "false"):
            return value == "true"
        raise ConditionError(f"expected a number, a 'string', true or false, found {value or 'the end'!r}", column)

    def parse_atom(self) -> Node:
        kind, value, column = self.peek()
        if (kind, value) == ("op", "("):
            self.take()
            self.deeper(column)
            node = self.parse_or()
            self.expect("op", ")")
            self.depth -= 1
            return node
        if (kind, value) in (("kw", "true"), ("kw", "false")):
            self.take()
            return Const(value == "true")
        if kind != "name":
            raise ConditionError(f"expected a fact name, found {value or 'the end'!r}", column)
        self.take()
        name = value
        kind, value, column = self.peek()
        if kind == "op" and value in _NEGATE:
            self.take()
            return Compare(name, value, self.literal())  # type: ignore[arg-type]
        negated = False
        if (kind, value) == ("kw", "not") and self.tokens[self.index + 1][:2] == ("kw", "in"):
            self.take()
            negated = True
            kind, value, column = self.peek()
        if (kind, value) == ("kw", "in"):
            self.take()
            self.expect("op", "[")
            values = [self.literal()]
            while self.peek()[:2] == ("op", ","):
                self.take()
                values.append(self.literal())
            self.expect("op", "]")
            choice: Node = Or(tuple(Compare(name, "==", v) for v in values))
            return Not(choice) if negated else choice
        return Compare(name, "==", True)


def parse(text: str) -> Node:
    """Parse a condition; ``ConditionError`` says what is wrong and at which column."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("a condition must be a non-empty string", 1)
    if len(text) > MAX_CONDITION_LENGTH:
        raise ConditionError(f"a condition may be at most {MAX_CONDITION_LENGTH} characters long", 1)
    return _Parser(text).parse()


def names(node: Node) -> frozenset[str]:
    """The facts a condition reads."""
    if isinstance(node, Compare):
        return frozenset({node.name})
    if isinstance(node, And | Or):
        return frozenset().union(*(names(i) for i in node.items))
    if isinstance(node, Not):
        return names(node.item)
    return frozenset()


def to_nnf(node: Node, negate: bool = False) -> Node:
    """Negation normal form: ``not`` pushed down onto the comparisons (De Morgan), so none remains."""
    if isinstance(node, Not):
        return to_nnf(node.item, not negate)
    if isinstance(node, Const):
        return Const(node.value != negate)
    if isinstance(node, Compare):
        return Compare(node.name, _NEGATE[node.op], node.value) if negate else node
    items = tuple(to_nnf(i, negate) for i in node.items)
    if isinstance(node, And):
        return Or(items) if negate else And(items)
    return And(items) if negate else Or(items)


_TYPE_WORDS: Final[dict[type, str]] = {int: "a whole number", str: "text", bool: "true or false"}


def check_types(node: Node, types: Mapping[str, type]) -> None:
    """Every name is a known fact and each comparison fits the fact's type (``ConditionError`` otherwise)."""
    if isinstance(node, And | Or):
        for item in node.items:
            check_types(item, types)
    elif isinstance(node, Not):
        check_types(node.item, types)
    elif isinstance(node, Compare):
        if node.name not in types:
            known = ", ".join(sorted(types))
            raise ConditionError(f"unknown fact {node.name!r} (known: {known}){did_you_mean(node.name, types)}")
        expected = types[node.name]
        value = node.value
        ok = isinstance(value, bool) if expected is bool else (
            isinstance(value, expected) and not isinstance(value, bool)
        )
        if not ok:
            raise ConditionError(f"{node.name} is {_TYPE_WORDS[expected]}; cannot compare it with {value!r}")
        if expected in (bool, str) and node.op not in ("==", "!="):
            raise ConditionError(f"{node.name} is {_TYPE_WORDS[expected]}; only == and != apply")


def holds(node: Node, facts: Mapping[str, Any]) -> bool:
    """The plain-Python oracle: evaluate an NNF condition; a comparison with an absent fact is false."""
    if isinstance(node, Compare):
        value = facts.get(node.name)
        if value is None:
            return False
        op = node.op
        if op == "==":
            return bool(value == node.value)
        if op == "!=":
            return bool(value != node.value)
        if op == "<":
            return bool(value < node.value)
        if op == "<=":
            return bool(value <= node.value)
        if op == ">":
            return bool(value > node.value)
        return bool(value >= node.value)
    if isinstance(node, And):
        return all(holds(i, facts) for i in node.items)
    if isinstance(node, Or):
        return any(holds(i, facts) for i in node.items)
    if isinstance(node, Const):
        return node.value
    return not holds(node.item, facts)


_DURABLE_OP: Final = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


def to_durable(node: Node) -> dict[str, Any]:
    """Compile an NNF condition to a durable-rules message expression (JSON ruleset form).

    Nested ``and`` inside ``and`` (and ``or`` inside ``or``) are flattened, and the ``$ex`` guard of a fact is given
    once per conjunction, so ``placement not in [...]`` is one ``$and`` however long its list."""
    if isinstance(node, Compare):
        # An absent fact never matches: `$ex` guards the negated comparisons the same way as the oracle.
        if node.op == "==":
            return {node.name: node.value}
        return {"$and": [{"$ex": {node.name: 1}}, {_DURABLE_OP[node.op]: {node.name: node.value}}]}
    if isinstance(node, And):
        terms: list[dict[str, Any]] = []
        for item in node.items:
            compiled = to_durable(item)
            for term in compiled["$and"] if set(compiled) == {"$and"} else [compiled]:
                if term not in terms:  # the same guard (or test) twice is the same test
                    terms.append(term)
        return terms[0] if len(terms) == 1 else {"$and": terms}
    if isinstance(node, Or):
        options: list[dict[str, Any]] = []
        for item in node.items:
            compiled = to_durable(item)
            options.extend(compiled["$or"] if set(compiled) == {"$or"} else [compiled])
        return options[0] if len(options) == 1 else {"$or": options}
    if isinstance(node, Const):
        return {"$ex": {"q": 1}} if node.value else {"$nex": {"q": 1}}
    raise ValueError("to_durable needs a condition in negation normal form")


def compound_terms(expression: Any) -> int:
    """How many ``$and``/``$or`` a durable-rules expression holds (the core refuses a rule with too many)."""
    if isinstance(expression, dict):
        own = sum(1 for key in expression if key in ("$and", "$or"))
        return own + sum(compound_terms(v) for v in expression.values())
    if isinstance(expression, list):
        return sum(compound_terms(v) for v in expression)
    return 0


def disjuncts(node: Node) -> tuple[Node, ...]:
    """The alternatives of an NNF condition (its ``or`` items, flattened), each of which can be its own rule."""
    if isinstance(node, Or):
        return tuple(d for item in node.items for d in disjuncts(item))
    return (node,)


def render(node: Node) -> str:
    """The condition written back as text (for explanations and ``rulesets show``)."""
    if isinstance(node, Compare):
        if node.op == "==" and node.value is True:
            return node.name
        if node.op == "==" and node.value is False:
            return f"not {node.name}"
        value = repr(node.value) if isinstance(node.value, str) else str(node.value).lower() if isinstance(
            node.value, bool) else str(node.value)
        return f"{node.name} {node.op} {value}"
    if isinstance(node, And):
        return " and ".join(_wrap(i) for i in node.items)
    if isinstance(node, Or):
        return " or ".join(_wrap(i) for i in node.items)
    if isinstance(node, Const):
        return "true" if node.value else "false"
    return f"not {_wrap(node.item)}"


def _wrap(node: Node) -> str:
    return f"({render(node)})" if isinstance(node, And | Or) else render(node)
