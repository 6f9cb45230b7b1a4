"""``swp-rules register runs|breaches|diff --format xlsx`` (issue 13: table, JSON, CSV, xlsx): workbooks openpyxl
reads, with the same rows as the JSON, numbers as numbers, dates as dates, and a child id that looks like a formula
kept as text."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner
from handmade import breach, run

from swp_rules.cli import main
from swp_rules.io.output import neutralise_cell
from swp_rules.register import Register

JUNE, JULY = "2011-06-30", "2011-07-31"
FORMULA = "=HYPERLINK(\"http://example.org\")"
#: How a workbook shows it: a text cell, neutralised as CSV is (OWASP: prefixed with ').
SHOWN = neutralise_cell(FORMULA)


def _record(name: str) -> list[int]:
    history = [
        (JUNE, [breach("C1", "visit.regular", "2011-06-01", as_of=JUNE),
                breach(FORMULA, "review.first", "2011-06-10", as_of=JUNE)]),
        (JULY, [breach("C1", "visit.regular", "2011-06-01", met="2011-07-05"),
                breach(FORMULA, "review.first", "2011-06-10", as_of=JULY),
                breach("C3", "health.initial", "2011-07-20", as_of=JULY)]),
    ]
    with Register.open(name, create=True) as register:
        return [register.record(*run(day, found)).id for day, found in history]


def _invoke(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def _sheet(path: Path, name: str) -> list[dict[str, Any]]:
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Summary"
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_runs_breaches_and_diff_as_workbooks(register_name: str, tmp_path: Path) -> None:
    first, second = _record(register_name)

    runs = tmp_path / "runs.xlsx"
    _invoke("register", "runs", "--register", register_name, "--format", "xlsx", "-o", str(runs))
    rows = _sheet(runs, "Runs")
    assert [(r["run"], r["as of"], r["breaches"]) for r in rows] == [
        (first, dt.datetime(2011, 6, 30), 2), (second, dt.datetime(2011, 7, 31), 3)]

    breaches = tmp_path / "breaches.xlsx"  # the suffix chooses the format
    _invoke("register", "breaches", "--register", register_name, "-o", str(breaches))
    as_json = json.loads(_invoke("register", "breaches", "--register", register_name, "--format", "json").output)
    rows = _sheet(breaches, "Breaches")
    assert [(r["child"], r["rule"], r["days late"]) for r in rows] == [
        (neutralise_cell(b["child"]), b["rule"], b["days_late"]) for b in as_json["breaches"]]
    by_child = {r["child"]: r for r in rows}
    assert by_child[SHOWN]["status"] == "open" and by_child[SHOWN]["first seen"] == dt.datetime(2011, 6, 30)
    assert by_child["C1"]["resolution"] == "met" and by_child["C1"]["resolved (run)"] == second
    cell = next(c for c in openpyxl.load_workbook(breaches)["Breaches"]["A"] if c.value == SHOWN)
    assert cell.data_type == "s"

    diff = tmp_path / "diff.xlsx"
    _invoke("register", "diff", "--register", register_name, "--from", str(first), "--to", str(second),
            "--format", "xlsx", "-o", str(diff))
    assert [r["child"] for r in _sheet(diff, "New")] == ["C3"]
    assert [(r["child"], r["resolution"]) for r in _sheet(diff, "Resolved")] == [("C1", "met")]
    assert [(r["child"], r["days open"]) for r in _sheet(diff, "Still open")] == [(SHOWN, 31)]


def test_the_register_may_be_named_as_the_commands_argument(register_name: str) -> None:
    first, second = _record(register_name)
    by_option = json.loads(_invoke("register", "runs", "--register", register_name, "--format", "json").output)
    by_argument = json.loads(_invoke("register", "runs", register_name, "--format", "json").output)
    assert by_argument == by_option and [r["id"] for r in by_argument["runs"]] == [first, second]
    diff = json.loads(_invoke("register", "diff", register_name, "--from", str(first), "--to", str(second),
                              "--format", "json").output)
    assert diff == json.loads(_invoke("register", "diff", "--register", register_name, "--from", str(first),
                                      "--to", str(second), "--format", "json").output)
    twice = CliRunner().invoke(main, ["register", "breaches", register_name, "--register", "other.db"])
    assert twice.exit_code == 2 and "named twice" in twice.output
