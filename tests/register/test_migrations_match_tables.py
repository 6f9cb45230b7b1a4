"""The migrations and the tables the code reads and writes describe one schema: a register the migrations create
(from nothing, or from an old register through every version) differs in nothing Alembic compares from
``swp_rules.register.tables``: tables, columns and their types, nullability, keys, indexes and unique constraints."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from swp_rules.register.database import create_register_engine, register_url
from swp_rules.register.schema import upgrade
from swp_rules.register.tables import VERSION_TABLE, metadata


def _differences(name: str) -> list[object]:
    engine = create_register_engine(register_url(name))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"version_table": VERSION_TABLE, "compare_type": True,
                                  "include_name": lambda name, kind, _parent: name != VERSION_TABLE})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_the_newest_migration_creates_the_tables_the_code_uses(register_name: str) -> None:
    engine = create_register_engine(register_url(register_name))
    upgrade(engine)
    engine.dispose()
    assert _differences(register_name) == []


def test_every_migration_in_turn_ends_at_the_same_tables(register_name: str) -> None:
    engine = create_register_engine(register_url(register_name))
    upgrade(engine, "0001")
    with engine.connect() as connection:
        first = set(sa.inspect(connection).get_table_names())
    upgrade(engine)
    engine.dispose()
    assert {"register_runs", "register_duties", "register_findings"} <= first
    assert _differences(register_name) == []
