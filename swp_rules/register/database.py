"""Where a register lives: a SQLite file (the default) or a PostgreSQL database, and how it is opened.

A register is named by a path (``register.db``: a SQLite file) or a URL (``sqlite:///path``,
``postgresql+psycopg://user@host/db``; ``postgresql://`` means the same). Writing a run is one transaction that first
takes the register's write lock (SQLite ``BEGIN IMMEDIATE``; PostgreSQL a lock on the runs table), so that two runs
recorded at once are recorded one after the other, never interleaved.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

#: How long a writer waits for another's transaction to finish before giving up (seconds).
LOCK_TIMEOUT_SECONDS: Final = 300
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


class RegisterError(Exception):
    """The register cannot be used: a bad URL, a missing file, an unreachable server, an out-of-date schema."""


class UnknownRun(RegisterError):
    """The register has no run with that id."""


def register_url(name: str | Path) -> URL:
    """The SQLAlchemy URL of a register named by a path or a URL."""
    text = str(name)
    if not text.strip():
        raise RegisterError("the register is named by an empty string")
    if not _SCHEME.match(text):
        return URL.create("sqlite", database=str(Path(text)))
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise RegisterError("the register URL cannot be parsed") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise RegisterError(f"a register is a SQLite file or a PostgreSQL database, not {url.get_backend_name()!r}")
    return url


def describe_url(url: URL) -> str:
    """The register's URL as safe to print (the password hidden)."""
    return url.render_as_string(hide_password=True)


def create_register_engine(url: URL) -> sa.Engine:
    """An engine for the register, with SQLite set up for several processes (WAL, a busy timeout, explicit
    transactions)."""
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, connect_args={"timeout": LOCK_TIMEOUT_SECONDS}, poolclass=sa.NullPool)

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event below issues BEGIN itself
            cursor = dbapi_connection.cursor()
            _switch_to_wal(cursor)
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: sa.Connection) -> None:
            write = connection.get_execution_options().get("swp_write", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    """Put the file in write-ahead-log mode, waiting as a writer would while another connection holds a lock.

    Switching a new file (still in rollback-journal mode) to WAL needs an exclusive lock, and SQLite answers
    ``SQLITE_BUSY`` at once, without calling the busy handler, when another connection holds the file's write lock
    (two first runs on one new register at once): so the switch is retried here, up to ``LOCK_TIMEOUT_SECONDS``."""
    deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite register (``None`` for PostgreSQL or an in-memory database)."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


@contextlib.contextmanager
def writing(engine: sa.Engine, lock_table: str | None) -> Iterator[sa.Connection]:
    """One write transaction holding the register's write lock until it commits (or rolls back): SQLite's
    database lock; on PostgreSQL a lock on ``lock_table`` when given."""
    with engine.connect().execution_options(swp_write=True) as connection, connection.begin():
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'"))
        if engine.dialect.name == "postgresql" and lock_table is not None:
            connection.execute(sa.text(f"LOCK TABLE {lock_table} IN SHARE ROW EXCLUSIVE MODE"))
        yield connection


@contextlib.contextmanager
def reading(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One read transaction: a consistent view of the register."""
    with engine.connect() as connection, connection.begin():
        yield connection
