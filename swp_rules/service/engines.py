"""Engines and rule books for the service, made once per choice of rulesets and reused (building one compiles the
rules), and the choice itself: only shipped ruleset ids are accepted over HTTP, never a path on the server."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache

from swp_rules.engine import Engine, load_rulebook
from swp_rules.rulesets.loader import shipped_files, shipped_id


class UnknownRuleset(ValueError):
    """A ruleset id that is not shipped (400)."""


@lru_cache(maxsize=1)
def shipped_ids() -> frozenset[str]:
    return frozenset(shipped_id(p) for p in shipped_files())


def checked_ids(ids: Sequence[str], prefix: str | None = None) -> tuple[str, ...]:
    """The ids, each a shipped ruleset (of the kind under ``prefix`` when given)."""
    known = shipped_ids()
    for item in ids:
        if item not in known or (prefix is not None and not item.startswith(prefix)):
            raise UnknownRuleset(f"no shipped ruleset {item[:80]!r}; GET /rulesets lists them")
    return tuple(ids)


class Engines:
    """One engine per tuple of duty ruleset ids, each used by one request at a time."""

    def __init__(self) -> None:
        self._engines: dict[tuple[str, ...], tuple[Engine, threading.Lock]] = {}
        self._lock = threading.Lock()

    def get(self, ids: Sequence[str] = ()) -> tuple[Engine, threading.Lock]:
        key = tuple(ids)
        with self._lock:
            found = self._engines.get(key)
            if found is None:
                found = (Engine(load_rulebook(key)), threading.Lock())
                if len(self._engines) >= 8:
                    self._engines.pop(next(iter(self._engines)))
                self._engines[key] = found
            return found
