"""Presenting payment statements: terminal tables and CSV rows, every line with its explanation."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from swp_rules.contracts import PaymentStatement, PeriodStatement
from swp_rules.contracts.money import ZERO, pounds_text
from swp_rules.contracts.settle import value_text
from swp_rules.report.convert import decimal_number
from swp_rules.report.formats import CsvTable
from swp_rules.text import exact_text, month_text, percent_text

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

CSV_COLUMNS: Final = (
    "kind", "period_start", "period_end", "contract_year", "item", "title", "measure", "window_start", "window_end",
    "value", "numerator", "denominator", "polarity", "lower", "upper", "target", "weight", "fraction_earned", "pot",
    "paid", "reduced", "amount", "explanation",
)


# --- CSV ---------------------------------------------------------------------------------------------------------


def statement_rows(statement: PaymentStatement) -> list[dict[str, Any]]:
    """One CSV row per line of the statement: outcome (and each of its measures), bonus, deduction, period total,
    and the grand total (numbers as decimal numbers, money as pounds and pence)."""
    rows: list[dict[str, Any]] = []
    for item in statement.periods:
        base = {"period_start": item.period.start, "period_end": item.period.end,
                "contract_year": item.contract_year}
        rows.append({**base, "kind": "fee", "item": "fee", "amount": item.fee,
                     "fraction_earned": _number(item.performance_share),
                     "explanation": f"Period fee; performance-related share {percent_text(item.performance_share)}, "
                                    f"fixed part {pounds_text(item.fixed_fee)}."})
        for line in item.outcomes:
            rows.append({**base, "kind": "outcome", "item": line.outcome, "title": line.title,
                         "weight": _number(line.weight), "fraction_earned": _number(line.fraction),
                         "pot": line.pot, "paid": line.paid, "reduced": line.reduced,
                         "explanation": line.explanation})
            for m in line.measures:
                rows.append({**base, "kind": "measure", "item": line.outcome, "measure": m.measure,
                             "window_start": m.window.start, "window_end": m.window.end,
                             "value": _number(m.value), "numerator": _number(m.numerator),
                             "denominator": _number(m.denominator), "polarity": m.scale.get("polarity"),
                             "lower": _scale_number(m.scale.get("lower")),
                             "upper": _scale_number(m.scale.get("upper")),
                             "weight": _number(m.weight), "fraction_earned": _number(m.fraction)})
        if item.bonus is not None:
            rows.append({**base, "kind": "bonus", "item": "bonus", "pot": item.bonus.pool,
                         "amount": item.bonus.amount, "explanation": item.bonus.explanation})
        for d in item.deductions:
            rows.append({**base, "kind": "deduction", "item": d.service_level, "title": d.title,
                         "measure": d.measure, "window_start": d.month.start, "window_end": d.month.end,
                         "value": _number(d.value), "numerator": _number(d.numerator),
                         "denominator": _number(d.denominator), "polarity": d.polarity,
                         "target": _number(d.target), "pot": d.due, "amount": d.applied,
                         "explanation": d.explanation})
        rows.append({**base, "kind": "period_total", "item": "total", "pot": item.outcome_pot,
                     "paid": item.outcomes_paid, "reduced": item.outcomes_reduced, "amount": item.total,
                     "explanation": period_sum(item)})
    totals = statement.totals
    rows.append({"kind": "total", "item": "total", "period_start": statement.periods[0].period.start,
                 "period_end": statement.periods[-1].period.end, "pot": totals.outcome_pot,
                 "paid": totals.outcomes_paid, "reduced": totals.outcomes_reduced, "amount": totals.total,
                 "explanation": statement.rounding})
    return rows


#: The CSV tables of a statement, one kind of line each (``statement_rows``' ``kind``), with that kind's columns; the
#: first is written to the ``--output`` file, the others beside it (``out.outcomes.csv``…).
STATEMENT_TABLES: Final = (
    ("period_totals", "period_total", ("period_start", "period_end", "contract_year", "pot", "paid", "reduced",
                                       "amount", "explanation")),
    ("fees", "fee", ("period_start", "period_end", "contract_year", "fraction_earned", "amount", "explanation")),
    ("outcomes", "outcome", ("period_start", "period_end", "contract_year", "item", "title", "weight",
                             "fraction_earned", "pot", "paid", "reduced", "explanation")),
    ("measures", "measure", ("period_start", "period_end", "contract_year", "item", "measure", "window_start",
                             "window_end", "value", "numerator", "denominator", "polarity", "lower", "upper",
                             "weight", "fraction_earned")),
    ("bonuses", "bonus", ("period_start", "period_end", "contract_year", "pot", "amount", "explanation")),
    ("deductions", "deduction", ("period_start", "period_end", "contract_year", "item", "title", "measure",
                                 "window_start", "window_end", "value", "numerator", "denominator", "polarity",
                                 "target", "pot", "amount", "explanation")),
    ("totals", "total", ("period_start", "period_end", "pot", "paid", "reduced", "amount", "explanation")),
)


def statement_tables(statement: PaymentStatement) -> list[CsvTable]:
    """The statement as CSV tables, one kind of line per table (``STATEMENT_TABLES``): a spreadsheet or pandas
    reads each with one header that fits every row."""
    rows = statement_rows(statement)
    return [CsvTable(name, columns, [{c: row.get(c) for c in columns} for row in rows if row["kind"] == kind])
            for name, kind, columns in STATEMENT_TABLES]


def _number(value: int | Fraction | None) -> int | float | None:
    """An exact number as a decimal number for a spreadsheet (the JSON keeps the exact ``p/q`` beside it)."""
    return None if value is None else decimal_number(value)


def _scale_number(text: object) -> int | float | None:
    return None if text is None else decimal_number(Fraction(str(text)))


def period_sum(item: PeriodStatement) -> str:
    bonus = item.bonus.amount if item.bonus else ZERO
    return (f"Fixed fee {pounds_text(item.fixed_fee)} + outcomes paid {pounds_text(item.outcomes_paid)} + bonus "
            f"{pounds_text(bonus)} − deductions {pounds_text(item.deductions_total)} = {pounds_text(item.total)}")


# --- table -------------------------------------------------------------------------------------------------------


def heading(statement: PaymentStatement) -> Text:
    from rich.text import Text

    flag = " [ILLUSTRATIVE contract: the figures are not a real contract's]" if statement.illustrative else ""
    return Text.assemble(("Payment statement", "bold"),
                         f": {statement.title} ({statement.contract} v{statement.version}){flag}\n"
                         f"{statement.council}; practice {statement.practice}; requested period {statement.requested}")


def period_tables(item: PeriodStatement) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [
        Text.assemble("\n", (f"Settlement period {item.period}", "bold"), f" (contract year {item.contract_year}): fee "
                      f"{pounds_text(item.fee)}, performance-related share {percent_text(item.performance_share)} = "
                      f"outcome pot {pounds_text(item.outcome_pot)}, fixed part {pounds_text(item.fixed_fee)}")
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
        limits = "\n".join(thresholds(m.scale) + (f" ×{exact_text(m.weight)}" if len(line.measures) > 1 else "")
                               for m in line.measures)
        table.add_row(f"{line.outcome}\n{line.title}", measures, values, limits, percent_text(line.fraction),
                      pounds_text(line.pot), pounds_text(line.paid), pounds_text(line.reduced))
    table.add_row(Text("outcomes", style="bold"), "", "", "", "", pounds_text(item.outcome_pot),
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
            deductions.add_row(d.service_level, month_text(d.month.start),
                               "not measured" if d.value is None else percent_text(d.value),
                               ("≥ " if d.polarity == "higher" else "≤ ") + percent_text(d.target),
                               "met" if d.met else "missed", pounds_text(d.due), pounds_text(d.applied),
                               d.capped_by or "")
        parts.append(deductions)
    parts.append(period_sum(item))
    return parts


def thresholds(scale: dict[str, Any]) -> str:
    better = "↑" if scale.get("polarity") == "higher" else "↓"
    if "bands" in scale:
        return f"{better} bands " + ", ".join(f"{b['threshold']}→{b['pays']}" for b in scale["bands"])
    window = " (12 months)" if scale.get("window") == "rolling_12_months" else ""
    return f"{better} {scale['lower']} → {scale['upper']}{window}"


def totals_table(statement: PaymentStatement) -> Table:
    from rich.table import Table

    totals = statement.totals
    table = Table(title=f"Totals over {len(statement.periods)} settlement period(s)", title_justify="left")
    for column in ("fee", "fixed part", "outcome pot", "outcomes paid", "reduced", "bonus", "deductions", "total"):
        table.add_column(column, justify="right")
    table.add_row(*(pounds_text(v) for v in (totals.fee, totals.fixed_fee, totals.outcome_pot, totals.outcomes_paid,
                                             totals.outcomes_reduced, totals.bonus, totals.deductions,
                                             totals.total)))
    return table
