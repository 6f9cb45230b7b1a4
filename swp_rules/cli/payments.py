"""``swp-rules payments``: a practice contract's payment statement, every pound explained (SPEC.md §2-§3).

Exit codes (SPEC.md §3): 0 ran and nothing was withheld; 1 ran and money was withheld (an outcome reduced or a
service-level deduction applied) or records were rejected; 2 could not run (an invalid contract, with each
problem as ``file:line: key: reason``; unreadable input; a period outside the contract's term).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from swp_rules.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    CannotRun,
    counts_line,
    csv_rejected_rows,
    dump_json,
    format_option,
    open_output,
    read_events,
    rejected_table,
    render_table,
    resolve_format,
    write_csv,
)
from swp_rules.cli.indicators import split_rulesets
from swp_rules.contracts import (
    Contract,
    MeasuresUnavailable,
    NothingToSettle,
    PaymentStatement,
    PeriodStatement,
    known_measures,
    load_contract,
    settle,
)
from swp_rules.contracts.money import ZERO, exact_text, percent_text, pounds_text
from swp_rules.contracts.settle import duty_rulesets_for, value_text
from swp_rules.periods import parse_period
from swp_rules.rulesets.loader import RulesetError

CSV_COLUMNS = (
    "kind", "period_start", "period_end", "contract_year", "item", "title", "measure", "window_start", "window_end",
    "value", "numerator", "denominator", "polarity", "lower", "upper", "target", "weight", "fraction_earned", "pot",
    "paid", "reduced", "amount", "explanation", "where", "id", "field", "reason",
)


def _contract(id_or_path: str, indicator_rulesets: Sequence[str]) -> Contract:
    try:
        measures = known_measures(indicator_rulesets) if indicator_rulesets else None
    except RulesetError as exc:
        raise CannotRun("invalid ruleset\n" + "\n".join(str(p) for p in exc.problems)) from None
    try:
        return load_contract(id_or_path, measures)
    except RulesetError as exc:
        raise CannotRun("invalid contract\n" + "\n".join(str(p) for p in exc.problems)) from None


def _rulesets(contract: Contract, duty_ids: Sequence[str], indicator_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The contract, the duty rulesets and the indicator rulesets the statement rests on (ids, versions, hashes)."""
    from swp_rules.engine import load_rulebook

    described = [contract.describe()]
    try:
        described.extend(load_rulebook(duty_ids).describe())
    except RulesetError as exc:
        raise CannotRun("invalid ruleset\n" + "\n".join(str(p) for p in exc.problems)) from None
    try:
        from swp_rules.indicators import load_indicator_definitions

        described.extend(r.describe() for r in load_indicator_definitions(indicator_ids))
    except ImportError:
        pass
    except RulesetError as exc:
        raise CannotRun("invalid ruleset\n" + "\n".join(str(p) for p in exc.problems)) from None
    return described


@click.command("payments")
@click.argument("events", nargs=-1, type=click.Path(dir_okay=False, path_type=str))
@click.option("--contract", "contract_id", required=True, metavar="ID_OR_PATH",
              help="The contract: a shipped id (contracts/liverpool-pss-illustrative) or a contract file.")
@click.option("--period", "period_text", required=True, metavar="START..END",
              help="The period to settle (YYYY-MM-DD..YYYY-MM-DD or a financial year like 2011/12); every settlement "
                   "period that overlaps it is reported.")
@click.option("--ruleset", "rulesets", multiple=True, metavar="ID_OR_PATH",
              help="A duty ruleset (replaces the statutory rules behind the KPIs; the contract's own duty rulesets are "
                   "always added) or an indicator ruleset (replaces the shipped indicator definitions). Repeatable.")
