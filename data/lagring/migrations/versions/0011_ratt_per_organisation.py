"""Rättigheter per organisation (issue 20): kontots enheter gäller i en organisation (planens kommun)
eller en plan, inte som globala koder. konto_enhet ersätts av konto_ratt.

Befintliga konton fortsätter att fungera: varje tidigare enhet blir en rättighet i var och en av de
planer som har en enhet med den koden (organisationen = planens kommun, annars planens kod). En enhet
som ingen plan har behålls med tom organisation (den ger ingen rätt, som förut) så att inget försvinner.

Revision ID: 0011_ratt_per_organisation
Revises: 0010_forsoksvantan
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_ratt_per_organisation"
down_revision = "0010_forsoksvantan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "konto_ratt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("konto_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("plan_kod", sa.String(length=50), server_default="", nullable=False),
        sa.Column("enhet_kod", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["konto_id"], ["konto.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("konto_id", "organisation", "plan_kod", "enhet_kod", name="uq_konto_ratt"),
    )
    c = op.get_bind()
    rader = c.execute(sa.text(
        "SELECT DISTINCT ke.konto_id, COALESCE(p.kommun, p.kod) AS organisation, COALESCE(p.kod, '') AS plan_kod, "
        "ke.enhet_kod FROM konto_enhet ke LEFT JOIN enhet e ON e.kod = ke.enhet_kod "
        "LEFT JOIN plan p ON p.id = e.plan_id")).mappings().all()
    tabell = sa.table("konto_ratt", sa.column("konto_id", sa.Integer), sa.column("organisation", sa.String),
                      sa.column("plan_kod", sa.String), sa.column("enhet_kod", sa.String))
    if rader:
        op.bulk_insert(tabell, [{"konto_id": r["konto_id"], "organisation": r["organisation"] or "",
                                 "plan_kod": r["plan_kod"] or "", "enhet_kod": r["enhet_kod"]} for r in rader])
    op.drop_table("konto_enhet")


def downgrade() -> None:
    op.create_table(
        "konto_enhet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("konto_id", sa.Integer(), nullable=False),
        sa.Column("enhet_kod", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["konto_id"], ["konto.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("konto_id", "enhet_kod"),
    )
    op.execute("INSERT INTO konto_enhet (konto_id, enhet_kod) SELECT DISTINCT konto_id, enhet_kod FROM konto_ratt")
    op.drop_table("konto_ratt")
