"""The obligation lifecycle: from a trigger, a clock, a deadline, and the event that discharges it (or not).

For each duty and each moment that starts it (a period of care, a placement, an event…), the engine takes the
version of the rule in force on that date and runs its chain: the duty falls due when its deadline says; the first
discharging event settles it (on time, or late: a breach); a recurring duty then restarts its clock from the actual
date of that event (docs/legal-sources.md §2).
With no discharging event the obligation is *open* while it is not yet due,
*breached* once the due date has passed, and *lapsed* if its scope (the period of care, or the placement) ended on or
before the due date. Everything is in event time: only events on or before ``as_of`` exist.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator
from typing import Final

import attrs

from swp_rules import calendar, codes
from swp_rules.engine.matcher import Matcher
from swp_rules.engine.results import Due, DutyRecord, Status
from swp_rules.engine.rulebook import RuleBook
from swp_rules.engine.timeline import Period, Placement, Timeline
from swp_rules.model import Event
from swp_rules.rulesets.duties import Deadline, Discharge, DutyRule, Trigger

_CLOCKS = {
    "period_start": "the child became looked after",
    "first_placement": "the first placement began",
    "placement_start": "the placement began",
    "care_ended": "the child left care",
    "leaving_care_eligible": "the child became an eligible child",
    "birthday": "the child's birthday",
}


@attrs.frozen(slots=True)
class _Occurrence:
    """A moment that starts a duty: its date (and instant), the event behind it, and the duty's scope."""

    day: dt.date
    index: int
    evidence: tuple[str, ...]
    period: Period | None
    placement: Placement | None
    scope_end: dt.date | None
    window_from: int
    event: Event | None


_DAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


_ACRONYMS: Final = {"sdq": "SDQ", "pep": "PEP", "iro": "IRO"}


def _event_words(event_type: str) -> str:
    """An event type as an explanation writes it: ``the last SDQ``, ``the placement started``."""
    return " ".join(_ACRONYMS.get(word, word) for word in event_type.split("_"))


