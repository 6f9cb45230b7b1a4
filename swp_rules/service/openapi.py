"""The service's OpenAPI document: generated from the routes, with the shipped JSON Schemas of events and results as
its components; shipped as ``swp_rules/service/openapi.json`` (``python -m swp_rules.service.openapi`` writes it;
a test keeps it in sync)."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path
from typing import Any, Final

#: Result documents and the shipped schema file that describes each (when the file ships).
RESULT_SCHEMAS: Final = {
    "CheckResult": "check-result.schema.json",
    "ExplainResult": "explain-result.schema.json",
    "IndicatorsResult": "indicators-result.schema.json",
    "PaymentsResult": "payments-result.schema.json",
}
SHIPPED: Final = Path(__file__).with_name("openapi.json")


def _schema_file(name: str) -> dict[str, Any] | None:
    resource = resources.files("swp_rules.schema").joinpath(name)
    if not resource.is_file():
        return None
    loaded: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return loaded


def _rewrite_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = "#/components/schemas/" + prefix + value[len("#/$defs/"):]
            else:
                out[key] = _rewrite_refs(value, prefix)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, prefix) for v in node]
    return node


def event_variants(schema: dict[str, Any]) -> dict[str, Any]:
    """The event schema with its per-type ``if``/``then`` clauses turned into ``anyOf`` one object schema per event
    type (the same events; a form OpenAPI tools and client generators read)."""
    clauses = schema.get("allOf", [])
    if not clauses or not all(set(c) == {"if", "then"} for c in clauses):
        return schema
    base = {k: v for k, v in schema.items() if k != "allOf"}
    variants = []
    for clause in clauses:
        then = clause["then"]
        variant = {"type": "object", "properties": {**base.get("properties", {}), **then.get("properties", {})},
                   "required": [*base.get("required", []), *then.get("required", [])]}
        if "title" in clause.get("if", {}):
            variant["title"] = clause["if"]["title"]
        variants.append(variant)
    kept = {k: v for k, v in base.items() if k not in ("properties", "required", "type")}
    return {**kept, "anyOf": variants}


def components() -> dict[str, Any]:
    """Every schema component: ``Event`` and the result documents (each document's ``$defs`` become components
    named ``Document_Def``)."""
    found: dict[str, Any] = {}
    event = _schema_file("event.schema.json")
    event = event_variants(event) if event is not None else None
    sources = {"Event": event} | {name: _schema_file(file) for name, file in RESULT_SCHEMAS.items()}
    for name, schema in sources.items():
        if schema is None:
            found[name] = {"type": "object", "description": f"{name} (see docs/service.md)"}
            continue
        body = copy.deepcopy(schema)
        for key in ("$schema", "$id"):
            body.pop(key, None)
        defs = body.pop("$defs", {})
        for def_name, definition in defs.items():
            found[f"{name}_{def_name}"] = _rewrite_refs(definition, f"{name}_")
        found[name] = _rewrite_refs(body, f"{name}_")
    return found | register_components()


def register_components() -> dict[str, Any]:
    """The register's answers (``GET /register/runs``, ``/breaches``, ``/diff``), described from the result classes
    themselves through the converter's schema generator (``swp_rules.report.schema``), as the command line writes
    them with ``--format json``."""
    from swp_rules.register.results import RegisterDiff, RegisteredBreach, Run
    from swp_rules.report.schema import document_schema

    found: dict[str, Any] = {}
    for name, cls in (("RegisterRun", Run), ("RegisteredBreach", RegisteredBreach), ("RegisterDiff", RegisterDiff)):
        body = document_schema(cls, name)
        for key in ("$schema", "$id", "title"):
            body.pop(key, None)
        for def_name, definition in body.pop("$defs", {}).items():
            found[f"{name}_{def_name}"] = _rewrite_refs(definition, f"{name}_")
        found[name] = _rewrite_refs(body, f"{name}_")
    for name, key, item in (("RegisterRuns", "runs", "RegisterRun"), ("RegisterBreaches", "breaches",
                                                                        "RegisteredBreach")):
        found[name] = {"type": "object", "properties": {key: {"type": "array", "items": {
            "$ref": f"#/components/schemas/{item}"}}}, "required": [key]}
    found["ChildDuties"] = _child_duties()
    return found


def _child_duties() -> dict[str, Any]:
    """``GET /children/{child}/duties``: one child's duties from the event store, in the result schemas' own parts
    (every duty as ``explain`` gives it, the breaches and open duties as ``check`` gives them)."""
    def items(component: str) -> dict[str, Any]:
        return {"type": "array", "items": {"$ref": f"#/components/schemas/{component}"}}

    properties = {
        "as_of": {"type": "string", "format": "date"}, "child": {"type": "string"},
        "rulesets": items("CheckResult_RulesetUsed"), "duties": items("ExplainResult_DutyRecord"),
        "breaches": items("CheckResult_Breach"), "open": items("CheckResult_Obligation"),
        "notes": {"type": "array", "items": {"type": "string"}},
    }
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False}


def document() -> dict[str, Any]:
    """The OpenAPI document of the service (as ``GET /openapi.json`` serves it)."""
    from swp_rules.service.app import create_app
    from swp_rules.service.auth import TokenStore
    from swp_rules.service.settings import ServiceSettings

    app = create_app(ServiceSettings(tokens=TokenStore.of(["x" * 32])))
    return app.openapi()


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main() -> None:
    SHIPPED.write_text(render(), encoding="utf-8")
    print(f"wrote {SHIPPED}")


if __name__ == "__main__":
    main()
