"""ASGI middleware of the service: request size limit (413), time limit (503), and an access log that names the
route, never the request's path, query string, body or a child's id."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log: Final = logging.getLogger("swp_rules.service")


async def _send_json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class LimitsAndLog:
    """Refuses bodies over ``max_body`` bytes (by ``Content-Length``, or while streaming), stops a request that takes
    longer than ``timeout`` seconds, and logs one line per request: method, route template, status, milliseconds."""

    def __init__(self, app: ASGIApp, *, max_body: int, timeout: float) -> None:
        self.app = app
        self.max_body = max_body
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = {"status": 0, "started": False}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
            await send(message)

        try:
            await self._limited(scope, receive, sending)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "(no route)"
            log.info("%s %s %s %.0fms", scope.get("method", "?"), template, state["status"] or "-",
                     (time.perf_counter() - started) * 1000)

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await _send_json(send, 413, f"the request body is larger than {self.max_body} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        while True:  # the whole body first (bounded by max_body), so that nothing is evaluated from a part of it
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await _send_json(send, 413, f"the request body is larger than {self.max_body} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await asyncio.wait_for(self.app(scope, replay, sending), timeout=self.timeout)
        except TimeoutError:
            if not started:
                await _send_json(send, 503, f"the request took longer than {self.timeout:g} seconds")
        except Exception as exc:  # the last guard: the type only, never a traceback that may hold data
            log.error("internal error (%s)", type(exc).__name__)
            if not started:
                await _send_json(send, 500, f"internal error ({type(exc).__name__})")


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
