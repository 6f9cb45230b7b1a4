"""``swp-rules payments``: a practice contract's payment statement, every pound explained (SPEC.md §2-§3).

Exit codes (SPEC.md §3): 0 ran and nothing was withheld; 1 ran and money was withheld (an outcome reduced or a
service-level deduction applied) or records were rejected; 2 could not run (an invalid contract, with each
problem as ``file:line: key: reason``; unreadable input; a period outside the contract's term).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from swp_rules.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    CannotRun,
    check_parameters_used,
    counts_line,
    format_option,
    open_output,
    read_events,
    rejected_table,
    render_table,
    resolve_format,
    ruleset_option,
    run_parameters,
    tune_gc,
    write_workbook,
)
from swp_rules.cli.indicators import split_rulesets
from swp_rules.contracts import (
    Contract,
    MeasuresUnavailable,
    NothingToSettle,
    known_measures,
    load_contract,
    settle,
)
from swp_rules.contracts.settle import duty_rulesets_for
from swp_rules.io.events import Rejection
from swp_rules.periods import parse_period
from swp_rules.report.documents import rulesets_used, run_summary
from swp_rules.report.formats import dump_json, table_of, write_csv_tables, write_jsonl
from swp_rules.report.payments import heading, period_tables, statement_tables, totals_table
from swp_rules.report.period_documents import PaymentsDocument
from swp_rules.rulesets.loader import RulesetError


def _contract(id_or_path: str, indicator_rulesets: Sequence[str]) -> Contract:
    try:
        measures = known_measures(indicator_rulesets) if indicator_rulesets else None
    except RulesetError as exc:
        raise CannotRun("invalid ruleset\n" + "\n".join(str(p) for p in exc.problems)) from None
    try:
        return load_contract(id_or_path, measures)
    except RulesetError as exc:
        raise CannotRun("invalid contract\n" + "\n".join(str(p) for p in exc.problems)) from None


def _rulesets(contract: Contract, duty_ids: Sequence[str], indicator_ids: Sequence[str],
              parameters: Mapping[str, Any], end: dt.date | None = None) -> list[dict[str, Any]]:
    """The contract, the duty rulesets and the indicator rulesets the statement rests on (ids, versions, hashes,
    parameter values); with ``end``, only the duty rulesets in force by then (the versions that can have applied)."""
    from swp_rules.engine import load_rulebook

    described = [contract.describe()]
    try:
        book = load_rulebook(duty_ids, parameters)
        described.extend(book.describe() if end is None else book.describe_in_force_by(end))
    except RulesetError as exc:
        raise CannotRun("invalid ruleset\n" + "\n".join(str(p) for p in exc.problems)) from None
    try:
        from swp_rules.indicators import load_indicator_definitions

        described.extend(r.describe() for r in load_indicator_definitions(indicator_ids, parameters))
    except ImportError:
        pass
    except RulesetError as exc:
        raise CannotRun("invalid ruleset\n" + "\n".join(str(p) for p in exc.problems)) from None
    return described


@click.command("payments")
@click.argument("events", nargs=-1, type=click.Path(path_type=str))
@click.option("--contract", "contract_id", required=True, metavar="ID_OR_PATH",
              help="The contract: a shipped id (contracts/liverpool-pss-illustrative) or a contract file.")
@click.option("--period", "period_text", required=True, metavar="START..END",
              help="The period to settle (YYYY-MM-DD..YYYY-MM-DD or a financial year like 2011/12); every settlement "
                   "period that overlaps it is reported.")
@ruleset_option
@format_option
def payments_command(*, events: tuple[str, ...], contract_id: str, period_text: str, rulesets: tuple[str, ...],
                     params: tuple[str, ...], fmt: str | None, output: Path | None) -> int:
    """The payment statement of a practice contract: outcome payments and reductions, the bonus with its gateway
    test, service-level deductions and the totals, per settlement period.

    A duty ``--ruleset`` replaces the statutory rules behind the KPIs (``+`` adds to them; the contract's own duty
    rulesets are always added); an indicator ``--ruleset`` replaces the shipped indicator definitions."""
    indicator_ids, chosen_duties = split_rulesets(rulesets)
    parameters = run_parameters(params)
    chosen = resolve_format(fmt, output)
    contract = _contract(contract_id, indicator_ids)
    try:
        period = parse_period(period_text)
    except ValueError as exc:
        raise CannotRun(f"--period: {exc}") from None
    duty_ids = duty_rulesets_for(contract, chosen_duties)
    described = _rulesets(contract, duty_ids, indicator_ids, parameters)
    check_parameters_used(parameters, described)
    tune_gc()
    loaded = read_events(events)
    try:
        statement = settle(contract, period, events=loaded.events, duty_rulesets=duty_ids,
                           indicator_rulesets=indicator_ids, parameters=parameters)
    except NothingToSettle as exc:
        raise CannotRun(str(exc)) from None
    except MeasuresUnavailable as exc:
        raise CannotRun(str(exc)) from None
    except RulesetError as exc:
        raise CannotRun("invalid ruleset\n" + "\n".join(str(p) for p in exc.problems)) from None
    applied = _rulesets(contract, duty_ids, indicator_ids, parameters, max(p.period.end for p in statement.periods))
    document = PaymentsDocument(period, rulesets_used(applied), loaded.counts, statement, loaded.rejected)
    withheld = statement.totals.outcomes_reduced > 0 or statement.totals.deductions > 0
    code = EXIT_FINDINGS if withheld or loaded.rejected else EXIT_CLEAN
    if chosen == "xlsx":
        from swp_rules.report.workbook import payments_workbook

        write_workbook(payments_workbook(document), output)
        return code
    with open_output(output) as out:
        if chosen == "json":
            dump_json(document, out)
        elif chosen == "jsonl":
            write_jsonl(out, "payments", [statement])
            write_jsonl(out, "rejected", document.rejected)
            write_jsonl(out, "summary", [run_summary("payments", document)])
        elif chosen == "csv":
            write_csv_tables([*statement_tables(statement), table_of("rejected", Rejection, document.rejected)],
                             out, output)
        else:
            parts: list[Any] = [heading(statement)]
            for item in statement.periods:
                parts.extend(period_tables(item))
            parts.append(totals_table(statement))
            parts.append(f"Rounding: {statement.rounding}")
            if loaded.rejected:
                parts.append(rejected_table(loaded.rejected))
            parts.append(counts_line(loaded.counts))
            render_table(out, *parts)
    return code


COMMANDS: list[click.Command] = [payments_command]
