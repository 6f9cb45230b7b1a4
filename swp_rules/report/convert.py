"""One converter for every result type, to plain data and back (SPEC.md §2, §4: results serialise to JSON and back).

The rules, the same for every result (a ``Breach``, an ``IndicatorResult``, a ``PaymentStatement``…):

- dates and date-times are ISO 8601 text (``2011-06-30``, ``2011-06-30T17:00:00+01:00``);
- money (``Decimal``) is a decimal string with at least two places (``"1234.50"``): exact, and never a binary float;
- an exact fraction (``Fraction``) is two keys: ``KEY``, a decimal number rounded to six places for any tool to read,
  and ``KEY_exact``, the exact value as ``"p/q"`` text (``"1/3"``, or ``"3"`` for a whole number) that reads back
  without loss;
- tuples are lists, attrs classes are objects, ``None`` is ``null``.

``unstructure(result)`` gives JSON-ready data (``json.dumps`` accepts it as it is); ``structure(data, Class)`` reads it
back; ``structure(unstructure(x), type(x)) == x`` for every result (a Hypothesis property tests it). The shipped
JSON Schemas of the result documents are generated from the same description (``swp_rules.report.schema``).
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

T = TypeVar("T")

#: Places of the decimal reading of an exact fraction (the exact value is beside it, as ``KEY_exact``).
DECIMAL_PLACES: Final = 6
#: The suffix of the key that holds a fraction's exact ``p/q`` text.
EXACT: Final = "_exact"

#: Keys that differ from the attribute's name, by ``module.Class`` and attribute (the documented JSON's words).
RENAMES: Final[Mapping[str, Mapping[str, str]]] = {
    "swp_rules.contracts.statement.MeasureLine": {"fraction": "fraction_earned"},
    "swp_rules.contracts.statement.OutcomeLine": {"fraction": "fraction_earned"},
    "swp_rules.contracts.statement.BonusLine": {"budget": "placement_budget", "spend": "placement_spend"},
    "swp_rules.contracts.spend.Spend": {"uncosted": "uncosted_placements"},
    "swp_rules.indicators.compute.IndicatorReport": {"results": "indicators"},
    "swp_rules.register.results.RecordedRun": {"id": "run"},
    "swp_rules.register.results.DiffLine": {"first_seen_as_of": "first_seen"},
    "swp_rules.register.results.RegisterDiff": {"from_run": "from", "to_run": "to"},
}


def _display(result: Any) -> str:
    from swp_rules.indicators.compute import display

    return display(result.value, result.measure)


#: Keys derived from a result for people, written beside its own (read back, they are ignored): key -> (function,
#: JSON Schema of the value).
EXTRAS: Final[Mapping[str, Mapping[str, tuple[Callable[[Any], Any], dict[str, Any]]]]] = {
    "swp_rules.indicators.compute.IndicatorResult": {
        "display": (_display, {"type": "string", "description": "the value rounded for people (50.0%, 13.0)"}),
    },
    "swp_rules.register.results.RegisteredBreach": {
        "open": (lambda breach: breach.is_open, {"type": "boolean", "description": "not resolved (still overdue)"}),
    },
}


def qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def money_text(amount: Decimal) -> str:
    """``Decimal`` pounds as text with at least two places: ``Decimal("12.5")`` → ``"12.50"``."""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        amount = amount.quantize(Decimal("0.01"))
    return format(amount, "f")


def exact_text(value: Fraction | int) -> str:
    """An exact number as ``p/q`` text (``"1/3"``; a whole number as itself, ``"3"``)."""
    return str(Fraction(value))


def decimal_number(value: Fraction | int) -> int | float:
    """An exact number's decimal reading, rounded half-even to ``DECIMAL_PLACES``."""
    rounded = round(Fraction(value), DECIMAL_PLACES)
    return int(rounded) if rounded.denominator == 1 else float(rounded)


# --- the types of attributes ---------------------------------------------------------------------------------------


