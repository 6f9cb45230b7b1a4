"""Case events (SPEC.md §1): the immutable ``Event``, the event types and their fields, and their (un)structuring.

An event is validated once, on the way in: ``Event.from_dict`` turns a plain mapping (from JSON Lines, CSV or the
SSDA903 importer) into an ``Event`` or raises ``RecordError`` naming the field and the reason. The error never
quotes the child's identifier.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final, Literal

import attrs

from swp_rules import codes
from swp_rules.calendar import FIRST_YEAR, LAST_YEAR
from swp_rules.rulesets.suggest import closest, did_you_mean

FieldKind = Literal["str", "bool", "date", "decimal", "int", "code", "enum"]

#: The largest amount of money a field may hold, in pounds (far above any placement's weekly cost): a larger one is
#: a typing error, rejected with the record.
MAX_AMOUNT: Final = 1_000_000
#: How deeply an extra field's value (lists and objects) may nest.
MAX_DEPTH: Final = 32
#: The longest text a number is read from (a longer one is rejected unread, so reading takes bounded time).
MAX_NUMBER_TEXT: Final = 40
#: Whole numbers beyond this size are refused without being converted or printed.
_MAX_WHOLE: Final = 10**18

#: Values an event field may hold once parsed.
FieldValue = str | bool | int | Decimal | dt.date | Any


class RecordError(ValueError):
    """A record that cannot become an event: ``field`` (or ``None`` for the record as a whole) and ``reason``."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


@attrs.frozen(slots=True)
class FieldSpec:
    """One field of an event type: its kind, whether it is required, and its allowed values."""

    kind: FieldKind
    required: bool = False
    code_list: str | None = None
    choices: tuple[Any, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    description: str = ""
    #: For a ``decimal`` field: the most decimal places a value may have (2 for pounds and pence).
    places: int | None = None


def _req(kind: FieldKind, **kw: Any) -> FieldSpec:
    return FieldSpec(kind, True, **kw)


def _opt(kind: FieldKind, **kw: Any) -> FieldSpec:
    return FieldSpec(kind, False, **kw)


_MISSING_KIND = _opt("enum", choices=("missing", "away"), description="missing, or away without authorisation")
_PLAN_KIND = _opt("enum", choices=("initial", "review"))

#: Event types and their own fields (SPEC.md §1). Codes are the SSDA903 code lists of ``swp_rules.codes``.
EVENT_TYPES: Final[Mapping[str, Mapping[str, FieldSpec]]] = MappingProxyType(
    {
        "child": {"dob": _req("date"), "sex": _opt("code", code_list="SEX"), "uasc": _opt("bool")},
        "looked_after_started": {
            "legal_status": _req("code", code_list="LS"),
            "cin": _opt("code", code_list="CIN"),
        },
        "legal_status_changed": {"legal_status": _req("code", code_list="LS")},
        "looked_after_ended": {"reason": _req("code", code_list="REC")},
        "placement_started": {
            "placement": _req("code", code_list="PL"),
            "carer": _opt("str"),
            "long_term": _opt("bool", description="intended to last until the child is 18"),
            "emergency": _opt("bool"),
            "weekly_cost": _opt("decimal", minimum=0, maximum=MAX_AMOUNT, places=2,
                                description="weekly cost in GBP, pounds and pence"),
            "temporary_approval": _opt(
                "bool", description="a connected person approved temporarily (SI 2010/959 reg 24)"
            ),
            "before_assessment": _opt(
                "bool", description="placed with a parent before the assessment is complete (SI 2010/959 reg 19)"
            ),
        },
        "placement_ended": {"reason": _opt("str")},
        "care_plan": {},
        "placement_plan": {},
        "placement_notified": {},
        "visit": {"worker": _opt("str"), "seen_alone": _opt("bool")},
        "visit_requested": {},
        "review": {"participation": _opt("code", code_list="PN"), "chair": _opt("str")},
        "iro_appointed": {"iro": _req("str")},
        "health_assessment": {"kind": _req("enum", choices=("initial", "review"))},
        "dental_check": {},
        "immunisations": {"up_to_date": _req("bool")},
        "sdq": {"score": _opt("int", minimum=0, maximum=40), "reason": _opt("code", code_list="SDQ")},
        "pep": {"kind": _PLAN_KIND},
        "needs_assessment": {},
        "pathway_plan": {},
        "personal_adviser_appointed": {"adviser": _req("str")},
        "personal_adviser_visit": {},
        "accommodation_provided": {
            "section": _req(
                "enum",
                choices=("23B", "24B"),
                description="the Children Act 1989 section under which the responsible authority provides it",
            )
        },
        "accommodation_provided_ended": {},
        "worker_allocated": {"worker": _req("str")},
        "missing_started": {"kind": _MISSING_KIND},
        "missing_ended": {"kind": _MISSING_KIND},
        "return_interview": {},
        "access_requested": {},
        "access_responded": {"request": _req("str", description="id of the access_requested event")},
        "conviction": {},
        "substance_misuse": {},
        "attainment": {"key_stage": _req("int", choices=(2, 4)), "result": _req("str")},
        "activity_status": {"activity": _req("code", code_list="ACTIV")},
        "accommodation_status": {"accommodation": _req("code", code_list="ACCOM")},
        "in_touch": {"status": _req("code", code_list="IN_TOUCH")},
        "practice_assigned": {"practice": _req("str")},
        "practice_released": {"practice": _req("str")},
    }
)
_TYPE_NAMES: Final[Mapping[str, str]] = {name: name for name in EVENT_TYPES}

#: The fields every event has.
COMMON_FIELDS: Final = ("id", "child", "type", "date")

_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")
_TRUE: Final = frozenset({"true", "yes", "y", "1"})
_FALSE: Final = frozenset({"false", "no", "n", "0"})

#: ``YYYY-MM-DD`` texts already parsed by ``parse_date`` (valid dates only), shared with the typed decoder.
date_cache: dict[str, dt.date] = {}
_date_cache: Final = date_cache


def _check_year(text: str) -> None:
    year = int(text[:4])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"the year {text[:4]} is outside the years a record may hold ({FIRST_YEAR}–{LAST_YEAR}); "
                         "is it mistyped?")


