"""Parsed rulesets kept, so a ruleset file is parsed once however often it is loaded, and once per change of file.

Reading YAML with line numbers is the costly part of loading a ruleset (about 0.1 s for the statutory rules, every
run; a settlement asks for the indicator definitions once per measure window). So:

* in this process, a parsed ruleset (an immutable value) is kept for as long as the process runs (``parsed_once``),
  keyed by its kind, the id or path it was asked for, the file it resolved to and the file's content; and
* on disk, in the user's cache folder (``$SWP_RULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/swp-rules``, else
  ``~/.cache/swp-rules``), each ruleset file's YAML tree is kept as JSON data (``swp_rules.rulesets.tree``), keyed
  by the SHA-256 of the file's text and a stamp of the YAML reader, so the next run skips the YAML library; the
  ruleset's parser then checks the tree exactly as it checks a freshly read file. The bank-holiday table is kept the
  same way (a list of dates).

Nothing in the folder is code: an entry is JSON that is decoded with every shape, type and bound checked, and any
entry that does not check out is ignored (the file is read again). The folder is used only when it belongs to the
user running the command and no one else can write in it (it is created so); ``SWP_RULES_CACHE_DIR=off`` turns
it off. It holds no case data, and deleting it is always safe.

A load with parameters is never kept in the process: their values change the result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import threading
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any, Final, TypeVar

import msgspec

T = TypeVar("T")

_PARSED: dict[Hashable, Any] = {}
_LOCK = threading.Lock()


def cache_folder() -> Path | None:
    """Where ruleset trees are kept on disk, or ``None`` when the disk cache is off."""
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
    value = parse()  # the file's YAML tree comes from the cache folder when it is there (``read_json``)
    with _LOCK:
        _PARSED[key] = value
    return value


#: The largest cache entry read: a ruleset's tree is a few hundred KiB at most.
_MOST_BYTES: Final = 16 << 20


def _usable(folder: Path, create: bool) -> bool:
    """Whether ``folder`` is a folder of this user's that no one else can write in (created so when asked)."""
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = folder.stat()
    except OSError:
        return False
    if not stat.S_ISDIR(found.st_mode) or found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not hasattr(os, "geteuid") or found.st_uid == os.geteuid()


def _entry_name(key: str, form: str) -> str:
    return hashlib.blake2b(f"{form}\0{key}".encode(), digest_size=20).hexdigest() + ".json"


def read_json(key: str, form: str) -> Any:
    """The data kept under ``key`` in format ``form`` (plain JSON values), or ``None`` when there is none, the
    folder is off or not safe to read, or the entry is not one this code wrote for that key."""
    folder = cache_folder()
    if folder is None or not _usable(folder, create=False):
        return None
    try:
        with (folder / _entry_name(key, form)).open("rb") as handle:
            found = os.fstat(handle.fileno())
            if hasattr(os, "geteuid") and found.st_uid != os.geteuid():
                return None
            data = handle.read(_MOST_BYTES + 1)
        if len(data) > _MOST_BYTES:
            return None
        entry = msgspec.json.decode(data)
    except (OSError, msgspec.DecodeError, RecursionError):
        return None
    if type(entry) is not dict or entry.get("format") != form or entry.get("key") != key or "data" not in entry:
        return None
    return entry["data"]


def write_json(key: str, form: str, data: Any) -> None:
    """Keep ``data`` (plain JSON values) under ``key`` in format ``form``, written whole or not at all; a folder
    that is off, not safe, read-only or full only costs the next run a parse."""
    folder = cache_folder()
    if folder is None or not _usable(folder, create=True):
        return
    try:
        encoded = msgspec.json.encode({"format": form, "key": key, "data": data})
        import tempfile  # imported by a run that writes an entry

        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(encoded)
            os.replace(temporary, folder / _entry_name(key, form))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, TypeError, OverflowError, msgspec.EncodeError):
        return


_DATES_FORMAT: Final = "dates-1"


def kept_dates(name: str, key: str, build: Callable[[], frozenset[dt.date]]) -> frozenset[dt.date]:
    """``build()``'s set of dates, kept in the cache folder under ``name`` and ``key`` (for a table that costs more
    to build than to read back: the bank holidays the working-day calendar counts)."""
    entry = f"{name}:{key}"
    found = read_json(entry, _DATES_FORMAT)
    if type(found) is list and len(found) <= 1_000_000 and all(
            type(n) is int and 0 < n <= _LAST_ORDINAL for n in found):
        return frozenset(dt.date.fromordinal(n) for n in found)
    value = build()
    write_json(entry, _DATES_FORMAT, sorted(day.toordinal() for day in value))
    return value


_LAST_ORDINAL: Final = dt.date.max.toordinal()


def clear() -> None:
    """Forget every parsed ruleset held in this process (the disk cache stays; delete its folder to empty it)."""
    with _LOCK:
        _PARSED.clear()
