"""Placement spend for a practice's cohort: the ``weekly_cost`` of each placement over the days it lasts.

A placement costs ``weekly_cost / 7`` for each day from its start up to the day before it ends (the day it ends, the
child's next placement starts or care ends is not counted), and only while the child's case is assigned to the
practice (from ``practice_assigned`` up to the day before ``practice_released`` or an assignment to another
practice). The exact total over a period is rounded once to the penny (``swp_rules.contracts.money``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

import attrs

from swp_rules.contracts.money import ZERO, to_pennies
from swp_rules.engine.timeline import Timeline, sort_key
from swp_rules.model import Event
from swp_rules.periods import ReportingPeriod
from swp_rules.plain import PlainData


@attrs.frozen
class Spend(PlainData):
    """Placement spend over a period: the amount, the children and placements it counts, and how many of those
    placements had no ``weekly_cost`` (counted as nothing)."""

    amount: Decimal
    children: int = 0
    placements: int = 0
    uncosted: int = 0


class SpendSource(Protocol):
    """Anything that can say what the cohort's placements cost over a period."""

    def spend(self, period: ReportingPeriod) -> Spend: ...


@attrs.define
class FixedSpend:
    """Given spend: ``by_period[period]`` when present, else ``default``."""

    default: Decimal = ZERO
    by_period: Mapping[ReportingPeriod, Decimal] = attrs.field(factory=dict)

    def spend(self, period: ReportingPeriod) -> Spend:
        return Spend(to_pennies(self.by_period.get(period, self.default)))


@attrs.frozen
class _Segment:
    child: str
    start: dt.date
    end: dt.date | None  # exclusive
    daily: Fraction | None
    placement: str


@attrs.define
class PlacementCosts:
    """The cohort's costed placement days, built once from the events, then summed over any period."""

    segments: list[_Segment]

    @classmethod
    def from_events(cls, events: Iterable[Event], practice: str) -> PlacementCosts:
        by_child: dict[str, list[Event]] = {}
        for event in events:
            by_child.setdefault(event.child, []).append(event)
        segments: list[_Segment] = []
        for child, mine in by_child.items():
            spans = _assigned(mine, practice)
            if not spans:
                continue
            timeline = Timeline.build(child, mine)
            for period in timeline.periods:
                for placement in period.placements:
                    cost = placement.event.fields.get("weekly_cost")
                    daily = None if cost is None else Fraction(Decimal(str(cost))) / 7
                    for start, end in spans:
                        begin = max(start, placement.start)
                        stop = _min_end(end, placement.end)
                        if stop is None or begin < stop:
                            segments.append(_Segment(child, begin, stop, daily, placement.event.id))
        return cls(segments)

    def spend(self, period: ReportingPeriod) -> Spend:
        total = Fraction(0)
        children: set[str] = set()
        placements: set[str] = set()
        uncosted: set[str] = set()
        after = period.end + dt.timedelta(days=1)
        for segment in self.segments:
            begin = max(segment.start, period.start)
            stop = after if segment.end is None else min(segment.end, after)
            days = (stop - begin).days
            if days <= 0:
                continue
            children.add(segment.child)
            placements.add(segment.placement)
            if segment.daily is None:
                uncosted.add(segment.placement)
                continue
            total += segment.daily * days
        return Spend(to_pennies(total), len(children), len(placements), len(uncosted))


def _min_end(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _assigned(events: list[Event], practice: str) -> list[tuple[dt.date, dt.date | None]]:
    """The spans (end exclusive) in which the child's case is with ``practice``."""
    spans: list[tuple[dt.date, dt.date | None]] = []
    since: dt.date | None = None
    for event in sorted(events, key=sort_key):
        if event.type not in ("practice_assigned", "practice_released"):
            continue
        ours = event.fields.get("practice") == practice
        if event.type == "practice_assigned":
            if ours and since is None:
                since = event.date
            elif not ours and since is not None:
                spans.append((since, event.date))
                since = None
        elif ours and since is not None:
            spans.append((since, event.date))
            since = None
    if since is not None:
        spans.append((since, None))
    return [s for s in spans if s[1] is None or s[0] < s[1]]
