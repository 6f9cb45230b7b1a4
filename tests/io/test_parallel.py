"""Parallel reading and evaluation give exactly the serial results."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from swp_rules.engine import Engine
from swp_rules.engine.evaluate import REPORTED
from swp_rules.engine.parallel import can_fork, evaluate_files
from swp_rules.io.events import line_owner, load_records

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from cohort import cohort

pytestmark = pytest.mark.slow  # worker processes

AS_OF = dt.date(2012, 3, 31)
needs_fork = pytest.mark.skipif(not can_fork(), reason="this system cannot fork worker processes")


def _write(path: Path, records: list[dict[str, object]], extra_lines: tuple[str, ...] = ()) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
        for line in extra_lines:
            handle.write(line + "\n")
    return path


MESSY = (
    '{"id": "bad1", "child": "C000001", "type": "visit"}',  # no date
    "not json at all",
    "",
    '{"id": "C000002-001", "child": "C000002", "type": "visit", "date": "2011-09-01"}',  # an id reused, same child
    '{"id": "x9", "child": "C\\u0030\\u00300007", "type": "visit", "date": "2011-09-02"}',  # escaped child id
    '{"id": "x10", "child": "C000007", "meta": {"child": "elsewhere"}, "type": "visit", "date": "2011-09-03"}',
    "null",
)


@needs_fork
@pytest.mark.parametrize("keep", [None, REPORTED])
def test_parallel_equals_serial(tmp_path: Path, keep: object) -> None:
    records = list(cohort(200))
    first = _write(tmp_path / "a.jsonl", records[: len(records) // 2], MESSY)
    second = _write(tmp_path / "b.jsonl", records[len(records) // 2 :] + records[:5])  # five exact repeats
    engine = Engine()
    serial = evaluate_files(engine, [first, second], jobs=1, keep=keep)  # type: ignore[arg-type]
    parallel = evaluate_files(engine, [first, second], jobs=2, keep=keep, parallel_from=0)  # type: ignore[arg-type]
    assert parallel.jobs == 2
    assert parallel.evaluation == serial.evaluation
    assert parallel.rejected == serial.rejected
    assert parallel.counts == serial.counts
    assert serial.counts.duplicates == 5 and serial.counts.rejected >= 4
    assert serial.evaluation.breaches and serial.evaluation.open


@needs_fork
@pytest.mark.parametrize("jobs", [2, 3, 7])
@pytest.mark.parametrize("as_of", [AS_OF, None])
def test_files_cut_in_ranges_give_the_serial_results(tmp_path: Path, jobs: int, as_of: dt.date | None) -> None:
    """JSON Lines files cut into byte ranges (a byte order mark, CRLF line ends, blank lines, no final newline, a
    child's lines on both sides of a cut, more workers than lines) evaluate as in one process."""
    records = list(cohort(40))
    text = "\r\n".join([json.dumps(r) for r in records[:30]] + list(MESSY) + [json.dumps(r) for r in records[30:]])
    first = tmp_path / "a.jsonl"
    first.write_bytes(b"\xef\xbb\xbf" + text.encode())
    tiny = _write(tmp_path / "b.jsonl", records[:1] + records[-1:])
    serial = evaluate_files(Engine(), [first, tiny], as_of, jobs=1)
    parallel = evaluate_files(Engine(), [first, tiny], as_of, jobs=jobs, parallel_from=0)
    assert parallel.jobs == jobs
    assert (parallel.evaluation, parallel.rejected, parallel.counts) == (serial.evaluation, serial.rejected,
                                                                         serial.counts)
    assert serial.counts.duplicates == 2 and serial.rejected


@needs_fork
def test_a_worker_that_cannot_route_its_range_sends_the_run_back_to_the_serial_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from swp_rules.io import parts

    def route(path: object, size: int, part: int, count: int) -> object:
        if part == 1:
            raise OSError("the disk went away")
        return real(path, size, part, count)

    real = parts.route
    monkeypatch.setattr(parts, "route", route)  # the workers are forked: they see it too
    path = _write(tmp_path / "a.jsonl", list(cohort(30)), MESSY)
    serial = evaluate_files(Engine(), [path], AS_OF, jobs=1)
    parallel = evaluate_files(Engine(), [path], AS_OF, jobs=2, parallel_from=0)
    assert parallel.jobs == 1
    assert (parallel.evaluation, parallel.rejected, parallel.counts) == (serial.evaluation, serial.rejected,
                                                                         serial.counts)


@needs_fork
@pytest.mark.parametrize("as_of", [AS_OF, None])  # the workers at work already, or waiting for the go-ahead
def test_an_id_reused_across_children_falls_back_to_the_serial_reading(tmp_path: Path, as_of: dt.date | None
                                                                       ) -> None:
    records = list(cohort(60))
    last = records[-1]
    home = line_owner(1, json.dumps(last).encode(), 2)
    other = next(f"C9{n:05d}" for n in range(100) if line_owner(1, json.dumps({"child": f"C9{n:05d}"}).encode(), 2)
                 != home)
    clash = dict(last, child=other)  # same id, a child another worker reads: a serial read rejects the second
    path = _write(tmp_path / "a.jsonl", [*records, clash])
    serial = evaluate_files(Engine(), [path], as_of, jobs=1)
    parallel = evaluate_files(Engine(), [path], as_of, jobs=2, parallel_from=0)
    assert parallel.jobs == 1
    assert parallel.rejected == serial.rejected
    assert [r.reason for r in serial.rejected] == [f"id reused with different content (first used at {path}:"
                                                   f"{len(records)})"]


def test_a_child_is_routed_to_one_worker_however_its_lines_are_written() -> None:
    plain = b'{"id": "1", "child": "C7", "type": "visit"}'
    spaced = b'{"child" :  "C7", "id": "2"}'
    escaped = b'{"id": "3", "child": "C\\u0037", "type": "visit"}'
    nested = b'{"id": "4", "extra": {"child": "other"}, "child": "C7"}'
    for parts in (2, 3, 5):
        owners = {line_owner(n, raw, parts) for n, raw in enumerate((plain, spaced, escaped, nested))}
        assert len(owners) == 1


def test_reported_keeps_only_breaches_and_open() -> None:
    events = load_records(cohort(50)).events
    full = Engine().evaluate(events, AS_OF)
    lean = Engine().evaluate(events, AS_OF, keep=REPORTED)
    assert {r.status for r in lean.records} == {"breached", "open"}
    assert lean.breaches == full.breaches and lean.open == full.open
    assert len(lean.records) < len(full.records)


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="jobs"):
        evaluate_files(Engine(), [_write(tmp_path / "a.jsonl", [])], AS_OF, jobs=0)


