"""Scheduling a timeline from the loaded rulebook: every duty the rules say the case creates is discharged on time,
late or not at all, as the compliance profile draws it.

Nothing here knows a timescale. The scheduler asks the duty engine (with the rulebook the caller loaded, parameters
and local rules included) which obligations the events so far create and when each falls due, places an event that
discharges each one inside its window (or after its deadline, for a late one), runs each recurring chain forward with
the deadlines the rules give, and asks again, until every obligation due before the horizon is settled as drawn.
An event that discharges one duty early never spoils another's chain (clocks restart from the actual event), so each
round only adds events and the schedule settles in a few rounds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Final, Literal, TypeAlias

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn

from swp_rules import calendar
from swp_rules.engine import Engine, Timeline
from swp_rules.engine.results import Due, DutyRecord
from swp_rules.rulesets import conditions as cond
from swp_rules.rulesets.duties import Deadline, Discharge, DutyRule
from swp_rules.testing.drafts import Drafts
from swp_rules.testing.fields import CaseStaff, discharge_fields
from swp_rules.testing.periods import PlannedPeriod

#: How a timeline meets the duties its rules create.
Compliance: TypeAlias = Literal["on_time", "late", "missing", "mixed"]
COMPLIANCE_PROFILES: Final[tuple[Compliance, ...]] = ("on_time", "late", "missing", "mixed")
Fate: TypeAlias = Literal["on_time", "late", "missing"]
_FATES: Final[dict[Compliance, tuple[Fate, ...]]] = {
    "on_time": ("on_time",),
    "late": ("on_time", "late"),
    "missing": ("on_time", "missing"),
    "mixed": ("on_time", "late", "missing"),
}
#: The deadline a "late" or "missing" timeline always spoils falls due within this many days of the period's start.
SPOIL_WITHIN_DAYS: Final = 120
#: A late event comes 1 to this many days after a deadline in days, or 1 to ``MOST_LATE_HOURS`` after one in hours.
MOST_LATE_DAYS: Final = 30
MOST_LATE_HOURS: Final = 48
#: Rounds of asking the engine before the scheduler gives up (it settles in a few).
MAX_ROUNDS: Final = 30
#: Events that shape the period of care: never scheduled to discharge a duty.
STRUCTURAL: Final = frozenset(
    {"child", "looked_after_started", "looked_after_ended", "placement_started", "placement_ended",
     "legal_status_changed"}
)
_Key: TypeAlias = tuple[str, str, str]


class ScheduleError(RuntimeError):
    """The scheduler could not settle an obligation it had to (a rule no event can discharge as drawn)."""


def due_after(deadline: Deadline, day: dt.date, instant: dt.datetime | None) -> Due:
    """When an obligation with ``deadline`` falls due, its clock starting on ``day`` (at ``instant``, if known)."""
    return calendar.add_amount(deadline.unit, deadline.amount, day, instant)


def _day(value: Due) -> dt.date:
    if isinstance(value, dt.datetime):
        local = value.astimezone(calendar.london())
        return dt.date(local.year, local.month, local.day)
    return value


@attrs.frozen(kw_only=True)
class Window:
    """Where an event discharging one obligation may fall: after its clock (from it, when the rule accepts an event
    made beforehand or the deadline is the clock's own day), by ``due`` to be on time, never after ``limit``."""

    clock: Due
    due: Due
    accept_before: bool
    limit: dt.date

    def hours(self) -> bool:
        return isinstance(self.due, dt.datetime)


@attrs.define
class Scheduler:
    """Settles one child's obligations under a compliance profile; see the module docstring."""

    draw: DrawFn
    engine: Engine
    compliance: Compliance
    period: PlannedPeriod
    staff: CaseStaff
    drafts: Drafts
    spoil: str | None = attrs.field(default=None, kw_only=True)
    fates: dict[_Key, Fate] = attrs.field(factory=dict, init=False)
    tries: Counter[_Key] = attrs.field(factory=Counter, init=False)
    spoiled: _Key | None = attrs.field(default=None, init=False)
    timeline: Timeline | None = attrs.field(default=None, init=False)
    #: Where no event of a type may fall, so that another duty's event never discharges the spoiled one in time.
    blackouts: list[tuple[str, Due, Due]] = attrs.field(factory=list, init=False)

    # --- the rounds ---
    def run(self) -> None:
        for round_ in range(MAX_ROUNDS):
            records, self.timeline = self.engine.child_records(
                self.drafts.child, list(self.drafts.events.values()), self.period.horizon
            )
            pending = [r for r in records if r.status == "breached" and not self._accepted(r)]
            if round_ == 0 and self.compliance in ("late", "missing"):
                self._choose_spoiled(pending)
            if not pending:
                return
            for record in pending:
                self._settle(record)
        raise ScheduleError(f"the schedule did not settle in {MAX_ROUNDS} rounds")

    def _accepted(self, record: DutyRecord) -> bool:
        """A breach the profile drew: an obligation drawn late or left out, or met by an event meant to be late."""
        if self.fates.get(_key(record)) in ("late", "missing"):
            return True
        met = self.drafts.by_key.get(record.evidence[-1]) if record.met is not None else None
        return met is not None and met.late

    def _choose_spoiled(self, pending: list[DutyRecord]) -> None:
        """The first deadline a late or missing timeline spoils, so that the profile always shows."""
        soon = self.period.start + dt.timedelta(days=SPOIL_WITHIN_DAYS)
        candidates = [r for r in pending if _day(r.due) <= soon and self._can_spoil(r)]
        wanted = [r for r in candidates if self.spoil in (r.rule, r.rule.split(".", 1)[0])]
        candidates = wanted or candidates
        if not candidates:
            return
        record = self.draw(st.sampled_from(candidates))
        self.spoiled = _key(record)
        # no event of any type that discharges it falls in its window (a care plan also meets the PEP it includes)
        for discharge in self._rule(record.rule, _day(record.clock_start)).discharged_by:
            self.blackouts.append((discharge.event, record.clock_start, record.due))

    def _can_spoil(self, record: DutyRecord) -> bool:
        if self.compliance == "missing":
            return True
        limit = self._limit(record)
        return _day(record.due) < limit if isinstance(record.due, dt.datetime) else record.due < limit

    def _fate(self, key: _Key) -> Fate:
        if key not in self.fates:
            if key == self.spoiled:
                self.fates[key] = "late" if self.compliance == "late" else "missing"
            else:
                self.fates[key] = self.draw(st.sampled_from(_FATES[self.compliance]))
        return self.fates[key]

    # --- one obligation ---
    def _settle(self, record: DutyRecord) -> None:
        key = _key(record)
        fate = self._fate(key)
        self.tries[key] += 1
        if fate == "missing":
            return
        if self.tries[key] > 3:
            raise ScheduleError(f"{record.rule} due {record.due} stays breached: no event placed meets it")
        rule = self._rule(record.rule, _day(record.clock_start))
        window = Window(clock=record.clock_start, due=record.due, accept_before=rule.accept_before,
                        limit=self._limit(record))
        placed = self._place(rule, window, fate, record.evidence[0] if record.evidence else None)
        if placed is None:
            self.fates[key] = "missing"
            return
        self._run_chain(rule, placed)

    def _rule(self, rule_id: str, day: dt.date) -> DutyRule:
        rule = self.engine.book.version(rule_id, day)
        if rule is None:  # the engine reported it, so some version is in force on its clock day
            raise ScheduleError(f"no version of {rule_id} is in force on {day}")
        return rule

    def _limit(self, record: DutyRecord) -> dt.date:
        """The last day an event may discharge the obligation: the day before its scope ended, or the horizon."""
        if record.ended is not None:
            return min(self.period.horizon, record.ended - dt.timedelta(days=1))
        return self.period.horizon

    def _place(self, rule: DutyRule, window: Window, fate: Fate, trigger: str | None) -> tuple[Due, str] | None:
        """Add one event discharging ``rule`` in ``window`` (or late): its date or instant and its key, or ``None``
        when no event can."""
        discharge = _schedulable(rule)
        if discharge is None:
            return None
        when = self._when(window, fate, discharge.event)
        if when is None and fate == "on_time" and self.compliance in ("late", "mixed"):
            fate = "late"  # its window is the spoiled duty's: another duty's event there would discharge that
            when = self._when(window, fate, discharge.event)
        if when is None:
            return None
        day = _day(when)
        fields = discharge_fields(self.draw, discharge.event, day, staff=self.staff, drafts=self.drafts,
                                  when=discharge.when)
        if fields is None:
            return None
        if discharge.refers_to is not None:
            if trigger is None:
                return None
            fields[discharge.refers_to] = trigger
        instant = when if isinstance(when, dt.datetime) else None
        draft = self.drafts.add(discharge.event, day, fields, instant=instant, purpose=rule.id, late=fate == "late")
        return when, draft.key

    def _when(self, window: Window, fate: Fate, event_type: str) -> Due | None:
        """The date (or instant, for a duty counted in hours) of the event: by the deadline, or after it."""
        if window.hours():
            assert isinstance(window.due, dt.datetime)
            clock = window.clock if isinstance(window.clock, dt.datetime) else calendar.start_of_day(window.clock)
            if fate == "late":
                when = calendar.add_hours(window.due, self.draw(st.integers(1, MOST_LATE_HOURS)))
                lowest: Due = calendar.add_hours(window.due, 1)
                highest: Due = calendar.start_of_day(window.limit + dt.timedelta(days=1))
            else:
                span = max(0, int((window.due - clock).total_seconds() // 3600) - 1)
                when = calendar.add_hours(window.due, -self.draw(st.integers(0, span)))
                lowest, highest = calendar.add_hours(window.due, -span), window.due
            found = self._outside_blackouts(event_type, when, lowest, highest)
            return found if found is not None and _day(found) <= window.limit else None
        assert isinstance(window.due, dt.date) and not isinstance(window.clock, dt.datetime)
        if fate == "late":
            most = min(MOST_LATE_DAYS, (window.limit - window.due).days)
            if most < 1:
                return None
            late = window.due + dt.timedelta(days=self.draw(st.integers(1, most)))
            return self._outside_blackouts(event_type, late, window.due + dt.timedelta(days=1), window.limit)
        earliest = window.clock if window.accept_before or window.due == window.clock else (
            window.clock + dt.timedelta(days=1))
        # the slack shrinks to 0: an event on its deadline, the fewest events
        day = window.due - dt.timedelta(days=self.draw(st.integers(0, max(0, (window.due - earliest).days))))
        return self._outside_blackouts(event_type, day, earliest, window.due)

    def _outside_blackouts(self, event_type: str, when: Due, lowest: Due, highest: Due) -> Due | None:
        """``when``, or the nearest moment between ``lowest`` and ``highest`` outside the spoiled duty's window."""
        for kind, start, end in self.blackouts:
            if kind != event_type or not _between(start, when, end):
                continue
            after = _next(end)
            before = _previous(start)
            if _between(lowest, after, highest):
                when = after
            elif _between(lowest, before, highest):
                when = before
            else:
                return None
        return when

    # --- a recurring duty, run forward from the event just placed ---
    def _run_chain(self, rule: DutyRule, placed: tuple[Due, str]) -> None:
        """Place the later obligations of ``rule``'s chain as far as the horizon, with the deadlines the rules give on
        each clock's day; the engine checks them in the next round."""
        current = rule
        while True:
            when, previous = placed
            next_id = current.id if current.recurs else current.then
            day = _day(when)
            nxt = self.engine.book.version(next_id, day) if next_id else None
            if nxt is None or not self._applies(nxt, day):
                return
            instant = when if isinstance(when, dt.datetime) and nxt.deadlines[0].unit == "hours" else None
            deadline = self._deadline(nxt, day, instant)
            due = due_after(deadline, day, instant)
            limit = self._scope_limit(nxt, day)
            if _day(due) >= min(limit, self.period.horizon):
                return  # not due by the horizon (or it lapses with its scope): nothing owed yet
            clock: Due = instant if instant is not None else day
            if isinstance(due, dt.datetime) and instant is None:
                clock = calendar.start_of_day(day)
            key = (nxt.id, clock.isoformat(), previous)
            fate = self._fate(key)
            if fate == "missing":
                return
            window = Window(clock=clock, due=due, accept_before=nxt.accept_before, limit=limit)
            found = self._place(nxt, window, fate, None)
            if found is None:
                return
            placed, current = found, nxt

    def _applies(self, rule: DutyRule, day: dt.date) -> bool:
        if rule.until_age is not None and day >= calendar.birthday(self.period.dob, rule.until_age):
            return False
        return rule.applies is None or cond.holds(rule.applies.node, self._facts(rule.applies.names, day))

    def _deadline(self, rule: DutyRule, day: dt.date, instant: dt.datetime | None) -> Deadline:
        """The deadline the rule gives for a clock starting on ``day`` (the first whose ``when`` holds)."""
        for deadline in rule.deadlines:
            if deadline.when is None:
                return deadline
            read_at = deadline.conditions_at or rule.conditions_at
            on = day if read_at == "clock_start" else _day(due_after(deadline, day, instant))
            if cond.holds(deadline.when.node, self._facts(deadline.when.names, on)):
                return deadline
        return rule.deadlines[-1]

    def _facts(self, names: tuple[str, ...], day: dt.date) -> dict[str, object]:
        timeline = self.timeline
        assert timeline is not None
        period = timeline.period_on(day)
        return timeline.facts(names, day, period, period.placement_on(day) if period else None)

    def _scope_limit(self, rule: DutyRule, day: dt.date) -> dt.date:
        if rule.scope == "placement":
            placement = self.period.placement_on(day)
            if placement.end < self.period.horizon:
                return placement.end - dt.timedelta(days=1)
        return self.period.horizon


def _between(low: Due, value: Due, high: Due) -> bool:
    """``low <= value <= high``, comparing a date with an instant by its London day."""
    if isinstance(value, dt.datetime) and isinstance(low, dt.datetime) and isinstance(high, dt.datetime):
        return low <= value <= high
    return _day(low) <= _day(value) <= _day(high)


def _next(value: Due) -> Due:
    return calendar.add_hours(value, 1) if isinstance(value, dt.datetime) else value + dt.timedelta(days=1)


def _previous(value: Due) -> Due:
    return calendar.add_hours(value, -1) if isinstance(value, dt.datetime) else value - dt.timedelta(days=1)


def _key(record: DutyRecord) -> _Key:
    return (record.rule, record.clock_start.isoformat(), record.evidence[0] if record.evidence else "")


def _schedulable(rule: DutyRule) -> Discharge | None:
    """The first way of discharging ``rule`` by an event that does not reshape the period of care."""
    return next((d for d in rule.discharged_by if d.event not in STRUCTURAL), None)
