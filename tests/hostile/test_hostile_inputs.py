"""Named hostile inputs, one per class of issue 11: each was a failure of a whole run, a vanished record or a harmful
output before, and each must now be one located rejection (or a located ruleset error) while every other record is
evaluated, with no traceback, no "internal error" and no child's id in any message.

The fixtures are built here, by name, so that a reader sees exactly what each one holds.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.engine import Engine
from swp_rules.engine.parallel import evaluate_files
from swp_rules.examples import CONTRACT
from swp_rules.io.events import MAX_LINE_BYTES, InputError, load_events, load_records
from swp_rules.ssda903 import import_903

pytestmark = pytest.mark.slow  # the command line end to end on hostile files

#: A child's id that must never appear in a message (rejections, errors, notes) unless the user asked for it.
SECRET = "CHILD-SECRET-7731"
DATA = Path(__file__).parents[1] / "data" / "ssda903"


def _child(child: str, start: str = "2011-01-03", dob: str = "2005-01-01") -> list[dict[str, Any]]:
    return [
        {"id": f"{child}-dob", "child": child, "type": "child", "date": dob, "dob": dob},
        {"id": f"{child}-lac", "child": child, "type": "looked_after_started", "date": start, "legal_status": "C2"},
        {"id": f"{child}-pl", "child": child, "type": "placement_started", "date": start, "placement": "U1",
         "weekly_cost": "500.00"},
        {"id": f"{child}-rev", "child": child, "type": "review", "date": "2011-02-01"},
    ]


def _lines(records: list[dict[str, Any]], extra: list[str]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records) + "".join(line + "\n" for line in extra)


def _hostile(name: str) -> str:
    """A named hostile events file: two ordinary children around the hostile records of one class."""
    good = _child("A") + _child("B")
    mine = f'"child": "{SECRET}"'
    lines = {
        "calendar-dates": [json.dumps(r) for r in _child(SECRET, start="1984-01-02", dob="1980-05-05")] + [
            f'{{"id": "y1", {mine}, "type": "visit", "date": "0001-01-01"}}',
            f'{{"id": "y9", {mine}, "type": "visit", "date": "9999-12-31"}}',
            f'{{"id": "y10", {mine}, "type": "child", "date": "2011-01-01", "dob": "9999-12-31"}}'],
        "number-5000-digits": [
            f'{{"id": "s1", {mine}, "type": "sdq", "date": "2011-05-05", "score": 1e5000}}',
            f'{{"id": "s2", {mine}, "type": "sdq", "date": "2011-05-05", "score": {"9" * 5000}}}',
            f'{{"id": "s3", {mine}, "type": "visit", "date": "2011-05-05", "extra": {"9" * 5000}}}'],
        "number-huge-exponent": [
            f'{{"id": "s4", {mine}, "type": "sdq", "date": "2011-05-05", "score": 1e999999999}}',
            f'{{"id": "w1", {mine}, "type": "placement_started", "date": "2011-05-05", "placement": "U1", '
            f'"weekly_cost": 1e999999999}}'],
        "money-as-text": [
            f'{{"id": "w2", {mine}, "type": "placement_started", "date": "2011-05-05", "placement": "U1", '
            f'"weekly_cost": "1e30"}}',
            f'{{"id": "w3", {mine}, "type": "placement_started", "date": "2011-05-05", "placement": "U1", '
            f'"weekly_cost": "12.345"}}'],
        "nested-1000-deep": [
            f'{{"id": "n1", {mine}, "type": "visit", "date": "2011-05-05", "x": {"[" * 1000 + "]" * 1000}}}',
            f'{{"id": "n2", {mine}, "type": "visit", "date": "2011-05-05", "x": [1.5, {{"a": [2.5]}}]}}'],
    }[name]
    return _lines(good, lines)


CLASSES = ["calendar-dates", "number-5000-digits", "number-huge-exponent", "money-as-text", "nested-1000-deep"]
COMMANDS = [
    ["check", "--as-of", "2012-03-31"],
    ["indicators", "--period", "2011/12"],
    ["payments", "--contract", CONTRACT, "--period", "2011/12"],
    ["explain", "--child", "A", "--as-of", "2012-03-31"],
]


@pytest.mark.parametrize("name", CLASSES)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_hostile_record_is_a_rejection_never_a_failed_run(tmp_path: Path, name: str, command: list[str]) -> None:
    path = tmp_path / f"{name}.jsonl"
    path.write_text(_hostile(name), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "swp_rules", command[0], str(path), *command[1:], "--format",
                           "json"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    document = json.loads(done.stdout)
    counts = document["input"]
    assert counts["read"] == counts["evaluated"] + counts["duplicates"] + counts["rejected"]
    assert counts["rejected"] == len(document["rejected"])
    if command[0] != "explain":  # explain reads only the child's own lines (the hostile ones are another child's)
        assert counts["rejected"] > 0
    assert all(r["line"] > 0 and r["reason"] for r in document["rejected"])
    assert SECRET not in json.dumps(document["rejected"]) and SECRET not in done.stderr
    if command[0] == "check":
        assert document["children"] >= 2  # every other child is evaluated


def test_the_calendar_counts_care_that_began_in_1984(tmp_path: Path) -> None:
    loaded = load_records(_child("old", start="1984-01-02", dob="1980-05-05"))
    assert loaded.counts.rejected == 0
    Engine().evaluate(loaded.events, dt.date(2012, 3, 31))  # no "outside the calendar's span"


def test_typo_years_are_rejected_saying_why(tmp_path: Path) -> None:
    path = tmp_path / "dates.jsonl"
    path.write_text(_hostile("calendar-dates"), encoding="utf-8")
    loaded = load_events(path)
    reasons = {r.id: (r.field, r.reason) for r in loaded.rejected}
    assert reasons["y1"] == ("date", "the year 0001 is outside the years a record may hold (1900–2199); is it "
                                     "mistyped?")
    assert reasons["y10"][0] == "dob"


def test_numbers_are_bounded_and_read_in_bounded_time(tmp_path: Path) -> None:
    path = tmp_path / "numbers.jsonl"
    path.write_text(_hostile("number-5000-digits") + _hostile("number-huge-exponent") + _hostile("money-as-text"),
                    encoding="utf-8")
    loaded = load_events(path)  # used to raise ValueError (Python's 4,300-digit limit) or never return
    fields = {r.id: (r.field, r.reason) for r in loaded.rejected}
    assert fields["s1"] == ("score", "must be between 0 and 40")
    assert fields["s2"] == ("score", "must be between 0 and 40")
    assert fields["w1"][0] == "weekly_cost" and "1000000" in fields["w1"][1]
    assert fields["w2"] == ("weekly_cost", "must be a decimal amount such as 512.25, not '1e30'")
    assert fields["w3"] == ("weekly_cost", "must have at most 2 decimal places")
    assert "s3" not in fields  # a huge number in an extra field is kept, as a Decimal


# --- CSV and SSDA903: no row vanishes behind an unbalanced quote -------------------------------------------------


def test_no_csv_row_vanishes_after_an_unbalanced_quote(tmp_path: Path) -> None:
    rows = ["id,child,type,date,note"]
    for i in range(5000):
        note = '"he said ""hi"", then left"' if i % 700 == 3 else "ok"
        rows.append(f'e{i},C{i % 50},visit,2011-06-03,{note}' if i != 10 else f'e{i},C1,visit,2011-06-03,"5 ft 2')
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    loaded = load_events(path)
    assert loaded.counts.read == 5000  # every physical record is counted
    assert loaded.counts.evaluated == 4999
    [rejection] = loaded.rejected
    assert (rejection.line, rejection.id, rejection.reason) == (12, "e10", "unbalanced quote on line 12")


@pytest.mark.parametrize("jobs", [1, 2])
def test_no_csv_row_vanishes_when_a_line_is_too_long(tmp_path: Path, jobs: int) -> None:
    """A row longer than the line limit was read as a blank line: skipped, not counted, not rejected."""
    rows = ["id,child,type,date,note", *(f"e{i},C{i % 20},visit,2011-06-03,ok" for i in range(200))]
    rows.insert(51, "x1,C3,visit,2011-06-03," + "a" * (MAX_LINE_BYTES + 10))
    path = tmp_path / "long-line.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = evaluate_files(Engine(), [path], dt.date(2012, 3, 31), jobs=jobs, parallel_from=0)
    assert (run.counts.read, run.counts.evaluated, run.counts.rejected) == (201, 200, 1)
    [rejection] = run.rejected
    assert rejection.line == 52 and "too long" in rejection.reason


def test_a_header_line_too_long_is_a_located_input_error(tmp_path: Path) -> None:
    path = tmp_path / "long-header.csv"
    path.write_text("id," + "x" * (MAX_LINE_BYTES + 10) + "\ne1,C1,visit,2011-06-03\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"long-header.csv:1: the header row is not valid UTF-8, or longer than"):
        load_events(path)


def test_no_903_row_vanishes_after_an_unbalanced_quote(tmp_path: Path) -> None:
    lines = (DATA / "clean" / "2015" / "episodes.csv").read_text(encoding="utf-8-sig").splitlines()
    hostile = [*lines[:2], 'X6,"01/05/2014,S,C2,N1,U4,PR1,,,,,,', *lines[2:]]
    (tmp_path / "episodes.csv").write_text("\n".join(hostile) + "\n", encoding="utf-8")
    result = import_903(tmp_path)
    counts = result.counts["Episodes"]
    assert counts.read == len(lines)  # the header is not a row; the broken row is
    assert counts.rejected == 1
    [problem] = [p for p in result.problems if p.kind == "rejected"]
    assert problem.row == 3 and problem.reason == "unbalanced quote on line 3"


# --- rulesets: bounded YAML, and whatever validate accepts, check runs ------------------------------------------

RULESET = """\
ruleset: test/hostile
kind: duties
version: "1"
title: Hostile
in_force: {{from: 2011-04-01}}
{parameters}
rules:
  - id: visit.hostile
    title: A visit
    citation: SI 2010/959 reg 28(2)(a)
    basis: regulation
    trigger: placement_start
    applies: "{applies}"
    deadline:
      working_days: {days}
    discharged_by: [visit]
    scope: placement
