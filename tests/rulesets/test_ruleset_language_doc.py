"""docs/ruleset-language.md's walk-through runs as written: each ``<!-- file: PATH -->`` block is written to an empty
folder, each ``<!-- run: exit N -->`` command is run there with that exit code, each ``<!-- output -->`` block is
its standard output, exactly, and each ``<!-- python -->`` block runs there."""

from __future__ import annotations

import re
import runpy
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from swp_rules.cli import main

pytestmark = pytest.mark.slow  # docs/ruleset-language.md's walk-through, command by command

DOC = Path(__file__).resolve().parents[2] / "docs" / "ruleset-language.md"
_BLOCK = re.compile(r"<!-- (?P<tag>file: \S+|run: exit \d|output|python) -->\n```[a-z]*\n(?P<body>.*?)```", re.DOTALL)


def _steps() -> list[tuple[str, str]]:
    return [(m["tag"], m["body"]) for m in _BLOCK.finditer(DOC.read_text(encoding="utf-8"))]


def test_the_walkthrough_has_files_commands_and_outputs() -> None:
    tags = [tag.split(":")[0] for tag, _ in _steps()]
    assert tags.count("file") >= 6 and tags.count("run") >= 7 and tags.count("output") >= 5


def test_the_walkthrough_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    last: tuple[str, str] | None = None
    for tag, body in _steps():
        if tag.startswith("file: "):
            path = tmp_path / tag.removeprefix("file: ")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
        elif tag.startswith("run: "):
            (command,) = [line for line in body.splitlines() if line.strip()]
            args = shlex.split(command)
            assert args[0] == "swp-rules"
            result = CliRunner().invoke(main, args[1:])
            assert result.exit_code == int(tag.rsplit(" ", 1)[1]), (command, result.output)
            last = (command, result.stdout)
        elif tag == "python":
            script = tmp_path / "example.py"
            script.write_text(body, encoding="utf-8")
            runpy.run_path(str(script), run_name="__main__")  # the documented example, as written
        else:
            assert last is not None, "an output block follows a command"
            assert last[1] == body, (last[0], last[1])
            last = None


def test_the_walkthrough_rule_is_the_tested_local_fixture() -> None:
    documented = dict(_steps())["file: council/visit-after-move.yaml"]
    fixture = (Path(__file__).parent / "local" / "visit-after-move.yaml").read_text(encoding="utf-8")
    strip = re.compile(r"^\s*#.*\n|\s+#.*$|\s*\(illustrative\)", re.MULTILINE)
    assert _rules_part(strip.sub("", documented)) == _rules_part(strip.sub("", fixture))


def _rules_part(text: str) -> str:
    return text[text.index("rules:"):].replace("practice standard 4.2", "").strip()
