"""SSDA903 import on hand-made returns (tests/data/ssda903/): exact events, every problem located, exit codes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.engine import Engine
from swp_rules.engine.timeline import CANNOT_EVALUATE, RECORD_PROBLEM
from swp_rules.model import Event
from swp_rules.ssda903 import Ssda903Error, import_903, recognise
from swp_rules.ssda903.convert import event_id
from swp_rules.ssda903.dates import collection_year, parse_903_date

DATA = Path(__file__).parents[1] / "data" / "ssda903"


def _id(readable: str) -> str:
    """The event id for ``903:<table>:<child>:<parts>`` (ids carry a digest of the child, not the child)."""
    _, table, child, *parts = readable.split(":")
    return event_id(table, child, *parts)


def _expected(name: str) -> list[dict[str, object]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _problems(folder: str) -> list[tuple[str, str | None, str, int | None, str | None]]:
    result = import_903(DATA / folder)
    return [(p.kind, p.child, p.file, p.row, p.column) for p in result.problems]


def _counts_add_up(result: object) -> None:
    for name, counts in result.counts.items():  # type: ignore[attr-defined]
        assert counts.read == counts.converted + counts.rejected, name


# ------------------------------------------------------------------------------------------------ clean returns


def test_two_returns_merge_into_the_expected_events() -> None:
    """2012-13 (Q codes) and 2014-15 (U codes) returns: one history per child, repeated rows counted once."""
    result = import_903(DATA / "clean")
    assert [e.to_dict() for e in result.events] == _expected("clean.expected.jsonl")
    assert result.years == (2013, 2015)
    assert result.duplicates == 2  # A1's Header row and its review of 10/12/2012 are in both returns
    assert not result.faults and not result.unevaluable
    [conflict] = result.problems  # the 2014-15 return recodes A1's Q1 placement as U4 and closes it
    assert (conflict.kind, conflict.child, conflict.file, conflict.row) == ("conflict", "A1", "2015/episodes.csv", 2)
    _counts_add_up(result)
    assert result.counts["Episodes"].read == 10 and result.counts["Episodes"].files == 2


def test_rne_codes_give_the_right_events() -> None:
    by_id = {e.id: e for e in import_903(DATA / "clean").events}
    # RNE L: a legal status change, no new placement
    assert by_id[_id("903:episode:A1:2012-08-20:status")].fields["legal_status"] == "C2"
    assert _id("903:episode:A1:2012-08-20:placement") not in by_id
    # RNE P: new carer; RNE T: same carer; RNE U: status and placement, same carer
    carer = {i: by_id[i].fields["carer"] for i in by_id if i.endswith(":placement")}
    assert carer[_id("903:episode:A1:2013-01-15:placement")] != carer[_id("903:episode:A1:2012-05-10:placement")]
    assert carer[_id("903:episode:A1:2014-07-01:placement")] == carer[_id("903:episode:A1:2013-01-15:placement")]
    assert carer[_id("903:episode:C3:2014-06-01:placement")] == carer[_id("903:episode:C3:2014-05-05:placement")]
    assert by_id[_id("903:episode:C3:2014-06-01:status")].fields["legal_status"] == "E1"
    # RNE B: status and placement, new carer
    assert by_id[_id("903:episode:D4:2014-10-01:status")].fields["legal_status"] == "C2"
    assert carer[_id("903:episode:D4:2014-10-01:placement")] != carer[_id("903:episode:D4:2014-08-01:placement")]
    # long_term where the code says it: U4 long-term, U5 not, Q2 unknown
    assert by_id[_id("903:episode:A1:2013-01-15:placement")].fields["long_term"] is True
    assert by_id[_id("903:episode:A1:2014-07-01:placement")].fields["long_term"] is False
    assert "long_term" not in by_id[_id("903:episode:A1:2012-05-10:placement")].fields
    # REC other than X1 ends the period of care
    assert by_id[_id("903:episode:A1:2014-07-01:end")].date == dt.date(2014, 12, 31)
    assert by_id[event_id("child", "B2")].fields["uasc"] is True


def test_clean_returns_evaluate_with_no_notes() -> None:
    result = import_903(DATA / "clean")
    evaluation = Engine().evaluate(result.events, dt.date(2015, 3, 31))
    assert evaluation.not_evaluated == ()
    assert evaluation.children == 4


def test_file_names_and_column_order_do_not_matter(tmp_path: Path) -> None:
    """Tables are recognised by their columns: renamed files with shuffled, lower-case columns read the same."""
    source = DATA / "clean" / "2015" / "episodes.csv"
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    order = list(reversed(range(len(header))))
    out = tmp_path / "2015"
    out.mkdir()
    with (out / "zz-something.csv").open("w", encoding="utf-8") as handle:
        for line in lines:
            cells = line.split(",")
            row = [cells[i] for i in order]
            handle.write(",".join(c.lower() if line is lines[0] else c for c in row) + "\n")
    others = sorted(p for p in (DATA / "clean" / "2015").iterdir() if p.name != "episodes.csv")
    for number, other in enumerate(others):
        shutil.copy(other, out / f"table {number}.CSV")
    shutil.copytree(DATA / "clean" / "2013", tmp_path / "2013")
    assert [e.to_dict() for e in import_903(tmp_path).events] == _expected("clean.expected.jsonl")


def test_the_same_return_twice_gives_the_same_events(tmp_path: Path) -> None:
    shutil.copytree(DATA / "clean", tmp_path / "a")
    shutil.copytree(DATA / "clean" / "2015", tmp_path / "a" / "2015-resubmitted")
    result = import_903(tmp_path / "a")
    assert [e.to_dict() for e in result.events] == _expected("clean.expected.jsonl")


@pytest.mark.parametrize(("columns", "table"), [
    (["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"], "Header"),
    (["CHILD", "SEX", "DOB", "DUC"], "UASC"),
    (["child", " decom ", "RNE", "LS", "CIN", "PLACE", "DEC", "REC"], "Episodes"),
    (["CHILD", "DOB", "REVIEW", "REVIEW_CODE"], "Reviews"),
    (["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "IMMUNISATIONS"], "OC2"),
    (["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"], "OC3"),
    (["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"], "Missing"),
    (["CHILD", "DOB", "DATE_INT", "DATE_MATCH"], "AD1"),
    (["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED"], "PlacedAdoption"),
    (["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"], "PrevPerm"),
    (["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"], "SWEpisodes"),
    (["CHILD", "DOB", "DOLO_START", "DOLO_END"], "DoLo"),
])
def test_tables_are_recognised_by_their_columns(columns: list[str], table: str) -> None:
    recognised = recognise(columns)
    assert recognised is not None and recognised.name == table


def test_an_unknown_header_is_no_table() -> None:
    assert recognise(["NAME", "COMMENT"]) is None


def test_903_dates() -> None:
    assert parse_903_date("01/04/2014") == dt.date(2014, 4, 1)
    assert collection_year(dt.date(2014, 3, 31)) == 2014 and collection_year(dt.date(2014, 4, 1)) == 2015
    for bad in ("2014-04-01", "31/02/2013", "1/13/2014", ""):
        with pytest.raises(ValueError):
            parse_903_date(bad)


# ------------------------------------------------------------------------------------------------ structural


STRUCTURAL = [
    ("rejected", "S12", "episodes.csv", 21, "PLACE"),  # Q2 in a 2014-15 return
    ("structural", "S01", "episodes.csv", 3, None),  # rule 501: overlapping episodes
    ("structural", "S02", "episodes.csv", 4, None),  # rule 148: DEC without REC
    ("structural", "S03", "episodes.csv", 5, None),  # a temporary placement opens a period of care
    ("structural", "S04", "episodes.csv", 8, None),  # a temporary placement closes a period of care
    ("structural", "S05", "episodes.csv", 10, None),  # X1, then a gap before the next episode
    ("structural", "S06", "episodes.csv", 12, None),  # T1 hospital stay over six weeks
    ("structural", "S08", "episodes.csv", 15, None),  # rule 148: REC without DEC
    ("structural", "S09", "episodes.csv", 17, None),  # RNE S inside a period of care
    ("structural", "S10", "episodes.csv", 18, None),  # X1 on the last episode
    ("structural", "S11", "episodes.csv", 20, "DECOM"),  # two episodes start the same day
    ("structural", "S13", "episodes.csv", 23, None),  # a new period of care after an end, not RNE S
    ("structural", "S14", "header.csv", 16, None),  # two different Header rows in one return
    ("incomplete", "S07", "episodes.csv", 14, None),  # the period began before the returns read
]


def test_each_structural_error_is_reported_where_it_is() -> None:
    assert _problems("structural") == STRUCTURAL


def test_structural_problems_make_timeliness_cannot_evaluate() -> None:
    """Structural checks (docs/ssda903.md): the affected children get a note and no breaches; the sound
    child is evaluated."""
    result = import_903(DATA / "structural")
    flagged = {p[1] for p in STRUCTURAL}
    assert result.unevaluable == flagged
    assert sum(RECORD_PROBLEM in e.fields for e in result.events) == len(flagged)
    evaluation = Engine().evaluate(result.events, dt.date(2016, 3, 31))
    assert set(evaluation.not_evaluated) == flagged
    assert {b.child for b in evaluation.breaches} <= {"OK1"}
    assert {r.child for r in evaluation.records} == {"OK1"}
    notes = {n.child: n.note for n in evaluation.notes if n.note.startswith(CANNOT_EVALUATE)}
    assert "rule 501" in notes["S01"] and "temporary placement (T4)" in notes["S03"]


def test_the_marker_survives_a_round_trip_through_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    runner = CliRunner()
    done = runner.invoke(main, ["import-903", str(DATA / "structural"), "-o", str(out), "--format", "json"])
    assert done.exit_code == 1, done.output
    report = json.loads(done.output)
    assert report["input"]["children_cannot_evaluate"] == len(STRUCTURAL)
    checked = runner.invoke(main, ["check", str(out), "--as-of", "2016-03-31", "--format", "json"])
    assert checked.exit_code == 1
    document = json.loads(checked.output)
    not_evaluated = {n["child"] for n in document["notes"] if n["note"].startswith(CANNOT_EVALUATE)}
    assert not_evaluated == {p[1] for p in STRUCTURAL}
    assert {b["child"] for b in document["breaches"]} <= {"OK1"}


def test_an_engine_child_with_a_record_problem_gets_a_note_and_no_records() -> None:
    events = [
        Event.from_dict({"id": "c", "child": "X", "type": "child", "date": "2008-01-01", "dob": "2008-01-01",
                         RECORD_PROBLEM: "overlapping episodes"}),
        Event.from_dict({"id": "s", "child": "X", "type": "looked_after_started", "date": "2012-01-02",
                         "legal_status": "C2"}),
        Event.from_dict({"id": "p", "child": "X", "type": "placement_started", "date": "2012-01-02",
                         "placement": "Q2"}),
    ]
    evaluation = Engine().evaluate(events, dt.date(2013, 1, 1))
    assert evaluation.breaches == () and evaluation.records == ()
    assert evaluation.not_evaluated == ("X",)
    assert evaluation.notes[0].note == f"{CANNOT_EVALUATE}: overlapping episodes"
    sound = Engine().evaluate(events[1:], dt.date(2013, 1, 1))
    assert sound.breaches  # without the marker the same record is evaluated (and found late)


# ------------------------------------------------------------------------------------------------ rejected rows


REJECTED = [
    ("rejected", "R01", "episodes.csv", 2, "PLACE"),  # U4 in a 2013-14 return
    ("rejected", "R02", "episodes.csv", 3, "DECOM"),  # 31/02/2013
    ("rejected", "R03", "episodes.csv", 4, "LS"),
    ("rejected", "R04", "episodes.csv", 5, "RNE"),
    ("rejected", "R05", "episodes.csv", 6, "CIN"),
    ("rejected", "R07", "episodes.csv", 8, "DEC"),  # before DECOM
    ("rejected", None, "episodes.csv", 9, "CHILD"),
    ("rejected", "R08", "episodes.csv", 10, "DECOM"),  # ISO date, not DD/MM/YYYY
    ("rejected", "R09", "episodes.csv", 11, "PLACE"),
    ("rejected", "R10", "episodes.csv", 12, "REC"),
    ("rejected", "R01", "header.csv", 2, "SEX"),
    ("rejected", "R02", "header.csv", 3, "DOB"),
    ("rejected", "R06", "missing.csv", 2, "MISSING"),
    ("rejected", "R06", "missing.csv", 3, "MIS_END"),
    ("rejected", "R06", "oc2.csv", 2, "SDQ_SCORE"),
    ("rejected", "R06", "oc2.csv", 3, "SDQ_REASON"),
    ("rejected", "R06", "oc2.csv", 4, "IMMUNISATIONS"),
    ("rejected", "R11", "oc3.csv", 2, "ACCOM"),
    ("rejected", "R11", "oc3.csv", 3, "IN_TOUCH"),
    ("rejected", "R11", "oc3.csv", 4, "ACTIV"),
    ("rejected", "R12", "placed.csv", 2, "REASON_PLACED_CEASED"),
    ("rejected", "R06", "reviews.csv", 2, "REVIEW_CODE"),
    ("rejected", "R06", "reviews.csv", 3, "REVIEW"),
    ("rejected", "R06", "sw.csv", 2, "SW_ID"),
    ("unrecognised", None, "notes.csv", None, None),
]


def test_every_bad_row_is_reported_with_its_column() -> None:
    result = import_903(DATA / "rejects")
    assert [(p.kind, p.child, p.file, p.row, p.column) for p in result.problems] == REJECTED
    _counts_add_up(result)
    assert sum(c.rejected for c in result.counts.values()) == len(REJECTED) - 1
    assert all(p.reason for p in result.problems)
    # the Q2 episode is valid in a 2013-14 return and converts
    assert {e.id for e in result.events if e.child == "R06" and e.type == "placement_started"} == {
        _id("903:episode:R06:2013-05-01:placement")}


def test_a_rejected_row_of_a_table_the_duties_read_makes_the_child_unevaluable() -> None:
    result = import_903(DATA / "rejects")
    assert "R06" in result.unevaluable  # its reviews, OC2 and missing rows were rejected
    assert "R12" not in result.unevaluable  # PlacedAdoption carries nothing the duties read


def test_import_903_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "events.jsonl"
    clean = runner.invoke(main, ["import-903", str(DATA / "clean"), "-o", str(out), "--format", "json"])
    assert clean.exit_code == 0, clean.output
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written == _expected("clean.expected.jsonl")
    document = json.loads(clean.output)
    assert set(document) == {"input", "output", "problems"}
    tables = document["input"]["tables"]
    assert all(t["read"] == t["converted"] + t["rejected"] for t in tables.values())
    rejects = runner.invoke(main, ["import-903", str(DATA / "rejects"), "-o", str(out), "--format", "table"])
    assert rejects.exit_code == 1
    assert "rejected" in rejects.output and "SDQ_SCORE" in rejects.output
    missing = runner.invoke(main, ["import-903", str(tmp_path / "nowhere"), "-o", str(out)])
    assert missing.exit_code == 2
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "x.csv").write_text("A,B\n1,2\n", encoding="utf-8")
    nothing = runner.invoke(main, ["import-903", str(tmp_path / "empty"), "-o", str(out)])
    assert nothing.exit_code == 2
    no_output = runner.invoke(main, ["import-903", str(DATA / "clean")])
    assert no_output.exit_code == 2


def test_event_ids_never_show_the_child() -> None:
    """Ids are quoted in errors and evidence: they carry a digest of the child's identifier, not the identifier."""
    for folder in ("clean", "structural", "rejects"):
        for event in import_903(DATA / folder).events:
            assert event.child not in event.id.split(":")


