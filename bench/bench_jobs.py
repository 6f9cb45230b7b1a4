"""``check --jobs 2`` against ``--jobs 1``: the critical path in CPU seconds, and the wall-time ratio.

    python bench/bench_jobs.py [--children 10000] [--format json] [--rounds 1]

On a shared machine wall time says little, so beside it this prints the critical path of the two-worker run in CPU
seconds: the main process's own CPU (start-up, rule book, forking, merging the workers' encoded chunks, writing)
plus the CPU of the slower worker (read, evaluate, convert, encode its children), each measured by the process
itself (``resource.getrusage``), against the CPU of the serial run. On an idle two-core machine the wall-time ratio
is about ``serial CPU / critical path``. Two workers running at once on a loaded machine each take more CPU for the
same work (caches, memory bandwidth, other processes), so the workers' work is also measured one part after the
other in one process (``alone``). The output of the two runs is compared byte for byte.

Each run is a fresh process: ``swp-rules check COHORT --as-of 2012-03-31 --format FMT --jobs N -o OUT`` for the
wall times and the CPU of the whole command, and this script's ``--driver`` for the critical path, which does what
that command does with ``--jobs 2`` (``report.encoded.encode_files`` then ``write_encoded``) and reports each
process's CPU. Cohorts are written to ``bench/out/`` (or ``$SWP_RULES_BENCH_OUT``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from _measure import cpu_seconds, machine_line
from bench_engine import AS_OF, cohort_file


def _driver(path: Path, fmt: str, output: Path) -> None:
    """What ``swp-rules check PATH --as-of … --format FMT --jobs 2 -o OUTPUT`` does, with each process's CPU."""
    from swp_rules.cli.check import _engine
    from swp_rules.cli.common import open_output, tune_gc
    from swp_rules.report.encoded import encode_files, head_document, write_encoded

    engine = _engine((), (), "durable")
    tune_gc()
    forked = cpu_seconds()
    run = encode_files(engine, [path], AS_OF, fmt, jobs=2, parallel_from=0)
    if run is None:
        raise SystemExit("the run was serial")
    merge = cpu_seconds()
    document = head_document(run.as_of, engine.book.describe(), run.tally, run.counts, run.rejected)
    with open_output(output) as out:
        write_encoded(fmt, out, output, document, run.tally, run.sections())
    done = cpu_seconds()
    print(f"{done:.3f} {forked:.3f} {done - merge:.3f} {' '.join(f'{c:.3f}' for c in run.worker_cpu)}")


def _one_part_at_a_time(path: Path, fmt: str) -> None:
    """Each worker's work (route its range, read its part, report its ids, evaluate and encode) done here one part
    after the other: its CPU without the other worker competing for the machine."""
    from array import array

    from swp_rules.cli.check import _engine
    from swp_rules.cli.common import tune_gc
    from swp_rules.engine.evaluate import REPORTED
    from swp_rules.io.parts import _read, gather_routes, range_sizes, route_inputs
    from swp_rules.report.encoded import ChildEncoder

    engine = _engine((), (), "durable")
    tune_gc()
    sizes = range_sizes([path])
    spent = []
    routed = []
    for part in range(2):
        start = cpu_seconds()
        routed.append(route_inputs([path], sizes, part, 2))
        spent.append(cpu_seconds() - start)
    routes = gather_routes(sizes, routed)
    for part in range(2):
        start = cpu_seconds()
        grouped, reader = _read([path], (part, 2), routes)
        array("q", sorted(reader.id_hashes())).tobytes()
        reader.forget_ids()
        encoder = ChildEncoder(fmt)
        evaluation = engine.evaluate_grouped(grouped.by_child, AS_OF, keep=REPORTED, release=True,
                                             on_child=encoder.child, collect=False)
        encoder.finish(evaluation.children, evaluation.applied)
        spent[part] += cpu_seconds() - start
    print(" ".join(f"{s:.3f}" for s in spent))


def _command(path: Path, fmt: str, jobs: int, output: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the command and its workers) of one run of the command line."""
    before, start = cpu_seconds(children=True), time.perf_counter()
    subprocess.run([sys.executable, "-m", "swp_rules", "check", str(path), "--as-of", AS_OF.isoformat(), "--format",
                    fmt, "--jobs", str(jobs), "-o", str(output)], check=False, capture_output=True,
                   env=dict(os.environ, SWP_RULES_PARALLEL_FROM="0"))
    return time.perf_counter() - start, cpu_seconds(children=True) - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--format", default="json", choices=("json", "jsonl", "csv"))
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--driver", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.driver and args.output is None:
        _one_part_at_a_time(args.driver, args.format)
        return
    if args.driver:
        _driver(args.driver, args.format, args.output)
        return
    print(machine_line(), flush=True)
    path = cohort_file(args.children)
    out = path.parent
    for _ in range(args.rounds):
        serial_wall, serial_cpu = _command(path, args.format, 1, out / f"jobs1.{args.format}")
        load = os.getloadavg()[0]
        wall, cpu = _command(path, args.format, 2, out / f"jobs2.{args.format}")
        done = subprocess.run([sys.executable, __file__, "--driver", str(path), "--format", args.format, "--output",
                               str(out / f"driver.{args.format}")], check=True, capture_output=True, text=True,
                              env=dict(os.environ, SWP_RULES_PARALLEL_FROM="0"))
        main_cpu, before_fork, writing, *workers = (float(x) for x in done.stdout.split())
        same = all((out / f"{name}.{args.format}").read_bytes() == (out / f"jobs1.{args.format}").read_bytes()
                   for name in ("jobs2", "driver"))
        alone = subprocess.run([sys.executable, __file__, "--driver", str(path), "--format", args.format],
                               check=True, capture_output=True, text=True)
        parts = [float(x) for x in alone.stdout.split()]
        critical = main_cpu + max(workers)
        print(f"{path.name} --format {args.format}: --jobs 1 cpu {serial_cpu:6.1f} s, wall {serial_wall:6.1f} s | "
              f"--jobs 2 cpu {cpu:6.1f} s, wall {wall:6.1f} s (load average {load:.1f}): wall ratio "
              f"{serial_wall / wall:4.2f}× | critical path {critical:6.1f} s CPU = main {main_cpu:5.1f} s (start-up "
              f"and rule book {before_fork:4.1f} s, merging and writing {writing:4.1f} s) + slower worker "
              f"{max(workers):5.1f} s (workers {', '.join(f'{w:.1f}' for w in workers)} s): "
              f"{serial_cpu / critical:4.2f}× the serial CPU | each worker's work alone (one part after the other "
              f"in one process): {', '.join(f'{p:.1f}' for p in parts)} s, critical path {main_cpu + max(parts):.1f} "
              f"s, {serial_cpu / (main_cpu + max(parts)):4.2f}× | same bytes: {same}", flush=True)


if __name__ == "__main__":
    main()
