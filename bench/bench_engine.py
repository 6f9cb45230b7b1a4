"""Duty engine benchmark: cohorts of 1,000, 10,000 and 84,000 children (about 30 events each, one year).

    python bench/bench_engine.py [--children 1000 10000 84000] [--matcher durable oracle] [--jobs N]

Each figure is one run of what ``swp-rules check EVENTS --as-of 2012-03-31`` does — read the events, evaluate every
statutory duty, keep breaches and open duties — in a fresh process, so peak memory is the run's own. ``--jobs``
is the number of worker processes (default: one per core); peak memory is reported for the main process and for
the largest worker.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import peak_children_rss_mib, peak_rss_mib, stopwatch
from cohort import write_jsonl

AS_OF = dt.date(2012, 3, 31)


def _run(path: Path, matcher: str, jobs: int | None) -> None:
    from swp_rules.cli.common import read_grouped
    from swp_rules.engine import Engine, load_rulebook
    from swp_rules.engine.evaluate import REPORTED
    from swp_rules.engine.parallel import evaluate_parallel

    engine = Engine(load_rulebook(), matcher)
    with stopwatch() as total:
        with stopwatch() as reading:
            grouped = read_grouped([str(path)])
        children, events = len(grouped.by_child), grouped.counts.evaluated
        with stopwatch() as evaluating:
            result = evaluate_parallel(engine, grouped.by_child, AS_OF, jobs=jobs, keep=REPORTED)
    print(f"{matcher:8} {children:>7,} children {events:>10,} events | read {reading():6.1f} s | "
          f"evaluate {evaluating():6.1f} s | total {total():6.1f} s | {events / total():>8,.0f} events/s | "
          f"{children / total():>6,.0f} children/s | peak {peak_rss_mib():5.0f} MiB main, "
          f"{peak_children_rss_mib():5.0f} MiB worker | {len(result.breaches):,} breaches, {len(result.open):,} open")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, nargs="+", default=[1_000, 10_000, 84_000])
    parser.add_argument("--matcher", nargs="+", default=["durable", "oracle"], choices=("durable", "oracle"))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.file:
        _run(args.file, args.matcher[0], args.jobs)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for children in args.children:
            path = Path(tmp) / f"cohort-{children}.jsonl"
            written = write_jsonl(path, children)
            print(f"cohort of {children:,} children: {written:,} events ({written / children:.1f} a child)")
            for matcher in args.matcher:
                command = [sys.executable, __file__, "--file", str(path), "--matcher", matcher]
                if args.jobs is not None:
                    command += ["--jobs", str(args.jobs)]
                subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