def test_errors_never_name_a_child(tmp_path: Path) -> None:
    with pytest.raises(Ssda903Error) as caught:
        import_903(tmp_path / "missing")
    assert "R0" not in str(caught.value)
    result = import_903(DATA / "rejects")
    assert all(p.child is None or p.child not in str(p) for p in result.problems)


def test_the_documented_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/ssda903.md's example, run from the repository root as written."""
    import doctest

    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(root)
    failures, tried = doctest.testfile(str(root / "docs" / "ssda903.md"), module_relative=False)
    assert tried > 0 and failures == 0


def test_a_row_that_cannot_be_read_is_rejected_and_the_rows_after_it_are_read(tmp_path: Path) -> None:
    """A huge cell, a line over the reader's limit and an unbalanced quote are each one rejected row; no row after
    them vanishes (they used to end the file's reading)."""
    lines = (DATA / "clean" / "2015" / "episodes.csv").read_text(encoding="utf-8-sig").splitlines()
    broken = [*lines, 'X3,"' + "a" * 200_000 + '",S', 'X5,"' + "b" * (2 << 20) + '",S', 'X6,"01/05/2014,S,C2',
              "X4,01/05/2014,S,C2,N1,U4,PR1,,,,,,"]
    (tmp_path / "episodes.csv").write_text("\n".join(broken) + "\n", encoding="utf-8")
    result = import_903(tmp_path)
    assert not [p for p in result.problems if p.kind == "unreadable"]
    rejected = {p.row: p for p in result.problems if p.kind == "rejected"}
    assert set(rejected) == {len(lines) + 1, len(lines) + 2, len(lines) + 3}
    assert rejected[len(lines) + 3].reason == f"unbalanced quote on line {len(lines) + 3}"
    assert rejected[len(lines) + 3].child == "X6"
    counts = result.counts["Episodes"]
    assert counts.read == len(lines) + 3 and counts.rejected == 3
    assert "X4" in {e.child for e in result.events}
