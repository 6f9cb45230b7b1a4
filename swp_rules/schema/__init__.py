"""The JSON Schemas shipped with the package: case events (SPEC.md §1), duty rulesets and contracts (SPEC.md §5),
and the result documents of every command (SPEC.md §2-§3; generated from the result classes by
``swp_rules.report.schema``).

Both are generated from the code that reads the data, so they cannot drift from it: the event schema from
``swp_rules.model.EVENT_TYPES`` (``swp_rules.schema.events``), the duty-ruleset schema from the keys, units, triggers
and families the duty loader (``swp_rules.rulesets.duties``) accepts. The shipped files are regenerated with
``python -m swp_rules.schema`` (``--check`` only reports whether they are stale); a test asserts they are current.

The schemas describe the *shape* of the data. The loaders check more than a schema can say (a condition's grammar
and facts, a ``$parameter`` that is declared, in-force dates in order, rule ids not repeated), and report it as
``file:line: key: reason``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, get_args

SCHEMA_DIR: Final = Path(__file__).resolve().parent
EVENT_SCHEMA: Final = SCHEMA_DIR / "event.schema.json"
DUTIES_RULESET_SCHEMA: Final = SCHEMA_DIR / "duties-ruleset.schema.json"
CONTRACT_SCHEMA: Final = SCHEMA_DIR / "contract.schema.json"
#: The result documents (``--format json``) of each command, and one line of ``--format jsonl``.
RESULT_SCHEMAS: Final = {name: SCHEMA_DIR / f"{name}-result.schema.json"
                         for name in ("check", "explain", "indicators", "payments", "demo")}
RESULT_LINE_SCHEMA: Final = SCHEMA_DIR / "result-line.schema.json"

_DATE: Final = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_TEXT: Final = {"type": "string", "minLength": 1, "pattern": r"\S"}
_PARAMETER_REF: Final = {
    "type": "string",
    "pattern": r"^\$[A-Za-z_][A-Za-z0-9_]*$",
    "description": "$name: the value of a parameter declared under the ruleset's parameters",
}


def event_schema() -> dict[str, Any]:
    """The case-event schema (draft 2020-12), generated from the event model."""
    from swp_rules.schema.events import event_json_schema

    return event_json_schema()


def duties_ruleset_schema() -> dict[str, Any]:
    """The duty-ruleset schema (draft 2020-12), generated from what ``swp_rules.rulesets.duties`` accepts."""
    from swp_rules.model import EVENT_TYPES
    from swp_rules.rulesets import duties

    in_force = {
        "type": "object",
        "properties": {"from": _DATE, "to": _DATE},
        "additionalProperties": False,
        "description": "the first and last days the rule (or every rule of the ruleset) is in force; no 'to' means "
                       "still in force",
    }
    condition = {"type": "string", "minLength": 1, "description": "a condition (docs/ruleset-language.md)"}
    amount = {"anyOf": [{"type": "integer", "minimum": 0}, _PARAMETER_REF]}
    deadline: dict[str, Any] = {
        "type": "object",
        "properties": {
            **{unit: amount for unit in duties.UNITS},
            "when": condition,
            "citation": _TEXT,
            "conditions_at": {"enum": list(get_args(duties.ConditionsAt)),
                              "description": "when this deadline's 'when' is read, if not on the rule's date"},
            "before": {"type": "string", "description": "due when this rule's obligation, started by the same "
                                                        "moment, is met (or, until then, falls due)"},
            "words": {**_TEXT, "description": "how explanations name the 'before' rule's event"},
        },
        "oneOf": [*({"required": [unit]} for unit in duties.UNITS), {"required": ["before", "words"]}],
        "additionalProperties": False,
    }
    event_type = {"enum": sorted(EVENT_TYPES)}
    simple_triggers = [t for t in duties.TRIGGERS if t != "leaving_care_eligible"]
    trigger = {
        "anyOf": [
            {"enum": simple_triggers},
            {
                "type": "object",
                "properties": {"event": event_type},
                "required": ["event"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {
                    "leaving_care_eligible": {
                        "type": "object",
                        "properties": {
                            name: {"type": "integer", "minimum": 0} for name in ("since_age", "from_age", "weeks")
                        },
                        "required": ["since_age", "from_age", "weeks"],
                        "additionalProperties": False,
                    }
                },
                "required": ["leaving_care_eligible"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"birthday": {"type": "integer", "minimum": 0}},
                "required": ["birthday"],
                "additionalProperties": False,
            },
        ]
    }
    discharge = {
        "anyOf": [
            event_type,
            {
                "type": "object",
                "properties": {"event": event_type, "when": condition, "refers_to": _TEXT, "because": _TEXT},
                "required": ["event"],
                "additionalProperties": False,
            },
        ]
    }
    families = "|".join(sorted(duties.FAMILIES))
    rule_id = {"type": "string", "pattern": rf"^({families})\.[a-z0-9][a-z0-9-]*$"}

    def choice(values: tuple[Any, ...]) -> dict[str, Any]:
        return {"anyOf": [{"enum": list(values)}, _PARAMETER_REF]}

    rule_properties: dict[str, Any] = {
        "id": rule_id,
        "title": _TEXT,
        "citation": _TEXT,
        "basis": {
            "enum": list(duties.BASES),
            "description": "what makes the duty owed: an Act or statutory instrument (regulation), statutory "
                           "guidance, a DfE data-return measure (return), a contract, or a local standard",
        },
        "basis_note": {**_TEXT, "description": "how explanations name a basis other than a regulation"},
        "in_force": in_force,
        "trigger": trigger,
        "applies": condition,
        "deadline": {"anyOf": [deadline, {"type": "array", "items": deadline, "minItems": 1}]},
        "discharged_by": {"type": "array", "items": discharge, "minItems": 1},
        "scope": choice(get_args(duties.Scope)),
        "clock_from": choice(get_args(duties.ClockFrom)),
        "conditions_at": choice(get_args(duties.ConditionsAt)),
        "accept_before": {"type": "boolean"},
        "recurs": {"type": "boolean"},
        "then": rule_id,
        "until_age": {"type": "integer", "minimum": 0},
        "clock": _TEXT,
        "on_commencement": {
            "anyOf": [{"const": "self"}, rule_id],
            "description": "the rule (of this ruleset, or self) whose chain starts when this version comes into "
                           "force for a period or placement already running",
        },
        "notes": {"type": "string"},
        "accept_since": {"enum": list(get_args(duties.AcceptSince)),
                         "description": "previous_trigger: an event since the previous triggering event counts"},
        "exempt_if_done_within": {
            "type": "object",
            "properties": {unit: amount for unit in ("days", "weeks", "months")},
            "oneOf": [{"required": [unit]} for unit in ("days", "weeks", "months")],
            "additionalProperties": False,
            "description": "nothing is owed when a discharging event was done this long before the clock starts",
        },
    }
    parameter = {
        "type": "object",
        "properties": {
            "value": {"description": "the value used unless a run overrides it"},
            "choices": {"type": "array", "minItems": 1},
            "meaning": {"type": "string"},
            "citation": {"type": "string"},
        },
        "required": ["value"],
        "additionalProperties": False,
    }
    top_properties: dict[str, Any] = {
        "ruleset": _TEXT,
        "kind": {"const": "duties"},
        "version": {"type": ["string", "number"]},
        "title": _TEXT,
        "instrument": _TEXT,
        "in_force": in_force,
        "parameters": {"type": "object", "additionalProperties": parameter},
        "notes": {"type": "string"},
        "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}, "minItems": 1},
        "relaxations": {
            "type": "array",
            "description": "temporary relaxations: a duty of the rules named whose due date falls within in_force is "
                           "due by its last day (SI 2020/445)",
            "items": {
                "type": "object",
                "properties": {"id": _TEXT, "citation": _TEXT, "words": _TEXT, "in_force": in_force,
                               "rules": {"type": "array", "items": rule_id, "minItems": 1}},
                "required": ["id", "citation", "words", "in_force", "rules"],
                "additionalProperties": False,
            },
        },
    }
    undescribed = (set(duties._RULE_KEYS) - set(rule_properties)) | (set(duties._TOP_KEYS) - set(top_properties))
    if undescribed:
        raise AssertionError(f"the duty loader accepts keys the schema does not describe: {sorted(undescribed)}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://swp-rules.invalid/schema/duties-ruleset-v1.json",
        "title": "swp-rules duties ruleset (docs/ruleset-language.md)",
        "type": "object",
        "properties": {key: top_properties[key] for key in duties._TOP_KEYS},
        "required": ["ruleset", "kind", "version", "title", "rules"],
        "additionalProperties": False,
        "$defs": {
            "rule": {
                "type": "object",
                "properties": {key: rule_properties[key] for key in duties._RULE_KEYS},
                "required": ["id", "title", "citation", "basis", "deadline", "discharged_by"],
                "additionalProperties": False,
            }
        },
    }


def contract_schema() -> dict[str, Any]:
    """The contract-file schema (draft 2020-12), generated from what ``swp_rules.contracts.loader`` accepts."""
    from swp_rules.contracts.schema import contract_schema as generate

    return generate()


def result_schema(command: str) -> dict[str, Any]:
    """The schema of a command's ``--format json`` document, generated from its result classes."""
    from swp_rules.report.period_documents import DOCUMENTS
    from swp_rules.report.schema import document_schema

    return document_schema(DOCUMENTS[command], command)


