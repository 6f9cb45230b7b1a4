"""Regenerate the embedded example practice (``swp_rules/examples/practice.jsonl``), synthetic and reproducible.

    python tools/make_example.py

150 looked-after children of an illustrative council, 120 of whom a Liverpool-style social work practice takes
over on 1 April 2011 (the pilot's size in the seed articles); about 18 months of case events from October 2010,
some on time, some late, some missing. No real child is described.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from cohort import child_events  # noqa: E402

PRACTICE = "liverpool-pss"
CONTRACT_START = dt.date(2011, 4, 1)
TARGET = ROOT / "swp_rules" / "examples" / "practice.jsonl"


#: Placements, as (code, share of placements, weekly cost range in pounds): mostly foster care, as in the pilot.
PLACEMENTS = (
    ("Q1", 0.50, (330, 520)),   # foster placement with a relative or friend / in-house foster care
    ("Q2", 0.28, (380, 700)),   # other foster placement
    ("P1", 0.08, (0, 60)),      # placed with parents
    ("H5", 0.08, (450, 800)),   # semi-independent living
    ("K2", 0.06, (2400, 3400)),  # children's home
)


def _placement(rng: random.Random) -> tuple[str, str]:
    pick = rng.random()
    for code, share, (low, high) in PLACEMENTS:
        if pick < share:
            return code, f"{rng.randint(low, high)}.{rng.choice(('00', '50'))}"
        pick -= share
    return "Q2", "450.00"


def _access(rng: random.Random, child: str, begin: dt.date, end: dt.date) -> list[dict[str, object]]:
    """Requests to reach the allocated social worker, mostly answered within the day, a few late or not at all."""
    events: list[dict[str, object]] = []
    day = begin + dt.timedelta(days=rng.randint(5, 60))
    serial = 0
    while day < end:
        serial += 1
        asked = dt.datetime.combine(day, dt.time(rng.randint(8, 19), rng.choice((0, 15, 30, 45))))
        request = f"{child}-A{serial:02d}"
        events.append({"id": request, "child": child, "type": "access_requested", "date": asked.isoformat()})
        fate = rng.random()
        if fate < 0.93:
            answered = asked + dt.timedelta(minutes=rng.randint(20, 23 * 60))
        elif fate < 0.98:
            answered = asked + dt.timedelta(hours=rng.randint(25, 60))
        else:
            answered = None
        if answered is not None and answered.date() < end:
            events.append({"id": f"{request}R", "child": child, "type": "access_responded",
                           "date": answered.isoformat(), "request": request})
        day += dt.timedelta(days=rng.randint(30, 90))
    return events


def main() -> None:
    rng = random.Random(2011)
    lines: list[str] = []
    end = dt.date(2012, 3, 31)
    for index in range(150):
        events = child_events(rng, index + 1, dt.date(2010, 10, 1), 548)
        child = events[0]["child"].replace("C", "EX", 1)
        assigned: dt.date | None = None
        for event in events:
            event["child"] = child
            event["id"] = event["id"].replace("C", "EX", 1)
            if event["type"] == "placement_started":
                event["placement"], event["weekly_cost"] = _placement(rng)
            if event["type"] == "practice_assigned":
                event["practice"] = PRACTICE
                assigned = max(dt.date.fromisoformat(event["date"]), CONTRACT_START)
                event["date"] = assigned.isoformat()
        if index >= 120:  # the council keeps these children itself
            events = [e for e in events if e["type"] != "practice_assigned"]
        elif assigned is not None:
            left = next((dt.date.fromisoformat(e["date"]) for e in events if e["type"] == "looked_after_ended"), end)
            events.extend(_access(rng, child, assigned, min(left, end)))
        lines.extend(json.dumps(e, separators=(", ", ": ")) for e in events)
    TARGET.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(lines)} events")


if __name__ == "__main__":
    main()
