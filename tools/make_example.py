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


def main() -> None:
    rng = random.Random(2011)
    lines: list[str] = []
    for index in range(150):
        events = child_events(rng, index + 1, dt.date(2010, 10, 1), 548)
        for event in events:
            event["child"] = event["child"].replace("C", "EX", 1)
            event["id"] = event["id"].replace("C", "EX", 1)
            if event["type"] == "practice_assigned":
                event["practice"] = PRACTICE
                event["date"] = max(dt.date.fromisoformat(event["date"]), CONTRACT_START).isoformat()
        if index >= 120:  # the council keeps these children itself
            events = [e for e in events if e["type"] != "practice_assigned"]
        lines.extend(json.dumps(e, separators=(", ", ": ")) for e in events)
    TARGET.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(lines)} events")


if __name__ == "__main__":
    main()