def check_year(day: dt.date) -> None:
    """Raise ``ValueError``, with the reason ``parse_date`` gives, when ``day`` is outside the years a record may
    hold (for dates parsed from another notation, such as the SSDA903 return's ``DD/MM/YYYY``)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        _check_year(day.isoformat())


def parse_date(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` date; raises ``ValueError`` with a reason an operator can act on."""
    cached = _date_cache.get(text)
    if cached is not None:
        return cached
    if not _DATE_RE.fullmatch(text):
        raise ValueError(f"expected a date YYYY-MM-DD, got {text[:40]!r}")
    _check_year(text)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"impossible date {text!r}") from None
    if len(_date_cache) < 200_000:
        _date_cache[text] = day
    return day


def parse_when(text: str) -> tuple[dt.date, dt.datetime | None]:
    """An event's ``date``: a date, or an ISO 8601 date-time (naive means Europe/London).

    Returns the Europe/London calendar date and, for a date-time, the aware instant in Europe/London.
    """
    if len(text) == 10:
        return parse_date(text), None
    if not _DATETIME_RE.fullmatch(text):
        raise ValueError(f"expected a date YYYY-MM-DD or an ISO 8601 date-time, got {text[:40]!r}")
    _check_year(text)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        if "offset" in str(exc) or "utcoffset" in str(exc):
            raise ValueError(f"bad UTC offset in {text!r}") from None
        raise ValueError(f"impossible date-time {text!r}") from None
    import pendulum  # imported for the first date-time read (most records hold dates only)

    if parsed.tzinfo is None:
        instant = pendulum.instance(parsed, tz="Europe/London")
    else:
        instant = pendulum.instance(parsed).in_timezone("Europe/London")
    return dt.date(instant.year, instant.month, instant.day), instant


