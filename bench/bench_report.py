"""How long the HTML report of the embedded example (150 children: a chronology chart each) takes to draw.

    .venv/bin/python bench/bench_report.py [--workers N]

Prints the CPU time of the 150 chronologies drawn in this process, and the wall time of the whole report as
``swp-rules demo`` draws it (chronologies on one worker per core, unless --workers says otherwise).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from swp_rules import examples
from swp_rules.contracts import load_contract
from swp_rules.contracts.settle import duty_rulesets_for
from swp_rules.engine import DutyRecord, Engine, load_rulebook
from swp_rules.io.events import load_events
from swp_rules.model import group_by_child
from swp_rules.report import charts
from swp_rules.report.html import ReportInput, render_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    loaded = load_events([examples.events_path()])
    engine = Engine(load_rulebook(duty_rulesets_for(load_contract(examples.CONTRACT))))
    evaluation = engine.evaluate(loaded.events, examples.AS_OF)
    events = group_by_child(loaded.events)
    by_child: dict[str, list[DutyRecord]] = defaultdict(list)
    for record in evaluation.records:
        by_child[record.child].append(record)
    children = sorted(set(by_child) | set(events))
    jobs = [(f"c{n}", sorted(events.get(c, ()), key=lambda e: (e.date, e.id)), by_child.get(c, []), examples.AS_OF)
            for n, c in enumerate(children)]
    charts.chronology(*jobs[0])  # Matplotlib's first-use costs (imports, font cache) are not the chart's
    started = time.process_time()
    drawn = charts.chronologies(jobs, workers=1)
    cpu = time.process_time() - started
    size = sum(len(c.svg) for c in drawn)
    print(f"{len(drawn)} chronologies in one process: {cpu:.2f} s CPU ({1000 * cpu / len(drawn):.0f} ms each, "
          f"{size / len(drawn) / 1024:.0f} KiB of SVG each)")
    if args.workers is not None:
        charts.PARALLEL_FROM = 1 if args.workers > 1 else 10**9
    started = time.perf_counter()
    page = render_report(ReportInput(
        title="bench", as_of=examples.AS_OF, records=evaluation.records, events=events, notes=evaluation.notes,
        counts=loaded.counts, rejected=loaded.rejected, rulesets=[]))
    print(f"the whole report (summary charts and {len(children)} chronologies): {time.perf_counter() - started:.2f} s "
          f"wall, {len(page) / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
