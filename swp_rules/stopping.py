"""Stopping long work at a time limit, cooperatively: the caller (the service, for each request) sets a deadline for
the work it runs; the loops over children check it before each child and raise ``TimeLimitReached`` once it has
passed, so the work stops there instead of running on after its answer was given up (a thread cannot be killed).

The deadline is a context variable: it holds for the thread (or task) that set it and nowhere else, and a run
without one (the command line, the library) never stops.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator
from typing import Final


class TimeLimitReached(Exception):
    """The work's time limit passed; it stopped before its next child."""


_DEADLINE: Final[contextvars.ContextVar[float | None]] = contextvars.ContextVar("swp_rules_deadline", default=None)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Within this block, ``check()`` raises ``TimeLimitReached`` once ``seconds`` have passed."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left before the deadline (negative once passed), or ``None`` without one."""
    at = _DEADLINE.get()
    return None if at is None else at - time.monotonic()


def check() -> None:
    """Raise ``TimeLimitReached`` if a deadline is set and has passed."""
    left = remaining()
    if left is not None and left <= 0:
        raise TimeLimitReached("the time limit passed")
