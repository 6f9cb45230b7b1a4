"""A worker process that stops (killed by the system, out of memory) or fails under ``--jobs 2`` is a clear error
(exit 2, what happened and what to do), never "internal error (RuntimeError)", and leaves no output file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.engine import Engine
from swp_rules.examples import events_path


@pytest.mark.parametrize(("how", "expected"), [
    ("killed", "a worker process ended without its results (stopped by the system, perhaps for want of memory)"),
    ("raised", "a worker process failed in its work (KeyError); nothing was written. Run again with --jobs 1"),
])
def test_a_worker_that_stops_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str,
                                              expected: str) -> None:
    parent = os.getpid()
    real = Engine.evaluate_grouped

    def evaluate_grouped(self: Engine, *args: object, **kwargs: object) -> object:
        if os.getpid() != parent:  # only in the forked workers
            if how == "killed":
                os._exit(9)
            raise KeyError("CHILD-SECRET")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "evaluate_grouped", evaluate_grouped)
    monkeypatch.setenv("SWP_RULES_PARALLEL_FROM", "0")
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["check", str(events_path()), "--as-of", "2012-03-31", "--jobs", "2",
                                       "--format", "json", "-o", str(out), "--quiet"])
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "internal error" not in result.stderr and "CHILD-SECRET" not in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []
