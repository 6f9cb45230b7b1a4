"""How a duty record explains itself, in words an IRO can read out: the duty, when it fell due and why, what it rests
on (a regulation, or what it is instead), which event met it and whether on time, or how long it has been overdue.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Final

from swp_rules.engine.clock import Outcome
from swp_rules.engine.results import Due
from swp_rules.model import Event
from swp_rules.rulesets.duties import Deadline, Discharge, DutyRule
from swp_rules.text import long_date, ordinal

#: What starts each kind of clock, in words, when the rule does not say (``clock_text``).
CLOCK_WORDS: Final = {
    "period_start": "the child became looked after",
    "first_placement": "the first placement began",
    "placement_start": "the placement began",
    "care_ended": "the child left care",
    "leaving_care_eligible": "the child became an eligible child",
    "birthday": "the child's birthday",
    "accommodation_start": "the accommodation was first provided",
}

#: What ended a duty's scope, as an explanation says it ("the duty lapsed when the placement ended on …").
_SCOPE_ENDED: Final = {
    "period": "the period of care ended",
    "placement": "the placement ended",
    "accommodation": "the accommodation under section 23B or 24B ended",
}

_ACRONYMS: Final = {"sdq": "SDQ", "pep": "PEP", "iro": "IRO"}

#: How an explanation names what makes a duty owed when it is not a regulation: never as a breach of one.
_BASIS_WORDS: Final = {
    "statutory-guidance": "statutory guidance",
    "return": "a DfE data-return measure",
    "local": "a local standard",
    "contract": "a term of the contract",
}

#: Event types as an explanation names the event that met a duty ("by the visit e7"), where the type's own words
#: do not read well.
_EVENT_NAMES: Final = {
    "immunisations": "immunisation record",
    "iro_appointed": "IRO appointment",
    "placement_notified": "placement notification",
    "personal_adviser_visit": "personal adviser's visit",
    "access_responded": "response",
}


@functools.cache  # a few dozen event types, named for every clock a discharge restarts
def event_words(event_type: str) -> str:
    """An event type as an explanation writes it: ``the last SDQ``, ``the placement started``."""
    return " ".join(_ACRONYMS.get(word, word) for word in event_type.split("_"))


def clock_label(rule: DutyRule, event: Event | None, label: str | None = None) -> str:
    """What started the first clock of ``rule``'s chain, in words: ``label`` when the caller names it, else the
    rule's own ``clock_text``, else the trigger's words (``the child's 18th birthday``, ``the review``)."""
    text = label or rule.clock_text or CLOCK_WORDS.get(rule.trigger.kind, "")
    if rule.trigger.kind == "birthday" and not (label or rule.clock_text):
        text = f"the child's {ordinal(rule.trigger.age or 0)} birthday"
    if rule.trigger.kind == "event" and not rule.clock_text and event is not None:
        text = f"the {event_words(event.type)}"
    return text


def when_text(value: Due) -> str:
    """``Mon 6 Jun 2011``, or ``21:45 on Mon 6 Jun 2011`` for a date-time."""
    if isinstance(value, dt.datetime):
        return f"{value:%H:%M} on {long_date(value.date())}"
    return long_date(value)


def _on_or_at(value: Due) -> str:
    """``on Mon 6 Jun 2011``, or ``at 21:45 on Mon 6 Jun 2011`` for a date-time."""
    return f"{'at' if isinstance(value, dt.datetime) else 'on'} {when_text(value)}"


def authority(rule: DutyRule, citation: str) -> str:
    """``under SI 2010/959 reg 33(1)``; for a duty that is not a regulation's, what it is instead: ``under SSDA903
    OC2 TEETH_CHECK (the DfE's SSDA903 OC2 measure: not a deadline in the Regulations)``."""
    if rule.basis == "regulation":
        return f"under {citation}"
    words = rule.basis_note or _BASIS_WORDS[rule.basis]
    if rule.basis == "contract":
        return f"under {citation} ({words}: not a statutory duty)"
    return f"under {citation} ({words}: not a deadline in the Regulations)"


def met_by(event: Event, discharge: Discharge) -> str:
    """``by the care plan e3, which includes the personal education plan: reg 5(b)(ii)``."""
    words = _EVENT_NAMES.get(event.type) or event_words(event.type)
    because = f", {discharge.because}" if discharge.because else ""
    return f"by the {words} {event.id}{because}"


def explain(rule: DutyRule, deadline: Deadline, label: str, outcome: Outcome, *, as_of: dt.date,
            citation: str, described: str | None = None) -> str:
    """The explanation of one duty record: ``label`` names what started its clock (``described``: the deadline's
    ``describe()``, when the caller has it)."""
    clock_start, due, status = outcome.clock_start, outcome.due, outcome.status
    met, days_late, ended, reason = outcome.met, outcome.days_late, outcome.ended, outcome.reason
    if outcome.due_words is not None:
        window = f"before {outcome.due_words}"
    elif deadline.amount == 0:
        window = f"by the day {label} ({when_text(clock_start)})"
    else:
        window = f"within {described or deadline.describe()} after {label} ({when_text(clock_start)})"
    if outcome.relaxed is not None:  # "6 weeks after the last visit (…) was …, but from … to … SI 2020/445 …"
        window = f"{window.removeprefix('within ')} {outcome.relaxed}"
    head = f"{rule.title}: due by {when_text(due)}, {window}, {authority(rule, citation)}"
    days = f"{days_late} day{'' if days_late == 1 else 's'}"
    done = f" {met_by(*outcome.by)}" if outcome.by is not None else ""
    if status == "met":
        assert met is not None
        return f"{head}; done {_on_or_at(met)}{done}, on time."
    if status == "breached" and met is not None:
        late = f"{days} late" if days_late else "later the same day"
        return f"{head}; done {_on_or_at(met)}{done}, {late}."
    if status == "breached":
        if ended is not None and ended < as_of:
            why = f" ({reason or _SCOPE_ENDED[rule.scope]})" if reason or rule.scope in _SCOPE_ENDED else ""
            return f"{head}; not done by {long_date(ended)}, when the duty ended{why}, {days} overdue."
        return f"{head}; not done by {long_date(as_of)}, {days} overdue."
    if status == "lapsed":
        assert ended is not None
        if reason:
            return f"{head}; the duty lapsed when {reason}, before it fell due."
        scope = _SCOPE_ENDED.get(rule.scope, "its scope ended")
        return f"{head}; the duty lapsed when {scope} on {long_date(ended)}, before it fell due."
    return f"{head}; not yet due."
