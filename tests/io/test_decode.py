"""The typed decoding pass (swp_rules.io.decode) accepts exactly what ``Event.from_dict`` accepts, giving the same
event: it only changes how quickly a line is read, never what becomes of it."""

from __future__ import annotations

import json
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from swp_rules.io.decode import decode_event, fields_hash
from swp_rules.io.events import Rejection, _read_line
from swp_rules.model import COMMON_FIELDS, EVENT_TYPES, Event
from swp_rules.testing.events import event_dicts

#: JSON values, hostile ones included: huge and tiny numbers, blank and padded text, nesting, codes with spaces.
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**25), 10**25), st.text(max_size=8),
    st.sampled_from(["", " ", " V2", "V2 ", "C1", "1", "2", "yes", "true", "1e30", "512.255", "2011-13-01",
                     "2011-02-29", "0001-01-01", "9999-12-31", "2011-06-03T10:00:00", "40.0", "\u00a0", "1_000", "+5",
                     " 512.25 ", "\uff15", "5e2", ".5", "5.", "-0", "NaN", "Infinity"]),
    st.sampled_from([Decimal("40.0"), Decimal("1E+5000"), Decimal("1E-30"), Decimal("512.255"), Decimal("0.10"),
                     Decimal("-0"), Decimal("5.1E+2"), Decimal("1e6"), Decimal("1000000.01")]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4),
                                                                                           inner, max_size=3),
                      max_leaves=6)


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, default=str).encode()


def _same(fast: Event, slow: Event | Rejection | None) -> None:
    assert isinstance(slow, Event), slow
    assert fast == slow
    assert fast.time == slow.time
    assert fast.to_dict() == slow.to_dict()
    assert {k: type(v) for k, v in fast.fields.items()} == {k: type(v) for k, v in slow.fields.items()}


@given(event_dicts(date_times=True))
def test_valid_events_take_the_typed_pass(record: dict[str, Any]) -> None:
    line = _line(record)
    fast = decode_event(line)
    if set(record) <= {*COMMON_FIELDS, *EVENT_TYPES[record["type"]]}:
        assert fast is not None  # extra fields are kept by the model's own reading
    if fast is not None:
        _same(fast, _read_line(line, "t.jsonl", 1))


@given(event_dicts(date_times=True), st.data())
def test_the_typed_pass_never_accepts_what_the_model_refuses(record: dict[str, Any], data: st.DataObject) -> None:
    names = sorted(record)
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        record[data.draw(st.sampled_from(names))] = data.draw(VALUES)
    elif action == "delete":
        del record[data.draw(st.sampled_from(names))]
    else:
        record[data.draw(st.text(min_size=1, max_size=6))] = data.draw(VALUES)
    line = json.dumps(record, default=lambda d: float(d) if abs(d.adjusted()) < 300 else str(d)).encode()
    fast = decode_event(line)
    slow = _read_line(line, "t.jsonl", 1)
    if fast is not None:
        _same(fast, slow)


@given(st.binary(max_size=200))
def test_any_bytes_are_decoded_or_left_to_the_model(line: bytes) -> None:
    fast = decode_event(line)
    if fast is not None:
        _same(fast, _read_line(line, "t.jsonl", 1))


def test_amount_text_is_judged_by_the_model() -> None:
    """msgspec would read "1_000" or "5e2" as a Decimal; the model refuses them, and so does the typed pass."""
    for text, accepted in (("1_000", False), ("5e2", False), (" 512.25 ", True), ("+5", True), ("NaN", False)):
        line = json.dumps({"id": "e", "child": "C", "type": "placement_started", "date": "2011-06-03",
                           "placement": "Q2", "weekly_cost": text}).encode()
        fast = decode_event(line)
        slow = _read_line(line, "t.jsonl", 1)
        assert isinstance(slow, Event) == accepted
        assert (fast is not None) == accepted
        if fast is not None:
            _same(fast, slow)


