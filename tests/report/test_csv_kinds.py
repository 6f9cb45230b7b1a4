"""Every CSV file a command writes holds one kind of row under a header that fits it: no union header, no ``kind``
column with two values (issue 12). The payments statement was one file of seven kinds of line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.examples import CONTRACT, events_path

EVENTS = str(events_path())
COMMANDS = {
    "check": ["check", EVENTS, "--as-of", "2012-03-31"],
    "explain": ["explain", EVENTS, "--child", "EX000001", "--as-of", "2012-03-31"],
    "indicators": ["indicators", EVENTS, "--period", "2011/12"],
    "payments": ["payments", EVENTS, "--contract", CONTRACT, "--period", "2011-10-01..2011-12-31"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_csv_file_holds_one_kind_of_row(tmp_path: Path, command: str) -> None:
    result = CliRunner().invoke(main, [*COMMANDS[command], "--format", "csv", "-o", str(tmp_path / "out.csv")])
    assert result.exit_code in (0, 1), result.output
    files = sorted(tmp_path.glob("out*.csv"))
    assert len(files) >= 2  # the results and, beside them, at least the rejections
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if rows and "kind" in rows[0]:
            assert len({row["kind"] for row in rows}) == 1, (path.name, {row["kind"] for row in rows})
        for row in rows:  # every column of the header is the row's own: no row is mostly empty cells of others
            assert None not in row and len(row) == len(rows[0])


def test_the_payments_tables_add_up(tmp_path: Path) -> None:
    out = tmp_path / "statement.csv"
    result = CliRunner().invoke(main, [*COMMANDS["payments"], "--output", str(out)])
    assert result.exit_code in (0, 1), result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"statement.csv", "statement.fees.csv", "statement.outcomes.csv", "statement.measures.csv",
            "statement.bonuses.csv", "statement.deductions.csv", "statement.totals.csv",
            "statement.rejected.csv"} <= names

    def rows(name: str) -> list[dict[str, str]]:
        with (tmp_path / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    periods, outcomes = rows("statement.csv"), rows("statement.outcomes.csv")
    [total] = rows("statement.totals.csv")
    assert sum(float(p["amount"]) for p in periods) == pytest.approx(float(total["amount"]))
    assert sum(float(o["paid"]) for o in outcomes) == pytest.approx(sum(float(p["paid"]) for p in periods))
    assert "kind" not in periods[0] and "explanation" in periods[0]
