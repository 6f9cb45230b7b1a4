"""The event store: a case system pushes events as they happen (``PUT /events/{id}`` adds or corrects one,
``DELETE /events/{id}`` withdraws it) and asks one child's duties (``GET /children/{id}/duties``). Each change
re-evaluates only the child it touches (``RunningEvaluation``). The store is held in memory: a restarted service
starts empty, and the case system pushes its events again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from swp_rules.model import Event, RecordError
from swp_rules.service.bodies import parse_json
from swp_rules.service.common import ONE_EVENT_BODY, parse_day, state
from swp_rules.service.documents import DocumentResponse, child_duties_document

router = APIRouter(tags=["event store"])


@router.put("/events/{event_id}", summary="Add an event, or correct the one with this id",
            openapi_extra=ONE_EVENT_BODY,
            responses={400: {"description": "Not a valid event (the field and reason say why)."},
                       401: {"description": "No valid bearer token."}})
async def put_event(request: Request, event_id: str) -> dict[str, Any]:
    body = await request.body()
    record = parse_json(body)
    if not isinstance(record, dict):
        raise HTTPException(400, "the body must be one event object")
    if record.setdefault("id", event_id) != event_id:
        raise HTTPException(400, "id: the body's id is not the one in the path")
    try:
        event = Event.from_dict(record)
    except RecordError as exc:
        raise HTTPException(400, f"{exc.field}: {exc.reason}") from None
    swp = state(request)

    def work() -> str:
        with swp.store_lock:
            return swp.store.put(event)

    return {"id": event_id, "result": await run_in_threadpool(work)}


@router.delete("/events/{event_id}", summary="Withdraw the event with this id", status_code=204,
               responses={404: {"description": "The store holds no event with this id."},
                          401: {"description": "No valid bearer token."}})
def delete_event(request: Request, event_id: str) -> Response:
    swp = state(request)
    with swp.store_lock:
        try:
            swp.store.remove(event_id)
        except KeyError:
            raise HTTPException(404, "the store holds no event with this id") from None
    return Response(status_code=204)


@router.get("/children/{child}/duties", summary="One child's duties, from the stored events",
            response_class=DocumentResponse,
            responses={200: {"description": "Every duty of the child as of the date, its breaches and open duties.",
                             "content": {"application/json": {
                                 "schema": {"$ref": "#/components/schemas/ChildDuties"}}}},
                       404: {"description": "The store holds no event for this child."},
                       401: {"description": "No valid bearer token."}})
def child_duties(request: Request, child: str, as_of: str | None = None) -> DocumentResponse:
    swp = state(request)
    day = parse_day(as_of, "as_of") or dt.date.today()
    with swp.store_lock:
        if not swp.store.events_of(child):
            raise HTTPException(404, "the store holds no event for this child")
        result = swp.store.child_as_of(child, day)
    return DocumentResponse(child_duties_document(child, result))


@router.get("/events", summary="How many events and children the store holds")
def store_counts(request: Request) -> dict[str, int]:
    swp = state(request)
    with swp.store_lock:
        return {"events": len(swp.store), "children": len(swp.store.children)}
