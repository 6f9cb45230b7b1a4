"""Each duty rule compiled once per rule book into a plan the obligation lifecycle follows.

A rule's fields are read, and its conditions' facts looked up by name, once per rule book instead of once per
obligation: each condition becomes a ``Question`` (the readers of the facts it names, ``swp_rules.engine.facts``);
each deadline a function from the clock's start to its due date; the relaxations that name the rule are found once.

Choosing a rule's deadline (the first whose ``when`` holds, each read on the clock's day or on the day that deadline
would fall due) asks durable-rules one question per deadline. The answer depends only on the facts those questions
read on those days, so a plan remembers the deadline chosen for each combination of them, the way the matcher
remembers its answers (only when it does: an uncached matcher is asked every question every time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from swp_rules import calendar
from swp_rules.engine.explanations import clock_label
from swp_rules.engine.facts import NEED_PLACEMENT, OF_PLACEMENT, FactReader, reader
from swp_rules.engine.matcher import Matcher
from swp_rules.engine.results import Due
from swp_rules.engine.rulebook import RuleBook
from swp_rules.engine.timeline import Period, Placement, Timeline
from swp_rules.rulesets.duties import Condition, Deadline, DutyRule, Trigger
from swp_rules.rulesets.relaxations import Relaxation

#: A deadline's due date from the day its clock started and, for hours, the instant.
DueCounter = Callable[[dt.date, "dt.datetime | None"], Due]


def due_counter(deadline: Deadline) -> DueCounter:
    """The due date ``deadline`` gives from a clock's start (a ``before`` deadline is settled by the lifecycle,
    from the obligation it names: it has no count)."""
    if deadline.unit == "before":
        return _no_count
    return calendar.adder(deadline.unit, deadline.amount)


def _no_count(day: dt.date, instant: dt.datetime | None) -> Due:
    raise ValueError("a 'before' deadline is due when the obligation it names was met, not after a count of time")


def due_day(due: Due) -> dt.date:
    return due.date() if isinstance(due, dt.datetime) else due


class Readings:
    """The readers of some facts, in order."""

    __slots__ = ("finds", "readers")

    def __init__(self, names: Sequence[str]) -> None:
        self.readers: tuple[FactReader, ...] = tuple(reader(name) for name in names)
        #: Whether any of them reads the placement (found on the day when none is given).
        self.finds = any(name in NEED_PLACEMENT for name in names)

    def values(self, timeline: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
               eligible_on: dt.date | None) -> tuple[Any, ...]:
        """The facts' values on ``day`` (within ``period``, and its placement that day when none is given)."""
        if placement is None and period is not None and self.finds:
            placement = period.placement_on(day)
        readers = self.readers
        if len(readers) == 1:  # most conditions read one fact or two ("not short_breaks", "age >= 16")
            return (readers[0](timeline, day, period, placement, eligible_on),)
        if len(readers) == 2:
            first, second = readers
            return (first(timeline, day, period, placement, eligible_on),
                    second(timeline, day, period, placement, eligible_on))
        return tuple([read(timeline, day, period, placement, eligible_on) for read in readers])


class Question(Readings):
    """A condition and the readers of the facts it names, in the order of its names."""

    __slots__ = ("_answers", "_ask", "condition")

    def __init__(self, condition: Condition, matcher: Matcher) -> None:
        super().__init__(condition.names)
        self.condition = condition
        self._ask = matcher.holds_values
        #: The matcher's answer for each combination of values, when it remembers its answers too.
        self._answers: dict[tuple[Any, ...], bool] | None = {} if matcher.remembers else None

    def holds(self, timeline: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
              eligible_on: dt.date | None) -> bool:
        values = self.values(timeline, day, period, placement, eligible_on)
        answers = self._answers
        if answers is None:
            return self._ask(self.condition, values)
        found = answers.get(values)
        if found is None:
            found = answers[values] = self._ask(self.condition, values)
        return found


#: A step of a deadline choice: the deadline's index, its question (``None``: no ``when``, it applies) and the
#: moment its facts are read (``None``: the clock's day; else the index of a deadline whose due date it is).
_Step = tuple[int, "Question | None", "int | None"]


