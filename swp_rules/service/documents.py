"""The service's answers: the same documents as the command line's ``--format json`` (SPEC.md §3), built from the
library's results, and their encoding (dates ISO, money as decimal text)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from starlette.responses import JSONResponse

from swp_rules.engine.evaluate import Evaluation
from swp_rules.engine.results import DutyRecord
from swp_rules.engine.timeline import Timeline
from swp_rules.io.events import LoadedEvents


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"cannot serialise {type(value).__name__}")


class DocumentResponse(JSONResponse):
    """JSON with the command line's encoding of dates, decimals and results (a ``JSONResponse``, so the OpenAPI
    document takes the route's declared schema as it is)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=_default).encode("utf-8")


def check_document(result: Evaluation, loaded: LoadedEvents) -> dict[str, Any]:
    """As ``swp-rules check --format json``."""
    document = result.to_dict()
    return {
        "as_of": document["as_of"], "rulesets": [d for d in document["rulesets"] if d["id"] in result.applied],
        "input": loaded.counts.to_dict(), "children": result.children, "breaches": document["breaches"],
        "open": document["open"],
        "rejected": [r.to_dict() for r in loaded.rejected], "notes": [n.to_dict() for n in result.notes],
    }


def explain_document(child: str, day: dt.date, rulesets: Sequence[dict[str, Any]], loaded: LoadedEvents,
                     records: Sequence[DutyRecord], timeline: Timeline) -> dict[str, Any]:
    """As ``swp-rules explain --format json``."""
    return {
        "as_of": day.isoformat(), "child": child, "rulesets": list(rulesets), "input": loaded.counts.to_dict(),
        "events": [e.to_dict() for e in timeline.events], "duties": [r.to_dict() for r in records],
        "notes": list(timeline.anomalies), "rejected": [r.to_dict() for r in loaded.rejected],
    }


def child_duties_document(child: str, result: Evaluation) -> dict[str, Any]:
    """One child's duties from the event store: every duty's record, the breaches and the open duties."""
    document = result.to_dict()
    return {
        "as_of": document["as_of"], "child": child,
        "rulesets": [{**used, "parameters": used.get("parameters", {})} for used in document["rulesets"]],
        "duties": [r.to_dict() for r in result.records], "breaches": document["breaches"], "open": document["open"],
        "notes": [n.note for n in result.notes],
    }
