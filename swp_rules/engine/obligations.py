"""The obligation lifecycle: from a trigger, a clock, a deadline, and the event that discharges it (or not).

For each duty and each moment that starts it (``swp_rules.engine.occurrences``: a period of care, a placement, an
event…), the engine takes the version of the rule in force on that date and runs its chain: the duty falls due when
its deadline says; the first discharging event settles it (on time, or late: a breach); a recurring duty then
restarts its clock from the actual date of that event (docs/legal-sources.md §2).
With no discharging event the obligation is *open* while it is not yet due,
*breached* once the due date has passed, and *lapsed* if its scope (the period of care, or the placement) ended on or
before the due date. Everything is in event time: only events on or before ``as_of`` exist.

One chain, step by step (``_Run.chain``): the first clock (``_first_clock``); for each rule of the chain, whether it
is owed at all (``_bounded``: its ``until_age``; its ``applies`` conditions), the obligation settled and recorded
(``_obligation``), and the next rule with its clock restarted from the discharging event.

The rules are followed as plans compiled once per rule book (``swp_rules.engine.plan``). Most obligations are met
and, in a run that reports only breaches and open duties, not written: for those no outcome, record or explanation
is made (``judge`` decides the status; ``settle`` builds the outcome a record is made from).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools

import attrs

from swp_rules import calendar
from swp_rules.engine.clock import Clock, Outcome
from swp_rules.engine.explanations import clock_label, event_words, explain
from swp_rules.engine.matcher import Matcher
from swp_rules.engine.occurrences import Occurrence, occurrences, since_last_care
from swp_rules.engine.plan import Plans, RulePlan, due_day
from swp_rules.engine.results import Due, DutyRecord, Status
from swp_rules.engine.rulebook import RuleBook
from swp_rules.engine.timeline import ADULT_AGE, Timeline
from swp_rules.model import Event
from swp_rules.rulesets.duties import Deadline, Discharge
from swp_rules.text import long_date

#: The event that discharged an obligation: its position in the timeline, the event, and the discharge it met.
Found = tuple[int, Event, Discharge]


#: What became of an obligation, before any outcome is built: its status, when it was met, how many days late, and
#: the day its scope or its ``until`` birthday ended it (when that decided it).
Verdict = tuple[Status, "Due | None", int, "dt.date | None"]


def judge(clock: Clock, due: Due, found: Found | None, as_of: dt.date) -> Verdict:
    """What became of one obligation as of ``as_of``: met (on time or late) by ``found``, lapsed when its scope or
    its ``until`` birthday came first, breached once its due date has passed, open before."""
    day = due_day(due)
    if found is not None:
        event = found[1]
        if isinstance(due, dt.datetime):
            met: Due = event.time or event.date
            on_time = event.time <= due if event.time is not None else event.date <= day
        else:
            met = event.date
            on_time = event.date <= day
        return ("met", met, 0, None) if on_time else ("breached", met, (event.date - day).days, None)
    ends = clock.ends
    if ends is not None and ends <= day:
        return "lapsed", None, 0, ends
    if day < as_of:
        return "breached", None, ((min(as_of, ends) if ends is not None else as_of) - day).days, ends
    return "open", None, 0, None


def settle(clock: Clock, due: Due, found: Found | None, verdict: Verdict,
             words: tuple[str | None, str | None] = (None, None)) -> Outcome:
    """The outcome of one obligation as a record shows it: its verdict (``judge``) with the facts its explanation
    reads out, and how the due date was reached and why it moved (``words``), if need be."""
    status, met, days_late, ended = verdict
    return Outcome(status, clock.start_for(due), due, met=met, days_late=days_late, ended=ended,
                   reason=_age_reason(clock, ended) if found is None else None,
                   by=(found[1], found[2]) if found is not None else None, due_words=words[0], relaxed=words[1])


@functools.cache
def _the_last(event_type: str) -> str:
    """What restarts a recurring duty's clock, in words: ``the last visit``."""
    return f"the last {event_words(event_type)}"


