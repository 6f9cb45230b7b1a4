"""``check --format jsonl`` is written as the children are evaluated (each child's lines as soon as it is done), and is
byte for byte what the whole document gives (``write_check_lines``), whatever the number of workers."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from swp_rules.engine import Engine
from swp_rules.engine.evaluate import REPORTED
from swp_rules.engine.parallel import evaluate_files
from swp_rules.examples import events_path
from swp_rules.report.documents import check_document
from swp_rules.report.duties import CheckLines, write_check_lines

AS_OF = dt.date(2012, 3, 31)


def _batch() -> str:
    engine = Engine()
    run = evaluate_files(engine, [events_path()], AS_OF, jobs=1, keep=REPORTED)
    out = io.StringIO()
    write_check_lines(check_document(run.evaluation, engine.book.describe(), run.counts, run.rejected), out)
    return out.getvalue()


def test_lines_are_written_as_the_children_are_evaluated() -> None:
    engine = Engine()
    out = io.StringIO()
    lines = CheckLines(out)
    written: list[tuple[str, int]] = []

    def child(name: str, records: object, notes: object) -> None:
        lines.child(name, records, notes)  # type: ignore[arg-type]
        written.append((name, len(out.getvalue())))

    run = evaluate_files(engine, [events_path()], AS_OF, jobs=1, keep=REPORTED, on_child=child)
    assert [name for name, _ in written] == sorted(name for name, _ in written)  # in child order, one call each
    assert len(written) == run.evaluation.children
    sizes = [size for _, size in written]
    assert sizes == sorted(sizes) and 0 < sizes[0] < sizes[-1]  # the first child's lines before the others'
    lines.finish(check_document(run.evaluation, engine.book.describe(), run.counts, run.rejected))
    assert out.getvalue() == _batch()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_command_writes_the_batch_lines_whatever_the_workers(tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "out.jsonl"
    done = subprocess.run([sys.executable, "-m", "swp_rules", "check", str(events_path()), "--as-of",
                           AS_OF.isoformat(), "--format", "jsonl", "--jobs", jobs, "-o", str(out)],
                          capture_output=True, text=True, timeout=300, check=False,
                          env=dict(os.environ, SWP_RULES_PARALLEL_FROM="0"))
    assert done.returncode == 1, done.stderr
    assert out.read_text(encoding="utf-8") == _batch()
    assert not [p for p in tmp_path.iterdir() if p.name != "out.jsonl"]  # no temporary file left behind
