"""The state an obligation carries through its lifecycle (``Clock``) and what became of it (``Outcome``).

A duty's clock starts on a day (and, for a deadline in hours, at an instant) named in words for the explanation
("the child became looked after", "the last visit"); the events that started it are its evidence; only events from
``window_from`` on may discharge it, none after the end of its scope (the period of care, the placement; an event on
the day it ended still counts) and none on or after the birthday it runs ``until``. A recurring duty restarts its
clock from the event that discharged it.
"""

from __future__ import annotations

import datetime as dt

import attrs

from swp_rules import calendar
from swp_rules.engine.results import Due, Status
from swp_rules.model import Event
from swp_rules.rulesets.duties import Discharge


@attrs.define(slots=True, eq=False)
class Clock:
    """Where one obligation's clock stands (never changed once made: a new clock is made instead; not frozen, which
    would make it three times dearer to build, and one is built for every obligation)."""

    #: The day the clock started.
    day: dt.date
    #: The instant it started, for a deadline in hours (``None`` for a day's clock).
    instant: dt.datetime | None
    #: What started it, in words: ``the child became looked after``, ``the last visit``.
    label: str
    #: The ids of the events that started it.
    evidence: tuple[str, ...]
    #: The first event position (in the timeline) that may discharge the duty.
    window_from: int
    #: The day the duty's scope (period of care, placement) ended, if it has; no event after it discharges.
    scope_end: dt.date | None
    #: The birthday on which the duty stops, if known: the 18th for a duty owed to a looked-after child (a child is a
    #: person under 18), or the rule's ``until_age``, whichever comes first. From that day (the birthday itself
    #: included: Family Law Reform Act 1969 s.9) no event meets the duty or restarts it.
    until: dt.date | None = None
    #: The age ``until`` is the birthday of.
    age: int | None = None

    @property
    def ends(self) -> dt.date | None:
        """The day the duty stops, whichever comes first: the end of its scope or its ``until`` birthday."""
        if self.scope_end is None or self.until is None:
            return self.scope_end or self.until
        return min(self.scope_end, self.until)

    def counts(self, day: dt.date) -> bool:
        """Whether an event on ``day`` may discharge the duty: not after its scope ended, not from its ``until``
        birthday on."""
        return (self.scope_end is None or day <= self.scope_end) and (self.until is None or day < self.until)

    def bounded(self, until: dt.date, age: int) -> Clock:
        """The clock stopping at the ``age`` birthday ``until``, if that comes before the one it stops at."""
        if self.until is not None and self.until <= until:
            return self
        return Clock(self.day, self.instant, self.label, self.evidence, self.window_from, self.scope_end, until, age)

    def start_for(self, due: Due) -> Due:
        """The clock's start as a record shows it: an instant when the deadline is one."""
        if not isinstance(due, dt.datetime):
            return self.day
        return self.instant or calendar.start_of_day(self.day)

    def restarted(self, *, event: Event, index: int, label: str, hours: bool) -> Clock:
        """The next clock of a chain, from the event that discharged the last obligation (``hours``: from its
        time of day as well)."""
        # built directly, not with attrs.evolve: a chain restarts its clock at every discharge
        return Clock(event.date, event.time if hours else None, label, (event.id,), index + 1, self.scope_end,
                     self.until, self.age)


@attrs.define(slots=True, eq=False)
class Outcome:
    """What became of one obligation: met, breached, open or lapsed, and the facts its explanation reads out (built
    only for a record that is made; never changed once made)."""

    status: Status
    #: When the clock started, as the record shows it (``Clock.start_for``).
    clock_start: Due
    due: Due
    met: Due | None = None
    days_late: int = 0
    #: The day the duty ended (its scope or its ``until`` birthday) when that ended it.
    ended: dt.date | None = None
    #: Why it ended, when the explanation should say so (``the child turned 18 on …``).
    reason: str | None = None
    #: The event that met the duty, on time or late, and the discharge it satisfied.
    by: tuple[Event, Discharge] | None = None
    #: How the due date was reached, when a count of days does not say it: ``the first review, held on …``.
    due_words: str | None = None
    #: Why the due date moved, when a temporary relaxation moved it (the coronavirus modifications of 2020).
    relaxed: str | None = None