def parse_value(name: str, spec: FieldSpec, value: Any, from_text: bool) -> Any:
    """Check and normalise one field value. ``from_text`` means the value came from CSV (always a string)."""
    kind = spec.kind
    if kind == "str":
        if isinstance(value, str):
            if not value.strip():
                raise RecordError(name, "must not be empty")
            return sys.intern(value) if len(value) <= 32 else value
        raise RecordError(name, f"must be a string, not {_json_type(value)}")
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if from_text and isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
        raise RecordError(name, f"must be true or false, not {_describe(value)}")
    if kind == "date":
        if not isinstance(value, str):
            raise RecordError(name, f"must be a date string YYYY-MM-DD, not {_json_type(value)}")
        try:
            return parse_date(value)
        except ValueError as exc:
            raise RecordError(name, str(exc)) from None
    if kind == "decimal":
        if isinstance(value, float):  # a Python caller's float: take the digits it prints, never its binary value
            value = repr(value)
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise RecordError(name, f"must be a decimal amount, not {_json_type(value)}")
        if isinstance(value, str):
            text = value.strip()
            if len(text) > MAX_NUMBER_TEXT or not _DECIMAL_TEXT.fullmatch(text):
                raise RecordError(name, f"must be a decimal amount such as 512.25, not {_describe(value)}")
            value = Decimal(text)
        elif isinstance(value, int):
            if abs(value) > _MAX_WHOLE:
                raise _out_of_range(name, spec, None)
            value = Decimal(value)
        return check_amount(name, spec, value)
    if kind == "int":
        return _whole_number(name, spec, value, from_text)
    if kind == "code":
        assert spec.code_list is not None
        if isinstance(value, int) and not isinstance(value, bool) and spec.code_list == "SEX":
            value = str(value)
        if not isinstance(value, str):
            raise RecordError(name, f"must be a {spec.code_list} code, not {_json_type(value)}")
        code = value.strip()
        if code not in codes.CODE_LISTS[spec.code_list]:
            if spec.code_list == "REC" and code == "X1":
                raise RecordError(name, "X1 does not end a period of care; record the new placement or status")
            raise RecordError(name, f"{code[:20]!r} is not in the SSDA903 {spec.code_list} code list")
        return sys.intern(code)
    if kind == "enum":
        if value not in spec.choices:
            allowed = ", ".join(map(str, spec.choices))
            raise RecordError(name, f"must be one of {allowed}, not {_describe(value)}")
        return value
    raise AssertionError(kind)  # pragma: no cover


_DECIMAL_TEXT: Final = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_WHOLE_TEXT: Final = re.compile(r"\s*[+-]?\d{1,18}\s*")
_CENT_PLACES: Final = {places: Decimal(1).scaleb(-places) for places in range(7)}


def _out_of_range(name: str, spec: FieldSpec, shown: Any) -> RecordError:
    got = f", got {shown}" if shown is not None else ""
    if spec.minimum is not None and spec.maximum is not None:
        return RecordError(name, f"must be between {spec.minimum} and {spec.maximum}{got}")
    if spec.maximum is not None:
        return RecordError(name, f"must be at most {spec.maximum}{got}")
    return RecordError(name, f"must be at least {spec.minimum}{got}")


def check_amount(name: str, spec: FieldSpec, amount: Decimal) -> Decimal:
    """An amount within the field's bounds (finite, between its minimum and maximum, at most ``places`` decimal
    places), in bounded time whatever its exponent; ``RecordError`` otherwise."""
    if not amount.is_finite():
        raise RecordError(name, "must be a finite amount")
    shown = amount if len(str(amount)) <= MAX_NUMBER_TEXT else None
    if amount.adjusted() > 18 or (spec.maximum is not None and amount > spec.maximum):
        raise _out_of_range(name, spec, shown)
    if spec.minimum is not None and amount < spec.minimum:
        raise _out_of_range(name, spec, shown)
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    if spec.places is not None and exponent < -spec.places:
        if amount != amount.quantize(_CENT_PLACES[spec.places]):
            raise RecordError(name, f"must have at most {spec.places} decimal places")
        amount = amount.quantize(_CENT_PLACES[spec.places])
    if exponent > 0:
        amount = amount.quantize(_CENT_PLACES[0])  # 5.1E+2 is written 510
    return amount


def _whole_number(name: str, spec: FieldSpec, value: Any, from_text: bool) -> int:
    """A whole number within the field's choices or bounds; never converts or prints a huge one."""
    number: int
    if isinstance(value, bool):
        raise RecordError(name, "must be a whole number, not a boolean")
    if isinstance(value, int):
        number = value
    elif isinstance(value, Decimal) and value.is_finite():
        if value.adjusted() > 18:
            raise _out_of_range(name, spec, None) if spec.choices == () else _not_a_choice(name, spec, None)
        if value != value.to_integral_value():
            raise RecordError(name, f"must be a whole number, not {_describe(value)}")
        number = int(value)
    elif from_text and isinstance(value, str) and _WHOLE_TEXT.fullmatch(value):
        number = int(value)
    else:
        raise RecordError(name, f"must be a whole number, not {_describe(value)}")
    shown = number if abs(number) <= _MAX_WHOLE else None
    if spec.choices and number not in spec.choices:
        raise _not_a_choice(name, spec, shown)
    if (spec.minimum is not None and number < spec.minimum) or (spec.maximum is not None and number > spec.maximum):
        raise _out_of_range(name, spec, shown)
    return number


def _not_a_choice(name: str, spec: FieldSpec, shown: Any) -> RecordError:
    got = f", got {shown}" if shown is not None else ""
    return RecordError(name, f"must be one of {', '.join(map(str, spec.choices))}{got}")


