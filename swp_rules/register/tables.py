"""The register's tables (SQLAlchemy Core), as the newest migration leaves them.

* ``register_runs``: one row per recorded run: when, as of, the input's digest, the rulesets (ids, versions,
  content hashes), the families reported, the counts; ``run_key`` makes a run of the same input, date, rulesets
  and families unique, so recording it again adds nothing.
* ``register_duties``: one row per duty ever reported, keyed by (child, rule, due), with its history as a breach:
  the first run that reported it breached and the run that resolved it (met, or no longer reported); the last run
  that reported it is read from the findings.
* ``register_findings``: what each run said of each duty (breached or open), with the result's fields.
"""

from __future__ import annotations

from typing import Final

import sqlalchemy as sa

metadata: Final = sa.MetaData()

runs: Final = sa.Table(
    "register_runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_key", sa.String(64), nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("input_digest", sa.String(64), nullable=False),
    sa.Column("rulesets", sa.Text, nullable=False),
    sa.Column("families", sa.Text, nullable=False, server_default=""),
    sa.Column("read", sa.Integer, nullable=False),
    sa.Column("evaluated", sa.Integer, nullable=False),
    sa.Column("duplicates", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
    sa.Column("children", sa.Integer, nullable=False),
    sa.Column("breaches", sa.Integer, nullable=False),
    sa.Column("open", sa.Integer, nullable=False),
    sa.UniqueConstraint("run_key", name="uq_register_runs_run_key"),
)

duties: Final = sa.Table(
    "register_duties", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("child", sa.Text, nullable=False),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("due", sa.Text, nullable=False),
    sa.Column("first_seen_run", sa.Integer, sa.ForeignKey("register_runs.id"), nullable=False),
    sa.Column("first_breached_run", sa.Integer, sa.ForeignKey("register_runs.id"), nullable=True),
    sa.Column("resolved_run", sa.Integer, sa.ForeignKey("register_runs.id"), nullable=True),
    sa.Column("resolution", sa.String(20), nullable=True),
    sa.UniqueConstraint("child", "rule", "due", name="uq_register_duties_key"),
)
sa.Index("ix_register_duties_rule", duties.c.rule)

findings: Final = sa.Table(
    "register_findings", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("register_runs.id"), primary_key=True),
    sa.Column("duty_id", sa.Integer, sa.ForeignKey("register_duties.id"), primary_key=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("met", sa.Text, nullable=True),
    sa.Column("days_late", sa.Integer, nullable=False),
    sa.Column("citation", sa.Text, nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("explanation", sa.Text, nullable=False),
    sa.Column("basis", sa.Text, nullable=True),
    sa.Column("discharged_by", sa.Text, nullable=True),
)
sa.Index("ix_register_findings_duty", findings.c.duty_id)

#: The write lock (``database.writing``) is taken on this table.
LOCK_TABLE: Final = "register_runs"
#: Alembic's record of the register's schema version.
VERSION_TABLE: Final = "register_alembic_version"
