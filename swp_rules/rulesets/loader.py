"""Reading ruleset files: YAML with line numbers, located errors, shipped ids, content hashes.

Each ruleset file is a YAML mapping with ``ruleset`` (its id), ``version``, ``title``, ``kind`` (``duties``,
``indicators`` or ``contract``) and the kind's own keys (``docs/ruleset-language.md``). Every error names the file,
the line and the key: ``rulesets/statutory/cpr-2010.yaml:42: rules[3].deadline: unknown unit 'fortnights'``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from swp_rules.rulesets.suggest import did_you_mean

#: Where the shipped rulesets live: inside the wheel, or beside the package in a source checkout.
#: The largest whole number a ruleset may give (a count, an age, a timescale: 10,000 months is 833 years).
MAX_WHOLE: Final = 10_000

_PACKAGED: Final = Path(__file__).resolve().parent.parent / "_rulesets"
_SOURCE: Final = Path(__file__).resolve().parent.parent.parent / "rulesets"


def rulesets_root() -> Path:
    """The folder of the shipped rulesets."""
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE


@attrs.frozen(slots=True)
class RulesetProblem:
    """One thing wrong in a ruleset file."""

    file: str
    line: int
    key: str
    reason: str

    def __str__(self) -> str:
        # A problem with no line (a file that cannot be read, a ruleset id that names nothing) or no key says so
        # without a ":0:" or a placeholder key.
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.reason}" if self.key else f"{where}: {self.reason}"


class RulesetError(Exception):
    """A ruleset that cannot be used; ``problems`` lists every located problem found."""

    def __init__(self, problems: Sequence[RulesetProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@attrs.define
class Node:
    """A YAML value with where it came from, for located errors while a kind's parser walks it."""

    value: Any
    file: str
    line: int
    path: str
    problems: list[RulesetProblem]

    def fail(self, reason: str, key: str | None = None, line: int | None = None) -> None:
        self.problems.append(RulesetProblem(self.file, line or self.line, key or self.path or "(top)", reason))

    def child_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def __getitem__(self, key: str) -> Node:
        value = self.value
        line = self.line
        if isinstance(value, CommentedMap):
            try:
                line = value.lc.value(key)[0] + 1
            except (KeyError, TypeError):
                line = self.line
        return Node(value.get(key) if isinstance(value, Mapping) else None, self.file, line, self.child_path(key),
                    self.problems)

    def has(self, key: str) -> bool:
        return isinstance(self.value, Mapping) and key in self.value

    def items(self) -> Iterator[tuple[str, Node]]:
        if isinstance(self.value, Mapping):
            for key in self.value:
                yield str(key), self[str(key)]

    def elements(self) -> Iterator[Node]:
        value = self.value
        if not isinstance(value, list):
            return
        for index, item in enumerate(value):
            line = self.line
            if isinstance(value, CommentedSeq):
                try:
                    line = value.lc.item(index)[0] + 1
                except (KeyError, TypeError, IndexError):
                    line = self.line
            if isinstance(item, CommentedMap):
                line = item.lc.line + 1
            yield Node(item, self.file, line, self.child_path(index), self.problems)

    # --- typed getters: record a problem and return None when the value is missing or wrong ---
    def mapping(self, required: bool = True) -> bool:
        if self.value is None:
            if required:
                self.fail("is required")
            return False
        if not isinstance(self.value, Mapping):
            self.fail(f"must be a mapping, not {_yaml_type(self.value)}")
            return False
        return True

    def string(self, required: bool = True) -> str | None:
        if self.value is None:
            if required:
                self.fail("is required")
            return None
        if isinstance(self.value, bool) or not isinstance(self.value, str | int | float):
            self.fail(f"must be text, not {_yaml_type(self.value)}")
            return None
        text = str(self.value).strip()
        if not text:
            self.fail("must not be empty")
            return None
        return text

    def integer(self, required: bool = True, minimum: int | None = 0, maximum: int = MAX_WHOLE) -> int | None:
        """A whole number between ``minimum`` and ``maximum`` (every count, age and timescale in a ruleset is at
        most ``MAX_WHOLE``, so that date arithmetic on it stays within the calendar)."""
        if self.value is None:
            if required:
                self.fail("is required")
            return None
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            self.fail(f"must be a whole number, not {_yaml_type(self.value)}")
            return None
        if minimum is not None and self.value < minimum:
            self.fail(f"must be at least {minimum}, got {_number_text(self.value)}")
            return None
        if self.value > maximum:
            self.fail(f"must be at most {maximum}, got {_number_text(self.value)}")
            return None
        return int(self.value)

    def boolean(self, default: bool = False) -> bool:
        if self.value is None:
            return default
        if not isinstance(self.value, bool):
            self.fail(f"must be true or false, not {_yaml_type(self.value)}")
            return default
        return bool(self.value)

    def date(self, required: bool = True) -> dt.date | None:
        value = self.value
        if value is None:
            if required:
                self.fail("is required")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(f"must be a date YYYY-MM-DD, not {value!r}")
        return None

    def keys_allowed(self, allowed: Sequence[str]) -> None:
        if not isinstance(self.value, CommentedMap):
            return
        for key in self.value:
            if str(key) not in allowed:
                line = self.value.lc.key(key)[0] + 1
                self.fail(f"unknown key (allowed: {', '.join(allowed)}){did_you_mean(str(key), allowed)}",
                          self.child_path(str(key)), line)


