"""Excel workbooks (``--format xlsx``) for ``check``, ``explain``, ``indicators`` and ``payments`` (XlsxWriter).

Each workbook opens with a Summary sheet, then one sheet per kind of row (breaches, open duties, a per-child summary,
rejected records; for ``payments`` the statement), as the DfE's SSDA903 validator gives an error summary and a child
summary. Numbers are numbers (money with two places, proportions as percentages), dates are dates, the header row is
frozen and filtered. Every text from the data is written as a text cell (``strings_to_formulas`` is off and each
cell is written by its type) and, as in CSV, neutralised by the OWASP rule: a child id such as ``=HYPERLINK(…)`` is
shown as ``'=HYPERLINK(…)``, so it runs as a formula neither here nor when copied into another spreadsheet.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from swp_rules.io.output import neutralise_cell
from swp_rules.report.documents import CheckDocument, ExplainDocument, RuleCount
from swp_rules.report.period_documents import IndicatorsDocument, PaymentsDocument

LONDON: Final = ZoneInfo("Europe/London")
#: Excel's limit on a cell's text.
CELL_TEXT_LIMIT: Final = 32767

Getter = Callable[[Any], Any]


@attrs.frozen
class Column:
    """A sheet column: its header, how to get the value from a row, and its number format (``text``, ``int``,
    ``number``, ``money``, ``percent``, ``date``)."""

    header: str
    get: Getter
    kind: str = "text"
    width: int = 14


def col(name: str, kind: str = "text", width: int = 14, header: str | None = None) -> Column:
    return Column(header or name, lambda row: getattr(row, name) if not isinstance(row, dict) else row.get(name),
                  kind, width)


def created_stamp() -> dt.datetime:
    """The "created" property every workbook carries: ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds
    convention), else 1 January 1980, the date XlsxWriter gives the files inside the workbook; never the clock, so
    that the same run writes the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit() and len(epoch) <= 11:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return dt.datetime(1980, 1, 1)


class Book:
    """A workbook being written in memory; ``close()`` gives its bytes."""

    def __init__(self) -> None:
        import xlsxwriter

        self.buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self.buffer, {
            "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        })
        # Identical input gives an identical file: the document's "created" stamp is not the clock's.
        self.workbook.set_properties({"created": created_stamp()})
        add = self.workbook.add_format
        self.formats = {
            "header": add({"bold": True, "bg_color": "#DDE4EE", "bottom": 1, "text_wrap": True, "valign": "top"}),
            "money": add({"num_format": "#,##0.00"}),
            "percent": add({"num_format": "0.0%"}),
            "number": add({"num_format": "0.######"}),
            "date": add({"num_format": "yyyy-mm-dd"}),
            "datetime": add({"num_format": "yyyy-mm-dd hh:mm"}),
            "text": add({"text_wrap": False}),
            "wrap": add({"text_wrap": True, "valign": "top"}),
            "title": add({"bold": True, "font_size": 14}),
        }

    def sheet(self, name: str, columns: Sequence[Column], rows: Iterable[Any]) -> int:
        """A sheet of rows under a frozen, filtered header; how many rows it has."""
        sheet = self.workbook.add_worksheet(name)
        for c, column in enumerate(columns):
            sheet.write_string(0, c, column.header, self.formats["header"])
            sheet.set_column(c, c, column.width, self.formats["wrap"] if column.width >= 60 else None)
        count = 0
        for count, row in enumerate(rows, start=1):
            for c, column in enumerate(columns):
                self.cell(sheet, count, c, column.get(row), column.kind)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
        return count

    def cell(self, sheet: Any, r: int, c: int, value: Any, kind: str) -> None:
        """One cell, written by the value's type: never a formula."""
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_boolean(r, c, value)
        elif isinstance(value, dt.datetime):
            local = value.astimezone(LONDON).replace(tzinfo=None) if value.tzinfo else value
            sheet.write_datetime(r, c, local, self.formats["datetime"])
        elif isinstance(value, dt.date):
            sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), self.formats["date"])
        elif isinstance(value, Decimal):
            sheet.write_number(r, c, float(value), self.formats["money"])
        elif isinstance(value, Fraction | float):
            sheet.write_number(r, c, float(value), self.formats["percent" if kind == "percent" else "number"])
        elif isinstance(value, int):
            sheet.write_number(r, c, value)
        elif isinstance(value, list | tuple):
            sheet.write_string(r, c, neutralise_cell(" ".join(str(v) for v in value)[:CELL_TEXT_LIMIT]))
        else:
            sheet.write_string(r, c, neutralise_cell(str(value)[:CELL_TEXT_LIMIT]))

    def summary(self, title: str, lines: Sequence[tuple[str, Any]], rules: Sequence[RuleCount] = ()) -> None:
        """The Summary sheet: a title, label-value lines, and the counts by family, rule and basis."""
        sheet = self.workbook.add_worksheet("Summary")
        sheet.write_string(0, 0, title, self.formats["title"])
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 7, 14)
        for r, (label, value) in enumerate(lines, start=2):
            sheet.write_string(r, 0, label)
            self.cell(sheet, r, 1, value, "number")
        if rules:
            top = len(lines) + 3
            headers = ("family", "rule", "basis", "breaches", "open", "children", "most days late")
            for c, header in enumerate(headers):
                sheet.write_string(top, c, header, self.formats["header"])
            for r, rule in enumerate(rules, start=top + 1):
                for c, value in enumerate((rule.family, rule.rule, rule.basis, rule.breaches, rule.open,
                                           rule.children, rule.most_days_late)):
                    self.cell(sheet, r, c, value, "int")
            sheet.autofilter(top, 0, top + len(rules), len(headers) - 1)
        sheet.freeze_panes(1, 0)

    def close(self) -> bytes:
        self.workbook.close()
        return self.buffer.getvalue()