def _age_reason(clock: Clock, ended: dt.date | None) -> str | None:
    """``the child turned 18 on Sat 1 Jun 2013`` (``the young person turned 21 on …`` after care) when the clock's
    ``until`` birthday ended the duty (a recorded end of care on that birthday too: the child had stopped being a
    child)."""
    until, scope_end = clock.until, clock.scope_end
    if ended is None or until is None or ended != until or (scope_end is not None and until > scope_end):
        return None
    who = "the child" if clock.age is not None and clock.age <= ADULT_AGE else "the young person"
    return f"{who} turned {clock.age} on {long_date(until)}"


class ChildEvaluator:
    """Runs every duty of a rule book over one child's timeline, as of a date."""

    def __init__(self, book: RuleBook, matcher: Matcher) -> None:
        self.book = book
        self.matcher = matcher
        self.plans = Plans(book, matcher)

    def records(self, timeline: Timeline, as_of: dt.date, *, reported_only: bool = False,
                applied: set[str] | None = None, explained: bool = True) -> list[DutyRecord]:
        """The child's duty records as of ``as_of``, ordered by due date; with ``reported_only``, only the breached
        and open ones (met and lapsed duties are still worked out, since later clocks run from them). ``applied``
        receives the id of every ruleset that gave the child a duty, whatever its status. Without ``explained``,
        the records' explanations are left empty (for a caller that counts records and writes none)."""
        eligible_on = None
        if self.book.eligibility is not None:
            spec = self.book.eligibility
            assert spec.since_age is not None and spec.from_age is not None and spec.weeks is not None
            eligible_on = timeline.eligibility_date(spec.since_age, spec.from_age, spec.weeks)
            if eligible_on is not None and eligible_on > as_of:
                eligible_on = None
        run = _Run(self, timeline, as_of, eligible_on, reported_only)
        run.explained = explained
        plans = self.plans
        for rule_id, kind in plans.roots:
            for occurrence in run.moments(kind):
                plan = plans.version(rule_id, occurrence.day)
                if plan is not None and plan.trigger == kind and run.chain(plan, occurrence):
                    continue
                run.commence(rule_id, kind, occurrence)
        run.out.sort(key=lambda r: (due_day(r.due), r.rule, r.evidence))
        if applied is not None:
            applied.update(run.applied)
        return run.out


