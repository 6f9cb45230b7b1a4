"""Hypothesis strategies for case events, periods of care, timelines, bad records and contracts.

These strategies are a public, stable part of swp-rules (SPEC.md §4) for use in your own property-based tests.
Events are generated as plain data: event *dicts* in the input format of SPEC.md §1 (dates as ISO text,
amounts as decimal text), ready for ``swp_rules.load_records`` or for writing out as JSON Lines. Contracts are
dicts of ``Decimal`` and ``Fraction`` values (``contracts``).

>>> from hypothesis import given
>>> from swp_rules import load_records
>>> from swp_rules.testing import timelines
>>> @given(timelines(compliance="on_time"))
... def test_reads(events):
...     assert not load_records(events).rejected
>>> test_reads()

Timelines are built from small integer *slacks* (how far before its comfortable limit an event falls) and a
few list lengths, so a failing property shrinks to a short period of care with a handful of events.

Guarantees (see ``docs/testing.md``):

* every generated event passes ``Event.from_dict``; event ids are unique within a timeline and, with
  ``cohorts``, across the cohort; a cohort's child identifiers are unique;
* one child, one period of care: ``looked_after_started``, then placements inside the period (the first on the
  start day, each move ending the previous placement, none after the end), optionally ``looked_after_ended``;
* placement codes are valid for the placement's date: Q1/Q2 for foster care before 1 April 2014, U1–U6 from
  then;
* ``compliance="on_time"``: every duty whose deadline falls on or before the last event is discharged
  comfortably in time (see ``timelines``), so the shipped statutory rules report no breach as of that date;
  ``"late"`` and ``"missing"`` always spoil at least one first deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, Literal, NamedTuple, TypeAlias

import attrs
import pendulum
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from swp_rules import calendar, codes

__all__ = [
    "COMPLIANCE_PROFILES",
    "CONTRACT_OUTCOMES",
    "DEFAULT_START",
    "INVALID_RECORD_KINDS",
    "Compliance",
    "EventDict",
    "InvalidRecord",
    "child_ids",
    "children",
    "cohorts",
    "contracts",
    "invalid_records",
    "periods_of_care",
    "placement_codes_on",
    "timelines",
]

#: An event in the input format of SPEC.md §1, as a plain JSON-ready mapping.
EventDict: TypeAlias = dict[str, Any]
#: How a timeline meets its statutory timescales.
Compliance: TypeAlias = Literal["on_time", "late", "missing", "mixed"]
COMPLIANCE_PROFILES: Final[tuple[Compliance, ...]] = ("on_time", "late", "missing", "mixed")

#: The default earliest start of a period of care: the first year of the Social Work Practice pilots.
DEFAULT_START: Final = dt.date(2009, 4, 1)
#: Foster placements were coded Q1/Q2 before this date and U1–U6 from it.
U_CODES_FROM: Final = dt.date(2014, 4, 1)
#: The shortest period of care a timeline generates, in days (every first-instance deadline falls inside it).
MIN_PERIOD_DAYS: Final = 90
#: The shortest time between placement moves, in days.
MIN_PLACEMENT_DAYS: Final = 60

_PLACEMENT_BEFORE_2014: Final = tuple(sorted(codes.PLACEMENT_BY_YEAR[2009]))
_PLACEMENT_FROM_2014: Final = tuple(sorted(codes.PLACEMENT_BY_YEAR[2014]))
#: Legal statuses a generated period starts with: no short-break series (V3/V4), no legacy codes (W1/V1).
_LEGAL_STATUSES: Final = tuple(sorted(codes.LEGAL_STATUS - codes.SHORT_BREAK_STATUS - {"W1", "V1"}))
_CARE_ENDED: Final = tuple(sorted(codes.REASON_CARE_ENDED))
_PRACTICES: Final = ("SWP-North", "SWP-South", "SWP-East", "SWP-West", "SWP-Central")


def placement_codes_on(day: dt.date) -> tuple[str, ...]:
    """The placement (PL) codes the generators use for a placement starting on ``day``, sorted.

    Q1/Q2 (foster care) before 1 April 2014, U1–U6 from then; the other codes are common to both lists.

    >>> "Q1" in placement_codes_on(dt.date(2014, 3, 31)), "U4" in placement_codes_on(dt.date(2014, 4, 1))
    (True, True)
    """
    return _PLACEMENT_BEFORE_2014 if day < U_CODES_FROM else _PLACEMENT_FROM_2014


# ---------------------------------------------------------------------------------------------------------
# Identifiers and children


def child_ids() -> SearchStrategy[str]:
    """Pseudonymous child identifiers such as ``"C000042"`` (never names). Shrinks towards ``"C000000"``.

    >>> from hypothesis import given
    >>> @given(child_ids())
    ... def test_ids(child):
    ...     assert child.startswith("C") and len(child) == 7
    >>> test_ids()
    """
    return st.integers(min_value=0, max_value=999_999).map(lambda n: f"C{n:06d}")


def _dob_for(start: dt.date, age: int, extra_days: int) -> dt.date:
    """A date of birth making a child exactly ``age`` years old on ``start`` (``0 <= extra_days < 365``)."""
    return calendar.add_months(start, -12 * age) - dt.timedelta(days=extra_days)


def children(
    *,
    child: str | None = None,
    born_from: dt.date = dt.date(1991, 4, 1),
    born_to: dt.date = dt.date(2015, 3, 31),
    event_id: str | None = None,
) -> SearchStrategy[EventDict]:
    """A ``child`` event dict with a plausible ``dob`` between ``born_from`` and ``born_to``.

    The record is dated on the date of birth (SPEC.md §1: "may be the dob"); ``sex`` ("1" or "2") and ``uasc``
    are sometimes present. ``child`` fixes the identifier (else drawn from ``child_ids``); ``event_id`` fixes
    the event id (else ``"child-<n>"``).

    >>> from hypothesis import given
    >>> @given(children(born_from=dt.date(2000, 1, 1)))
    ... def test_child(record):
    ...     assert record["type"] == "child" and record["dob"] >= "2000-01-01"
    >>> test_child()
    """
    if born_to < born_from:
        raise ValueError("born_to is before born_from")

    @st.composite
    def build(draw: DrawFn) -> EventDict:
        child_id = child if child is not None else draw(child_ids())
        dob = born_from + dt.timedelta(days=draw(st.integers(0, (born_to - born_from).days)))
        eid = event_id if event_id is not None else f"child-{draw(st.integers(0, 9999))}"
        record: EventDict = {"id": eid, "child": child_id, "type": "child", "date": dob.isoformat()}
        record["dob"] = dob.isoformat()
        _child_extras(draw, record)
        return record

    return build()


def _child_extras(draw: DrawFn, record: EventDict) -> None:
    if draw(st.booleans()):
        record["sex"] = draw(st.sampled_from(("1", "2")))
    if draw(st.booleans()):
        record["uasc"] = draw(st.booleans())


# ---------------------------------------------------------------------------------------------------------
# Plans: the shape of a period of care before it becomes events


@attrs.frozen
class _Placement:
    """A planned placement: its start and end (the next placement's start, or the period's horizon), its PL code
    and the extra fields of its ``placement_started`` event."""

    start: dt.date
    end: dt.date  # the next placement's start, or the horizon (inclusive limit for this placement's events)
    code: str
    fields: dict[str, Any]


@attrs.frozen
class _Period:
    """A planned period of care: the child, the dates, the placements and the fields of the events that open and
    close it."""

    child: str
    dob: dt.date
    start: dt.date
    horizon: dt.date  # no event after this date; the end date when the period ends
    ended: bool
    legal_status: str
    placements: tuple[_Placement, ...]
    child_fields: dict[str, Any]
    start_fields: dict[str, Any]
    end_reason: str | None


def _check_years(start: dt.date, years: int) -> dt.date:
    if years < 1:
        raise ValueError("years must be at least 1")
    window_end = calendar.add_months(start, 12 * years)
    if start.year < calendar.FIRST_YEAR or window_end.year > calendar.LAST_YEAR - 2:
        raise ValueError(f"dates must fall between {calendar.FIRST_YEAR} and {calendar.LAST_YEAR - 2}")
    return window_end


def _draw_period(
    draw: DrawFn,
    *,
    child: str,
    start: dt.date,
    years: int,
    ended: bool | None,
    min_age: int,
    max_age: int,
    max_moves: int,
) -> _Period:
    window_end = _check_years(start, years)
    if not 0 <= min_age <= max_age <= 17:
        raise ValueError("ages must satisfy 0 <= min_age <= max_age <= 17")
    latest_start = (window_end - start).days - MIN_PERIOD_DAYS
    period_start = start + dt.timedelta(days=draw(st.integers(0, max(0, latest_start))))
    age = draw(st.integers(min_age, max_age))
    # a 17-year-old starts at least ~95 days before the 18th birthday, so the shortest period still fits
    extra = draw(st.integers(0, 364 if age < 17 else 270))
    dob = _dob_for(period_start, age, extra)
    eighteenth = calendar.birthday(dob, 18)
    longest = (window_end - period_start).days
    length = MIN_PERIOD_DAYS + draw(st.integers(0, max(0, longest - MIN_PERIOD_DAYS)))
    horizon = period_start + dt.timedelta(days=length)
    is_ended = draw(st.booleans()) if ended is None else ended
    if horizon >= eighteenth:  # care ends at 18 at the latest
        horizon, is_ended = eighteenth, True
    gaps = draw(st.lists(st.integers(MIN_PLACEMENT_DAYS, 540), max_size=max_moves))
    starts = [period_start]
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
        placements.append(_Placement(p_start, p_end, code, fields))
    child_fields: dict[str, Any] = {"dob": dob.isoformat()}
    _child_extras(draw, child_fields)
    legal_status = draw(st.sampled_from(_LEGAL_STATUSES))
    start_fields: dict[str, Any] = {"legal_status": legal_status}
    if draw(st.booleans()):
        start_fields["cin"] = draw(st.sampled_from(sorted(codes.CATEGORY_OF_NEED)))
    end_reason = draw(st.sampled_from(_CARE_ENDED)) if is_ended else None
    return _Period(
        child,
        dob,
        period_start,
        horizon,
        is_ended,
        legal_status,
        tuple(placements),
        child_fields,
        start_fields,
        end_reason,
    )


# ---------------------------------------------------------------------------------------------------------
# Events under construction


@attrs.define
class _Draft:
    """An event before ids are assigned: its type, London date and fields, an aware instant for events given as
    date-times, and a ``key`` (or ``ref`` to another draft's key) to link a response to its request once ids are
    assigned. Drafts are sorted by date, then by ``_RANK`` of their type, then by instant."""

    type: str
    day: dt.date
    fields: dict[str, Any]
    instant: dt.datetime | None = None
    key: str | None = None  # for cross-references (access_responded → access_requested)
    ref: str | None = None


_RANK: Final = {
    "child": 0,
    "looked_after_started": 1,
    "worker_allocated": 2,
    "iro_appointed": 3,
    "practice_assigned": 4,
    "placement_started": 5,
    "placement_notified": 6,
    "placement_ended": 90,
    "looked_after_ended": 95,
    "practice_released": 96,
}


def _period_drafts(period: _Period) -> list[_Draft]:
    drafts = [
        _Draft("child", period.start, dict(period.child_fields)),
        _Draft("looked_after_started", period.start, dict(period.start_fields)),
    ]
    for placement in period.placements:
        drafts.append(
            _Draft("placement_started", placement.start, {"placement": placement.code, **placement.fields})
        )
    if period.ended:
        drafts.append(_Draft("placement_ended", period.horizon, {}))
        drafts.append(_Draft("looked_after_ended", period.horizon, {"reason": period.end_reason}))
    return drafts


def _to_dicts(drafts: list[_Draft], child: str, id_prefix: str) -> list[EventDict]:
    def sort_key(d: _Draft) -> tuple[dt.date, int, float]:
        return (d.day, _RANK.get(d.type, 50), d.instant.timestamp() if d.instant is not None else 0.0)

    ordered = sorted(drafts, key=sort_key)
    width = max(4, len(str(len(ordered))))
    ids: dict[str, str] = {}
    out: list[EventDict] = []
    for number, draft in enumerate(ordered, start=1):
        event_id = f"{id_prefix}{number:0{width}d}"
        if draft.key is not None:
            ids[draft.key] = event_id
        when = draft.instant.isoformat() if draft.instant is not None else draft.day.isoformat()
        record: EventDict = {"id": event_id, "child": child, "type": draft.type, "date": when}
        record.update(draft.fields)
        out.append(record)
    for record, draft in zip(out, ordered, strict=True):
        if draft.ref is not None:
            record["request"] = ids[draft.ref]
    return out


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
    """One child's period of care as event dicts: ``child``, ``looked_after_started``, placements, maybe the
    end.

    Consistent by construction: the period starts on or after ``start`` and lasts at least 90 days, all within
    ``years`` years of ``start``; the child is ``min_age``–``max_age`` (0–17) at the start and leaves care by
    the 18th birthday; the first placement starts on the first day, each later one (at most ``max_moves``) at
    least 60 days after the previous and before the end, so placements never overlap; placement codes are
    valid for their date (``placement_codes_on``) and may carry ``carer``, ``long_term`` (foster codes only),
    ``emergency`` and ``weekly_cost``. When the period ends (``ended=True``, or drawn when ``None``) the last
    placement ends and ``looked_after_ended`` carries a REC code other than X1, on the same day. Ids are
    ``<id_prefix>0001`` upwards.

    >>> from hypothesis import given
    >>> @given(periods_of_care(ended=True))
    ... def test_period(events):
    ...     assert events[1]["type"] == "looked_after_started" and events[-1]["type"] == "looked_after_ended"
    >>> test_period()
    """

    @st.composite
    def build(draw: DrawFn) -> list[EventDict]:
        child_id = child if child is not None else draw(child_ids())
        period = _draw_period(
            draw,
            child=child_id,
            start=start,
            years=years,
            ended=ended,
            min_age=min_age,
            max_age=max_age,
            max_moves=max_moves,
        )
        return _to_dicts(_period_drafts(period), child_id, id_prefix)

    return build()


# ---------------------------------------------------------------------------------------------------------
# Timelines


Fate: TypeAlias = Literal["on_time", "late", "missing"]
_ON_TIME_OR_LATE: Final[tuple[Fate, ...]] = ("on_time", "late")
_ON_TIME_OR_MISSING: Final[tuple[Fate, ...]] = ("on_time", "missing")
_ANY_FATE: Final[tuple[Fate, ...]] = ("on_time", "late", "missing")
#: Duties whose first instance a "late" or "missing" timeline spoils, so the profile always shows. Before
#: 1 April 2011 only the first review has a firm timescale (plans and health were "as soon as practicable").
_FORCEABLE_2011: Final = ("review", "visit", "care_plan", "placement_plan", "placement_notified", "health")
#: The placement duties among them, which do not apply to a temporary placement (T0–T4).
_PLACEMENT_DUTIES: Final = frozenset({"visit", "placement_plan", "placement_notified"})


@attrs.define
class _Builder:
    """Turns a planned period into the drafts of a timeline, deciding each duty instance's fate (on time, late or
    left out) by the compliance profile; ``forced`` is the duty whose first instance must be spoiled."""

    draw: DrawFn
    compliance: Compliance
    period: _Period
    forced: str | None
    drafts: list[_Draft] = attrs.field(factory=list)

    def fate(self, duty: str, *, first: bool = False) -> Fate:
        """How this instance of ``duty`` is discharged under the timeline's compliance profile."""
        if self.compliance == "on_time":
            return "on_time"
        if first and duty == self.forced:
            self.forced = None
            return "late" if self.compliance == "late" else "missing"
        if self.compliance == "late":
            return self.draw(st.sampled_from(_ON_TIME_OR_LATE))
        if self.compliance == "missing":
            return self.draw(st.sampled_from(_ON_TIME_OR_MISSING))
        return self.draw(st.sampled_from(_ANY_FATE))

    def slack(self, most: int) -> int:
        """How far before its comfortable limit an event falls (0 shrinks to the limit: the fewest events)."""
        return self.draw(st.integers(0, most))

    def late_by(self) -> dt.timedelta:
        return dt.timedelta(days=self.draw(st.integers(1, 30)))

    def add(self, type_: str, day: dt.date, **fields: Any) -> None:
        self.drafts.append(_Draft(type_, day, fields))

    def once(
        self,
        duty: str,
        type_: str,
        on_time: dt.date,
        deadline: dt.date,
        limit: dt.date,
        *,
        first: bool = False,
        **fields: Any,
    ) -> dt.date | None:
        """One-off duty: the event's date (or ``None`` when left out), never after ``limit``."""
        fate = self.fate(duty, first=first)
        if fate == "missing":
            return None
        day = on_time
        if fate == "late":
            late = deadline + self.late_by()
            if late <= limit:
                day = late
        if day > limit:
            return None
        self.add(type_, day, **fields)
        return day

    def chain(
        self,
        duty: str,
        first_on_time: dt.date,
        first_deadline: dt.date,
        limit: dt.date,
        next_dates: Callable[[dt.date], tuple[dt.date, dt.date]],
        emit: Callable[[dt.date], None],
        *,
        forced_first: bool = False,
    ) -> None:
        """A periodic duty: each event runs the clock for the next from its *actual* date (docs/legal-sources.md §2).

        ``next_dates(previous)`` gives the next (comfortable date, statutory deadline). A left-out instance
        ends the chain: the duty is never discharged again in this timeline.
        """
        on_time, deadline = first_on_time, first_deadline
        first = True
        while True:
            fate = self.fate(duty, first=first and forced_first)
            first = False
            if fate == "missing":
                return
            day = on_time
            if fate == "late":
                late = deadline + self.late_by()
                if late <= limit:
                    day = late
            if day > limit:
                return
            emit(day)
            on_time, deadline = next_dates(day)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _timeline_drafts(b: _Builder) -> None:
    p = b.period
    draw = b.draw
    horizon = p.horizon
    start = p.start
    first_placement = p.placements[0]

    # worker allocation (changes now and then) and the IRO
    workers: list[tuple[dt.date, str]] = [(start, f"SW{draw(st.integers(1, 999)):03d}")]
    for gap in draw(st.lists(st.integers(60, 400), max_size=3)):
        day = workers[-1][0] + _days(gap)
        if day > horizon:
            break
        workers.append((day, f"SW{draw(st.integers(1, 999)):03d}"))
    for day, worker in workers:
        b.add("worker_allocated", day, worker=worker)

    def worker_on(day: dt.date) -> str:
        return [w for d, w in workers if d <= day][-1]

    iro = f"IRO{draw(st.integers(1, 99)):02d}"
    iro_day = calendar.add_working_days(start, 5 - b.slack(5))
    if iro_day <= horizon:
        b.add("iro_appointed", iro_day, iro=iro)

    # practice assignment (a Social Work Practice takes the case for a while)
    if draw(st.booleans()):
        practice = draw(st.sampled_from(_PRACTICES))
        length = (horizon - start).days
        assigned = start + _days(draw(st.integers(0, length)))
        b.add("practice_assigned", assigned, practice=practice)
        if draw(st.booleans()):
            released = assigned + _days(draw(st.integers(0, (horizon - assigned).days)))
            b.add("practice_released", released, practice=practice)

    # care plan: within 3 working days of the first placement (deadline 10 working days)
    fp = first_placement.start
    b.once(
        "care_plan",
        "care_plan",
        calendar.add_working_days(fp, 3 - b.slack(3)),
        calendar.add_working_days(fp, 10),
        first_placement.end,
        first=True,
    )

    # reviews: within 15 working days, then every 80 days, then every 5 months (150 days)
    first_review_deadline = max(calendar.add_working_days(start, 20), start + _days(28))
    reviews: list[dt.date] = []

    def review(day: dt.date) -> None:
        reviews.append(day)
        fields: dict[str, Any] = {"chair": iro}
        if draw(st.booleans()):
            fields["participation"] = draw(st.sampled_from(sorted(codes.PARTICIPATION)))
        b.add("review", day, **fields)

    def next_review(prev: dt.date) -> tuple[dt.date, dt.date]:
        if len(reviews) == 1:
            return prev + _days(80 - b.slack(50)), calendar.add_months(prev, 3)
        return prev + _days(150 - b.slack(90)), calendar.add_months(prev, 6)

    b.chain(
        "review",
        calendar.add_working_days(start, 15 - b.slack(5)),
        first_review_deadline,
        horizon,
        next_review,
        review,
        forced_first=True,
    )

    # per placement: notification on the day, plan within 3 working days, visits
    for index, placement in enumerate(p.placements):
        first = index == 0
        ps, pe = placement.start, placement.end
        five = calendar.add_working_days(ps, 5)
        b.once("placement_notified", "placement_notified", ps, five, pe, first=first)
        b.once(
            "placement_plan",
            "placement_plan",
            calendar.add_working_days(ps, 3 - b.slack(3)),
            five,
            pe,
            first=first,
        )

        def visit(day: dt.date) -> None:
            fields: dict[str, Any] = {"worker": worker_on(day)}
            if draw(st.booleans()):
                fields["seen_alone"] = draw(st.booleans())
            b.add("visit", day, **fields)

        # a visit on the last day of a placement that ends in a move belongs to the next placement
        visit_limit = pe - _days(1) if pe < horizon else pe
        weekly = placement.code == "P1" and p.legal_status == "C1"

        def next_visit(prev: dt.date, weekly: bool = weekly) -> tuple[dt.date, dt.date]:
            if weekly:  # interim care order, living with a parent: weekly before the first review, then 4-weekly
                if not reviews or prev < reviews[0]:
                    return prev + _days(7 - b.slack(4)), prev + _days(7)
                return prev + _days(28 - b.slack(21)), prev + _days(28)
            return prev + _days(35 - b.slack(28)), prev + _days(42)

        b.chain("visit", ps + _days(5 - b.slack(5)), ps + _days(7), visit_limit, next_visit, visit, forced_first=first)

    # health: initial within 9 working days (before the first review), then every 5 months under 5 and
    # 10 months from 5 (statutory: 6 and 12 months, by the age at the previous assessment)
    health_kind = ["initial"]

    def health(day: dt.date) -> None:
        b.add("health_assessment", day, kind=health_kind[0])
        health_kind[0] = "review"

    def next_health(prev: dt.date) -> tuple[dt.date, dt.date]:
        if calendar.age_on(p.dob, prev) < 5:
            return prev + _days(150 - b.slack(60)), calendar.add_months(prev, 6)
        return prev + _days(300 - b.slack(120)), calendar.add_months(prev, 12)

    b.chain(
        "health",
        calendar.add_working_days(start, 9 - b.slack(8)),
        calendar.add_working_days(start, 20),
        horizon,
        next_health,
        health,
        forced_first=True,
    )

    # dental checks: first within 90 days, then every 11 months (330 days; statutory 12 months)
    def yearly(prev: dt.date) -> tuple[dt.date, dt.date]:
        return prev + _days(330 - b.slack(150)), calendar.add_months(prev, 12)

    b.chain(
        "dental",
        start + _days(90 - b.slack(60)),
        calendar.add_months(start, 12),
        horizon,
        yearly,
        lambda day: b.add("dental_check", day),
    )

    # immunisations confirmed up to date: first within 90 days, then every 11 months (statutory 12 months)
    b.chain(
        "immunisation",
        start + _days(90 - b.slack(60)),
        calendar.add_months(start, 12),
        horizon,
        yearly,
        lambda day: b.add("immunisations", day, up_to_date=True),
    )

    # SDQ: yearly while the child is 4–16 when its clock starts (the period's start, then the last SDQ), a score
    # or (sometimes) a reason for none
    sdq_clock = [start]

    def sdq(day: dt.date) -> None:
        clock_age = calendar.age_on(p.dob, sdq_clock[0])
        sdq_clock[0] = day
        if clock_age > 16 or calendar.age_on(p.dob, day) < 4:
            return
        if draw(st.integers(0, 4)) == 0:
            b.add("sdq", day, reason=draw(st.sampled_from(sorted(codes.SDQ_REASON - {"SDQ1"}))))
        else:
            b.add("sdq", day, score=draw(st.integers(0, 40)))

    b.chain("sdq", start + _days(90 - b.slack(60)), calendar.add_months(start, 12), horizon, yearly, sdq)

    # PEP for children of school age at the start: initial on the day of the first placement (it is part of the
    # care plan, due before the placement), or within 8 working days of an emergency placement (statutory 10);
    # then termly
    if calendar.age_on(p.dob, start) >= 4:
        pep_kind = ["initial"]

        def pep(day: dt.date) -> None:
            b.add("pep", day, kind=pep_kind[0])
            pep_kind[0] = "review"

        emergency = first_placement.fields.get("emergency") is True
        b.chain(
            "pep",
            calendar.add_working_days(start, 8 - b.slack(7)) if emergency else start,
            calendar.add_working_days(start, 10) if emergency else start,
            horizon,
            lambda prev: (prev + _days(100 - b.slack(40)), calendar.add_months(prev, 6)),
            pep,
        )

    # needs assessment of an eligible child (looked after 13 weeks since 14, and looked after at 16): within about
    # six weeks of becoming eligible (statutory 3 months)
    since = max(start, calendar.birthday(p.dob, 14))
    eligible_on = max(since + _days(91), calendar.birthday(p.dob, 16))
    if eligible_on < horizon:
        b.once(
            "needs_assessment",
            "needs_assessment",
            eligible_on + _days(45 - b.slack(44)),
            calendar.add_months(eligible_on, 3),
            horizon,
        )

    # missing episodes with return interviews within 48 hours (statutory 72 hours)
    cursor = start
    for gap, hour, minute, hours_away in draw(
        st.lists(
            st.tuples(st.integers(1, 200), st.integers(6, 23), st.integers(0, 59), st.integers(1, 96)),
            max_size=3,
        )
    ):
        day = cursor + _days(gap)
        began = pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=calendar.LONDON)
        returned = calendar.add_hours(began, hours_away)
        if _london_day(returned) + _days(4) > horizon:
            break
        kind: dict[str, Any] = {}
        if draw(st.booleans()):
            kind["kind"] = draw(st.sampled_from(("missing", "away")))
        b.drafts.append(_Draft("missing_started", _london_day(began), dict(kind), began))
        b.drafts.append(_Draft("missing_ended", _london_day(returned), dict(kind), returned))
        fate = b.fate("return_interview")
        if fate != "missing":
            delay = 46 - b.slack(45) if fate == "on_time" else 72 + draw(st.integers(1, 48))
            interview = calendar.add_hours(returned, delay)
            if _london_day(interview) <= horizon:
                b.drafts.append(_Draft("return_interview", _london_day(interview), {}, interview))
        cursor = _london_day(returned) + _days(3)

    # access requests (24-hour access to the allocated worker), answered within 4 hours (contract: 24)
    cursor = start
    for number, (gap, hour) in enumerate(
        draw(st.lists(st.tuples(st.integers(1, 120), st.integers(6, 23)), max_size=3))
    ):
        day = cursor + _days(gap)
        if day + _days(3) > horizon:
            break
        asked = pendulum.datetime(day.year, day.month, day.day, hour, tz=calendar.LONDON)
        key = f"access-{number}"
        b.drafts.append(_Draft("access_requested", day, {}, asked, key=key))
        fate = b.fate("access")
        if fate != "missing":
            delay = 4 - b.slack(3) if fate == "on_time" else 24 + draw(st.integers(1, 48))
            answered = calendar.add_hours(asked, delay)
            b.drafts.append(_Draft("access_responded", _london_day(answered), {}, answered, ref=key))
        cursor = day


