"""A 903 table with plain cells (no quote, no stray carriage return) is read a line a record at C speed
(``TableFile.rows``): the rows are exactly those ``csv_records`` gives (``TableFile.record_rows``), for any bytes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from swp_rules.ssda903.tables import _plain_lines, open_table

_HEADER = b"CHILD,DOB,REVIEW,REVIEW_CODE"
_CELLS = st.sampled_from(["A1", " B2 ", "", "01/04/2015", "PN1", "\u00e9l\u00e8ve", "a\tb", "\u2028", "x y"])
_ODD = st.sampled_from([b'"', b'"q,"', b"\r", b"\xff", b"\xef\xbb\xbf", b" ", b",,,", b"\x0b", b"\r\r"])


@st.composite
def tables(draw: st.DrawFn) -> bytes:
    """A Reviews table: plain rows, blank lines, short and long rows, CRLF or LF ends, and now and then an odd
    byte sequence (a quote, a stray carriage return, invalid UTF-8) that sends it down the record path."""
    lines = [_HEADER]
    for _ in range(draw(st.integers(0, 8))):
        cells = draw(st.lists(_CELLS, min_size=0, max_size=6))
        line = ",".join(cells).encode("utf-8")
        if draw(st.integers(0, 9)) == 0:
            at = draw(st.integers(0, len(line)))
            line = line[:at] + draw(_ODD) + line[at:]
        lines.append(line)
    end = draw(st.sampled_from([b"\n", b"\r\n"]))
    data = end.join(lines) + draw(st.sampled_from([b"", end, b"\r"]))
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + data


@settings(max_examples=300, deadline=None)
@given(tables())
def test_plain_rows_are_the_records_rows(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reviews.csv"
        path.write_bytes(data)
        table = open_table(path)
        assert table is not None
        assert list(table.rows()) == list(table.record_rows())


def test_what_takes_the_plain_path() -> None:
    assert _plain_lines(b"\xef\xbb\xbfA,B\r\nc,d\r\n") == ["A,B", "c,d"]
    assert _plain_lines(b"A,B\nc,d") == ["A,B", "c,d"]
    assert _plain_lines(b'A,B\n"c",d\n') is None  # a quote
    assert _plain_lines(b"A,B\nc\r,d\n") is None  # a carriage return inside a line
    assert _plain_lines(b"A,B\nc,\xff\n") is None  # not UTF-8
    assert _plain_lines(b"A,B\n" + b"x" * (1 << 20 | 1) + b"\n") is None  # a line over the readers' limit
