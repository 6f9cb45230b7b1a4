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

from typing import Any, Final

import sqlalchemy as sa

metadata: Final = sa.MetaData()

#: The counts each run records (``read = evaluated + duplicates + rejected``; children, breaches and open duties).
RUN_COUNTS: Final = ("read", "evaluated", "duplicates", "rejected", "children", "breaches", "open")


def _required(name: str, kind: Any, **options: Any) -> sa.Column[Any]:
    return sa.Column(name, kind, nullable=False, **options)


def _optional(name: str, kind: Any) -> sa.Column[Any]:
    return sa.Column(name, kind, nullable=True)


def _run_reference(name: str, *, nullable: bool) -> sa.Column[Any]:
    return sa.Column(name, sa.Integer, sa.ForeignKey("register_runs.id"), nullable=nullable)


runs: Final = sa.Table(
    "register_runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _required("run_key", sa.String(64)),
    _required("recorded_at", sa.String(32)),
    _required("as_of", sa.Date),
    _required("input_digest", sa.String(64)),
    _required("rulesets", sa.Text),
    _required("families", sa.Text, server_default=""),
    *(_required(count, sa.Integer) for count in RUN_COUNTS),
    sa.UniqueConstraint("run_key", name="uq_register_runs_run_key"),
)

duties: Final = sa.Table(
    "register_duties", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    *(_required(key, sa.Text) for key in ("child", "rule", "due")),
    _run_reference("first_seen_run", nullable=False),
    _run_reference("first_breached_run", nullable=True),
    _run_reference("resolved_run", nullable=True),
    _optional("resolution", sa.String(20)),
    sa.UniqueConstraint("child", "rule", "due", name="uq_register_duties_key"),
)
sa.Index("ix_register_duties_rule", duties.c.rule)

findings: Final = sa.Table(
    "register_findings", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("register_runs.id"), primary_key=True),
    sa.Column("duty_id", sa.Integer, sa.ForeignKey("register_duties.id"), primary_key=True),
    _required("status", sa.String(10)),
    _optional("met", sa.Text),
    _required("days_late", sa.Integer),
    *(_required(text, sa.Text) for text in ("citation", "evidence", "explanation")),
    _optional("basis", sa.Text),
    _optional("discharged_by", sa.Text),
)
sa.Index("ix_register_findings_duty", findings.c.duty_id)

#: The write lock (``database.writing``) is taken on this table.
LOCK_TABLE: Final = "register_runs"
#: Alembic's record of the register's schema version.
VERSION_TABLE: Final = "register_alembic_version"
