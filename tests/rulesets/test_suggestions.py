"""'Did you mean': ruleset ids, commands, event types, deadline units, field names; never a child's id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from swp_rules.cli import main
from swp_rules.model import EVENT_TYPES
from swp_rules.rulesets.suggest import closest, did_you_mean

BROKEN = Path(__file__).parent / "broken"


def _events(tmp_path: Path, *records: dict[str, object]) -> str:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def test_an_unknown_command() -> None:
    result = CliRunner().invoke(main, ["chek"])
    assert result.exit_code == 2
    assert "No such command 'chek'. Did you mean 'check'?" in result.output
    result = CliRunner().invoke(main, ["rulesets", "valdate"])
    assert result.exit_code == 2 and "Did you mean 'validate'?" in result.output


def test_an_unknown_ruleset_id(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["rulesets", "show", "statutory/cpr-2099"])
    assert result.exit_code == 2
    assert result.stderr.startswith("statutory/cpr-2099: is no shipped ruleset or group id")
    assert "did you mean statutory/cpr-2010 or statutory/cpr-2015?" in result.stderr
    assert "(swp-rules rulesets list shows the shipped ones)" in result.stderr
    assert ":0:" not in result.stderr and "(ruleset)" not in result.stderr


def test_an_unknown_event_type_in_a_record(tmp_path: Path) -> None:
    path = _events(tmp_path, {"id": "e1", "child": "C1", "type": "vist", "date": "2011-06-01"},
                   {"id": "e2", "child": "C1", "type": "visit", "date": "2011-06-02"})
    result = CliRunner().invoke(main, ["check", path, "--format", "json"])
    (rejected,) = json.loads(result.stdout)["rejected"]
    assert rejected["field"] == "type"
    assert rejected["reason"] == "unknown event type 'vist'; did you mean 'visit'?"


def test_a_misspelt_required_field_in_a_record(tmp_path: Path) -> None:
    path = _events(tmp_path, {"id": "e1", "child": "C1", "type": "looked_after_started", "date": "2011-06-01",
                              "legal_stauts": "C2"})
    result = CliRunner().invoke(main, ["check", path, "--format", "json", "--as-of", "2011-06-02"])
    (rejected,) = json.loads(result.stdout)["rejected"]
    assert rejected["field"] == "legal_status"
    assert "the record has 'legal_stauts': is it 'legal_status' misspelt?" in rejected["reason"]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("deadline: {days: 7}", "deadline: {month: 1}", "did you mean 'months'?"),
    ("discharged_by: [visit]", "discharged_by: [vist]", "unknown event type 'vist'; did you mean 'visit'?"),
    ("discharged_by: [visit]", "discharge_by: [visit]", "did you mean 'discharged_by'?"),
    ("citation: SI 2010/959 reg 28(2)(a)", "citaton: SI 2010/959 reg 28(2)(a)", "did you mean 'citation'?"),
    ("trigger: placement_start", "trigger: placement_started", "did you mean 'placement_start'?"),
    ("trigger: placement_start", "trigger: {event: vist}", "did you mean 'visit'?"),
    ("applies: not temporary", "applies: not temprary", "did you mean 'temporary'?"),
])
def test_ruleset_errors_suggest(tmp_path: Path, old: str, new: str, expected: str) -> None:
    text = (
        "ruleset: local/x\nkind: duties\nversion: '1'\ntitle: x\nin_force: {from: 2011-04-01}\nrules:\n"
        "  - id: visit.first\n    title: First visit\n    citation: SI 2010/959 reg 28(2)(a)\n    basis: regulation\n"
        "    trigger: placement_start\n    applies: not temporary\n    deadline: {days: 7}\n"
        "    discharged_by: [visit]\n    scope: placement\n"
    )
    assert old in text
    path = tmp_path / "x.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = CliRunner().invoke(main, ["rulesets", "validate", str(path)])
    assert result.exit_code == 2
    assert expected in result.stderr, result.stderr


def test_explain_names_the_child_asked_for_and_no_other(tmp_path: Path) -> None:
    path = _events(tmp_path, {"id": "e1", "child": "K1", "type": "visit", "date": "2011-06-01"})
    result = CliRunner().invoke(main, ["explain", path, "--child", "K2"])
    assert result.exit_code == 2
    assert "'K2'" in result.stderr and "K1" not in result.output


def test_no_suggestion_when_nothing_is_close() -> None:
    assert did_you_mean("zzzzzz", EVENT_TYPES) == ""
    assert closest("VISIT", ["visit", "review"]) == ["visit"]  # case first


@given(st.sampled_from(sorted(EVENT_TYPES)), st.data())
def test_one_typo_in_an_event_type_is_suggested_back(name: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(name) - 1))
    typo = name[:index] + name[index + 1:]  # a letter dropped
    if typo in EVENT_TYPES or len(name) < 4:
        return
    assert name in closest(typo, EVENT_TYPES)
