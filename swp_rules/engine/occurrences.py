"""The moments that start a duty: a period of care, its first placement, each placement, the end of care, the day the
child became an eligible child, a birthday, or an event of a given type (the rulesets' ``trigger``).

Each moment is an ``Occurrence``: its date, the event behind it, the period and placement it belongs to, how far its
scope runs, and the first event that may discharge a duty it starts.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator

import attrs

from swp_rules import calendar, codes
from swp_rules.engine.timeline import Accommodation, Period, Placement, Timeline
from swp_rules.model import Event
from swp_rules.rulesets.duties import Trigger


@attrs.define(slots=True, eq=False)
class Occurrence:
    """A moment that starts a duty: its date (and instant), the event behind it, and the duty's scope (never changed
    once made; not frozen, which would make it dearer to build)."""

    #: The day the moment happened.
    day: dt.date
    #: The position in the timeline of the event behind it (or of the last event before it).
    index: int
    #: The ids of the events a record cites as the start of its clock.
    evidence: tuple[str, ...]
    period: Period | None
    placement: Placement | None
    #: The day the duty's scope ends (the placement's or the period's end), if it has ended.
    scope_end: dt.date | None
    #: The first event position that may discharge a duty that accepts events done in advance.
    window_from: int
    event: Event | None
    #: The s.23B/s.24B accommodation provided that day (for a rule with ``scope: accommodation``).
    accommodation: Accommodation | None = None


def since_last_care(timeline: Timeline, period: Period) -> int:
    """The first event that may discharge, in advance, a duty owed from the start of ``period``: anything after the
    previous period of care ended (a plan made or a notice sent before the child is accommodated counts, as "before
    the placement" requires), but nothing that belonged to an earlier period."""
    at = timeline.periods.index(period)
    if at == 0:
        return 0
    before = timeline.periods[at - 1]
    return before.end_index + 1 if before.end_index is not None else period.index


def resumptions(placements: list[Placement]) -> dict[int, int]:
    """Placements that only resume an earlier one after temporary placements (a holiday, respite: T0-T4), mapped
    to the placement they continue: same placement code and same carer (NI 62 counting, SSDA903 temporary
    placements). Placement duties treat the pair as one placement, so the return starts no new clocks."""
    out: dict[int, int] = {}
    for at, placement in enumerate(placements):
        if at in out or placement.code in codes.TEMPORARY_PLACEMENT:
            continue
        nxt = at + 1
        while True:
            while nxt < len(placements) and placements[nxt].code in codes.TEMPORARY_PLACEMENT:
                nxt += 1
            if nxt >= len(placements) or nxt == at + 1 or not _same_placement(placements[nxt], placement):
                break
            out[nxt] = at
            nxt += 1
            if nxt < len(placements) and placements[nxt].code not in codes.TEMPORARY_PLACEMENT:
                break
    return out


def _same_placement(a: Placement, b: Placement) -> bool:
    return a.code == b.code and a.event.fields.get("carer") == b.event.fields.get("carer")


def occurrences(timeline: Timeline, trigger: Trigger, *, as_of: dt.date,
                eligible_on: dt.date | None) -> Iterator[Occurrence]:
    """Every moment in ``timeline`` that starts a duty with this trigger, in time order."""
    kind = trigger.kind
    if kind == "period_start":
        yield from _period_starts(timeline)
    elif kind == "first_placement":
        yield from _first_placements(timeline)
    elif kind == "placement_start":
        yield from _placement_starts(timeline)
    elif kind == "care_ended":
        yield from _care_endings(timeline)
    elif kind == "leaving_care_eligible":
        if eligible_on is not None:
            yield from _on_day(timeline, eligible_on, timeline.period_on(eligible_on), on_the_day_counts=False)
    elif kind == "birthday":
        assert trigger.age is not None
        if timeline.dob is not None:
            day = calendar.birthday(timeline.dob, trigger.age)
            if day <= as_of:
                # the window opens on the birthday itself: something done that day counts. On the 18th birthday the
                # period the record left running has just ended: the moment belongs to it.
                holder = timeline.period_on(day) or timeline.aged_out_on(day)
                yield from _on_day(timeline, day, holder, on_the_day_counts=True)
    elif kind == "event":
        assert trigger.event is not None
        yield from _events(timeline, trigger.event)
    elif kind == "accommodation_start":
        for stay in timeline.stays:
            yield Occurrence(day=stay.start, index=stay.index, evidence=(stay.event.id,), period=None, placement=None,
                             scope_end=stay.end, window_from=stay.index, event=stay.event, accommodation=stay)


def _period_starts(timeline: Timeline) -> Iterator[Occurrence]:
    for period in timeline.periods:
        yield Occurrence(day=period.start, index=period.index, evidence=(period.event.id,), period=period,
                         placement=None, scope_end=period.end, window_from=since_last_care(timeline, period),
                         event=period.event)


def _first_placements(timeline: Timeline) -> Iterator[Occurrence]:
    for period in timeline.periods:
        if period.placements:
            first = period.placements[0]
            yield Occurrence(day=first.start, index=first.index, evidence=(period.event.id, first.event.id),
                             period=period, placement=None, scope_end=period.end,
                             window_from=since_last_care(timeline, period), event=first.event)


def _placement_starts(timeline: Timeline) -> Iterator[Occurrence]:
    for period in timeline.periods:
        window = since_last_care(timeline, period)
        resumed = resumptions(period.placements)
        for at, placement in enumerate(period.placements):
            if at in resumed:
                continue
            last = max((k for k, into in resumed.items() if into == at), default=at)
            final = period.placements[last]
            end = final.end if final.end is not None else period.end
            yield Occurrence(day=placement.start, index=placement.index, evidence=(placement.event.id,),
                             period=period, placement=placement, scope_end=end, window_from=window,
                             event=placement.event)
            window = placement.index + 1


def _care_endings(timeline: Timeline) -> Iterator[Occurrence]:
    for period in timeline.periods:
        if period.end_event is not None and period.end_index is not None:
            yield Occurrence(day=period.end_event.date, index=period.end_index, evidence=(period.end_event.id,),
                             period=period, placement=None, scope_end=None, window_from=period.end_index,
                             event=period.end_event)


def _on_day(timeline: Timeline, day: dt.date, holder: Period | None, *,
            on_the_day_counts: bool) -> Iterator[Occurrence]:
    """A moment on ``day`` within the period of care ``holder`` that no event marks (eligibility, a birthday); with
    ``on_the_day_counts``, events of that day come after it."""
    if holder is None:
        return
    dates = [e.date for e in timeline.events]
    index = (bisect.bisect_left if on_the_day_counts else bisect.bisect_right)(dates, day) - 1
    yield Occurrence(day=day, index=max(index, holder.index), evidence=(holder.event.id,), period=holder,
                     placement=None, scope_end=holder.end, window_from=holder.index, event=None)


def _events(timeline: Timeline, event_type: str) -> Iterator[Occurrence]:
    for index in timeline.of_type(event_type):
        event = timeline.events[index]
        within = timeline.period_on(event.date)
        current = within.placement_on(event.date) if within else None
        if within is None:
            scope_end = None
        elif current is not None and current.end is not None:
            scope_end = current.end  # for a placement-scoped rule; others use the period's end
        else:
            scope_end = within.end
        yield Occurrence(day=event.date, index=index, evidence=(event.id,), period=within, placement=current,
                         scope_end=scope_end, window_from=index, event=event,
                         accommodation=timeline.accommodation_on(event.date))