def _london_day(instant: dt.datetime) -> dt.date:
    local = instant.astimezone(calendar.LONDON)
    return dt.date(local.year, local.month, local.day)


def timelines(
    compliance: Compliance = "on_time",
    *,
    start: dt.date = DEFAULT_START,
    years: int = 3,
    child: str | None = None,
    min_age: int = 0,
    max_age: int = 17,
    ended: bool | None = None,
    id_prefix: str = "e",
) -> SearchStrategy[list[EventDict]]:
    """One child's case record as a list of event dicts, sorted by date, with the chosen compliance profile.

    The record holds the child, one period of care (as ``periods_of_care``), placement notifications and
    plans, the care plan, worker allocations, the IRO, visits, reviews, health assessments, immunisations,
    dental checks, SDQs (ages 4–16), PEPs (school age), the needs assessment of an eligible child (16 or over),
    sometimes a practice assignment, missing episodes with return interviews and access requests with
    responses (these carry ISO date-times with a UTC offset).

    ``compliance``:

    * ``"on_time"``: everything comfortably inside the statutory timescales: placement notified on the day,
      care and placement plans within 3 working days, first visit within 5 days of each placement then at most
      every 35 days (every 3–7 days before the first review and at most every 28 days after it for a child on
      an interim care order placed with a parent), first review within 15 working days then within 80 days
      then every 5 months (150 days), initial health assessment within 9 working days (before the first
      review) then every 5 months under 5 and 10 months from 5, immunisations, dental checks and SDQs every 11
      months (330 days), the PEP on the day of the first placement (within 8 working days of an emergency
      one) then every 100 days, the needs assessment within 45 days of becoming eligible, return interviews
      within 46 hours, access requests answered within 4 hours. Every deadline on or before the last event is
      met, so the shipped statutory rules find no breach as of the last event's date; later ones are not yet
      due.
    * ``"late"``: some events fall 1–30 days after their statutory deadline (the next runs from the late
      date); at least one always does (the first instance of a duty with a firm timescale on the start date).
    * ``"missing"``: some duties are left out from some point on (a one-off never happens; a periodic duty
      stops); at least one always is.
    * ``"mixed"``: each instance independently on time, late or left out (possibly all on time).

    Ids are ``<id_prefix>0001`` upwards, unique in the timeline; use ``cohorts`` for several children.

    >>> from hypothesis import given
    >>> @given(timelines(compliance="late", years=1))
    ... def test_timeline(events):
    ...     assert len({e["id"] for e in events}) == len(events)
    >>> test_timeline()
    """
    if compliance not in COMPLIANCE_PROFILES:
        raise ValueError(f"compliance must be one of {', '.join(COMPLIANCE_PROFILES)}, not {compliance!r}")

    @st.composite
    def build(draw: DrawFn) -> list[EventDict]:
        child_id = child if child is not None else draw(child_ids())
        period = _draw_period(
            draw,
            child=child_id,
            start=start,
            years=years,
            ended=ended,
            min_age=min_age,
            max_age=max_age,
            max_moves=4,
        )
        forced: str | None = None
        if compliance in ("late", "missing"):
            forceable: tuple[str, ...] = _FORCEABLE_2011
            if period.placements[0].code in codes.TEMPORARY_PLACEMENT:
                forceable = tuple(d for d in _FORCEABLE_2011 if d not in _PLACEMENT_DUTIES)
            forced = "review" if period.start < dt.date(2011, 4, 1) else draw(st.sampled_from(forceable))
        builder = _Builder(draw, compliance, period, forced)
        builder.drafts.extend(_period_drafts(period))
        _timeline_drafts(builder)
        return _to_dicts(builder.drafts, child_id, id_prefix)

    return build()


