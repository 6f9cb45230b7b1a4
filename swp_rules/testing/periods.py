"""Periods of care: the shape of one child's time in care (dates, placements, legal status) before it becomes events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Final

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from swp_rules import calendar, codes
from swp_rules.testing.drafts import Drafts
from swp_rules.testing.events import EventDict, child_extras, child_ids, dob_for, placement_codes_on

#: The default earliest start of a period of care: the first year of the Social Work Practice pilots.
DEFAULT_START: Final = dt.date(2009, 4, 1)
#: The shortest period of care a timeline generates, in days.
MIN_PERIOD_DAYS: Final = 90
#: The shortest time between placement moves, in days.
MIN_PLACEMENT_DAYS: Final = 60
#: Legal statuses a generated period starts with: no short-break series (V3/V4), no legacy codes (W1/V1).
_LEGAL_STATUSES: Final = tuple(sorted(codes.LEGAL_STATUS - codes.SHORT_BREAK_STATUS - {"W1", "V1"}))
_CARE_ENDED: Final = tuple(sorted(codes.REASON_CARE_ENDED))


@attrs.frozen
class PlannedPlacement:
    """A planned placement: its start, its end (the next placement's start, or the period's horizon), its PL code and
    the extra fields of its ``placement_started`` event."""

    start: dt.date
    end: dt.date
    code: str
    fields: dict[str, Any]


@attrs.frozen
class PlannedPeriod:
    """A planned period of care: the child, the dates (no event after ``horizon``, the end date when the period ends),
    the placements and the fields of the events that open and close it."""

    child: str
    dob: dt.date
    start: dt.date
    horizon: dt.date
    ended: bool
    legal_status: str
    placements: tuple[PlannedPlacement, ...]
    child_fields: dict[str, Any]
    start_fields: dict[str, Any]
    end_reason: str | None

    def placement_on(self, day: dt.date) -> PlannedPlacement:
        """The placement running on ``day`` (the first before the period starts, the last after it ends)."""
        found = self.placements[0]
        for placement in self.placements:
            if placement.start <= day:
                found = placement
        return found


@attrs.frozen(kw_only=True)
class PeriodShape:
    """What ``periods_of_care`` and ``timelines`` let a caller choose about the period."""

    start: dt.date = DEFAULT_START
    years: int = 5
    ended: bool | None = None
    min_age: int = 0
    max_age: int = 17
    max_moves: int = 4

    def window_end(self) -> dt.date:
        if self.years < 1:
            raise ValueError("years must be at least 1")
        end = calendar.add_months(self.start, 12 * self.years)
        if self.start.year < calendar.FIRST_YEAR or end.year > calendar.LAST_YEAR - 2:
            raise ValueError(f"dates must fall between {calendar.FIRST_YEAR} and {calendar.LAST_YEAR - 2}")
        if not 0 <= self.min_age <= self.max_age <= 17:
            raise ValueError("ages must satisfy 0 <= min_age <= max_age <= 17")
        return end


def _placements(draw: DrawFn, start: dt.date, horizon: dt.date, max_moves: int) -> tuple[PlannedPlacement, ...]:
    gaps = draw(st.lists(st.integers(MIN_PLACEMENT_DAYS, 540), max_size=max_moves))
    starts = [start]
    for gap in gaps:
        nxt = starts[-1] + dt.timedelta(days=gap)
        if nxt >= horizon:
            break
        starts.append(nxt)
    placements = []
    for index, p_start in enumerate(starts):
        p_end = starts[index + 1] if index + 1 < len(starts) else horizon
        code = draw(st.sampled_from(placement_codes_on(p_start)))
        fields: dict[str, Any] = {}
        if draw(st.booleans()):
            fields["carer"] = f"carer-{draw(st.integers(1, 99)):02d}"
        if code in codes.FOSTER_PLACEMENT and draw(st.booleans()):
            fields["long_term"] = draw(st.booleans())
        if draw(st.booleans()):
            fields["emergency"] = draw(st.booleans())
        if draw(st.booleans()):
            fields["weekly_cost"] = str(Decimal(draw(st.integers(0, 500_000))).scaleb(-2))
        placements.append(PlannedPlacement(p_start, p_end, code, fields))
    return tuple(placements)


def draw_period(draw: DrawFn, child: str, shape: PeriodShape) -> PlannedPeriod:
    """One period of care of ``shape``: at least 90 days, inside the window, ending by the 18th birthday."""
    window_end = shape.window_end()
    latest_start = (window_end - shape.start).days - MIN_PERIOD_DAYS
    period_start = shape.start + dt.timedelta(days=draw(st.integers(0, max(0, latest_start))))
    age = draw(st.integers(shape.min_age, shape.max_age))
    # a 17-year-old starts at least ~95 days before the 18th birthday, so the shortest period still fits
    dob = dob_for(period_start, age, draw(st.integers(0, 364 if age < 17 else 270)))
    eighteenth = calendar.birthday(dob, 18)
    longest = (window_end - period_start).days
    length = MIN_PERIOD_DAYS + draw(st.integers(0, max(0, longest - MIN_PERIOD_DAYS)))
    horizon = period_start + dt.timedelta(days=length)
    is_ended = draw(st.booleans()) if shape.ended is None else shape.ended
    if horizon >= eighteenth:  # care ends at 18 at the latest
        horizon, is_ended = eighteenth, True
    placements = _placements(draw, period_start, horizon, shape.max_moves)
    child_fields: dict[str, Any] = {"dob": dob.isoformat()}
    child_extras(draw, child_fields)
    legal_status = draw(st.sampled_from(_LEGAL_STATUSES))
    start_fields: dict[str, Any] = {"legal_status": legal_status}
    if draw(st.booleans()):
        start_fields["cin"] = draw(st.sampled_from(sorted(codes.CATEGORY_OF_NEED)))
    end_reason = draw(st.sampled_from(_CARE_ENDED)) if is_ended else None
    return PlannedPeriod(child=child, dob=dob, start=period_start, horizon=horizon, ended=is_ended,
                         legal_status=legal_status, placements=placements, child_fields=child_fields,
                         start_fields=start_fields, end_reason=end_reason)


def period_drafts(period: PlannedPeriod) -> Drafts:
    """The events that make the period: the child, its start, the placements and, if it ends, its end."""
    drafts = Drafts(period.child)
    drafts.add("child", period.start, period.child_fields)
    drafts.add("looked_after_started", period.start, period.start_fields)
    for placement in period.placements:
        drafts.add("placement_started", placement.start, {"placement": placement.code, **placement.fields})
    if period.ended:
        drafts.add("placement_ended", period.horizon)
        drafts.add("looked_after_ended", period.horizon, {"reason": period.end_reason})
    return drafts


def periods_of_care(
    *,
    child: str | None = None,
    start: dt.date = DEFAULT_START,
    years: int = 5,
    ended: bool | None = None,
    min_age: int = 0,
    max_age: int = 17,
    max_moves: int = 4,
    id_prefix: str = "e",
) -> SearchStrategy[list[EventDict]]:
    """One child's period of care as event dicts: ``child``, ``looked_after_started``, placements, maybe the end.

    Consistent by construction: the period starts on or after ``start`` and lasts at least 90 days, all within
    ``years`` years of ``start``; the child is ``min_age``–``max_age`` (0–17) at the start and leaves care by the 18th
    birthday; the first placement starts on the first day, each later one (at most ``max_moves``) at least 60 days
    after the previous and before the end, so placements never overlap; placement codes are valid for their date
    (``placement_codes_on``) and may carry ``carer``, ``long_term`` (foster codes only), ``emergency`` and
    ``weekly_cost``. When the period ends (``ended=True``, or drawn when ``None``) the last placement ends and
    ``looked_after_ended`` carries a REC code other than X1, on the same day. Ids are ``<id_prefix>0001`` upwards.

    >>> from hypothesis import given
    >>> @given(periods_of_care(ended=True))
    ... def test_period(events):
    ...     assert events[1]["type"] == "looked_after_started" and events[-1]["type"] == "looked_after_ended"
    >>> test_period()
    """
    shape = PeriodShape(start=start, years=years, ended=ended, min_age=min_age, max_age=max_age, max_moves=max_moves)
    shape.window_end()

    @st.composite
    def build(draw: DrawFn) -> list[EventDict]:
        child_id = child if child is not None else draw(child_ids())
        return period_drafts(draw_period(draw, child_id, shape)).to_dicts(id_prefix)

    return build()
