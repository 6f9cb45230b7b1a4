"""The ``rulesets`` block of a result document lists the versions that applied: for ``check``, every ruleset that
gave any child a duty, met and lapsed ones too (``check`` keeps only breaches and open duties in memory, and listed
only their rulesets); the same whatever the number of workers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.engine import Engine
from swp_rules.engine.evaluate import REPORTED
from swp_rules.engine.parallel import evaluate_files
from swp_rules.examples import events_path
from swp_rules.io.events import load_events
from swp_rules.model import group_by_child

AS_OF = dt.date(2012, 3, 31)


def _every_ruleset_with_a_duty() -> set[str]:
    loaded = load_events([events_path()])
    return {r.ruleset for r in Engine().evaluate(loaded.events, AS_OF).records}


def test_check_lists_the_rulesets_of_met_and_lapsed_duties_too(tmp_path: Path) -> None:
    loaded = load_events([events_path()])
    by_child = group_by_child(loaded.events)
    for child in sorted(by_child):  # a child with a ruleset that gave met or lapsed duties only
        records = Engine().evaluate(by_child[child], AS_OF).records
        every = {r.ruleset for r in records}
        if every != {r.ruleset for r in records if r.status in ("breached", "open")}:
            break
    else:
        pytest.fail("the example has no child whose duties of a ruleset were all met or lapsed")
    path = tmp_path / "child.jsonl"
    path.write_text("".join(json.dumps(e.to_dict()) + "\n" for e in by_child[child]), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--as-of", AS_OF.isoformat(), "--format", "json",
                                       "--quiet"])
    assert {r["id"] for r in json.loads(result.output)["rulesets"]} == every


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_applied_rulesets_do_not_depend_on_the_workers(tmp_path: Path, jobs: int) -> None:
    run = evaluate_files(Engine(), [events_path()], AS_OF, jobs=jobs, keep=REPORTED, parallel_from=0)
    assert set(run.evaluation.applied) == _every_ruleset_with_a_duty()
    assert list(run.evaluation.applied) == sorted(run.evaluation.applied)


LATER = {"statutory/cpr-2015", "statutory/health-guidance-2015", "statutory/missing-guidance-2014"}


@pytest.mark.parametrize("args", [
    ["indicators", str(events_path()), "--period", "2011/12"],
    ["payments", str(events_path()), "--contract", "contracts/liverpool-pss-illustrative", "--period", "2011/12"],
], ids=lambda args: args[0])
def test_indicators_and_payments_list_no_version_that_came_into_force_later(args: list[str]) -> None:
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    listed = {r["id"] for r in json.loads(result.output)["rulesets"]}
    assert "statutory/cpr-2010" in listed and "outcomes/ni-2008" in listed
    assert not listed & LATER, listed & LATER


def test_indicators_list_only_the_indicator_rulesets_of_the_indicators_computed() -> None:
    result = CliRunner().invoke(main, ["indicators", str(events_path()), "--period", "2011/12", "--indicator",
                                       "NI62", "--format", "json"])
    listed = {r["id"] for r in json.loads(result.output)["rulesets"] if r["kind"] == "indicators"}
    assert listed == {"outcomes/ni-2008"}
