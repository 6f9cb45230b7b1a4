"""Makes ``data/register-0001.db``: a register as swp-rules wrote it at schema version 0001 (before ``basis``,
``discharged_by`` and ``families``), kept as a fixture for the upgrade test. Run from the repository root:

    python tests/register/make_old_register.py
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from swp_rules.register.database import create_register_engine, register_url
from swp_rules.register.schema import upgrade

FIXTURE = Path(__file__).parent / "data" / "register-0001.db"

ROWS = {
    "register_runs": [
        {"id": 1, "run_key": "a" * 64, "recorded_at": "2011-07-01T09:00:00+00:00", "as_of": "2011-06-30",
         "input_digest": "1" * 64, "rulesets": '[{"id": "statutory/cpr-2010", "kind": "duties", "version": "1", '
         '"sha256": "' + "2" * 64 + '"}]', "read": 12, "evaluated": 11, "duplicates": 1, "rejected": 0,
         "children": 2, "breaches": 2, "open": 1},
        {"id": 2, "run_key": "b" * 64, "recorded_at": "2011-08-01T09:00:00+00:00", "as_of": "2011-07-31",
         "input_digest": "3" * 64, "rulesets": '[{"id": "statutory/cpr-2010", "kind": "duties", "version": "1", '
         '"sha256": "' + "2" * 64 + '"}]', "read": 14, "evaluated": 14, "duplicates": 0, "rejected": 0,
         "children": 2, "breaches": 2, "open": 0},
    ],
    "register_duties": [
        {"id": 1, "child": "OLD1", "rule": "visit.regular", "due": "2011-06-01", "first_seen_run": 1,
         "first_breached_run": 1, "resolved_run": 2, "resolution": "met"},
        {"id": 2, "child": "OLD2", "rule": "review.first", "due": "2011-06-10", "first_seen_run": 1,
         "first_breached_run": 1, "resolved_run": None, "resolution": None},
        {"id": 3, "child": "OLD2", "rule": "health.initial", "due": "2011-07-20", "first_seen_run": 1,
         "first_breached_run": None, "resolved_run": None, "resolution": None},
    ],
    "register_findings": [
        {"run_id": 1, "duty_id": 1, "status": "breached", "met": None, "days_late": 29, "citation": "SI 2010/959 "
         "reg 28(2)", "evidence": '["OLD1-1"]', "explanation": "A visit was due by 1 Jun 2011."},
        {"run_id": 1, "duty_id": 2, "status": "breached", "met": None, "days_late": 20, "citation": "SI 2010/959 "
         "reg 33(1)", "evidence": '["OLD2-1"]', "explanation": "The first review was due by 10 Jun 2011."},
        {"run_id": 1, "duty_id": 3, "status": "open", "met": None, "days_late": 0, "citation": "SI 2010/959 reg 7",
         "evidence": '["OLD2-1"]', "explanation": "A health assessment is due by 20 Jul 2011."},
        {"run_id": 2, "duty_id": 1, "status": "breached", "met": "2011-07-05", "days_late": 34, "citation":
         "SI 2010/959 reg 28(2)", "evidence": '["OLD1-1", "OLD1-2"]', "explanation": "Met late on 5 Jul 2011."},
        {"run_id": 2, "duty_id": 2, "status": "breached", "met": None, "days_late": 51, "citation": "SI 2010/959 "
         "reg 33(1)", "evidence": '["OLD2-1"]', "explanation": "The first review was due by 10 Jun 2011."},
    ],
}


def fill(engine: sa.Engine) -> None:
    """Write the fixture's rows (with plain SQL: the tables as version 0001 made them)."""
    with engine.begin() as connection:
        for table, rows in ROWS.items():
            columns = list(rows[0])
            statement = sa.text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                f"({', '.join(':' + c for c in columns)})")
            connection.execute(statement, [dict(r, as_of=_day(r["as_of"])) if "as_of" in r else r for r in rows])


def _day(text: str) -> object:
    import datetime as dt

    return dt.date.fromisoformat(text)


def make(path: Path) -> None:
    path.unlink(missing_ok=True)
    engine = create_register_engine(register_url(path))
    upgrade(engine, "0001")
    fill(engine)
    engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    make(FIXTURE)
    print(f"wrote {FIXTURE}")
