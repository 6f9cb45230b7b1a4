"""A ruleset file's YAML as plain data with line numbers, and its encoding for the cache folder.

The YAML library's own values (ruamel's comment-keeping maps, lists and scalar types) are turned, once per read,
into this module's: ``LineMap`` (a ``dict`` that knows the line of each key and value), ``LineSeq`` (a ``list`` that
knows the line of each item), and plain ``str``, ``int``, ``float``, ``bool``, ``None``, ``datetime.date`` and
``datetime.datetime``; a value of any other YAML type (``!!binary``, a custom tag) is a ``Foreign`` that names its
type, so a ruleset parser reports it as it always has ("must be text, not TaggedScalar").

A tree encodes as JSON (``encode``) and decodes (``decode``) with every shape, type and bound checked: the same
limits as a YAML file (``MAX_YAML_DEPTH`` levels, ``MAX_YAML_VALUES`` values), and nothing but the types above can
come out of it, so a cache entry is data that the ruleset parsers check exactly as they check a YAML file, never
code (``swp_rules.rulesets.cache``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

#: Bounds on a ruleset file's values (``swp_rules.rulesets.loader`` enforces them on the YAML; ``decode`` on a cache
#: entry).
MAX_YAML_DEPTH: Final = 64
MAX_YAML_VALUES: Final = 100_000

#: Bumped when the encoding changes, so that an entry written by other code is not read.
TREE_FORMAT: Final = "tree-1"

_INT64: Final = 1 << 63


@attrs.frozen(slots=True)
class Foreign:
    """A YAML value of a type no ruleset reads (``!!binary``, a tagged scalar): its type's name and its text."""

    type_name: str
    text: str


class LineMap(dict[Any, Any]):
    """A YAML mapping with the line (1-based) where it starts and where each key and its value are written
    (``None`` when the YAML library gave none, e.g. for a key merged in with ``<<``)."""

    __slots__ = ("key_lines", "line", "value_lines")

    def __init__(self, line: int | None = None) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int | None] = {}
        self.value_lines: dict[Any, int | None] = {}

    def put(self, key: Any, value: Any, key_line: int | None, value_line: int | None) -> None:
        self[key] = value
        self.key_lines[key] = key_line
        self.value_lines[key] = value_line


class LineSeq(list[Any]):
    """A YAML sequence with the line (1-based) where it starts and where each item is written."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int | None = None) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int | None] = []

    def put(self, value: Any, line: int | None) -> None:
        self.append(value)
        self.item_lines.append(line)


# --- from the YAML library's values -------------------------------------------------------------------------------


def _line(call: Any, *args: Any) -> int | None:
    try:
        return int(call(*args)[0]) + 1
    except (KeyError, TypeError, IndexError, AttributeError):
        return None


def _own_line(value: Any) -> int | None:
    try:
        return int(value.lc.line) + 1
    except (AttributeError, TypeError):
        return None


def _scalar(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, bool) or type(value).__name__ == "ScalarBoolean":
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                           value.microsecond, value.tzinfo)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return Foreign(type(value).__name__, str(value))


def from_yaml(value: Any) -> Any:
    """The YAML library's value (ruamel's round-trip types) as a tree of this module's types, lines kept."""
    if isinstance(value, Mapping):
        lc = getattr(value, "lc", None)
        found = LineMap(_own_line(value))
        for key in value:
            found.put(_scalar(key), from_yaml(value.get(key)), _line(getattr(lc, "key", None), key),
                      _line(getattr(lc, "value", None), key))
        return found
    if isinstance(value, list):
        lc = getattr(value, "lc", None)
        items = LineSeq(_own_line(value))
        for index, item in enumerate(value):
            items.put(from_yaml(item), _line(getattr(lc, "item", None), index))
        return items
    return _scalar(value)


# --- to and from JSON-ready data ----------------------------------------------------------------------------------


