"""``csv_records`` never loses a line and never fails: whatever the physical lines hold (quotes opened and never
closed, carriage returns inside a line, doubled quotes, commas), every line belongs to exactly one record, in order,
and a record is either read (its cells) or rejected with a reason."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from swp_rules.io.csvrecords import CsvRecord, csv_records

_PIECES = st.sampled_from(['"', '""', ",", "\r", "a", "C1", " ", "x y", "é", '",', ',"'])
_LINES = st.lists(st.lists(_PIECES, max_size=8).map("".join), max_size=12)


def _records(lines: list[str]) -> list[CsvRecord]:
    return list(csv_records((number, text, False) for number, text in enumerate(["id,child,x", *lines], 1)))


@settings(max_examples=500, deadline=None)
@given(_LINES)
def test_every_line_is_in_exactly_one_record(lines: list[str]) -> None:
    records = _records(lines)
    covered = [n for record in records for n in range(record.first, record.last + 1)]
    assert covered == list(range(1, len(lines) + 2))
    for record in records:
        assert (record.cells is None) == (record.problem is not None)


def test_a_carriage_return_in_a_line_after_an_unbalanced_quote() -> None:
    # Before: csv.Error ("new-line character seen in unquoted field") escaped from the look for hidden records, and
    # the rest of the file was reported as unreadable.
    records = _records(['e1,"C1,open', "e2,C\rx,y", "e3,C3,z"])
    assert [(r.first, r.last, r.cells) for r in records][-1] == (4, 4, ["e3", "C3", "z"])
    assert records[1].problem is not None and records[1].first == 2
