"""Reading YAML text with the YAML library (ruamel, round-trip, pure Python), bounded, into a line-numbered tree.

Imported only when a ruleset file's tree is not in the cache folder (``swp_rules.rulesets.loader.read_yaml``).
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from swp_rules.rulesets.loader import RulesetError, RulesetProblem
from swp_rules.rulesets.tree import MAX_YAML_DEPTH, MAX_YAML_VALUES, from_yaml


class _Constructor(RoundTripConstructor):
    """Round-trip YAML, except that a date-like scalar that is no real date (2011-02-30) stays text.

    The ruleset's typed getter (``Node.date``) then reports it with its file, line and key, instead of the YAML
    library raising an unlocated ``ValueError``.
    """

    def construct_yaml_timestamp(self, node: ScalarNode, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return str(node.value)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)

def _children(node: Any) -> list[Any]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: Any) -> None:
    """Refuse a document whose aliases expand it past ``MAX_YAML_VALUES`` values or ``MAX_YAML_DEPTH`` levels, or
    that refers to itself; the error is located at the value where the limit is passed."""
    sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth) once expanded
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            children = [sizes[id(c)] for c in _children(node)]
            values = 1 + sum(c[0] for c in children)
            depth = 1 + max((c[1] for c in children), default=0)
            if values > MAX_YAML_VALUES:
                raise ComposerError(None, None, f"holds more than {MAX_YAML_VALUES} values once its aliases "
                                                "(*name) are expanded", node.start_mark)
            if depth > MAX_YAML_DEPTH:
                raise ComposerError(None, None, f"nests more than {MAX_YAML_DEPTH} deep once its aliases (*name) "
                                                "are expanded", node.start_mark)
            sizes[key] = (values, depth)
            open_nodes.discard(key)
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise ComposerError(None, None, "an alias (*name) refers to a value that holds it", node.start_mark)
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


class _Composer(Composer):
    """ruamel's composer, refusing values nested more than ``MAX_YAML_DEPTH`` deep as it reads them (before its
    recursion can overflow), with every document checked by ``_check_expansion`` before it is constructed."""

    _nesting = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._nesting += 1
        try:
            if self._nesting > MAX_YAML_DEPTH:
                raise ComposerError(None, None, f"nests more than {MAX_YAML_DEPTH} deep",
                                    self.parser.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._nesting -= 1

    def compose_document(self) -> Any:
        node = super().compose_document()
        _check_expansion(node)
        return node


def yaml_tree(text: str, shown: str) -> Any:
    """The YAML text's value as a tree of ``swp_rules.rulesets.tree`` types; ``RulesetError`` (located at ``shown``
    and the line) for malformed YAML or YAML past the bounds."""
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _Constructor
    yaml.Composer = _Composer
    try:
        value = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise RulesetError([RulesetProblem(shown, line, "(yaml)", f"{exc.problem or exc.context}")]) from None
    except YAMLError as exc:
        raise RulesetError([RulesetProblem(shown, 1, "(yaml)", str(exc).splitlines()[0])]) from None
    return from_yaml(value)