#: JSON's names of the types a field may hold, ``bool`` before ``int`` (a boolean is an int in Python).
_JSON_TYPES: Final[tuple[tuple[type | tuple[type, ...], str], ...]] = (
    (type(None), "null"), (bool, "a boolean"), ((int, Decimal, float), "a number"), (str, "a string"),
    (list, "an array"), (dict, "an object"),
)


def _json_type(value: Any) -> str:
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), f"a Python {type(value).__name__}")


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value[:40])
    if isinstance(value, Decimal) and len(str(value)) <= MAX_NUMBER_TEXT:
        return str(value)
    return _json_type(value)


_NO_FIELDS: Final[Mapping[str, Any]] = MappingProxyType({})


def _freeze_fields(value: Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(value, MappingProxyType):
        return value
    if not value:
        return _NO_FIELDS
    return MappingProxyType(dict(value))


def _check_fields(instance: Event, attribute: attrs.Attribute[Any], value: Mapping[str, Any]) -> None:
    spec = EVENT_TYPES[instance.type]
    for name, field_spec in spec.items():
        if field_spec.required and name not in value:
            raise RecordError(name, f"is required for a {instance.type} event")


def _check_type(instance: Event, attribute: attrs.Attribute[Any], value: str) -> None:
    if value not in EVENT_TYPES:
        raise RecordError("type", f"unknown event type {value[:40]!r}{did_you_mean(value[:40], EVENT_TYPES)}")


def _check_date(instance: Event, attribute: attrs.Attribute[Any], value: dt.date) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise RecordError("date", f"the year {value.year:04d} is outside the years a record may hold "
                                  f"({FIRST_YEAR}–{LAST_YEAR})")


_JSON_SCALARS: Final = (str, bool, type(None))


def _extra_value(name: Any, value: Any) -> Any:
    """An extra field's value, checked to be JSON (text, numbers, true/false, null, lists, objects with text keys)
    nested at most ``MAX_DEPTH`` deep. A Python caller's float becomes the ``Decimal`` it prints and a whole number
    too large to print as JSON becomes a ``Decimal``; anything else (a set, bytes, a date) rejects the record."""
    if not isinstance(name, str):
        raise RecordError(None, f"a field name must be a string, not {_json_type(name)}")
    if isinstance(value, _JSON_SCALARS):
        return value
    return _json_value(name, value, 1)


def _json_value(name: str, value: Any, depth: int) -> Any:
    if isinstance(value, _JSON_SCALARS):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _MAX_WHOLE else Decimal(value)
    if isinstance(value, float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if not number.is_finite():
            raise RecordError(name, "must be a finite number")
        return number
    if isinstance(value, list | tuple | dict):
        if depth > MAX_DEPTH:
            raise RecordError(name, f"is nested more than {MAX_DEPTH} deep")
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise RecordError(name, "an object's keys must be strings")
            return {k: _json_value(name, v, depth + 1) for k, v in value.items()}
        return [_json_value(name, v, depth + 1) for v in value]
    raise RecordError(name, "must be a JSON value (text, a number, true or false, null, a list or an object), "
                            f"not {_json_type(value)}")


def _non_empty(instance: Event, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise RecordError(attribute.name, "must be a non-empty string")


@attrs.frozen(slots=True, repr=False)
class Event:
    """One case event (SPEC.md §1), immutable and valid by construction.

    ``date`` is the Europe/London calendar date; ``time`` is the aware instant when the record gave a time of day.
    ``fields`` holds the type's own fields (and, from CSV or JSON, any extra fields, kept as given).
    """

    id: str = attrs.field(validator=_non_empty)
    child: str = attrs.field(validator=_non_empty)
    type: str = attrs.field(validator=_check_type)
    date: dt.date = attrs.field(validator=[attrs.validators.instance_of(dt.date), _check_date])
    time: dt.datetime | None = attrs.field(default=None, eq=False)
    fields: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_freeze_fields, validator=_check_fields
    )

    def __repr__(self) -> str:  # never print the child's identifier by accident
        return f"Event(id={self.id!r}, type={self.type!r}, date={self.date.isoformat()})"

    def get(self, name: str, default: Any = None) -> Any:
        """A field's value, or ``default``."""
        return self.fields.get(name, default)

    @property
    def when(self) -> str:
        """The ``date`` as written back out: the date-time when one was given, else the date."""
        return self.time.isoformat() if self.time is not None else self.date.isoformat()

    @classmethod
    def from_dict(cls, record: Mapping[str, Any], *, from_text: bool = False) -> Event:
        """Validate a plain mapping and build the event; ``RecordError`` names the field and the reason.

        ``from_text`` is for CSV, where every value is a string: booleans and numbers are read from text, and an
        empty cell means the field is absent.
        """
        if not isinstance(record, Mapping):
            raise RecordError(None, f"a record must be a JSON object, not {_json_type(record)}")
        if from_text:
            record = {k: v for k, v in record.items() if v is not None and v != ""}
        for name in ("id", "child"):
            value = record.get(name)
            if value is None:
                raise RecordError(name, "is missing")
            if not isinstance(value, str):
                raise RecordError(name, f"must be a string, not {_json_type(value)}")
            if not value.strip():
                raise RecordError(name, "must not be empty")
        type_ = record.get("type")
        if type_ is None:
            raise RecordError("type", "is missing")
        if not isinstance(type_, str):
            raise RecordError("type", f"must be a string, not {_json_type(type_)}")
        spec = EVENT_TYPES.get(type_)
        if spec is None:
            raise RecordError("type", f"unknown event type {type_[:40]!r}{did_you_mean(type_[:40], EVENT_TYPES)}")
        when = record.get("date")
        if when is None:
            raise RecordError("date", "is missing")
        if not isinstance(when, str):
            raise RecordError("date", f"must be a date string, not {_json_type(when)}")
        try:
            day, time = parse_when(when)
        except ValueError as exc:
            raise RecordError("date", str(exc)) from None
        fields: dict[str, Any] = {}
        for name, value in record.items():
            if name in COMMON_FIELDS:
                continue
            field_spec = spec.get(name)
            if field_spec is None:
                fields[name] = _extra_value(name, value)  # extra field: kept as given, not interpreted
                continue
            if value is None:
                if field_spec.required:
                    raise RecordError(name, f"is required for a {type_} event")
                continue
            fields[sys.intern(name)] = parse_value(name, field_spec, value, from_text)
        for name, field_spec in spec.items():
            if field_spec.required and name not in fields:
                extra = [str(k) for k in record if k not in COMMON_FIELDS and k not in spec]  # a misspelt field?
                near = closest(name, extra)
                hint = f" (the record has {near[0]!r}: is it {name!r} misspelt?)" if near else ""
                raise RecordError(name, f"is required for a {type_} event{hint}")
        # Identifiers, type names and short codes repeat across millions of events: share one copy of each.
        return cls._checked(record["id"], sys.intern(record["child"]), _TYPE_NAMES[type_], day, time, fields)

    @classmethod
    def _checked(cls, id: str, child: str, type: str, date: dt.date, time: dt.datetime | None,
                 fields: dict[str, Any] | MappingProxyType[str, Any]) -> Event:
        """Build an event whose every value has just been checked, without checking them twice (``fields`` is a
        new dict, owned by the event from now on, or a read-only view that events with the same fields share)."""
        event: Event = _NEW(cls)
        _SET_ID(event, id)
        _SET_CHILD(event, child)
        _SET_TYPE(event, type)
        _SET_DATE(event, date)
        _SET_TIME(event, time)
        frozen: Mapping[str, Any] = fields
        if fields.__class__ is not MappingProxyType:  # (``type`` is the event type here)
            frozen = MappingProxyType(fields) if fields else _NO_FIELDS
        _SET_FIELDS(event, frozen)
        return event

    def to_dict(self) -> dict[str, Any]:
        """The event as a plain JSON-ready mapping (dates as ISO text, amounts as decimal strings)."""
        out: dict[str, Any] = {"id": self.id, "child": self.child, "type": self.type, "date": self.when}
        for name, value in self.fields.items():
            out[name] = _plain(value)
        return out


def group_by_child(events: Iterable[Event], *, until: dt.date | None = None) -> dict[str, list[Event]]:
    """Events by child, each child's in the order given; with ``until``, events dated after it are left out (a
    stream then keeps only what a reporting period or an ``as_of`` date needs)."""
    by_child: dict[str, list[Event]] = {}
    for event in events:
        if until is None or event.date <= until:
            by_child.setdefault(event.child, []).append(event)
    return by_child


# The slots of the frozen ``Event``, set directly by ``Event._checked``.
_NEW: Final = object.__new__
_SET_ID, _SET_CHILD, _SET_TYPE, _SET_DATE, _SET_TIME, _SET_FIELDS = (
    Event.__dict__[name].__set__ for name in ("id", "child", "type", "date", "time", "fields"))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
