"""JSON Schemas of the result documents, generated from the result classes by the converter's own rules.

``document_schema(CheckDocument)`` describes exactly what ``swp_rules.report.convert.unstructure`` writes for it:
every attrs class a ``$defs`` entry, every key required, no other key allowed; dates as ISO text, money as a
decimal string with two or more places, each exact fraction as a decimal number ``KEY`` beside its ``KEY_exact``
``p/q`` text. The shipped files (``swp_rules/schema/*-result.schema.json``) are regenerated with
``python -m swp_rules.schema``.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections import abc
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs

from swp_rules.report.convert import EXACT, EXTRAS, keys_of, qualified, union_args

DATE: Final = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
DATE_TIME: Final = {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d{2}-\d{2}T"}
MONEY: Final = {"type": "string", "pattern": r"^-?\d+\.\d{2,}$", "description": "pounds, exact, two or more places"}
EXACT_TEXT: Final = {"type": "string", "pattern": r"^-?\d+(/\d+)?$", "description": "the exact value, p/q"}
DECIMAL: Final = {"type": "number", "description": "the decimal reading, rounded to six places"}


class _Schemas:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def of(self, tp: Any) -> dict[str, Any]:
        members = union_args(tp)
        if len(members) > 1:
            options = [self.of(m) for m in members]
            return {"anyOf": options}
        origin = typing.get_origin(tp)
        if tp is type(None):
            return {"type": "null"}
        if tp is Any:
            return {}
        if tp is str:
            return {"type": "string"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is dt.datetime:
            return dict(DATE_TIME)
        if tp is dt.date:
            return dict(DATE)
        if tp is Decimal:
            return dict(MONEY)
        if tp is Fraction:
            return dict(EXACT_TEXT)
        if origin is typing.Literal:
            return {"enum": list(typing.get_args(tp))}
        if origin in (tuple, list):
            args = typing.get_args(tp)
            return {"type": "array", "items": self.of(args[0])}
        if origin in (dict, abc.Mapping) or tp is dict:
            return {"type": "object"}
        from swp_rules.model import Event

        if tp is Event:
            if "Event" not in self.defs:
                self.defs["Event"] = _event_schema()
            return {"$ref": "#/$defs/Event"}
        if attrs.has(tp):
            name = tp.__name__
            if name not in self.defs:
                self.defs[name] = {}  # recursion guard
                self.defs[name] = self.object(tp)
            return {"$ref": f"#/$defs/{name}"}
        raise TypeError(f"no JSON Schema for {tp!r}")

    def object(self, cls: type) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for key in keys_of(cls):
            if key.exact:
                nullable = type(None) in union_args(key.type)
                decimal: dict[str, Any] = dict(DECIMAL)
                exact: dict[str, Any] = dict(EXACT_TEXT)
                if nullable:
                    decimal["type"] = ["number", "null"]
                    exact["type"] = ["string", "null"]
                properties[key.key] = decimal
                properties[key.key + EXACT] = exact
            else:
                properties[key.key] = self.of(key.type)
        for name, (_, schema) in EXTRAS.get(qualified(cls), {}).items():
            properties[name] = schema
        described: dict[str, Any] = {"type": "object"}
        doc = (cls.__doc__ or "").strip().split("\n\n")[0]
        if doc:
            described["description"] = " ".join(doc.split())
        described.update({"properties": properties, "required": list(properties), "additionalProperties": False})
        return described


def _event_schema() -> dict[str, Any]:
    from swp_rules.schema.events import event_json_schema

    schema = dict(event_json_schema())
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    return schema


def document_schema(cls: type, title: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a result document class."""
    schemas = _Schemas()
    top = schemas.object(cls)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://swp-rules.invalid/schema/{title}-result-v1.json",
        "title": f"swp-rules {title} --format json",
        **top,
        "$defs": dict(sorted(schemas.defs.items())),
    }


def line_schema(kinds: dict[str, type]) -> dict[str, Any]:
    """The JSON Schema of one ``--format jsonl`` line: an object with a ``kind`` and that kind's result keys."""
    schemas = _Schemas()
    options = []
    for kind, cls in kinds.items():
        body = schemas.object(cls)
        body["properties"] = {"kind": {"const": kind}, **body["properties"]}
        body["required"] = ["kind", *body["required"]]
        options.append(body)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://swp-rules.invalid/schema/result-line-v1.json",
        "title": "swp-rules --format jsonl: one result a line",
        "oneOf": options,
        "$defs": dict(sorted(schemas.defs.items())),
    }
