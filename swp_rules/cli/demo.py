"""``swp-rules demo``: the whole pipeline on the embedded example practice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from swp_rules import examples
from swp_rules.cli.common import (
    EXIT_CLEAN,
    dump_json,
    format_option,
    open_output,
    render_table,
    resolve_format,
    write_csv,
)
from swp_rules.contracts import load_contract, settle
from swp_rules.contracts.settle import duty_rulesets_for
from swp_rules.engine import Engine, load_rulebook
from swp_rules.engine.evaluate import Evaluation
from swp_rules.indicators import compute_indicators
from swp_rules.io.events import load_events
from swp_rules.periods import parse_period
from swp_rules.report import duties as report
from swp_rules.report.indicators import indicators_table
from swp_rules.report.payments import heading, period_tables, totals_table
from swp_rules.text import day_text


def _families(evaluation: Evaluation) -> Table:
    breaches = Counter(b.rule.split(".")[0] for b in evaluation.breaches)
    open_ = Counter(o.rule.split(".")[0] for o in evaluation.open)
    table = Table(title="Duties by family", title_justify="left")
    for column in ("family", "breaches", "open"):
        table.add_column(column, justify="left" if column == "family" else "right")
    for family in sorted(set(breaches) | set(open_)):
        table.add_row(family, str(breaches[family]), str(open_[family]))
    return table


@click.command("demo")
@format_option
def demo_command(fmt: str | None, output: Path | None) -> int:
    """Run the whole pipeline on the embedded example practice (synthetic data).

    Reads the example's case events; evaluates every statutory duty (and the contract's 24-hour access duty) as of
    the end of the 2011/12 financial year; computes the outcome indicators for the year; and settles the
    illustrative Liverpool-style contract's payments, with reductions, bonus and deductions. Exits 0 when the
    pipeline ran: the example's breaches are its content, not a failure of the run.
    """
    path = examples.events_path()
    loaded = load_events([path])
    contract = load_contract(examples.CONTRACT)
    period = parse_period(examples.PERIOD)
    duty_ids = duty_rulesets_for(contract)  # the statutory duties and the contract's own (24-hour access)
    engine = Engine(load_rulebook(duty_ids))
    evaluation = engine.evaluate(loaded.events, examples.AS_OF)
    indicators = compute_indicators(loaded.events, period, duty_rulesets=duty_ids, evaluation=evaluation)
    statement = settle(contract, period, events=loaded.events, duty_rulesets=duty_ids)
    chosen = resolve_format(fmt or ("table" if output is None else None), output)
    with open_output(output) as out:
        if chosen == "csv":
            write_csv(report.breach_rows(evaluation.breaches) + report.open_rows(evaluation.open),
                      report.CSV_COLUMNS, out)
        elif chosen == "json":
            document: dict[str, Any] = {
                "as_of": examples.AS_OF.isoformat(),
                "period": examples.PERIOD,
                "rulesets": list(evaluation.rulesets),
                "input": loaded.counts.to_dict(),
                "children": evaluation.children,
                "breaches": [b.to_dict() for b in evaluation.breaches],
                "open": [o.to_dict() for o in evaluation.open],
                "indicators": indicators.to_dict()["indicators"],
                "payments": statement.to_dict(),
                "rejected": [r.to_dict() for r in loaded.rejected],
            }
            dump_json(document, out)
        else:
            earliest = sorted(evaluation.breaches, key=lambda b: (str(b.due), b.child, b.rule))[:8]
            render_table(
                out,
                Text.from_markup(
                    f"[bold]swp-rules demo[/bold]: the embedded example practice ({evaluation.children} synthetic "
                    f"children, {loaded.counts.evaluated} events; {examples.PRACTICE} takes over 120 of them on 1 "
                    "April 2011)\n"),
                Text.from_markup(f"[bold]1. Statutory and contract duties[/bold] as of {day_text(examples.AS_OF)}"),
                _families(evaluation),
                report.breaches_table(earliest),
                f"{len(evaluation.breaches)} breaches and {len(evaluation.open)} open duties in all.\n",
                Text.from_markup(f"[bold]2. Outcome indicators[/bold] for {period}, overall and for the practice"),
                indicators_table(indicators),
                Text.from_markup(f"\n[bold]3. Payments[/bold] under the illustrative contract for {period}"),
                heading(statement),
                *[part for item in statement.periods for part in period_tables(item)],
                totals_table(statement),
                f"Rounding: {statement.rounding}\n",
                "Explore further:\n"
                f"  swp-rules check {path} --as-of {examples.AS_OF}\n"
                f"  swp-rules explain {path} --child EX000001 --as-of {examples.AS_OF}\n"
                f"  swp-rules indicators {path} --period {period}\n"
                f"  swp-rules payments {path} --contract {examples.CONTRACT} --period {period}",
            )
    return EXIT_CLEAN


COMMANDS: list[click.Command] = [demo_command]
