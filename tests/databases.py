"""Throwaway databases for the register's and the service's tests: a SQLite file, or a new database on the
PostgreSQL server named by ``SWP_RULES_TEST_POSTGRES`` (dropped afterwards), so that several test runs can share one
server without meeting."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ENV: Final = "SWP_RULES_TEST_POSTGRES"
#: How many tests were skipped for want of a PostgreSQL server (reported in the terminal summary).
skipped_for_postgres: list[str] = []


def postgres_base_url() -> str | None:
    return os.environ.get(ENV) or None


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A new, empty database on the test server; its URL. Dropped when done."""
    base = postgres_base_url()
    assert base is not None
    url = make_url(base)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    name = f"swp_rules_test_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def throwaway_register(backend: str, folder: Path) -> Iterator[str]:
    """The name of a register that does not exist yet, on ``backend`` (``sqlite`` or ``postgresql``)."""
    if backend == "sqlite":
        yield str(folder / f"register-{uuid.uuid4().hex[:8]}.db")
    else:
        with throwaway_postgres() as url:
            yield url
