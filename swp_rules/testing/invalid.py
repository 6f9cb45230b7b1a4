"""Records the reader must reject: one defect each, with the field the rejection names."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final, NamedTuple

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from swp_rules.testing.events import EventDict, known_names


class InvalidRecord(NamedTuple):
    """A record the reader must reject.

    ``kind`` names the defect, ``field`` is the field the rejection names (``None`` for the record as a whole)
    and ``record`` is the record itself (usually a dict, sometimes not even a mapping).
    """

    kind: str
    field: str | None
    record: Any


def _base(type_: str, **fields: Any) -> EventDict:
    return {"id": "bad-1", "child": "C000001", "type": type_, "date": "2012-06-01", **fields}


def _without(record: EventDict, name: str) -> EventDict:
    return {k: v for k, v in record.items() if k != name}


#: Every kind of defect ``invalid_records`` draws from, with the field the rejection names and an example.
INVALID_RECORD_KINDS: Final[dict[str, tuple[str | None, Callable[[DrawFn], Any]]]] = {
    "missing_id": ("id", lambda d: _without(_base("visit"), "id")),
    "empty_id": ("id", lambda d: {**_base("visit"), "id": d(st.sampled_from(("", " ", "\t")))}),
    "id_not_string": ("id", lambda d: {**_base("visit"), "id": d(st.sampled_from((1, 2.5, True, ["x"])))}),
    "missing_child": ("child", lambda d: _without(_base("visit"), "child")),
    "empty_child": ("child", lambda d: {**_base("visit"), "child": d(st.sampled_from(("", "  ")))}),
    "child_not_string": (
        "child",
        lambda d: {**_base("visit"), "child": d(st.sampled_from((42, None, {"a": 1})))},
    ),
    "missing_type": ("type", lambda d: _without(_base("visit"), "type")),
    "unknown_type": (
        "type",
        lambda d: {**_base("visit"), "type": d(st.sampled_from(("vist", "Visit", "meeting")))},
    ),
    "type_not_string": (
        "type",
        lambda d: {**_base("visit"), "type": d(st.sampled_from((7, False, ["visit"])))},
    ),
    "missing_date": ("date", lambda d: _without(_base("visit"), "date")),
    "date_not_string": (
        "date",
        lambda d: {**_base("visit"), "date": d(st.sampled_from((20120601, None, 1.5)))},
    ),
    "impossible_date": (
        "date",
        lambda d: {**_base("visit"), "date": d(st.sampled_from(("2013-02-29", "2012-04-31", "2011-13-01")))},
    ),
    "malformed_date": (
        "date",
        lambda d: {**_base("visit"), "date": d(st.sampled_from(("01/06/2012", "2012-6-1", "June 2012", "")))},
    ),
    "impossible_time": ("date", lambda d: {**_base("visit"), "date": "2012-06-01T25:10:00"}),
    "bad_offset": (
        "date",
        lambda d: {
            **_base("visit"),
            "date": d(st.sampled_from(("2012-06-01T10:00:00+25:00", "2012-06-01T10:00:00-24:30"))),
        },
    ),
    "missing_required_field": ("placement", lambda d: _base("placement_started")),
    "null_required_field": ("worker", lambda d: _base("worker_allocated", worker=None)),
    "empty_string_field": ("iro", lambda d: _base("iro_appointed", iro=d(st.sampled_from(("", "   "))))),
    "invalid_placement_code": (
        "placement",
        lambda d: _base("placement_started", placement=d(st.sampled_from(("ZZ", "Q9", "u1", "U7")))),
    ),
    "invalid_legal_status": (
        "legal_status",
        lambda d: _base("looked_after_started", legal_status=d(st.sampled_from(("C9", "X", "c2")))),
    ),
    "x1_ends_care": ("reason", lambda d: _base("looked_after_ended", reason="X1")),
    "sdq_out_of_range": ("score", lambda d: _base("sdq", score=d(st.sampled_from((-1, 41, 100))))),
    "sdq_not_whole": ("score", lambda d: _base("sdq", score=d(st.sampled_from((12.5, "12", True))))),
    "wrong_bool": ("seen_alone", lambda d: _base("visit", seen_alone=d(st.sampled_from(("yes", 1, "true"))))),
    "wrong_enum": (
        "kind",
        lambda d: _base("health_assessment", kind=d(st.sampled_from(("annual", "Initial", 1)))),
    ),
    "negative_amount": (
        "weekly_cost",
        lambda d: _base("placement_started", placement="R1", weekly_cost="-0.01"),
    ),
    "not_an_amount": (
        "weekly_cost",
        lambda d: _base(
            "placement_started", placement="R1", weekly_cost=d(st.sampled_from(("lots", "NaN", True)))
        ),
    ),
    "impossible_dob": ("dob", lambda d: _base("child", dob=d(st.sampled_from(("2010-02-30", "30/01/2010"))))),
    "key_stage_unknown": ("key_stage", lambda d: _base("attainment", key_stage=3, result="L4")),
    "non_object": (None, lambda d: d(st.sampled_from((["visit"], "visit", 42, None, True)))),
}


def invalid_records(kinds: Sequence[str] | None = None) -> SearchStrategy[InvalidRecord]:
    """Records that ``load_records`` must reject, as ``InvalidRecord(kind, field, record)``.

    Each is a valid record with exactly one defect, drawn from ``INVALID_RECORD_KINDS`` (missing, empty or
    mistyped id/child/type/date, unknown type, impossible or malformed dates and times, bad UTC offsets,
    missing or null required fields, codes not in the SSDA903 lists, X1 as an end of care, out-of-range or
    fractional SDQ scores, wrong booleans and enums, negative or non-numeric amounts, non-objects, …).
    ``field`` is the field the rejection must name (``None`` for a non-object). ``kinds`` restricts the draw.

    >>> from hypothesis import given
    >>> from swp_rules import load_records
    >>> @given(invalid_records())
    ... def test_rejected(bad):
    ...     assert load_records([bad.record]).rejected[0].field == bad.field
    >>> test_rejected()
    """
    names = known_names(sorted(INVALID_RECORD_KINDS) if kinds is None else list(kinds), INVALID_RECORD_KINDS,
                        "kinds of invalid record")

    @st.composite
    def build(draw: DrawFn) -> InvalidRecord:
        kind = draw(st.sampled_from(names))
        field, make = INVALID_RECORD_KINDS[kind]
        return InvalidRecord(kind, field, make(draw))

    return build()