@format_option
def payments_command(events: tuple[str, ...], contract_id: str, period_text: str, rulesets: tuple[str, ...],
                     fmt: str | None, output: Path | None) -> int:
    """The payment statement of a practice contract: outcome payments and reductions, the bonus with its gateway
    test, service-level deductions and the totals, per settlement period."""
    try:
        indicator_ids, chosen_duties = split_rulesets(rulesets)
    except RulesetError as exc:
        raise CannotRun("invalid ruleset\n" + "\n".join(str(p) for p in exc.problems)) from None
    contract = _contract(contract_id, indicator_ids)
    try:
        period = parse_period(period_text)
    except ValueError as exc:
        raise CannotRun(f"--period: {exc}") from None
    duty_ids = duty_rulesets_for(contract, chosen_duties)
    described = _rulesets(contract, duty_ids, indicator_ids)
    loaded = read_events(events)
    try:
        statement = settle(contract, period, events=loaded.events, duty_rulesets=duty_ids,
                           indicator_rulesets=indicator_ids)
    except NothingToSettle as exc:
        raise CannotRun(str(exc)) from None
    except MeasuresUnavailable as exc:
        raise CannotRun(str(exc)) from None
    except RulesetError as exc:
        raise CannotRun("invalid ruleset\n" + "\n".join(str(p) for p in exc.problems)) from None
    chosen = resolve_format(fmt, output)
    with open_output(output) as out:
        if chosen == "json":
            dump_json({
                "period": period.to_dict(),
                "rulesets": described,
                "input": loaded.counts.to_dict(),
                "payments": statement.to_dict(),
                "rejected": [r.to_dict() for r in loaded.rejected],
            }, out)
        elif chosen == "csv":
            write_csv(statement_rows(statement) + csv_rejected_rows(loaded.rejected), CSV_COLUMNS, out)
        else:
            parts: list[Any] = [_heading(statement)]
            for item in statement.periods:
                parts.extend(_period_tables(item))
            parts.append(_totals_table(statement))
            parts.append(f"Rounding: {statement.rounding}")
            if loaded.rejected:
                parts.append(rejected_table(loaded.rejected))
            parts.append(counts_line(loaded.counts))
            render_table(out, *parts)
    withheld = statement.totals.outcomes_reduced > 0 or statement.totals.deductions > 0
    return EXIT_FINDINGS if withheld or loaded.rejected else EXIT_CLEAN


# --- CSV ---------------------------------------------------------------------------------------------------------


def statement_rows(statement: PaymentStatement) -> list[dict[str, Any]]:
    """One CSV row per line of the statement: outcome (and each of its measures), bonus, deduction, period total,
    and the grand total."""
    rows: list[dict[str, Any]] = []
    for item in statement.periods:
        base = {"period_start": item.period.start, "period_end": item.period.end,
                "contract_year": item.contract_year}
        rows.append({**base, "kind": "fee", "item": "fee", "amount": item.fee,
                     "fraction_earned": exact_text(item.performance_share),
                     "explanation": f"Period fee; performance-related share {percent_text(item.performance_share)}, "
                                    f"fixed part {pounds_text(item.fixed_fee)}."})
        for line in item.outcomes:
            rows.append({**base, "kind": "outcome", "item": line.outcome, "title": line.title,
                         "weight": exact_text(line.weight), "fraction_earned": exact_text(line.fraction),
                         "pot": line.pot, "paid": line.paid, "reduced": line.reduced,
                         "explanation": line.explanation})
            for m in line.measures:
                rows.append({**base, "kind": "measure", "item": line.outcome, "measure": m.measure,
                             "window_start": m.window.start, "window_end": m.window.end,
                             "value": exact_text(m.value), "numerator": _text(m.numerator),
                             "denominator": _text(m.denominator), "polarity": m.scale.get("polarity"),
                             "lower": m.scale.get("lower"), "upper": m.scale.get("upper"),
                             "weight": exact_text(m.weight), "fraction_earned": exact_text(m.fraction)})
        if item.bonus is not None:
            rows.append({**base, "kind": "bonus", "item": "bonus", "pot": item.bonus.pool,
                         "amount": item.bonus.amount, "explanation": item.bonus.explanation})
        for d in item.deductions:
            rows.append({**base, "kind": "deduction", "item": d.service_level, "title": d.title,
                         "measure": d.measure, "window_start": d.month.start, "window_end": d.month.end,
                         "value": exact_text(d.value), "numerator": _text(d.numerator),
                         "denominator": _text(d.denominator), "polarity": d.polarity,
                         "target": exact_text(d.target), "pot": d.due, "amount": d.applied,
                         "explanation": d.explanation})
        rows.append({**base, "kind": "period_total", "item": "total", "pot": item.outcome_pot,
                     "paid": item.outcomes_paid, "reduced": item.outcomes_reduced, "amount": item.total,
                     "explanation": _period_sum(item)})
    totals = statement.totals
    rows.append({"kind": "total", "item": "total", "period_start": statement.periods[0].period.start,
                 "period_end": statement.periods[-1].period.end, "pot": totals.outcome_pot,
                 "paid": totals.outcomes_paid, "reduced": totals.outcomes_reduced, "amount": totals.total,
                 "explanation": statement.rounding})
    return rows


def _text(value: object) -> str | None:
    if value is None:
        return None
    return str(value) if isinstance(value, int) else exact_text(value)  # type: ignore[arg-type]


