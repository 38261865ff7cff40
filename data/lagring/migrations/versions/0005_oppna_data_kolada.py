"""Öppna data och Kolada: generationens tid (API:ts Last-Modified), budgetförändringarnas förklaring,
planens Kolada-id:n, indikatorernas Kolada-KPI:er och tabellerna för hämtade Kolada-värden

Revision ID: i17_oppna_data_kolada
Revises: 0004_budgetdecimaler
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i17_oppna_data_kolada"
down_revision = "0004_budgetdecimaler"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cachegeneration") as b:
        b.add_column(sa.Column("andrad", sa.DateTime(), nullable=True))
    op.execute("UPDATE cachegeneration SET andrad = CURRENT_TIMESTAMP")
    with op.batch_alter_table("budgetrad") as b:
        b.add_column(sa.Column("forklaring", sa.Text(), nullable=True))
    with op.batch_alter_table("plan") as b:
        b.add_column(sa.Column("kolada", sa.JSON(), nullable=True))
    with op.batch_alter_table("indikator") as b:
        b.add_column(sa.Column("kolada_kpi", sa.String(length=200), nullable=True))
    op.create_table(
        "kolada_kpi",
        sa.Column("id", sa.String(length=20), primary_key=True),
        sa.Column("titel", sa.Text(), nullable=False),
        sa.Column("beskrivning", sa.Text(), nullable=True),
        sa.Column("hamtad", sa.DateTime(), nullable=False),
        sa.Column("kalla_url", sa.String(length=1000), nullable=False))
    op.create_table(
        "kolada_varde",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kpi", sa.String(length=20), nullable=False),
        sa.Column("kommun", sa.String(length=20), nullable=False),
        sa.Column("ar", sa.Integer(), nullable=False),
        sa.Column("kon", sa.String(length=1), nullable=False),
        sa.Column("varde", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("antal", sa.Integer(), nullable=True),
        sa.Column("hamtad", sa.DateTime(), nullable=False),
        sa.Column("kalla_url", sa.String(length=1000), nullable=False),
        sa.UniqueConstraint("kpi", "kommun", "ar", "kon"))
    op.create_index("ix_kolada_varde_kpi", "kolada_varde", ["kpi", "ar"])


def downgrade() -> None:
    op.drop_index("ix_kolada_varde_kpi", table_name="kolada_varde")
    op.drop_table("kolada_varde")
    op.drop_table("kolada_kpi")
    with op.batch_alter_table("indikator") as b:
        b.drop_column("kolada_kpi")
    with op.batch_alter_table("plan") as b:
        b.drop_column("kolada")
    with op.batch_alter_table("budgetrad") as b:
        b.drop_column("forklaring")
    with op.batch_alter_table("cachegeneration") as b:
        b.drop_column("andrad")
