"""The JSON Schema of contract files (``kind: contract``), generated from what ``swp_rules.contracts.loader``
accepts, shipped as ``swp_rules/schema/contract.schema.json`` (regenerate with ``python -m swp_rules.schema``).

The schema gives the shape; the loader checks what a schema cannot (thresholds in the right order for their
polarity, weights summing to exactly 1, known measures, contract years covered once each, caps in order) and reports
``file:line: key: reason``.
"""

from __future__ import annotations

from typing import Any, Final

from swp_rules.contracts import loader

_DATE: Final = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_TEXT: Final = {"type": "string", "minLength": 1, "pattern": r"\S"}
_ID: Final = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"}
_NUMBER_TEXT: Final = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*%?\s*$|^\s*-?\d+\s*/\s*\d+\s*$"
_EXACT: Final = {
    "anyOf": [{"type": "number"}, {"type": "string", "pattern": _NUMBER_TEXT}],
    "description": "an exact number: 0.2, \"20%\" or \"1/5\"",
}
_SHARE: Final = {
    "anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "string", "pattern": _NUMBER_TEXT}],
    "description": "a share from 0 to 1: 0.2, \"20%\" or \"1/5\"",
}
_MONEY: Final = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^£?\d[\d,_]*(\.\d{1,2})?$"},
    ],
    "description": "pounds and pence, not negative, at most two decimal places",
}
_POLARITY: Final = {"enum": ["higher", "lower"], "description": "which way is better"}
_WINDOW: Final = {"enum": ["period", "rolling_12_months"],
                  "description": "measured over the settlement period, or the 12 months to its end"}


def _closed(properties: dict[str, Any], keys: tuple[str, ...], required: list[str], **extra: Any) -> dict[str, Any]:
    missing = [k for k in keys if k not in properties]
    if missing:
        raise AssertionError(f"schema has no property for {missing}")
    return {"type": "object", "properties": {k: properties[k] for k in keys}, "required": required,
            "additionalProperties": False, **extra}


def contract_schema() -> dict[str, Any]:
    """The contract-file schema (draft 2020-12)."""
    bands = {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "properties": {"from": _EXACT, "pays": _SHARE},
            "required": ["from", "pays"],
            "additionalProperties": False,
        },
        "description": "stepped bands, each better than the one before; the last pays 1",
    }
    scale = {"measure": {**_TEXT, "description": "an indicator id (e.g. NI62, KPI-visits-on-time)"},
             "polarity": _POLARITY, "lower": _EXACT, "upper": _EXACT, "bands": bands, "window": _WINDOW}
    common = {"id": _ID, "title": _TEXT, "citation": _TEXT, "notes": {"type": "string"}, "weight": _EXACT}
    scale_rule = {"oneOf": [{"required": ["lower", "upper"]}, {"required": ["bands"]}]}
    component = _closed({**common, **scale}, loader._COMPONENT_KEYS, ["measure", "polarity", "weight"],
                        **scale_rule)
    component["required"] = ["measure", "polarity"]
    outcome_props = {**common, **scale,
                     "components": {"type": "array", "minItems": 2, "items": component}}
    outcome = _closed(outcome_props, loader._OUTCOME_KEYS, ["id", "title"])
    outcome["oneOf"] = [
        {"required": ["components"]},
        {"required": ["measure", "polarity"], **scale_rule},
    ]
    year_range = {"type": "string", "pattern": r"^\s*\d+\s*(-|–|\.\.)\s*\d+\s*$"}
    years = {"anyOf": [{"type": "integer", "minimum": 1}, year_range],
             "description": "a contract year (1) or a range (2-3)"}
    payment = _closed({"years": years, "annual_fee": _MONEY, "performance_share": _SHARE, "citation": _TEXT,
                       "notes": {"type": "string"}},
                      ("years", "annual_fee", "performance_share", "citation", "notes"),
                      ["years", "annual_fee", "performance_share"])
    bonus = _closed({"placement_budget": _MONEY, "share": _SHARE, "cap": _MONEY,
                     "gateway": {"type": "integer", "minimum": 0}, "citation": _TEXT, "notes": {"type": "string"}},
                    loader._BONUS_KEYS, ["placement_budget", "share", "cap", "gateway"])
    level = _closed({**common, "measure": _TEXT, "polarity": _POLARITY, "target": _EXACT, "deduction": _MONEY,
                     "cap_per_period": _MONEY, "cap_rolling_12_months": _MONEY},
                    loader._LEVEL_KEYS, ["id", "title", "measure", "polarity", "target", "deduction"])
    top = {
        "ruleset": _TEXT,
        "kind": {"const": "contract"},
        "version": {"anyOf": [_TEXT, {"type": "number"}]},
        "title": _TEXT,
        "illustrative": {"type": "boolean"},
        "council": _TEXT,
        "practice": {**_TEXT, "description": "the practice named by the cohort's practice_assigned events"},
        "citation": _TEXT,
        "term": {"type": "object", "properties": {"from": _DATE, "to": _DATE}, "required": ["from", "to"],
                 "additionalProperties": False},
        "settlement": {"type": "object",
                       "properties": {"every": {"enum": ["monthly", "quarterly", "annual"]},
                                      "aligned_to": {"enum": ["contract_start", "financial_year"]}},
                       "required": ["every"], "additionalProperties": False},
        "duties": {"type": "array", "items": _TEXT,
                   "description": "duty rulesets (ids or paths) the contract adds to the statutory ones"},
        "unmeasured": {"enum": ["pay", "withhold"]},
        "payment": {"type": "array", "minItems": 1, "items": payment},
        "outcomes": {"type": "array", "items": outcome},
        "bonus": bonus,
        "service_levels": {"type": "array", "items": level},
        "notes": {"type": "string"},
    }
    schema = _closed(top, loader._TOP_KEYS,
                     ["ruleset", "kind", "version", "title", "council", "practice", "citation", "term", "settlement",
                      "payment"])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://swp-rules.invalid/schema/contract-v1.json",
        "title": "swp-rules practice contract",
        "description": "A Social Work Practice contract: fee, outcome payments, bonus and service levels "
                       "(docs/contracts.md). Generated by swp_rules.contracts.schema.",
        **schema,
    }
