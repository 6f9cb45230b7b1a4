"""``python -m swp_rules.schema [--check]``: regenerate the shipped JSON Schemas (or only report stale ones)."""

from __future__ import annotations

import sys

from swp_rules import schema


def main(argv: list[str]) -> int:
    if argv not in ([], ["--check"]):
        print("usage: python -m swp_rules.schema [--check]", file=sys.stderr)
        return 2
    if argv == ["--check"]:
        stale = schema.stale()
        for path in stale:
            print(f"stale: {path} (run python -m swp_rules.schema)", file=sys.stderr)
        return 1 if stale else 0
    for path in schema.write():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
