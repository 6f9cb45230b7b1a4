"""swp-rules: statutory duties, outcome indicators and practice-contract payments for looked-after children."""

from __future__ import annotations

from swp_rules.io.events import InputCounts, InputError, LoadedEvents, Rejection, load_events, load_records
from swp_rules.model import EVENT_TYPES, Event, RecordError
from swp_rules.schema.events import event_json_schema

__version__ = "0.1.0"

__all__ = [
    "EVENT_TYPES",
    "Event",
    "InputCounts",
    "InputError",
    "LoadedEvents",
    "RecordError",
    "Rejection",
    "__version__",
    "event_json_schema",
    "load_events",
    "load_records",
]