def cohorts(
    n_children: int | None = None,
    *,
    min_children: int = 1,
    max_children: int = 8,
    compliance: Compliance = "mixed",
    start: dt.date = DEFAULT_START,
    years: int = 3,
) -> SearchStrategy[list[list[EventDict]]]:
    """Several children's timelines: a list of timelines, one per child, with unique child ids and event ids.

    ``n_children`` fixes the size; otherwise it is drawn between ``min_children`` and ``max_children``. Each
    child's event ids are prefixed ``c<index>-`` so ids are unique across the cohort. Flatten with
    ``[e for t in cohort for e in t]`` to load them together.

    >>> from hypothesis import given
    >>> @given(cohorts(n_children=3, years=1))
    ... def test_cohort(cohort):
    ...     assert len({t[0]["child"] for t in cohort}) == 3
    >>> test_cohort()
    """
    low, high = (n_children, n_children) if n_children is not None else (min_children, max_children)
    if not 0 <= low <= high:
        raise ValueError("need 0 <= min_children <= max_children")

    @st.composite
    def build(draw: DrawFn) -> list[list[EventDict]]:
        ids = draw(st.lists(child_ids(), min_size=low, max_size=high, unique=True))
        width = len(str(max(len(ids) - 1, 0)))
        return [
            draw(timelines(compliance, start=start, years=years, child=child, id_prefix=f"c{i:0{width}d}-"))
            for i, child in enumerate(ids)
        ]

    return build()


