"""National benchmark: a generated history of many children over several years, on a local Dask cluster and on
the single-machine path.

    python bench/bench_national.py [--children 400000] [--years 5] [--workers 2] [--skip-single | --skip-dask]

The defaults are the national figure: 400,000 children over five years (about 34 million events, 3.4 GB of JSON
Lines); a smaller ``--children`` runs the same thing at a size the machine can take (on a shared two-core machine
20,000 children over five years takes about ten minutes), and the figures scale with the events (the work is per
child). The history (``bench/cohort.py``: about 30 events a child-year) is written once to ``bench/out/``, or to
``$SWP_RULES_BENCH_OUT``. Then:

1. **Dask**: ``swp_rules.distributed_check.check_files`` on a local cluster of ``--workers`` worker processes
   (``local:N``, loopback only), writing the JSON document beside the history (``…-check.json``): what
   ``swp-rules check EVENTS --as-of DATE --format json -o OUT --dask local:N`` does (each worker reads its part in
   sub-parts of ``$SWP_RULES_PART_BYTES``, default 48 MiB, and encodes its output; the client merges and writes).
   Printed: wall time, the CPU time of each worker (user + system) and its events/s per core, each worker's peak
   memory, and the client's.
2. **Single machine, per core**: ``engine.parallel.evaluate_files`` with one job (``--jobs 1``): events/s per core
   and peak memory.

The machine may be shared: the CPU figures are the ones to quote; the load average at the start is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _measure import cpu_seconds, machine_line, peak_rss_mib
from bench_engine import cohort_file


def _as_of(years: int) -> dt.date:
    return dt.date(2011, 4, 1) + dt.timedelta(days=365 * years - 1)


def _worker_usage() -> tuple[float, float]:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _dask(path: Path, workers: int, as_of: dt.date) -> None:
    from swp_rules import distributed, distributed_check
    from swp_rules.io.subparts import subpart_bytes
    from swp_rules.report.encoded import write_encoded

    output = path.with_name(path.stem + "-check.json")

    def write(document: Any, tally: Any, sections: Any) -> None:
        with output.open("w", encoding="utf-8") as out:
            write_encoded("json", out, output, document, tally, sections)

    with distributed.connect(f"local:{workers}") as client:
        before = client.run(_worker_usage)
        cpu, wall = cpu_seconds(), time.perf_counter()
        done = distributed_check.check_files(client, [path], as_of, "json", write)
        wall = time.perf_counter() - wall
        cpu = cpu_seconds() - cpu
        after = client.run(_worker_usage)
    if not isinstance(done, tuple):
        raise SystemExit("the run fell back to the serial path (an id reused across parts?)")
    document, tally = done
    events = document.input.evaluated
    print(f"dask local:{workers}  {document.children:>9,} children {events:>12,} events | wall {wall:7.1f} s "
          f"| {events / wall:>9,.0f} events/s | client cpu {cpu:6.1f} s, peak {peak_rss_mib():6.0f} MiB | "
          f"{tally.breaches:,} breaches, {tally.open:,} open | sub-parts of {subpart_bytes() / 2**20:.0f} MiB | "
          f"output {output.stat().st_size / 2**20:,.0f} MiB ({output.name})", flush=True)
    for name in sorted(after):
        spent = after[name][0] - before[name][0]
        print(f"  worker {name}: cpu {spent:7.1f} s | {events / workers / spent:>9,.0f} events/s per core "
              f"(its share of the events) | peak {after[name][1]:6.0f} MiB", flush=True)


def _single(path: Path, as_of: dt.date) -> None:
    from swp_rules.engine import Engine
    from swp_rules.engine.evaluate import REPORTED
    from swp_rules.engine.parallel import evaluate_files

    engine = Engine()
    cpu, wall = cpu_seconds(), time.perf_counter()
    result = evaluate_files(engine, [path], as_of, jobs=1, keep=REPORTED)
    cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
    events = result.counts.evaluated
    print(f"single (--jobs 1) {result.evaluation.children:>9,} children {events:>12,} events | cpu {cpu:7.1f} s, wall "
          f"{wall:7.1f} s | {events / cpu:>9,.0f} events/s per core | peak {peak_rss_mib():6.0f} MiB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=400_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-single", action="store_true")
    parser.add_argument("--skip-dask", action="store_true", help="only the single-machine path")
    parser.add_argument("--run", choices=("dask", "single"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    as_of = _as_of(args.years)
    if args.run == "dask":
        _dask(args.file, args.workers, as_of)
        return
    if args.run == "single":
        _single(args.file, as_of)
        return
    print(machine_line(), flush=True)
    path = cohort_file(args.children, days=365 * args.years)
    print(f"history: {args.children:,} children over {args.years} years, as of {as_of}: {path}", flush=True)
    common = [sys.executable, __file__, "--file", str(path), "--years", str(args.years)]
    if not args.skip_dask:
        subprocess.run([*common, "--run", "dask", "--workers", str(args.workers)], check=True)
    if not args.skip_single:
        subprocess.run([*common, "--run", "single"], check=True)


if __name__ == "__main__":
    main()
