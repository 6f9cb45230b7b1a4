"""``rich`` is imported only when a table or a progress bar is drawn: a run that writes JSON, JSON Lines, CSV or a
workbook to a file or pipe never pays for it (issue 12: a table of 20,000 children costs no more than 1.5× JSON;
``bench/bench_table_vs_json.py`` prints the figure)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from swp_rules.examples import CONTRACT, events_path

EVENTS = str(events_path())
PROGRAM = """
import sys
from swp_rules.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
loaded = sorted(m for m in sys.modules if m == "rich" or m.startswith("rich."))
print("RICH:" + ",".join(loaded), file=sys.stderr)
sys.exit(code)
"""


def _rich_modules(args: list[str], cwd: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROGRAM, *args], capture_output=True, text=True, timeout=120,
                          check=False, cwd=cwd)
    assert done.returncode in (0, 1), done.stderr
    line = next(line for line in done.stderr.splitlines() if line.startswith("RICH:"))
    return [m for m in line[len("RICH:"):].split(",") if m]


@pytest.mark.parametrize("args", [
    ["check", EVENTS, "--as-of", "2012-03-31", "--format", "json"],
    ["check", EVENTS, "--as-of", "2012-03-31", "--format", "jsonl"],
    ["check", EVENTS, "--as-of", "2012-03-31", "--format", "csv", "-o", "out.csv"],
    ["explain", EVENTS, "--child", "EX000001", "--as-of", "2012-03-31", "--format", "json"],
    ["indicators", EVENTS, "--period", "2011/12", "--format", "json"],
    ["payments", EVENTS, "--contract", CONTRACT, "--period", "2011/12", "--format", "json"],
], ids=lambda args: f"{args[0]}-{args[args.index('--format') + 1]}")
def test_rich_is_not_imported_unless_a_table_is_drawn(tmp_path: Path, args: list[str]) -> None:
    assert _rich_modules(args, tmp_path) == []


def test_rich_is_imported_to_draw_a_table(tmp_path: Path) -> None:
    assert "rich.table" in _rich_modules(["check", EVENTS, "--as-of", "2012-03-31", "--format", "table"], tmp_path)
