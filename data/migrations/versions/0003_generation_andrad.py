"""Cachegenerationens tid (senaste ändringen, API:ts Last-Modified) och budgetförändringarnas förklaring

Revision ID: i17_generation_andrad
Revises: 0002_plan_kommun
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i17_generation_andrad"
down_revision = "0002_plan_kommun"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cachegeneration") as b:
        b.add_column(sa.Column("andrad", sa.DateTime(), nullable=True))
    op.execute("UPDATE cachegeneration SET andrad = CURRENT_TIMESTAMP")
    with op.batch_alter_table("budgetrad") as b:
        b.add_column(sa.Column("forklaring", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("budgetrad") as b:
        b.drop_column("forklaring")
    with op.batch_alter_table("cachegeneration") as b:
        b.drop_column("andrad")
