"""What the running service holds: its settings, its engines, and the event store (one ``RunningEvaluation``)."""

from __future__ import annotations

import threading

import attrs

from swp_rules.engine import Engine, RunningEvaluation
from swp_rules.service.engines import Engines
from swp_rules.service.settings import ServiceSettings


@attrs.define
class ServiceState:
    settings: ServiceSettings
    engines: Engines
    _store: RunningEvaluation | None = None
    store_lock: threading.Lock = attrs.field(factory=threading.Lock)

    @property
    def store(self) -> RunningEvaluation:
        """The event store: events pushed with PUT /events/{id}, evaluated incrementally (statutory rules)."""
        if self._store is None:
            self._store = RunningEvaluation(Engine())  # its own engine: the store has its own lock
        return self._store