def _encode_scalar(value: Any) -> Any:
    kind = type(value)
    if value is None or kind is str or kind is bool:
        return value
    if kind is int:
        return value if -_INT64 < value < _INT64 else {"i": str(value)}
    if kind is float:
        return {"f": repr(value)}
    if kind is dt.datetime:
        return {"t": value.isoformat()}
    if kind is dt.date:
        return {"d": value.isoformat()}
    if kind is Foreign:
        return {"x": [value.type_name, value.text]}
    raise TypeError(f"a ruleset tree holds no {kind.__name__}")


def encode(value: Any) -> Any:
    """A tree (``from_yaml``'s) as JSON-ready data that ``decode`` reads back."""
    if isinstance(value, LineMap):
        return {"l": value.line, "m": [[_encode_scalar(k), value.key_lines.get(k), value.value_lines.get(k),
                                        encode(v)] for k, v in value.items()]}
    if isinstance(value, LineSeq):
        return {"l": value.line, "s": [[line, encode(v)] for line, v in zip(value.item_lines, value, strict=True)]}
    return _encode_scalar(value)


class TreeError(ValueError):
    """Data that is not an encoded tree (a damaged or foreign cache entry)."""


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TreeError("text expected")
    return value


def _int_text(text: str) -> int:
    if not (text.lstrip("-").isdigit() and len(text) <= 4_000):
        raise TreeError("a whole number expected")
    return int(text)


def _float_text(text: str) -> float:
    if len(text) > 40:
        raise TreeError("a number expected")
    return float(text)


_TAGGED: Final[dict[str, Callable[[Any], Any]]] = {
    "i": lambda v: _int_text(_text(v)),
    "f": lambda v: _float_text(_text(v)),
    "t": lambda v: dt.datetime.fromisoformat(_text(v)),
    "d": lambda v: dt.date.fromisoformat(_text(v)),
}


def _line_value(value: Any) -> int | None:
    if value is None or (type(value) is int and 0 < value < _INT64):
        return value
    raise TreeError("a line number expected")


class _Decoder:
    def __init__(self) -> None:
        self.values = 0

    def scalar(self, data: Any) -> Any:
        if data is None or type(data) in (str, bool, int):
            return data
        if type(data) is dict and len(data) == 1:
            ((tag, inner),) = data.items()
            if tag == "x" and type(inner) is list and len(inner) == 2:
                return Foreign(_text(inner[0]), _text(inner[1]))
            if tag in _TAGGED:
                try:
                    return _TAGGED[tag](inner)
                except (ValueError, TypeError) as exc:
                    raise TreeError(str(exc)) from None
        raise TreeError("a scalar expected")

    def value(self, data: Any, depth: int) -> Any:
        self.values += 1
        if self.values > MAX_YAML_VALUES or depth > MAX_YAML_DEPTH:
            raise TreeError("too large")
        if type(data) is dict and len(data) == 2 and "l" in data and ("m" in data or "s" in data):
            if "m" in data:
                return self.mapping(data, depth)
            return self.sequence(data, depth)
        return self.scalar(data)

    def mapping(self, data: dict[str, Any], depth: int) -> LineMap:
        found = LineMap(_line_value(data["l"]))
        for key_data, key_line, line, value in _rows(data["m"], 4, "a pair"):
            key = self.scalar(key_data)
            if key in found:
                raise TreeError("a key twice")
            found.put(key, self.value(value, depth + 1), _line_value(key_line), _line_value(line))
        return found

    def sequence(self, data: dict[str, Any], depth: int) -> LineSeq:
        items = LineSeq(_line_value(data["l"]))
        for line, value in _rows(data["s"], 2, "an item"):
            items.put(self.value(value, depth + 1), _line_value(line))
        return items


def _rows(rows: Any, width: int, what: str) -> list[list[Any]]:
    """``rows`` checked to be a list of lists of ``width`` values (``what`` names one in the error)."""
    if type(rows) is not list:
        raise TreeError(f"a list of {what.split()[-1]}s expected")
    for row in rows:
        if type(row) is not list or len(row) != width:
            raise TreeError(f"{what} expected")
    return rows


def decode(data: Any) -> Any:
    """The tree ``encode`` gave ``data`` for; ``TreeError`` for anything else (every shape, type and bound checked)."""
    return _Decoder().value(data, 1)
