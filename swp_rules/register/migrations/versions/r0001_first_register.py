"""The first register: runs, duties keyed by (child, rule, due) with their history, and each run's findings.

Revision ID: 0001
Revises:
Create Date: 2026-11-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_key", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("input_digest", sa.String(64), nullable=False),
        sa.Column("rulesets", sa.Text, nullable=False),
        *(sa.Column(count, sa.Integer, nullable=False)
          for count in ("read", "evaluated", "duplicates", "rejected", "children", "breaches", "open")),
        sa.UniqueConstraint("run_key", name="uq_register_runs_run_key"),
    )
    op.create_table(
        "register_duties",
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
    op.create_table(
        "register_findings",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("register_runs.id"), primary_key=True),
        sa.Column("duty_id", sa.Integer, sa.ForeignKey("register_duties.id"), primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("met", sa.Text, nullable=True),
        sa.Column("days_late", sa.Integer, nullable=False),
        *(sa.Column(text, sa.Text, nullable=False) for text in ("citation", "evidence", "explanation")),
    )


def downgrade() -> None:
    op.drop_table("register_findings")
    op.drop_table("register_duties")
    op.drop_table("register_runs")
