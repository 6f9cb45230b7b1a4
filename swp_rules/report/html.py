"""The self-contained HTML report (``swp-rules report``, ``swp-rules demo``, ``explain --format html``).

One file, made from a Jinja2 template with autoescaping (every child id and text from the data is escaped; nothing
is built by string concatenation), with its styles inline and its charts as inline SVG (``swp_rules.report.charts``):
no script, no font file, no request when opened. It prints on A4 (each child's page starts a new sheet) and reads on
a phone (tables scroll sideways, charts scale to the width).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from importlib import resources
from typing import Any, Final

import attrs

from swp_rules.contracts.statement import PaymentStatement
from swp_rules.engine.results import Breach, ChildNote, DutyRecord, Obligation
from swp_rules.indicators.compute import IndicatorReport, display
from swp_rules.io.events import InputCounts, Rejection
from swp_rules.model import Event
from swp_rules.periods import ReportingPeriod
from swp_rules.report import charts
from swp_rules.report.documents import ExplainDocument, RulesetUsed, summarise

#: The months the on-time chart shows (the latest ones before the as-of date).
MONTHS_CHARTED: Final = 24
#: The breaches listed as "most overdue" in the summary.
MOST_OVERDUE: Final = 12


@attrs.frozen
class EnglandFigure:
    """A national figure to set beside an indicator: percent, year ending 31 March, population, source."""

    indicator: str
    percent: float
    year: int
    population: str
    measure: str
    source: str
    url: str
    note: str


@functools.cache
def england_figures() -> dict[str, EnglandFigure]:
    """The England figures shipped with the package (``swp_rules/report/data/england.csv``), by indicator id."""
    text = resources.files("swp_rules.report").joinpath("data/england.csv").read_text(encoding="utf-8")
    return {row["indicator"]: EnglandFigure(row["indicator"], float(row["england_percent"]),
                                            int(row["year_ending_31_march"]), row["population"], row["measure"],
                                            row["source"], row["url"], row["note"])
            for row in csv.DictReader(io.StringIO(text))}


@attrs.frozen
class ReportInput:
    """What a report is made of: the evaluation's records (met and lapsed included), events by child, and the
    period's indicators and payment statement when they were asked for."""

    title: str
    as_of: dt.date
    records: Sequence[DutyRecord]
    events: Mapping[str, Sequence[Event]]
    notes: Sequence[ChildNote]
    counts: InputCounts
    rejected: Sequence[Rejection]
    rulesets: Sequence[RulesetUsed]
    period: ReportingPeriod | None = None
    indicators: IndicatorReport | None = None
    statement: PaymentStatement | None = None


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("swp_rules.report", "templates"),
        autoescape=True,  # every value is escaped unless it is a Markup (our own SVG charts)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = _day_text
    env.filters["pounds"] = lambda amount: f"£{amount:,.2f}" if isinstance(amount, Decimal) else ""
    env.filters["percent"] = lambda value: "—" if value is None else f"{float(value) * 100:.1f}%"
    return env


