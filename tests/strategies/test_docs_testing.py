"""``docs/testing.md`` runs as written: every ``python`` block, in order, in one namespace, then the ``test_*``
functions each block defines; and the doctests of ``swp_rules.testing``."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
import runpy
from pathlib import Path
from typing import Any

import pytest

import swp_rules.testing

pytestmark = pytest.mark.slow  # docs/testing.md's examples

DOCS = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """The ``python`` code blocks of a Markdown text, with the line each starts on."""
    return [(text.count("\n", 0, match.start()) + 2, match.group(1)) for match in BLOCK.finditer(text)]


def test_the_page_has_examples() -> None:
    blocks = python_blocks(DOCS.read_text(encoding="utf-8"))
    assert len(blocks) >= 8
    assert all("test_" in code or "find(" in code for _, code in blocks)


def test_every_python_block_runs(tmp_path: Path) -> None:
    """Each block is written to a file and run as a script that starts from the names the blocks before it left
    (``runpy``), so a traceback names the block's file and line."""
    namespace: dict[str, Any] = {}
    ran: list[str] = []
    for line, code in python_blocks(DOCS.read_text(encoding="utf-8")):
        script = tmp_path / f"testing_md_line_{line}.py"
        script.write_text(code, encoding="utf-8")
        before = set(namespace)
        namespace = runpy.run_path(str(script), init_globals=namespace, run_name="docs_testing")
        for name in sorted(set(namespace) - before):
            value = namespace[name]
            if name.startswith("test_") and callable(value) and not inspect.signature(value).parameters:
                value()
                ran.append(name)
    assert len(ran) >= 10, ran


MODULES = [swp_rules.testing] + [
    importlib.import_module(f"swp_rules.testing.{info.name}")
    for info in pkgutil.iter_modules(swp_rules.testing.__path__)
]


def test_the_strategies_doctests_run() -> None:
    attempted = 0
    for module in MODULES:
        results = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert results.failed == 0, module.__name__
        attempted += results.attempted
    assert attempted >= 20


@pytest.mark.parametrize("name", swp_rules.testing.__all__)
def test_every_public_name_is_documented(name: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    value = getattr(swp_rules.testing, name)
    if callable(value) and not isinstance(value, type) and name[0].islower():
        assert f"`{name}(" in text, f"docs/testing.md does not show {name}"
        assert inspect.getdoc(value), f"{name} has no docstring"
