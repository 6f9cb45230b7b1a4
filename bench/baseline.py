"""A plain-Python evaluator of reviews and visits: the best case the duty engine is compared with.

    python bench/baseline.py EVENTS.jsonl [--as-of 2012-03-31]

It reads JSON Lines with ``json.loads``, groups each child's events, and counts the reviews and visits that were
late or are overdue on a simplified schedule of its own: a first review within 20 working days (here: 28 days) of
the start of care, a second within 3 months of the first, then every 6 months; a first visit within a week of a
placement, then every 6 weeks. It checks nothing, explains nothing, knows no versions of the law, no placements
of other kinds, no lapses and no bank holidays: a floor on the cost of reading the file and walking each child's
events once per family, not an oracle. The figures ``bench/`` prints beside it are the ratio to this floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

from _measure import cpu_seconds

#: The baseline's own simplified schedule (days): not the law, which the rulesets carry.
FIRST_REVIEW, SECOND_REVIEW, LATER_REVIEWS = 28, 91, 182
FIRST_VISIT, LATER_VISITS = 7, 42


def _late(starts: list[dt.date], done: list[dt.date], gaps: tuple[int, ...], as_of: dt.date) -> int:
    """Breaches of a recurring duty: each deadline runs from the clock start, then from the last one done."""
    breaches = 0
    for start in starts:
        due = start + dt.timedelta(days=gaps[0])
        step = 0
        pending = [d for d in done if d >= start]
        for day in pending:
            if day > as_of:
                break
            if day > due:
                breaches += 1
            step = min(step + 1, len(gaps) - 1)
            due = day + dt.timedelta(days=gaps[step])
        if due < as_of:
            breaches += 1
    return breaches


def evaluate(path: Path, as_of: dt.date, families: tuple[str, ...] = ("review", "visit")) -> tuple[int, int, int]:
    """(children, events, breaches) of the families ``review`` and ``visit`` for every child in the file."""
    by_child: dict[str, list[tuple[str, str]]] = {}
    events = 0
    with path.open("rb") as handle:
        for line in handle:
            record = json.loads(line)
            by_child.setdefault(record["child"], []).append((record["date"], record["type"]))
            events += 1
    breaches = 0
    for items in by_child.values():
        items.sort()
        days = [(dt.date.fromisoformat(d[:10]), t) for d, t in items]
        cared = [d for d, t in days if t == "looked_after_started"]
        if "review" in families:
            reviews = [d for d, t in days if t == "review"]
            breaches += _late(cared, reviews, (FIRST_REVIEW, SECOND_REVIEW, LATER_REVIEWS), as_of)
        if "visit" in families:
            placed = [d for d, t in days if t == "placement_started"]
            visits = [d for d, t in days if t == "visit"]
            breaches += _late(placed[:1], visits, (FIRST_VISIT, LATER_VISITS), as_of)
    return len(by_child), events, breaches


def measure(path: Path, as_of: dt.date) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, events) of one baseline run in this process."""
    cpu, wall = cpu_seconds(), time.perf_counter()
    _, events, _ = evaluate(path, as_of)
    return cpu_seconds() - cpu, time.perf_counter() - wall, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=Path)
    parser.add_argument("--as-of", default="2012-03-31")
    args = parser.parse_args()
    cpu, wall = cpu_seconds(), time.perf_counter()
    children, events, breaches = evaluate(args.events, dt.date.fromisoformat(args.as_of))
    cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
    print(f"baseline {children:>8,} children {events:>11,} events | cpu {cpu:6.2f} s | wall {wall:6.2f} s | "
          f"{events / cpu:>10,.0f} events/s per core | {breaches:,} review and visit breaches")


if __name__ == "__main__":
    main()
