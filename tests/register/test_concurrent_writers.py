"""Two writers at once never lose or mix a run (issue 13): processes record runs into one register at the same time,
on SQLite and on PostgreSQL; and two ``check --register`` commands at once record one run each, or one run in all
when they are the same run."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from handmade import breach, run

from swp_rules.examples import events_path
from swp_rules.register import Register
from swp_rules.register.tables import duties, findings, runs

pytestmark = pytest.mark.slow  # processes writing one register

RUNS_EACH = 6
CHILDREN_EACH_RUN = 40


def _writer(name: str, writer: int, barrier: Any, out: Any) -> None:
    barrier.wait()
    recorded = []
    try:
        with Register.open(name, create=True) as register:
            for number in range(RUNS_EACH):
                as_of = f"2011-{number + 6:02d}-28"
                found = [breach(f"W{writer}R{number}C{i:03d}", "visit.regular", "2011-06-01", as_of=as_of)
                         for i in range(CHILDREN_EACH_RUN)]
                result = register.record(*run(as_of, found, digest=f"writer-{writer}-run-{number}"))
                recorded.append((number, result.id, result.added))
    except Exception as exc:  # the test fails at once with the reason, rather than waiting for the queue
        out.put((writer, f"{type(exc).__name__}: {exc} (from {exc.__context__!r})"))
        raise
    out.put((writer, recorded))


def test_two_processes_recording_at_once_lose_and_mix_nothing(register_name: str) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    out = context.Queue()
    workers = [context.Process(target=_writer, args=(register_name, w, barrier, out)) for w in (0, 1)]
    for worker in workers:
        worker.start()
    results = dict(out.get(timeout=300) for _ in workers)
    failed = {writer: said for writer, said in results.items() if isinstance(said, str)}
    assert not failed, failed
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    ids = [run_id for recorded in results.values() for _, run_id, added in recorded if added]
    assert len(ids) == len(set(ids)) == 2 * RUNS_EACH
    with Register.open(register_name) as register:
        assert sorted(r.id for r in register.runs()) == sorted(ids)
        engine = register.engine
        with engine.connect() as connection:
            for writer, recorded in results.items():
                for number, run_id, _ in recorded:
                    children = connection.execute(
                        sa.select(duties.c.child).join(findings, findings.c.duty_id == duties.c.id)
                        .where(findings.c.run_id == run_id)).scalars().all()
                    assert sorted(children) == [f"W{writer}R{number}C{i:03d}" for i in range(CHILDREN_EACH_RUN)]
                    digest = connection.execute(sa.select(runs.c.input_digest).where(runs.c.id == run_id)).scalar()
                    assert digest == f"writer-{writer}-run-{number}"


def _check(name: str, as_of: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "swp_rules", "check", str(events_path()), "--as-of", as_of,
                           "--register", name, "--format", "json"], capture_output=True, text=True, timeout=600)


def test_two_check_commands_at_once(register_name: str) -> None:
    with ThreadPoolExecutor(2) as pool:
        same = list(pool.map(lambda _: _check(register_name, "2011-06-30"), range(2)))
    assert [p.returncode for p in same] == [1, 1], [p.stderr for p in same]
    said = sorted(p.stderr for p in same)
    assert said[0].startswith("Already recorded as run 1 in ") and said[1].startswith("Recorded run 1 in ")
    with ThreadPoolExecutor(2) as pool:
        other = list(pool.map(lambda day: _check(register_name, day), ["2011-07-31", "2011-08-31"]))
    assert all(p.stderr.startswith("Recorded run") for p in other), [p.stderr for p in other]
    with Register.open(register_name) as register:
        listed = register.runs()
    assert [r.id for r in listed] == [1, 2, 3]
    assert sorted(r.as_of.isoformat() for r in listed) == ["2011-06-30", "2011-07-31", "2011-08-31"]


def test_a_new_sqlite_register_waits_for_another_connections_write_lock(tmp_path: Path) -> None:
    """Switching a new file to write-ahead logging gets SQLITE_BUSY at once, without the busy handler, while another
    connection holds the write lock (what two first runs on one new register met in CI): the open waits instead."""
    path = tmp_path / "new.db"
    holding, release = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        holding.set()
        release.wait(30)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    assert holding.wait(30)
    threading.Timer(0.3, release.set).start()
    try:
        with Register.open(path, create=True) as register:
            assert register.runs() == []
            assert release.is_set()  # it waited for the other connection rather than failing
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        release.set()
        holder.join(30)