def _input_lines(document: Any) -> list[tuple[str, Any]]:
    counts = document.input
    return [("records read", counts.read), ("evaluated", counts.evaluated), ("duplicates", counts.duplicates),
            ("rejected", counts.rejected)]


def _rulesets_text(document: Any) -> str:
    return ", ".join(f"{r.id} v{r.version}" for r in document.rulesets)


BREACH_COLUMNS: Final = (
    col("child"), col("rule", width=34), col("due", "date", 12), col("met", "date", 12),
    col("days_late", "int", 10, "days late"), col("citation", width=28), col("explanation", width=80),
    col("evidence", width=24),
)
OPEN_COLUMNS: Final = (col("child"), col("rule", width=34), col("due", "date", 12), col("citation", width=28),
                       col("explanation", width=80))
REJECTED_COLUMNS: Final = (col("source", width=30), col("line", "int", 8), col("id"), col("field"),
                           col("reason", width=60))


def _optional(name: str) -> Column:
    """A SPEC 1.1 key (``basis``, ``discharged_by``) when the results carry it."""
    return Column(name, lambda row: getattr(row, name, None))


def child_rows(document: CheckDocument) -> list[dict[str, Any]]:
    """One row per child with a breach or an open duty: counts, the most days late, the rules breached."""
    rows: dict[str, dict[str, Any]] = {}
    for b in document.breaches:
        row = rows.setdefault(b.child, {"child": b.child, "breaches": 0, "open": 0, "most_days_late": 0,
                                        "rules": {}})
        row["breaches"] += 1
        row["most_days_late"] = max(row["most_days_late"], b.days_late)
        row["rules"][b.rule] = None
    for o in document.open:
        row = rows.setdefault(o.child, {"child": o.child, "breaches": 0, "open": 0, "most_days_late": 0,
                                        "rules": {}})
        row["open"] += 1
    for row in rows.values():
        row["rules"] = " ".join(row["rules"])
    return [rows[k] for k in sorted(rows)]


def check_workbook(document: CheckDocument) -> bytes:
    """Summary, Breaches, Open duties, Child summary, Rejected, Notes."""
    book = Book()
    book.summary(f"Statutory duties as of {document.as_of.isoformat()}", [
        ("as of", document.as_of), ("children", document.children), ("breaches", len(document.breaches)),
        ("open duties", len(document.open)), ("rejected records", len(document.rejected)),
        ("notes", len(document.notes)), *_input_lines(document), ("rulesets", _rulesets_text(document)),
    ], document.summary)
    book.sheet("Breaches", [*BREACH_COLUMNS, _optional("basis"), _optional("discharged_by")], document.breaches)
    book.sheet("Open duties", [*OPEN_COLUMNS, _optional("basis")], document.open)
    book.sheet("Child summary", [col("child"), col("breaches", "int", 10), col("open", "int", 10),
                                 col("most_days_late", "int", 12, "most days late"), col("rules", width=60)],
               child_rows(document))
    book.sheet("Rejected", REJECTED_COLUMNS, document.rejected)
    book.sheet("Notes", [col("child"), col("note", width=90)], document.notes)
    return book.close()


