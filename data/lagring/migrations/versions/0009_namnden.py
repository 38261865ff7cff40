"""Nämnden som data: planens kortform för nämnden (egna initiativ, nivå), genitivformen,
kommunens Kolada-id och planens egna texter (plan.yaml: namnd_kort, namnd_genitiv, kommunkod, texter)

Befintliga planer får kortformen ur sina egna uppdrag ("<KORT>-initiativ") och kommunkoden ur
sin Kolada-inställning, så att en uppgraderad databas visar samma ord som förut.

Revision ID: 0009_namnden
Revises: 0008_analystexter
Create Date: 2026-12-07
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0009_namnden"
down_revision = "0008_analystexter"
branch_labels = None
depends_on = None


def _fyll_befintliga() -> None:
    c = op.get_bind()
    for pid, kolada in c.execute(sa.text("SELECT id, kolada FROM plan")).all():
        typer = [r[0] for r in c.execute(sa.text(
            "SELECT DISTINCT typ FROM uppdrag WHERE plan_id = :p AND typ LIKE '%-initiativ'"), {"p": pid})]
        kort = typer[0].removesuffix("-initiativ") if len(typer) == 1 else None
        if isinstance(kolada, str):
            kolada = json.loads(kolada)
        kod = (kolada or {}).get("kommun") or None
        c.execute(sa.text("UPDATE plan SET namnd_kort = :k, kommunkod = :kod WHERE id = :p"),
                  {"k": kort, "kod": kod, "p": pid})


def upgrade() -> None:
    with op.batch_alter_table("plan") as b:
        b.add_column(sa.Column("namnd_kort", sa.String(length=10), nullable=True))
        b.add_column(sa.Column("namnd_genitiv", sa.String(length=200), nullable=True))
        b.add_column(sa.Column("kommunkod", sa.String(length=10), nullable=True))
        b.add_column(sa.Column("texter", sa.JSON(), nullable=True))
    _fyll_befintliga()


def downgrade() -> None:
    with op.batch_alter_table("plan") as b:
        for k in ("texter", "kommunkod", "namnd_genitiv", "namnd_kort"):
            b.drop_column(k)
