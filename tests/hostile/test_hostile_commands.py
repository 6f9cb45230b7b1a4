"""Named hostile fixtures from a sweep of the newer commands and options, tried as a new user with a messy extract
would: each was an "internal error" or a refusal before, and is now a located usage error or a run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.examples import events_path

EVENTS = str(events_path())
DATA = Path(__file__).parents[1] / "data" / "ssda903"


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("param-self-alias", "&a [*a]", "--param: the value an alias (*name) refers to a value that holds it"),
    ("param-nested-5000", "[" * 5000, "--param: the value nests more than 64 deep"),
])
def test_a_hostile_param_value_is_a_usage_error(name: str, value: str, reason: str) -> None:
    result = CliRunner().invoke(main, ["check", EVENTS, "--as-of", "2012-03-31", "--format", "json", "--param",
                                       f"statutory/cpr-2010:within_one_week_days={value}"])
    assert result.exit_code == 2, (name, result.output)
    assert reason in result.stderr, (name, result.stderr)
    assert "internal error" not in result.stderr


def test_report_reads_an_ssda903_folder_as_the_other_commands_do(tmp_path: Path) -> None:
    folder = tmp_path / "return"
    shutil.copytree(DATA / "clean" / "2015", folder)
    episodes = folder / "episodes.csv"
    lines = episodes.read_text(encoding="utf-8-sig").splitlines()
    lines.insert(2, 'X6,"01/05/2014,S,C2,N1,U4,PR1,,,,,,')  # a broken quote: one rejected row
    episodes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(folder), "--as-of", "2015-03-31", "-o", str(out), "--quiet"])
    assert result.exit_code == 1, result.output  # rejected rows (and breaches)
    page = out.read_text(encoding="utf-8")
    assert "unbalanced quote on line 3" in page
