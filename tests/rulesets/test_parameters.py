"""``--param RULESET:NAME=VALUE`` and the loaders' ``parameters``: a declared parameter set for one run, checked
against its declared choices, and recorded with its ruleset in the JSON ``rulesets`` block."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from swp_rules.cli import main
from swp_rules.engine import Engine, load_rulebook
from swp_rules.indicators import compute_indicators
from swp_rules.io.events import load_records
from swp_rules.periods import parse_period
from swp_rules.rulesets.loader import RulesetError
from swp_rules.rulesets.parameters import parse_assignment

EVENTS = [  # placed Tue 1 Nov 2011, visited Tue 8 Nov: on the seventh day
    {"id": "la", "child": "VF1", "type": "looked_after_started", "date": "2011-11-01", "legal_status": "C2"},
    {"id": "pl", "child": "VF1", "type": "placement_started", "date": "2011-11-01", "placement": "Q2"},
    {"id": "v1", "child": "VF1", "type": "visit", "date": "2011-11-08"},
]
STRICT = "statutory/cpr-2010:within_one_week_days=6"


@pytest.fixture
def events(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in EVENTS), encoding="utf-8")
    return path


def _check(events: Path, *args: str) -> tuple[int, dict[str, object] | None, str]:
    result = CliRunner().invoke(main, ["check", str(events), "--as-of", "2011-11-30", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout) if result.stdout else None, result.stderr


def _first_visit(document: dict[str, object]) -> list[dict[str, object]]:
    return [b for b in document["breaches"] if b["rule"] == "visit.first"]  # type: ignore[attr-defined, index]


def test_a_parameter_changes_the_run_and_is_recorded(events: Path) -> None:
    code, document, _ = _check(events)
    assert document is not None and not _first_visit(document)
    cpr = next(r for r in document["rulesets"] if r["id"] == "statutory/cpr-2010")  # type: ignore[attr-defined]
    assert cpr["parameters"]["within_one_week_days"] == 7
    code, document, _ = _check(events, "--param", STRICT)
    assert code == 1 and document is not None
    (breach,) = _first_visit(document)
    assert breach["due"] == "2011-11-07" and breach["days_late"] == 1
    cpr = next(r for r in document["rulesets"] if r["id"] == "statutory/cpr-2010")  # type: ignore[attr-defined]
    assert cpr["parameters"]["within_one_week_days"] == 6
    others = [r for r in document["rulesets"] if r["id"] != "statutory/cpr-2010"]  # type: ignore[attr-defined]
    assert all("within_one_week_days" not in r["parameters"] for r in others)  # another ruleset keeps its own


@pytest.mark.parametrize(("value", "expected"), [
    ("statutory/cpr-2010:within_one_week_days=5", "is not one of the declared choices [6, 7]"),
    ("statutory/cpr-2010:within_a_week=6", "declares no parameter 'within_a_week'"),
    ("statutory/cpr-2099:within_one_week_days=6", "no ruleset 'statutory/cpr-2099' is used by this run"),
    ("within_one_week_days=6", "expected RULESET:NAME=VALUE"),
    ("statutory/cpr-2010:within_one_week_days", "expected RULESET:NAME=VALUE"),
])
def test_a_bad_parameter_cannot_run(events: Path, value: str, expected: str) -> None:
    code, document, stderr = _check(events, "--param", value)
    assert code == 2 and document is None
    assert expected in stderr, stderr


def test_a_bad_choice_is_located_at_the_declaration(events: Path) -> None:
    _, _, stderr = _check(events, "--param", "statutory/cpr-2010:within_one_week_days=5")
    located = [line for line in stderr.splitlines() if "cpr-2010.yaml:" in line]
    assert located and ": parameters.within_one_week_days.choices: 5, set for this run as" in located[0]


def test_unknown_names_are_suggested(events: Path) -> None:
    _, _, stderr = _check(events, "--param", "statutory/cpr-2010:within_one_weak_days=6")
    assert "did you mean 'within_one_week_days'?" in stderr
    _, _, stderr = _check(events, "--param", "statutory/cpr-2011:within_one_week_days=6")
    assert "did you mean 'statutory/cpr-2010'" in stderr


def test_explain_and_indicators_take_param(events: Path) -> None:
    result = CliRunner().invoke(main, ["explain", str(events), "--child", "VF1", "--as-of", "2011-11-30",
                                       "--format", "json", "--param", STRICT])
    assert result.exit_code == 1, result.output
    assert next(d for d in json.loads(result.stdout)["duties"] if d["rule"] == "visit.first")["status"] == "breached"
    result = CliRunner().invoke(main, ["indicators", str(events), "--period", "2011/12", "--indicator", "NI62",
                                       "--format", "json", "--param", "outcomes/ni-2008:duration_counting=exclusive"])
    assert result.exit_code == 0, result.output
    ni = next(r for r in json.loads(result.stdout)["rulesets"] if r["id"] == "outcomes/ni-2008")
    assert ni["parameters"]["duration_counting"] == "exclusive"
    result = CliRunner().invoke(main, ["indicators", str(events), "--period", "2011/12",
                                       "--param", "outcomes/ni-2008:duration_counting=both"])
    assert result.exit_code == 2 and "choices" in result.stderr


def test_the_api_takes_the_same_keys() -> None:
    events = load_records(EVENTS).events

    day = dt.date(2011, 11, 30)
    default = {b.rule for b in Engine(load_rulebook()).evaluate(events, day).breaches}
    strict = Engine(load_rulebook(parameters={"statutory/cpr-2010:within_one_week_days": 6}))
    assert {b.rule for b in strict.evaluate(events, day).breaches} - default == {"visit.first"}
    plain = Engine(load_rulebook(parameters={"within_one_week_days": 6}))  # every ruleset that declares it
    assert {b.rule for b in plain.evaluate(events, day).breaches} - default == {"visit.first"}
    with pytest.raises(RulesetError) as caught:
        load_rulebook(parameters={"statutory/cpr-2010:within_one_week_days": 8})
    assert "declared choices [6, 7]" in str(caught.value)
    with pytest.raises(RulesetError):
        compute_indicators(events, parse_period("2011/12"),
                           parameters={"outcomes/ni-2008:duration_counting": "sometimes"})


@given(st.sampled_from(["statutory/cpr-2010", "outcomes/ni-2008", "local/x"]),
       st.from_regex(r"[a-z_]{1,20}", fullmatch=True),
       st.one_of(st.integers(-10**6, 10**6), st.booleans(), st.from_regex(r"[a-z_]{1,12}", fullmatch=True)))
def test_an_assignment_reads_back(ruleset: str, name: str, value: object) -> None:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    key, parsed = parse_assignment(f"{ruleset}:{name}={text}")
    assert key == f"{ruleset}:{name}"
    if isinstance(value, str) and value in ("true", "false", "yes", "no", "on", "off", "null"):
        return  # YAML's own words
    assert parsed == value
