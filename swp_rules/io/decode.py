"""One typed decoding pass for a JSON Lines event: parse and validate in C (msgspec), build the ``Event``.

Each event type of ``swp_rules.model.EVENT_TYPES`` becomes a msgspec ``Struct`` (a tagged union on ``type``) whose
field types carry the checks of ``Event.from_dict``: code lists and choices as literals, booleans, the score's
bounds, non-empty strings (blank ones are refused in Python, ``str.isspace``). A line that decodes is a valid event;
a line that does not (bad JSON, an invalid value, an extra field, a null, a number written as ``40.0``) goes to
``Event.from_dict``, the reference validator, which accepts it or says exactly why not. So the fast path never
changes what is accepted, only how quickly; a property test holds the two to the same answers.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Annotated, Any, Final, Literal, Union

import msgspec

from swp_rules import codes
from swp_rules.model import EVENT_TYPES, Event, FieldSpec, date_cache, parse_date, parse_value, parse_when

#: Text of at least one character. That it is not all blank (``str.isspace``: the whitespace ``str.strip`` removes)
#: is checked in Python (``_intern_short``; the id and child in ``decode_event``): a ``pattern`` would call a regular
#: expression from C for every string, half the time of the whole decoding.
_NOT_EMPTY: Final = msgspec.Meta(min_length=1)
_TEXT: Final = Annotated[str, _NOT_EMPTY]


def _literal(values: tuple[Any, ...]) -> Any:
    return Literal[values]


def _field_type(spec: FieldSpec) -> Any:
    """The msgspec type that accepts exactly the JSON values ``Event.from_dict`` accepts without converting them
    (anything else goes to ``from_dict``)."""
    if spec.kind == "str":
        return _TEXT
    if spec.kind == "bool":
        return bool
    if spec.kind == "date":
        return str
    if spec.kind == "decimal":  # any JSON value, numbers as exact Decimals: the model's own parser judges it
        return Any
    if spec.kind == "int":
        if spec.choices:
            return _literal(spec.choices)
        return Annotated[int, msgspec.Meta(ge=spec.minimum, le=spec.maximum)]
    if spec.kind == "code":
        assert spec.code_list is not None
        allowed: tuple[Any, ...] = tuple(sorted(codes.CODE_LISTS[spec.code_list]))
        if spec.code_list == "SEX":
            allowed += tuple(int(c) for c in allowed if c.isdigit())
        return _literal(allowed)
    return _literal(spec.choices)


def _intern_short(value: str) -> str:
    """Text shared when short; blank text is refused (``from_dict`` says why)."""
    if value.isspace():
        raise ValueError("blank")
    return sys.intern(value) if len(value) <= 32 else value


def _code(value: Any) -> str:
    return sys.intern(str(value))


def _converter(name: str, spec: FieldSpec) -> Callable[[Any], Any] | None:
    """What ``from_dict`` does to a value the struct accepted (dates parsed, amounts bounded, strings shared)."""
    if spec.kind == "str":
        return _intern_short
    if spec.kind == "date":
        return parse_date
    if spec.kind == "decimal":
        return lambda value: parse_value(name, spec, value, False)
    if spec.kind == "code":
        return _code
    return None


def _struct(type_name: str, spec: Mapping[str, FieldSpec]) -> type[msgspec.Struct]:
    fields: list[Any] = [("id", _TEXT), ("child", _TEXT), ("date", str)]
    for name, field_spec in spec.items():
        kind = _field_type(field_spec)
        fields.append((name, kind) if field_spec.required else (name, Union[kind, None], None))  # noqa: UP007
    return msgspec.defstruct(f"_{type_name}", fields, tag_field="type", tag=type_name, forbid_unknown_fields=True,
                             kw_only=True, gc=False)


def _cacheable(plan: tuple[tuple[str, Callable[[Any], Any] | None], ...]) -> bool:
    """Whether a type's fields follow from its raw values alone, so that equal raw values give equal fields (not
    so for amounts: any JSON value, judged by the model, and ``1 == True`` as a key)."""
    return all(convert in (None, _intern_short, _code, parse_date) for _, convert in plan)


#: For each struct: the event type, the (field name, converter) of its own fields, and whether its fields may be
#: looked up by their raw values (``_BY_VALUES``).
_PLANS: Final[dict[type[msgspec.Struct],
                   tuple[str, tuple[tuple[str, Callable[[Any], Any] | None], ...], bool]]] = {}
for _type_name, _spec in EVENT_TYPES.items():
    _plan = tuple((sys.intern(n), _converter(n, s)) for n, s in _spec.items())
    _PLANS[_struct(_type_name, _spec)] = (sys.intern(_type_name), _plan, _cacheable(_plan))

_DECODER: Final = msgspec.json.Decoder(Union[tuple(_PLANS)], float_hook=Decimal)  # noqa: UP007
_DECODE: Final = _DECODER.decode
_ASTUPLE: Final = msgspec.structs.astuple
_INTERN: Final = sys.intern
_DATES: Final = date_cache
_BUILD: Final = Event._checked
_NO_FIELDS: Final[dict[str, Any]] = {}

#: Shared field mappings by struct and raw values (as decoded, before conversion): an event whose fields were
#: seen before takes the shared mapping without converting them again. Bounded as ``_SHARED`` is.
_BY_VALUES: Final[dict[tuple[Any, ...], MappingProxyType[str, Any]]] = {}


def decode_event(line: bytes) -> Event | None:
    """The event on a JSON line, or ``None`` when the line needs ``Event.from_dict`` (to be read or rejected)."""
    try:
        record = _DECODE(line)
    except (msgspec.DecodeError, RecursionError):
        return None
    kind = record.__class__
    type_name, plan, cacheable = _PLANS[kind]
    values = _ASTUPLE(record)  # id, child, date, then the type's own fields in ``plan`` order
    if values[0].isspace() or values[1].isspace():  # a blank id or child: from_dict says why
        return None
    day = _DATES.get(values[2])  # most dates repeat: parsed once (a date-time is parsed each time)
    time = None
    if day is None:
        try:
            day, time = parse_when(values[2])
        except ValueError:  # the model refuses it: from_dict says why
            return None
    if not plan:
        return _BUILD(values[0], _INTERN(values[1]), type_name, day, time, _NO_FIELDS)
    own = values[3:]
    if cacheable:  # text, codes, whole numbers and booleans only: hashable
        found = _BY_VALUES.get((kind, own))
        if found is not None:
            return _BUILD(values[0], _INTERN(values[1]), type_name, day, time, found)
    fields: dict[str, Any] = {}
    try:
        for (name, convert), value in zip(plan, own, strict=True):
            if value is not None:
                fields[name] = value if convert is None else convert(value)
    except ValueError:  # a date or amount the model refuses: from_dict says why
        return None
    if not fields:
        return _BUILD(values[0], _INTERN(values[1]), type_name, day, time, _NO_FIELDS)
    shared = _shared_fields(type_name, fields)
    if cacheable and shared.__class__ is MappingProxyType and len(_BY_VALUES) < _SHARED_MOST:
        _BY_VALUES[kind, own] = shared
    return _BUILD(values[0], _INTERN(values[1]), type_name, day, time, shared)


#: Read-only field mappings already made, by event type and content: most events' fields repeat (a visit by the
#: same worker, seen alone; a review's participation code), so events with equal fields share one mapping, a
#: fraction of the memory of one each. At most ``_SHARED_MOST`` are remembered (unique ones, a carer's id or a
#: cost, are not worth keeping); past that, only those already kept are shared.
_SHARED: Final[dict[tuple[Any, ...], MappingProxyType[str, Any]]] = {}
_SHARED_MOST: Final = 1 << 16


def _shared_fields(type_name: str, fields: dict[str, Any]) -> MappingProxyType[str, Any] | dict[str, Any]:
    for value in fields.values():
        if value.__class__ is Decimal:  # equal amounts may be written differently (1.5, 1.50): never shared
            return fields
    key = (type_name, *fields.items())
    try:
        found = _SHARED.get(key)
    except TypeError:  # a value that cannot be hashed (a list, kept as given): not shared
        return fields
    if found is None:
        if len(_SHARED) >= _SHARED_MOST:
            return fields
        found = _SHARED[key] = MappingProxyType(fields)
        _ITEMS_HASHES[id(found)] = _items_hash(found)
    return found


#: The hash of each shared mapping's sorted items, by the mapping's ``id`` (shared mappings live as long as the
#: process, so no other object can have their ``id``).
_ITEMS_HASHES: Final[dict[int, int]] = {}
_NO_ITEMS: Final = hash(())


def _items_hash(fields: Mapping[str, Any]) -> int:
    try:
        return hash(tuple(sorted(fields.items())))
    except TypeError:  # extra fields holding lists or objects
        return hash(_frozen(dict(fields)))


def fields_hash(fields: Mapping[str, Any]) -> int:
    """A hash of an event's fields, whatever their order: equal fields, equal hashes (for telling a duplicate from
    an id reused with other content); remembered for the mappings events share."""
    if not fields:
        return _NO_ITEMS
    found = _ITEMS_HASHES.get(id(fields))
    return _items_hash(fields) if found is None else found


def _frozen(value: Any) -> Any:
    """A hashable copy of a JSON value (lists as tuples, objects as sorted pairs)."""
    if isinstance(value, dict):
        return ("{}", tuple(sorted((k, _frozen(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("[]", tuple(_frozen(v) for v in value))
    return value
