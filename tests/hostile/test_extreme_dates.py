"""Extreme ``--as-of`` and ``--period`` values: every command answers promptly with a usage error (exit 2) that says
what is wrong with the value, never runs for minutes, never says "internal error" and never blames the input.

Before: ``report --period 0001-01-01..9999-12-31`` did not finish, ``report --as-of 9999-12-31`` and ``explain
--format html`` ended in "internal error (ValueError)", and ``check`` turned any ``ValueError`` into the false
"--as-of is needed when the input holds no events".
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.examples import CONTRACT, events_path
from swp_rules.periods import parse_period

EVENTS = str(events_path())
OUTSIDE = "is outside the years this program evaluates (1900–2199); is it mistyped?"


@pytest.mark.parametrize("args", [
    ["check", EVENTS, "--as-of", "9999-12-31"],
    ["check", EVENTS, "--as-of", "0001-01-01", "--format", "jsonl"],
    ["check", EVENTS, "--as-of", "9999-12-31", "--jobs", "2"],
    ["explain", EVENTS, "--child", "EX000001", "--as-of", "9999-12-31", "--format", "html"],
    ["explain", EVENTS, "--child", "EX000001", "--as-of", "0001-01-01"],
    ["report", EVENTS, "--as-of", "9999-12-31"],
    ["report", EVENTS, "--as-of", "2012-03-31", "--period", "0001-01-01..9999-12-31"],
    ["indicators", EVENTS, "--period", "0001-01-01..9999-12-31"],
    ["indicators", EVENTS, "--period", "9999/00"],
    ["payments", EVENTS, "--contract", CONTRACT, "--period", "0001-01-01..9999-12-31"],
    ["payments", EVENTS, "--contract", CONTRACT, "--period", "2011-04-01..9999-12-31"],
], ids=lambda args: " ".join(a for a in args if a != EVENTS))
def test_an_extreme_date_is_a_usage_error_saying_why(tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "out"
    if args[0] in ("report", "explain"):
        args = [*args, "-o", str(out)]
    done = subprocess.run([sys.executable, "-m", "swp_rules", *args], capture_output=True, text=True, timeout=60,
                          check=False, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert OUTSIDE in done.stderr, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert "no events" not in done.stderr
    assert not out.exists()


def test_the_edges_of_the_years_are_evaluated(tmp_path: Path) -> None:
    for day in ("1900-01-01", "2199-12-31"):
        result = CliRunner().invoke(main, ["check", EVENTS, "--as-of", day, "--format", "json", "--quiet"])
        assert result.exit_code in (0, 1), result.output
    period = parse_period("1900-01-01..2199-12-31")
    assert period.days == 109573


def test_no_events_and_no_as_of_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(empty), "--format", "json"])
    assert result.exit_code == 2
    assert "--as-of is needed when the input holds no events" in result.output


def test_a_period_outside_the_years_is_refused_saying_which_end() -> None:
    with pytest.raises(ValueError, match=r"^'2011-04-01\.\.9999-12-31': the end 9999-12-31 is outside the years"):
        parse_period("2011-04-01..9999-12-31")
    with pytest.raises(ValueError, match=r"^'9999/00': the financial year 9999/00 is outside the years"):
        parse_period("9999/00")
