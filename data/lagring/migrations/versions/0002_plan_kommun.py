"""Planens kommun (plan.yaml: kommun) lagras

Revision ID: 0002_plan_kommun
Revises: 0001_baslinje
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_plan_kommun"
down_revision = "0001_baslinje"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan") as b:
        b.add_column(sa.Column("kommun", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan") as b:
        b.drop_column("kommun")
