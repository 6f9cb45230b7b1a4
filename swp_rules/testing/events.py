"""Single events: identifiers, field values and event dicts of every type, children and placement codes.

Events are plain data, event *dicts* in the input format of SPEC.md §1 (dates as ISO text, amounts as decimal text),
ready for ``swp_rules.load_records`` or for writing out as JSON Lines. ``event_dicts`` draws them in canonical form:
what ``Event.to_dict`` writes back, so that ``Event.from_dict(d).to_dict() == d``.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Collection, Sequence
from typing import Any, Final, TypeAlias

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from swp_rules import calendar, codes
from swp_rules.model import EVENT_TYPES, FieldSpec

#: An event in the input format of SPEC.md §1, as a plain JSON-ready mapping.
EventDict: TypeAlias = dict[str, Any]

#: Foster placements were coded Q1/Q2 before this date and U1–U6 from it.
U_CODES_FROM: Final = dt.date(2014, 4, 1)
_PLACEMENT_BEFORE_2014: Final = tuple(sorted(codes.PLACEMENT_BY_YEAR[2009]))
_PLACEMENT_FROM_2014: Final = tuple(sorted(codes.PLACEMENT_BY_YEAR[2014]))
_ALPHABET: Final = string.ascii_letters + string.digits + "-_ ./"
#: The dates ``event_dicts`` draws from.
EVENT_DATES: Final = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))


def placement_codes_on(day: dt.date) -> tuple[str, ...]:
    """The placement (PL) codes the generators use for a placement starting on ``day``, sorted.

    Q1/Q2 (foster care) before 1 April 2014, U1–U6 from then; the other codes are common to both lists.

    >>> "Q1" in placement_codes_on(dt.date(2014, 3, 31)), "U4" in placement_codes_on(dt.date(2014, 4, 1))
    (True, True)
    """
    return _PLACEMENT_BEFORE_2014 if day < U_CODES_FROM else _PLACEMENT_FROM_2014


def child_ids() -> SearchStrategy[str]:
    """Pseudonymous child identifiers such as ``"C000042"`` (never names). Shrinks towards ``"C000000"``.

    >>> from hypothesis import given
    >>> @given(child_ids())
    ... def test_ids(child):
    ...     assert child.startswith("C") and len(child) == 7
    >>> test_ids()
    """
    return st.integers(min_value=0, max_value=999_999).map(lambda n: f"C{n:06d}")


def texts() -> SearchStrategy[str]:
    """Non-blank short text, as a free-text field (a worker, a carer) may hold: the model refuses blank strings."""
    return st.text(_ALPHABET, min_size=1, max_size=12).filter(lambda s: bool(s.strip()))


def field_values(spec: FieldSpec) -> SearchStrategy[Any]:
    """Valid canonical values for one field of an event type (``swp_rules.model.EVENT_TYPES[type][field]``).

    >>> from hypothesis import given
    >>> from swp_rules.model import EVENT_TYPES
    >>> @given(field_values(EVENT_TYPES["health_assessment"]["kind"]))
    ... def test_kind(kind):
    ...     assert kind in ("initial", "review")
    >>> test_kind()
    """
    if spec.kind == "str":
        return texts()
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "date":
        return EVENT_DATES.map(dt.date.isoformat)
    if spec.kind == "decimal":
        return st.decimals(min_value=0, max_value=100_000, places=2).map(str)
    if spec.kind == "int":
        if spec.choices:
            return st.sampled_from(spec.choices)
        low = spec.minimum if spec.minimum is not None else -1000
        return st.integers(low, spec.maximum if spec.maximum is not None else 1000)
    if spec.kind == "code":
        assert spec.code_list is not None
        return st.sampled_from(sorted(codes.CODE_LISTS[spec.code_list]))
    return st.sampled_from(spec.choices)


def event_fields(event_type: str, *, optional: bool = True) -> SearchStrategy[dict[str, Any]]:
    """The fields of one event type (beyond ``id``, ``child``, ``type`` and ``date``): every required one and, with
    ``optional``, some optional ones.

    >>> from hypothesis import given
    >>> @given(event_fields("immunisations"))
    ... def test_fields(fields):
    ...     assert list(fields) == ["up_to_date"]
    >>> test_fields()
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")

    @st.composite
    def build(draw: DrawFn) -> dict[str, Any]:
        return {
            name: draw(field_values(spec))
            for name, spec in EVENT_TYPES[event_type].items()
            if spec.required or (optional and draw(st.booleans()))
        }

    return build()


