"""The house rules of the code base, checked by scanning it: small modules, few positional parameters, and every
runtime dependency used at run time."""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "swp_rules"
MODULES = sorted(PACKAGE.rglob("*.py"))

MAX_LINES = 600
MAX_POSITIONAL = 6
#: Modules allowed over the limits for now, each with the reason and who removes the entry.
ALLOWED: dict[str, str] = {}


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _functions(tree: ast.AST) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, bool]]:
    """Every function with whether it is defined directly in a class body (a method)."""
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for child in body:
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield child, isinstance(node, ast.ClassDef)


def positional(function: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> int:
    """Positional parameters, not counting a method's ``self`` or ``cls``."""
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if method and names and names[0] in ("self", "cls"):
        names = names[1:]
    return len(names)


def test_the_scan_counts_positional_parameters() -> None:
    tree = ast.parse("class A:\n    def f(self, a, b, /, c, *, d): ...\ndef g(a, b=1, *args, e): ...\n")
    found = {f.name: positional(f, method) for f, method in _functions(tree)}
    assert found == {"f": 3, "g": 2}


@pytest.mark.parametrize("path", MODULES, ids=_relative)
def test_no_module_is_over_600_lines(path: Path) -> None:
    if _relative(path) in ALLOWED:
        pytest.skip(ALLOWED[_relative(path)])
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_relative(path)} has {lines} lines (at most {MAX_LINES}): split it by concept"


@pytest.mark.parametrize("path", MODULES, ids=_relative)
def test_no_function_takes_more_than_6_positional_parameters(path: Path) -> None:
    if _relative(path) in ALLOWED:
        pytest.skip(ALLOWED[_relative(path)])
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    wide = [f"{_relative(path)}:{f.lineno}: {f.name} takes {n} positional parameters"
            for f, method in _functions(tree) if (n := positional(f, method)) > MAX_POSITIONAL]
    assert not wide, "use keyword-only parameters or a small attrs value:\n" + "\n".join(wide)


def test_allowed_modules_still_exist() -> None:
    assert all((ROOT / name).exists() for name in ALLOWED)


# --- dependencies -----------------------------------------------------------------------------------------------

#: Distribution name → the top-level module it installs, where they differ.
_IMPORT_NAMES = {"durable-rules": "durable", "ruamel.yaml": "ruamel", "attrs": "attrs"}
#: Modules a declared distribution brings with it and the code imports directly (``dask[distributed]``, FastAPI's
#: Starlette).
_ALSO_PROVIDES = {"dask": ("distributed",), "fastapi": ("starlette",)}


def _requirement_name(text: str) -> str:
    for stop in "<>=!~[; ":
        text = text.split(stop, 1)[0]
    return text.strip().lower()


def _imported_top_levels(paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_every_runtime_dependency_is_imported_at_run_time() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [_requirement_name(r) for r in project["dependencies"]]
    testing = PACKAGE / "testing"
    used = _imported_top_levels([p for p in MODULES if testing not in p.parents])
    unused = [name for name in runtime if _IMPORT_NAMES.get(name, name.replace("-", "_")) not in used]
    assert not unused, f"runtime dependencies only swp_rules.testing imports, if any: {unused} (move them to an extra)"


def test_third_party_imports_are_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_requirement_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        declared |= {_requirement_name(r) for r in extra}
    modules = {_IMPORT_NAMES.get(name, name.replace("-", "_")) for name in declared}
    modules |= {m for name in declared for m in _ALSO_PROVIDES.get(name, ())}
    third_party = _imported_top_levels(MODULES) - set(sys.stdlib_module_names) - {"swp_rules", "durable_rules_engine"}
    assert third_party <= modules, f"imported but not declared in pyproject.toml: {sorted(third_party - modules)}"


def test_hypothesis_is_only_needed_by_the_testing_package() -> None:
    testing = PACKAGE / "testing"
    outside = [p for p in MODULES if testing not in p.parents and p != PACKAGE / "testing.py"]
    assert "hypothesis" not in _imported_top_levels(outside)
