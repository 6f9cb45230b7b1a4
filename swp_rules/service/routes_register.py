"""The breach register over HTTP (``--register URL``): its runs, breaches and the diff of two runs; and recording a
``POST /check?record=true`` run."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from swp_rules.engine.evaluate import Evaluation
from swp_rules.io.events import LoadedEvents
from swp_rules.service.common import state
from swp_rules.service.documents import DocumentResponse
from swp_rules.service.state import ServiceState

router = APIRouter(prefix="/register", tags=["register"],
                   responses={404: {"description": "No such run."},
                              503: {"description": "The service has no register, or cannot reach it."}})


@contextmanager
def _register(swp: ServiceState) -> Iterator[Any]:
    from swp_rules.register import Register, RegisterError, UnknownRun

    if swp.settings.register is None:
        raise HTTPException(503, "the service was started without --register")
    try:
        with Register.open(swp.settings.register, create=True) as register:
            yield register
    except UnknownRun as exc:
        raise HTTPException(404, str(exc)) from None
    except RegisterError as exc:
        raise HTTPException(503, str(exc)) from None


def record_run(swp: ServiceState, result: Evaluation, loaded: LoadedEvents, body: bytes,
               families: Sequence[str]) -> dict[str, Any]:
    """Record a ``POST /check`` run; the input digest is the SHA-256 of the request body."""
    import hashlib

    from swp_rules.register import RunInput

    with _register(swp) as register:
        digest = hashlib.sha256(body).hexdigest()
        recorded = register.record(result, RunInput(digest, loaded.counts, tuple(families)))
    found: dict[str, Any] = recorded.to_dict()
    return found


def _answer(component: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}},
            401: {"description": "No valid bearer token."}}


@router.get("/runs", summary="Every run recorded, oldest first", response_class=DocumentResponse,
            responses=_answer("RegisterRuns", "As `swp-rules register runs --format json`, without `register`."))
def runs(request: Request) -> DocumentResponse:
    with _register(state(request)) as register:
        return DocumentResponse({"runs": [r.to_dict() for r in register.runs()]})


@router.get("/breaches", summary="Breaches with their history (first seen, last seen, resolved)",
            response_class=DocumentResponse,
            responses=_answer("RegisterBreaches", "As `swp-rules register breaches --format json`."))
def breaches(request: Request,
             open: Annotated[bool, Query(description="Only breaches still open.")] = False,
             child: Annotated[str | None, Query(description="Only this child's breaches.")] = None,
             rule: Annotated[str | None, Query(description="Only this rule's breaches.")] = None,
             ) -> DocumentResponse:
    with _register(state(request)) as register:
        found = register.breaches(open_only=open, child=child, rule=rule)
        return DocumentResponse({"breaches": [b.to_dict() for b in found]})


@router.get("/diff", summary="New, resolved and still-open breaches between two runs", response_class=DocumentResponse,
            responses=_answer("RegisterDiff", "As `swp-rules register diff --format json`."))
def diff(request: Request, from_run: Annotated[int, Query(alias="from", ge=1)],
         to_run: Annotated[int, Query(alias="to", ge=1)]) -> DocumentResponse:
    with _register(state(request)) as register:
        return DocumentResponse(register.diff(from_run, to_run).to_dict())
