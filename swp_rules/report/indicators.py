"""Presenting indicator reports: the terminal table and CSV rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from swp_rules.indicators import IndicatorReport
from swp_rules.indicators.compute import display
from swp_rules.indicators.definitions import OUTCOMES

if TYPE_CHECKING:
    from rich.table import Table

CSV_COLUMNS: Final = (
    "kind", "indicator", "practice", "outcome", "polarity", "measure", "unit", "numerator", "denominator", "value",
    "display", "title", "citation", "numerator_children", "denominator_children",
    "source", "line", "id", "field", "reason",
)


def indicator_rows(report: IndicatorReport) -> list[dict[str, Any]]:
    rows = []
    for result in report.results:
        row = result.to_dict()
        row["indicator"] = row.pop("id")
        row["kind"] = "indicator"
        rows.append(row)
    return rows


def indicators_table(report: IndicatorReport) -> Table:
    from rich.table import Table

    table = Table(title=f"Indicators for {report.period}", title_justify="left")
    for column in ("outcome", "indicator", "practice", "numerator", "denominator", "value", "better", "title"):
        table.add_column(column, overflow="fold", justify="right" if column in ("numerator", "denominator",
                                                                                 "value") else "left")
    for result in report.results:
        table.add_row(OUTCOMES.get(result.outcome, result.outcome), result.id, result.practice or "(all)",
                      str(result.numerator), str(result.denominator), display(result.value, result.measure),
                      result.polarity, result.title)
    return table