def _ordinal(n: int) -> str:
    """``4th``, ``21st``, ``12th``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def long_date(day: dt.date) -> str:
    """``Mon 6 Jun 2011``: how an explanation writes a date (English names whatever the locale)."""
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def _when_text(value: Due) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%H:%M} on {long_date(value.date())}"
    return long_date(value)


def _on_or_at(value: Due) -> str:
    """``on Mon 6 Jun 2011``, or ``at 21:45 on Mon 6 Jun 2011`` for a date-time."""
    return f"{'at' if isinstance(value, dt.datetime) else 'on'} {_when_text(value)}"


def _due(deadline: Deadline, start: dt.date, instant: dt.datetime | None) -> Due:
    unit, n = deadline.unit, deadline.amount
    if unit == "working_days":
        return calendar.add_working_days(start, n)
    if unit == "days":
        return calendar.add_days(start, n)
    if unit == "weeks":
        return calendar.add_days(start, 7 * n)
    if unit == "months":
        return calendar.add_months(start, n)
    return calendar.add_hours(instant or calendar.start_of_day(start), n)


def _since_last_care(timeline: Timeline, period: Period) -> int:
    """The first event that may discharge, in advance, a duty owed from the start of ``period``: anything after the
    previous period of care ended (a plan made or a notice sent before the child is accommodated counts, as "before
    the placement" requires), but nothing that belonged to an earlier period."""
    at = timeline.periods.index(period)
    if at == 0:
        return 0
    before = timeline.periods[at - 1]
    return before.end_index + 1 if before.end_index is not None else period.index


def _resumptions(placements: list[Placement]) -> dict[int, int]:
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


def _due_day(due: Due) -> dt.date:
    return due.date() if isinstance(due, dt.datetime) else due


class ChildEvaluator:
    """Runs every duty of a rule book over one child's timeline, as of a date."""

    def __init__(self, book: RuleBook, matcher: Matcher) -> None:
        self.book = book
        self.matcher = matcher

    def records(self, timeline: Timeline, as_of: dt.date, *, reported_only: bool = False) -> list[DutyRecord]:
        """The child's duty records as of ``as_of``, ordered by due date; with ``reported_only``, only the breached
        and open ones (met and lapsed duties are still worked out, since later clocks run from them)."""
        eligible_on = None
        if self.book.eligibility is not None:
            spec = self.book.eligibility
            assert spec.since_age is not None and spec.from_age is not None and spec.weeks is not None
            eligible_on = timeline.eligibility_date(spec.since_age, spec.from_age, spec.weeks)
            if eligible_on is not None and eligible_on > as_of:
                eligible_on = None
        run = _Run(self, timeline, as_of, eligible_on, reported_only)
        for rule_id, trigger in self.book.roots:
            for occurrence in run.occurrences(trigger):
                rule = self.book.version(rule_id, occurrence.day)
                if rule is not None and rule.trigger == trigger and run.chain(rule, occurrence):
                    continue
                run.commence(rule_id, trigger, occurrence)
        run.out.sort(key=lambda r: (_due_day(r.due), r.rule, r.evidence))
        return run.out


class _Run:
    def __init__(self, owner: ChildEvaluator, timeline: Timeline, as_of: dt.date,
                 eligible_on: dt.date | None, reported_only: bool = False) -> None:
        self.reported_only = reported_only
        self.book = owner.book
        self.matcher = owner.matcher
        self.timeline = timeline
        self.as_of = as_of
        self.eligible_on = eligible_on
        self.used: dict[str, set[int]] = {}
        self.out: list[DutyRecord] = []

    # --- the moments that start duties ---
    def occurrences(self, trigger: Trigger) -> Iterator[_Occurrence]:
        timeline = self.timeline
        kind = trigger.kind
        if kind == "period_start":
            for period in timeline.periods:
                yield _Occurrence(period.start, period.index, (period.event.id,), period, None, period.end,
                                  _since_last_care(timeline, period), period.event)
        elif kind == "first_placement":
            for period in timeline.periods:
                if period.placements:
                    first = period.placements[0]
                    yield _Occurrence(first.start, first.index, (period.event.id, first.event.id), period, None,
                                      period.end, _since_last_care(timeline, period), first.event)
        elif kind == "placement_start":
            for period in timeline.periods:
                window = _since_last_care(timeline, period)
                resumed = _resumptions(period.placements)
                for at, placement in enumerate(period.placements):
                    if at in resumed:
                        continue
                    last = max((k for k, into in resumed.items() if into == at), default=at)
                    final = period.placements[last]
                    end = final.end if final.end is not None else period.end
                    yield _Occurrence(placement.start, placement.index, (placement.event.id,), period, placement,
                                      end, window, placement.event)
                    window = placement.index + 1
        elif kind == "care_ended":
            for period in timeline.periods:
                if period.end_event is not None and period.end_index is not None:
                    yield _Occurrence(period.end_event.date, period.end_index, (period.end_event.id,), period,
                                      None, None, period.end_index, period.end_event)
        elif kind == "leaving_care_eligible":
            day = self.eligible_on
            if day is not None:
                holder = timeline.period_on(day)
                if holder is not None:
                    index = bisect.bisect_right([e.date for e in timeline.events], day) - 1
                    yield _Occurrence(day, max(index, holder.index), (holder.event.id,), holder, None, holder.end,
                                      holder.index, None)
        elif kind == "birthday":
            assert trigger.age is not None
            if timeline.dob is not None:
                day = calendar.birthday(timeline.dob, trigger.age)
                holder = timeline.period_on(day)
                if holder is not None and day <= self.as_of:
                    # the window opens on the birthday itself: something done that day counts
                    index = bisect.bisect_left([e.date for e in timeline.events], day) - 1
                    yield _Occurrence(day, max(index, holder.index), (holder.event.id,), holder, None, holder.end,
                                      holder.index, None)
        elif kind == "event":
            assert trigger.event is not None
            for index in timeline.of_type(trigger.event):
                event = timeline.events[index]
                within = timeline.period_on(event.date)
                current = within.placement_on(event.date) if within else None
                if within is None:
                    scope_end = None
                elif current is not None and current.end is not None:
                    scope_end = current.end  # for a placement-scoped rule; others use the period's end below
                else:
                    scope_end = within.end
                yield _Occurrence(event.date, index, (event.id,), within, current, scope_end, index, event)

    # --- a period or placement already running when a rule comes into force ---
    def commence(self, rule_id: str, trigger: Trigger, occurrence: _Occurrence) -> None:
        """Start the chain a later version names in ``on_commencement`` for a scope that began before that version
        came into force, was not covered by the version in force when it began, and was still running on the day
        the new version came into force; the clock starts on that day (nothing is owed for earlier days)."""
        timeline = self.timeline
        for later in self.book.versions.get(rule_id, ()):
            start = later.in_force_from
            if later.on_commencement is None or later.trigger != trigger or start <= occurrence.day:
                continue
            if start > self.as_of or (occurrence.scope_end is not None and occurrence.scope_end <= start):
                return
            period = occurrence.period
            if period is None or not period.covers(start):
                return
            if later.applies is not None:
                facts = timeline.facts(later.applies.names, start, period, occurrence.placement, self.eligible_on)
                if not self.matcher.holds(later.applies, facts):
                    return
            first = self.book.version(later.on_commencement, start)
            if first is None:
                return
            index = bisect.bisect_left([e.date for e in timeline.events], start) - 1
            begun = attrs.evolve(occurrence, day=start, index=index, window_from=index + 1, event=None)
            label = "the rule came into force"
            self.chain(first, begun, label)
            return

    # --- one chain of obligations ---
    def chain(self, rule: DutyRule, occurrence: _Occurrence, label: str | None = None) -> bool:
        """Run the chain from ``rule``; ``False`` when the rule does not apply (nothing was recorded)."""
        timeline = self.timeline
        period = occurrence.period
        if rule.scope in ("period", "placement") and period is None:
            return False
        scope_end = occurrence.scope_end
        if rule.scope == "child" or rule.scope == "after_care":
            scope_end = None
        elif rule.scope == "period" and period is not None:
            scope_end = period.end
        clock_day = period.start if rule.clock_from == "period_start" and period else occurrence.day
        event = occurrence.event
        clock_instant = event.time if event is not None and event.type == (rule.trigger.event or "") else None
        window_from = occurrence.window_from if rule.accept_before else occurrence.index + 1
        if rule.accept_before and rule.clock_from == "period_start" and period is not None:
            window_from = _since_last_care(timeline, period)
        clock_label = label or rule.clock_text or _CLOCKS.get(rule.trigger.kind, "")
        if rule.trigger.kind == "birthday" and not (label or rule.clock_text):
            clock_label = f"the child's {_ordinal(rule.trigger.age or 0)} birthday"
        if rule.trigger.kind == "event" and not rule.clock_text and event is not None:
            clock_label = f"the {_event_words(event.type)}"
        evidence: tuple[str, ...] = occurrence.evidence
        placement = occurrence.placement
        until: dt.date | None = None
        current: DutyRule | None = rule
        produced = False
        while current is not None:
            if current.until_age is not None:
                if timeline.dob is not None:
                    until = calendar.birthday(timeline.dob, current.until_age)
                    if clock_day >= until:
                        return produced
                elif current.scope in ("after_care", "child"):
                    return produced  # a duty after care that runs to an age cannot be placed without the birth date
                # in care, an unknown birth date leaves the duty to run until the period of care ends
            if current.applies is not None:
                facts = timeline.facts(current.applies.names, clock_day, period, placement, self.eligible_on)
                if not self.matcher.holds(current.applies, facts):
                    return produced
            deadline = self._deadline(current, clock_day, clock_instant, period, placement)
            due = _due(deadline, clock_day, clock_instant)
            found = self._discharge(current, window_from, scope_end, occurrence)
            record = self._record(current, deadline, clock_day, clock_instant, clock_label, due, found, evidence,
                                  scope_end, until)
            if record is not None:
                self.out.append(record)
            produced = True
            if found is None:
                return produced
            index, done, _ = found
            next_id = current.id if current.recurs else current.then
            if next_id is None:
                return produced
            nxt = self.book.version(next_id, done.date)
            if nxt is None:
                return produced
            clock_day, clock_instant = done.date, done.time if current.deadlines[0].unit == "hours" else None
            clock_label = f"the last {_event_words(done.type)}"
            evidence = (done.id,)
            window_from = index + 1
            current = nxt
        return produced

    def _deadline(self, rule: DutyRule, clock_day: dt.date, clock_instant: dt.datetime | None,
                  period: Period | None, placement: Placement | None) -> Deadline:
        for deadline in rule.deadlines:
            if deadline.when is None:
                return deadline
            day = clock_day
            if rule.conditions_at == "due_date":
                day = _due_day(_due(deadline, clock_day, clock_instant))
            facts = self.timeline.facts(deadline.when.names, day, period, placement, self.eligible_on)
            if self.matcher.holds(deadline.when, facts):
                return deadline
        return rule.deadlines[-1]

    def _discharge(self, rule: DutyRule, window_from: int, scope_end: dt.date | None,
                   occurrence: _Occurrence) -> tuple[int, Event, Discharge] | None:
        timeline = self.timeline
        used = self.used.setdefault(rule.id, set()) if rule.accept_before else None
        best: tuple[int, Event, Discharge] | None = None
        for discharge in rule.discharged_by:
            positions = timeline.of_type(discharge.event)
            start = bisect.bisect_left(positions, window_from)
            for index in positions[start:]:
                if best is not None and index >= best[0]:
                    break
                event = timeline.events[index]
                if scope_end is not None and event.date > scope_end:
                    break
                if used is not None and index in used:
                    continue
                if not self._fits(discharge, event, occurrence):
                    continue
                best = (index, event, discharge)
                break
        if best is not None and used is not None:
            used.add(best[0])
        return best

    def _fits(self, discharge: Discharge, event: Event, occurrence: _Occurrence) -> bool:
        if discharge.refers_to is not None:
            trigger = occurrence.event
            if trigger is None or event.fields.get(discharge.refers_to) != trigger.id:
                return False
        if discharge.when is not None:
            return self.matcher.holds(discharge.when, event.fields)
        return True

    def _record(self, rule: DutyRule, deadline: Deadline, clock_day: dt.date, clock_instant: dt.datetime | None,
                clock_label: str, due: Due, found: tuple[int, Event, Discharge] | None, evidence: tuple[str, ...],
                scope_end: dt.date | None, until: dt.date | None) -> DutyRecord | None:
        as_of = self.as_of
        due_day = _due_day(due)
        citation = deadline.citation or rule.citation
        clock_start: Due = clock_instant if isinstance(due, dt.datetime) and clock_instant else clock_day
        if isinstance(due, dt.datetime) and not isinstance(clock_start, dt.datetime):
            clock_start = calendar.start_of_day(clock_day)
        status: Status
        met: Due | None = None
        days_late = 0
        ended: dt.date | None = None
        end_limit = min(d for d in (scope_end, until) if d is not None) if (scope_end or until) else None
        if found is not None:
            _, event, _ = found
            evidence = (*evidence, event.id)
            if isinstance(due, dt.datetime):
                met = event.time or event.date
                on_time = event.time <= due if event.time is not None else event.date <= due_day
            else:
                met = event.date
                on_time = event.date <= due_day
            days_late = 0 if on_time else (event.date - due_day).days
            status = "met" if on_time else "breached"
        elif end_limit is not None and end_limit <= due_day:
            status, ended = "lapsed", end_limit
        elif due_day < as_of:
            status = "breached"
            last = min(as_of, end_limit) if end_limit is not None else as_of
            days_late = (last - due_day).days
            ended = end_limit
        else:
            status = "open"
        if self.reported_only and status in ("met", "lapsed"):
            return None
        by_age = ended is not None and ended == until and (scope_end is None or until < scope_end)
        reason = f"the child turned {rule.until_age} on {long_date(until)}" if by_age and until else None
        explanation = _explain(rule, deadline, clock_label, clock_start, due, status, met, days_late, as_of, ended,
                               citation, reason, by=found[1:] if found is not None else None)
        return DutyRecord(
            child=self.timeline.child, rule=rule.id, title=rule.title, citation=citation, status=status,
            clock_start=clock_start, clock=clock_label, deadline=deadline.describe(), due=due, met=met,
            days_late=days_late, evidence=evidence, explanation=explanation, ruleset=rule.ruleset, ended=ended,
            basis=rule.basis, discharged_by=found[1].id if found is not None else None,
        )


#: How an explanation names what makes a duty owed when it is not a regulation: never as a breach of one.
_BASIS_WORDS: Final = {
    "statutory-guidance": "statutory guidance",
    "return": "a DfE data-return measure",
    "local": "a local standard",
    "contract": "a term of the contract",
}


def authority(rule: DutyRule, citation: str) -> str:
    """``under SI 2010/959 reg 33(1)``; for a duty that is not a regulation's, what it is instead: ``under SSDA903
    OC2 TEETH_CHECK (the DfE's SSDA903 OC2 measure: not a deadline in the Regulations)``."""
    if rule.basis == "regulation":
        return f"under {citation}"
    words = rule.basis_note or _BASIS_WORDS[rule.basis]
    if rule.basis == "contract":
        return f"under {citation} ({words}: not a statutory duty)"
    return f"under {citation} ({words}: not a deadline in the Regulations)"


#: Event types as an explanation names the event that met a duty ("by the visit e7"), where the type's own words
#: do not read well.
_EVENT_NAMES: Final = {
    "immunisations": "immunisation record",
    "iro_appointed": "IRO appointment",
    "placement_notified": "placement notification",
    "personal_adviser_visit": "personal adviser's visit",
    "access_responded": "response",
}


def met_by(event: Event, discharge: Discharge) -> str:
    """``by the care plan e3, which includes the personal education plan: reg 5(b)(ii)``."""
    words = _EVENT_NAMES.get(event.type) or _event_words(event.type)
    because = f", {discharge.because}" if discharge.because else ""
    return f"by the {words} {event.id}{because}"


def _explain(rule: DutyRule, deadline: Deadline, clock: str, clock_start: Due, due: Due, status: Status,
             met: Due | None, days_late: int, as_of: dt.date, ended: dt.date | None, citation: str,
             reason: str | None = None, *, by: tuple[Event, Discharge] | None = None) -> str:
    if deadline.amount == 0:
        window = f"by the day {clock} ({_when_text(clock_start)})"
    else:
        window = f"within {deadline.describe()} after {clock} ({_when_text(clock_start)})"
    head = f"{rule.title}: due by {_when_text(due)}, {window}, {authority(rule, citation)}"
    days = f"{days_late} day{'' if days_late == 1 else 's'}"
    done = f" {met_by(*by)}" if by is not None else ""
    if status == "met":
        assert met is not None
        return f"{head}; done {_on_or_at(met)}{done}, on time."
    if status == "breached" and met is not None:
        late = f"{days} late" if days_late else "later the same day"
        return f"{head}; done {_on_or_at(met)}{done}, {late}."
    if status == "breached":
        if ended is not None and ended < as_of:
            why = f" ({reason})" if reason else ""
            return f"{head}; not done by {long_date(ended)}, when the duty ended{why}, {days} overdue."
        return f"{head}; not done by {long_date(as_of)}, {days} overdue."
    if status == "lapsed":
        assert ended is not None
        if reason:
            return f"{head}; the duty lapsed when {reason}, before it fell due."
        return f"{head}; the duty lapsed when its scope ended on {long_date(ended)}, before it fell due."
    return f"{head}; not yet due."
