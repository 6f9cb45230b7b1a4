"""An SSDA903 return folder is an input of check, explain, indicators and payments: one command, same results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.engine import Engine
from swp_rules.engine.parallel import evaluate_files
from swp_rules.io.parts import load_inputs
from swp_rules.ssda903 import import_903

pytestmark = pytest.mark.slow  # every command end to end on a return folder

DATA = Path(__file__).resolve().parents[1] / "data" / "ssda903"
_BESIDE = (Path(__file__).resolve().parents[3] / "shared" / "data" / "ssda903-public-fixture",
           Path("/work/shared/data/ssda903-public-fixture"))
FIXTURE = next((p for p in _BESIDE if p.is_dir()), None)


def _as_file(folder: Path, tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in import_903(folder).records()), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["clean", "rejects", "structural"])
def test_a_folder_evaluates_as_its_imported_events(name: str, tmp_path: Path) -> None:
    folder = DATA / name
    imported = import_903(folder)
    direct = evaluate_files(Engine(), [folder], jobs=2)
    via_file = evaluate_files(Engine(), [_as_file(folder, tmp_path)], jobs=1)
    assert direct.evaluation == via_file.evaluation
    counts = direct.counts
    assert counts.read == counts.evaluated + counts.duplicates + counts.rejected
    assert counts.evaluated == len(imported.events) and counts.duplicates == imported.duplicates
    assert counts.rejected == sum(1 for p in imported.problems if p.kind in ("rejected", "unreadable",
                                                                             "unrecognised"))
    for rejection in direct.rejected:
        assert rejection.source.startswith(str(folder)) and rejection.reason


def test_rejected_rows_are_rejected_records_with_their_file_and_line() -> None:
    loaded = load_inputs([DATA / "rejects"])
    rows = [p for p in import_903(DATA / "rejects").problems if p.kind == "rejected"]
    assert rows and [(r.line, r.field) for r in loaded.rejected if r.line] == [(p.row, p.column) for p in rows]


def test_check_and_indicators_take_a_folder_on_the_command_line(tmp_path: Path) -> None:
    folder = str(DATA / "clean")
    file = str(_as_file(DATA / "clean", tmp_path))
    for command in (["check", "--as-of", "2015-03-31"], ["indicators", "--period", "2014/15"]):
        on_folder = CliRunner().invoke(main, [*command, folder, "--format", "json"])
        on_file = CliRunner().invoke(main, [*command, file, "--format", "json"])
        assert on_folder.exit_code in (0, 1), on_folder.output
        a, b = json.loads(on_folder.stdout), json.loads(on_file.stdout)
        for key in ("breaches", "open", "indicators", "notes"):
            assert a.get(key) == b.get(key)


def test_explain_takes_a_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["explain", str(DATA / "clean"), "--child", "A1", "--as-of", "2015-03-31",
                                       "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["events"]


def test_a_folder_with_no_table_cannot_run(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--as-of", "2015-03-31"])
    assert result.exit_code == 2 and "no" in result.stderr.lower()


@pytest.mark.skipif(FIXTURE is None, reason="the public SSDA903 fixture is not beside the project")
def test_the_public_return_in_one_command(tmp_path: Path) -> None:
    assert FIXTURE is not None
    direct = evaluate_files(Engine(), [FIXTURE])
    counts = direct.counts
    assert counts.read == counts.evaluated + counts.duplicates + counts.rejected
    assert counts.evaluated == len(import_903(FIXTURE).events) and direct.evaluation.children > 2000
