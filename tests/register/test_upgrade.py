"""A register written by an older schema is refused until ``swp-rules register upgrade`` brings it up to date, and
keeps its runs and history (issue 13). The fixture ``data/register-0001.db`` was written at schema version 0001
(``make_old_register.py``); on PostgreSQL the same rows are written into a database created at version 0001."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from handmade import breach, run
from make_old_register import FIXTURE, ROWS, fill

from swp_rules.register import Register, SchemaOutOfDate
from swp_rules.register.database import create_register_engine, register_url
from swp_rules.register.schema import head_revision, revisions, upgrade

pytestmark = pytest.mark.slow  # the register command end to end


def _old_register(backend: str, name: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        copy = tmp_path / "old.db"
        shutil.copy(FIXTURE, copy)
        return str(copy)
    engine = create_register_engine(register_url(name))
    upgrade(engine, "0001")
    fill(engine)
    with engine.begin() as connection:
        for table in ("register_runs", "register_duties"):
            connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT max(id) FROM {table}))"))
    engine.dispose()
    return name


def test_the_fixture_holds_the_rows_of_version_0001() -> None:
    with sqlite3.connect(FIXTURE) as connection:
        assert connection.execute("SELECT version_num FROM register_alembic_version").fetchall() == [("0001",)]
        for table, rows in ROWS.items():
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone() == (len(rows),)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(register_findings)")}
        assert "basis" not in columns


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "swp_rules", *args], capture_output=True, text=True, timeout=300)


def test_an_old_register_is_refused_then_upgraded_keeping_its_history(backend: str, register_name: str,
                                                                      tmp_path: Path) -> None:
    name = _old_register(backend, register_name, tmp_path)
    assert revisions()[0] == "0001" and head_revision() != "0001"
    with pytest.raises(SchemaOutOfDate, match="register upgrade"):
        Register.open(name)
    refused = _cli("register", "runs", "--register", name, "--format", "json")
    assert refused.returncode == 2 and "swp-rules register upgrade" in refused.stderr
    upgraded = _cli("register", "upgrade", "--register", name)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"from schema version 0001 to {head_revision()}" in upgraded.stdout
    assert "up to date" in _cli("register", "upgrade", "--register", name).stdout
    with Register.open(name) as register:
        assert register.schema_version() == head_revision()
        assert [(r.id, r.as_of.isoformat(), r.input.duplicates, r.families) for r in register.runs()] == [
            (1, "2011-06-30", 1, ()), (2, "2011-07-31", 0, ())]
        by_child = {b.child: b for b in register.breaches()}
        assert by_child["OLD1"].resolution == "met" and by_child["OLD1"].basis is None
        assert by_child["OLD2"].is_open and by_child["OLD2"].last_seen_run == 2
        new_breach = breach("OLD3", "visit.regular", "2011-08-01", as_of="2011-08-31")
        later = register.record(*run("2011-08-31", [new_breach]))
        assert later.id == 3 and later.resolved == 1 and later.new == 1
        [gone] = register.breaches(child="OLD2")
        assert (gone.resolved_run, gone.resolution) == (3, "no longer reported")
        assert [b.basis for b in register.breaches(child="OLD3")] == [getattr(new_breach, "basis", None)]
