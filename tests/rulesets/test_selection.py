"""Choosing rulesets: shipped ids, group ids, folders, globs and ``+`` additions, the same in every command that
takes ``--ruleset`` (check, explain, indicators, payments, validate) and in the Python API."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from swp_rules.cli import main
from swp_rules.engine import Engine, load_rulebook
from swp_rules.io.events import load_records
from swp_rules.rulesets.loader import RulesetError, rulesets_root
from swp_rules.rulesets.selection import choose, shipped_groups
from swp_rules.testing import timelines

HERE = Path(__file__).parent
LOCAL = HERE / "local" / "visit-after-move.yaml"
STATUTORY = sorted(f"statutory/{p.stem}" for p in (rulesets_root() / "statutory").glob("*.yaml"))
OUTCOMES = sorted(f"outcomes/{p.stem}" for p in (rulesets_root() / "outcomes").glob("*.yaml"))

EVENTS = [  # placed 1 May 2012, moved 2 Jul 2012; a visit 4 working days after the move (the local standard: 3)
    {"id": "c", "child": "AM1", "type": "child", "date": "2005-03-01", "dob": "2005-03-01"},
    {"id": "la", "child": "AM1", "type": "looked_after_started", "date": "2012-05-01", "legal_status": "C2"},
    {"id": "p1", "child": "AM1", "type": "placement_started", "date": "2012-05-01", "placement": "U3"},
    {"id": "v1", "child": "AM1", "type": "visit", "date": "2012-05-03"},
    {"id": "p2", "child": "AM1", "type": "placement_started", "date": "2012-07-02", "placement": "U3"},
    {"id": "v2", "child": "AM1", "type": "visit", "date": "2012-07-06"},
]


@pytest.fixture
def events(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in EVENTS), encoding="utf-8")
    return path


# --- the API --------------------------------------------------------------------------------------------------------

def test_the_default_is_the_statutory_group() -> None:
    assert choose([], ("duties",))["duties"] == STATUTORY
    assert choose(["statutory"], ("duties",))["duties"] == STATUTORY
    assert choose(["statutory/*"], ("duties",))["duties"] == STATUTORY
    assert choose([str(rulesets_root() / "statutory")], ("duties",))["duties"] == [
        str(rulesets_root() / "statutory" / f"{i.split('/')[1]}.yaml") for i in STATUTORY]


def test_group_ids_are_the_folders_of_shipped_rulesets() -> None:
    assert {"statutory", "outcomes", "contracts", "contracts/duties"} <= set(shipped_groups())
    assert choose(["contracts/duties"], ("duties",))["duties"] == ["contracts/duties/swp-access"]
    # a group keeps the files of the kinds the command uses: the contracts group holds one duties ruleset
    assert choose(["contracts"], ("duties",))["duties"] == ["contracts/duties/swp-access"]


def test_plus_adds_to_the_default_of_its_kind_and_a_plain_value_replaces_it() -> None:
    assert choose([f"+{LOCAL}"], ("duties",))["duties"] == [*STATUTORY, str(LOCAL)]
    assert choose([str(LOCAL)], ("duties",))["duties"] == [str(LOCAL)]
    assert choose(["statutory/cpr-2010", f"+{LOCAL}"], ("duties",))["duties"] == ["statutory/cpr-2010", str(LOCAL)]
    # per kind: a duties ruleset given to a command that also reads indicators leaves the indicators at their default
    both = choose([str(LOCAL)], ("indicators", "duties"))
    assert both == {"indicators": OUTCOMES, "duties": [str(LOCAL)]}
    assert choose(["+statutory/cpr-2010"], ("duties",))["duties"] == STATUTORY  # each once


def test_load_rulebook_reads_values_the_same_way() -> None:
    book = load_rulebook([f"+{LOCAL}"])
    assert [r["id"] for r in book.describe()] == [*STATUTORY, "local/example-council"]
    assert [r["id"] for r in load_rulebook(["statutory"]).describe()] == STATUTORY


def test_a_file_of_another_kind_is_refused_at_its_kind_line() -> None:
    with pytest.raises(RulesetError) as caught:
        choose(["outcomes/ni-2008"], ("duties",))
    (problem,) = caught.value.problems
    assert problem.key == "kind" and problem.line > 0
    assert problem.reason == "is 'indicators'; a 'duties' ruleset is needed here"


def test_a_folder_with_no_ruleset_of_the_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesetError, match="holds no duties ruleset"):
        choose(["outcomes"], ("duties",))
    (tmp_path / "empty").mkdir()
    with pytest.raises(RulesetError, match=r"holds no \.yaml ruleset file"):
        choose([str(tmp_path / "empty")], ("duties",))


@pytest.mark.parametrize("value", ["statutory/cpr-2099", "statutry", "statutory/cpr-2010.yml", "nothere/x.yaml"])
def test_an_unknown_value_says_so_without_noise(value: str) -> None:
    with pytest.raises(RulesetError) as caught:
        choose([value], ("duties",))
    text = str(caught.value)
    assert text.startswith(f"{value}: ") and ":0:" not in text and "(ruleset)" not in text


# --- the command line -----------------------------------------------------------------------------------------------

def _check(events: Path, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(main, ["check", str(events), "--as-of", "2012-07-31", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _breaches(document: dict[str, object]) -> set[tuple[str, str, str]]:
    return {(b["child"], b["rule"], b["due"]) for b in document["breaches"]}  # type: ignore[attr-defined, index]


def test_check_takes_a_group_a_folder_and_a_glob(events: Path) -> None:
    default = _check(events)
    for value in ("statutory", str(rulesets_root() / "statutory"), "statutory/*"):
        chosen = _check(events, "--ruleset", value)
        assert chosen["breaches"] == default["breaches"], value
        # the rulesets that applied (SPEC.md §3), the same however the statutory ones were chosen
        assert chosen["rulesets"] == default["rulesets"], value
        assert {r["id"] for r in chosen["rulesets"]} <= set(STATUTORY)  # type: ignore[union-attr]


def test_plus_local_keeps_every_statutory_breach_and_adds_the_local_ones(events: Path) -> None:
    default = _breaches(_check(events))
    added = _check(events, "--ruleset", f"+{LOCAL}")
    assert default <= _breaches(added)
    assert _breaches(added) - default == {("AM1", "visit.after-move", "2012-07-05")}
    applied = [r["id"] for r in _check(events)["rulesets"]]  # type: ignore[union-attr]
    assert [r["id"] for r in added["rulesets"]] == [*applied, "local/example-council"]  # type: ignore[index, union-attr]
    only = _check(events, "--ruleset", str(LOCAL))  # without the +, the local rules alone
    assert _breaches(only) == {("AM1", "visit.after-move", "2012-07-05")}


def test_a_local_folder_works_as_a_ruleset(events: Path, tmp_path: Path) -> None:
    folder = tmp_path / "council"
    folder.mkdir()
    shutil.copy(LOCAL, folder / LOCAL.name)
    (folder / "notes.txt").write_text("not a ruleset", encoding="utf-8")
    assert _breaches(_check(events, "--ruleset", f"+{folder}")) == _breaches(_check(events, "--ruleset", f"+{LOCAL}"))


def test_explain_takes_a_group_and_a_folder(events: Path) -> None:
    def explain(*args: str) -> dict[str, object]:
        result = CliRunner().invoke(main, ["explain", str(events), "--child", "AM1", "--as-of", "2012-07-31",
                                           "--format", "json", *args])
        assert result.exit_code in (0, 1), result.output
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    default = explain()
    assert explain("--ruleset", "statutory")["duties"] == default["duties"]
    assert explain("--ruleset", str(rulesets_root() / "statutory"))["duties"] == default["duties"]
    local = explain("--ruleset", f"+{LOCAL.parent}")
    assert {d["rule"] for d in local["duties"]} == {d["rule"] for d in default["duties"]} | {  # type: ignore[union-attr]
        "visit.after-move"}


def test_indicators_take_groups_and_folders(events: Path) -> None:
    def indicators(*args: str) -> dict[str, object]:
        result = CliRunner().invoke(main, ["indicators", str(events), "--period", "2012-04-01..2013-03-31",
                                           "--indicator", "NI66", "--indicator", "NI62", "--format", "json", *args])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    default = indicators()
    for args in (["--ruleset", "outcomes"], ["--ruleset", "statutory", "--ruleset", "outcomes"],
                 ["--ruleset", str(rulesets_root() / "outcomes"), "--ruleset", str(rulesets_root() / "statutory")],
                 ["--ruleset", "outcomes/*"]):
        chosen = indicators(*args)
        assert chosen["indicators"] == default["indicators"], args
        assert chosen["rulesets"] == default["rulesets"], args


def test_validate_takes_ids_groups_folders_and_globs() -> None:
    for value in ("statutory", "contracts/duties", "outcomes/*", "statutory/cpr-2010", str(LOCAL.parent)):
        result = CliRunner().invoke(main, ["rulesets", "validate", value])
        assert result.exit_code == 0, (value, result.output)
        assert result.stdout.startswith("ok "), value
    result = CliRunner().invoke(main, ["rulesets", "validate", "statutory"])
    assert result.stdout.count("ok ") == len(STATUTORY)


def test_an_unknown_ruleset_on_the_command_line_suggests_and_points_to_the_list(events: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(events), "--ruleset", "statutory/cpr-2099"])
    assert result.exit_code == 2
    assert "did you mean statutory/cpr-2010" in result.stderr
    assert "swp-rules rulesets list" in result.stderr
    assert ":0:" not in result.stderr and "(ruleset)" not in result.stderr


# --- the invariant: + only adds -------------------------------------------------------------------------------------

DEFAULT_ENGINE = Engine(load_rulebook())
LOCAL_ENGINE = Engine(load_rulebook([f"+{LOCAL}"]))


@settings(max_examples=25)
@given(timelines(compliance="mixed", years=2), st.dates(min_value=dt.date(2012, 4, 1), max_value=dt.date(2016, 3, 31)))
def test_adding_local_rules_never_removes_a_statutory_result(records: list[dict[str, object]], as_of: dt.date) -> None:
    events = load_records(records).events
    default = DEFAULT_ENGINE.evaluate(events, as_of)
    added = LOCAL_ENGINE.evaluate(events, as_of)
    assert set(default.breaches) <= set(added.breaches)
    assert all(b.rule == "visit.after-move" for b in set(added.breaches) - set(default.breaches))
    assert [r for r in added.records if r.rule != "visit.after-move"] == list(default.records)


@pytest.mark.slow  # payments end to end
def test_payments_take_groups_the_same_way() -> None:
    from swp_rules.examples import events_path

    def payments(*args: str) -> dict[str, object]:
        result = CliRunner().invoke(main, ["payments", str(events_path()), "--contract",
                                           "contracts/liverpool-pss-illustrative", "--period", "2011/12",
                                           "--format", "json", *args])
        assert result.exit_code in (0, 1), result.output
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    default = payments()
    grouped = payments("--ruleset", "statutory", "--ruleset", "outcomes")
    assert grouped["payments"] == default["payments"]
    assert grouped["rulesets"] == default["rulesets"]
    assert "contracts/duties/swp-access" in [r["id"] for r in default["rulesets"]]  # type: ignore[index, union-attr]
