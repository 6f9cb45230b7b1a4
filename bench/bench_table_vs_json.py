"""The terminal table against JSON: what ``swp-rules check`` costs for a cohort in each output format.

    python bench/bench_table_vs_json.py [--children 20000] [--jobs N]

Runs ``swp-rules check EVENTS --as-of 2012-03-31`` on a generated cohort (bench/cohort.py) once per format — table
(the summary, then at most --limit rows; rendered as on a 120-column terminal), json, jsonl and csv — each in its
own process, output to a file, and prints the CPU seconds (this process's children: the command and its workers),
the wall seconds, the output's size and the table's cost as a multiple of the JSON run's. CPU seconds are the
figure to compare on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cohort import write_jsonl


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(events: Path, fmt: str, out: Path, jobs: int | None) -> tuple[float, float, int]:
    command = [sys.executable, "-m", "swp_rules", "check", str(events), "--as-of", "2012-03-31", "--format", fmt,
               "--output", str(out)]
    if jobs:
        command += ["--jobs", str(jobs)]
    env = dict(os.environ, COLUMNS="120")
    cpu, wall = _cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, check=False, capture_output=True)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode())
    return _cpu() - cpu, time.perf_counter() - wall, out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        events = Path(folder) / "events.jsonl"
        count = write_jsonl(events, args.children)
        print(f"{args.children} children, {count} events")
        results = {}
        for fmt in ("json", "table", "jsonl", "csv"):
            cpu, wall, size = _run(events, fmt, Path(folder) / f"out.{fmt}", args.jobs)
            results[fmt] = cpu
            print(f"  {fmt:<6} {cpu:7.1f} s CPU  {wall:7.1f} s wall  {size / 2**20:8.1f} MiB")
        print(f"table / json (CPU): {results['table'] / results['json']:.2f}x")


if __name__ == "__main__":
    main()
