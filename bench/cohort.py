"""A fast, seeded generator of realistic case records for the benchmarks (not for tests: those use Hypothesis).

Each child has one period of care, a placement or two, and the events a year of care brings (visits, reviews,
health, education, workers, a missing episode now and then): about 30 events a year, some on time, some late,
some missing, so the engine has breaches, open duties and lapses to report.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PLACEMENTS_2011 = ("Q1", "Q2", "R1", "H5", "K2", "P1")
LEGAL = ("C2", "V2", "J2", "E1")
PRACTICES = ("SWP-North", "SWP-South")


def _day(start: dt.date, offset: int) -> str:
    return (start + dt.timedelta(days=offset)).isoformat()


def child_events(rng: random.Random, index: int, start: dt.date, days: int) -> list[dict[str, Any]]:
    """About ``30 × days / 365`` events for one child whose care starts within the year after ``start``."""
    child = f"C{index:06d}"
    events: list[dict[str, Any]] = []
    serial = 0

    def add(type_: str, offset: int, **fields: Any) -> str:
        nonlocal serial
        serial += 1
        event_id = f"{child}-{serial:03d}"
        events.append({"id": event_id, "child": child, "type": type_, "date": _day(start, offset), **fields})
        return event_id

    def late(on_time: int) -> int:
        """Mostly on time; sometimes a few days late."""
        return on_time if rng.random() < 0.85 else on_time + rng.randint(1, 20)

    begin = rng.randint(0, max(1, days // 3))
    age = rng.randint(1, 17)
    dob = start + dt.timedelta(days=begin - age * 365 - rng.randint(0, 364))
    add("child", 0, dob=dob.isoformat(), sex=rng.choice((1, 2)))
    add("looked_after_started", begin, legal_status=rng.choice(LEGAL))
    add("practice_assigned", begin, practice=rng.choice(PRACTICES))
    add("worker_allocated", begin, worker=f"W{rng.randint(1, 400):03d}")
    add("placement_started", begin, placement=rng.choice(PLACEMENTS_2011), carer=f"K{rng.randint(1, 9999):04d}",
        weekly_cost=f"{rng.randint(300, 3500)}.{rng.randint(0, 99):02d}")
    add("care_plan", begin + late(rng.randint(0, 9)))
    add("placement_plan", begin + late(rng.randint(0, 4)))
    add("placement_notified", begin + late(rng.randint(0, 4)))
    add("iro_appointed", begin + late(rng.randint(1, 20)), iro=f"I{rng.randint(1, 40):02d}")
    add("health_assessment", begin + late(rng.randint(5, 27)), kind="initial")
    add("pep", begin + late(rng.randint(5, 19)), kind="initial")
    end = days - 1
    # Visits: within a week, then about every six weeks.
    day = begin + late(rng.randint(1, 6))
    while day < end:
        add("visit", day, worker="W001", seen_alone=rng.random() < 0.7)
        day += late(rng.randint(20, 42))
    # Reviews: 20 working days (about 28 days), then three months, then six.
    review = begin + late(rng.randint(14, 27))
    gaps = [rng.randint(60, 88), rng.randint(120, 180)]
    while review < end:
        add("review", review, participation=f"PN{rng.randint(0, 7)}")
        review += late(gaps.pop(0) if gaps else rng.randint(120, 180))
    if rng.random() < 0.3:
        move = begin + rng.randint(60, 300)
        if move < end:
            add("placement_started", move, placement=rng.choice(PLACEMENTS_2011), carer=f"K{rng.randint(1, 9999):04d}")
            add("placement_plan", move + late(rng.randint(0, 4)))
            add("placement_notified", move + late(rng.randint(0, 4)))
            add("visit", move + late(rng.randint(1, 6)), worker="W001")
    if rng.random() < 0.15:
        gone = begin + rng.randint(10, 300)
        if gone + 3 < end:
            add("missing_started", gone, kind="missing")
            back = add("missing_ended", gone + 1, kind="missing")
            del back
            if rng.random() < 0.8:
                add("return_interview", gone + rng.randint(1, 4))
    # Health reviews (yearly, six-monthly under 5), dental checks, immunisations and SDQs (mean score about 14).
    health = begin + rng.randint(5, 27)
    while True:
        health += late(rng.randint(150, 175) if age < 5 else rng.randint(300, 360))
        if health >= end:
            break
        add("health_assessment", health, kind="review")
    dental = begin + rng.randint(30, 200)
    while dental < end:
        add("dental_check", dental)
        dental += late(rng.randint(300, 360))
    add("immunisations", begin + rng.randint(30, 300), up_to_date=rng.random() < 0.9)
    sdq = begin + rng.randint(30, 300)
    while sdq < end:
        if 4 <= age <= 16:
            add("sdq", sdq, score=round(rng.triangular(0, 40, 11)))
        sdq += rng.randint(330, 360)
    if rng.random() < 0.1 and begin + 200 < end:
        add("placement_ended", begin + 200, reason="E4")
        add("looked_after_ended", begin + 200, reason=rng.choice(("E11", "E12", "E13", "E4A")))
    return events


def cohort(children: int, seed: int = 20110401, start: dt.date = dt.date(2011, 4, 1),
           days: int = 365) -> Iterator[dict[str, Any]]:
    """Every event of ``children`` children, child by child, in a reproducible order."""
    rng = random.Random(seed)
    for index in range(children):
        yield from child_events(rng, index, start, days)


def write_jsonl(path: Path, children: int, seed: int = 20110401, days: int = 365) -> int:
    """Write a cohort as JSON Lines (``days`` of history from 1 April 2011); returns the number of events written."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for event in cohort(children, seed, days=days):
            handle.write(json.dumps(event, separators=(",", ":")))
            handle.write("\n")
            count += 1
    return count