def test_amounts_as_numbers_and_text() -> None:
    for text in (b'"weekly_cost": 512.25', b'"weekly_cost": "512.25"', b'"weekly_cost": 512.250'):
        line = b'{"id": "e", "child": "C", "type": "placement_started", "date": "2011-06-03", "placement": "Q2", ' \
               + text + b"}"
        fast = decode_event(line)
        assert fast is not None and fast.get("weekly_cost") == Decimal("512.25")
        _same(fast, _read_line(line, "t.jsonl", 1))


def test_events_with_equal_fields_share_one_read_only_mapping() -> None:
    def visit(number: int, worker: str, alone: bool) -> Event:
        line = _line({"id": f"v{number}", "child": "C1", "type": "visit", "date": "2011-06-06", "worker": worker,
                      "seen_alone": alone})
        event = decode_event(line)
        assert event is not None
        assert event == Event.from_dict(json.loads(line))
        return event

    first, second, other = visit(1, "W1", True), visit(2, "W1", True), visit(3, "W1", False)
    assert first.fields is second.fields and first.fields is not other.fields
    assert dict(second.fields) == {"worker": "W1", "seen_alone": True}


def test_amounts_are_never_shared() -> None:
    def placement(number: int, cost: str) -> Event:
        event = decode_event(_line({"id": f"p{number}", "child": "C1", "type": "placement_started",
                                    "date": "2011-06-06", "placement": "U1", "weekly_cost": cost}))
        assert event is not None
        return event

    first, second = placement(1, "512.5"), placement(2, "512.50")
    assert first.fields is not second.fields  # equal amounts, written differently: each keeps its own
    assert (str(first.get("weekly_cost")), str(second.get("weekly_cost"))) == ("512.5", "512.50")


@given(st.lists(event_dicts(date_times=True), min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_a_line_decoded_again_gives_the_same_event(records: list[dict[str, Any]], rng: Any) -> None:
    """Fields seen before are taken by their raw values (``_BY_VALUES``): decoding the same lines again, in any
    order and however often, gives exactly the events the model builds from them."""
    lines = [_line(r) for r in records] * 2
    rng.shuffle(lines)
    for line in lines:
        fast = decode_event(line)
        if fast is not None:
            _same(fast, _read_line(line, "t.jsonl", 1))


def test_a_code_written_as_a_number_or_as_text_reads_the_same() -> None:
    """The sex code may be 1 or "1": two raw values, one field value."""
    events = []
    for number, sex in enumerate((1, "1", 1, "1", 2)):
        line = _line({"id": f"c{number}", "child": "C1", "type": "child", "date": "2011-06-06", "sex": sex,
                      "dob": "2005-01-01"})
        fast = decode_event(line)
        assert fast is not None
        _same(fast, _read_line(line, "t.jsonl", 1))
        events.append(fast)
    assert [e.get("sex") for e in events] == ["1", "1", "1", "1", "2"]


@given(event_dicts(date_times=True), st.randoms(use_true_random=False))
def test_equal_fields_hash_alike_whatever_their_order_or_mapping(record: dict[str, Any], rng: Any) -> None:
    """The content key compares an event's fields by ``fields_hash``: a shared mapping's remembered hash equals the
    hash of the same fields in a mapping of their own, in any order."""
    fast = decode_event(_line(record))
    if fast is None:
        return
    items = list(fast.fields.items())
    rng.shuffle(items)
    assert fields_hash(fast.fields) == fields_hash(dict(items)) == fields_hash(MappingProxyType(dict(items)))


@given(st.sampled_from(["id", "child", "worker"]), st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u2000\u2028\u3000",
                                                             min_size=1, max_size=4))
def test_blank_text_is_left_to_the_model_which_refuses_it(name: str, blank: str) -> None:
    """Blankness is checked in Python, with the whitespace ``str.strip`` removes (as the model does)."""
    record = {"id": "v1", "child": "C1", "type": "visit", "date": "2011-06-06", "worker": "W1", name: blank}
    line = _line(record)
    assert decode_event(line) is None
    assert isinstance(_read_line(line, "t.jsonl", 1), Rejection)
