"""Reader benchmark: events per second and peak memory reading JSON Lines (default 1,000,000 events).

    python bench/bench_reader.py [--events N] [--keep]

Reads the file twice: streaming (iterating without keeping the events, which shows that memory does not grow with
the file) and loading (``load_events``, which keeps them, as ``check`` must).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import peak_rss_mib, stopwatch
from cohort import cohort


def write_events(path: Path, events: int) -> int:
    import json

    written = 0
    children = events // 28 + 1
    with path.open("w", encoding="utf-8") as handle:
        for event in cohort(children):
            handle.write(json.dumps(event, separators=(",", ":")) + "\n")
            written += 1
            if written == events:
                break
    return written


def _run(mode: str, path: Path) -> None:
    from swp_rules.io.events import EventReader, load_events

    with stopwatch() as elapsed:
        if mode == "stream":
            reader = EventReader()
            count = sum(1 for _ in reader.read([path]))
            counts = reader.counts
        else:
            loaded = load_events([path])
            count, counts = len(loaded.events), loaded.counts
    seconds = elapsed()
    print(f"{mode:7} {count:>10,} events  {seconds:6.2f} s  {count / seconds:>9,.0f} events/s  "
          f"peak {peak_rss_mib():6.0f} MiB  (read {counts.read:,}, rejected {counts.rejected})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--mode", choices=("stream", "load"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        _run(args.mode, args.file)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.jsonl"
        written = write_events(path, args.events)
        print(f"reader: {written:,} events, {path.stat().st_size / 2**20:.0f} MiB of JSON Lines")
        for mode in ("stream", "load"):  # each in a fresh process, so that peak memory is its own
            subprocess.run([sys.executable, __file__, "--mode", mode, "--file", str(path)], check=True)


if __name__ == "__main__":
    main()
