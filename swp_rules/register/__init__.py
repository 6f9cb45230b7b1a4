"""The breach register: a database of ``check`` runs, their breaches and open duties, and each breach's history.

SQLite by default (a file), PostgreSQL by URL; the schema is kept by Alembic migrations shipped in the package.

    >>> from swp_rules.register import Register
    >>> register = Register.open("register.db", create=True)      # doctest: +SKIP
    >>> register.record(evaluation, RunInput(digest, counts))      # doctest: +SKIP
    >>> register.breaches(open_only=True)                          # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from swp_rules.engine.evaluate import Evaluation
from swp_rules.register import queries, schema
from swp_rules.register.database import (
    RegisterError,
    UnknownRun,
    create_register_engine,
    describe_url,
    reading,
    register_url,
    sqlite_path,
    writing,
)
from swp_rules.register.digest import files_digest, records_digest
from swp_rules.register.record import RunInput, record_run
from swp_rules.register.results import DiffLine, RecordedRun, RegisterDiff, RegisteredBreach, Run
from swp_rules.register.schema import SchemaOutOfDate
from swp_rules.register.tables import LOCK_TABLE

__all__ = [
    "DiffLine",
    "RecordedRun",
    "Register",
    "RegisterDiff",
    "RegisterError",
    "RegisteredBreach",
    "Run",
    "RunInput",
    "SchemaOutOfDate",
    "UnknownRun",
    "files_digest",
    "records_digest",
]


class Register:
    """A breach register, open on its database. Use ``Register.open``; close it with ``close`` (or ``with``)."""

    def __init__(self, url: URL, engine: sa.Engine) -> None:
        self.url = url
        self.engine = engine

    @classmethod
    def open(cls, name: str | Path, *, create: bool = False, upgrading: bool = False) -> Register:
        """Open the register named by a path or URL.

        ``create``: make it (a new SQLite file, or the tables in an empty database) when it does not exist yet.
        ``upgrading``: open a register of an older schema, to upgrade it; otherwise one raises ``SchemaOutOfDate``.
        Raises ``RegisterError`` when it cannot be used."""
        url = register_url(name)
        path = sqlite_path(url)
        if path is not None and not create and not path.exists():
            raise RegisterError(f"no register at {path} (a run with `check --register {path}` creates one)")
        if path is not None and create and not path.parent.is_dir():
            raise RegisterError(f"{path.parent} is not a folder")
        try:
            engine = create_register_engine(url)
        except ModuleNotFoundError as missing:
            raise RegisterError(f"a PostgreSQL register needs {missing.name}: pip install "
                                "'swp-rules[postgresql]'") from None
        register = cls(url, engine)
        try:
            if create:
                schema.create_if_empty(engine)
            if not upgrading:
                with reading(engine) as connection:
                    if schema.check_schema(connection) is None:
                        raise RegisterError(f"{describe_url(url)} holds no register")
        except SQLAlchemyError as exc:
            engine.dispose()
            raise RegisterError(_database_error(exc)) from None
        except RegisterError:
            engine.dispose()
            raise
        return register

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    @property
    def name(self) -> str:
        """The register's file, or its URL with the password hidden: safe to print."""
        path = sqlite_path(self.url)
        return str(path) if path is not None else describe_url(self.url)

    def record(self, evaluation: Evaluation, run_input: RunInput, *,
               recorded_at: dt.datetime | None = None) -> RecordedRun:
        """Record a run (one transaction, under the write lock); the same run again adds nothing."""
        with self._guard(), writing(self.engine, LOCK_TABLE) as connection:
            schema.check_schema(connection)
            return record_run(connection, evaluation, run_input, recorded_at=recorded_at)

    def runs(self) -> list[Run]:
        with self._guard(), reading(self.engine) as connection:
            return queries.list_runs(connection)

    def run(self, run_id: int) -> Run:
        with self._guard(), reading(self.engine) as connection:
            return queries.get_run(connection, run_id)

    def breaches(self, *, open_only: bool = False, child: str | None = None,
                 rule: str | None = None) -> list[RegisteredBreach]:
        with self._guard(), reading(self.engine) as connection:
            return queries.list_breaches(connection, open_only=open_only, child=child, rule=rule)

    def diff(self, from_run: int, to_run: int) -> RegisterDiff:
        with self._guard(), reading(self.engine) as connection:
            return queries.diff_runs(connection, from_run, to_run)

    def schema_version(self) -> str | None:
        with self._guard(), reading(self.engine) as connection:
            return schema.current_revision(connection)

    def upgrade(self) -> tuple[str | None, str | None]:
        """Bring the schema up to date (one transaction); the versions before and after."""
        with self._guard():
            return schema.upgrade(self.engine)

    def _guard(self) -> _Guard:
        return _Guard()


class _Guard:
    """Turns a database error into a ``RegisterError`` that names no data (SQL errors can quote values)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, SQLAlchemyError):
            raise RegisterError(_database_error(exc)) from None


def _database_error(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    kind = type(original).__name__ if original is not None else type(exc).__name__
    if isinstance(exc, sa.exc.OperationalError):
        return f"the register's database cannot be used ({kind}: is it there, and reachable?)"
    return f"the register's database refused the operation ({kind})"
