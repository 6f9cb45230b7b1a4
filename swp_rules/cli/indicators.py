"""``swp-rules indicators``: outcome indicators for a reporting period, overall and per practice (SPEC.md §2-§3)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from swp_rules.cli import common
from swp_rules.engine import load_rulebook
from swp_rules.indicators import load_indicator_definitions
from swp_rules.indicators.compute import IndicatorResult, compute_files, select
from swp_rules.io.events import InputError, Rejection
from swp_rules.periods import parse_period
from swp_rules.report.documents import rulesets_used, run_summary
from swp_rules.report.formats import dump_json, table_of, write_csv_tables, write_jsonl
from swp_rules.report.indicators import indicators_table
from swp_rules.report.period_documents import IndicatorsDocument
from swp_rules.rulesets.loader import RulesetError


def split_rulesets(items: Sequence[str]) -> tuple[list[str], list[str]]:
    """``--ruleset`` values as the indicator rulesets and the duty rulesets to load (by each file's ``kind``;
    each kind defaults to its shipped group: ``outcomes``, ``statutory``)."""
    chosen = common.choose_rulesets(items, ("indicators", "duties"))
    return chosen["indicators"], chosen["duties"]


@click.command("indicators")
@click.argument("events", nargs=-1, type=click.Path(path_type=str))
@click.option("--period", "period_text", required=True, metavar="START..END",
              help="The reporting period: START..END (dates included) or a financial year such as 2011/12.")
@click.option("--indicator", "indicator_ids", multiple=True, metavar="ID",
              help="An indicator to compute (repeatable). Default: every one in force at the period end.")
@common.ruleset_option
@common.format_option
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for large cohorts (default: one per core). The results do not depend on it.")
@common.dask_options
@common.quiet_option
def indicators_command(*, events: tuple[str, ...], period_text: str, indicator_ids: tuple[str, ...],
                       rulesets: tuple[str, ...], params: tuple[str, ...], fmt: str | None, output: Path | None,
                       jobs: int | None, dask: str | None, ship: bool, quiet: bool) -> int:
    """Outcome indicators for a period: numerator, denominator, value and the children in each."""
    address = common.dask_address(dask)
    try:
        period = parse_period(period_text)
    except ValueError as exc:
        raise common.CannotRun(f"--period: {exc}") from None
    chosen = list(indicator_ids) or None
    chosen_format = common.resolve_format(fmt, output)
    indicator_rulesets, duty_rulesets = split_rulesets(rulesets)
    parameters = common.run_parameters(params)
    try:
        # check the rulesets, parameters and indicator ids before reading any event (exit 2 evaluates nothing)
        definitions = load_indicator_definitions(indicator_rulesets, parameters)
        selected = select(definitions, chosen, period.end)
        described = [r.describe() for r in definitions]
        if rulesets or parameters or any(d.numerator.kind == "duty_compliance" for d in selected):
            described += load_rulebook(duty_rulesets, parameters).describe()
    except RulesetError as exc:
        raise common.ruleset_error(exc) from None
    except KeyError as exc:
        raise common.CannotRun(f"--indicator: {exc.args[0]}") from None
    common.check_parameters_used(parameters, described)
    if not events:
        raise common.CannotRun("no EVENTS file given")
    common.tune_gc()
    try:
        with common.progress("Computing indicators", quiet):
            if address is None:
                computed = compute_files(events, period, indicators=chosen, rulesets=indicator_rulesets,
                                         duty_rulesets=duty_rulesets, jobs=jobs, parameters=parameters)
            else:
                from swp_rules import distributed

                try:
                    computed = distributed.compute_files(address, events, period, indicators=chosen,
                                                         rulesets=indicator_rulesets, duty_rulesets=duty_rulesets,
                                                         ship=ship, parameters=parameters)
                except (distributed.DistributedError, OSError) as exc:
                    raise common.CannotRun(f"--dask: {exc}") from None
    except InputError as exc:
        raise common.CannotRun(str(exc)) from None
    except RulesetError as exc:  # pragma: no cover - checked above; a file changed while the command ran
        raise common.ruleset_error(exc) from None
    report, rejected, counts = computed.report, computed.rejected, computed.counts
    document = IndicatorsDocument(report.period, rulesets_used(report.rulesets), counts, report.results,
                                  tuple(rejected))
    if chosen_format == "xlsx":
        from swp_rules.report.workbook import indicators_workbook

        common.write_workbook(indicators_workbook(document), output)
        return common.EXIT_FINDINGS if rejected else common.EXIT_CLEAN
    with common.open_output(output) as out:
        if chosen_format == "json":
            dump_json(document, out)
        elif chosen_format == "jsonl":
            write_jsonl(out, "indicator", document.indicators)
            write_jsonl(out, "rejected", document.rejected)
            write_jsonl(out, "summary", [run_summary("indicators", document)])
        elif chosen_format == "csv":
            write_csv_tables([table_of("indicators", IndicatorResult, document.indicators),
                              table_of("rejected", Rejection, document.rejected)], out, output)
        else:
            parts: list[Any] = [indicators_table(report)]
            if rejected:
                parts.append(common.rejected_table(rejected))
            parts.append(common.counts_line(counts))
            common.render_table(out, *parts)
    return common.EXIT_FINDINGS if rejected else common.EXIT_CLEAN


COMMANDS: list[click.Command] = [indicators_command]