# ---------------------------------------------------------------------------------------------------------
# Invalid records


class InvalidRecord(NamedTuple):
    """A record the reader must reject.

    ``kind`` names the defect, ``field`` is the field the rejection names (``None`` for the record as a whole)
    and ``record`` is the record itself (usually a dict, sometimes not even a mapping).
    """

    kind: str
    field: str | None
    record: Any


def _base(type_: str, **fields: Any) -> EventDict:
    return {"id": "bad-1", "child": "C000001", "type": type_, "date": "2012-06-01", **fields}


def _without(record: EventDict, name: str) -> EventDict:
    return {k: v for k, v in record.items() if k != name}


#: Every kind of defect ``invalid_records`` draws from, with the field the rejection names and an example.
INVALID_RECORD_KINDS: Final[dict[str, tuple[str | None, Callable[[DrawFn], Any]]]] = {
    "missing_id": ("id", lambda d: _without(_base("visit"), "id")),
    "empty_id": ("id", lambda d: {**_base("visit"), "id": d(st.sampled_from(("", " ", "\t")))}),
    "id_not_string": ("id", lambda d: {**_base("visit"), "id": d(st.sampled_from((1, 2.5, True, ["x"])))}),
    "missing_child": ("child", lambda d: _without(_base("visit"), "child")),
    "empty_child": ("child", lambda d: {**_base("visit"), "child": d(st.sampled_from(("", "  ")))}),
    "child_not_string": (
        "child",
        lambda d: {**_base("visit"), "child": d(st.sampled_from((42, None, {"a": 1})))},
    ),
    "missing_type": ("type", lambda d: _without(_base("visit"), "type")),
    "unknown_type": (
        "type",
        lambda d: {**_base("visit"), "type": d(st.sampled_from(("vist", "Visit", "meeting")))},
    ),
    "type_not_string": (
        "type",
        lambda d: {**_base("visit"), "type": d(st.sampled_from((7, False, ["visit"])))},
    ),
    "missing_date": ("date", lambda d: _without(_base("visit"), "date")),
    "date_not_string": (
        "date",
        lambda d: {**_base("visit"), "date": d(st.sampled_from((20120601, None, 1.5)))},
    ),
    "impossible_date": (
        "date",
        lambda d: {**_base("visit"), "date": d(st.sampled_from(("2013-02-29", "2012-04-31", "2011-13-01")))},
    ),
    "malformed_date": (
        "date",
        lambda d: {**_base("visit"), "date": d(st.sampled_from(("01/06/2012", "2012-6-1", "June 2012", "")))},
    ),
    "impossible_time": ("date", lambda d: {**_base("visit"), "date": "2012-06-01T25:10:00"}),
    "bad_offset": (
        "date",
        lambda d: {
            **_base("visit"),
            "date": d(st.sampled_from(("2012-06-01T10:00:00+25:00", "2012-06-01T10:00:00-24:30"))),
        },
    ),
    "missing_required_field": ("placement", lambda d: _base("placement_started")),
    "null_required_field": ("worker", lambda d: _base("worker_allocated", worker=None)),
    "empty_string_field": ("iro", lambda d: _base("iro_appointed", iro=d(st.sampled_from(("", "   "))))),
    "invalid_placement_code": (
        "placement",
        lambda d: _base("placement_started", placement=d(st.sampled_from(("ZZ", "Q9", "u1", "U7")))),
    ),
    "invalid_legal_status": (
        "legal_status",
        lambda d: _base("looked_after_started", legal_status=d(st.sampled_from(("C9", "X", "c2")))),
    ),
    "x1_ends_care": ("reason", lambda d: _base("looked_after_ended", reason="X1")),
    "sdq_out_of_range": ("score", lambda d: _base("sdq", score=d(st.sampled_from((-1, 41, 100))))),
    "sdq_not_whole": ("score", lambda d: _base("sdq", score=d(st.sampled_from((12.5, "12", True))))),
    "wrong_bool": ("seen_alone", lambda d: _base("visit", seen_alone=d(st.sampled_from(("yes", 1, "true"))))),
    "wrong_enum": (
        "kind",
        lambda d: _base("health_assessment", kind=d(st.sampled_from(("annual", "Initial", 1)))),
    ),
    "negative_amount": (
        "weekly_cost",
        lambda d: _base("placement_started", placement="R1", weekly_cost="-0.01"),
    ),
    "not_an_amount": (
        "weekly_cost",
        lambda d: _base(
            "placement_started", placement="R1", weekly_cost=d(st.sampled_from(("lots", "NaN", True)))
        ),
    ),
    "impossible_dob": ("dob", lambda d: _base("child", dob=d(st.sampled_from(("2010-02-30", "30/01/2010"))))),
    "key_stage_unknown": ("key_stage", lambda d: _base("attainment", key_stage=3, result="L4")),
    "non_object": (None, lambda d: d(st.sampled_from((["visit"], "visit", 42, None, True)))),
}