"""


def _ruleset(tmp_path: Path, applies: str = "looked_after", days: str = "5", parameters: str = "") -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(RULESET.format(applies=applies, days=days, parameters=parameters), encoding="utf-8")
    return path


def _alias_bomb() -> str:
    text = "parameters:\n  p0:\n    value: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 10):
        text += f"  p{i}:\n    value: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n"
    return text


@pytest.mark.parametrize(("name", "kwargs", "line", "key", "reason"), [
    ("alias-bomb", {"parameters": _alias_bomb()}, 16, "(yaml)", "holds more than 100000 values once its aliases"),
    ("nested-5000", {"parameters": "parameters: {p: {value: " + "[" * 5000 + "]" * 5000 + "}}"}, 6, "(yaml)",
     "nests more than 64 deep"),
    ("parentheses-5000", {"applies": "(" * 5000 + "age > 1" + ")" * 5000}, 13, "rules[0].applies",
     "a condition may be at most 10000 characters long"),
    ("parentheses-1000", {"applies": "(" * 1000 + "age > 1" + ")" * 1000}, 13, "rules[0].applies",
     "nested more than 32 deep"),
    ("working-days-10e29", {"days": str(10**29)}, 15, "rules[0].deadline.working_days", "must be at most 10000"),
])
def test_hostile_rulesets_are_refused_with_a_located_reason(tmp_path: Path, name: str, kwargs: dict[str, str],
                                                            line: int, key: str, reason: str) -> None:
    path = _ruleset(tmp_path, **kwargs)
    for args in (["rulesets", "validate", str(path)],
                 ["check", str(tmp_path / "none.jsonl"), "--ruleset", str(path), "--as-of", "2012-03-31"]):
        done = subprocess.run([sys.executable, "-m", "swp_rules", *args], capture_output=True, text=True,
                              timeout=60, check=False)
        assert done.returncode == 2, (name, done.stdout, done.stderr)
        assert f"{path}:{line}: {key}: {reason}" in done.stderr + done.stdout, (name, done.stderr + done.stdout)
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr


@pytest.mark.parametrize("applies", [
    "placement not in ['A3', 'A4', 'A5', 'A6', 'H5', 'K1', 'K2', 'P1', 'P2', 'P3', 'Q1', 'Q2', 'R1', 'R2']",
    " or ".join(f"(age >= {i} and age < {i + 1})" for i in range(14)),
])
def test_what_validate_accepts_check_runs_on_the_durable_rules_core(tmp_path: Path, applies: str) -> None:
    path = _ruleset(tmp_path, applies=applies)
    events = tmp_path / "events.jsonl"
    events.write_text(_lines(_child("A") + _child("B"), []), encoding="utf-8")
    assert CliRunner().invoke(main, ["rulesets", "validate", str(path)]).exit_code == 0
    result = CliRunner().invoke(main, ["check", str(events), "--ruleset", str(path), "--as-of", "2012-03-31",
                                       "--format", "json", "--matcher", "durable"])
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.output)
    assert document["children"] == 2


# --- the Python API -----------------------------------------------------------------------------------------------


def test_a_path_is_one_file_and_wrong_types_say_what_to_pass(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(_lines(_child("A"), []), encoding="utf-8")
    assert load_events(str(path)).counts.evaluated == 4
    assert load_events(path).counts.evaluated == 4
    with pytest.raises(TypeError, match=r"load_events takes a path \(str or pathlib.Path\) or a list of paths"):
        load_events(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="use load_records"):
        load_events([{"id": "e1"}])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="load_records takes an iterable of records"):
        load_records({"id": "e1"})


def test_an_extra_field_holding_a_set_is_rejected() -> None:
    record = {"id": "e1", "child": SECRET, "type": "visit", "date": "2011-06-03", "tags": {"a", "b"}}
    loaded = load_records([record])
    [rejection] = loaded.rejected
    assert (rejection.field, rejection.reason) == ("tags", "must be a JSON value (text, a number, true or false, "
                                                           "null, a list or an object), not a Python set")
    assert SECRET not in str(rejection)


# --- the same output however the input is ordered or split ---------------------------------------------------------


def test_identical_results_across_reruns_shuffles_and_jobs(tmp_path: Path) -> None:
    lines = "".join(_hostile(name) for name in CLASSES).splitlines()
    shuffled = lines[:]
    random.Random(11).shuffle(shuffled)
    results = []
    for order, jobs in ((lines, 1), (lines, 1), (shuffled, 1), (lines, 2)):
        path = tmp_path / f"events-{len(results)}.jsonl"
        path.write_text("\n".join(order) + "\n", encoding="utf-8")
        run = evaluate_files(Engine(), [path], dt.date(2012, 3, 31), jobs=jobs, parallel_from=0)
        document = run.evaluation.to_dict()
        results.append((json.dumps(document, sort_keys=True, default=str), run.counts.to_dict(),
                        sorted((r.id or "", r.field or "", r.reason) for r in run.rejected)))
    assert all(result == results[0] for result in results)
