"""The case-event JSON Schema (draft 2020-12, SPEC.md §1), generated from ``swp_rules.model.EVENT_TYPES``."""

from __future__ import annotations

from typing import Any

from swp_rules import codes
from swp_rules.model import COMMON_FIELDS, EVENT_TYPES, FieldSpec


def event_json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for one case event, generated from ``EVENT_TYPES``."""
    date_or_time = {
        "type": "string",
        "anyOf": [
            {"format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            {
                "description": "ISO 8601 date-time; without an offset it is Europe/London local time",
                "pattern": r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d"
                           r"(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$",
            },
        ],
    }
    variants = []
    for type_, spec in EVENT_TYPES.items():
        properties: dict[str, Any] = {"type": {"const": type_}}
        for name, field_spec in spec.items():
            field_schema = _field_schema(field_spec)
            # an optional field given as null is read as absent
            properties[name] = field_schema if field_spec.required else {"anyOf": [field_schema, {"type": "null"}]}
        variants.append(
            {
                "if": {"properties": {"type": {"const": type_}}},
                "then": {
                    "properties": properties,
                    "required": [n for n, s in spec.items() if s.required],
                },
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://swp-rules.invalid/schema/event-v1.json",
        "title": "swp-rules case event, format version 1",
        "type": "object",
        "required": list(COMMON_FIELDS),
        "properties": {
            "id": {"type": "string", "minLength": 1, "pattern": r"\S"},
            "child": {"type": "string", "minLength": 1, "pattern": r"\S"},
            "type": {"enum": sorted(EVENT_TYPES)},
            "date": date_or_time,
        },
        "allOf": variants,
    }


def _field_schema(spec: FieldSpec) -> dict[str, Any]:
    schema: dict[str, Any]
    if spec.kind == "str":
        schema = {"type": "string", "minLength": 1, "pattern": r"\S"}
    elif spec.kind == "bool":
        schema = {"type": "boolean"}
    elif spec.kind == "date":
        schema = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif spec.kind == "decimal":
        number: dict[str, Any] = {"type": "number", "minimum": spec.minimum or 0}
        if spec.maximum is not None:
            number["maximum"] = spec.maximum
        schema = {"anyOf": [number, {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*$"}]}
    elif spec.kind == "int":
        schema = {"type": "integer"}
        if spec.choices:
            schema["enum"] = list(spec.choices)
        if spec.minimum is not None:
            schema["minimum"] = spec.minimum
        if spec.maximum is not None:
            schema["maximum"] = spec.maximum
    elif spec.kind == "code":
        assert spec.code_list is not None
        allowed: list[Any] = sorted(codes.CODE_LISTS[spec.code_list])
        if spec.code_list == "SEX":
            allowed += [1, 2]
        schema = {"enum": allowed}
    else:
        schema = {"enum": list(spec.choices)}
    if spec.description:
        schema["description"] = spec.description
    return schema