def invalid_records(kinds: Sequence[str] | None = None) -> SearchStrategy[InvalidRecord]:
    """Records that ``load_records`` must reject, as ``InvalidRecord(kind, field, record)``.

    Each is a valid record with exactly one defect, drawn from ``INVALID_RECORD_KINDS`` (missing, empty or
    mistyped id/child/type/date, unknown type, impossible or malformed dates and times, bad UTC offsets,
    missing or null required fields, codes not in the SSDA903 lists, X1 as an end of care, out-of-range or
    fractional SDQ scores, wrong booleans and enums, negative or non-numeric amounts, non-objects, …).
    ``field`` is the field the rejection must name (``None`` for a non-object). ``kinds`` restricts the draw.

    >>> from hypothesis import given
    >>> from swp_rules import load_records
    >>> @given(invalid_records())
    ... def test_rejected(bad):
    ...     assert load_records([bad.record]).rejected[0].field == bad.field
    >>> test_rejected()
    """
    names = sorted(INVALID_RECORD_KINDS) if kinds is None else list(kinds)
    unknown = [k for k in names if k not in INVALID_RECORD_KINDS]
    if unknown or not names:
        raise ValueError(f"unknown kinds of invalid record: {unknown}" if unknown else "no kinds given")

    @st.composite
    def build(draw: DrawFn) -> InvalidRecord:
        kind = draw(st.sampled_from(names))
        field, make = INVALID_RECORD_KINDS[kind]
        return InvalidRecord(kind, field, make(draw))

    return build()