class _Layout:
    """Where a choice's key holds the values of the facts its questions read, when the placement is given
    (``given``: the placement's own facts, read once per placement, then the others per moment) or is found on each
    moment's day; and the deadline it remembers for each key."""

    __slots__ = ("_last", "chosen", "fixed", "moments", "where")

    def __init__(self, steps: Sequence[_Step], dues: Sequence[DueCounter], *, given: bool) -> None:
        fixed: list[str] = []
        moments: dict[int | None, list[str]] = {}
        for _, question, moment in steps:
            if question is None:
                continue
            for name in question.condition.names:
                names = fixed if given and name in OF_PLACEMENT else moments.setdefault(moment, [])
                if name not in names:
                    names.append(name)
        self.fixed = Readings(fixed) if fixed else None
        #: Each moment: how its day is reached (``None``: the clock's day), whether a fact it reads needs the
        #: placement, and the readers of its facts.
        read = {m: Readings(names) for m, names in moments.items()}
        self.moments = tuple((None if m is None else dues[m], r.finds, r.readers) for m, r in read.items())
        # each question's values: positions in the key's values laid out flat (the placement's facts first)
        flat: list[tuple[str | int | None, str]] = [("placement", name) for name in fixed]
        flat += [(m, n) for m, names in moments.items() for n in names]
        self.where: dict[int, tuple[int, ...]] = {
            at: tuple(flat.index(("placement" if n in fixed else moment, n)) for n in question.condition.names)
            for at, question, moment in steps if question is not None}
        self.chosen: dict[tuple[Any, ...], int] = {}
        #: The placement (and period) whose own facts were read last, and their values.
        self._last: tuple[Placement | None, Period | None, tuple[Any, ...]] = (None, None, ())

    def key(self, timeline: Timeline, day: dt.date, instant: dt.datetime | None, period: Period | None,
            placement: Placement | None, eligible_on: dt.date | None) -> tuple[Any, ...]:
        """The values of the facts the questions read, for a clock started on ``day`` (at ``instant``): the
        placement's own facts as one tuple, then each moment's in turn."""
        values: list[Any] = []
        if self.fixed is not None:
            last = self._last
            if last[0] is not placement or last[1] is not period:
                last = self._last = (placement, period,
                                     self.fixed.values(timeline, day, period, placement, eligible_on))
            values.append(last[2])
        for due, finds, readers in self.moments:
            when = day
            if due is not None:
                when = due(day, instant)
                if isinstance(when, dt.datetime):
                    when = when.date()
            where = placement
            if finds and where is None and period is not None:
                where = period.placement_on(when)
            for read in readers:
                values.append(read(timeline, when, period, where, eligible_on))
        return tuple(values)

    def flat(self, key: tuple[Any, ...]) -> tuple[Any, ...]:
        """The key's values in one row (``where`` indexes it)."""
        return (*key[0], *key[1:]) if self.fixed is not None else key


def _moment(rule: DutyRule, at: int) -> int:
    """The moment a deadline's facts are read on the day it falls due: the first deadline that falls due the
    same day (a week and seven days alike)."""
    def count(deadline: Deadline) -> tuple[str, int]:
        return ("days", 7 * deadline.amount) if deadline.unit == "weeks" else (deadline.unit, deadline.amount)

    mine = count(rule.deadlines[at])
    return next(k for k, d in enumerate(rule.deadlines) if count(d) == mine)


