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
from swp_rules.engine.facts import FactReader, reader
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

    __slots__ = ("readers",)

    def __init__(self, names: Sequence[str]) -> None:
        self.readers: tuple[FactReader, ...] = tuple(reader(name) for name in names)

    def values(self, timeline: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
               eligible_on: dt.date | None) -> tuple[Any, ...]:
        """The facts' values on ``day`` (within ``period``, and its placement that day when none is given)."""
        if placement is None and period is not None:
            placement = period.placement_on(day)
        readers = self.readers
        if len(readers) == 1:  # most conditions read one fact ("not short_breaks", "age >= 16")
            return (readers[0](timeline, day, period, placement, eligible_on),)
        return tuple([read(timeline, day, period, placement, eligible_on) for read in readers])


class Question(Readings):
    """A condition and the readers of the facts it names, in the order of its names."""

    __slots__ = ("_ask", "condition")

    def __init__(self, condition: Condition, matcher: Matcher) -> None:
        super().__init__(condition.names)
        self.condition = condition
        self._ask = matcher.holds_values

    def holds(self, timeline: Timeline, day: dt.date, period: Period | None, placement: Placement | None,
              eligible_on: dt.date | None) -> bool:
        return self._ask(self.condition, self.values(timeline, day, period, placement, eligible_on))


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
        # each deadline looked at: its question, the moment its facts are read, where its values are in that
        # moment's values; a moment is the clock's day (None) or the due date of a deadline (its index)
        moments: dict[int | None, list[str]] = {}
        self._steps: list[tuple[int, Question | None, int | None, list[int]]] = []
        for at in considered:
            deadline = rule.deadlines[at]
            if deadline.when is None:
                self._steps.append((at, None, None, []))
                continue
            moment = at if (deadline.conditions_at or rule.conditions_at) == "due_date" else None
            names = moments.setdefault(moment, [])
            for name in deadline.when.names:
                if name not in names:
                    names.append(name)
            self._steps.append((at, Question(deadline.when, matcher), moment, []))
        self._moments = [(moment, Readings(names)) for moment, names in moments.items()]
        order = [moment for moment, _ in self._moments]
        for _, question, moment, where in self._steps:
            if question is not None:
                names = moments[moment]
                where.extend([order.index(moment), *(names.index(n) for n in question.condition.names)])
        self._dues = dues
        self._chosen: dict[tuple[tuple[Any, ...], ...], int] = {}

    def choose(self, timeline: Timeline, clock: tuple[dt.date, dt.datetime | None], period: Period | None,
               placement: Placement | None, eligible_on: dt.date | None) -> int:
        """The index of the deadline that applies to a clock started on ``clock`` (its day and instant)."""
        if self.fixed:
            return 0
        day, instant = clock
        if not self._remember:
            return self._walk(timeline, clock, period, placement, eligible_on)
        key = tuple([readings.values(timeline, day if moment is None else due_day(self._dues[moment](day, instant)),
                                     period, placement, eligible_on) for moment, readings in self._moments])
        found = self._chosen.get(key)
        if found is None:
            found = self._chosen[key] = self._decide(key)
        return found

    def _decide(self, key: tuple[tuple[Any, ...], ...]) -> int:
        for at, question, _, where in self._steps:
            if question is None:
                return at
            values = key[where[0]]
            if self._ask(question.condition, tuple([values[i] for i in where[1:]])):
                return at
        return self.last

    def _walk(self, timeline: Timeline, clock: tuple[dt.date, dt.datetime | None], period: Period | None,
              placement: Placement | None, eligible_on: dt.date | None) -> int:
        """Each question asked in turn (for a matcher that remembers nothing)."""
        day, instant = clock
        for at, question, moment, _ in self._steps:
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
        "dues",
        "hours",
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
        self.relaxations = tuple(r for ruleset in book.rulesets for r in ruleset.relaxations if rule.id in r.rules)
        self.next_id = rule.id if rule.recurs else rule.then
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
