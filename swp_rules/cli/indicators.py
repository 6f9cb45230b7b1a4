"""``swp-rules indicators``: outcome indicators for a reporting period, overall and per practice (SPEC.md §2-§3)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from swp_rules.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    CannotRun,
    counts_line,
    csv_rejected_rows,
    dump_json,
    format_option,
    open_output,
    rejected_table,
    render_table,
    resolve_format,
    ruleset_option,
    write_csv,
)
from swp_rules.engine import load_rulebook
from swp_rules.indicators import load_indicator_definitions
from swp_rules.indicators.compute import compute_files, select
from swp_rules.io.events import InputError
from swp_rules.periods import parse_period
from swp_rules.report.indicators import CSV_COLUMNS, indicator_rows, indicators_table
from swp_rules.rulesets.loader import RulesetError, find_ruleset_file, read_yaml


def split_rulesets(items: Sequence[str]) -> tuple[list[str], list[str]]:
    """``--ruleset`` values split into indicator rulesets and duty rulesets, by each file's ``kind``."""
    indicators: list[str] = []
    duties: list[str] = []
    for item in items:
        path = find_ruleset_file(item)
        kind = read_yaml(path, item).root["kind"].value
        if kind == "indicators":
            indicators.append(item)
        elif kind == "duties":
            duties.append(item)
        else:
            raise CannotRun(f"{item}: a {kind!r} ruleset cannot be used here (give indicators or duties rulesets)")
    return indicators, duties


@click.command("indicators")
@click.argument("events", nargs=-1, type=click.Path(dir_okay=False, path_type=str))
@click.option("--period", "period_text", required=True, metavar="START..END",
              help="The reporting period: START..END (dates included) or a financial year such as 2011/12.")
@click.option("--indicator", "indicator_ids", multiple=True, metavar="ID",
              help="An indicator to compute (repeatable). Default: every one in force at the period end.")
@ruleset_option
@format_option
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for large cohorts (default: one per core). The results do not depend on it.")
def indicators_command(events: tuple[str, ...], period_text: str, indicator_ids: tuple[str, ...],
                       rulesets: tuple[str, ...], fmt: str | None, output: Path | None, jobs: int | None) -> int:
    """Outcome indicators for a period: numerator, denominator, value and the children in each."""
    try:
        period = parse_period(period_text)
    except ValueError as exc:
        raise CannotRun(f"--period: {exc}") from None
    chosen = list(indicator_ids) or None
    try:
        indicator_rulesets, duty_rulesets = split_rulesets(rulesets)
        # check the rulesets and the indicator ids before reading any event (exit 2 evaluates nothing)
        select(load_indicator_definitions(indicator_rulesets), chosen, period.end)
        if duty_rulesets:
            load_rulebook(duty_rulesets)
    except RulesetError as exc:
        raise CannotRun("invalid ruleset\n" + "\n".join(str(p) for p in exc.problems)) from None
    except KeyError as exc:
        raise CannotRun(f"--indicator: {exc.args[0]}") from None
    if not events:
        raise CannotRun("no EVENTS file given")
    try:
        computed = compute_files(events, period, indicators=chosen, rulesets=indicator_rulesets,
                                 duty_rulesets=duty_rulesets, jobs=jobs)
    except InputError as exc:
        raise CannotRun(str(exc)) from None
    except RulesetError as exc:  # pragma: no cover - checked above; a file changed while the command ran
        raise CannotRun("invalid ruleset\n" + "\n".join(str(p) for p in exc.problems)) from None
    report, rejected, counts = computed.report, computed.rejected, computed.counts
    chosen_format = resolve_format(fmt, output)
    with open_output(output) as out:
        if chosen_format == "json":
            document = report.to_dict()
            dump_json({
                "period": document["period"],
                "rulesets": document["rulesets"],
                "input": counts.to_dict(),
                "indicators": document["indicators"],
                "rejected": [r.to_dict() for r in rejected],
            }, out)
        elif chosen_format == "csv":
            write_csv(indicator_rows(report) + csv_rejected_rows(rejected), CSV_COLUMNS, out)
        else:
            parts: list[Any] = [indicators_table(report)]
            if rejected:
                parts.append(rejected_table(rejected))
            parts.append(counts_line(counts))
            render_table(out, *parts)
    return EXIT_FINDINGS if rejected else EXIT_CLEAN


COMMANDS: list[click.Command] = [indicators_command]
