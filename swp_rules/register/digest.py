"""The digest that identifies a run's input: SHA-256 over the files' contents, in the order given."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

_CHUNK = 1 << 20


def files_digest(paths: Sequence[str | Path]) -> str:
    """SHA-256 of the input files: each file's own SHA-256 and length, in order (renaming a file changes nothing;
    changing a byte, or the order, does)."""
    outer = hashlib.sha256()
    for path in paths:
        inner = hashlib.sha256()
        size = 0
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                inner.update(chunk)
                size += len(chunk)
        outer.update(f"{size}:{inner.hexdigest()}\n".encode())
    return outer.hexdigest()


def records_digest(records: Iterable[dict[str, Any]]) -> str:
    """SHA-256 of records given as data (the HTTP service's input): each record's canonical JSON, in order."""
    outer = hashlib.sha256()
    for record in records:
        outer.update(json.dumps(record, sort_keys=True, ensure_ascii=False, default=str).encode())
        outer.update(b"\n")
    return outer.hexdigest()
