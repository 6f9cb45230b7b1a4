"""Reading ruleset files: YAML with line numbers, located errors, shipped ids, content hashes.

Each ruleset file is a YAML mapping with ``ruleset`` (its id), ``version``, ``title``, ``kind`` (``duties``,
``indicators`` or ``contract``) and the kind's own keys (``docs/ruleset-language.md``). Every error names the file,
the line and the key: ``rulesets/statutory/cpr-2010.yaml:42: rules[3].deadline: unknown unit 'fortnights'``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs

from swp_rules.rulesets.suggest import did_you_mean
from swp_rules.rulesets.tree import Foreign, LineMap, LineSeq

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
        if isinstance(value, LineMap):
            line = value.value_lines.get(key) or self.line
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
            if isinstance(value, LineSeq):
                line = value.item_lines[index] or self.line
            if isinstance(item, LineMap) and item.line is not None:
                line = item.line
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
        if not isinstance(self.value, LineMap):
            return
        for key in self.value:
            if str(key) not in allowed:
                line = self.value.key_lines.get(key) or self.line
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
    if isinstance(value, Foreign):
        return value.type_name
    return type(value).__name__


#: The largest ruleset file read (a file of bounded size, values and nesting reads in bounded time and memory;
#: the other bounds, and the YAML reading itself, are in ``swp_rules.rulesets.yamlfile``).
MAX_YAML_BYTES: Final = 4 << 20


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
    digest = hashlib.sha256(data).hexdigest()
    value = _cached_tree(digest)
    if value is None:
        from swp_rules.rulesets.yamlfile import yaml_tree  # the YAML library is imported only on a cache miss

        value = yaml_tree(text, shown)
        if isinstance(value, LineMap):
            _keep_tree(digest, value)
    problems: list[RulesetProblem] = []
    root = Node(value, shown, 1, "", problems)
    if not isinstance(value, Mapping):
        raise RulesetError([RulesetProblem(shown, 1, "(top)", "a ruleset file must be a YAML mapping")])
    return SourceFile(root, digest, path)


def _tree_key(digest: str) -> str:
    """The cache entry of a YAML text: its SHA-256, and the sizes and modification times of the files that decide
    how it reads (the YAML library's, and this package's that read it), so an upgrade reads it afresh."""
    return f"yaml-{digest}:{_reader_stamp()}"


@functools.cache
def _reader_stamp() -> str:
    from importlib.util import find_spec

    try:
        spec = find_spec("ruamel.yaml")  # imports the namespace package ``ruamel`` only
        library = Path(spec.origin) if spec is not None and spec.origin else None
    except (ImportError, ValueError):
        library = None
    here = Path(__file__).resolve().parent
    stamps = []
    for path in (library, here / "yamlfile.py", here / "tree.py"):
        try:
            stat = path.stat() if path is not None else None
        except OSError:
            stat = None
        stamps.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}" if stat is not None else "-")
    return ";".join(stamps)


def _cached_tree(digest: str) -> Any:
    """The tree of a YAML text with this SHA-256, from the cache folder, or ``None``."""
    from swp_rules.rulesets import cache, tree

    found = cache.read_json(_tree_key(digest), tree.TREE_FORMAT)
    if found is None:
        return None
    try:
        value = tree.decode(found)
    except tree.TreeError:
        return None
    return value if isinstance(value, LineMap) else None


def _keep_tree(digest: str, value: LineMap) -> None:
    from swp_rules.rulesets import cache, tree

    try:
        data = tree.encode(value)
    except TypeError:
        return
    cache.write_json(_tree_key(digest), tree.TREE_FORMAT, data)


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

    for module in ("swp_rules.rulesets.duties", "swp_rules.indicators.language", "swp_rules.contracts.loader"):
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


def ruleset_summary(ruleset: Any) -> dict[str, Any]:
    """A parsed ruleset of any kind in brief, as ``rulesets list`` shows it and ``GET /rulesets`` answers: what its
    ``describe()`` says (id, kind, version, content hash, parameters), its title and how many rules it holds."""
    described: dict[str, Any] = ruleset.describe() if hasattr(ruleset, "describe") else {}
    described.setdefault("id", getattr(ruleset, "id", ""))
    described["title"] = getattr(ruleset, "title", "")
    rules = getattr(ruleset, "rules", None)
    if rules is not None:
        described["rules"] = len(rules)
    return described


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


@attrs.frozen
class RulesetFile:
    """What a parsed ruleset file is, whatever its kind: its id, version and title, its content hash (SHA-256), its
    path, and the parameter values used (``--param`` may set them)."""

    id: str
    version: str
    title: str
    sha256: str
    path: str
    parameters: Mapping[str, Any]


@attrs.frozen
class Heading:
    """What every duties and indicators file opens with: its id, version and title, and its parameters with the
    caller's overrides applied (``--param``; only declared parameters can be set)."""

    id: str
    version: str
    title: str
    parameters: dict[str, Any]


def read_heading(source: SourceFile, keys: Sequence[str], overrides: Mapping[str, Any] | None) -> Heading:
    """Check the top-level ``keys`` of ``source`` and read its heading; problems are recorded on its root."""
    root = source.root
    root.keys_allowed(keys)
    ident, version, title = root["ruleset"].string(), root["version"].string(), root["title"].string()
    parameters = parse_parameters(root["parameters"])
    parameters.update((k, v) for k, v in (overrides or {}).items() if k in parameters)
    return Heading(ident or "", str(version or ""), title or "", parameters)


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
