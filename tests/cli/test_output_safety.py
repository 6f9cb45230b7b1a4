"""Every command's output is written whole or not at all, says clearly when it cannot be written, and never holds a
CSV cell a spreadsheet would run as a formula (swp_rules.io.output)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.examples import CONTRACT, events_path
from swp_rules.io.output import FORMULA_STARTS

pytestmark = pytest.mark.slow  # every command end to end on real files

HOSTILE = ['=HYPERLINK("http://example.invalid","x")', "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1+1",
           "\r=1+1"]


def _hostile_events(tmp_path: Path) -> Path:
    """Children, ids and free-text fields that begin like formulas, a few good and a few rejected."""
    records: list[dict[str, Any]] = []
    for n, text in enumerate(HOSTILE):
        child = text
        records += [
            {"id": f"{text}-c", "child": child, "type": "child", "date": "2010-01-01", "dob": "2005-01-01"},
            {"id": f"{text}-l", "child": child, "type": "looked_after_started", "date": "2011-01-03",
             "legal_status": "C2"},
            {"id": f"{text}-p", "child": child, "type": "placement_started", "date": "2011-01-03",
             "placement": "U1", "carer": text, "weekly_cost": "500.00"},
            {"id": f"{text}-r", "child": child, "type": "review", "date": "2011-01-20", "chair": text, "note": text},
            {"id": text, "child": child, "type": f"{text}-no-such-type", "date": "2011-02-01"},
            {"id": f"{n}-bad", "child": child, "type": "visit", "date": text},
        ]
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("command", [
    ["check", "--as-of", "2012-03-31"],
    ["indicators", "--period", "2011/12"],
    ["payments", "--contract", CONTRACT, "--period", "2011/12"],
    ["explain", "--child", HOSTILE[0], "--as-of", "2012-03-31"],
])
def test_no_csv_cell_begins_like_a_formula(tmp_path: Path, command: list[str]) -> None:
    events = _hostile_events(tmp_path)
    output = tmp_path / "out.csv"
    result = CliRunner().invoke(main, [command[0], str(events), *command[1:], "--format", "csv", "-o", str(output)])
    assert result.exit_code in (0, 1), result.output
    cells = _cells(output.read_text(encoding="utf-8"))
    assert cells
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    if command[0] in ("check", "explain"):
        assert any(c.startswith("'=HYPERLINK(") for c in cells)  # the data is there, neutralised


@pytest.mark.parametrize("command", [
    ["check", "--as-of", "2012-03-31", "--format", "json"],
    ["check", "--as-of", "2012-03-31", "--format", "csv"],
    ["indicators", "--period", "2011/12", "--format", "csv"],
    ["payments", "--contract", CONTRACT, "--period", "2011/12", "--format", "table"],
    ["explain", "--child", "EX000001", "--as-of", "2012-03-31", "--format", "json"],
])
def test_unwritable_output_exits_2_saying_so(tmp_path: Path, command: list[str]) -> None:
    for target, reason in (("/dev/full", "No space left on device"), (str(tmp_path / "missing" / "out"), "folder")):
        if target == "/dev/full" and not Path(target).exists():
            continue
        result = CliRunner().invoke(main, [command[0], str(events_path()), *command[1:], "-o", target])
        assert result.exit_code == 2, result.output
        assert f"{target}: cannot be written" in result.output and reason in result.output
        assert "internal error" not in result.output


def test_failed_run_keeps_the_previous_output(tmp_path: Path) -> None:
    output = tmp_path / "out.json"
    output.write_text("previous\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "missing.jsonl"), "-o", str(output)])
    assert result.exit_code == 2
    assert output.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_import_903_output_is_atomic_and_clear(tmp_path: Path) -> None:
    folder = Path(__file__).parents[1] / "data" / "ssda903" / "clean"
    output = tmp_path / "events.jsonl"
    result = CliRunner().invoke(main, ["import-903", str(folder), "-o", str(output), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert output.read_text(encoding="utf-8").count("\n") > 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.jsonl"]
    if Path("/dev/full").exists():
        result = CliRunner().invoke(main, ["import-903", str(folder), "-o", "/dev/full"])
        assert result.exit_code == 2
        assert "/dev/full: cannot be written (No space left on device)" in result.output


def test_table_prints_markup_and_escapes_as_text(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps({"id": "[/bold][link=http://example.invalid]x\u001b]8;;\u0007", "child": "C",
                                  "type": "nonsense", "date": "2011-01-01"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(events), "--as-of", "2012-03-31", "--format", "table"])
    assert result.exit_code == 1, result.output
    assert "[/bold][link=http://example.invalid]x\\x1b]8;;\\x07" in result.output.replace("\n", "")
    assert "\x1b" not in result.output
