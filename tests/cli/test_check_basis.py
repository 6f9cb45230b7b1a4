"""``basis`` and ``discharged_by`` in what ``check`` and ``explain`` report (SPEC.md §2), and ``check --basis``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.examples import events_path
from swp_rules.rulesets.duties import BASES

#: A child looked after from Mon 4 Apr 2011 (aged 10): a first visit late, the first review on time, no dental check
#: in the first twelve months (the OC2 measure, a return), and a visit asked for and never made (the project's
#: default of 5 working days, a local standard), met late by a visit on 20 May 2012.
_EVENTS = [
    {"id": "b-c", "child": "B1", "type": "child", "date": "2001-01-10", "dob": "2001-01-10"},
    {"id": "b-la", "child": "B1", "type": "looked_after_started", "date": "2011-04-04", "legal_status": "C2"},
    {"id": "b-pl", "child": "B1", "type": "placement_started", "date": "2011-04-04", "placement": "Q2"},
    {"id": "b-cp", "child": "B1", "type": "care_plan", "date": "2011-04-04"},
    {"id": "b-pp", "child": "B1", "type": "placement_plan", "date": "2011-04-04"},
    {"id": "b-nt", "child": "B1", "type": "placement_notified", "date": "2011-04-04"},
    {"id": "b-v1", "child": "B1", "type": "visit", "date": "2011-04-13"},
    {"id": "b-r1", "child": "B1", "type": "review", "date": "2011-05-06"},
    {"id": "b-rq", "child": "B1", "type": "visit_requested", "date": "2012-05-01"},
    {"id": "b-v2", "child": "B1", "type": "visit", "date": "2012-05-20"},
]
_AS_OF = "2012-06-01"


@pytest.fixture()
def events(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in _EVENTS), encoding="utf-8")
    return path


def _check(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["check", *args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_every_breach_and_open_duty_carries_its_basis_and_discharging_event(events: Path) -> None:
    document = _check(str(events), "--as-of", _AS_OF)
    breaches, open_ = document["breaches"], document["open"]
    assert {b["basis"] for b in breaches} == {"regulation", "return", "local"}
    for breach in breaches:
        assert breach["basis"] in BASES
        if breach["met"] is None:
            assert breach["discharged_by"] is None
        else:
            assert breach["discharged_by"] == breach["evidence"][-1]
            assert breach["discharged_by"] in breach["explanation"]
    late = next(b for b in breaches if b["rule"] == "visit.first")
    assert (late["met"], late["discharged_by"]) == ("2011-04-13", "b-v1")
    assert open_ and all(o["basis"] in BASES for o in open_)


def test_no_return_or_local_duty_is_explained_as_a_regulation_s(events: Path) -> None:
    document = _check(str(events), "--as-of", _AS_OF)
    dental = next(b for b in document["breaches"] if b["rule"] == "dental.annual")
    assert dental["basis"] == "return" and dental["citation"].startswith("SSDA903 OC2")
    assert "the DfE's SSDA903 OC2 measure: not a deadline in the Regulations" in dental["explanation"]
    request = next(b for b in document["breaches"] if b["rule"] == "visit.on-request")
    assert request["basis"] == "local"
    assert "not a deadline in the Regulations" in request["explanation"]
    for item in document["breaches"] + document["open"]:
        if item["basis"] in ("return", "local"):
            if item["basis"] == "return":
                assert "SI 2010/959" not in item["citation"], item
            assert "not a deadline in the Regulations" in item["explanation"], item


def test_check_basis_reports_only_those(events: Path) -> None:
    every = _check(str(events), "--as-of", _AS_OF)
    only_return = _check(str(events), "--as-of", _AS_OF, "--basis", "return")
    assert only_return["breaches"] and {b["basis"] for b in only_return["breaches"]} == {"return"}
    assert {o["basis"] for o in only_return["open"]} <= {"return"}
    assert only_return["breaches"] == [b for b in every["breaches"] if b["basis"] == "return"]
    two = _check(str(events), "--as-of", _AS_OF, "--basis", "return", "--basis", "local")
    assert two["breaches"] == [b for b in every["breaches"] if b["basis"] in ("return", "local")]
    assert two["open"] == [o for o in every["open"] if o["basis"] in ("return", "local")]


def test_check_basis_refuses_an_unknown_basis(events: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(events), "--as-of", _AS_OF, "--basis", "law"])
    assert result.exit_code == 2


def test_csv_and_table_show_basis_and_discharged_by(events: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(events), "--as-of", _AS_OF, "--format", "csv"])
    breaches = list(csv.DictReader(io.StringIO(result.stdout.split("\n\n")[0])))  # the first table: breaches
    assert breaches and all(r["basis"] in BASES for r in breaches)
    assert next(r for r in breaches if r["rule"] == "visit.first")["discharged_by"] == "b-v1"
    table = CliRunner().invoke(main, ["check", str(events), "--as-of", _AS_OF, "--format", "table"]).stdout
    assert "basis" in table and "return" in table and "local" in table


def test_explain_names_the_event_that_met_every_met_duty() -> None:
    result = CliRunner().invoke(main, ["explain", str(events_path()), "--child", "EX000001",
                                       "--as-of", "2012-03-31", "--format", "json"])
    duties = json.loads(result.stdout)["duties"]
    met = [d for d in duties if d["status"] == "met"]
    assert met
    for duty in met:
        assert duty["discharged_by"] is not None and duty["discharged_by"] in duty["evidence"]
        assert duty["basis"] in BASES
    for duty in duties:
        if duty["status"] in ("open", "lapsed"):
            assert duty["discharged_by"] is None
