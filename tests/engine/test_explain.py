"""``swp-rules explain``: one child's timeline, every duty with its clock and why (SPEC.md §3)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from swp_rules.cli import main

EVENTS = [  # worked scenario 1, with another child beside it
    {"id": "c1", "child": "C1", "type": "child", "date": "2002-01-15", "dob": "2002-01-15"},
    {"id": "la", "child": "C1", "type": "looked_after_started", "date": "2011-05-27", "legal_status": "V2"},
    {"id": "pl", "child": "C1", "type": "placement_started", "date": "2011-05-27", "placement": "Q2",
     "emergency": True},
    {"id": "pp", "child": "C1", "type": "placement_plan", "date": "2011-06-06"},
    {"id": "nt", "child": "C1", "type": "placement_notified", "date": "2011-06-07"},
    {"id": "v1", "child": "C1", "type": "visit", "date": "2011-06-03"},
    {"id": "cp", "child": "C1", "type": "care_plan", "date": "2011-06-10"},
    {"id": "ha", "child": "C1", "type": "health_assessment", "date": "2011-06-20", "kind": "initial"},
    {"id": "r1", "child": "C1", "type": "review", "date": "2011-06-24"},
    {"id": "o1", "child": "OTHER", "type": "looked_after_started", "date": "2011-07-01", "legal_status": "C2"},
]


def _file(tmp_path: Path) -> str:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in EVENTS) + "not json\n", encoding="utf-8")
    return str(path)


def test_explain_json_lists_every_duty_of_the_child(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["explain", _file(tmp_path), "--child", "C1", "--as-of", "2011-06-30",
                                       "--format", "json"])
    assert result.exit_code == 1  # a breach (the notification)
    document = json.loads(result.stdout)
    assert document["child"] == "C1" and document["as_of"] == "2011-06-30"
    # with --as-of only the lines that may be the child's are read (the other child's and the bad line are skipped)
    assert document["input"] == {"read": 9, "evaluated": 9, "duplicates": 0, "rejected": 0}
    assert [e["id"] for e in document["events"]] == ["c1", "la", "pl", "v1", "pp", "nt", "cp", "ha", "r1"]
    statuses = {d["rule"]: d["status"] for d in document["duties"]}
    assert statuses["notification.placement"] == "breached"
    assert statuses["visit.first"] == statuses["review.first"] == statuses["care-plan.initial"] == "met"
    assert statuses["visit.regular"] == statuses["review.second"] == "open"
    assert all(d["explanation"] and d["citation"] for d in document["duties"])
    assert "OTHER" not in result.stdout


def test_explain_without_as_of_reads_every_record(tmp_path: Path) -> None:
    """The default as-of date is the latest event's of the whole input, so every record is read and counted."""
    result = CliRunner().invoke(main, ["explain", _file(tmp_path), "--child", "C1", "--format", "json"])
    document = json.loads(result.stdout)
    assert document["as_of"] == "2011-07-01"
    assert document["input"] == {"read": 11, "evaluated": 10, "duplicates": 0, "rejected": 1}
    assert [r["line"] for r in document["rejected"]] == [11]


def test_explain_table_reads_out_the_reasons(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["explain", _file(tmp_path), "--child", "C1", "--as-of", "2011-06-30",
                                       "--format", "table"])
    assert result.exit_code == 1
    assert "1 breached" in result.stdout and "Mon 6 Jun 2011" in result.stdout


def test_explain_an_unknown_child_cannot_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["explain", _file(tmp_path), "--child", "K2", "--as-of", "2011-06-30"])
    assert result.exit_code == 2
    assert result.stdout == ""
    # the id the user asked for is named (so a typo is seen), and no child's id from the file is offered instead
    assert result.stderr == "swp-rules: error: no events for the child 'K2' (given by --child) in the input\n"
    assert "C1" not in result.output and "OTHER" not in result.output
