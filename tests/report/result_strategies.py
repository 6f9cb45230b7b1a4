"""Hypothesis strategies for every result type, drawn from the classes' own attributes (for converter properties)."""

from __future__ import annotations

import datetime as dt
import typing
from collections import abc
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from swp_rules.model import Event
from swp_rules.periods import ReportingPeriod
from swp_rules.report.convert import union_args
from swp_rules.testing.events import event_dicts

_TEXT = st.text(max_size=12)
_ZONES = st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=1))])


@st.composite
def periods(draw: st.DrawFn) -> ReportingPeriod:
    start = draw(st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)))
    return ReportingPeriod(start, start + dt.timedelta(days=draw(st.integers(0, 800))))


def of_type(tp: Any) -> SearchStrategy[Any]:
    members = union_args(tp)
    if len(members) > 1:
        return st.one_of([of_type(m) for m in members])
    origin = typing.get_origin(tp)
    if tp is type(None):
        return st.none()
    if tp is str:
        return _TEXT
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(-(10**6), 10**6)
    if tp is dt.datetime:
        return st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1), timezones=st.none() | _ZONES)
    if tp is dt.date:
        return st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1))
    if tp is Decimal:
        return st.decimals(-(10**8), 10**8, places=2)
    if tp is Fraction:
        return st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=1000)
    if tp is Any:
        return st.none() | _TEXT
    if origin is typing.Literal:
        return st.sampled_from(typing.get_args(tp))
    if origin is tuple:
        return st.lists(of_type(typing.get_args(tp)[0]), max_size=3).map(tuple)
    if origin in (dict, abc.Mapping):
        return st.dictionaries(_TEXT, st.none() | _TEXT, max_size=3)
    if tp is ReportingPeriod:
        return periods()
    if tp is Event:
        return event_dicts().map(Event.from_dict)
    if attrs.has(tp):
        return results(tp)
    raise TypeError(f"no strategy for {tp!r}")


def results(cls: type) -> SearchStrategy[Any]:
    """Instances of an attrs result class, every attribute drawn from its type."""
    if cls is ReportingPeriod:
        return periods()
    attrs.resolve_types(cls)
    return st.builds(cls, **{f.name: of_type(f.type) for f in attrs.fields(cls)})
