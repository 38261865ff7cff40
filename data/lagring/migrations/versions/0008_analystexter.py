"""Analystexter: kontorets bedömning per period och målområde (och sammanfattning, inriktningsmål,
uppdrag, diarienummer), versionerad – en rad per sparning (issue 23, delårsrapporten)

Revision ID: 0008_analystexter
Revises: i20_laddning
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_analystexter"
down_revision = "i20_laddning"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analystext",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("niva", sa.String(length=20), nullable=False),
        sa.Column("nyckel", sa.String(length=20), nullable=False),
        sa.Column("bedomning", sa.String(length=40), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("skriven_av", sa.String(length=200), nullable=False),
        sa.Column("skriven", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_analystext", "analystext", ["period_id", "niva", "nyckel"])


def downgrade() -> None:
    op.drop_index("ix_analystext", table_name="analystext")
    op.drop_table("analystext")
