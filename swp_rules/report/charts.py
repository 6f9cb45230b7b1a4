"""The report's charts, drawn by Matplotlib as inline SVG: static vector pictures that need no script, no font file
and no network, print sharply on A4 and scale to a phone's width.

Every mark a test or a reader may count carries an id: ``mark-<chart>-<n>`` (a bar, a duty's clock, a breach, an
event). Text is SVG text (``svg.fonttype: none``), escaped by Matplotlib's XML writer, and never read as mathtext, so
a child id such as ``<script>`` or ``$x$`` is drawn as typed. The output is the same for the same input (a fixed
hash salt, no date in the metadata).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any, Final

import attrs

from swp_rules.engine.results import DutyRecord
from swp_rules.model import Event

RED: Final = "#c0392b"
GREEN: Final = "#1e8449"
AMBER: Final = "#d68910"
GREY: Final = "#7f8c8d"
BLUE: Final = "#2e86c1"
PALE: Final = "#d5dbdb"
#: At most this many duties are drawn on a child's chronology (breached and open first); the table lists all.
CHRONOLOGY_ROWS: Final = 40

_STYLE: Final[dict[Any, Any]] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "swp-rules",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 9,
    "text.parse_math": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
}


@attrs.frozen
class Chart:
    """An SVG chart and the number of marks of each kind it holds (what a test expects to find)."""

    svg: str
    marks: dict[str, int]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("svg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _svg(fig: Any, name: str) -> str:
    """A figure as an inline ``<svg>``: no XML prologue, sized by CSS from its view box, ids unique to the chart."""
    plt = _pyplot()
    buffer = io.StringIO()
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": f"swp-rules-{name}", "svg.id": f"chart-{name}"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 class="chart" role="img"', text, count=1)
    # Matplotlib names groups figure_1, axes_1, patch_1… in every chart: make them unique on the page.
    return re.sub(r'id="((?:figure|axes|patch|line2d|text|matplotlib\.axis|xtick|ytick|legend|PathCollection)'
                  r'_[0-9_]+)"', lambda m: f'id="{name}-{m.group(1)}"', text)


def _figure(width: float, height: float, left: float = 0.9) -> tuple[Any, Any]:
    """A figure with fixed margins (inches; ``left`` for the labels): no layout engine, which would measure every
    text twice."""
    plt = _pyplot()
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(width, height))
    fig.subplots_adjust(left=left / width, right=1 - 0.2 / width, top=1 - 0.35 / height, bottom=0.75 / height)
    return fig, ax


def _styled(draw: Any) -> Any:
    import functools

    import matplotlib

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with matplotlib.rc_context(_STYLE):
            return draw(*args, **kwargs)

    return wrapper


@_styled
def on_time_by_month(months: Sequence[tuple[str, int, int]]) -> Chart:
    """Duties due each month: the share met on time (a bar a month), with the number due above it."""
    fig, ax = _figure(8, 3.0)
    labels = [m for m, _, _ in months]
    rates = [100 * on_time / due if due else 0 for _, due, on_time in months]
    bars = ax.bar(range(len(months)), rates, color=BLUE, width=0.7)
    for n, (bar, (_, due, _)) in enumerate(zip(bars, months, strict=True)):
        bar.set_gid(f"mark-ontime-{n}")
        ax.annotate(str(due), (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom",
                    fontsize=7.5, color=GREY, xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(range(len(months)), labels, rotation=45, ha="right", fontsize=7.5)
    ax.set_ylim(0, 110)
    ax.set_ylabel("% met on time")
    ax.set_title("Duties met on time, by month due (number due above each bar)")
    return Chart(_svg(fig, "ontime"), {"ontime": len(months)})


@_styled
def by_family(rows: Sequence[tuple[str, int, int]]) -> Chart:
    """Breaches and open duties by rule family (horizontal bars)."""
    fig, ax = _figure(8, 0.35 * max(len(rows), 2) + 1.2, left=1.6)
    names = [r[0] for r in rows]
    positions = range(len(rows))
    breached = ax.barh([p + 0.2 for p in positions], [r[1] for r in rows], height=0.4, color=RED, label="breaches")
    waiting = ax.barh([p - 0.2 for p in positions], [r[2] for r in rows], height=0.4, color=AMBER, label="open")
    for n, bar in enumerate(breached):
        bar.set_gid(f"mark-family-breaches-{n}")
    for n, bar in enumerate(waiting):
        bar.set_gid(f"mark-family-open-{n}")
    ax.set_yticks(list(positions), names)
    ax.invert_yaxis()
    ax.legend(loc="lower right", frameon=False)
    ax.set_title("Breaches and open duties by family")
    return Chart(_svg(fig, "family"), {"family-breaches": len(rows), "family-open": len(rows)})


@_styled
def payments(outcomes: Sequence[tuple[str, float, float, float]]) -> Chart:
    """Each outcome's pot, what it paid and what was withheld (pounds, summed over the statement's periods)."""
    fig, ax = _figure(8, 3.4, left=1.1)
    positions = list(range(len(outcomes)))
    series = (("pot", 1, PALE), ("paid", 2, GREEN), ("reduced", 3, RED))
    for name, index, colour in series:
        bars = ax.bar([p + (index - 2) * 0.27 for p in positions], [o[index] for o in outcomes], width=0.27,
                      color=colour, label=name)
        for n, bar in enumerate(bars):
            bar.set_gid(f"mark-pay-{name}-{n}")
    ax.set_xticks(positions, [o[0] for o in outcomes], rotation=20, ha="right", fontsize=8)
    ax.yaxis.set_major_formatter(lambda value, _: f"£{value:,.0f}")
    ax.legend(frameon=False)
    ax.set_title("Each outcome: pot, paid and reduced")
    return Chart(_svg(fig, "payments"), {"pay-pot": len(outcomes), "pay-paid": len(outcomes),
                                         "pay-reduced": len(outcomes)})


@_styled
def indicators(rows: Sequence[tuple[str, float | None, float | None]], name: str) -> Chart:
    """The practice's proportions beside England's (percent), one pair of bars per indicator."""
    fig, ax = _figure(8, 0.4 * max(len(rows), 2) + 1.3, left=2.2)
    positions = list(range(len(rows)))
    ours = ax.barh([p - 0.2 for p in positions], [r[1] or 0 for r in rows], height=0.4, color=BLUE,
                   label="this cohort")
    england = ax.barh([p + 0.2 for p in positions], [r[2] or 0 for r in rows], height=0.4, color=GREY,
                      label="England")
    for n, bar in enumerate(ours):
        bar.set_gid(f"mark-ind-{name}-{n}")
    for n, bar in enumerate(england):
        bar.set_gid(f"mark-england-{name}-{n}")
    ax.set_yticks(positions, [r[0] for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    ax.legend(loc="lower right", frameon=False)
    ax.set_title("Indicators beside England")
    return Chart(_svg(fig, f"ind-{name}"), {f"ind-{name}": len(rows)})


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def chosen_records(records: Sequence[DutyRecord]) -> list[DutyRecord]:
    """The duties a chronology draws: breached, then open, then the rest, at most ``CHRONOLOGY_ROWS``, by clock."""
    rank = {"breached": 0, "open": 1, "met": 2, "lapsed": 3}
    chosen = sorted(records, key=lambda r: rank[r.status])[:CHRONOLOGY_ROWS]
    return sorted(chosen, key=lambda r: (_day(r.clock_start), r.rule))


def date_ticks(start: dt.date, end: dt.date) -> tuple[list[dt.date], str]:
    """At most nine tick dates from ``start`` to ``end`` (the first of a month, every 1, 2, 3 or 6 months, or every 1,
    2, 5, 10… years) and the label format: computed here, not by a date locator, as the chronology draws no axis."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    steps = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200)
    step = next((s for s in steps if months / s <= 9), steps[-1])
    first = start.year * 12 + start.month - 1
    first += -first % step  # the first month on the step's grid (January for steps of a year or more)
    ticks = []
    for month in range(first, end.year * 12 + end.month, step):
        year, index = divmod(month, 12)
        day = dt.date(year, index + 1, 1)
        if start <= day <= end:
            ticks.append(day)
    return ticks, "%b %Y" if step < 12 else "%Y"