def _when(date_times: bool) -> SearchStrategy[str]:
    plain = EVENT_DATES.map(dt.date.isoformat)
    if not date_times:
        return plain
    offsets = st.sampled_from(["", "Z", "+00:00", "+01:00", "-05:30"])
    moments = st.builds(
        lambda day, h, m, s, off: f"{day.isoformat()}T{h:02d}:{m:02d}:{s:02d}{off}",
        EVENT_DATES, st.integers(0, 23), st.integers(0, 59), st.integers(0, 59), offsets,
    )
    return st.one_of(plain, moments)


def event_dicts(types: Sequence[str] | None = None, *, date_times: bool = False) -> SearchStrategy[EventDict]:
    """One valid event dict of any type, or of one of ``types``: every required field and some optional ones.

    Canonical (``Event.from_dict(d).to_dict() == d``) unless ``date_times``, which also draws date-times (naive or
    with an offset), read as Europe/London and so written back in another, equivalent, form. Ids and children are
    arbitrary non-blank text; sometimes an extra field (``source_system``) rides along, as the model keeps it.

    >>> from hypothesis import given
    >>> from swp_rules.model import Event
    >>> @given(event_dicts(["visit", "review"]))
    ... def test_round_trip(record):
    ...     assert Event.from_dict(record).to_dict() == record
    >>> test_round_trip()
    """
    chosen = known_names(sorted(EVENT_TYPES) if types is None else sorted(types), EVENT_TYPES, "event types")

    @st.composite
    def build(draw: DrawFn) -> EventDict:
        type_ = draw(st.sampled_from(chosen))
        record: EventDict = {"id": draw(texts()), "child": draw(texts()), "type": type_,
                             "date": draw(_when(date_times))}
        record.update(draw(event_fields(type_)))
        if draw(st.booleans()):
            record["source_system"] = draw(texts())  # an extra field, kept as given
        return record

    return build()


def known_names(names: Sequence[str], known: Collection[str], what: str) -> list[str]:
    """``names`` as a list, or ``ValueError`` naming those not ``known`` (or saying none were given)."""
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise ValueError(f"unknown {what}: {unknown}" if unknown else f"no {what} given")
    return list(names)


def child_extras(draw: DrawFn, record: EventDict) -> None:
    """Sometimes ``sex`` ("1" or "2") and ``uasc`` on a ``child`` record."""
    if draw(st.booleans()):
        record["sex"] = draw(st.sampled_from(("1", "2")))
    if draw(st.booleans()):
        record["uasc"] = draw(st.booleans())


def children(
    *,
    child: str | None = None,
    born_from: dt.date = dt.date(1991, 4, 1),
    born_to: dt.date = dt.date(2015, 3, 31),
    event_id: str | None = None,
) -> SearchStrategy[EventDict]:
    """A ``child`` event dict with a plausible ``dob`` between ``born_from`` and ``born_to``.

    The record is dated on the date of birth (SPEC.md §1: "may be the dob"); ``sex`` ("1" or "2") and ``uasc``
    are sometimes present. ``child`` fixes the identifier (else drawn from ``child_ids``); ``event_id`` fixes
    the event id (else ``"child-<n>"``).

    >>> from hypothesis import given
    >>> @given(children(born_from=dt.date(2000, 1, 1)))
    ... def test_child(record):
    ...     assert record["type"] == "child" and record["dob"] >= "2000-01-01"
    >>> test_child()
    """
    if born_to < born_from:
        raise ValueError("born_to is before born_from")

    @st.composite
    def build(draw: DrawFn) -> EventDict:
        child_id = child if child is not None else draw(child_ids())
        dob = born_from + dt.timedelta(days=draw(st.integers(0, (born_to - born_from).days)))
        eid = event_id if event_id is not None else f"child-{draw(st.integers(0, 9999))}"
        record: EventDict = {"id": eid, "child": child_id, "type": "child", "date": dob.isoformat()}
        record["dob"] = dob.isoformat()
        child_extras(draw, record)
        return record

    return build()


def dob_for(start: dt.date, age: int, extra_days: int) -> dt.date:
    """A date of birth making a child exactly ``age`` years old on ``start`` (``0 <= extra_days < 365``)."""
    return calendar.add_months(start, -12 * age) - dt.timedelta(days=extra_days)
