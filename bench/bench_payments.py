"""Payment statements benchmark: the settlement core alone, and ``swp-rules payments`` end to end.

    python bench/bench_payments.py [--children 500 2000] [--core-runs 200]

1. **Core**: the illustrative Liverpool-style contract settled over its whole four-year term (17 quarterly
   periods, 48 service-level months) from given measure values (``FixedMeasures``), ``--core-runs`` times:
   statements/s and lines/s. This is the Decimal/Fraction arithmetic and the caps, without the indicator engine.
2. **End to end**: for each cohort size, seeded synthetic case records (``bench/cohort.py``, about 30 events a
   child-year, practices SWP-North and SWP-South), the same contract pointed at SWP-North, settled for the 2011/12
   financial year (4 quarters, rolling 12-month windows, 12 service-level months) from the events: the indicator
   engine computes every measure per window, and one duty evaluation is shared. Each run is in a fresh process, so
   peak memory is the run's own.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import peak_rss_mib, stopwatch
from cohort import write_jsonl

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "rulesets" / "contracts" / "liverpool-pss-illustrative.yaml"


def _core(runs: int) -> None:
    from decimal import Decimal
    from fractions import Fraction

    from swp_rules.contracts import FixedMeasures, FixedSpend, load_contract, settle
    from swp_rules.periods import ReportingPeriod

    contract = load_contract("contracts/liverpool-pss-illustrative")
    values = {m: Fraction(7, 10) for m in contract.measures()}
    values["NI58"] = Fraction(14)
    values["NI62"] = Fraction(1, 10)
    measures = FixedMeasures(values)
    term = ReportingPeriod(contract.start, contract.end)
    lines = 0
    with stopwatch() as elapsed:
        for _ in range(runs):
            statement = settle(contract, term, measures=measures, spend=FixedSpend(Decimal("800000.00")))
            lines += sum(len(p.outcomes) + len(p.deductions) + 1 for p in statement.periods)
    periods = len(statement.periods) * runs
    print(f"core     {runs:>5} statements ({periods:,} settlement periods, {lines:,} lines) in {elapsed():6.2f} s | "
          f"{runs / elapsed():7.1f} statements/s | {lines / elapsed():9,.0f} lines/s | peak {peak_rss_mib():5.0f} MiB",
          flush=True)


def _end_to_end(events: Path, contract: Path) -> None:
    from swp_rules.contracts import load_contract, settle
    from swp_rules.io.events import load_events
    from swp_rules.periods import parse_period

    with stopwatch() as elapsed:
        loaded = load_events([events])
        read = elapsed()
        statement = settle(load_contract(contract), parse_period("2011/12"), events=loaded.events)
    children = len({e.child for e in loaded.events})
    print(f"payments {children:>6,} children {loaded.counts.evaluated:>9,} events | read {read:5.1f} s | "
          f"settle {elapsed() - read:6.1f} s | total {elapsed():6.1f} s | peak {peak_rss_mib():5.0f} MiB | "
          f"{len(statement.periods)} periods, total {statement.totals.total}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, nargs="*", default=[500, 2000])
    parser.add_argument("--core-runs", type=int, default=200)
    parser.add_argument("--child-run", nargs=2, metavar=("EVENTS", "CONTRACT"), help=argparse.SUPPRESS)
    parser.add_argument("--core-run", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_run:
        _end_to_end(Path(args.child_run[0]), Path(args.child_run[1]))
        return
    if args.core_run:
        _core(args.core_run)
        return
    here = str(Path(__file__).resolve())
    subprocess.run([sys.executable, here, "--core-run", str(args.core_runs)], check=True)
    with tempfile.TemporaryDirectory() as folder:
        contract = Path(folder) / "contract.yaml"
        contract.write_text(CONTRACT.read_text(encoding="utf-8").replace("practice: liverpool-pss",
                                                                         "practice: SWP-North"), encoding="utf-8")
        for children in args.children:
            events = Path(folder) / f"cohort-{children}.jsonl"
            write_jsonl(events, children)
            subprocess.run([sys.executable, here, "--child-run", str(events), str(contract)], check=True)


if __name__ == "__main__":
    main()