def _period_sum(item: PeriodStatement) -> str:
    bonus = item.bonus.amount if item.bonus else ZERO
    return (f"Fixed fee {pounds_text(item.fixed_fee)} + outcomes paid {pounds_text(item.outcomes_paid)} + bonus "
            f"{pounds_text(bonus)} − deductions {pounds_text(item.deductions_total)} = {pounds_text(item.total)}")


# --- table -------------------------------------------------------------------------------------------------------


def _heading(statement: PaymentStatement) -> str:
    flag = " [ILLUSTRATIVE contract: the figures are not a real contract's]" if statement.illustrative else ""
    return (f"[bold]Payment statement[/bold]: {statement.title} ({statement.contract} v{statement.version}){flag}\n"
            f"{statement.council}; practice {statement.practice}; requested period {statement.requested}")


def _period_tables(item: PeriodStatement) -> list[Any]:
    parts: list[Any] = [
        f"\n[bold]Settlement period {item.period}[/bold] (contract year {item.contract_year}): fee "
        f"{pounds_text(item.fee)}, performance-related share {percent_text(item.performance_share)} = outcome pot "
        f"{pounds_text(item.outcome_pot)}, fixed part {pounds_text(item.fixed_fee)}"
    ]
    table = Table(title="Outcomes", title_justify="left", show_lines=True)
    for column in ("outcome", "measure", "value", "thresholds", "earned", "pot", "paid", "reduced"):
        table.add_column(column, overflow="fold",
                         justify="right" if column in ("earned", "pot", "paid", "reduced") else "left")
    for line in item.outcomes:
        measures = "\n".join(m.measure for m in line.measures)
        values = "\n".join("not measured" if m.value is None else
                           value_text(m.value, m.scale) + (f" ({m.numerator}/{m.denominator})"
                                                           if m.numerator is not None else "")
                           for m in line.measures)
        thresholds = "\n".join(_thresholds(m.scale) + (f" ×{exact_text(m.weight)}" if len(line.measures) > 1 else "")
                               for m in line.measures)
        table.add_row(f"{line.outcome}\n{line.title}", measures, values, thresholds, percent_text(line.fraction),
                      pounds_text(line.pot), pounds_text(line.paid), pounds_text(line.reduced))
    table.add_row("[bold]outcomes[/bold]", "", "", "", "", pounds_text(item.outcome_pot),
                  pounds_text(item.outcomes_paid), pounds_text(item.outcomes_reduced))
    parts.append(table)
    if item.bonus is not None:
        parts.append(f"Bonus: {item.bonus.explanation}")
    missed = [d for d in item.deductions if not d.met]
    if item.deductions:
        deductions = Table(title=f"Service levels ({len(item.deductions)} month-results, {len(missed)} missed)",
                           title_justify="left")
        for column in ("service level", "month", "value", "target", "result", "due", "applied", "note"):
            deductions.add_column(column, overflow="fold",
                                  justify="right" if column in ("due", "applied") else "left")
        for d in item.deductions:
            deductions.add_row(d.service_level, f"{d.month.start:%b %Y}",
                               "not measured" if d.value is None else percent_text(d.value),
                               ("≥ " if d.polarity == "higher" else "≤ ") + percent_text(d.target),
                               "met" if d.met else "missed", pounds_text(d.due), pounds_text(d.applied),
                               d.capped_by or "")
        parts.append(deductions)
    parts.append(_period_sum(item))
    return parts


def _thresholds(scale: dict[str, Any]) -> str:
    better = "↑" if scale.get("polarity") == "higher" else "↓"
    if "bands" in scale:
        return f"{better} bands " + ", ".join(f"{b['threshold']}→{b['pays']}" for b in scale["bands"])
    window = " (12 months)" if scale.get("window") == "rolling_12_months" else ""
    return f"{better} {scale['lower']} → {scale['upper']}{window}"


def _totals_table(statement: PaymentStatement) -> Table:
    totals = statement.totals
    table = Table(title=f"Totals over {len(statement.periods)} settlement period(s)", title_justify="left")
    for column in ("fee", "fixed part", "outcome pot", "outcomes paid", "reduced", "bonus", "deductions", "total"):
        table.add_column(column, justify="right")
    table.add_row(*(pounds_text(v) for v in (totals.fee, totals.fixed_fee, totals.outcome_pot, totals.outcomes_paid,
                                             totals.outcomes_reduced, totals.bonus, totals.deductions,
                                             totals.total)))
    return table


COMMANDS: list[click.Command] = [payments_command]