def explain_workbook(document: ExplainDocument) -> bytes:
    """Summary, Duties (every record), Events, Rejected."""
    book = Book()
    statuses = [(f"duties {s}", sum(1 for r in document.duties if r.status == s))
                for s in ("met", "breached", "open", "lapsed")]
    book.summary(f"Child {document.child} as of {document.as_of.isoformat()}", [
        ("child", document.child), ("as of", document.as_of), *statuses, ("notes", len(document.notes)),
        *_input_lines(document), ("rulesets", _rulesets_text(document)),
    ])
    book.sheet("Duties", [col("rule", width=34), col("status", width=10), col("clock_start", "date", 12, "clock"),
                          col("deadline", width=20), col("due", "date", 12), col("met", "date", 12),
                          col("days_late", "int", 10, "days late"), col("citation", width=28),
                          col("explanation", width=80), col("evidence", width=24)], document.duties)
    book.sheet("Events", [Column("date", lambda e: e.date, "date", 12), Column("type", lambda e: e.type, width=24),
                          Column("id", lambda e: e.id),
                          Column("details", lambda e: ", ".join(f"{k}={v}" for k, v in e.fields.items()),
                                 width=60)], document.events)
    book.sheet("Rejected", REJECTED_COLUMNS, document.rejected)
    return book.close()


def indicators_workbook(document: IndicatorsDocument) -> bytes:
    """Summary, Indicators (overall and per practice), Rejected."""
    book = Book()
    book.summary(f"Indicators for {document.period}", [
        ("period from", document.period.start), ("period to", document.period.end),
        ("results", len(document.indicators)), ("rejected records", len(document.rejected)),
        *_input_lines(document), ("rulesets", _rulesets_text(document)),
    ])

    def value(result: Any) -> Any:
        return result.value

    book.sheet("Indicators", [
        col("id", width=18, header="indicator"), Column("practice", lambda r: r.practice or "(all)"),
        col("outcome"), col("numerator", "int", 11), col("denominator", "int", 11),
        Column("value", value, "percent", 10), col("measure", width=10), col("polarity", width=9),
        col("title", width=50), col("citation", width=28),
    ], document.indicators)
    book.sheet("Rejected", REJECTED_COLUMNS, document.rejected)
    return _percent_only_for_proportions(book, document)


def _percent_only_for_proportions(book: Book, document: IndicatorsDocument) -> bytes:
    """Means (NI 58) are rewritten as plain numbers: only proportions are percentages."""
    sheet = book.workbook.get_worksheet_by_name("Indicators")
    for r, result in enumerate(document.indicators, start=1):
        if result.measure == "mean" and result.value is not None:
            sheet.write_number(r, 5, float(result.value), book.formats["number"])
    return book.close()


def payments_workbook(document: PaymentsDocument) -> bytes:
    """Summary, Statement (every line), Outcomes, Deductions, Rejected."""
    from swp_rules.report.payments import CSV_COLUMNS, statement_rows

    statement = document.payments
    totals = statement.totals
    book = Book()
    book.summary(f"Payment statement: {statement.title}", [
        ("contract", f"{statement.contract} v{statement.version}"), ("council", statement.council),
        ("practice", statement.practice), ("illustrative", statement.illustrative),
        ("period from", document.period.start), ("period to", document.period.end),
        ("fee", totals.fee), ("fixed part", totals.fixed_fee), ("outcome pot", totals.outcome_pot),
        ("outcomes paid", totals.outcomes_paid), ("outcomes reduced", totals.outcomes_reduced),
        ("bonus", totals.bonus), ("deductions", totals.deductions), ("total", totals.total),
        *_input_lines(document), ("rulesets", _rulesets_text(document)), ("rounding", statement.rounding),
    ])
    money = {"pot", "paid", "reduced", "amount"}
    dates = {"period_start", "period_end", "window_start", "window_end"}
    fractions = {"fraction_earned", "weight"}
    columns = [col(name, "money" if name in money else "date" if name in dates else
                   "percent" if name in fractions else "text", 60 if name == "explanation" else 14)
               for name in CSV_COLUMNS]
    book.sheet("Statement", columns, statement_rows(statement))
    outcomes = [(p, o) for p in statement.periods for o in p.outcomes]
    book.sheet("Outcomes", [
        Column("period", lambda t: str(t[0].period), width=24), Column("outcome", lambda t: t[1].outcome),
        Column("title", lambda t: t[1].title, width=40), Column("weight", lambda t: t[1].weight, "percent"),
        Column("earned", lambda t: t[1].fraction, "percent"), Column("pot", lambda t: t[1].pot, "money"),
        Column("paid", lambda t: t[1].paid, "money"), Column("reduced", lambda t: t[1].reduced, "money"),
        Column("explanation", lambda t: t[1].explanation, width=80),
    ], outcomes)
    deductions = [d for p in statement.periods for d in p.deductions]
    book.sheet("Deductions", [
        col("service_level", header="service level", width=18), Column("month", lambda d: d.month.start, "date"),
        Column("value", lambda d: d.value, "percent"), Column("target", lambda d: d.target, "percent"),
        col("met"), col("due", "money"), col("applied", "money"), col("capped_by", header="capped by"),
        col("explanation", width=80),
    ], deductions)
    book.sheet("Rejected", REJECTED_COLUMNS, document.rejected)
    return book.close()
