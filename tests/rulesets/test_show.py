"""``swp-rules rulesets show``: every key of every rule as written, each ``$parameter`` by name with its value."""

from __future__ import annotations

import json

from click.testing import CliRunner

from swp_rules.cli import main


def _show(*args: str) -> str:
    result = CliRunner().invoke(main, ["rulesets", "show", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_table_shows_what_was_written() -> None:
    text = _show("statutory/cpr-2010", "--format", "table")
    assert "deadline: {days: $within_one_week_days (= 7)}" in text
    assert "- {event: health_assessment, when: kind == 'initial'}" in text  # a discharge's condition
    assert "recurs: true" in text and "then: visit.regular" in text  # as written: not a hand-on to itself
    assert "conditions_at: $anniversary_straddle (= clock_start)" in text
    assert "choices: [6, 7]" in text  # square brackets are text, not terminal markup


def test_param_shows_the_value_a_run_would_use() -> None:
    text = _show("statutory/cpr-2010", "--format", "table", "--param", "statutory/cpr-2010:within_one_week_days=6")
    assert "deadline: {days: $within_one_week_days (= 6)}" in text
    result = CliRunner().invoke(main, ["rulesets", "show", "statutory/cpr-2010", "--param",
                                       "statutory/cpr-2010:within_one_week_days=9"])
    assert result.exit_code == 2 and "declared choices [6, 7]" in result.output


def test_json_keeps_every_key_and_the_parameters() -> None:
    document = json.loads(_show("statutory/cpr-2010", "--format", "json"))
    first = next(r for r in document["rules"] if r["id"] == "visit.first")
    assert first["as_written"]["deadline"] == {"days": "$within_one_week_days"}
    assert first["as_written"]["basis"] == "regulation"
    assert first["source"].endswith("cpr-2010.yaml:" + first["source"].rsplit(":", 1)[1])
    health = next(r for r in document["rules"] if r["id"] == "health.initial")
    assert {"event": "health_assessment", "when": "kind == 'initial'"} in health["as_written"]["discharged_by"]
    week = next(p for p in document["parameters"] if p["name"] == "within_one_week_days")
    assert week["value"] == 7 and week["choices"] == [6, 7] and week["used"] == 7 and week["meaning"]


def test_indicators_and_contracts_show_too() -> None:
    document = json.loads(_show("outcomes/ni-2008", "--format", "json"))
    assert any(i["id"] == "NI62" for i in document["indicators"])
    assert any(p["name"] == "duration_counting" for p in document["parameters"])
    contract = _show("contracts/liverpool-pss-illustrative", "--format", "table")
    assert "contracts/liverpool-pss-illustrative (contract" in contract
