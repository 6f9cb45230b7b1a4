"""Output that cannot mislead or harm the person who opens it.

* ``atomic_output``: a file is written to a temporary file in the same folder and renamed over the final name only
  when complete, so a run that fails or is killed leaves the previous file (or none), never a short one that looks
  whole. An output that cannot be written raises ``OutputError`` saying which and why.
* ``neutralise_cell`` / ``spreadsheet_cell``: a text cell that a spreadsheet would run as a formula (it begins with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with ``'`` (the OWASP rule for CSV injection).
  Every CSV writer uses it, and so must every spreadsheet writer.
* ``terminal_text``: text with control characters (terminal escape sequences) shown as ``\\xNN`` rather than sent
  to the terminal (``swp_rules.io.console.SafeConsole`` prints every string through it).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final, Literal, overload

#: What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection"), with the full-width forms some
#: spreadsheets also accept.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class OutputError(Exception):
    """An output cannot be written (its folder is missing or read-only, the disk is full…); nothing was written."""


def neutralise_cell(text: str) -> str:
    """``text`` as a cell no spreadsheet runs: prefixed with ``'`` when it begins like a formula.

    >>> neutralise_cell('=HYPERLINK("http://example.invalid")')
    '\\'=HYPERLINK("http://example.invalid")'
    >>> neutralise_cell("CH001")
    'CH001'
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_cell(value: Any) -> Any:
    """A value as a CSV or spreadsheet cell: text neutralised; numbers (``int``, ``Decimal``) kept as numbers.

    ``None`` is an empty cell, booleans ``true``/``false``, dates ISO text, lists their items joined by spaces.
    A number is written as a number (it cannot be a formula), even when negative; any text that begins like a
    formula, a child's id or a free-text field included, is prefixed with ``'``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = " ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
    return neutralise_cell(text)


class CsvWriter:
    """Rows of CSV whose every cell goes through ``spreadsheet_cell``, lines ending ``\\n``.

    A row with a carriage return in a cell is written fully quoted, so that no reader (or spreadsheet) splits the
    row there and starts a new line with the rest of the cell.
    """

    def __init__(self, out: IO[str]) -> None:
        self._minimal = csv.writer(out, lineterminator="\n")
        self._quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, values: Iterable[Any]) -> None:
        cells = [spreadsheet_cell(v) for v in values]
        if any(isinstance(c, str) and "\r" in c for c in cells):
            self._quoted.writerow(cells)
        else:
            self._minimal.writerow(cells)


# --- files written whole or not at all ------------------------------------------------------------------------


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


class _GuardedWriter:
    """A file handle whose write errors become ``OutputError`` naming the output (not a bare ``OSError``)."""

    def __init__(self, handle: IO[Any], name: str) -> None:
        self._handle = handle
        self._name = name

    def write(self, data: Any) -> int:
        try:
            return self._handle.write(data)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"{self._name}: cannot be written ({_reason(exc)})") from None

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._handle.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"{self._name}: cannot be written ({_reason(exc)})") from None

    def isatty(self) -> bool:
        return bool(self._handle.isatty())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def _open_temporary(target: Path, binary: bool, encoding: str, newline: str | None) -> tuple[Path, IO[Any]]:
    """A new file beside ``target`` (``.NAME.RANDOM.part``), created exclusively with the usual permissions."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        temporary = target.with_name(f".{target.name}.{os.urandom(4).hex()}.part")
        try:
            descriptor = os.open(temporary, flags, 0o666)  # the umask applies, as for any new file
            break
        except FileExistsError:  # pragma: no cover - a 32-bit random name already taken
            continue
    try:
        if target.exists():  # keep the mode of the file being replaced
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        if binary:
            return temporary, os.fdopen(descriptor, "wb")
        return temporary, os.fdopen(descriptor, "w", encoding=encoding, newline=newline)
    except BaseException:
        os.close(descriptor)
        temporary.unlink(missing_ok=True)
        raise


@overload
def atomic_output(path: str | Path, *, binary: Literal[False] = ..., encoding: str = ...,
                  newline: str | None = ...) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def atomic_output(path: str | Path, *, binary: Literal[True], encoding: str = ...,
                  newline: str | None = ...) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def atomic_output(path: str | Path, *, binary: bool = False, encoding: str = "utf-8",
                  newline: str | None = "") -> contextlib.AbstractContextManager[IO[Any]]:
    """Open ``path`` for writing, whole or not at all: the content appears under ``path`` only if the block ends
    without an exception; otherwise the previous file (or none) stays.

    A symbolic link is followed (the file it points to is replaced). A device or pipe (``/dev/stdout``,
    ``/dev/full``, a FIFO) is written directly, as it cannot be replaced. Every failure to write raises
    ``OutputError`` naming the output and the reason.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> with atomic_output(target) as out:
    ...     _ = out.write("a,b\\n")
    >>> target.read_text()
    'a,b\\n'
    """
    return _atomic_output(Path(path), binary, encoding, newline)


@contextlib.contextmanager
def _atomic_output(path: Path, binary: bool, encoding: str, newline: str | None) -> Iterator[IO[Any]]:
    name = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"{name}: cannot be written ({_reason(exc)})") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{name}: cannot be written (it is a folder)")
    if info is not None and not stat.S_ISREG(info.st_mode):
        yield from _direct(path, name, binary, encoding, newline)
        return
    target = Path(os.path.realpath(path))
    if not target.parent.is_dir():
        raise OutputError(f"{name}: cannot be written (no folder {str(path.parent)!r})")
    try:
        temporary, handle = _open_temporary(target, binary, encoding, newline)
    except OSError as exc:
        raise OutputError(f"{name}: cannot be written ({_reason(exc)})") from None
    done = False
    try:
        yield _GuardedWriter(handle, name)  # type: ignore[misc]
        try:
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.replace(temporary, target)
        except OSError as exc:
            raise OutputError(f"{name}: cannot be written ({_reason(exc)})") from None
        done = True
    finally:
        if not done:
            with contextlib.suppress(OSError):
                handle.close()
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def _direct(path: Path, name: str, binary: bool, encoding: str, newline: str | None) -> Iterator[IO[Any]]:
    """Write a device or pipe in place."""
    try:
        handle: IO[Any] = path.open("wb") if binary else path.open("w", encoding=encoding, newline=newline)
    except OSError as exc:
        raise OutputError(f"{name}: cannot be written ({_reason(exc)})") from None
    try:
        yield _GuardedWriter(handle, name)  # type: ignore[misc]
        try:
            handle.flush()
        except OSError as exc:
            raise OutputError(f"{name}: cannot be written ({_reason(exc)})") from None
    finally:
        with contextlib.suppress(OSError):
            handle.close()


@contextlib.contextmanager
def standard_output(*, binary: bool = False) -> Iterator[IO[Any]]:
    """Standard output, flushed at the end; a failure to write it (a full disk) raises ``OutputError``."""
    out: IO[Any] = sys.stdout.buffer if binary else sys.stdout
    yield _GuardedWriter(out, "standard output")  # type: ignore[misc]
    try:
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"standard output cannot be written ({_reason(exc)})") from None


# --- text for a terminal ---------------------------------------------------------------------------------------

_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    """``text`` with control characters (escape sequences, bidirectional overrides) shown as ``\\xNN``/``\\uNNNN``.

    >>> terminal_text("a\\x1b]8;;http://example.invalid\\x07b")
    'a\\\\x1b]8;;http://example.invalid\\\\x07b'
    """
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
