"""Rapportrundan: rundor per period, enheternas tillstånd som händelser, skickade e-brev och
kontots e-postadress (issue 22)

Revision ID: 0006_rapportrunda
Revises: i17_oppna_data_kolada
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_rapportrunda"
down_revision = "i17_oppna_data_kolada"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("konto") as b:
        b.add_column(sa.Column("epost", sa.String(length=320), nullable=True))
    op.create_table(
        "rapportrunda",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("sista_dag", sa.Date(), nullable=False),
        sa.Column("sista_dag_enheter", sa.Date(), nullable=True),
        sa.Column("oppnad_av", sa.String(length=200), nullable=False),
        sa.Column("oppnad", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period_id", name="uq_rapportrunda_period"),
    )
    op.create_table(
        "rundahandelse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runda_id", sa.Integer(), nullable=False),
        sa.Column("enhet_kod", sa.String(length=100), nullable=True),
        sa.Column("handelse", sa.String(length=20), nullable=False),
        sa.Column("kommentar", sa.Text(), nullable=True),
        sa.Column("av", sa.String(length=200), nullable=False),
        sa.Column("tid", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["runda_id"], ["rapportrunda.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rundahandelse_runda", "rundahandelse", ["runda_id", "enhet_kod"])
    op.create_table(
        "utskick",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nyckel", sa.String(length=300), nullable=False),
        sa.Column("runda_id", sa.Integer(), nullable=False),
        sa.Column("konto_id", sa.Integer(), nullable=True),
        sa.Column("slag", sa.String(length=30), nullable=False),
        sa.Column("till", sa.String(length=320), nullable=False),
        sa.Column("avsedd", sa.String(length=320), nullable=False),
        sa.Column("amne", sa.String(length=300), nullable=False),
        sa.Column("skickad", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["runda_id"], ["rapportrunda.id"]),
        sa.ForeignKeyConstraint(["konto_id"], ["konto.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nyckel"),
    )
    op.create_index("ix_utskick_runda", "utskick", ["runda_id"])


def downgrade() -> None:
    op.drop_index("ix_utskick_runda", table_name="utskick")
    op.drop_table("utskick")
    op.drop_index("ix_rundahandelse_runda", table_name="rundahandelse")
    op.drop_table("rundahandelse")
    op.drop_table("rapportrunda")
    with op.batch_alter_table("konto") as b:
        b.drop_column("epost")
