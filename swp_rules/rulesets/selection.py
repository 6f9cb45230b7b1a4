"""Which ruleset files a run uses: shipped ids, group ids, folders, globs, and ``+`` additions to the defaults.

Every command that takes ``--ruleset`` (and the Python loaders) reads its values the same way
(``docs/ruleset-language.md``, "Choosing rulesets"):

- a shipped id, ``statutory/cpr-2010``: that file under ``rulesets/``;
- a group id, ``statutory`` or ``contracts/duties``: every shipped file under that folder;
- a file, ``local/visits.yaml``, or a folder, ``local/``: that file, or every ``.yaml`` file under the folder;
- a glob, ``'statutory/*'`` or ``'local/*.yaml'``: the shipped ids, or else the files, that match it;
- ``+`` before any of these adds to the default set of its kind (the statutory duties, the shipped indicators)
  instead of replacing it: ``--ruleset +local/visits.yaml`` keeps every statutory rule and adds the local ones.

The defaults are per kind: naming a duty ruleset replaces the statutory duties, and leaves the indicator definitions
at their default. A file named on its own must be of a kind the command uses; a group, folder or glob contributes
its files of those kinds.
"""

from __future__ import annotations

import fnmatch
import glob
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final

import attrs

from swp_rules.rulesets.loader import (
    RulesetError,
    RulesetProblem,
    read_yaml,
    rulesets_root,
    shipped_files,
    shipped_id,
)
from swp_rules.rulesets.suggest import closest

#: The default of each kind: the shipped group used when a run names no ruleset of that kind.
DEFAULT_GROUPS: Final[Mapping[str, str]] = {"duties": "statutory", "indicators": "outcomes"}

_SUFFIXES: Final = (".yaml", ".yml")
_GLOB: Final = re.compile(r"[*?\[]")
_KIND_LINE: Final = re.compile(r"^kind:[ \t]*['\"]?([A-Za-z_-]+)", re.MULTILINE)


@attrs.frozen
class Chosen:
    """One ruleset file chosen for a run: ``name`` is what the loaders are given (a shipped id, or the path)."""

    name: str
    path: Path
    kind: str | None = None
    named: bool = False  # named on its own (a shipped id or a file), not found in a group, folder or glob


def shipped_ids() -> list[str]:
    """Every shipped ruleset id (``statutory/cpr-2010``…)."""
    return [shipped_id(p) for p in shipped_files()]


def shipped_groups() -> list[str]:
    """Every shipped group id: each folder under ``rulesets/`` that holds rulesets (``statutory``,
    ``contracts/duties``…)."""
    groups: set[str] = set()
    for ruleset_id in shipped_ids():
        parts = ruleset_id.split("/")[:-1]
        groups.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return sorted(groups)


