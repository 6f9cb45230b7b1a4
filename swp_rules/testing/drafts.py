"""Events under construction: drafts with a provisional key, turned into event dicts with ids in date order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final

import attrs

from swp_rules.model import Event
from swp_rules.testing.events import EventDict

#: Same-day order of the event dicts a timeline lists (structure first, endings last); other types sit at 50.
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
#: Provisional keys look like this, so that a field naming another draft (``request``) can be told from free text.
KEY_PREFIX: Final = "draft-"


@attrs.frozen
class Draft:
    """An event before its id is known: its type, London date and fields, an aware instant for an event given as a
    date-time, and a provisional ``key`` (its id while the timeline is scheduled). ``purpose`` is the rule the draft
    was scheduled to discharge (if any) and ``late`` whether it was meant to come after that rule's deadline."""

    key: str
    type: str
    day: dt.date
    fields: dict[str, Any] = attrs.field(factory=dict)
    instant: dt.datetime | None = None
    purpose: str | None = None
    late: bool = False

    def as_dict(self, child: str, event_id: str | None = None) -> EventDict:
        when = self.instant.isoformat() if self.instant is not None else self.day.isoformat()
        record: EventDict = {"id": event_id or self.key, "child": child, "type": self.type, "date": when}
        record.update(self.fields)
        return record


@attrs.define
class Drafts:
    """One child's drafts, each with its ``Event`` (built once), keyed in the order they were made."""

    child: str
    by_key: dict[str, Draft] = attrs.field(factory=dict)
    events: dict[str, Event] = attrs.field(factory=dict)

    def add(self, type_: str, day: dt.date, fields: dict[str, Any] | None = None, *,
            instant: dt.datetime | None = None, purpose: str | None = None, late: bool = False) -> Draft:
        draft = Draft(f"{KEY_PREFIX}{len(self.by_key) + 1:05d}", type_, day, dict(fields or {}), instant,
                      purpose, late)
        self.by_key[draft.key] = draft
        self.events[draft.key] = Event.from_dict(draft.as_dict(self.child))
        return draft

    def of_type(self, *types: str) -> list[Draft]:
        return [d for d in self.by_key.values() if d.type in types]

    def to_dicts(self, id_prefix: str) -> list[EventDict]:
        return to_dicts(self.by_key.values(), self.child, id_prefix)


def _sort_key(draft: Draft) -> tuple[dt.date, int, float, str]:
    instant = draft.instant.timestamp() if draft.instant is not None else 0.0
    return (draft.day, _RANK.get(draft.type, 50), instant, draft.key)


def to_dicts(drafts: Iterable[Draft], child: str, id_prefix: str) -> list[EventDict]:
    """The drafts as event dicts sorted by date, with ids ``<id_prefix>0001`` upwards; a field that names another
    draft's key (an ``access_responded`` event's ``request``) names that event's id."""
    ordered = sorted(drafts, key=_sort_key)
    width = max(4, len(str(len(ordered))))
    ids = {d.key: f"{id_prefix}{n:0{width}d}" for n, d in enumerate(ordered, start=1)}
    out: list[EventDict] = []
    for draft in ordered:
        record = draft.as_dict(child, ids[draft.key])
        for name, value in draft.fields.items():
            if isinstance(value, str) and value in ids:
                record[name] = ids[value]
        out.append(record)
    return out
