"""``swp-rules rulesets test PATH...``: each case passes or fails with the difference between expected and got;
exit 1 on any failure, 2 when a case cannot run (SPEC.md §3). Named fixtures in ``tests/rulesets/runner/``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.rulesets.cases import case_files, run_cases

HERE = Path(__file__).parent
RUNNER_CASES = HERE / "runner"


def _test(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["rulesets", "test", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_failing_case_reports_its_file_and_the_difference() -> None:
    path = RUNNER_CASES / "failing-due.yaml"
    code, out, _ = _test(str(path), "--format", "table")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"FAIL  {path}: runner fixture: a wrong due date"
    assert ("      expected duty record {child: W1, rule: visit.first, status: breached, due: 2011-11-07, "
            "days_late: 2}; the closest differs: due: expected 2011-11-07, got 2011-11-08; days_late: expected 2, "
            "got 1") in lines
    assert any("rule: visit.regulr" in line and "did you mean 'visit.regular'?" in line for line in lines)
    assert lines[-1] == "1 case: 0 passed, 1 failed"


def test_breaches_are_compared_exactly() -> None:
    code, out, _ = _test(str(RUNNER_CASES / "failing-breaches.yaml"), "--format", "table")
    assert code == 1
    assert "unexpected breach {child: B1, rule: notification.placement, due: 2011-11-01, days_late: 29}" in out
    assert "rule: visit.first" not in out  # the breach that was expected is not reported


def test_a_case_that_cannot_run_exits_2_with_located_problems() -> None:
    path = RUNNER_CASES / "cannot-run.yaml"
    code, out, _ = _test(str(path), "--format", "table")
    assert code == 2
    assert f"{path}:6: expct: unknown key" in out and "did you mean 'expect'?" in out
    assert "1 could not run" in out


def test_json_lists_every_case_with_its_status(tmp_path: Path) -> None:
    code, out, _ = _test(str(RUNNER_CASES), str(HERE / "local-cases"), "--format", "json")
    assert code == 2  # one of the runner fixtures cannot run
    document = json.loads(out)
    statuses = {Path(c["file"]).name: c["status"] for c in document["cases"]}
    assert statuses == {"cannot-run.yaml": "error", "failing-breaches.yaml": "fail", "failing-due.yaml": "fail",
                        "visit-after-move.yaml": "pass"}
    assert document["summary"] == {"cases": 4, "passed": 1, "failed": 2, "errors": 1}
    output = tmp_path / "cases.json"
    code, out, _ = _test(str(HERE / "local-cases"), "-o", str(output))
    assert code == 0 and out == ""
    assert json.loads(output.read_text(encoding="utf-8"))["summary"]["passed"] == 1


def test_a_case_names_the_rulesets_and_parameters_it_needs() -> None:
    code, out, _ = _test(str(HERE / "local-cases"), "--format", "table", "--matcher", "both")
    assert code == 0, out
    assert out.splitlines()[-1] == "2 cases: 2 passed, 0 failed"
    (strict,) = run_cases([HERE / "duties" / "visit-first-week-strict.yaml"])
    assert strict.passed, strict.differences


@pytest.mark.slow  # every case through the command line
def test_the_projects_own_cases_pass_through_the_command_line() -> None:
    code, out, _ = _test(str(HERE / "duties"), str(HERE / "indicators"), "--format", "table")
    assert code == 0, out
    assert out.splitlines()[-1] == (f"{len(case_files([HERE / 'duties', HERE / 'indicators']))} cases: "
                                    f"{len(case_files([HERE / 'duties', HERE / 'indicators']))} passed, 0 failed")


def test_nothing_to_run_cannot_run(tmp_path: Path) -> None:
    code, _, err = _test(str(tmp_path))
    assert code == 2 and "no test case" in err
    code, _, err = _test(str(tmp_path / "missing.yaml"))
    assert code == 2 and "no such case file" in err


def test_a_ruleset_given_as_a_case_says_so() -> None:
    code, out, _ = _test(str(HERE / "local"), "--format", "table")
    assert code == 2
    assert "kind: this is a ruleset, not a test case" in out
