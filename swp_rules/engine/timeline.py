"""One child's events in order: periods of care, placements, legal statuses, age, and the facts rules read.

Periods of care run from ``looked_after_started`` to ``looked_after_ended``; a placement runs from its
``placement_started`` to the next one, its ``placement_ended`` or the end of care, whichever comes first. A period or
placement that ends on day E covers the days before E; events on day E still count as done within it.

**Looked after on a date** (``Timeline.period_on``, the one notion the duty engine and the indicators share): a child
is looked after only while under 18 (Children Act 1989 s.105(1)), and a person attains an age at the start of the
anniversary of the birth (Family Law Reform Act 1969 s.9). So a period of care ends at the 18th birthday at the latest,
whatever the record says: a period the record leaves running is closed on the birthday (``Period.aged_out``), and on
the birthday itself the young person is no longer looked after. A record that contradicts itself (an event of care
before any period of care began, an end of care that ends no running period, a period starting on or after the 18th
birthday) is a problem of the record: the child cannot be evaluated (docs/duties.md).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from swp_rules import calendar
from swp_rules.engine.facts import reader
from swp_rules.model import Event

#: An extra event field (SPEC.md §1 keeps extra fields as given) by which a producer, such as the SSDA903 importer,
#: says the child's record is structurally unsound (overlapping episodes, DEC without REC, ...): its text is the
#: reason. Such a child's timeliness cannot be evaluated: the engine gives it a note and no duty results.
RECORD_PROBLEM: Final = "record_problem"
#: How the note for such a child begins.
CANNOT_EVALUATE: Final = "timeliness cannot be evaluated"

#: A child is a person under this age (Children Act 1989 s.105(1)): the definition the whole engine rests on, not a
#: timescale. Care ends on this birthday at the latest; the leaving-care duties take over.
ADULT_AGE: Final = 18

#: Events that happen only while a child is looked after: dated before any period of care began, they contradict it.
_ONLY_IN_CARE: Final = frozenset({"placement_started", "placement_ended", "legal_status_changed", "looked_after_ended",
                                  "review"})
#: Events that start or change care: on the 18th birthday they show the record running on past childhood (an end of
#: care or of a placement recorded on the birthday still ends the period that day).
_STARTING: Final = frozenset({"looked_after_started", "placement_started", "legal_status_changed"})

#: Order of event types within one day, so that care starts before a placement and ends after everything else.
_RANK: Final[Mapping[str, int]] = {
    "child": 0,
    "looked_after_started": 1,
    "legal_status_changed": 2,
    "placement_ended": 3,
    "placement_started": 4,
    "accommodation_provided_ended": 3,
    "accommodation_provided": 4,
    "looked_after_ended": 9,
}


def sort_key(event: Event) -> tuple[dt.date, int, str, str]:
    """Events in time order; same-day events in structural order, then time of day, then id."""
    return (event.date, _RANK.get(event.type, 5), event.time.isoformat() if event.time else "", event.id)


@attrs.define(slots=True, eq=False)
class Span:
    """What a period of care, a placement and a spell of accommodation share: the day it began and the event that
    began it (and its position), and the day it stopped (exclusive; events that day still count) and its position."""

    start: dt.date
    index: int
    event: Event
    end: dt.date | None = None
    end_index: int | None = None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@attrs.define(slots=True, eq=False)
class Accommodation(Span):
    """Accommodation the responsible authority provides to a relevant or former relevant child under Children Act
    1989 s.23B or s.24B (SI 2010/2571 reg 8(2)): from its ``accommodation_provided`` to the next one (a move) or its
    ``accommodation_provided_ended`` (the day it stopped, exclusive; events that day still count)."""


def accommodations(events: list[Event], positions: Mapping[str, list[int]]) -> list[Accommodation]:
    """The spells of s.23B/s.24B accommodation in a child's ordered events."""
    out: list[Accommodation] = []
    marks = sorted((*positions.get("accommodation_provided", ()), *positions.get("accommodation_provided_ended", ())))
    for index in marks:
        event = events[index]
        if out and out[-1].end is None:
            out[-1].end, out[-1].end_index = event.date, index
        if event.type == "accommodation_provided":
            out.append(Accommodation(event.date, index, event))
    return out