def test_only_keeps_the_named_families() -> None:
    events = load_records(cohort(40)).events
    full = Engine().evaluate(events, AS_OF)
    reviews = full.only(["review"])
    assert reviews.breaches and all(b.rule.startswith("review.") for b in reviews.breaches)
    assert reviews.breaches == tuple(b for b in full.breaches if b.rule.startswith("review."))
    assert all(r.rule.startswith("review.") for r in reviews.records)


@needs_fork
def test_parallel_indicators_equal_serial(tmp_path: Path) -> None:
    from swp_rules.indicators.compute import compute_files
    from swp_rules.periods import parse_period

    records = list(cohort(150))
    path = _write(tmp_path / "a.jsonl", records, MESSY)
    year = parse_period("2011/12")
    serial = compute_files([path], year, jobs=1)
    parallel = compute_files([path], year, jobs=2, parallel_from=0)
    assert parallel.jobs == 2 and serial.jobs == 1
    assert parallel.report == serial.report
    assert parallel.rejected == serial.rejected and parallel.counts == serial.counts
    assert any(r.denominator for r in serial.report.results)


def _write_csv(path: Path, records: list[dict[str, object]], extra_rows: tuple[str, ...] = ()) -> Path:
    import csv

    columns = sorted({key for record in records for key in record}, key=lambda k: (k not in ("id", "child"), k))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for record in records:
            writer.writerow({k: ("true" if v is True else "false" if v is False else v) for k, v in record.items()})
        for row in extra_rows:
            handle.write(row + "\n")
    return path


@needs_fork
def test_parallel_csv_equals_serial(tmp_path: Path) -> None:
    records = list(cohort(120))
    bad = (",C000003,visit,2011-09-01", "x1,,visit,2011-09-01", '"unterminated,C000004,visit')
    path = _write_csv(tmp_path / "a.csv", records, bad)
    serial = evaluate_files(Engine(), [path], AS_OF, jobs=1)
    parallel = evaluate_files(Engine(), [path], AS_OF, jobs=2, parallel_from=0)
    assert parallel.jobs == 2
    assert parallel.evaluation == serial.evaluation
    assert parallel.rejected == serial.rejected and parallel.counts == serial.counts
    assert serial.counts.rejected >= 2 and serial.evaluation.breaches


@needs_fork
def test_a_bad_csv_header_is_reported_as_in_a_serial_read(tmp_path: Path) -> None:
    from swp_rules.io.events import InputError

    path = tmp_path / "a.csv"
    path.write_text("id,child,child,type,date\n1,C1,C1,visit,2011-09-01\n", encoding="utf-8")
    for jobs in (1, 2):
        with pytest.raises(InputError, match="repeats a column"):
            evaluate_files(Engine(), [path], AS_OF, jobs=jobs, parallel_from=0)


@needs_fork
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_the_command_writes_the_same_bytes_with_two_workers(tmp_path: Path, fmt: str) -> None:
    """Each worker encodes its own children's output and the main process merges it: the files (and, for CSV,
    the tables written beside the first) are those of one process, byte for byte."""
    import os
    import subprocess

    records = list(cohort(120))
    first = _write(tmp_path / "a.jsonl", records[: len(records) // 2], MESSY)
    second = _write(tmp_path / "b.jsonl", records[len(records) // 2:] + records[:5])
    written = {}
    suffix = "txt" if fmt == "table" else fmt
    for jobs in ("1", "2"):
        folder = tmp_path / f"jobs{jobs}"
        folder.mkdir()
        for extra in ((), ("--family", "review", "--family", "visit")):
            done = subprocess.run([sys.executable, "-m", "swp_rules", "check", str(first), str(second), "--as-of",
                                   AS_OF.isoformat(), "--format", fmt, "--jobs", jobs, *extra, "-o",
                                   str(folder / f"out{len(extra)}.{suffix}")],
                                  capture_output=True, timeout=300, check=False,
                                  env=dict(os.environ, SWP_RULES_PARALLEL_FROM="0"))
            assert done.returncode == 1, done.stderr.decode(errors="replace")[-2000:]
        written[jobs] = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert written["1"] == written["2"]
    assert len(written["1"]) == (10 if fmt == "csv" else 2)  # breaches, open, rejected, notes, summary tables
    assert all(content.count(b"\n") >= 1 for content in written["1"].values())
    assert written["1"][f"out0.{suffix}"].count(b"\n") > 50
