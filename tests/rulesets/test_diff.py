"""``swp-rules rulesets diff OLD NEW``: rules added and removed; timescales, scopes, citations, parameters changed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from swp_rules.cli import main
from swp_rules.rulesets.diff import Change, diff_rulesets
from swp_rules.rulesets.selection import shipped_ids

pytestmark = pytest.mark.slow  # the rulesets diff command end to end

HERE = Path(__file__).parent
OLD = HERE / "local" / "visit-after-move.yaml"
NEW = HERE / "diff" / "visit-after-move-2013.yaml"


def test_diff_lists_a_changed_timescale_and_the_rest() -> None:
    changes = diff_rulesets(OLD, NEW).changes
    assert Change("changed", "visit.after-move", "timescale", ["3 working days"], ["2 working days"]) in changes
    assert Change("changed", "local/example-council", "parameters.visit_after_move_working_days", 3, 2) in changes
    assert Change("changed", "visit.after-move", "citation", "Example Council practice standard 4.2 (illustrative)",
                  "Example Council practice standard 4.2 (2013 edition, illustrative)") in changes
    assert Change("changed", "visit.after-move", "in_force", "from 2012-04-01", "from 2013-04-01") in changes
    (added,) = [c for c in changes if c.change == "added"]
    assert added.item == "review.council-pre-meeting" and "15 working days" in added.new
    assert len(changes) == 5


def test_the_statutory_2015_amendment() -> None:
    changes = diff_rulesets("statutory/cpr-2010", "statutory/cpr-2015").changes
    timescale = next(c for c in changes if c.item == "visit.regular" and c.field == "timescale")
    assert any("6 months when long_term and foster and child_agrees_fewer_visits" in t for t in timescale.new)
    assert not any("child_agrees_fewer_visits" in t for t in timescale.old)


def test_a_scope_change_is_listed(tmp_path: Path) -> None:
    changed = tmp_path / "scope.yaml"
    changed.write_text(OLD.read_text(encoding="utf-8").replace("scope: placement", "scope: period"), encoding="utf-8")
    assert diff_rulesets(OLD, changed).changes == (Change("changed", "visit.after-move", "scope", "placement",
                                                          "period"),)


def test_an_exemption_added_is_listed(tmp_path: Path) -> None:
    changed = tmp_path / "exempt.yaml"
    changed.write_text(OLD.read_text(encoding="utf-8").replace(
        "scope: placement", "scope: placement\n    exempt_if_done_within: {months: 3}"),
        encoding="utf-8")
    fields = {(c.field, c.new) for c in diff_rulesets(OLD, changed).changes}
    assert any(field == "exempt_if_done_within" and "3 months" in str(new) for field, new in fields)


def test_table_json_csv_and_exit_code() -> None:
    runner = CliRunner()
    table = runner.invoke(main, ["rulesets", "diff", str(OLD), str(NEW)])
    assert table.exit_code == 0
    assert "local/example-council 2012.1 → local/example-council 2013.1: 5 changes" in table.stdout
    assert "timescale" in table.stdout and "2 working days" in table.stdout
    document = json.loads(runner.invoke(main, ["rulesets", "diff", str(OLD), str(NEW), "--format", "json"]).stdout)
    assert [r["version"] for r in document["old"]] == ["2012.1"] and len(document["changes"]) == 5
    rows = list(csv.DictReader(io.StringIO(runner.invoke(main, ["rulesets", "diff", str(OLD), str(NEW), "--format",
                                                               "csv"]).stdout)))
    assert {"change": "changed", "item": "visit.after-move", "field": "timescale", "old": "3 working days",
            "new": "2 working days"} in rows
    assert runner.invoke(main, ["rulesets", "diff", str(OLD), str(NEW), "--exit-code"]).exit_code == 1
    assert runner.invoke(main, ["rulesets", "diff", str(OLD), str(OLD), "--exit-code"]).exit_code == 0
    missing = runner.invoke(main, ["rulesets", "diff", str(OLD), "statutory/cpr-2099"])
    assert missing.exit_code == 2 and "did you mean" in missing.stderr


def test_folders_and_groups() -> None:
    assert diff_rulesets("statutory", "statutory").changes == ()
    changes = diff_rulesets("statutory/cpr-2010", "statutory").changes  # one file to the whole group
    assert {c.change for c in changes} == {"added"}  # the group holds cpr-2010 unchanged, and more
    labels = {c.item for c in changes}
    assert {"personal-adviser.visit", "visit.regular (from 2015-04-01)", "review.first (from 1991-10-14)"} <= labels


_IDS = [i for i in shipped_ids() if i.startswith(("statutory/", "outcomes/"))]


@given(st.sampled_from(_IDS), st.sampled_from(_IDS))
def test_diff_backwards_is_the_diff_reversed(old: str, new: str) -> None:
    forwards = diff_rulesets(old, new)
    backwards = diff_rulesets(new, old)
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    assert sorted((flip[c.change], c.item, c.field, repr(c.new), repr(c.old)) for c in forwards.changes) == sorted(
        (c.change, c.item, c.field, repr(c.old), repr(c.new)) for c in backwards.changes)
    if old == new:
        assert forwards.changes == ()


def test_a_relaxation_changed_added_or_removed_is_listed(tmp_path: Path) -> None:
    statutory = Path(__file__).parents[2] / "rulesets" / "statutory" / "cpr-2010.yaml"
    text = statutory.read_text(encoding="utf-8")
    shorter = tmp_path / "cpr-2010.yaml"
    shorter.write_text(text.replace("to: 2020-09-25}", "to: 2020-09-24}").replace(
        "review.later,\n            placement-plan.each]", "review.later]"), encoding="utf-8")
    changes = diff_rulesets(statutory, shorter).changes
    assert Change("changed", "coronavirus-2020", "in_force", "from 2020-04-24 to 2020-09-25",
                  "from 2020-04-24 to 2020-09-24") in changes
    (rules,) = [c for c in changes if c.field == "rules"]
    assert "placement-plan.each" in rules.old and "placement-plan.each" not in rules.new
    assert len(changes) == 2
    none = tmp_path / "none" / "cpr-2010.yaml"
    none.parent.mkdir()
    start = text.index("relaxations:\n")
    none.write_text(text[:start] + text[text.index("rules:\n", start):], encoding="utf-8")
    (removed,) = diff_rulesets(statutory, none).changes
    assert removed == Change("removed", "coronavirus-2020", "relaxation",
                             "as soon as reasonably practicable — the coronavirus modifications (SI 2020/445 reg 8)",
                             None)
