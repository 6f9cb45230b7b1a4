"""``swp-rules demo``: the whole pipeline on the embedded example practice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from swp_rules import examples
from swp_rules.cli.common import (
    EXIT_CLEAN,
    formats_option,
    open_output,
    render_table,
    resolve_format,
    write_text_output,
)
from swp_rules.contracts import load_contract, settle
from swp_rules.contracts.settle import duty_rulesets_for
from swp_rules.engine import Engine, load_rulebook
from swp_rules.engine.evaluate import Evaluation
from swp_rules.indicators import compute_indicators
from swp_rules.io.events import load_events
from swp_rules.periods import parse_period
from swp_rules.report import duties as report
from swp_rules.report.documents import (
    RulesetUsed,
    applied,
    check_document,
    distinct,
    rulesets_used,
    summarise,
)
from swp_rules.report.duties import check_tables
from swp_rules.report.formats import dump_json, write_csv_tables
from swp_rules.report.indicators import indicators_table
from swp_rules.report.payments import heading, period_tables, totals_table
from swp_rules.report.period_documents import DemoDocument
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
@formats_option()
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=Path("report.html"),
              show_default=True, help="Where to write the HTML report (in the working directory by default).")
@click.option("--no-report", is_flag=True, default=False, help="Do not write the HTML report.")
def demo_command(fmt: str | None, output: Path | None, report_path: Path, no_report: bool) -> int:
    """Run the whole pipeline on the embedded example practice (synthetic data).

    Reads the example's case events; evaluates every statutory duty (and the contract's 24-hour access duty) as of
    the end of the 2011/12 financial year; computes the outcome indicators for the year; and settles the
    illustrative Liverpool-style contract's payments, with reductions, bonus and deductions. Writes the HTML report
    (report.html in the working directory, or --report PATH) and says where. Exits 0 when the pipeline ran: the
    example's breaches are its content, not a failure of the run.
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
    chosen = resolve_format(fmt or ("table" if output is None else None), output, ("table", "json", "csv"))
    described = [*applied(evaluation.rulesets, (r.ruleset for r in evaluation.records)),
                 *rulesets_used(indicators.rulesets), RulesetUsed.of(contract.describe())]
    document = DemoDocument(examples.AS_OF, period, distinct(described), loaded.counts,
                            evaluation.children, evaluation.breaches, evaluation.open, indicators.results, statement,
                            loaded.rejected, summarise(evaluation.breaches, evaluation.open))
    with open_output(output) as out:
        if chosen == "csv":
            checked = check_document(evaluation, evaluation.rulesets, loaded.counts, loaded.rejected)
            write_csv_tables(check_tables(checked), out, output)
        elif chosen == "json":
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
    if not no_report:
        from swp_rules.model import group_by_child
        from swp_rules.report.html import ReportInput, render_report

        page = render_report(ReportInput(
            title="swp-rules demo: the embedded example practice (synthetic children)", as_of=examples.AS_OF,
            records=evaluation.records, events=group_by_child(loaded.events), notes=evaluation.notes,
            counts=loaded.counts, rejected=loaded.rejected, rulesets=document.rulesets, period=period,
            indicators=indicators, statement=statement))
        write_text_output(page, report_path)
        click.echo(f"Wrote the HTML report: {report_path.resolve()} (open it in a browser)", err=True)
    return EXIT_CLEAN


COMMANDS: list[click.Command] = [demo_command]
