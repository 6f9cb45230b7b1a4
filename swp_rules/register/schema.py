"""The register's schema version: Alembic migrations shipped in the package (``swp_rules/register/migrations``).

A new register is created at the newest version; a register written by an older swp-rules is brought up to date by
``swp-rules register upgrade`` (``upgrade``), never silently by a run.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from swp_rules.register.database import RegisterError, writing
from swp_rules.register.tables import LOCK_TABLE, VERSION_TABLE

SCRIPT_LOCATION: Final = "swp_rules.register:migrations"
#: PostgreSQL advisory lock held while the schema is created or upgraded (two first runs at once create it once).
_PG_SCHEMA_LOCK: Final = 0x5357_5052  # "SWPR"


class SchemaOutOfDate(RegisterError):
    """The register was written by an older swp-rules: ``swp-rules register upgrade`` brings it up to date."""


def _config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema version this swp-rules writes."""
    return revisions()[-1]


@lru_cache(maxsize=1)
def _revisions() -> tuple[str, ...]:
    script = ScriptDirectory.from_config(_config())
    return tuple(r.revision for r in reversed(list(script.walk_revisions())))


def revisions() -> list[str]:
    """Every schema version, oldest first."""
    return list(_revisions())


def current_revision(connection: sa.Connection) -> str | None:
    """The register's schema version (``None`` for an empty database)."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def _lock_for_schema(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_SCHEMA_LOCK})


def check_schema(connection: sa.Connection) -> str | None:
    """The register's version if it is the newest; raises ``SchemaOutOfDate`` for an older one and
    ``RegisterError`` for one newer than this swp-rules knows or for a database that holds other tables only."""
    current = current_revision(connection)
    if current is None:
        return None
    known = revisions()
    if current not in known:
        raise RegisterError(f"the register is at schema version {current}, newer than this swp-rules knows "
                            f"({known[-1]}): upgrade swp-rules")
    if current != known[-1]:
        raise SchemaOutOfDate(f"the register is at schema version {current}; this swp-rules writes {known[-1]}: "
                              "run `swp-rules register upgrade` (back the register up first)")
    return current


def create_if_empty(engine: sa.Engine) -> bool:
    """Create the tables in an empty database (at the newest version); ``True`` if it did. Safe when two
    processes start on the same new register at once."""
    with writing(engine, lock_table=None) as connection:
        _lock_for_schema(connection)
        if current_revision(connection) is not None:
            return False
        if sa.inspect(connection).has_table(LOCK_TABLE):
            raise RegisterError("the database holds register tables but no schema version; it was not written by "
                                "swp-rules")
        command.upgrade(_config(connection), "head")
        return True


def upgrade(engine: sa.Engine, target: str = "head") -> tuple[str | None, str | None]:
    """Bring the register's schema to ``target`` (default the newest), in one transaction; returns the versions
    before and after."""
    with writing(engine, lock_table=None) as connection:
        _lock_for_schema(connection)
        before = current_revision(connection)
        if before is not None and before not in revisions():
            raise RegisterError(f"the register is at schema version {before}, newer than this swp-rules knows")
        command.upgrade(_config(connection), target)
        return before, current_revision(connection)