def _day_text(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d %b %Y %H:%M")
    return value.strftime("%d %b %Y")


def _svg(chart: charts.Chart) -> Any:
    import markupsafe

    return markupsafe.Markup(chart.svg)  # made by Matplotlib, which escapes every text it draws


def on_time_months(records: Sequence[DutyRecord], as_of: dt.date) -> list[tuple[str, int, int]]:
    """(month, duties due that month and decided, met on time) for the latest ``MONTHS_CHARTED`` months."""
    due: Counter[str] = Counter()
    on_time: Counter[str] = Counter()
    for record in records:
        day = record.due.date() if isinstance(record.due, dt.datetime) else record.due
        if record.status not in ("met", "breached") or day > as_of:
            continue
        month = f"{day:%Y-%m}"
        due[month] += 1
        on_time[month] += record.status == "met"
    months = sorted(due)[-MONTHS_CHARTED:]
    return [(m, due[m], on_time[m]) for m in months]


def _indicator_sections(report: IndicatorReport) -> list[dict[str, Any]]:
    figures = england_figures()
    sections = []
    for number, practice in enumerate([None, *report.practices()]):
        results = [r for r in report.results if r.practice == practice]
        rows = [{"result": r, "display": display(r.value, r.measure), "england": figures.get(r.id)}
                for r in results]
        compared = [(r.id, None if r.value is None else float(r.value) * 100, figures[r.id].percent)
                    for r in results if r.id in figures and r.measure == "proportion"]
        chart = charts.indicators(compared, f"p{number}") if compared else None
        sections.append({"practice": practice, "rows": rows, "chart": None if chart is None else _svg(chart),
                         "marks": len(compared)})
    return sections


def _payment_outcomes(statement: PaymentStatement) -> list[tuple[str, float, float, float]]:
    pot: dict[str, Decimal] = defaultdict(Decimal)
    paid: dict[str, Decimal] = defaultdict(Decimal)
    reduced: dict[str, Decimal] = defaultdict(Decimal)
    for period in statement.periods:
        for line in period.outcomes:
            pot[line.outcome] += line.pot
            paid[line.outcome] += line.paid
            reduced[line.outcome] += line.reduced
    return [(o, float(pot[o]), float(paid[o]), float(reduced[o])) for o in pot]


def _child_pages(data: ReportInput) -> list[dict[str, Any]]:
    by_child: dict[str, list[DutyRecord]] = defaultdict(list)
    for record in data.records:
        by_child[record.child].append(record)
    notes: dict[str, list[str]] = defaultdict(list)
    for note in data.notes:
        notes[note.child].append(note.note)
    children = sorted(set(by_child) | set(data.events))
    events = {c: sorted(data.events.get(c, ()), key=lambda e: (e.date, e.id)) for c in children}
    drawn = charts.chronologies([(f"c{n}", events[c], by_child.get(c, []), data.as_of) for n, c in enumerate(children)])
    order = {"breached": 0, "open": 1, "met": 2, "lapsed": 3}
    pages = []
    for number, child in enumerate(children):
        records = by_child.get(child, [])
        chart = drawn[number]
        pages.append({
            "anchor": f"child-{number}",
            "child": child,
            "records": sorted(records, key=lambda r: (order[r.status], str(r.due), r.rule)),
            "counts": Counter(r.status for r in records),
            "events": events[child],
            "notes": notes.get(child, []),
            "chart": _svg(chart),
            "marks": chart.marks,
        })
    return pages


def render_report(data: ReportInput) -> str:
    """The whole report as one HTML page."""
    breaches = [Breach.of(r) for r in data.records if r.status == "breached"]
    open_ = [Obligation.of(r) for r in data.records if r.status == "open"]
    rules = summarise(breaches, open_)
    families: dict[str, list[int]] = {}
    for rule in rules:
        counts = families.setdefault(rule.family, [0, 0])
        counts[0] += rule.breaches
        counts[1] += rule.open
    months = on_time_months(data.records, data.as_of)
    statement = data.statement
    context = {
        "title": data.title,
        "as_of": data.as_of,
        "period": data.period,
        "generated_by": "swp-rules",
        "counts": data.counts,
        "children": len(set(data.events) | {r.child for r in data.records}),
        "breaches": sorted(breaches, key=lambda b: (b.child, str(b.due), b.rule)),
        "open": open_,
        "rules": rules,
        "most_overdue": sorted(breaches, key=lambda b: (-b.days_late, b.child, b.rule))[:MOST_OVERDUE],
        "family_chart": _svg(charts.by_family([(f, c[0], c[1]) for f, c in sorted(families.items())]))
        if families else None,
        "family_count": len(families),
        "months": months,
        "ontime_chart": _svg(charts.on_time_by_month(months)) if months else None,
        "indicators": _indicator_sections(data.indicators) if data.indicators is not None else None,
        "statement": statement,
        "payments_chart": _svg(charts.payments(_payment_outcomes(statement))) if statement else None,
        "payment_outcomes": _payment_outcomes(statement) if statement else [],
        "children_pages": _child_pages(data),
        "rejected": data.rejected,
        "rulesets": data.rulesets,
        "single_child": None,
    }
    return str(_environment().get_template("report.html.j2").render(context))


def explain_page(document: ExplainDocument) -> str:
    """One child's page (``explain --format html``): chronology chart, duties and events."""
    data = ReportInput(
        title=f"Duties of one child as of {document.as_of:%d %B %Y}",
        as_of=document.as_of,
        records=document.duties,
        events={document.child: document.events},
        notes=[ChildNote(document.child, n) for n in document.notes],
        counts=document.input,
        rejected=document.rejected,
        rulesets=document.rulesets,
    )
    return render_report(data)


