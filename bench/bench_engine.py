"""Duty engine benchmark: cohorts of 1,000, 10,000 and 84,000 children (about 30 events each, one year).

    python bench/bench_engine.py [--children 1000 10000 84000] [--matcher durable oracle] [--jobs N]
                                 [--family review --family visit]

Each figure is one run of what ``swp-rules check EVENTS --as-of 2012-03-31`` does — read the events, evaluate the
statutory duties (of the ``--family`` families only, when given), keep breaches and open duties
(``evaluate_files``) — in a fresh process, so peak memory is the run's own. ``--jobs`` is the number of worker
processes (default: one per core; small inputs run in one); peak memory is reported for the main process and for
the largest worker. Beside each figure: the CPU time (user + system; the machine may be shared, so quote it rather
than wall time) and its ratio to the plain-Python baseline of reviews and visits on the same file
(``bench/baseline.py``), per family evaluated when ``--family`` is given. A run in one process is then repeated
with reading and evaluation timed apart (the duty engine's own share). Cohorts are written to ``bench/out/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _measure import cpu_seconds, machine_line, peak_children_rss_mib, peak_rss_mib
from cohort import write_jsonl

AS_OF = dt.date(2012, 3, 31)
#: Where generated cohorts are written: ``$SWP_RULES_BENCH_OUT`` (e.g. a folder under /tmp), else ``bench/out/``.
OUT = Path(os.environ.get("SWP_RULES_BENCH_OUT") or Path(__file__).resolve().parent / "out")


def _run(path: Path, matcher: str, jobs: int | None, families: list[str], baseline_cpu: float) -> None:
    from swp_rules.engine import Engine, load_rulebook
    from swp_rules.engine.evaluate import REPORTED
    from swp_rules.engine.parallel import evaluate_files

    book = load_rulebook()
    engine = Engine(book.only(families) if families else book, matcher)
    cpu, wall = cpu_seconds(), time.perf_counter()
    result = evaluate_files(engine, [path], AS_OF, jobs=jobs, keep=REPORTED)
    cpu = cpu_seconds() - cpu + cpu_seconds(children=True)
    wall = time.perf_counter() - wall
    evaluation, events = result.evaluation, result.counts.evaluated
    if families:
        evaluation = evaluation.only(families)
    per_family = f" ({cpu / baseline_cpu / max(1, len(families)) * 2:4.1f}× per family)" if families else ""
    print(f"{matcher:8} {'+'.join(families) or 'all':13} {evaluation.children:>7,} children {events:>10,} events | "
          f"{result.jobs} jobs | cpu {cpu:6.1f} s, wall {wall:6.1f} s | {events / cpu:>8,.0f} events/s per core | "
          f"{cpu / baseline_cpu:5.1f}× baseline{per_family} | peak {peak_rss_mib():5.0f} MiB main, "
          f"{peak_children_rss_mib():5.0f} MiB largest worker | {len(evaluation.breaches):,} breaches, "
          f"{len(evaluation.open):,} open", flush=True)
    if result.jobs == 1:
        _split(path, engine)


def _split(path: Path, engine: Any) -> None:
    """The same run again in this process, reading and evaluating timed apart: how much of it is the duty engine."""
    from swp_rules.engine.evaluate import REPORTED
    from swp_rules.io.parts import read_grouped

    cpu = cpu_seconds()
    grouped = read_grouped([path])
    read = cpu_seconds() - cpu
    engine.evaluate_grouped(grouped.by_child, AS_OF, keep=REPORTED, release=True)
    evaluate = cpu_seconds() - cpu - read
    print(f"{'':22} of which reading {read:6.1f} s, the duty engine {evaluate:6.1f} s "
          f"({grouped.counts.evaluated / evaluate:>8,.0f} events/s per core)", flush=True)


def _baseline(path: Path) -> float:
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("baseline.py")), str(path), "--as-of",
                           AS_OF.isoformat()], check=True, capture_output=True, text=True)
    print(done.stdout.rstrip(), flush=True)
    return float(done.stdout.split("cpu")[1].split("s")[0])


def cohort_file(children: int, days: int = 365) -> Path:
    """The seeded cohort in ``bench/out/`` (written once, reused by later runs)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / (f"cohort-{children}.jsonl" if days == 365 else f"cohort-{children}-{days}d.jsonl")
    if not path.exists():
        partial = path.with_suffix(".partial")
        written = write_jsonl(partial, children, days=days)
        partial.replace(path)
        print(f"wrote {path.name}: {written:,} events ({written / children:.1f} a child)", flush=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, nargs="+", default=[1_000, 10_000, 84_000])
    parser.add_argument("--matcher", nargs="+", default=["durable", "oracle"], choices=("durable", "oracle"))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--family", action="append", default=[])
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--baseline-cpu", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.file:
        _run(args.file, args.matcher[0], args.jobs, args.family, args.baseline_cpu)
        return
    print(machine_line(), flush=True)
    for children in args.children:
        path = cohort_file(children)
        baseline = _baseline(path)
        for matcher in args.matcher:
            command = [sys.executable, __file__, "--file", str(path), "--matcher", matcher, "--baseline-cpu",
                       str(baseline)]
            if args.jobs is not None:
                command += ["--jobs", str(args.jobs)]
            for family in args.family:
                command += ["--family", family]
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
