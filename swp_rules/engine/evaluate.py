"""Evaluating case events as of a date: in one batch, or incrementally as events arrive (same results)."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, Final, Literal

import attrs

from swp_rules.engine.matcher import Matcher, make_matcher
from swp_rules.engine.obligations import ChildEvaluator
from swp_rules.engine.results import Breach, ChildNote, DutyRecord, Obligation
from swp_rules.engine.rulebook import RuleBook, load_rulebook
from swp_rules.engine.timeline import CANNOT_EVALUATE, Timeline, sort_key
from swp_rules.model import Event, group_by_child
from swp_rules.plain import PlainData


@attrs.frozen
class Evaluation(PlainData):
    """The duties of every child as of a date: breaches, open obligations, and each duty's full record."""

    as_of: dt.date
    breaches: tuple[Breach, ...]
    open: tuple[Obligation, ...]
    records: tuple[DutyRecord, ...]
    notes: tuple[ChildNote, ...]
    rulesets: tuple[dict[str, Any], ...]
    children: int
    #: The ids of the rulesets that gave any child a duty (met and lapsed ones too, which ``keep`` may leave out of
    #: ``records``): the versions that applied, which a result document lists. Sorted.
    applied: tuple[str, ...] = ()

    @property
    def not_evaluated(self) -> tuple[str, ...]:
        """The children whose timeliness could not be evaluated (their record declares a structural problem)."""
        return tuple(sorted({n.child for n in self.notes if n.note.startswith(CANNOT_EVALUATE)}))

    def for_child(self, child: str) -> tuple[DutyRecord, ...]:
        return tuple(r for r in self.records if r.child == child)

    def only(self, families: Collection[str] | None = None, *, bases: Collection[str] | None = None) -> Evaluation:
        """The same evaluation limited to rule families (``review``, ``health``…: for records, such as an SSDA903
        return, that hold evidence of some duties only) and to bases (``regulation``, ``return``…, SPEC.md §2).
        ``None`` (or an empty collection) leaves that choice open."""
        keep = rule_filter(families, bases)
        return attrs.evolve(self, breaches=tuple(b for b in self.breaches if keep(b.rule, b.basis)),
                            open=tuple(o for o in self.open if keep(o.rule, o.basis)),
                            records=tuple(r for r in self.records if keep(r.rule, r.basis)))


def rule_filter(families: Collection[str] | None = None, bases: Collection[str] | None = None
                ) -> Callable[[str, str], bool]:
    """Whether a rule (its id and basis) is among ``families`` and ``bases`` (``None`` or empty: any), as
    ``Evaluation.only`` chooses."""
    wanted = frozenset(families or ())
    grounds = frozenset(bases or ())

    def keep(rule: str, basis: str) -> bool:
        return (not wanted or rule.split(".", 1)[0] in wanted) and (not grounds or basis in grounds)

    return keep


