"""Alembic's environment for the register: migrations run on the connection ``swp_rules.register.schema`` hands over
(``config.attributes["connection"]``), or on ``sqlalchemy.url`` when run by the ``alembic`` command itself."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from swp_rules.register.tables import VERSION_TABLE, metadata

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE,
                          render_as_batch=True)
        context.run_migrations()
        return
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///register.db")
    with engine.begin() as own:
        context.configure(connection=own, target_metadata=metadata, version_table=VERSION_TABLE,
                          render_as_batch=True)
        context.run_migrations()


run_migrations()
