"""The case-event model (SPEC.md §1): dict → Event → dict round-trips, and validation errors name the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swp_rules.model import EVENT_TYPES, Event, RecordError
from swp_rules.testing import INVALID_RECORD_KINDS, event_dicts, invalid_records, texts, timelines


@given(event_dicts())
def test_dict_event_dict_round_trips(record: dict[str, Any]) -> None:
    event = Event.from_dict(record)
    assert event.to_dict() == record
    assert Event.from_dict(event.to_dict()) == event


@given(event_dicts(date_times=True))
def test_date_times_round_trip_to_the_same_instant(record: dict[str, Any]) -> None:
    event = Event.from_dict(record)
    again = Event.from_dict(event.to_dict())
    assert again == event and again.time == event.time and again.to_dict() == event.to_dict()
    if event.time is not None:
        assert event.time.utcoffset() in (dt.timedelta(0), dt.timedelta(hours=1))  # Europe/London: GMT or BST
        assert event.date == event.time.date()


@given(timelines())
def test_generated_timelines_round_trip(events: list[dict[str, Any]]) -> None:
    for record in events:
        event = Event.from_dict(record)
        assert Event.from_dict(event.to_dict()) == event


def test_naive_date_time_is_london_local_time() -> None:
    summer = Event.from_dict({"id": "e", "child": "C", "type": "visit", "date": "2011-06-01T23:30"})
    assert summer.date == dt.date(2011, 6, 1)
    assert summer.when == "2011-06-01T23:30:00+01:00"
    utc = Event.from_dict({"id": "e", "child": "C", "type": "visit", "date": "2011-06-01T23:30Z"})
    assert utc.date == dt.date(2011, 6, 2)  # 00:30 on 2 June in London


@given(invalid_records())
def test_invalid_records_name_the_field(bad: Any) -> None:
    with pytest.raises(RecordError) as caught:
        Event.from_dict(bad.record)
    assert caught.value.field == bad.field
    assert caught.value.reason
    if caught.value.field is not None:
        assert str(caught.value).startswith(f"{caught.value.field}: ")


def test_every_kind_of_invalid_record_is_drawn() -> None:
    assert len(INVALID_RECORD_KINDS) >= 18


_WRONG: dict[str, list[Any]] = {
    "str": ["", "   ", 3, True, None],
    "bool": ["yes", 1, "true", None],
    "date": ["2011-02-29", "01/06/2011", 20110601, None],
    "decimal": ["lots", "-1", True, "NaN", None],
    "int": ["x", 1.5, True, None],
    "code": ["ZZZZ", 7, None],
    "enum": ["neither", 3, None],
}


@given(data=st.data(), type_=st.sampled_from(sorted(t for t, spec in EVENT_TYPES.items() if spec)))
def test_a_bad_field_value_is_named(data: st.DataObject, type_: str) -> None:
    record = data.draw(event_dicts([type_]))
    name = data.draw(st.sampled_from(sorted(EVENT_TYPES[type_])))
    spec = EVENT_TYPES[type_][name]
    wrong = [w for w in _WRONG[spec.kind] if w is not None or spec.required]
    record[name] = data.draw(st.sampled_from(wrong))
    with pytest.raises(RecordError) as caught:
        Event.from_dict(record)
    assert caught.value.field == name


@given(record=event_dicts(), name=st.sampled_from(["id", "child", "type", "date"]))
def test_a_missing_common_field_is_named(record: dict[str, Any], name: str) -> None:
    del record[name]
    with pytest.raises(RecordError) as caught:
        Event.from_dict(record)
    assert caught.value.field == name
    assert caught.value.reason == "is missing"


@given(child=texts().map(lambda s: f"Zq9{s}"), bad=invalid_records())
def test_errors_never_quote_the_child(child: str, bad: Any) -> None:
    record = bad.record
    if not isinstance(record, dict) or bad.field == "child":
        return
    record = {**record, "child": child}
    with pytest.raises(RecordError) as caught:
        Event.from_dict(record)
    assert child not in str(caught.value)


def test_constructor_validates() -> None:
    with pytest.raises(RecordError) as caught:
        Event("e1", "C1", "vist", dt.date(2011, 6, 1))
    assert caught.value.field == "type"
    with pytest.raises(RecordError) as caught:
        Event("e1", " ", "visit", dt.date(2011, 6, 1))
    assert caught.value.field == "child"
    with pytest.raises(RecordError) as caught:
        Event("e1", "C1", "placement_started", dt.date(2011, 6, 1), fields={})
    assert caught.value.field == "placement"


def test_events_are_immutable() -> None:
    event = Event.from_dict({"id": "e1", "child": "C1", "type": "visit", "date": "2011-06-01", "seen_alone": True})
    with pytest.raises(AttributeError):
        event.date = dt.date(2011, 6, 2)  # type: ignore[misc]
    with pytest.raises(TypeError):
        event.fields["seen_alone"] = False  # type: ignore[index]
    assert "C1" not in repr(event)
