"""``swp-rules rulesets test | lint | diff``: the ruleset author's tools (run test cases, find problems, compare).

Exit codes (SPEC.md §3): 0 nothing to report; 1 a case failed, a lint finding, (``diff --exit-code``) a difference;
2 could not run (no case or ruleset found, a case or ruleset that cannot be read).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click
from rich.table import Table

from swp_rules.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    CannotRun,
    dump_json,
    format_option,
    open_output,
    render_table,
    resolve_format,
    ruleset_error,
    write_csv,
)
from swp_rules.rulesets.loader import RulesetError


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
    chosen = _format(fmt, output)
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
            out.write(f"{len(results)} case{'' if len(results) == 1 else 's'}: {counts['pass']} passed, "
                      f"{counts['fail']} failed{errors}\n")
    if counts["error"]:
        return EXIT_CANNOT_RUN
    return EXIT_FINDINGS if counts["fail"] else EXIT_CLEAN


@click.command("lint")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--alone", is_flag=True, help="Do not read the shipped statutory rulesets beside the files (by default "
              "a hand-on to a statutory rule is found, and a version overlapping a statutory one is reported).")
@format_option
def lint_command(*, paths: tuple[str, ...], alone: bool, fmt: str | None, output: Path | None) -> int:
    """Find problems in valid rulesets (files, folders, ids, groups): in-force dates of a rule's versions that
    overlap or leave a gap, rules that can never apply, unused or undeclared parameters, discharges no event can
    match, then: cycles. Each as file:line: key: reason. Exit 1 if any."""
    from swp_rules.rulesets.lint import lint

    try:
        findings = lint(paths, context=not alone)
    except RulesetError as exc:
        raise ruleset_error(exc, "nothing to lint") from None
    chosen = _format(fmt, output)
    with open_output(output) as out:
        if chosen == "json":
            dump_json({"findings": [f.to_dict() for f in findings]}, out)
        else:
            for finding in findings:
                out.write(f"{finding}\n")
            out.write(f"{len(findings)} finding{'' if len(findings) == 1 else 's'}\n")
    return EXIT_FINDINGS if findings else EXIT_CLEAN


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--exit-code", "exit_code", is_flag=True, help="Exit 1 when there are differences.")
@format_option
def diff_command(*, old: str, new: str, exit_code: bool, fmt: str | None, output: Path | None) -> int:
    """What changed from OLD to NEW (each a ruleset file, folder, id or group): rules added and removed; timescales,
    scopes, citations, in-force dates and other fields changed; parameters added, removed or changed."""
    from swp_rules.rulesets.diff import diff_rulesets

    try:
        result = diff_rulesets(old, new)
    except RulesetError as exc:
        raise ruleset_error(exc) from None
    chosen = _format(fmt, output)
    with open_output(output) as out:
        if chosen == "json":
            dump_json(result.to_dict(), out)
        elif chosen == "csv":
            write_csv([_csv_change(c.to_dict()) for c in result.changes], ("change", "item", "field", "old", "new"),
                      out)
        else:
            sides = [", ".join(f"{r['id']} {r['version']}" for r in side) for side in (result.old, result.new)]
            table = Table(title=f"{sides[0]} → {sides[1]}: {len(result.changes)} changes", title_justify="left",
                          show_lines=True)
            for column in ("change", "item", "field", "old", "new"):
                table.add_column(column, overflow="fold")
            for change in result.changes:
                table.add_row(change.change, change.item, change.field, _cell(change.old), _cell(change.new))
            render_table(out, table)
    return EXIT_FINDINGS if exit_code and result.changes else EXIT_CLEAN


def _format(fmt: str | None, output: Path | None) -> str:
    """The author's tools print text (``file:line: key: reason``, PASS/FAIL lines, a table) unless JSON or CSV is
    asked for, by ``--format`` or by the ``--output`` file's suffix: their output is read by people and CI logs."""
    if fmt:
        return fmt
    return resolve_format(None, output) if output is not None else "table"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_change(row: dict[str, object]) -> dict[str, object]:
    return {k: "; ".join(str(x) for x in v) if isinstance(v, list) else v for k, v in row.items()}


COMMANDS: Sequence[click.Command] = [test_command, lint_command, diff_command]