class DeadlineChoice:
    """Which of a rule's deadlines applies to a clock: the first whose ``when`` holds, else the last."""

    def __init__(self, rule: DutyRule, matcher: Matcher, dues: Sequence[DueCounter]) -> None:
        self.last = len(rule.deadlines) - 1
        considered: list[int] = []
        for at, deadline in enumerate(rule.deadlines):
            considered.append(at)
            if deadline.when is None:
                break
        self.fixed = rule.deadlines[0].when is None
        self._ask = matcher.holds_values
        self._remember = matcher.remembers
        # each deadline looked at: its question and the moment its facts are read, the clock's day (None) or the
        # day a deadline falls due (the index of the first deadline due that day)
        self._steps: list[_Step] = []
        for at in considered:
            deadline = rule.deadlines[at]
            if deadline.when is None:
                self._steps.append((at, None, None))
                continue
            moment = _moment(rule, at) if (deadline.conditions_at or rule.conditions_at) == "due_date" else None
            self._steps.append((at, Question(deadline.when, matcher), moment))
        self._dues = dues
        self._given = _Layout(self._steps, dues, given=True)
        self._found = _Layout(self._steps, dues, given=False)

    def choose(self, timeline: Timeline, clock: tuple[dt.date, dt.datetime | None], period: Period | None,
               placement: Placement | None, eligible_on: dt.date | None) -> int:
        """The index of the deadline that applies to a clock started on ``clock`` (its day and instant)."""
        if self.fixed:
            return 0
        if not self._remember:
            return self._walk(timeline, clock, period, placement, eligible_on)
        layout = self._found if placement is None and period is not None else self._given
        key = layout.key(timeline, clock[0], clock[1], period, placement, eligible_on)
        found = layout.chosen.get(key)
        if found is None:
            found = layout.chosen[key] = self._decide(layout, key)
        return found

    def _decide(self, layout: _Layout, key: tuple[Any, ...]) -> int:
        values = layout.flat(key)
        for at, question, _ in self._steps:
            if question is None:
                return at
            if self._ask(question.condition, tuple([values[i] for i in layout.where[at]])):
                return at
        return self.last

    def _walk(self, timeline: Timeline, clock: tuple[dt.date, dt.datetime | None], period: Period | None,
              placement: Placement | None, eligible_on: dt.date | None) -> int:
        """Each question asked in turn (for a matcher that remembers nothing)."""
        day, instant = clock
        for at, question, moment in self._steps:
            if question is None:
                return at
            when = day if moment is None else due_day(self._dues[moment](day, instant))
            if question.holds(timeline, when, period, placement, eligible_on):
                return at
        return self.last


class RulePlan:
    """One version of one rule, compiled: what the lifecycle reads of it for every obligation."""

    __slots__ = (
        "applies",
        "choice",
        "describes",
        "discharges",
        "dues",
        "hours",
        "label",
        "next_id",
        "relaxations",
        "rule",
        "since",
        "trigger",
        "until",
    )

    def __init__(self, rule: DutyRule, book: RuleBook, matcher: Matcher, trigger: int) -> None:
        self.rule = rule
        self.applies = Question(rule.applies, matcher) if rule.applies is not None else None
        self.dues = tuple(due_counter(d) for d in rule.deadlines)
        self.describes = tuple(d.describe() for d in rule.deadlines)
        self.choice = DeadlineChoice(rule, matcher, self.dues)
        #: What discharges the rule: each event type, its discharge, and whether the event must be looked at (its
        #: ``when`` or ``refers_to``).
        self.discharges = tuple((d.event, d, d.when is not None or d.refers_to is not None) for d in rule.discharged_by)
        self.relaxations = tuple(r for ruleset in book.rulesets for r in ruleset.relaxations if rule.id in r.rules)
        self.next_id = rule.id if rule.recurs else rule.then
        #: What starts the rule's first clock, in words, when that does not depend on the event (``clock_label``).
        self.label = clock_label(rule, None) if rule.trigger.kind != "event" or rule.clock_text else None
        self.hours = rule.deadlines[0].unit == "hours"
        self.since, self.until = rule.in_force_from, rule.in_force_to
        #: The index of the rule's trigger among the book's (``Plans.triggers``).
        self.trigger = trigger

    def relaxation(self, due: dt.date) -> Relaxation | None:
        """The temporary relaxation in force on ``due`` for this rule (``RuleBook.relaxation``), if any."""
        for relaxation in self.relaxations:
            if relaxation.start <= due <= relaxation.end:
                return relaxation
        return None


class Plans:
    """A rule book compiled for one matcher: each rule's versions as plans, and the book's distinct triggers."""

    def __init__(self, book: RuleBook, matcher: Matcher) -> None:
        self.book = book
        triggers: dict[Trigger, int] = {}
        for rules in book.versions.values():
            for rule in rules:
                triggers.setdefault(rule.trigger, len(triggers))
        for _, trigger in book.roots:
            triggers.setdefault(trigger, len(triggers))
        self.triggers: tuple[Trigger, ...] = tuple(triggers)
        self.versions = {rule_id: tuple(RulePlan(r, book, matcher, triggers[r.trigger]) for r in rules)
                         for rule_id, rules in book.versions.items()}
        #: Each root (``RuleBook.roots``): the rule id and the index of its trigger.
        self.roots = tuple((rule_id, triggers[trigger]) for rule_id, trigger in book.roots)

    def version(self, rule_id: str, day: dt.date) -> RulePlan | None:
        """The plan of the version of ``rule_id`` in force on ``day`` (``RuleBook.version``)."""
        for plan in self.versions.get(rule_id, ()):
            if plan.since <= day and (plan.until is None or day <= plan.until):
                return plan
        return None