def union_args(tp: Any) -> tuple[Any, ...]:
    """The members of a union type (``X | Y``, ``Optional[X]``), or ``(tp,)``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return typing.get_args(tp)
    return (tp,)


def is_exact(tp: Any) -> bool:
    """Whether an attribute holds an exact fraction (``Fraction``, ``Fraction | None``, ``int | Fraction | None``)."""
    return Fraction in union_args(tp)


def _is_when(tp: Any) -> bool:
    """A union of dates and date-times, perhaps with ``None`` (``Due``, ``dt.date | None``)."""
    members = union_args(tp)
    dates = [a for a in members if a is not type(None)]
    return len(members) > 1 and bool(dates) and all(a in (dt.date, dt.datetime) for a in dates)


@attrs.frozen
class Key:
    """How one attribute is written: its key, its type, and whether it is an exact fraction (two keys)."""

    name: str
    key: str
    type: Any
    exact: bool
    default: Any = attrs.NOTHING


@functools.cache
def keys_of(cls: type) -> tuple[Key, ...]:
    """The keys of an attrs result class, in attribute order."""
    attrs.resolve_types(cls)
    renames = RENAMES.get(qualified(cls), {})
    found = []
    for field in attrs.fields(cls):
        default = field.default if not isinstance(field.default, attrs.Factory) else attrs.NOTHING  # type: ignore[arg-type]
        found.append(Key(field.name, renames.get(field.name, field.name), field.type, is_exact(field.type), default))
    return tuple(found)


# --- the converter -------------------------------------------------------------------------------------------------


def _structure_when(value: Any, tp: Any) -> dt.date | dt.datetime | None:
    if value is None:
        if type(None) in union_args(tp):
            return None
        raise ValueError("a date is required")
    if not isinstance(value, str):
        raise ValueError(f"expected ISO date text, got {type(value).__name__}")
    allowed = union_args(tp)
    if "T" in value or " " in value.strip():
        if dt.datetime not in allowed:
            raise ValueError(f"expected a date, got a date-time {value!r}")
        return dt.datetime.fromisoformat(value)
    if dt.date not in allowed:
        return dt.datetime.fromisoformat(value)
    return dt.date.fromisoformat(value)


def _structure_exact(text: Any, tp: Any) -> Fraction | int | None:
    if text is None:
        if type(None) in union_args(tp):
            return None
        raise ValueError("an exact number is required")
    value = Fraction(str(text))
    if int in union_args(tp) and value.denominator == 1:
        return int(value)
    return value


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())  # datetimes too (a subclass)
    converter.register_unstructure_hook(Decimal, money_text)
    converter.register_unstructure_hook(Fraction, exact_text)
    converter.register_structure_hook(Decimal, lambda v, _: Decimal(str(v)))
    converter.register_structure_hook(Fraction, lambda v, _: Fraction(str(v)))
    converter.register_structure_hook(dt.date, lambda v, _: dt.date.fromisoformat(v))
    converter.register_structure_hook(dt.datetime, lambda v, _: dt.datetime.fromisoformat(v))
    converter.register_structure_hook_func(_is_when, _structure_when)

    from swp_rules.model import Event

    converter.register_unstructure_hook(Event, lambda e: e.to_dict())
    converter.register_structure_hook(Event, lambda v, _: Event.from_dict(v))

    def unstructure_factory(cls: type) -> Callable[[Any], dict[str, Any]]:
        plan = keys_of(cls)
        extras = EXTRAS.get(qualified(cls), {})
        if not any(k.exact for k in plan) and not extras:
            renamed = {k.name: override(rename=k.key) for k in plan if k.key != k.name}
            return make_dict_unstructure_fn(cls, converter, **renamed)  # type: ignore[arg-type]
        hooks = [(k, None if k.exact else converter.get_unstructure_hook(k.type)) for k in plan]

        def unstructure(obj: Any) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for k, hook in hooks:
                value = getattr(obj, k.name)
                if k.exact:
                    out[k.key] = None if value is None else decimal_number(value)
                    out[k.key + EXACT] = None if value is None else exact_text(value)
                else:
                    out[k.key] = hook(value)  # type: ignore[misc]
            for key, (derive, _) in extras.items():
                out[key] = derive(obj)
            return out

        return unstructure

    def structure_factory(cls: type) -> Callable[[Mapping[str, Any], Any], Any]:
        plan = keys_of(cls)
        if not any(k.exact for k in plan):
            renamed = {k.name: override(rename=k.key) for k in plan if k.key != k.name}
            return make_dict_structure_fn(cls, converter, **renamed)  # type: ignore[arg-type]
        hooks = [(k, None if k.exact else converter.get_structure_hook(k.type)) for k in plan]

        def structure(data: Mapping[str, Any], _: Any) -> Any:
            values: dict[str, Any] = {}
            for k, hook in hooks:
                if k.exact:
                    key = k.key + EXACT
                    if key in data:
                        values[k.name] = _structure_exact(data[key], k.type)
                    elif k.default is attrs.NOTHING:
                        raise KeyError(key)
                elif k.key in data:
                    values[k.name] = hook(data[k.key], k.type)  # type: ignore[misc]
                elif k.default is attrs.NOTHING:
                    raise KeyError(k.key)
            return cls(**values)

        return structure

    converter.register_unstructure_hook_factory(attrs.has, unstructure_factory)
    converter.register_structure_hook_factory(attrs.has, structure_factory)
    return converter


@functools.cache
def converter() -> cattrs.Converter:
    """The one results converter (made on first use)."""
    return _make_converter()


def unstructure(result: Any) -> Any:
    """A result (or a list or tuple of results) as JSON-ready plain data."""
    return converter().unstructure(result)


def structure(data: Any, cls: type[T]) -> T:
    """Plain data (as ``unstructure`` wrote it) read back as ``cls``. Raises ``cattrs`` errors for data that does not
    fit (``cattrs.ClassValidationError`` lists each key's problem)."""
    return converter().structure(data, cls)