class Engine:
    """A rule book and a matcher, ready to evaluate children. ``matcher`` is ``"durable"`` or ``"oracle"``."""

    def __init__(self, book: RuleBook | None = None, matcher: str | Matcher = "durable", cache: bool = True) -> None:
        self.book = book if book is not None else load_rulebook()
        self.matcher = make_matcher(matcher, self.book.conditions(), cache) if isinstance(matcher, str) else matcher
        self._child = ChildEvaluator(self.book, self.matcher)

    def child_records(self, child: str, events: Sequence[Event], as_of: dt.date, *, reported_only: bool = False,
                      applied: set[str] | None = None, explained: bool = True) -> tuple[list[DutyRecord], Timeline]:
        """One child's duty records as of ``as_of`` (events after it are ignored: event time); without ``explained``
        their explanations are left empty (the indicators count records and write no explanation).

        A record that declares a structural problem (``timeline.RECORD_PROBLEM``) gives no records, only its note:
        its timeliness cannot be evaluated, so nothing is reported as breached (docs/ssda903.md, structural checks)."""
        timeline = Timeline.build(child, [e for e in events if e.date <= as_of])
        if timeline.problems:
            return [], timeline
        return self._child.records(timeline, as_of, reported_only=reported_only, applied=applied,
                                   explained=explained), timeline

    def evaluate(self, events: Iterable[Event], as_of: dt.date, *, keep: Keep | None = None) -> Evaluation:
        """Every child's duties as of ``as_of``.

        ``keep`` chooses which met and lapsed records ``Evaluation.records`` retains (default: all of them);
        breaches and open obligations are always kept. For very large cohorts, ``keep=REPORTED`` keeps memory to
        what ``check`` reports. Each child's events are released as soon as the child has been evaluated.
        """
        by_child = group_by_child(events)
        return self._evaluate(by_child, as_of, keep, release=True)

    def evaluate_grouped(self, by_child: Mapping[str, Sequence[Event]], as_of: dt.date, *,
                         keep: Keep | None = None, release: bool = False, on_child: OnChild | None = None,
                         collect: bool = True) -> Evaluation:
        """As ``evaluate``, for events already grouped by child.

        The mapping is left as it is, unless ``release`` is true: then each child is removed from it (a ``dict``)
        once evaluated, so that memory is handed back as the run goes on. ``on_child(child, records, notes)`` is
        called as each child is evaluated, in child order, with the records kept and the child's notes (a writer
        streams them: ``check --format jsonl``). Without ``collect`` the evaluation holds no records or notes
        (``on_child`` has had them), only the children and the rulesets that applied."""
        if release and not isinstance(by_child, dict):
            raise TypeError("release=True needs a dict of events by child")
        return self._evaluate(by_child, as_of, keep, release, on_child, collect)

    def _evaluate(self, by_child: Mapping[str, Sequence[Event]], as_of: dt.date, keep: Keep | None,
                  release: bool, on_child: OnChild | None = None, collect: bool = True) -> Evaluation:
        records: list[DutyRecord] = []
        notes: list[ChildNote] = []
        children = len(by_child)
        applied: set[str] = set()
        for child in sorted(by_child):
            found, timeline = self.child_records(child, by_child[child], as_of, reported_only=keep is REPORTED,
                                                 applied=applied)
            if release:
                del by_child[child]  # type: ignore[attr-defined]
            kept = found if keep is None else [r for r in found if r.status in _ALWAYS or keep(r)]
            told = [ChildNote(child, note) for note in timeline.anomalies]
            if collect:
                records.extend(kept)
                notes.extend(told)
            if on_child is not None:
                on_child(child, kept, told)
        return _assemble(as_of, records, notes, self.book, children, applied)


#: Chooses the met and lapsed records an evaluation keeps (breached and open ones are always kept).
Keep = Callable[[DutyRecord], bool]
#: Told of each child as it is evaluated: its id, the records kept and its notes.
OnChild = Callable[[str, Sequence[DutyRecord], Sequence[ChildNote]], None]
_ALWAYS: Final = frozenset({"breached", "open"})


def REPORTED(record: DutyRecord) -> bool:
    """Keep only what ``check`` reports: breaches and open obligations."""
    return False


def tell_children(records: Sequence[DutyRecord], notes: Sequence[ChildNote], on_child: OnChild) -> None:
    """``on_child`` for merged results (records and notes in child order), child by child, as a serial run tells
    them; a child with neither records nor notes is not told (a writer has nothing to write for it)."""
    index = 0
    at = 0
    while index < len(records) or at < len(notes):
        child = min(c for c in (records[index].child if index < len(records) else None,
                                notes[at].child if at < len(notes) else None) if c is not None)
        start = index
        while index < len(records) and records[index].child == child:
            index += 1
        first = at
        while at < len(notes) and notes[at].child == child:
            at += 1
        on_child(child, records[start:index], notes[first:at])


def _assemble(as_of: dt.date, records: list[DutyRecord], notes: list[ChildNote], book: RuleBook,
              children: int, applied: Iterable[str] | None = None) -> Evaluation:
    """An evaluation of merged results; ``applied`` defaults to the rulesets of ``records`` (all of them kept)."""
    breaches = tuple(Breach.of(r) for r in records if r.status == "breached")
    open_ = tuple(Obligation.of(r) for r in records if r.status == "open")
    used = {r.ruleset for r in records} if applied is None else set(applied)
    return Evaluation(as_of, breaches, open_, tuple(records), tuple(notes), tuple(book.describe()), children,
                      tuple(sorted(used)))


def evaluate(events: Iterable[Event], as_of: dt.date, *, rulesets: Iterable[str] = (),
             matcher: str = "durable", keep: Keep | None = None) -> Evaluation:
    """Evaluate events as of a date with the named duty rulesets (default: every statutory version)."""
    return Engine(load_rulebook(rulesets), matcher).evaluate(events, as_of, keep=keep)


