"""Inloggningsförsök: väntans slut som eget värde (kontots väntan startar inte om direkt efter sig
själv, issue 21) och ett index på senast (gamla rader rensas)

Revision ID: 0010_forsoksvantan
Revises: 0009_namnden
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_forsoksvantan"
down_revision = "0009_namnden"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inloggningsforsok") as b:
        b.add_column(sa.Column("vanta_till", sa.Float(), nullable=False, server_default="0"))
    op.create_index("ix_inloggningsforsok_senast", "inloggningsforsok", ["senast"])


def downgrade() -> None:
    op.drop_index("ix_inloggningsforsok_senast", table_name="inloggningsforsok")
    with op.batch_alter_table("inloggningsforsok") as b:
        b.drop_column("vanta_till")