@_styled
def chronology(name: str, events: Sequence[Event], records: Sequence[DutyRecord], as_of: dt.date) -> Chart:
    """One child's chronology: the events on the top row; below, each duty's clock from its start to its due date,
    the date it was met, and breaches in red (late: due to met; overdue: due to the as-of date).

    Each kind of mark is one group (``marks-<kind>-<chart>``) holding one element per mark: a ``use`` per event and
    per met date, a ``path`` per clock and per breach.

    Drawn cheaply, as a report holds one per child: a bare ``Figure`` (no pyplot), no axis objects (Matplotlib's
    ticks cost most of a chart: the rows' labels and the dates are plain texts, the date grid one collection), no
    layout engine, days as ordinals."""
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    drawn = chosen_records(records)
    width, height, left = 8.0, 0.24 * (len(drawn) + 1) + 1.1, 2.3
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((left / width, 0.75 / height, 1 - (left + 0.2) / width, 1 - 1.1 / height))
    ax.set_axis_off()
    days = [e.date for e in events] + [as_of] + [_day(r.clock_start) for r in drawn]
    start = min(days)
    bottom = len(drawn) + 0.7
    ax.set_xlim(start.toordinal() - 10, as_of.toordinal() + 10)
    ax.set_ylim(bottom, -0.7)
    ticks, label = date_ticks(start, as_of)
    ax.add_collection(LineCollection([[(d.toordinal(), -0.7), (d.toordinal(), bottom)] for d in ticks],
                                     colors=PALE, linewidths=0.5))
    below = ax.get_xaxis_transform()
    for day in ticks:
        ax.text(day.toordinal(), -0.02, day.strftime(label), transform=below, ha="center", va="top", fontsize=7.5)
    ax.plot([0, 1], [0, 0], transform=ax.transAxes, color="black", linewidth=0.8)
    ax.axvline(as_of.toordinal(), color=GREY, linestyle=":", linewidth=1)
    marks = {"event": len(events), "clock": len(drawn), "met": 0, "breach": 0}
    if events:
        (points,) = ax.plot([e.date.toordinal() for e in events], [0] * len(events), marker="|", markersize=10,
                            color="black", linestyle="none")
        points.set_gid(f"marks-event-{name}")
    clocks, late, met_x, met_y, due_x, due_y, met_colours = [], [], [], [], [], [], []
    for row, record in enumerate(drawn, start=1):
        begin, due = _day(record.clock_start).toordinal(), _day(record.due).toordinal()
        clocks.append([(begin, row), (due, row)])
        due_x.append(due)
        due_y.append(row)
        if record.met is not None:
            met_x.append(_day(record.met).toordinal())
            met_y.append(row)
            met_colours.append(RED if record.status == "breached" else GREEN)
        if record.status == "breached":
            stop = record.met if record.met is not None else min(as_of, record.ended) if record.ended else as_of
            late.append([(due, row), (_day(stop).toordinal(), row)])
    colours = [AMBER if r.status == "open" else PALE for r in drawn]
    if clocks:
        collection = LineCollection(clocks, colors=colours, linewidths=3, capstyle="butt")
        collection.set_gid(f"marks-clock-{name}")
        ax.add_collection(collection)
        ax.plot(due_x, due_y, marker="|", markersize=8, color=GREY, linestyle="none")
    if late:
        collection = LineCollection(late, colors=RED, linewidths=3, capstyle="butt")
        collection.set_gid(f"marks-breach-{name}")
        ax.add_collection(collection)
        marks["breach"] = len(late)
    if met_x:
        dots = ax.scatter(met_x, met_y, s=14, c=met_colours, zorder=3)
        dots.set_gid(f"marks-met-{name}")
        marks["met"] = len(met_x)
    beside = ax.get_yaxis_transform()
    for row, text in enumerate(["events", *(r.rule for r in drawn)]):
        ax.text(-0.01, row, text, transform=beside, ha="right", va="center", fontsize=7.5)
    fig.text(0.5, 1 - 0.2 / height, "Chronology: events, each duty's clock (grey), due (|), met (●), late or overdue "
             "(red)", ha="center", va="center", fontsize=10, fontweight="bold")
    return Chart(_svg(fig, f"child-{name}"), marks)


#: Below this many children the chronologies are drawn in this process; above it, one worker per core draws them.
PARALLEL_FROM: Final = 16


#: The jobs of the drawing in progress, inherited by forked workers (events do not pickle; an index does).
_JOBS: list[tuple[str, Sequence[Event], Sequence[DutyRecord], dt.date]] = []


def _chronology_job(index: int) -> Chart:
    return chronology(*_JOBS[index])  # type: ignore[no-any-return]


def chronologies(jobs: Sequence[tuple[str, Sequence[Event], Sequence[DutyRecord], dt.date]],
                 workers: int | None = None) -> list[Chart]:
    """Many children's chronologies, in order: drawn by one forked worker process per core when there are many (the
    pictures are the same either way)."""
    from swp_rules.io.parts import available_jobs, can_fork

    count = available_jobs() if workers is None else workers
    if count < 2 or len(jobs) < PARALLEL_FROM or not can_fork():
        return [chronology(*job) for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _JOBS[:] = jobs
    try:
        with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_chronology_job, range(len(jobs)), chunksize=max(1, len(jobs) // (4 * count))))
    finally:
        _JOBS.clear()
