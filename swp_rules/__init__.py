"""swp-rules: statutory duties, outcome indicators and practice-contract payments for looked-after children.

The names below are imported when first used (``from swp_rules import load_events``), so that a command that needs
none of them (``swp-rules --help``, or one whose modules import only their own) starts without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from swp_rules.io.events import InputCounts, InputError, LoadedEvents, Rejection, load_events, load_records
    from swp_rules.model import EVENT_TYPES, Event, RecordError
    from swp_rules.schema.events import event_json_schema

__version__ = "0.1.0"

#: Each public name and the module that defines it.
_WHERE: dict[str, str] = {
    "EVENT_TYPES": "swp_rules.model",
    "Event": "swp_rules.model",
    "RecordError": "swp_rules.model",
    "InputCounts": "swp_rules.io.events",
    "InputError": "swp_rules.io.events",
    "LoadedEvents": "swp_rules.io.events",
    "Rejection": "swp_rules.io.events",
    "load_events": "swp_rules.io.events",
    "load_records": "swp_rules.io.events",
    "event_json_schema": "swp_rules.schema.events",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'swp_rules' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
