"""Reader benchmark: events per second and peak memory reading JSON Lines (default 1,000,000 events).

    python bench/bench_reader.py [--events N] [--against REV [--rounds K]]

Reads the file twice: streaming (iterating without keeping the events, which shows that memory does not grow with
the file) and loading (``load_events``, which keeps them, as ``check`` must). ``--against REV`` also reads the same
file with the reader of git revision REV (exported with ``git archive`` and put first on ``PYTHONPATH``), in turn
with this one, ``--rounds`` times, and prints each one's best CPU time and this reader's change in throughput
(issue 11: at most 5 % loss against 3b08d8b, the commit before the typed decoding pass).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import cpu_seconds, peak_rss_mib, stopwatch
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
          f"{cpu_seconds():6.2f} s CPU  peak {peak_rss_mib():6.0f} MiB  (read {counts.read:,}, rejected "
          f"{counts.rejected})")


def _cpu_of(mode: str, path: Path, pythonpath: str | None) -> float:
    """The CPU seconds one fresh process takes to read ``path`` (with the code on ``pythonpath`` first)."""
    import os

    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run([sys.executable, __file__, "--mode", mode, "--file", str(path)], check=True, env=env,
                          capture_output=True, text=True)
    return float(done.stdout.split(" s CPU")[0].split()[-1])


def against(revision: str, path: Path, events: int, rounds: int) -> None:
    """This reader against ``revision``'s on the same file, alternately, the best of ``rounds`` each (CPU)."""
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as old:
        archive = subprocess.run(["git", "-C", str(root), "archive", revision, "swp_rules"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
        for mode in ("stream", "load"):
            ours, theirs = [], []
            for _ in range(rounds):
                theirs.append(_cpu_of(mode, path, old))
                ours.append(_cpu_of(mode, path, str(root)))
            change = min(theirs) / min(ours) - 1
            print(f"{mode:7} {revision}: {min(theirs):6.2f} s CPU ({events / min(theirs):>9,.0f} events/s)  this "
                  f"tree: {min(ours):6.2f} s CPU ({events / min(ours):>9,.0f} events/s)  throughput "
                  f"{change:+.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--against", metavar="REV", help="also read with the reader of this git revision")
    parser.add_argument("--rounds", type=int, default=3, help="with --against: runs of each (the best counts)")
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
        if args.against:
            against(args.against, path, written, args.rounds)


if __name__ == "__main__":
    main()
