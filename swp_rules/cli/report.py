"""``swp-rules report``: the self-contained HTML report (summary, indicators beside England, payments, and a page per
child with its chronology chart)."""

from __future__ import annotations

from pathlib import Path

import click

from swp_rules.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    CannotRun,
    parse_date_option,
    progress,
    quiet_option,
    read_events,
    ruleset_option,
    run_parameters,
    write_text_output,
)
from swp_rules.periods import parse_period
from swp_rules.rulesets.loader import RulesetError


@click.command("report")
@click.argument("events", nargs=-1, type=click.Path(path_type=str))
@click.option("--as-of", "as_of", required=True, metavar="DATE", help="Evaluate the duties as of this date.")
@click.option("--period", "period_text", metavar="START..END",
              help="Add the period's indicators (beside England's figures) and, with --contract, its payments.")
@click.option("--contract", "contract_id", metavar="ID_OR_PATH",
              help="Add the contract's payment statement for --period (and its own duties).")
@ruleset_option
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("report.html"), show_default=True, help="The HTML file to write.")
@click.option("--title", default="Statutory duties, indicators and payments", show_default=True,
              help="The report's title.")
@quiet_option
def report_command(*, events: tuple[str, ...], as_of: str, period_text: str | None, contract_id: str | None,
                   rulesets: tuple[str, ...], params: tuple[str, ...], output: Path, title: str,
                   quiet: bool) -> int:
    """One self-contained HTML file (no network request when opened; prints on A4, reads on a phone)."""
    from swp_rules.contracts import NothingToSettle, load_contract
    from swp_rules.report.build import report_input
    from swp_rules.report.html import render_report

    day = parse_date_option(as_of, "--as-of")
    parameters = run_parameters(params)
    try:
        period = parse_period(period_text) if period_text else None
    except ValueError as exc:
        raise CannotRun(f"--period: {exc}") from None
    if contract_id and period is None:
        raise CannotRun("--contract needs --period (the payments are settled for a period)")
    try:
        contract = load_contract(contract_id) if contract_id else None
    except RulesetError as exc:
        raise CannotRun("invalid contract\n" + "\n".join(str(p) for p in exc.problems)) from None
    loaded = read_events(events)
    try:
        with progress("Evaluating and drawing the report", quiet):
            data = report_input(loaded, day, title=title, period=period, contract=contract, rulesets=rulesets,
                                parameters=parameters)
            page = render_report(data)
    except RulesetError as exc:
        raise CannotRun("invalid ruleset\n" + "\n".join(str(p) for p in exc.problems)) from None
    except NothingToSettle as exc:
        raise CannotRun(str(exc)) from None
    write_text_output(page, output)
    click.echo(f"Wrote {output.resolve()}", err=True)
    breached = any(r.status == "breached" for r in data.records)
    return EXIT_FINDINGS if breached or loaded.rejected else EXIT_CLEAN


COMMANDS: list[click.Command] = [report_command]
