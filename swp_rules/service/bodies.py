"""Events in a request body: a JSON array of event objects (``application/json``) or JSON Lines
(``application/x-ndjson``, ``application/jsonl``), read by the same readers as files, with the same rejections and
counts (read = evaluated + duplicates + rejected)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any, Final

from swp_rules.io.events import EventReader, LoadedEvents, iter_jsonl

JSON_LINES: Final = ("application/x-ndjson", "application/jsonl", "application/json-lines", "text/jsonl")
SOURCE: Final = "<request>"


class BodyError(ValueError):
    """The body is not a JSON array of events nor JSON Lines (400)."""


def _parse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def media_type(content_type: str | None) -> str:
    return (content_type or "application/json").split(";", 1)[0].strip().lower()


def read_events(body: bytes, content_type: str | None) -> LoadedEvents:
    """The events of a request body; a record that is not a valid event is rejected with its line (JSON Lines) or
    position (JSON array), never the whole request."""
    reader = EventReader()
    kind = media_type(content_type)
    if kind in JSON_LINES:
        events = tuple(reader.accept(iter_jsonl(io.BytesIO(body), SOURCE), SOURCE))
    elif kind == "application/json" or kind.endswith("+json"):
        records = parse_json(body)
        if not isinstance(records, list):
            raise BodyError("the body must be a JSON array of events (or JSON Lines with Content-Type "
                            "application/x-ndjson)")
        events = tuple(reader.read_records(records, SOURCE))
    else:
        raise BodyError(f"unsupported Content-Type {kind[:60]!r}: send application/json or application/x-ndjson")
    return LoadedEvents(events, tuple(reader.rejected), reader.counts)


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"), parse_float=Decimal, parse_constant=_parse_constant)
    except UnicodeDecodeError as exc:
        raise BodyError(f"the body is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise BodyError(f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError as exc:
        raise BodyError(f"the body is not valid JSON: {exc}") from None