def result_line_schema() -> dict[str, Any]:
    """The schema of one ``--format jsonl`` line."""
    from swp_rules.report.period_documents import LINE_KINDS
    from swp_rules.report.schema import line_schema

    return line_schema(dict(LINE_KINDS))


#: The shipped schema files and their generators.
GENERATORS: Final[Mapping[Path, Callable[[], dict[str, Any]]]] = {
    EVENT_SCHEMA: event_schema,
    DUTIES_RULESET_SCHEMA: duties_ruleset_schema,
    CONTRACT_SCHEMA: contract_schema,
    **{path: functools.partial(result_schema, name) for name, path in RESULT_SCHEMAS.items()},
    RESULT_LINE_SCHEMA: result_line_schema,
}


def render(schema: Mapping[str, Any]) -> str:
    """A schema as the shipped file's text (stable: indented, keys in the generator's order, final newline)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def stale() -> list[Path]:
    """The shipped schema files that differ from what the code generates now."""
    return [
        path for path, generate in GENERATORS.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != render(generate())
    ]


def write() -> list[Path]:
    """Regenerate the shipped schema files; the ones that changed."""
    changed = stale()
    for path in changed:
        path.write_text(render(GENERATORS[path]()), encoding="utf-8")
    return changed


def load(path: Path) -> dict[str, Any]:
    """A shipped schema file (``EVENT_SCHEMA`` or ``DUTIES_RULESET_SCHEMA``)."""
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def plain(value: Any) -> Any:
    """YAML data as JSON data (dates as ISO text), for validating a ruleset file against its schema."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
