"""Run every benchmark in ``bench/`` with its default sizes and print the figures (``make bench``).

    python bench/run.py [--quick]

``--quick`` runs each at a small size, to check that the benchmarks work.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK = {
    "bench_reader.py": ["--events", "50000"],
    "bench_engine.py": ["--children", "1000"],
    "bench_indicators.py": ["--children", "1000"],
    "bench_payments.py": ["--children", "200", "--core-runs", "10"],
    "bench_table_vs_json.py": ["--children", "2000"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        extra = QUICK.get(script.name, []) if args.quick else []
        if subprocess.run([sys.executable, str(script), *extra]).returncode != 0:
            failed.append(script.name)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
