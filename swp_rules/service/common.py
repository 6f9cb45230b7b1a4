"""What the service's routes share: the state, request bodies, dates, and the OpenAPI descriptions of bodies and
responses."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from fastapi import HTTPException, Request

from swp_rules.service.state import ServiceState

EVENTS_BODY: Final[dict[str, Any]] = {
    "requestBody": {
        "required": True,
        "description": "Case events (SPEC §1): a JSON array of event objects, or JSON Lines.",
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}},
            "application/x-ndjson": {"schema": {"type": "string", "description": "One event object a line."}},
        },
    },
}
ONE_EVENT_BODY: Final[dict[str, Any]] = {
    "requestBody": {
        "required": True,
        "description": "One case event (SPEC §1); its id, if given, must be the one in the path.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}},
    },
}


def answer(component: str, description: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of a route answering a result document."""
    return {
        200: {"description": description,
              "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}},
        400: {"description": "The body or an option cannot be used (the reason says why)."},
        401: {"description": "No valid bearer token."},
        413: {"description": "The body is larger than the service accepts."},
        503: {"description": "The request took longer than the service allows."},
    }


def state(request: Request) -> ServiceState:
    found: ServiceState = request.app.state.swp
    return found


def parse_day(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    from swp_rules.periods import parse_day

    try:
        return parse_day(value)
    except ValueError as exc:
        raise HTTPException(400, f"{name}: {exc}") from None
