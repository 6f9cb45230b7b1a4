"""Hypothesis strategies for single events of every type, in canonical form (shared by the model and schema tests).

Canonical: what ``Event.to_dict`` writes back — dates as ``YYYY-MM-DD``, amounts as decimal text, codes as text —
so that ``Event.from_dict(d).to_dict() == d``. ``date_times=True`` also draws date-times (naive or with an offset),
which are read as Europe/London and so are written back in another, equivalent, form.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from swp_rules import codes
from swp_rules.model import EVENT_TYPES, FieldSpec

_ALPHABET = string.ascii_letters + string.digits + "-_ ./"
DATES = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))


def texts() -> SearchStrategy[str]:
    """Non-blank text (the model refuses empty and all-blank strings)."""
    return st.text(_ALPHABET, min_size=1, max_size=12).filter(lambda s: bool(s.strip()))


def field_values(spec: FieldSpec) -> SearchStrategy[Any]:
    """Valid canonical values for one field."""
    if spec.kind == "str":
        return texts()
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "date":
        return DATES.map(dt.date.isoformat)
    if spec.kind == "decimal":
        return st.decimals(min_value=0, max_value=100_000, places=2).map(str)
    if spec.kind == "int":
        if spec.choices:
            return st.sampled_from(spec.choices)
        return st.integers(spec.minimum if spec.minimum is not None else -1000,
                           spec.maximum if spec.maximum is not None else 1000)
    if spec.kind == "code":
        assert spec.code_list is not None
        return st.sampled_from(sorted(codes.CODE_LISTS[spec.code_list]))
    return st.sampled_from(spec.choices)


def _when(date_times: bool) -> SearchStrategy[str]:
    plain = DATES.map(dt.date.isoformat)
    if not date_times:
        return plain
    offsets = st.sampled_from(["", "Z", "+00:00", "+01:00", "-05:30"])
    moments = st.builds(
        lambda day, h, m, s, off: f"{day.isoformat()}T{h:02d}:{m:02d}:{s:02d}{off}",
        DATES, st.integers(0, 23), st.integers(0, 59), st.integers(0, 59), offsets,
    )
    return st.one_of(plain, moments)


def event_dicts(types: list[str] | None = None, date_times: bool = False) -> SearchStrategy[dict[str, Any]]:
    """One valid event dict of any (or the given) types, every required field and some optional ones."""

    @st.composite
    def build(draw: DrawFn) -> dict[str, Any]:
        type_ = draw(st.sampled_from(types or sorted(EVENT_TYPES)))
        record: dict[str, Any] = {"id": draw(texts()), "child": draw(texts()), "type": type_,
                                  "date": draw(_when(date_times))}
        for name, spec in EVENT_TYPES[type_].items():
            if spec.required or draw(st.booleans()):
                record[name] = draw(field_values(spec))
        if draw(st.booleans()):
            record["source_system"] = draw(texts())  # an extra field, kept as given
        return record

    return build()
