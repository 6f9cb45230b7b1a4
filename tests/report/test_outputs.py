"""Every command's output in every format: JSON and JSON Lines valid against the shipped result schemas, CSV with
one kind of row per table and numbers as numbers, workbooks with the same counts as the JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner

from swp_rules import schema
from swp_rules.cli import main
from swp_rules.examples import CONTRACT, events_path
from swp_rules.report.period_documents import DOCUMENTS

pytestmark = pytest.mark.slow  # every command end to end in every format

EVENTS = str(events_path())
PERIOD = "2011-10-01..2011-12-31"
COMMANDS: dict[str, list[str]] = {
    "check": ["check", EVENTS, "--as-of", "2011-12-31"],
    "explain": ["explain", EVENTS, "--child", "EX000001", "--as-of", "2011-12-31"],
    "indicators": ["indicators", EVENTS, "--period", PERIOD],
    "payments": ["payments", EVENTS, "--contract", CONTRACT, "--period", PERIOD],
}


def _validator(path: Path) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema.load(path), format_checker=jsonschema.FormatChecker())


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Any]]:
    return {name: json.loads(_run([*args, "--format", "json"])) for name, args in COMMANDS.items()}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_json_is_valid_against_the_shipped_schema_and_reads_back(command: str,
                                                                   documents: dict[str, dict[str, Any]]) -> None:
    document = documents[command]
    _validator(schema.RESULT_SCHEMAS[command]).validate(document)
    cls = DOCUMENTS[command]
    assert cls.from_dict(document).to_dict() == document


def test_demo_json_is_valid() -> None:
    document = json.loads(_run(["demo", "--format", "json", "--no-report"]))
    _validator(schema.RESULT_SCHEMAS["demo"]).validate(document)
    assert DOCUMENTS["demo"].from_dict(document).to_dict() == document


@pytest.mark.parametrize("command", list(COMMANDS))
def test_jsonl_lines_are_valid_and_end_with_the_summary(command: str, documents: dict[str, dict[str, Any]]) -> None:
    lines = [json.loads(line) for line in _run([*COMMANDS[command], "--format", "jsonl"]).splitlines()]
    validator = _validator(schema.RESULT_LINE_SCHEMA)
    for line in lines:
        validator.validate(line)
    assert lines[-1]["kind"] == "summary" and sum(1 for line in lines if line["kind"] == "summary") == 1
    document = documents[command]
    kinds = [line["kind"] for line in lines]
    summary = lines[-1]
    assert summary["rejected"] == kinds.count("rejected") == len(document["rejected"])
    assert summary["input"] == document["input"]
    if command == "check":
        assert kinds.count("breach") == summary["breaches"] == len(document["breaches"])
        assert kinds.count("open") == summary["open"] == len(document["open"])
        assert kinds.count("note") == len(document["notes"])
        assert next(line for line in lines if line["kind"] == "breach") == {"kind": "breach",
                                                                           **document["breaches"][0]}
    if command == "explain":
        assert kinds.count("duty") == len(document["duties"])


def test_check_json_lists_only_the_rulesets_that_applied(documents: dict[str, dict[str, Any]]) -> None:
    used = {r["id"] for r in documents["check"]["rulesets"]}
    assert "statutory/cpr-2010" in used
    assert "statutory/cpr-2015" not in used and "statutory/missing-guidance-2014" not in used  # not yet in force


def test_check_csv_has_one_kind_of_row_per_file(tmp_path: Path, documents: dict[str, dict[str, Any]]) -> None:
    out = tmp_path / "check.csv"
    _run([*COMMANDS["check"], "--output", str(out)])
    breaches = list(csv.DictReader(out.open(encoding="utf-8")))
    opened = list(csv.DictReader((tmp_path / "check.open.csv").open(encoding="utf-8")))
    rejected = list(csv.DictReader((tmp_path / "check.rejected.csv").open(encoding="utf-8")))
    document = documents["check"]
    assert len(breaches) == len(document["breaches"]) and len(opened) == len(document["open"])
    assert len(rejected) == len(document["rejected"])
    assert "reason" not in breaches[0] and "source" not in breaches[0]
    assert int(breaches[0]["days_late"]) >= 0
    text = _run([*COMMANDS["check"], "--format", "csv"])  # standard output: the tables one after another
    sections = text.split("\n\n")
    assert sections[0].startswith("child,rule,due,met,days_late")
    assert len(sections) == 5


def test_indicator_csv_numbers_read_as_numbers(documents: dict[str, dict[str, Any]]) -> None:
    rows = list(csv.DictReader(io.StringIO(_run([*COMMANDS["indicators"], "--format", "csv"]).split("\n\n")[0])))
    for row in rows:
        if row["value"]:
            float(row["value"])  # a number, never "1/2"
            assert "/" not in row["value"]


def _sheet_rows(book: openpyxl.Workbook, name: str) -> list[tuple[Any, ...]]:
    sheet = book[name]
    assert sheet.freeze_panes == "A2", name
    assert sheet.auto_filter.ref, name
    return list(sheet.iter_rows(min_row=2, values_only=True))


def _workbook(tmp_path: Path, command: str) -> openpyxl.Workbook:
    out = tmp_path / f"{command}.xlsx"
    _run([*COMMANDS[command], "--output", str(out)])
    return openpyxl.load_workbook(out)


def test_check_workbook(tmp_path: Path, documents: dict[str, dict[str, Any]]) -> None:
    book = _workbook(tmp_path, "check")
    assert book.sheetnames == ["Summary", "Breaches", "Open duties", "Child summary", "Rejected", "Notes"]
    document = documents["check"]
    breaches = _sheet_rows(book, "Breaches")
    assert len(breaches) == len(document["breaches"])
    assert len(_sheet_rows(book, "Open duties")) == len(document["open"])
    assert len(_sheet_rows(book, "Rejected")) == len(document["rejected"])
    children = {b["child"] for b in document["breaches"]} | {o["child"] for o in document["open"]}
    assert len(_sheet_rows(book, "Child summary")) == len(children)
    header = [c.value for c in book["Breaches"][1]]
    first = breaches[0]
    assert isinstance(first[header.index("days late")], int)
    assert first[header.index("due")].year >= 2010  # a date cell, not text


def test_explain_indicators_payments_workbooks(tmp_path: Path, documents: dict[str, dict[str, Any]]) -> None:
    explain = _workbook(tmp_path, "explain")
    assert explain.sheetnames == ["Summary", "Duties", "Events", "Rejected"]
    assert len(_sheet_rows(explain, "Duties")) == len(documents["explain"]["duties"])
    assert len(_sheet_rows(explain, "Events")) == len(documents["explain"]["events"])
    indicators = _workbook(tmp_path, "indicators")
    assert indicators.sheetnames == ["Summary", "Indicators", "Rejected"]
    rows = _sheet_rows(indicators, "Indicators")
    assert len(rows) == len(documents["indicators"]["indicators"])
    assert all(isinstance(r[5], float | int) for r in rows if r[5] is not None)
    proportion = next(r for r in indicators["Indicators"].iter_rows(min_row=2) if r[6].value == "proportion"
                      and r[5].value is not None)
    assert proportion[5].number_format == "0.0%"
    payments = _workbook(tmp_path, "payments")
    assert payments.sheetnames == ["Summary", "Statement", "Outcomes", "Deductions", "Rejected"]
    statement = documents["payments"]["payments"]
    outcomes = _sheet_rows(payments, "Outcomes")
    assert len(outcomes) == sum(len(p["outcomes"]) for p in statement["periods"])
    assert [round(r[6], 2) for r in outcomes] == [float(o["paid"]) for p in statement["periods"]
                                                 for o in p["outcomes"]]
    assert payments["Outcomes"]["F2"].number_format == "#,##0.00"


def test_a_hostile_child_id_is_text_in_every_format(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    hostile = '=HYPERLINK("http://example.invalid","x")'
    records = [
        {"id": "c", "child": hostile, "type": "child", "date": "2011-01-01", "dob": "2005-01-01"},
        {"id": "l", "child": hostile, "type": "looked_after_started", "date": "2011-01-01", "legal_status": "C2"},
        {"id": "p", "child": hostile, "type": "placement_started", "date": "2011-01-01", "placement": "U1"},
    ]
    events.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "hostile.xlsx"
    _run(["check", str(events), "--as-of", "2011-12-31", "--output", str(out)])
    book = openpyxl.load_workbook(out)
    cells = [c for row in book["Breaches"].iter_rows(min_row=2) for c in row if c.value == "'" + hostile]
    assert cells and all(c.data_type == "s" for c in cells)  # text, and neutralised as in CSV (OWASP)
    assert not any(str(c.value).startswith("=") for ws in book for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize("command", ["check", "indicators"])
def test_the_same_run_writes_the_same_workbook_bytes(tmp_path: Path, command: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    _run([*COMMANDS[command], "--output", str(first)])
    time.sleep(1.1)  # the stamp would be the clock's second
    _run([*COMMANDS[command], "--output", str(second)])
    assert first.read_bytes() == second.read_bytes()
    assert openpyxl.load_workbook(first).properties.created == dt.datetime(1980, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _run([*COMMANDS[command], "--output", str(second)])
    assert openpyxl.load_workbook(second).properties.created == dt.datetime(2023, 11, 14, 22, 13, 20)
