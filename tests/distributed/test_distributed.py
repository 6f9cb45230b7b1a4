"""Evaluating on a Dask cluster gives byte for byte the results of the serial path (and of ``--jobs 2``)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swp_rules import distributed
from swp_rules.engine import Engine
from swp_rules.engine.evaluate import REPORTED
from swp_rules.engine.parallel import evaluate_files
from swp_rules.indicators.compute import compute_files
from swp_rules.io.events import iter_jsonl, line_owner
from swp_rules.periods import parse_period

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from cohort import cohort

pytestmark = pytest.mark.slow  # a Dask cluster

AS_OF = dt.date(2012, 3, 31)
MESSY = (
    '{"id": "bad1", "child": "C000001", "type": "visit"}',  # no date
    "not json at all",
    "",
    '{"id": "C000002-001", "child": "C000002", "type": "visit", "date": "2011-09-01"}',  # an id reused, same child
    '{"id": "x9", "child": "C\\u0030\\u00300007", "type": "visit", "date": "2011-09-02"}',  # escaped child id
    "null",
)


def _write(path: Path, records: list[dict[str, Any]], extra_lines: tuple[str, ...] = ()) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
        for line in extra_lines:
            handle.write(line + "\n")
    return path


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A local cluster of two worker processes on the loopback interface."""
    with distributed.connect("local:2") as connected:
        yield connected


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("dask")
    records = list(cohort(160))
    first = _write(folder / "a.jsonl", records[: len(records) // 2], MESSY)
    second = _write(folder / "b.jsonl", records[len(records) // 2:] + records[:5])  # five exact repeats
    return [first, second]


@pytest.mark.parametrize("ship", [False, True])
def test_dask_equals_serial(client: Any, inputs: list[Path], ship: bool) -> None:
    serial = evaluate_files(Engine(), inputs, jobs=1, keep=REPORTED)
    on_dask = distributed.evaluate_files(client, inputs, keep=REPORTED, ship=ship)
    assert on_dask.jobs == 2
    assert on_dask.evaluation == serial.evaluation
    assert on_dask.rejected == serial.rejected and on_dask.counts == serial.counts
    assert serial.counts.duplicates == 5 and serial.counts.rejected >= 4
    assert serial.evaluation.breaches and serial.evaluation.open


def test_dask_keeps_every_record_when_asked(client: Any, inputs: list[Path]) -> None:
    serial = evaluate_files(Engine(), inputs, AS_OF, jobs=1)
    on_dask = distributed.evaluate_files(client, inputs, AS_OF, parts=3)
    assert on_dask.jobs == 3
    assert on_dask.evaluation == serial.evaluation
    assert {r.status for r in serial.evaluation.records} >= {"met", "breached", "open"}


@pytest.mark.parametrize("ship", [False, True])
def test_dask_indicators_equal_serial(client: Any, inputs: list[Path], ship: bool) -> None:
    year = parse_period("2011/12")
    serial = compute_files(inputs, year, jobs=1)
    on_dask = distributed.compute_files(client, inputs, year, ship=ship)
    assert on_dask.jobs == 2
    assert on_dask.report == serial.report
    assert on_dask.rejected == serial.rejected and on_dask.counts == serial.counts
    assert any(r.denominator for r in serial.report.results)


def test_an_id_reused_across_parts_falls_back_to_the_serial_reading(client: Any, tmp_path: Path) -> None:
    records = list(cohort(40))
    last = records[-1]
    home = line_owner(1, json.dumps(last).encode(), 2)
    other = next(f"C9{n:05d}" for n in range(100)
                 if line_owner(1, json.dumps({"child": f"C9{n:05d}"}).encode(), 2) != home)
    path = _write(tmp_path / "a.jsonl", [*records, dict(last, child=other)])
    serial = evaluate_files(Engine(), [path], AS_OF, jobs=1)
    on_dask = distributed.evaluate_files(client, [path], AS_OF)
    assert on_dask.jobs == 1
    assert on_dask.evaluation == serial.evaluation and on_dask.rejected == serial.rejected
    assert [r.field for r in serial.rejected] == ["id"]


def test_a_bad_csv_header_is_reported_as_in_a_serial_read(client: Any, tmp_path: Path) -> None:
    from swp_rules.io.events import InputError

    path = tmp_path / "a.csv"
    path.write_text("id,child,child,type,date\n1,C1,C1,visit,2011-09-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="repeats a column"):
        distributed.evaluate_files(client, [path], AS_OF)


def test_workers_with_other_rulesets_stop_the_run() -> None:
    mine = [{"id": "statutory/cpr-2010", "kind": "duties", "version": "1", "sha256": "a"}]
    theirs = [dict(mine[0], sha256="b")]
    distributed._check_rulesets([mine, mine], mine)
    with pytest.raises(distributed.DistributedError, match="same rulesets"):
        distributed._check_rulesets([mine, theirs], mine)


def test_addresses() -> None:
    assert distributed.parse_address("local:3") == 3
    assert distributed.parse_address("tcp://127.0.0.1:8786") == "tcp://127.0.0.1:8786"
    for bad in ("local:0", "local:x", "nowhere"):
        with pytest.raises(ValueError, match="expected"):
            distributed.parse_address(bad)


_LINES = st.lists(st.one_of(
    st.builds(lambda c, n: json.dumps({"id": f"e{n}", "child": c, "type": "visit", "date": "2011-05-01"}),
              st.sampled_from(["C1", "C2", "C3", "Ä4", "C\\u0035"]), st.integers(0, 99)),
    st.sampled_from(["", "   ", "not json", "null", '{"child": 5}']),
), max_size=30)


@given(_LINES, st.integers(1, 4))
def test_shipped_parts_keep_each_line_once_at_its_number(lines: list[str], parts: int) -> None:
    """Every line is shipped to exactly the part that owns it, at its own line number (the others see it blank)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder) / "x.jsonl", [], tuple(lines))
        shipped = distributed._ship([path], parts)
        original = path.read_bytes().split(b"\n")[:-1]
    for part, files in enumerate(shipped):
        (mine,) = files
        got = mine.data.split(b"\n")[:-1]
        assert len(got) == len(original)
        for number, (raw, kept) in enumerate(zip(original, got, strict=True), start=1):
            if raw.strip() and line_owner(number, raw + b"\n", parts) == part:
                assert kept == raw
            else:
                assert not kept.strip()
        read = [n for n, _ in iter_jsonl(io.BytesIO(mine.data), "x.jsonl")]
        assert read == [n for n, raw in enumerate(original, start=1)
                        if raw.strip() and line_owner(n, raw + b"\n", parts) == part]


def _cli(*args: str) -> bytes:
    env = dict(os.environ, SWP_RULES_PARALLEL_FROM="0", SWP_RULES_PART_BYTES="40000")  # several sub-parts a worker
    done = subprocess.run([sys.executable, "-m", "swp_rules", *args], capture_output=True, env=env, timeout=600)
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")[-2000:]
    return done.stdout


@pytest.mark.parametrize("command", [
    ("check", "--as-of", "2012-03-31", "--format", "json"),
    ("check", "--format", "jsonl"),  # no --as-of: the workers read for the latest date, then evaluate
    ("check", "--as-of", "2012-03-31", "--format", "csv", "--family", "review"),  # every table, one after another
    ("indicators", "--period", "2011/12", "--format", "csv"),
    ("indicators", "--period", "2011/12", "--format", "json"),
])
def test_the_command_line_gives_the_same_bytes(inputs: list[Path], command: tuple[str, ...]) -> None:
    paths = [str(p) for p in inputs]
    serial = _cli(*command, *paths, "--jobs", "1")
    assert serial.count(b"\n") > 50
    assert _cli(*command, *paths, "--jobs", "2") == serial
    assert _cli(*command, *paths, "--dask", "local:2") == serial


@pytest.mark.parametrize(("fmt", "ship", "parts"), [("json", True, 3), ("csv", False, 2), ("jsonl", True, 1)])
def test_sub_parts_write_the_serial_bytes(client: Any, inputs: list[Path], fmt: str, ship: bool, parts: int) -> None:
    """Each worker reads its part in sub-parts (here about 30 kB of input each) and the client merges their
    encoded output: the bytes of the serial path."""
    from swp_rules import distributed_check
    from swp_rules.report.documents import check_document
    from swp_rules.report.encoded import write_document, write_encoded

    engine = Engine()
    serial = evaluate_files(engine, inputs, AS_OF, jobs=1, keep=REPORTED)
    expected = io.StringIO()
    write_document(fmt, expected, None, check_document(serial.evaluation, engine.book.describe(), serial.counts,
                                                       serial.rejected))
    out = io.StringIO()
    done = distributed_check.check_files(client, inputs, AS_OF, fmt,
                                         lambda d, t, s: write_encoded(fmt, out, None, d, t, s),
                                         ship=ship, parts=parts, part_bytes=30_000, batch_bytes=10_000)
    assert isinstance(done, tuple)
    assert out.getvalue() == expected.getvalue()
    assert done[1].breaches == len(serial.evaluation.breaches) and done[1].children == serial.evaluation.children


def test_an_id_reused_across_sub_parts_falls_back_to_the_serial_path(client: Any, tmp_path: Path) -> None:
    from swp_rules import distributed_check

    records = list(cohort(40))
    last = records[-1]
    home = line_owner(1, json.dumps(last).encode(), 8)
    other = next(f"C9{n:05d}" for n in range(200)
                 if (owner := line_owner(1, json.dumps({"child": f"C9{n:05d}"}).encode(), 8)) != home
                 and owner % 2 == home % 2)  # the same worker, another of its four sub-parts
    path = _write(tmp_path / "a.jsonl", [*records, dict(last, child=other)])
    size = path.stat().st_size
    done = distributed_check.check_files(client, [path], AS_OF, "json", lambda d, t, s: None, parts=2,
                                         part_bytes=size // 7)
    assert not isinstance(done, tuple)  # the serial evaluation, for the caller to write
    assert [r.field for r in done.rejected] == ["id"]


@given(_LINES, st.integers(1, 3), st.integers(1, 4))
def test_sub_parts_hold_each_line_of_their_part_once(lines: list[str], parts: int, count: int) -> None:
    """A part's sub-parts hold exactly its lines, each once, and a child's lines in one sub-part."""
    import tempfile

    from swp_rules.io.events import iter_file
    from swp_rules.io.subparts import SubParts

    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder) / "x.jsonl", [], tuple(lines))
        for part in range(parts):
            split = SubParts([str(path)], part, parts, count)
            found = [[(n, item) for n, item in split.items(sub, 0)] for sub in range(count)]
            assert sorted((pair for sub in found for pair in sub), key=lambda pair: pair[0]) == list(
                iter_file(path, (part, parts)))
            children = [{getattr(item, "child", None) for _, item in sub} - {None} for sub in found]
            assert all(not (a & b) for i, a in enumerate(children) for b in children[i + 1:])
            split.remove()
            assert not split.folder.exists()