class RunningEvaluation:
    """Takes events one at a time, corrected or withdrawn as a case system does, and answers as of any date with
    the same results as ``evaluate`` over the records as they now stand.

    Only children whose events changed since the last answer for that date are evaluated again: adding, replacing
    or removing an event re-evaluates that child alone (and, when a correction moves an event to another child,
    both).
    """

    def __init__(self, engine: Engine | None = None) -> None:
        self.engine = engine or Engine()
        self._events: dict[str, list[Event]] = {}
        self._keys: dict[str, list[tuple[Any, ...]]] = {}
        self._ids: dict[str, Event] = {}
        self._answers: dict[str, dict[dt.date, tuple[list[DutyRecord], list[ChildNote]]]] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._ids

    def get(self, event_id: str) -> Event | None:
        """The event held under this id, or ``None``."""
        return self._ids.get(event_id)

    @property
    def children(self) -> tuple[str, ...]:
        """The children with at least one event, in order."""
        return tuple(sorted(self._events))

    def events_of(self, child: str) -> tuple[Event, ...]:
        """One child's events in time order (empty for a child with none)."""
        return tuple(self._events.get(child, ()))

    def add(self, event: Event) -> bool:
        """Add an event; ``False`` when it repeats one already added (same id, same content).

        Raises ``ValueError`` for an id already used with different content: a correction is ``replace``."""
        known = self._ids.get(event.id)
        if known is not None:
            if known == event:
                return False
            raise ValueError(f"event id {event.id!r} was already used with different content (use replace)")
        self._insert(event)
        return True

    def add_all(self, events: Iterable[Event]) -> None:
        for event in events:
            self.add(event)

    def replace(self, event: Event) -> Event:
        """Correct the event held under ``event.id``: the corrected record takes the old one's place, as though
        it had been given in the first place. Returns the event it replaced.

        Raises ``KeyError`` when no event has that id (``put`` adds or corrects)."""
        old = self._ids.get(event.id)
        if old is None:
            raise KeyError(event.id)
        if not _identical(old, event):
            self._delete(old)
            self._insert(event)
        return old

    def remove(self, event_id: str) -> Event:
        """Withdraw the event with this id (a record deleted in the case system). Returns the removed event.

        Raises ``KeyError`` when no event has that id."""
        old = self._ids.get(event_id)
        if old is None:
            raise KeyError(event_id)
        self._delete(old)
        return old

    def put(self, event: Event) -> Literal["added", "replaced", "unchanged"]:
        """Add the event, or correct the one held under its id: what a case system's update means."""
        old = self._ids.get(event.id)
        if old is None:
            self._insert(event)
            return "added"
        if _identical(old, event):
            return "unchanged"
        self.replace(event)
        return "replaced"

    def _insert(self, event: Event) -> None:
        self._ids[event.id] = event
        key = sort_key(event)
        events = self._events.setdefault(event.child, [])
        keys = self._keys.setdefault(event.child, [])
        at = bisect.bisect_right(keys, key)
        keys.insert(at, key)
        events.insert(at, event)
        self._forget(event)

    def _delete(self, event: Event) -> None:
        del self._ids[event.id]
        keys = self._keys[event.child]
        events = self._events[event.child]
        at = bisect.bisect_left(keys, sort_key(event))
        while events[at].id != event.id:  # the sort key ends with the id, so this finds it at once
            at += 1
        del keys[at]
        del events[at]
        if not events:
            del self._events[event.child], self._keys[event.child]
            self._answers.pop(event.child, None)
        else:
            self._forget(event)

    def _forget(self, event: Event) -> None:
        """Drop the child's answers for the dates the event can change (event time: on or after its date)."""
        answers = self._answers.get(event.child)
        if answers:
            for day in [d for d in answers if d >= event.date]:
                del answers[day]

    def as_of(self, day: dt.date) -> Evaluation:
        records: list[DutyRecord] = []
        notes: list[ChildNote] = []
        for child in sorted(self._events):
            found, found_notes = self._child_answer(child, day)
            records.extend(found)
            notes.extend(found_notes)
        return _assemble(day, records, notes, self.engine.book, len(self._events))

    def child_as_of(self, child: str, day: dt.date) -> Evaluation:
        """One child's duties as of a date (an evaluation of that child alone; no child gives an empty one)."""
        if child not in self._events:
            return _assemble(day, [], [], self.engine.book, 0)
        found, notes = self._child_answer(child, day)
        return _assemble(day, list(found), list(notes), self.engine.book, 1)

    def _child_answer(self, child: str, day: dt.date) -> tuple[list[DutyRecord], list[ChildNote]]:
        answers = self._answers.setdefault(child, {})
        cached = answers.get(day)
        if cached is None:
            found, timeline = self.engine.child_records(child, self._events[child], day)
            cached = (found, [ChildNote(child, n) for n in timeline.anomalies])
            answers[day] = cached
        return cached


def _identical(a: Event, b: Event) -> bool:
    """Equal, time of day included (``Event`` equality leaves the time out, as duplicate detection does)."""
    return a == b and a.time == b.time
