"""Konton, roller per enhet, inloggningar på servern och misslyckade försök (issue 15)

Revision ID: i15_konton
Revises: 0003_planens_form
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i15_konton"
down_revision = "0003_planens_form"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "konto",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("namn", sa.String(length=200), nullable=False),
        sa.Column("visningsnamn", sa.String(length=200), nullable=True),
        sa.Column("losenordshash", sa.String(length=300), nullable=True),
        sa.Column("oidc_sub", sa.String(length=300), nullable=True),
        sa.Column("roll", sa.String(length=20), nullable=False),
        sa.Column("aktiv", sa.Boolean(), nullable=False),
        sa.Column("skapad", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("andrad", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("namn"),
        sa.UniqueConstraint("oidc_sub"),
    )
    op.create_table(
        "konto_enhet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("konto_id", sa.Integer(), nullable=False),
        sa.Column("enhet_kod", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["konto_id"], ["konto.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("konto_id", "enhet_kod"),
    )
    op.create_table(
        "inloggning",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("konto_id", sa.Integer(), nullable=True),
        sa.Column("satt", sa.String(length=20), nullable=False),
        sa.Column("tagg", sa.String(length=64), nullable=True),
        sa.Column("skapad", sa.DateTime(), nullable=False),
        sa.Column("utgar", sa.DateTime(), nullable=False),
        sa.Column("adress", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["konto_id"], ["konto.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_inloggning_konto", "inloggning", ["konto_id"])
    op.create_table(
        "inloggningsforsok",
        sa.Column("nyckel", sa.String(length=300), nullable=False),
        sa.Column("antal", sa.Integer(), nullable=False),
        sa.Column("senast", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("nyckel"),
    )


def downgrade() -> None:
    op.drop_table("inloggningsforsok")
    op.drop_index("ix_inloggning_konto", table_name="inloggning")
    op.drop_table("inloggning")
    op.drop_table("konto_enhet")
    op.drop_table("konto")
