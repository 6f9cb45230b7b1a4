"""``swp-rules rulesets test | lint | diff``: the ruleset author's tools (run test cases, find problems, compare).

Exit codes (SPEC.md §3): 0 nothing to report; 1 a case failed, a lint finding, (``diff --exit-code``) a difference;
2 could not run (no case or ruleset found, a case or ruleset that cannot be read).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from swp_rules.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    CannotRun,
    dump_json,
    format_option,
    open_output,
    resolve_format,
)


@click.command("test")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--matcher", type=click.Choice(["durable", "oracle", "both"]), default="durable", show_default=True,
              help="The rule-matching core to run the duty cases with (both: each case twice).")
@format_option
def test_command(*, paths: tuple[str, ...], matcher: str, fmt: str | None, output: Path | None) -> int:
    """Run ruleset test cases (files, or folders of .yaml cases): each passes or fails with the difference between
    what it expects and what the rules give. Exit 1 if any fails, 2 if any cannot run."""
    from swp_rules.rulesets.cases import case_files, run_cases

    files = case_files(paths)
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        raise CannotRun(f"no such case file or folder: {', '.join(missing)}")
    if not files:
        raise CannotRun("no test case (.yaml) found in " + ", ".join(paths))
    matchers = ("durable", "oracle") if matcher == "both" else (matcher,)
    results = run_cases(files, matchers)
    counts = {s: sum(1 for r in results if r.status == s) for s in ("pass", "fail", "error")}
    chosen = resolve_format(fmt, output)
    with open_output(output) as out:
        if chosen == "json":
            dump_json({"cases": [r.to_dict() for r in results],
                       "summary": {"cases": len(results), "passed": counts["pass"], "failed": counts["fail"],
                                   "errors": counts["error"]}}, out)
        else:
            for result in results:
                shown = result.matcher if len(matchers) > 1 else ""
                tag = f" [{shown}]" if shown else ""
                out.write(f"{result.status.upper():5} {result.file}: {result.name}{tag}\n")
                for difference in result.differences:
                    out.write(f"      {difference}\n")
            errors = f", {counts['error']} could not run" if counts["error"] else ""
            out.write(f"{len(results)} cases: {counts['pass']} passed, {counts['fail']} failed{errors}\n")
    if counts["error"]:
        return EXIT_CANNOT_RUN
    return EXIT_FINDINGS if counts["fail"] else EXIT_CLEAN


COMMANDS: Sequence[click.Command] = [test_command]
