"""Broken rulesets are refused with ``file:line: key: reason`` and exit code 2 (SPEC.md §3, §5).

Each fixture in ``tests/rulesets/broken/`` is a duties ruleset with one defect. The line that must be reported carries
a trailing comment ``# ERROR: KEY: REASON`` (the reason is matched as a prefix), so the fixtures document themselves
and the expected line number cannot drift from the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.engine import load_rulebook
from swp_rules.rulesets.loader import RulesetError, parse_file, rulesets_root

BROKEN = sorted((Path(__file__).parents[1] / "rulesets" / "broken").glob("*.yaml"))
_MARK = re.compile(r"#\s*ERROR:\s*(?P<key>\S+):\s*(?P<reason>.+?)\s*$")
_PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<key>\S+): (?P<reason>.+)$")


def _expected(path: Path) -> tuple[int, str, str]:
    """The marked line (1-based), key and reason of a broken fixture."""
    found = [
        (number, match["key"], match["reason"])
        for number, text in enumerate(path.read_bytes().decode("utf-8", "replace").splitlines(), start=1)
        if not text.lstrip().startswith("#") and (match := _MARK.search(text))
    ]
    assert len(found) == 1, f"{path.name} must mark exactly one line with '# ERROR: KEY: REASON'"
    return found[0]


def _problems(stderr: str) -> list[re.Match[str]]:
    return [m for line in stderr.splitlines() if (m := _PROBLEM.match(line))]


def test_at_least_ten_kinds_of_broken_ruleset() -> None:
    assert len(BROKEN) >= 10
    assert len({_expected(p)[2] for p in BROKEN}) >= 10  # ten different reasons, not one reason ten times


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_validate_reports_file_line_key_reason(path: Path) -> None:
    line, key, reason = _expected(path)
    result = CliRunner().invoke(main, ["rulesets", "validate", str(path)])
    assert result.exit_code == 2, result.output
    problems = _problems(result.stderr)
    assert problems, result.stderr
    located = [(m["file"], int(m["line"]), m["key"]) for m in problems]
    assert (str(path), line, key) in located, result.stderr
    first = next(m for m in problems if int(m["line"]) == line and m["key"] == key)
    assert first["reason"].startswith(reason), result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_check_with_a_broken_ruleset_cannot_run(path: Path, tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text('{"id": "e1", "child": "C1", "type": "looked_after_started", "date": "2011-05-27", '
                      '"legal_status": "V2"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--ruleset", str(path), str(events), "--as-of", "2011-06-30",
                                       "--format", "json"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""  # evaluated nothing, wrote nothing
    problems = _problems(result.stderr)
    assert problems and all(m["file"] == str(path) for m in problems), result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_the_api_raises_a_located_ruleset_error(path: Path) -> None:
    line, key, _ = _expected(path)
    with pytest.raises(RulesetError) as caught:
        load_rulebook([path])
    assert str(caught.value).startswith(f"{path}:")
    if path.stem == "unknown-then":  # a hand-on may name a rule of another file: only a rule book can tell
        return
    with pytest.raises(RulesetError) as caught:
        parse_file(path)
    assert any(p.line == line and p.key == key for p in caught.value.problems), caught.value


def test_every_problem_in_a_file_is_reported(tmp_path: Path) -> None:
    text = (Path(__file__).parents[1] / "rulesets" / "broken" / "missing-citation.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "two.yaml"
    broken.write_text(text.replace("deadline: {days: 7}", "deadline: {dayz: 7}"), encoding="utf-8")
    result = CliRunner().invoke(main, ["rulesets", "validate", str(broken)])
    assert result.exit_code == 2
    keys = {m["key"] for m in _problems(result.stderr)}
    assert {"rules[0].citation", "rules[0].deadline.dayz"} <= keys, result.stderr


def test_shipped_rulesets_validate() -> None:
    result = CliRunner().invoke(main, ["rulesets", "validate", str(rulesets_root())])
    assert result.exit_code == 0, result.stderr


DOC = Path(__file__).resolve().parents[2] / "docs" / "ruleset-language.md"


def _doc_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_documented_errors_are_the_real_ones() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = [line for line in text.splitlines() if re.match(r"[\w-]+\.yaml:\d+: ", line)]
    assert len(documented) >= 10
    for line in documented:
        stem = line.split(".yaml:", 1)[0]
        path = Path(__file__).parents[1] / "rulesets" / "broken" / f"{stem}.yaml"
        result = CliRunner().invoke(main, ["rulesets", "validate", str(path)])
        shown = [p.replace(str(path.parent) + "/", "") for p in result.stderr.splitlines()]
        prefix = re.split(r" ?\.\.\.", line, maxsplit=1)[0].rstrip(", ")
        assert any(p.startswith(prefix) for p in shown), (line, shown)


def test_the_documented_example_loads(tmp_path: Path) -> None:
    example = tmp_path / "example.yaml"
    example.write_text(_doc_blocks("yaml")[0], encoding="utf-8")
    ruleset = parse_file(example)
    assert [rule.id for rule in ruleset.rules] == ["visit.first", "visit.regular"]


def test_explain_with_a_broken_ruleset_cannot_run(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text('{"id": "e1", "child": "C1", "type": "looked_after_started", "date": "2011-05-27", '
                      '"legal_status": "V2"}\n', encoding="utf-8")
    broken = Path(__file__).parents[1] / "rulesets" / "broken" / "unknown-fact.yaml"
    result = CliRunner().invoke(main, ["explain", str(events), "--child", "C1", "--as-of", "2011-06-30",
                                       "--ruleset", str(broken)])
    assert result.exit_code == 2, result.output
    assert any(m["file"] == str(broken) for m in _problems(result.stderr)), result.stderr


def test_every_shipped_duty_has_a_citation_and_in_force_dates() -> None:
    rules = list(load_rulebook().rules())
    assert len(rules) >= 20
    for rule in rules:
        assert rule.citation.strip() and rule.in_force_from is not None, rule.id
        assert all(d.citation is None or d.citation.strip() for d in rule.deadlines), rule.id
