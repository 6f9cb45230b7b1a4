"""A JSON Lines file read in byte ranges gives each worker the lines, and the line numbers, of a whole read."""

from __future__ import annotations

import io
import json
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swp_rules.io import events
from swp_rules.io.events import binary_lines, line_owner
from swp_rules.io.parts import gather_routes, range_sizes, read_grouped, route_inputs
from swp_rules.io.ranges import boundaries, owned_lines, range_lines, route

#: Pieces of files: lines of events of a few children (one written with an escape, one nested), blank lines,
#: carriage returns, byte order marks, text that is no JSON.
PIECES = [
    b"\n", b"\n", b"\r\n", b"\r", b" ", b"\xef\xbb\xbf", b"not json", b"{",
    *(json.dumps({"id": f"e{n}", "child": f"C{n % 4}", "type": "visit", "date": "2011-06-03"}).encode()
      for n in range(6)),
    b'{"id": "x", "child": "C\\u0031", "type": "visit", "date": "2011-06-04"}',
    b'{"id": "y", "child": "C2", "meta": {"child": "C3"}, "type": "visit", "date": "2011-06-05"}',
    b'{"id": "z", "type": "visit"}',
]

contents = st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join)


def _whole(data: bytes) -> list[tuple[int, bytes | None]]:
    return list(binary_lines(io.BytesIO(data)))


def _blank(raw: bytes | None) -> bool:
    return raw is not None and (not raw or raw.isspace())


@given(data=contents, parts=st.integers(1, 7), chunk=st.sampled_from([3, 16, 1 << 20]),
       longest=st.sampled_from([5, 40, 1 << 20]))
def test_the_ranges_hold_the_lines_of_a_whole_read(data: bytes, parts: int, chunk: int, longest: int) -> None:
    """Any file, cut in any number of ranges, read in chunks of any size, with any line limit: the ranges' lines
    follow one another as the whole file's do, with the same numbers and the same over-long lines."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(events, "_CHUNK", chunk)
        patch.setattr(events, "MAX_LINE_BYTES", longest)
        handle = io.BytesIO(data)
        cuts = boundaries(handle, len(data), parts)
        assert cuts[0] == 0 and cuts[-1] == len(data) and cuts == sorted(cuts) and len(cuts) == parts + 1
        assert all(cut in (0, len(data)) or data[cut - 1:cut] == b"\n" for cut in cuts)
        ranged = []
        for start, stop in pairwise(cuts):
            ranged.extend(range_lines(handle, start, stop, data.count(b"\n", 0, start)))
        assert ranged == _whole(data)


@given(data=contents, parts=st.integers(1, 6))
def test_each_worker_gets_its_own_lines_in_file_order(tmp_path_factory: pytest.TempPathFactory, data: bytes,
                                                      parts: int) -> None:
    """Routed range by range, every line goes to one worker only: the one ``line_owner`` names (a blank line, which
    gives nothing, to any one), in file order, with its number."""
    path = tmp_path_factory.mktemp("ranges") / "events.jsonl"
    path.write_bytes(data)
    routes = [route(path, len(data), part, parts) for part in range(parts)]
    whole = _whole(data)
    got = [list(owned_lines(path, len(data), part, routes)) for part in range(parts)]
    for part, lines in enumerate(got):
        assert lines == [line for line in whole if line in lines]  # file order
        expected = [(n, raw) for n, raw in whole if not _blank(raw) and line_owner(n, raw, parts) == part]
        assert [(n, raw) for n, raw in lines if not _blank(raw)] == expected
    assert sorted(line for lines in got for line in lines) == sorted(whole)


def test_a_tiny_file_has_more_workers_than_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"id": "a", "child": "C1", "type": "visit", "date": "2011-06-03"}')  # no final newline
    routes = [route(path, path.stat().st_size, part, 5) for part in range(5)]
    assert [len(r.owners) for r in routes] == [1, 0, 0, 0, 0]  # the cuts move on to the next line start: the end
    owner = line_owner(1, path.read_bytes(), 5)
    assert [list(owned_lines(path, path.stat().st_size, part, routes)) for part in range(5)] == [
        [(1, path.read_bytes())] if part == owner else [] for part in range(5)]


def test_the_parts_read_in_ranges_are_those_of_the_whole_scan(tmp_path: Path) -> None:
    """``read_grouped`` of a part, its lines found by the ranges' routes, gives what the scan of the whole file
    gives for that part: events, rejections (with their line numbers) and counts; a CSV file is scanned whole."""
    lines = [json.dumps({"id": f"e{n}", "child": f"C{n % 7}", "type": "visit", "date": "2011-06-03"})
             for n in range(60)]
    lines[10:10] = ["", "not json", '{"id": "e3", "child": "C3", "type": "visit", "date": "2011-06-09"}', "\r"]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode())
    csv = tmp_path / "b.csv"
    csv.write_text("id,child,type,date\nc1,C1,visit,2011-06-03\nc2,C2,visit,2011-06-04\n", encoding="utf-8")
    paths = [jsonl, csv]
    sizes = range_sizes(paths)
    assert sizes == [jsonl.stat().st_size, None]
    for parts in (2, 3):
        routes = gather_routes(sizes, [route_inputs(paths, sizes, part, parts) for part in range(parts)])
        for part in range(parts):
            assert read_grouped(paths, (part, parts), routes) == read_grouped(paths, (part, parts))
