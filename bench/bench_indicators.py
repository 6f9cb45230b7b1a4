"""Indicator benchmark: every shipped indicator for a cohort of N children (default 84,000, about 30 events a year).

    python bench/bench_indicators.py [--children 84000] [--period 2011/12] [--indicator ID ...]

Each figure is one run of what ``swp-rules indicators EVENTS --period 2011/12`` does (``compute_files``, one
worker process per core for large input): read the events, then compute every indicator in force (NI 66 and the
contract KPIs run the duty engine for each child in their cohorts), in a fresh process, so peak memory is the
run's own. The cohort is the seeded generator of ``bench/cohort.py``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import peak_children_rss_mib, peak_rss_mib, stopwatch
from cohort import write_jsonl


def _run(path: Path, period_text: str, indicators: list[str] | None, jobs: int | None) -> None:
    from swp_rules.indicators.compute import compute_files
    from swp_rules.periods import parse_period

    period = parse_period(period_text)
    with stopwatch() as total:
        computed = compute_files([path], period, indicators=indicators, jobs=jobs)
    report, events = computed.report, computed.counts.evaluated
    overall = [r for r in report.results if r.practice is None]
    print(f"{events:>10,} events | {computed.jobs} jobs | total {total():6.1f} s | "
          f"{events / total():>8,.0f} events/s | "
          f"peak {peak_rss_mib():5.0f} MiB main, {peak_children_rss_mib():5.0f} MiB largest worker | "
          f"{len(overall)} indicators, {len(report.practices())} practices", flush=True)
    for result in overall:
        print(f"    {result.id:26} {result.numerator:>8,} / {result.denominator:<8,} {result.to_dict()['display']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, nargs="+", default=[84_000])
    parser.add_argument("--period", default="2011/12")
    parser.add_argument("--indicator", action="append", default=None)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.file:
        _run(args.file, args.period, args.indicator, args.jobs)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for children in args.children:
            path = Path(tmp) / f"cohort-{children}.jsonl"
            written = write_jsonl(path, children)
            print(f"cohort of {children:,} children: {written:,} events ({written / children:.1f} a child)")
            command = [sys.executable, __file__, "--file", str(path), "--period", args.period]
            if args.jobs is not None:
                command += ["--jobs", str(args.jobs)]
            for item in args.indicator or []:
                command += ["--indicator", item]
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
