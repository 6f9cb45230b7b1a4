"""A child's chronology chart is cheap to draw (a report holds one per child: ``demo`` draws 150): no Matplotlib axis
objects, whose ticks cost most of a chart, only the texts the chart needs; its date ticks are few and fall on months.
The time itself is measured by ``bench/bench_report.py`` (no timed assertion here)."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from swp_rules.engine import Engine
from swp_rules.examples import events_path
from swp_rules.io.events import load_events
from swp_rules.model import group_by_child
from swp_rules.report import charts

AS_OF = dt.date(2012, 3, 31)


def _example_chart() -> tuple[charts.Chart, int, int]:
    loaded = load_events([events_path()])
    child = "EX000001"
    events = sorted(group_by_child(loaded.events)[child], key=lambda e: (e.date, e.id))
    records = Engine().evaluate(events, AS_OF).records
    chart = charts.chronology("c0", events, records, AS_OF)
    return chart, len(charts.chosen_records(records)), len(events)


def test_a_chronology_draws_no_axis_objects_and_only_the_texts_it_needs() -> None:
    chart, rows, events = _example_chart()
    assert not re.search(r'id="[^"]*(xtick|ytick|matplotlib\.axis)_', chart.svg)  # no tick objects
    texts = chart.svg.count("<text")
    assert texts <= rows + 1 + 9 + 1  # a label a row and one for events, at most nine dates, the title
    assert texts >= rows + 1 + 1
    assert chart.marks["event"] == events and chart.marks["clock"] == rows
    for label in re.findall(r">((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4})<", chart.svg):
        assert dt.datetime.strptime(label, "%b %Y").date() <= AS_OF


def test_the_same_chart_for_the_same_input() -> None:
    assert _example_chart()[0].svg == _example_chart()[0].svg


@given(st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)), st.integers(0, 300 * 366))
def test_date_ticks_are_few_and_fall_on_the_first_of_a_month_within_the_span(start: dt.date, days: int) -> None:
    end = min(start + dt.timedelta(days=days), dt.date(2199, 12, 31))
    ticks, label = charts.date_ticks(start, end)
    assert len(ticks) <= 9
    assert all(start <= day <= end and day.day == 1 for day in ticks)
    assert ticks == sorted(set(ticks))
    assert label in ("%b %Y", "%Y")
    if label == "%Y":
        assert all(day.month == 1 for day in ticks)
    if (end - start).days >= 70:  # two months or more: at least one tick to read the dates by
        assert ticks
