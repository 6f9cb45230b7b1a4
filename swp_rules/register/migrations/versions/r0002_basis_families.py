"""SPEC 1.1 results: each finding's ``basis`` and ``discharged_by``; each run's reported families (``--family``), so
that a run limited to some families resolves only breaches of those families. Indexes for the register's queries.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("register_runs") as batch:
        batch.add_column(sa.Column("families", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("register_findings") as batch:
        batch.add_column(sa.Column("basis", sa.Text, nullable=True))
        batch.add_column(sa.Column("discharged_by", sa.Text, nullable=True))
    op.create_index("ix_register_duties_rule", "register_duties", ["rule"])
    op.create_index("ix_register_findings_duty", "register_findings", ["duty_id"])


def downgrade() -> None:
    op.drop_index("ix_register_findings_duty", "register_findings")
    op.drop_index("ix_register_duties_rule", "register_duties")
    with op.batch_alter_table("register_findings") as batch:
        batch.drop_column("discharged_by")
        batch.drop_column("basis")
    with op.batch_alter_table("register_runs") as batch:
        batch.drop_column("families")
