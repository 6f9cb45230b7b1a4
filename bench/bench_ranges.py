"""A worker's reading under ``--jobs 2``: a scan of the whole file (as before ``io.ranges``) against its byte range.

    python bench/bench_ranges.py [--children 10000] [--rounds 3]

For each part of two, in one process, alternately: the part read by scanning every line of the file and keeping its
own (``io.parts._read`` without routes: every line routed by every worker), then the same part found through the
ranges (routing this worker's range, ``io.ranges.route``, plus reading its own lines, ``_read`` with the routes; the
other worker's routing is not counted). CPU seconds, each round and the best; both give the same events.
"""

from __future__ import annotations

import argparse
import gc
from pathlib import Path

from _measure import cpu_seconds, machine_line
from bench_engine import cohort_file


def main() -> None:
    from swp_rules.io.parts import _read, gather_routes, range_sizes, route_inputs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(machine_line(), flush=True)
    paths: list[str | Path] = [cohort_file(args.children)]
    sizes = range_sizes(paths)
    spent: dict[str, list[list[float]]] = {"whole scan": [[], []], "ranges": [[], []]}
    for _ in range(args.rounds):
        for part in (0, 1):
            start = cpu_seconds()
            scanned, _ = _read(paths, (part, 2))
            spent["whole scan"][part].append(cpu_seconds() - start)
            start = cpu_seconds()
            mine = route_inputs(paths, sizes, part, 2)
            routing = cpu_seconds() - start
            other = route_inputs(paths, sizes, 1 - part, 2)
            routes = gather_routes(sizes, [mine, other] if part == 0 else [other, mine])
            start = cpu_seconds()
            ranged, _ = _read(paths, (part, 2), routes)
            spent["ranges"][part].append(routing + cpu_seconds() - start)
            if ranged != scanned:
                raise SystemExit("the two reads differ")
            del scanned, ranged
            gc.collect()
    for name, parts in spent.items():
        print(f"{name:10}: " + " | ".join(f"part {n}: {' '.join(f'{s:.2f}' for s in times)} s (best {min(times):.2f} s)"
                                          for n, times in enumerate(parts)), flush=True)


if __name__ == "__main__":
    main()
