"""The per-request time limit, kept by the work itself: each route's work runs in a worker thread under
``stopping.time_limit`` (the service's ``--timeout``), waits for an engine no longer than the time left, and goes
through the children in a mapping that checks the limit before each one, so a request whose time has run out stops
between two children instead of computing on after its 503 was sent (a thread cannot be killed from outside).

The middleware (``LimitsAndLog``) answers 503 at the same limit whatever the route is doing; this module makes the
work stop too.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Final, TypeVar

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool

from swp_rules import stopping
from swp_rules.model import Event

T = TypeVar("T")
log: Final = logging.getLogger("swp_rules.service")


class ChildrenUntilTimeLimit(dict[str, Sequence[Event]]):
    """Events by child whose look-up checks the time limit first: the engine looks each child up just before it
    evaluates it (``Engine.evaluate_grouped``), so the evaluation stops there once the limit has passed."""

    def __getitem__(self, child: str) -> Sequence[Event]:
        stopping.check()
        return super().__getitem__(child)


@contextlib.contextmanager
def engine_lock(lock: threading.Lock) -> Iterator[None]:
    """Hold an engine's lock (one request at a time per engine: the matcher's host is not thread-safe), waiting no
    longer than the request's time left."""
    left = stopping.remaining()
    if not lock.acquire(timeout=max(left, 0.0) if left is not None else -1):
        raise stopping.TimeLimitReached("the time limit passed while waiting for an engine")
    try:
        yield
    finally:
        lock.release()


async def run_limited(seconds: float, work: Callable[[], T]) -> T:
    """``work()`` in a worker thread under a time limit of ``seconds``; 503 if it stops at the limit."""

    def limited() -> T:
        with stopping.time_limit(seconds):
            try:
                return work()
            except stopping.TimeLimitReached:
                log.info("a request's work stopped at its time limit (%gs)", seconds)
                raise

    try:
        return await run_in_threadpool(limited)
    except stopping.TimeLimitReached:
        raise HTTPException(503, f"the request took longer than {seconds:g} seconds") from None
