"""``check`` with and without ``--register`` on a generated cohort (default 20,000 children): the run time of each,
and the time the register adds, on a SQLite file and (with ``--postgres URL``) on PostgreSQL; a second run of the
same input shows the cost of finding the run already recorded.

    python bench/bench_register.py [--children 20000] [--postgres postgresql+psycopg://postgres@127.0.0.1/test]

With ``--postgres`` a throwaway database is created on that server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cohort import write_jsonl


def _check(events: Path, *extra: str) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of the command (and its workers), exit code."""
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "swp_rules", "check", str(events), "--as-of", "2012-03-31",
                           "--format", "json", "-o", os.devnull, *extra], capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = os.times()
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system), \
        done.returncode


def _postgres(base: str) -> tuple[str, object]:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"swp_rules_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--postgres", default=None, metavar="URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        events = Path(folder) / "cohort.jsonl"
        count = write_jsonl(events, args.children)
        print(f"check on {args.children} children ({count} events), as of 2012-03-31, JSON to /dev/null")
        rows = [("without --register", *_check(events))]
        sqlite = str(Path(folder) / "register.db")
        rows.append(("--register SQLite, first run", *_check(events, "--register", sqlite)))
        rows.append(("--register SQLite, same run again", *_check(events, "--register", sqlite)))
        if args.postgres:
            url, drop = _postgres(args.postgres)
            try:
                rows.append(("--register PostgreSQL, first run", *_check(events, "--register", url)))
                rows.append(("--register PostgreSQL, same run again", *_check(events, "--register", url)))
            finally:
                drop()  # type: ignore[operator]
        base = rows[0][1]
        for label, wall, cpu, _ in rows:
            print(f"  {label:40s} {wall:7.1f} s wall  {cpu:7.1f} s CPU  (+{wall - base:5.1f} s)")
        print(f"  register file {Path(sqlite).stat().st_size / 2**20:.1f} MiB; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
