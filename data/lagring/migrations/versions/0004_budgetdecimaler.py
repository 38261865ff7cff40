"""Budgetutfall med exakta decimaler: utfall, prognos och avvikelse Numeric(16, 1) → Numeric(16, 3)
(tkr med hela kronor), så att en rapport med två decimaler lagras som den skrevs och samma fil
importerad två gånger inte ändrar något (issue 14).

Revision ID: 0004_budgetdecimaler
Revises: i15_konton
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_budgetdecimaler"
down_revision = "i15_konton"
branch_labels = None
depends_on = None

KOLUMNER = ("utfall", "prognos", "avvikelse")


def _byt(fran: sa.Numeric, till: sa.Numeric) -> None:
    with op.batch_alter_table("budgetutfall", schema=None) as b:
        for k in KOLUMNER:
            b.alter_column(k, existing_type=fran, type_=till, existing_nullable=True)


def upgrade() -> None:
    _byt(sa.Numeric(16, 1), sa.Numeric(16, 3))


def downgrade() -> None:
    _byt(sa.Numeric(16, 3), sa.Numeric(16, 1))