def _number_text(value: int) -> str:
    """A whole number as text, or its size when it is too long to print (Python refuses past 4,300 digits)."""
    return str(value) if abs(value) < 10**30 else "a number of more than 30 digits"


def _yaml_type(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


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

#: Bounds on a ruleset file, so that reading it takes bounded time and memory whatever it holds: its size, how
#: deeply its values nest, and how many values it holds once every alias (``*name``) is expanded (an "alias bomb"
#: of a few lines would otherwise expand to billions).
MAX_YAML_BYTES: Final = 4 << 20
MAX_YAML_DEPTH: Final = 64
MAX_YAML_VALUES: Final = 100_000


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


@attrs.frozen
class SourceFile:
    """A parsed YAML file: the root node, its text's SHA-256 and the display path."""

    root: Node
    sha256: str
    path: Path


def read_yaml(path: Path, display: str | None = None) -> SourceFile:
    """Parse one YAML file with line numbers; ``RulesetError`` for unreadable or malformed YAML."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise RulesetError([RulesetProblem(shown, 0, "(file)", f"is {size} bytes; a ruleset file may be at most "
                                                                  f"{MAX_YAML_BYTES} bytes")])
        data = path.read_bytes()
    except OSError as exc:
        raise RulesetError([RulesetProblem(shown, 0, "", f"cannot be read ({exc.strerror or exc})")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RulesetError([RulesetProblem(shown, line, "(file)", f"not UTF-8 text (byte {exc.start})")]) from None
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
    problems: list[RulesetProblem] = []
    root = Node(value, shown, 1, "", problems)
    if not isinstance(value, Mapping):
        raise RulesetError([RulesetProblem(shown, 1, "(top)", "a ruleset file must be a YAML mapping")])
    return SourceFile(root, hashlib.sha256(data).hexdigest(), path)


#: The parsers of each kind of ruleset, registered by the modules that own them.
KIND_PARSERS: dict[str, Callable[[SourceFile], Any]] = {}


_Parser = TypeVar("_Parser", bound=Callable[..., Any])
T = TypeVar("T")


def register_kind(kind: str) -> Callable[[_Parser], _Parser]:
    """Register the parser of a ruleset ``kind`` (``duties``, ``indicators``, ``contract``)."""

    def decorate(func: _Parser) -> _Parser:
        KIND_PARSERS[kind] = func
        return func

    return decorate


def _import_kinds() -> None:
    # The kinds register themselves when imported; import them here so any ruleset can be read.
    import importlib

    for module in ("swp_rules.rulesets.duties", "swp_rules.indicators.definitions", "swp_rules.contracts.loader"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a kind whose module is not installed is simply not offered
            if exc.name is None or not module.startswith(exc.name):
                raise


def parse_file(path: Path, display: str | None = None) -> Any:
    """Read and check one ruleset file of any kind; ``RulesetError`` lists every problem found."""
    source = read_yaml(path, display)
    root = source.root
    kind = root["kind"].string()
    if root.problems:
        raise RulesetError(root.problems)
    _import_kinds()
    parser = KIND_PARSERS.get(kind or "")
    if parser is None:
        root["kind"].fail(f"unknown kind {kind!r} (known: {', '.join(sorted(KIND_PARSERS))})")
        raise RulesetError(root.problems)
    result = parser(source)
    if root.problems:
        raise RulesetError(root.problems)
    return result


def shipped_files() -> list[Path]:
    """Every shipped ruleset file, in a stable order."""
    root = rulesets_root()
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def shipped_id(path: Path) -> str:
    """A shipped file's id: its path under ``rulesets/`` without the suffix (``statutory/cpr-2010``)."""
    return path.relative_to(rulesets_root()).with_suffix("").as_posix()


def find_ruleset_file(id_or_path: str) -> Path:
    """A ruleset file by shipped id or by path; ``RulesetError`` when neither exists."""
    candidate = Path(id_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        return candidate
    for suffix in (".yaml", ".yml"):
        shipped = rulesets_root() / f"{id_or_path}{suffix}"
        if shipped.is_file():
            return shipped
    from swp_rules.rulesets.selection import unknown_ruleset  # selection reads this module: imported when needed

    raise unknown_ruleset(id_or_path)


def read_ruleset_of_kind(id_or_path: str | Path, kind: str, display: str | None = None) -> SourceFile:
    """A ruleset's source by shipped id or path, checked to be of ``kind`` (``duties``, ``indicators``,
    ``contract``); ``RulesetError`` when it cannot be read or is of another kind."""
    path = find_ruleset_file(str(id_or_path))
    if display is None and Path(str(id_or_path)).suffix in (".yaml", ".yml"):
        display = str(path)
    source = read_yaml(path, display)
    found = source.root["kind"]
    if found.value != kind:
        raise RulesetError([RulesetProblem(source.root.file, found.line, "kind",
                                           f"is {found.value!r}; a {kind!r} ruleset is needed here")])
    return source


def checked(source: SourceFile, built: T | None) -> T:
    """What a parser built from ``source``, or ``RulesetError`` with every problem it recorded."""
    if source.root.problems or built is None:
        raise RulesetError(source.root.problems)
    return built


def parse_in_force(node: Node, default: tuple[dt.date | None, dt.date | None],
                   required: bool = False) -> tuple[dt.date | None, dt.date | None]:
    """An ``in_force: {from, to}`` mapping; ``default`` is the enclosing ruleset's (a rule inherits it and may not
    start before it). ``required``: a rule must have dates when its ruleset gives none."""
    if node.value is None:
        if required and default[0] is None:
            node.fail("is required (the ruleset gives no in_force dates either)")
        return default
    if not node.mapping():
        return default
    node.keys_allowed(("from", "to"))
    start = node["from"].date(required=default[0] is None) or default[0]
    end = node["to"].date(required=False) or (default[1] if not node.has("to") else None)
    if start and end and end < start:
        node["to"].fail(f"ends ({end}) before it starts ({start})")
    if default[0] and start and start < default[0]:
        node["from"].fail(f"starts before its ruleset is in force ({default[0]})")
    return start, end


def parse_parameters(node: Node) -> dict[str, Any]:
    """A ruleset's ``parameters``: each a mapping with a ``value`` (and optional ``choices``, ``meaning``,
    ``citation``); a value outside its declared choices is an error."""
    found: dict[str, Any] = {}
    if node.value is None or not node.mapping():
        return found
    for name, item in node.items():
        if not item.mapping():
            continue
        item.keys_allowed(("value", "choices", "meaning", "citation"))
        if not item.has("value"):
            item.fail("is required", item.child_path("value"))
            continue
        value = plain(item["value"].value)
        if item.has("choices"):
            choices = plain(item["choices"].value)
            if not isinstance(choices, list) or value not in choices:
                item["value"].fail(f"must be one of the declared choices {choices!r}")
        found[name] = value
    return found


def plain(value: Any) -> Any:
    """YAML values as plain lists, dicts and scalars (without ruamel's comment-keeping types)."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def resolve(node: Node, parameters: Mapping[str, Any]) -> Any:
    """A node's value, with ``$name`` replaced by the ruleset's parameter of that name (an unknown name is an
    error, and gives ``None``)."""
    value = node.value
    if isinstance(value, str) and value.startswith("$"):
        name = value[1:]
        if name not in parameters:
            node.fail(f"unknown parameter {name!r}")
            return None
        return parameters[name]
    return value
