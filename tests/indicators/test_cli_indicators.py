"""``swp-rules indicators`` (SPEC.md §3) and located errors in indicator rulesets."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from swp_rules.cli import main
from swp_rules.indicators import known_indicators, load_indicator_definitions
from swp_rules.rulesets.loader import RulesetError

SCENARIO = Path(__file__).parents[1] / "rulesets" / "indicators" / "worked-scenario-3.yaml"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.fixture
def events(tmp_path: Path) -> Path:
    case = _plain(YAML(typ="safe", pure=True).load(SCENARIO.read_text(encoding="utf-8")))
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in case["events"]), encoding="utf-8")
    return path


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_json_document(events: Path) -> None:
    result = _run("indicators", str(events), "--period", "2010-04-01..2011-03-31", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert list(document) == ["period", "rulesets", "input", "indicators", "rejected"]
    assert document["period"] == {"start": "2010-04-01", "end": "2011-03-31"}
    listed = {r["id"] for r in document["rulesets"]}
    assert listed >= {"outcomes/ni-2008", "outcomes/oc2", "statutory/rcc-1991"}
    assert "statutory/cpr-2010" not in listed  # in force from 1 April 2011, after the period
    ni62 = next(i for i in document["indicators"] if i["id"] == "NI62" and i["practice"] is None)
    assert (ni62["numerator"], ni62["denominator"], ni62["value"], ni62["value_exact"]) == (1, 3, 0.333333, "1/3")
    assert ni62["numerator_children"] == ["H"] and ni62["denominator_children"] == ["H", "H2", "H3"]
    assert document["rejected"] == [] and document["input"]["evaluated"] == document["input"]["read"]


def test_selected_indicators_financial_year_and_rejections(events: Path) -> None:
    with events.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "x", "child": "Z", "type": "nonsense", "date": "2010-05-05"}\n')
    result = _run("indicators", str(events), "--period", "2010/11", "--indicator", "NI62", "--indicator", "NI63",
                  "--format", "json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)
    assert [i["id"] for i in document["indicators"]] == ["NI62", "NI63"]
    assert len(document["rejected"]) == 1 and document["rejected"][0]["field"] == "type"


def test_csv_and_table(events: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = _run("indicators", str(events), "--period", "2010/11", "--indicator", "NI62", "--output", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["id"] == "NI62" and rows[0]["value"] == "0.333333" and rows[0]["denominator_children"] == "H H2 H3"
    assert "value_exact" not in rows[0]  # a spreadsheet would read 1/3 as a date: the decimal and the counts suffice
    result = _run("indicators", str(events), "--period", "2010/11", "--indicator", "NI62", "--format", "table")
    assert result.exit_code == 0 and "NI62" in result.output and "33.3%" in result.output


@pytest.mark.parametrize("args", [
    ["--period", "2010/12"],
    ["--period", "2011-03-31..2010-04-01"],
    ["--period", "2010/11", "--indicator", "NI999"],
    ["--period", "2010/11", "--ruleset", "no/such-ruleset"],
])
def test_cannot_run(events: Path, args: list[str]) -> None:
    result = _run("indicators", str(events), *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_unreadable_input(tmp_path: Path) -> None:
    result = _run("indicators", str(tmp_path / "missing.jsonl"), "--period", "2010/11")
    assert result.exit_code == 2


GOOD = """\
ruleset: local/kpis
kind: indicators
version: "1"
title: Local measures
in_force: {from: 2009-04-01}
parameters:
  moves: {value: 2}
indicators:
  - id: LOCAL-moves
    title: Two placements or more
    outcome: stability-and-continuity
    citation: local contract schedule 2
    polarity: lower
    cohort: {looked_after_at_end: true}
    numerator: {kind: placement_count, at_least: $moves}
"""


def test_own_ruleset(events: Path, tmp_path: Path) -> None:
    path = tmp_path / "local.yaml"
    path.write_text(GOOD, encoding="utf-8")
    result = _run("indicators", str(events), "--period", "2010/11", "--ruleset", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    found = [(i["id"], i["numerator"], i["denominator"]) for i in document["indicators"]]
    assert found == [("LOCAL-moves", 3, 4)]  # no exclusions listed: H4 (short breaks only) counts too


@pytest.mark.parametrize(("old", "new", "key", "reason"), [
    ("kind: placement_count, at_least: $moves", "kind: placement_tally, at_least: 2", "indicators[0].numerator.kind",
     "unknown kind"),
    ("at_least: $moves", "at_least: $nope", "indicators[0].numerator.at_least", "unknown parameter"),
    ("outcome: stability-and-continuity", "outcome: happiness", "indicators[0].outcome", "unknown outcome"),
    ("polarity: lower", "polarity: sideways", "indicators[0].polarity", "must be higher or lower"),
    ("cohort: {looked_after_at_end: true}", "cohort: {looked_after_at_end: true, age: 3}", "indicators[0].cohort.age",
     "unknown key"),
    ("numerator: {kind: placement_count, at_least: $moves}",
     "numerator: {kind: event_in_window, event: dental_check, when: 'colour == 1'}", "indicators[0].numerator.when",
     "unknown fact"),
    ("numerator: {kind: placement_count, at_least: $moves}",
     "numerator: {kind: event_in_window, event: dentist}", "indicators[0].numerator.event", "unknown event type"),
])
def test_located_errors(tmp_path: Path, old: str, new: str, key: str, reason: str) -> None:
    assert old in GOOD
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_indicator_definitions([str(path)])
    problem = caught.value.problems[0]
    assert (problem.key, problem.line) == (key, 15 if "numerator" in key else problem.line)
    assert reason in problem.reason
    assert str(problem).startswith(f"{path}:{problem.line}: {key}: ")
    result = _run("rulesets", "validate", str(path))
    assert result.exit_code == 2


def test_duplicate_indicator_ids(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(GOOD, encoding="utf-8")
    second.write_text(GOOD.replace("local/kpis", "local/other"), encoding="utf-8")
    with pytest.raises(RulesetError, match="also defined"):
        load_indicator_definitions([str(first), str(second)])


def test_shipped_definitions() -> None:
    ids = {d.id for r in load_indicator_definitions() for d in r.indicators}
    assert {"NI58", "NI62", "NI63", "NI66", "NI147", "NI148", "OC2-health-assessment", "OC2-dental",
            "OC2-immunisations", "OC2-health-check-under-5", "OC2-substance-misuse", "OC2-convictions",
            "SWP-placement-moves", "SWP-worker-changes", "SWP-same-worker", "KPI-visits-on-time",
            "KPI-reviews-on-time", "KPI-access-24h"} <= ids
    polarity = known_indicators()
    assert polarity["NI62"] == "lower" and polarity["NI63"] == "higher" and set(polarity) == ids


def test_duty_ruleset_for_kpis(tmp_path: Path) -> None:
    path = tmp_path / "access.jsonl"
    records = [
        {"id": "1", "child": "K1", "type": "looked_after_started", "date": "2011-05-05", "legal_status": "C2"},
        {"id": "2", "child": "K1", "type": "access_requested", "date": "2011-06-01T10:00"},
        {"id": "3", "child": "K1", "type": "access_responded", "date": "2011-06-01T16:00", "request": "2"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = _run("indicators", str(path), "--period", "2011/12", "--indicator", "KPI-access-24h",
                  "--ruleset", "contracts/duties/swp-access", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    [kpi] = document["indicators"]
    assert (kpi["numerator"], kpi["denominator"], kpi["unit"]) == (1, 1, "duties")
    assert "contracts/duties/swp-access" in {r["id"] for r in document["rulesets"]}
