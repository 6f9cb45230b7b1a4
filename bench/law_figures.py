"""What two readings of the law do to a cohort's breaches: the coronavirus modifications of 2020 (SI 2020/445, a
duty due from 24 April to 25 September 2020 is due by 25 September) and the initial health assessment (SI 2010/959
reg 7, before the first review, beside the statutory guidance's 20 working days).

    python bench/law_figures.py [--children 2000] [--start 2019-04-01] [--years 3] [--as-of 2022-04-01]

The cohort is the seeded generator of ``bench/cohort.py``; the same events are evaluated with the shipped rules and
with the same rules without their ``relaxations:``. Figures are counts, not timings.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt

import attrs
from cohort import cohort

from swp_rules import load_records
from swp_rules.engine import Engine, load_rulebook
from swp_rules.engine.rulebook import RuleBook

RULES = ("visit.first", "visit.regular", "review.first", "review.second", "review.later", "placement-plan.each",
         "health.initial", "health.initial-20wd")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2019, 4, 1))
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2022, 4, 1))
    args = parser.parse_args()
    events = load_records(list(cohort(args.children, start=args.start, days=365 * args.years))).events
    book = load_rulebook()
    plain = RuleBook.of([attrs.evolve(r, relaxations=()) for r in book.rulesets])
    shipped = Engine(book).evaluate(events, args.as_of)
    without = Engine(plain).evaluate(events, args.as_of)
    counts = collections.Counter(b.rule for b in shipped.breaches)
    before = collections.Counter(b.rule for b in without.breaches)
    print(f"{args.children} children, {len(events)} events, {args.start} + {args.years} years, as of {args.as_of}")
    print(f"{'rule':24} {'breaches':>9} {'without relaxations':>20}")
    for rule in RULES:
        print(f"{rule:24} {counts[rule]:>9} {before[rule]:>20}")
    moved = collections.Counter(r.status for r in shipped.records if "coronavirus modifications" in r.explanation)
    print("records whose due date the 2020 modifications moved to 25 Sep 2020:", dict(sorted(moved.items())))


if __name__ == "__main__":
    main()
