"""SSDA903 benchmark: a council's monthly run on the public return (2,675 children, 34,355 events), against the DfE's
own validator on the same return.

    python bench/bench_import_903.py [--fixture DIR] [--runs N] [--dfe-seconds S | --dfe-python PYTHON]

Prints, for the Python API in one process, the seconds of each step; then the CPU seconds (user + system, start-up
included: the machine is shared) of each command in its own process, medians of ``--runs`` runs taken in turn:
``swp-rules check RETURN_DIR``, ``swp-rules indicators RETURN_DIR`` and ``swp-rules import-903``; and the pipeline's
figure (``check`` + ``indicators`` on the return folder) beside the DfE validator's: its recorded figure
(docs/scale.md), or, with ``--dfe-python``, the Python of an environment where the DfE's validator is installed
(``pip install csc-validator-be-903 pytest``), which is then run on the same return in turn with the commands
(``PYTHON -m lac_validator run-offline RETURN_DIR``) and its median taken.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import cpu_seconds, machine_line, peak_rss_mib, stopwatch

REPO = Path(__file__).resolve().parents[1]
FIXTURES = (REPO.parent / "shared" / "data" / "ssda903-public-fixture",
            Path("/work/shared/data/ssda903-public-fixture"))
PERIOD = "2017-04-01..2018-03-31"
AS_OF = "2018-03-31"
#: CPU seconds of the DfE's own validator (csc-validator-be-903, ``python -m lac_validator run-offline``) on the same
#: return, as recorded in docs/scale.md.
DFE_VALIDATOR_SECONDS = 12.9


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


def _cpu_of(command: list[str]) -> tuple[float, int]:
    """CPU seconds (user + system) of one command run to the end, and its exit code."""
    before = cpu_seconds(children=True)
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[1:4])} failed (exit {done.returncode}): {done.stderr[-400:]}")
    return cpu_seconds(children=True) - before, done.returncode


def _cli(fixture: Path, out: Path, runs: int, dfe_seconds: float, dfe_python: Path | None) -> float:
    """The commands a council runs, each in its own process (start-up included), ``runs`` times in turn: the
    median CPU seconds of each, and of the one-command pipeline (``check`` and ``indicators`` on the folder)."""
    exe = [sys.executable, "-m", "swp_rules"]
    steps: list[tuple[str, list[str]]] = [
        ("check RETURN_DIR", [*exe, "check", str(fixture), "--format", "json", "-o", str(out / "check.json")]),
        ("indicators RETURN_DIR", [*exe, "indicators", str(fixture), "--period", "2017/18", "--format", "json",
                                   "-o", str(out / "indicators.json")]),
        ("import-903", [*exe, "import-903", str(fixture), "-o", str(out / "events.jsonl"), "--format", "json"]),
    ]
    if dfe_python is not None:
        steps.append(("the DfE validator", [str(dfe_python), "-m", "lac_validator", "run-offline", str(fixture)]))
    seconds: dict[str, list[float]] = {name: [] for name, _ in steps}
    codes: dict[str, int] = {}
    _cpu_of(steps[0][1])  # a first run writes the byte-code and the ruleset cache: not measured
    for _ in range(runs):
        for name, command in steps:
            cpu, codes[name] = _cpu_of(command)
            seconds[name].append(cpu)
    for name, _ in steps:
        print(f"  {name:22}  {statistics.median(seconds[name]):6.2f} s CPU  exit {codes[name]}  "
              f"(median of {runs}: {', '.join(f'{s:.2f}' for s in sorted(seconds[name]))})")
    pipeline = statistics.median(seconds["check RETURN_DIR"]) + statistics.median(seconds["indicators RETURN_DIR"])
    if dfe_python is not None:
        dfe_seconds = statistics.median(seconds["the DfE validator"])
    print(f"  SSDA903 pipeline (check + indicators on the return folder): {pipeline:.2f} s CPU; the DfE validator "
          f"{dfe_seconds:.1f} s: {dfe_seconds / pipeline:.1f}x faster (goal: 20x)")
    return pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", type=Path, default=next((p for p in FIXTURES if p.is_dir()), None))
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (the median is printed)")
    parser.add_argument("--dfe-seconds", type=float, default=DFE_VALIDATOR_SECONDS,
                        help="CPU seconds of the DfE validator on the same return (docs/scale.md)")
    parser.add_argument("--dfe-python", type=Path,
                        help="the Python of an environment with csc-validator-be-903: run the validator in turn")
    args = parser.parse_args()
    if args.fixture is None or not args.fixture.is_dir():
        raise SystemExit("the public SSDA903 fixture was not found; pass --fixture DIR")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "events.jsonl"
        print(f"SSDA903 public fixture: {args.fixture}")
        print("Python API, one process:")
        _api(args.fixture, out)
        print(machine_line())
        print("Commands, one process each (CPU seconds, start-up included):")
        _cli(args.fixture, Path(tmp), args.runs, args.dfe_seconds, args.dfe_python)


if __name__ == "__main__":
    main()