def kind_of(path: Path) -> str | None:
    """A ruleset file's ``kind`` (``duties``, ``indicators``, ``contract``), or ``None`` when it names none.

    Read from the file's top-level ``kind:`` line when there is one (cheap), else from its parsed YAML;
    ``RulesetError`` (located) when the file cannot be read at all."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        text = ""
    found = _KIND_LINE.search(text)
    if found:
        return found.group(1)
    value = read_yaml(path).root["kind"].value
    return value if isinstance(value, str) else None


def _is_path_like(text: str) -> bool:
    return text.endswith(_SUFFIXES) or text.startswith((".", "/", "~")) or "\\" in text


def _shipped(ruleset_id: str) -> Chosen:
    for suffix in _SUFFIXES:
        path = rulesets_root() / f"{ruleset_id}{suffix}"
        if path.is_file():
            return Chosen(ruleset_id, path, named=True)
    raise KeyError(ruleset_id)


def _folder(folder: Path) -> list[Chosen]:
    return [Chosen(str(p), p) for p in sorted(folder.rglob("*")) if p.suffix in _SUFFIXES and p.is_file()]


def _shipped_group(group: str) -> list[Chosen]:
    prefix = group.rstrip("/") + "/"
    return [attrs.evolve(_shipped(i), named=False) for i in shipped_ids() if i.startswith(prefix)]


def _glob(pattern: str, base: Path | None) -> list[Chosen]:
    shipped = [i for i in shipped_ids() if fnmatch.fnmatchcase(i, pattern) or fnmatch.fnmatchcase(i, pattern + "/*")]
    if shipped and not _is_path_like(pattern):
        return [attrs.evolve(_shipped(i), named=False) for i in shipped]
    root = base if base is not None and not Path(pattern).is_absolute() else None
    found: list[Chosen] = []
    for text in sorted(glob.glob(pattern, root_dir=root, recursive=True)):
        path = (root / text) if root is not None else Path(text)
        found.extend(_folder(path) if path.is_dir() else [Chosen(str(path), path)] if path.suffix in _SUFFIXES
                     else [])
    return found


def unknown_ruleset(text: str) -> RulesetError:
    """The error for a ``--ruleset`` value that names nothing: with the nearest shipped ids and where to list them."""
    groups = shipped_groups()
    if text.strip("/") in groups:
        members = ", ".join(c.name for c in _shipped_group(text.strip("/")))
        return RulesetError([RulesetProblem(text, 0, "", f"is a group of rulesets ({members}); name one of them")])
    if _is_path_like(text) and not _GLOB.search(text):
        return RulesetError([RulesetProblem(text, 0, "", "no such file or folder")])
    near = closest(text.rstrip("/").removesuffix(".yaml"), [*shipped_ids(), *groups])
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    what = "matches no shipped ruleset id and no file" if _GLOB.search(text) else (
        "is no shipped ruleset or group id, and no file or folder")
    return RulesetError([RulesetProblem(text, 0, "", f"{what}{hint} (swp-rules rulesets list shows the shipped ones)")])


def expand(text: str, base: Path | None = None) -> list[Chosen]:
    """The files one ``--ruleset`` value names (without its ``+``); relative paths are read from ``base`` when given
    (a test case's folder), else from the working directory. ``RulesetError`` when it names nothing."""
    local = (base / text) if base is not None and not Path(text).is_absolute() else Path(text)
    if not _is_path_like(text):
        try:
            return [_shipped(text)]
        except KeyError:
            pass
        if (rulesets_root() / text).is_dir() and text.strip("/") and ".." not in Path(text).parts:
            group = _shipped_group(text)
            if group:
                return group
    if _GLOB.search(text):
        found = _glob(text, base)
        if found:
            return found
    elif local.is_file():
        return [Chosen(str(local), local, named=True)]
    elif local.is_dir():
        found = _folder(local)
        if found:
            return found
        raise RulesetError([RulesetProblem(str(local), 0, "", "this folder holds no .yaml ruleset file")])
    raise unknown_ruleset(text)


def _kind(item: Chosen) -> Chosen:
    return attrs.evolve(item, kind=kind_of(item.path))


def choose(items: Iterable[str | Path], kinds: Sequence[str], *, base: Path | None = None,
           defaults: Mapping[str, str] = DEFAULT_GROUPS) -> dict[str, list[str]]:
    """``--ruleset`` values as the rulesets to load of each of ``kinds``: names for the loaders (shipped ids or
    paths), each once, in the order given.

    A kind with no plain (un-``+``-ed) value gets its default group; ``+`` values are added after. A file named on
    its own must be of one of ``kinds`` (``RulesetError`` at its ``kind`` line otherwise; when ``kinds`` is one kind,
    a file that names none is left to that kind's loader to reject)."""
    plain: dict[str, list[str]] = {k: [] for k in kinds}
    added: dict[str, list[str]] = {k: [] for k in kinds}
    for item in items:
        text = str(item)
        extra = text.startswith("+")
        text = text[1:] if extra else text
        found = expand(text, base)
        single = len(found) == 1 and found[0].named
        wanted = (added if extra else plain)
        taken = 0
        for chosen in (_kind(c) for c in found):
            kind = chosen.kind or ""
            if kind not in kinds and single and len(kinds) == 1 and kind not in ("duties", "indicators", "contract"):
                kind = kinds[0]  # no kind, or an unknown one: the loader reports it where it is written
            if kind in kinds:
                wanted[kind].append(chosen.name)
                taken += 1
            elif single:
                raise _wrong_kind(chosen, kinds)
        if not taken:
            raise RulesetError([RulesetProblem(text, 0, "", f"holds no {' or '.join(kinds)} ruleset")])
    chosen_by_kind: dict[str, list[str]] = {}
    for kind in kinds:
        names = plain[kind] or (_default(defaults[kind]) if kind in defaults else [])
        chosen_by_kind[kind] = list(dict.fromkeys([*names, *added[kind]]))
    return chosen_by_kind


def _default(group: str) -> list[str]:
    return [c.name for c in _shipped_group(group)]


def _wrong_kind(chosen: Chosen, kinds: Sequence[str]) -> RulesetError:
    root = read_yaml(chosen.path, chosen.name if not _is_path_like(chosen.name) else None).root
    node = root["kind"]
    wanted = " or ".join(f"{'an' if k[0] in 'aeiou' else 'a'} {k!r}" for k in kinds)
    return RulesetError([RulesetProblem(node.file, node.line, "kind",
                                        f"is {chosen.kind!r}; {wanted} ruleset is needed here")])
