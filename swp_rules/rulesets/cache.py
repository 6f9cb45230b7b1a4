"""Parsed rulesets kept for the life of the process, so a ruleset file is parsed once however often it is loaded.

Parsing YAML with line numbers is the costly part of loading a ruleset (a settlement asks for the indicator
definitions once per measure window). A parsed ruleset is an immutable value; it is reused while its file is
unchanged (same resolved path, same content) and loaded with no parameters.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from swp_rules.rulesets.loader import find_ruleset_file

T = TypeVar("T")

_PARSED: dict[Hashable, Any] = {}
_LOCK = threading.Lock()


def parsed_once(kind: str, id_or_path: str | Path, parameters: Mapping[str, Any] | None,
                parse: Callable[[], T]) -> T:
    """``parse()``'s value for this ruleset, from the cache when its file has not changed since it was parsed.

    A load with parameters is not cached (their values change the result). A ruleset that fails to parse raises
    each time, as it would without the cache."""
    if parameters:
        return parse()
    try:
        path = find_ruleset_file(str(id_or_path))
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except Exception:  # let the parser report the missing or unreadable file, as it always has
        return parse()
    key = (kind, str(id_or_path), str(path.resolve()), digest)
    with _LOCK:
        if key in _PARSED:
            return _PARSED[key]  # type: ignore[no-any-return]
    value = parse()
    with _LOCK:
        _PARSED[key] = value
    return value


def clear() -> None:
    """Forget every parsed ruleset (for tests, and for a long-running process that wants a fresh read)."""
    with _LOCK:
        _PARSED.clear()