class _Run:
    def __init__(self, owner: ChildEvaluator, timeline: Timeline, as_of: dt.date,
                 eligible_on: dt.date | None, reported_only: bool = False) -> None:
        self.reported_only = reported_only
        self.explained = True
        self.book = owner.book
        self.plans = owner.plans
        self.matcher = owner.matcher
        self.timeline = timeline
        self.as_of = as_of
        self.eligible_on = eligible_on
        self.used: dict[str, set[int]] = {}
        self.out: list[DutyRecord] = []
        self.applied: set[str] = set()
        self._moments: dict[int, list[Occurrence]] = {}
        self._birthdays: dict[int, dt.date] = {}

    def moments(self, kind: int) -> list[Occurrence]:
        """The moments that start a duty with the book's trigger number ``kind`` (worked out once per child)."""
        found = self._moments.get(kind)
        if found is None:
            found = self._moments[kind] = list(occurrences(self.timeline, self.plans.triggers[kind], as_of=self.as_of,
                                                           eligible_on=self.eligible_on))
        return found

    # --- a period or placement already running when a rule comes into force ---
    def commence(self, rule_id: str, kind: int, occurrence: Occurrence) -> None:
        """Start the chain a later version names in ``on_commencement`` for a scope that began before that version
        came into force, was not covered by the version in force when it began, and was still running on the day
        the new version came into force; the clock starts on that day (nothing is owed for earlier days)."""
        timeline = self.timeline
        for plan in self.plans.versions.get(rule_id, ()):
            later = plan.rule
            start = later.in_force_from
            if later.on_commencement is None or plan.trigger != kind or start <= occurrence.day:
                continue
            if start > self.as_of or (occurrence.scope_end is not None and occurrence.scope_end <= start):
                return
            period = occurrence.period
            if period is None or not period.covers(start):
                return
            if plan.applies is not None and not plan.applies.holds(timeline, start, period, occurrence.placement,
                                                                   self.eligible_on):
                return
            first = self.plans.version(later.on_commencement, start)
            if first is None:
                return
            index = bisect.bisect_left([e.date for e in timeline.events], start) - 1
            begun = attrs.evolve(occurrence, day=start, index=index, window_from=index + 1, event=None)
            self.chain(first, begun, "the rule came into force")
            return

    # --- one chain of obligations ---
    def chain(self, plan: RulePlan, occurrence: Occurrence, label: str | None = None) -> bool:
        """Run the chain from ``plan``'s rule; ``False`` when the rule does not apply (nothing was recorded)."""
        clock = self._first_clock(plan, occurrence, label)
        if clock is None:
            return False
        if plan.rule.exempt_within is not None and self._exempt(plan, clock, occurrence):
            return True  # done within the time before the clock started: nothing is owed (reg 7)
        current: RulePlan | None = plan
        produced, bounded_by = False, None
        while current is not None:
            if current is bounded_by:  # a recurring duty's restarted clock keeps the birthday its rule runs until
                if clock.until is not None and clock.day >= clock.until:
                    return produced
            else:
                bounded = self._bounded(current, clock)
                if bounded is None:
                    return produced
                clock, bounded_by = bounded, current
            applies = current.applies  # its conditions, on the day its clock starts
            if applies is not None and not applies.holds(self.timeline, clock.day, occurrence.period,
                                                         occurrence.placement, self.eligible_on):
                return produced
            found = self._obligation(current, clock, occurrence)
            produced = True
            if found is None or current.next_id is None:
                return produced
            index, done, _ = found
            nxt = self.plans.version(current.next_id, done.date)
            if nxt is not None:  # its clock restarted from the event that discharged the rule
                clock = clock.restarted(event=done, index=index, label=_the_last(done.type), hours=current.hours)
            current = nxt
        return produced

    def _first_clock(self, plan: RulePlan, occurrence: Occurrence, label: str | None) -> Clock | None:
        """The clock ``occurrence`` starts for ``plan``'s rule: its day (the start of the period of care when the rule
        says ``clock_from: period_start``), its instant when the trigger event has a time, the events that may
        discharge it, and how far its scope runs; ``None`` when the rule's scope is a period and there is none."""
        rule = plan.rule
        period, stay, scope = occurrence.period, occurrence.accommodation, rule.scope
        if (scope in ("period", "placement") and period is None) or (scope == "accommodation" and stay is None):
            return None
        scope_end = occurrence.scope_end
        if scope in ("child", "after_care"):
            scope_end = None
        elif scope == "period" and period is not None:
            scope_end = period.end
        elif scope == "accommodation" and stay is not None:
            scope_end = stay.end
        from_start = rule.clock_from == "period_start" and period is not None
        day = period.start if from_start and period is not None else occurrence.day
        event = occurrence.event
        instant = event.time if event is not None and event.type == (rule.trigger.event or "") else None
        window_from = occurrence.window_from if rule.accept_before else occurrence.index + 1
        if from_start and period is not None:
            # from the start of the period of care (or, done in advance, since the last one ended)
            window_from = since_last_care(self.timeline, period) if rule.accept_before else period.index + 1
        if rule.accept_since == "previous_trigger":
            window_from = self._since_previous(plan, occurrence)
        text = plan.label if label is None and plan.label is not None else clock_label(rule, event, label)
        adult = self.timeline.adult_from
        if scope in ("period", "placement") and adult is not None:  # owed to a looked-after child: only while a child
            return Clock(day, instant, text, occurrence.evidence, window_from, scope_end, adult, ADULT_AGE)
        return Clock(day, instant, text, occurrence.evidence, window_from, scope_end)

    def _since_previous(self, plan: RulePlan, occurrence: Occurrence) -> int:
        """The first event that may discharge a duty owed "before each" triggering event (SI 2010/2571 reg 8(2): a
        visit before each review of the pathway plan): anything after the previous such event, or, for the first,
        since the duty's scope began (the accommodation was first provided)."""
        earlier = self.timeline.of_type(plan.rule.trigger.event or "")
        at = bisect.bisect_left(earlier, occurrence.index)
        start = occurrence.accommodation.index if occurrence.accommodation is not None else 0
        return max(start, earlier[at - 1] + 1 if at > 0 else 0)

    def _bounded(self, plan: RulePlan, clock: Clock) -> Clock | None:
        """The clock with the birthday the rule runs until (``until_age``), or ``None`` when the duty is not owed:
        the clock starts on or after that birthday, or a duty after care that runs to an age has no birth date to
        place it. In care, an unknown birth date leaves the duty to run until the period of care ends."""
        age = plan.rule.until_age
        if age is None:
            return None if clock.until is not None and clock.day >= clock.until else clock
        dob = self.timeline.dob
        if dob is None:
            return None if plan.rule.scope in ("after_care", "child") else clock
        birthday = self._birthdays.get(age)
        if birthday is None:
            birthday = self._birthdays[age] = calendar.birthday(dob, age)
        bounded = clock.bounded(birthday, age)
        return None if bounded.until is not None and clock.day >= bounded.until else bounded

    def _obligation(self, plan: RulePlan, clock: Clock, occurrence: Occurrence) -> Found | None:
        """Settle one obligation: its deadline, its due date, the event that discharged it; record it (unless only
        breached and open duties are kept and it is neither) and return that event."""
        choice = plan.choice
        at = 0 if choice.fixed else choice.choose(self.timeline, (clock.day, clock.instant), occurrence.period,
                                                  occurrence.placement, self.eligible_on)
        rule = plan.rule
        deadline = rule.deadlines[at]
        words = None
        if deadline.unit == "before":
            due, words = self._before(deadline, clock, occurrence)
        else:
            due = plan.dues[at](clock.day, clock.instant)
        relaxation = plan.relaxation(due) if plan.relaxations and not isinstance(due, dt.datetime) else None
        original = due
        if relaxation is not None:
            due = relaxation.end  # owed "as soon as reasonably practicable" while it was in force (SI 2020/445)
        found = self._discharge(plan, clock, occurrence)
        self.applied.add(rule.ruleset)  # met and lapsed too: the ruleset applied even when nothing is reported
        verdict = judge(clock, due, found, self.as_of)
        if self.reported_only and verdict[0] in ("met", "lapsed"):
            return found
        relaxed = None
        if relaxation is not None:
            assert isinstance(original, dt.date)
            relaxed = relaxation.explain(original)
        outcome = settle(clock, due, found, verdict, (words, relaxed))
        self.out.append(self._record(plan, at, clock, outcome))
        return found

    def _before(self, deadline: Deadline, clock: Clock, occurrence: Occurrence) -> tuple[Due, str]:
        """The due date of a ``before`` deadline: the day the obligation of the rule it names, started by the same
        moment, was met ("before the first review": the day the first review was held) if it was met on time, else
        the day that obligation fell (or falls) due; with how the explanation says it."""
        assert deadline.before is not None
        words = deadline.words or deadline.before
        ref = self.plans.version(deadline.before, occurrence.day)
        same = None if ref is None else next(
            (o for o in self.moments(ref.trigger)
             if o.period is occurrence.period and o.placement is occurrence.placement), None)
        ref_clock = self._first_clock(ref, same, None) if ref is not None and same is not None else None
        if ref is None or same is None or ref_clock is None:
            return clock.day, f"{words}: not owed, so by the day {clock.label}"
        at = ref.choice.choose(self.timeline, (ref_clock.day, ref_clock.instant), same.period, same.placement,
                               self.eligible_on)
        ref_due = ref.dues[at](ref_clock.day, ref_clock.instant)
        held = self._discharge(ref, ref_clock, same, keep=False)
        due_words = f"{words}, due {ref.describes[at]} after {ref_clock.label}"
        if held is None:
            return ref_due, f"{due_words} (not yet held)"
        event = held[1]
        if event.date <= due_day(ref_due):
            return event.date, f"{words}, held on {long_date(event.date)} ({event_words(event.type)} {event.id})"
        # held late: the late review does not put off what had to come before it by the day it was due
        return ref_due, f"{due_words} (held late, on {long_date(event.date)})"

    def _exempt(self, plan: RulePlan, clock: Clock, occurrence: Occurrence) -> bool:
        """Whether an event that discharges the rule was done within its ``exempt_within`` before the clock started
        (the day that long before counts; reg 7's "within the previous three months")."""
        span = plan.rule.exempt_within
        assert span is not None
        since = calendar.add_amount(span.unit, -span.amount, clock.day)
        events = self.timeline.events
        for discharge in plan.rule.discharged_by:
            for index in self.timeline.of_type(discharge.event):
                event = events[index]
                if index >= clock.window_from or event.date >= clock.day:
                    break
                if event.date >= since and self._fits(discharge, event, occurrence):
                    return True
        return False

    def _discharge(self, plan: RulePlan, clock: Clock, occurrence: Occurrence, *, keep: bool = True
                   ) -> Found | None:
        """The first event from the clock's window, and not after its scope ended, that discharges the rule; an
        event done in advance (``accept_before``) discharges only one obligation of the rule (``keep=False``: look
        without using it up)."""
        positions_of = self.timeline.positions
        events = self.timeline.events
        used = self.used.setdefault(plan.rule.id, set()) if plan.rule.accept_before else None
        window_from, scope_end, until = clock.window_from, clock.scope_end, clock.until
        best: Found | None = None
        for event_type, discharge, checked in plan.discharges:
            positions = positions_of.get(event_type)
            if not positions:
                continue
            for at in range(bisect.bisect_left(positions, window_from), len(positions)):
                index = positions[at]
                if best is not None and index >= best[0]:
                    break
                event = events[index]
                day = event.date
                if (scope_end is not None and day > scope_end) or (until is not None and day >= until):
                    break  # no longer counts (``Clock.counts``)
                if used is not None and index in used:
                    continue
                if checked and not self._fits(discharge, event, occurrence):
                    continue
                best = (index, event, discharge)
                break
        if best is not None and used is not None and keep:
            used.add(best[0])
        return best

    def _fits(self, discharge: Discharge, event: Event, occurrence: Occurrence) -> bool:
        if discharge.refers_to is not None:
            trigger = occurrence.event
            if trigger is None or event.fields.get(discharge.refers_to) != trigger.id:
                return False
        if discharge.when is not None:
            return self.matcher.holds(discharge.when, event.fields)
        return True

    def _record(self, plan: RulePlan, at: int, clock: Clock, outcome: Outcome) -> DutyRecord:
        rule = plan.rule
        deadline = rule.deadlines[at]
        citation = deadline.citation or rule.citation
        by = outcome.by
        evidence = (*clock.evidence, by[0].id) if by is not None else clock.evidence
        explanation = explain(rule, deadline, clock.label, outcome, as_of=self.as_of, citation=citation,
                              described=plan.describes[at]) if self.explained else ""
        return DutyRecord(
            child=self.timeline.child, rule=rule.id, title=rule.title, citation=citation, status=outcome.status,
            clock_start=outcome.clock_start, clock=clock.label, deadline=plan.describes[at], due=outcome.due,
            met=outcome.met, days_late=outcome.days_late, evidence=evidence, explanation=explanation,
            ruleset=rule.ruleset, ended=outcome.ended, basis=rule.basis,
            discharged_by=by[0].id if by is not None else None,
        )
