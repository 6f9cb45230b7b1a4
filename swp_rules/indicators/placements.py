"""Counting placements and placement length for the stability indicators (docs/indicators.md,
NI 62/63 counting adapted to case events).

A case record has no SSDA903 "reason for new episode"; the equivalents are read from the events:

* a new period of care (``looked_after_started``) is RNE S; a change of legal status alone has no placement event
  (RNE L) and so is never a move;
* a ``placement_started`` with the same ``carer`` as the placement before it (RNE T or U), or with a code the ruleset
  lists as "same carer" (placed for adoption with the current foster carer, A3/A5), is not a new placement;
* a temporary placement (codes listed by the ruleset, T0–T4) is not a placement, and neither is the return after it:
  the next placement is a return when it has the carer of the placement before the temporary one, or, when neither
  names a carer, the same code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from swp_rules.engine.timeline import Placement, Timeline


def _same_carer(a: Placement, b: Placement) -> bool:
    carer_a, carer_b = a.event.fields.get("carer"), b.event.fields.get("carer")
    return carer_a is not None and carer_a == carer_b


def _returns_to(after: Placement, before: Placement) -> bool:
    carer_a, carer_b = after.event.fields.get("carer"), before.event.fields.get("carer")
    if carer_a is not None or carer_b is not None:
        return carer_a is not None and carer_a == carer_b
    return after.code == before.code


def classify(placements: Sequence[Placement], temporary: frozenset[str],
             same_carer: frozenset[str]) -> list[bool]:
    """For each placement of one period of care, whether it is a new placement (a move, or the first)."""
    out: list[bool] = []
    last_real: Placement | None = None  # the last non-temporary placement
    after_temporary = False
    for placement in placements:
        if placement.code in temporary:
            out.append(False)
            after_temporary = True
            continue
        returning = after_temporary and _returns_to(placement, last_real) if last_real is not None else False
        same = last_real is not None and (_same_carer(placement, last_real) or placement.code in same_carer)
        out.append(not (returning or same))
        last_real = placement
        after_temporary = False
    return out


def placements_in_period(timeline: Timeline, start: dt.date, end: dt.date, temporary: frozenset[str],
                         same_carer: frozenset[str]) -> tuple[int, list[str]]:
    """NI 62's count: 1 for the placement current on ``start`` (a temporary stay stands for the placement it
    interrupts) plus each new placement starting after ``start`` and on or before ``end``; with the ids of the
    ``placement_started`` events counted."""
    count = 0
    evidence: list[str] = []
    for period in timeline.periods:
        if period.start > end or (period.end is not None and period.end <= start):
            continue
        flags = classify(period.placements, temporary, same_carer)
        for placement, new in zip(period.placements, flags, strict=True):
            if placement.covers(start) or (new and start < placement.start <= end):
                count += 1
                evidence.append(placement.event.id)
    return count, evidence


def effective_start(timeline: Timeline, day: dt.date, temporary: frozenset[str],
                    same_carer: frozenset[str]) -> tuple[dt.date, str] | None:
    """When the child's placement on ``day`` really began (NI 63): walking back over temporary stays, returns
    from them and same-carer changes within the period of care. ``None`` when the child is not placed that day."""
    period = timeline.period_on(day)
    if period is None:
        return None
    flags = classify(period.placements, temporary, same_carer)
    current_index: int | None = None
    for index, placement in enumerate(period.placements):
        if placement.covers(day):
            current_index = index
    if current_index is None:
        return None
    index = current_index
    while index > 0 and not flags[index]:
        previous = period.placements[index - 1]
        if previous.end is None or previous.end != period.placements[index].start:
            break  # a gap between placements: the run is broken
        index -= 1
    if not flags[index] and period.placements[index].code in temporary:
        return None
    first = period.placements[index]
    return first.start, first.event.id
