"""SSDA903 import benchmark: import + check (+ indicators) on the public fixture (2,675 children). Target: < 3 s.

    python bench/bench_import_903.py [--fixture DIR] [--jobs N]

Prints, for the Python API in one process, the seconds for each step, and then the wall-clock seconds of the three
commands a council would run (``swp-rules import-903``, ``check``, ``indicators``; each start-up included).
``indicators`` is run through the command when it is registered, else through ``compute_indicators``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import peak_rss_mib, stopwatch

REPO = Path(__file__).resolve().parents[1]
FIXTURES = (REPO.parent / "shared" / "data" / "ssda903-public-fixture",
            Path("/work/shared/data/ssda903-public-fixture"))
PERIOD = "2017-04-01..2018-03-31"
AS_OF = "2018-03-31"


def _api(fixture: Path, out: Path) -> float:
    import datetime as dt
    import json

    from swp_rules.engine import Engine
    from swp_rules.engine.evaluate import REPORTED
    from swp_rules.indicators.compute import compute_indicators
    from swp_rules.periods import parse_period
    from swp_rules.ssda903 import import_903

    total = 0.0
    with stopwatch() as elapsed:
        result = import_903(fixture)
    total += elapsed()
    print(f"  import_903          {elapsed():6.2f} s  {sum(c.read for c in result.counts.values()):,} rows -> "
          f"{len(result.events):,} events, {len(result.rejected)} rows rejected, "
          f"{len(result.unevaluable):,} of {result.children:,} children cannot be evaluated")
    with stopwatch() as elapsed, out.open("w", encoding="utf-8") as handle:
        for record in result.records():
            handle.write(json.dumps(record, separators=(",", ":")) + "\n")
    total += elapsed()
    print(f"  write JSONL         {elapsed():6.2f} s")
    with stopwatch() as elapsed:
        evaluation = Engine().evaluate(result.events, dt.date.fromisoformat(AS_OF), keep=REPORTED)
    total += elapsed()
    print(f"  evaluate (check)    {elapsed():6.2f} s  {len(evaluation.breaches):,} breaches, "
          f"{len(evaluation.open):,} open, {len(evaluation.not_evaluated):,} not evaluated")
    with stopwatch() as elapsed:
        report = compute_indicators(result.events, parse_period(PERIOD))
    total += elapsed()
    print(f"  compute_indicators  {elapsed():6.2f} s  {len(report.results)} results")
    print(f"  API total           {total:6.2f} s  (peak {peak_rss_mib():.0f} MiB)")
    return total


def _indicators_registered() -> bool:
    from swp_rules.cli import indicators

    return any(c.name == "indicators" for c in indicators.COMMANDS)


def _cli(fixture: Path, out: Path, jobs: int | None) -> float:
    exe = [sys.executable, "-m", "swp_rules"]
    steps: list[tuple[str, list[str]]] = [
        ("import-903", [*exe, "import-903", str(fixture), "-o", str(out), "--format", "json"]),
        ("check", [*exe, "check", str(out), "--as-of", AS_OF, "--format", "json",
                   *(["--jobs", str(jobs)] if jobs else [])]),
    ]
    if _indicators_registered():
        steps.append(("indicators", [*exe, "indicators", str(out), "--period", PERIOD, "--format", "json"]))
    else:
        code = ("import sys; from swp_rules.io.events import load_events; from swp_rules.periods import parse_period;"
                "from swp_rules.indicators.compute import compute_indicators;"
                f"compute_indicators(load_events([sys.argv[1]]).events, parse_period({PERIOD!r}))")
        steps.append(("indicators (API)", [sys.executable, "-c", code, str(out)]))
    total = 0.0
    for name, command in steps:
        with stopwatch() as elapsed:
            done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        total += elapsed()
        if done.returncode not in (0, 1):
            raise SystemExit(f"{name} failed (exit {done.returncode}): {done.stderr[-400:]}")
        print(f"  {name:18}  {elapsed():6.2f} s  exit {done.returncode}")
    print(f"  commands total      {total:6.2f} s  (target < 3 s)")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", type=Path, default=next((p for p in FIXTURES if p.is_dir()), None))
    parser.add_argument("--jobs", type=int, default=None, help="check --jobs (default: one per core)")
    args = parser.parse_args()
    if args.fixture is None or not args.fixture.is_dir():
        raise SystemExit("the public SSDA903 fixture was not found; pass --fixture DIR")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "events.jsonl"
        print(f"SSDA903 public fixture: {args.fixture}")
        print("Python API, one process:")
        _api(args.fixture, out)
        print("Commands, one process each:")
        _cli(args.fixture, out, args.jobs)


if __name__ == "__main__":
    main()