# ---------------------------------------------------------------------------------------------------------
# Contracts


#: The outcome measures a generated contract pays on, with their polarity (docs/contracts.md).
CONTRACT_OUTCOMES: Final[dict[str, Literal["higher", "lower"]]] = {
    "placement_stability_number": "lower",  # NI 62: share of children with 3+ placements
    "placement_stability_length": "higher",  # NI 63
    "reviews_on_time": "higher",  # NI 66
    "visits_on_time": "higher",
    "health_assessments_on_time": "higher",
    "sdq_mean": "lower",  # NI 58 (a score 0–40, scaled here to 0–1)
    "worker_continuity": "higher",
    "missing_episodes_rate": "lower",
}


def _parts(draw: DrawFn, parts: int, total: int | None) -> list[int]:
    """``parts`` positive integers: summing to ``total`` when given, else each 1–10 (shrinks to equal)."""
    if total is None:
        return [draw(st.integers(1, 10)) for _ in range(parts)]
    out: list[int] = []
    remaining = total
    for left in range(parts - 1, 0, -1):
        part = draw(st.integers(1, remaining - left))
        out.append(part)
        remaining -= part
    return [*out, remaining]


def contracts(
    *, min_outcomes: int = 1, max_outcomes: int = 6, weights: Literal["fraction", "decimal"] = "fraction"
) -> SearchStrategy[dict[str, Any]]:
    """Valid contract parameter dicts for payment-by-results tests (docs/contracts.md).

    A draw is a parameter set, not a contract file: write its fields into a contract file (``docs/contracts.md``,
    numbers as exact text) or build ``swp_rules.contracts`` objects from them, as
    ``tests/contracts/test_contracts_properties.py`` does. The outcome ids are the names in ``CONTRACT_OUTCOMES``;
    map them to indicator measures as your contract does. The dict holds:

    * ``id``: ``"contract-<n>"``;
    * ``fee``: the annual operations fee, a ``Decimal`` in whole pence, £50,000–£5,000,000;
    * ``performance_share``: a ``Decimal`` between 0 and 0.6 in hundredths (DCSF's ramp, 0% → 60%);
    * ``outcome_pot``: ``fee × performance_share``, exact;
    * ``outcomes``: a list of distinct outcomes from ``CONTRACT_OUTCOMES``, each ``{"id", "polarity", "lower",
      "upper", "weight"}``: thresholds are ``Decimal`` fractions of 1 in hundredths with ``lower < upper`` for
      ``"higher"`` polarity and ``lower > upper`` for ``"lower"`` (so ``(a − L)/(U − L)`` works for both);
      ``weight`` is a ``Fraction`` (or, with ``weights="decimal"``, a ``Decimal`` in hundredths) and the
      weights sum to exactly 1.

    >>> from hypothesis import given
    >>> @given(contracts())
    ... def test_weights(contract):
    ...     assert sum(o["weight"] for o in contract["outcomes"]) == 1
    >>> test_weights()
    """
    if not 1 <= min_outcomes <= max_outcomes <= len(CONTRACT_OUTCOMES):
        raise ValueError(f"need 1 <= min_outcomes <= max_outcomes <= {len(CONTRACT_OUTCOMES)}")

    @st.composite
    def build(draw: DrawFn) -> dict[str, Any]:
        fee = Decimal(draw(st.integers(5_000_000, 500_000_000))).scaleb(-2)
        share = Decimal(draw(st.integers(0, 60))).scaleb(-2)
        names = draw(
            st.lists(
                st.sampled_from(sorted(CONTRACT_OUTCOMES)),
                min_size=min_outcomes,
                max_size=max_outcomes,
                unique=True,
            )
        )
        parts = _parts(draw, len(names), 100 if weights == "decimal" else None)
        total = sum(parts)
        outcomes = []
        for name, part in zip(names, parts, strict=True):
            low, high = sorted(draw(st.lists(st.integers(0, 100), min_size=2, max_size=2, unique=True)))
            polarity = CONTRACT_OUTCOMES[name]
            lower, upper = (low, high) if polarity == "higher" else (high, low)
            weight: Fraction | Decimal = (
                Decimal(part).scaleb(-2) if weights == "decimal" else Fraction(part, total)
            )
            outcomes.append(
                {
                    "id": name,
                    "polarity": polarity,
                    "lower": Decimal(lower).scaleb(-2),
                    "upper": Decimal(upper).scaleb(-2),
                    "weight": weight,
                }
            )
        return {
            "id": f"contract-{draw(st.integers(1, 999))}",
            "fee": fee,
            "performance_share": share,
            "outcome_pot": fee * share,
            "outcomes": outcomes,
        }

    return build()
