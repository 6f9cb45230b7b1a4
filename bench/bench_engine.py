"""Duty engine benchmark: cohorts of 1,000, 10,000 and 84,000 children (about 30 events each, one year).

    python bench/bench_engine.py [--children 1000 10000 84000] [--matcher durable oracle] [--jobs N]

Each figure is one run of what ``swp-rules check EVENTS --as-of 2012-03-31`` does — read the events, evaluate every
statutory duty, keep breaches and open duties (``evaluate_files``) — in a fresh process, so peak memory is the
run's own. ``--jobs`` is the number of worker processes (default: one per core; small inputs run in one); peak
memory is reported for the main process and for the largest worker.
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
    from swp_rules.engine import Engine, load_rulebook
    from swp_rules.engine.evaluate import REPORTED
    from swp_rules.engine.parallel import evaluate_files

    engine = Engine(load_rulebook(), matcher)
    with stopwatch() as total:
        result = evaluate_files(engine, [path], AS_OF, jobs=jobs, keep=REPORTED)
    evaluation, events = result.evaluation, result.counts.evaluated
    print(f"{matcher:8} {evaluation.children:>7,} children {events:>10,} events | {result.jobs} jobs | "
          f"total {total():6.1f} s | {events / total():>8,.0f} events/s | {evaluation.children / total():>6,.0f} "
          f"children/s | peak {peak_rss_mib():5.0f} MiB main, {peak_children_rss_mib():5.0f} MiB largest worker | "
          f"{len(evaluation.breaches):,} breaches, {len(evaluation.open):,} open", flush=True)


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
