"""Inläsningens varningar (oläsliga tidpunkter) och enheternas alla stavningar lagras per plan

plan.varningar: inläsningens varningar (fil, post, text) som administratören ser;
enhet.alias och plan.sammansatta: enheter.yaml:s stavningar, så att nästa års plan
(python -m data.nyplan) behåller alla, också de som ingen överförd post använder.

Revision ID: i20_laddning
Revises: 0006_rapportrunda
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i20_laddning"
down_revision = "0006_rapportrunda"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan") as b:
        b.add_column(sa.Column("varningar", sa.JSON(), nullable=True))
        b.add_column(sa.Column("sammansatta", sa.JSON(), nullable=True))
    with op.batch_alter_table("enhet") as b:
        b.add_column(sa.Column("alias", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enhet") as b:
        b.drop_column("alias")
    with op.batch_alter_table("plan") as b:
        b.drop_column("sammansatta")
        b.drop_column("varningar")