@attrs.define(slots=True, eq=False)
class Placement(Span):
    """One placement: its start, its end (the day it stopped, exclusive) and what the record says of it."""

    @property
    def code(self) -> str:
        return str(self.event.fields["placement"])


@attrs.define(slots=True, eq=False)
class Period(Span):
    """A period of care, with its placements, legal statuses and reviews in order."""

    end_event: Event | None = None
    placements: list[Placement] = attrs.field(factory=list)
    status_dates: list[dt.date] = attrs.field(factory=list)
    statuses: list[str] = attrs.field(factory=list)
    review_dates: list[dt.date] = attrs.field(factory=list)
    #: The period ended on the 18th birthday because the child stopped being a child, not by a recorded end of care.
    aged_out: bool = False

    def legal_status_on(self, day: dt.date) -> str | None:
        at = bisect.bisect_right(self.status_dates, day) - 1
        return self.statuses[at] if at >= 0 else None

    def placement_on(self, day: dt.date) -> Placement | None:
        for placement in reversed(self.placements):
            if placement.start <= day:
                return placement if placement.covers(day) else None
        return None


@attrs.define(eq=False)
class Timeline:
    """A child's events sorted, their periods of care, and the facts a rule's condition may ask for."""

    child: str
    events: list[Event]
    periods: list[Period]
    positions: dict[str, list[int]]
    dob: dt.date | None = None
    sex: str | None = None
    uasc: bool = False
    anomalies: list[str] = attrs.field(factory=list)
    #: Structural problems the record declares (``record_problem`` fields): the child cannot be evaluated.
    problems: list[str] = attrs.field(factory=list)
    #: The 18th birthday: from that day the young person is not a child and not looked after (``None`` without a
    #: date of birth).
    adult_from: dt.date | None = None
    #: Accommodation provided under s.23B or s.24B, in order (``accommodations``).
    stays: list[Accommodation] = attrs.field(factory=list)

    @classmethod
    def build(cls, child: str, events: Iterable[Event]) -> Timeline:
        ordered = sorted(events, key=sort_key)
        positions: dict[str, list[int]] = {}
        periods: list[Period] = []
        timeline = cls(child, ordered, periods, positions)
        dobs = [e.fields["dob"] for e in ordered if e.type == "child"]
        adult = timeline.adult_from = calendar.birthday(dobs[-1], ADULT_AGE) if dobs else None
        current: Period | None = None
        for index, event in enumerate(ordered):
            kind = event.type
            at = positions.get(kind)
            if at is None:
                positions[kind] = [index]
            else:
                at.append(index)
            problem = event.fields.get(RECORD_PROBLEM)
            if problem:
                timeline.problem(str(problem))
            # the record running on after the 18th birthday: anything dated after it, or on the day an event that
            # would start or change care (an end of care or of a placement recorded on the birthday still ends the
            # period that day)
            if current is not None and adult is not None and (
                    event.date > adult or (event.date == adult and kind in _STARTING)):
                _close(current, adult, index, None)
                current.aged_out, current = True, None
            if kind == "child":
                timeline.dob = event.fields["dob"]
                timeline.sex = event.fields.get("sex", timeline.sex)
                timeline.uasc = bool(event.fields.get("uasc", timeline.uasc))
            elif kind == "looked_after_started":
                if adult is not None and event.date >= adult:
                    timeline.problem(f"a period of care starts on {event.date}, on or after the 18th birthday "
                                     f"({adult}): a person of 18 is not a child (Children Act 1989 s.105(1))")
                    continue
                if current is not None:
                    timeline.anomalies.append(f"a period of care started on {event.date} before the last one ended")
                    _close(current, event.date, index, None)
                current = Period(event.date, index, event)
                current.status_dates.append(event.date)
                current.statuses.append(event.fields["legal_status"])
                periods.append(current)
            elif current is None:
                timeline._outside_care(event, adult)
            elif kind == "legal_status_changed":
                current.status_dates.append(event.date)
                current.statuses.append(event.fields["legal_status"])
            elif kind == "placement_started":
                if current.placements and current.placements[-1].end is None:
                    last = current.placements[-1]
                    last.end, last.end_index = event.date, index
                current.placements.append(Placement(event.date, index, event))
            elif kind == "placement_ended":
                if current.placements and current.placements[-1].end is None:
                    last = current.placements[-1]
                    last.end, last.end_index = event.date, index
            elif kind == "review":
                if adult is None or event.date < adult:
                    current.review_dates.append(event.date)
            elif kind == "looked_after_ended":
                _close(current, event.date, index, event)
                current = None
        if current is not None and adult is not None:
            _close(current, adult, len(ordered), None)
            current.aged_out = True
        timeline.stays = accommodations(ordered, positions)
        return timeline

    def accommodation_on(self, day: dt.date) -> Accommodation | None:
        """The s.23B/s.24B accommodation provided on ``day``, if any."""
        for stay in reversed(self.stays):
            if stay.start <= day:
                return stay if stay.covers(day) else None
        return None

    def problem(self, reason: str) -> None:
        """Record that the record cannot be evaluated, and why (a note beginning ``CANNOT_EVALUATE``)."""
        self.problems.append(reason)
        self.anomalies.append(f"{CANNOT_EVALUATE}: {reason}")

    def _outside_care(self, event: Event, adult: dt.date | None) -> None:
        """An event while no period of care is running. A contradiction when it is an event of care before any period
        began (or with none at all), or an end of care that ends no running period (a period ending before it began,
        or ending twice): the periods every duty hangs on cannot be known. Only a note, and the event belongs to no
        period, for a placement or legal status between periods, or anything on or after the 18th birthday (the law
        had already ended care: the record is late, not wrong)."""
        kind, day = event.type, event.date
        if adult is not None and day >= adult:
            if kind in _ONLY_IN_CARE - {"review"}:
                self.anomalies.append(f"a {kind} event on {day} comes on or after the 18th birthday ({adult}): "
                                      "care had ended (Children Act 1989 s.105(1))")
        elif not self.periods and kind in _ONLY_IN_CARE:
            self.problem(f"a {kind} event on {day} comes before any period of care began")
        elif kind == "looked_after_ended":
            self.problem(f"a {kind} event on {day} ends no running period of care (it ends a period before it "
                         "began, or one already ended)")
        elif kind in _ONLY_IN_CARE - {"review"}:
            self.anomalies.append(f"a {kind} event on {day} falls outside any period of care")

    def aged_out_on(self, day: dt.date) -> Period | None:
        """The period of care the record left running that ended on ``day`` because it was the 18th birthday."""
        for period in self.periods:
            if period.aged_out and period.end == day:
                return period
        return None

    def period_on(self, day: dt.date) -> Period | None:
        """The period of care the child is looked after in on ``day``, or ``None``: never on or after the 18th
        birthday (the one notion of "looked after on a date", shared by the duty engine and the indicators)."""
        for period in reversed(self.periods):
            if period.start <= day:
                return period if period.covers(day) else None
        return None

    def of_type(self, *types: str) -> list[int]:
        """Positions of the events of these types, in time order."""
        if len(types) == 1:
            return self.positions.get(types[0], [])
        return sorted(i for t in types for i in self.positions.get(t, []))

    def facts(self, names: Sequence[str], day: dt.date, period: Period | None,
              placement: Placement | None = None, eligible_on: dt.date | None = None) -> dict[str, Any]:
        """The values of the named facts on ``day`` (a fact the record does not give is left out)."""
        out: dict[str, Any] = {}
        if placement is None and period is not None:
            placement = period.placement_on(day)
        for name in names:
            value = reader(name)(self, day, period, placement, eligible_on)
            if value is not None:
                out[name] = value
        return out

    def eligibility_date(self, since_age: int, from_age: int, weeks: int) -> dt.date | None:
        """The first day the child is an eligible child (looked after for ``weeks`` weeks in all since the
        ``since_age`` birthday, and looked after on or after the ``from_age`` birthday), or ``None``."""
        if self.dob is None:
            return None
        since = calendar.birthday(self.dob, since_age)
        start = calendar.birthday(self.dob, from_age)
        needed = 7 * weeks
        total = 0
        for period in self.periods:
            begin = max(period.start, since)
            end = period.end
            if end is not None and begin >= end:
                continue
            reached = begin + dt.timedelta(days=max(0, needed - total))
            day = max(reached, start, period.start)
            if end is None or day < end:
                return day
            total += (end - begin).days
        return None


def _close(period: Period, day: dt.date, index: int, event: Event | None) -> None:
    period.end, period.end_index, period.end_event = day, index, event
    if period.placements and period.placements[-1].end is None:
        period.placements[-1].end = day
        period.placements[-1].end_index = index

