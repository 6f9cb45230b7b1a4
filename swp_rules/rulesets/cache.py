"""Parsed rulesets kept, so a ruleset file is parsed once however often it is loaded, and once per change of file.

Parsing YAML with line numbers is the costly part of loading a ruleset (about 0.1 s for the statutory rules, every
run; a settlement asks for the indicator definitions once per measure window). A parsed ruleset is an immutable
value, kept

* in this process, for as long as it runs, and
* on disk, in the user's cache folder (``$SWP_RULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/swp-rules``, else
  ``~/.cache/swp-rules``), so the next run starts without parsing. ``SWP_RULES_CACHE_DIR=off`` turns the disk cache
  off. The folder holds only parsed rulesets (no case data); a file that cannot be read or written is ignored.

Both are keyed by the ruleset's kind, the id or path it was asked for, the file it resolved to and the file's
content (and, on disk, the Python version and a stamp of the package's code), so an edited file is parsed again.
A load with parameters is never cached: their values change the result.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any, Final, TypeVar

T = TypeVar("T")

#: Bumped when the parsed classes change shape, so an old disk cache is not read.
_FORMAT: Final = "1"

_PARSED: dict[Hashable, Any] = {}
_LOCK = threading.Lock()


def cache_folder() -> Path | None:
    """Where parsed rulesets are kept on disk, or ``None`` when the disk cache is off."""
    chosen = os.environ.get("SWP_RULES_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "none") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "swp-rules"


def parsed_once(kind: str, id_or_path: str | Path, parameters: Mapping[str, Any] | None,
                parse: Callable[[], T]) -> T:
    """``parse()``'s value for this ruleset, from a cache when its file has not changed since it was parsed.

    A ruleset that fails to parse raises each time, as it would without the cache."""
    from swp_rules.rulesets.loader import find_ruleset_file

    if parameters:
        return parse()
    try:
        path = find_ruleset_file(str(id_or_path))
        content = path.read_bytes()
    except Exception:  # let the parser report the missing or unreadable file, as it always has
        return parse()
    key = (kind, str(id_or_path), str(path.resolve()), hashlib.blake2b(content, digest_size=16).digest())
    with _LOCK:
        if key in _PARSED:
            return _PARSED[key]  # type: ignore[no-any-return]
    value = _from_disk(key)
    if value is None:
        value = parse()
        _to_disk(key, value)
    with _LOCK:
        _PARSED[key] = value
    return value  # type: ignore[no-any-return]


@functools.cache
def _code_stamp() -> bytes:
    """A stamp of the package's own code (each module's path, size and modification time): parsed values are
    instances of its classes, so a cache written by other code (an upgrade, a developer's edit) is not read."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    for module in sorted(root.rglob("*.py")):
        stat = module.stat()
        digest.update(f"{module.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.digest()


def _disk_name(key: tuple[Any, ...]) -> str:
    text = repr((_FORMAT, sys.version_info[:3], key[:3])).encode() + key[3] + _code_stamp()
    return hashlib.blake2b(text, digest_size=20).hexdigest() + ".pickle"


def _from_disk(key: tuple[Any, ...]) -> Any:
    folder = cache_folder()
    if folder is None:
        return None
    try:
        with (folder / _disk_name(key)).open("rb") as handle:
            return pickle.load(handle)
    except Exception:  # absent, unreadable or from another version: parse again
        return None


def _to_disk(key: tuple[Any, ...], value: Any) -> None:
    folder = cache_folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, folder / _disk_name(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except Exception:  # a read-only home or a full disk only costs the next run a parse
        return


def kept_on_disk(name: str, key: bytes, build: Callable[[], T]) -> T:
    """``build()``'s value, kept in the cache folder under ``name`` and ``key`` (with the code stamp and the Python
    version), for a table that costs more to build than to read back (the working-day calendar)."""
    entry = ("value", name, "", key)
    value = _from_disk(entry)
    if value is None:
        value = build()
        _to_disk(entry, value)
    return value  # type: ignore[no-any-return]


def clear() -> None:
    """Forget every parsed ruleset held in this process (the disk cache stays; delete its folder to empty it)."""
    with _LOCK:
        _PARSED.clear()
