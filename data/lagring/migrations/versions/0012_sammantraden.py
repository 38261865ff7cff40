"""Sammanträden (issue 24): tabellen sammantrade och utlösare som vägrar UPDATE och DELETE (och
TRUNCATE på PostgreSQL) – ett sammanträdes underlag ändras aldrig; en rättelse är en ny rad.

Obs: SQLite bygger om en tabell vid batch_alter_table och tappar då utlösarna; en senare migrering
som rör tabellen måste skapa dem igen (UTLOSARE nedan).

Revision ID: 0012_sammantraden
Revises: 0011_ratt_per_organisation
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_sammantraden"
down_revision = "0011_ratt_per_organisation"
branch_labels = None
depends_on = None

MEDDELANDE = "Ett sammanträdes underlag ändras och raderas aldrig; en rättelse är ett nytt sammanträde som ersätter det"

SQLITE = [
    f"CREATE TRIGGER sammantrade_ingen_andring BEFORE UPDATE ON sammantrade "
    f"BEGIN SELECT RAISE(ABORT, '{MEDDELANDE}'); END",
    f"CREATE TRIGGER sammantrade_ingen_radering BEFORE DELETE ON sammantrade "
    f"BEGIN SELECT RAISE(ABORT, '{MEDDELANDE}'); END",
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION sammantrade_oforanderlig() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{MEDDELANDE}' USING ERRCODE = 'restrict_violation'; END $$",
    "CREATE TRIGGER sammantrade_ingen_andring BEFORE UPDATE OR DELETE ON sammantrade "
    "FOR EACH ROW EXECUTE FUNCTION sammantrade_oforanderlig()",
    "CREATE TRIGGER sammantrade_ingen_tomning BEFORE TRUNCATE ON sammantrade "
    "FOR EACH STATEMENT EXECUTE FUNCTION sammantrade_oforanderlig()",
]


def utlosare(dialekt: str) -> list[str]:
    return POSTGRESQL if dialekt == "postgresql" else SQLITE


def upgrade() -> None:
    op.create_table(
        "sammantrade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("organ", sa.String(length=200), nullable=False),
        sa.Column("organ_kort", sa.String(length=50), nullable=True),
        sa.Column("diarienummer", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=100), nullable=False),
        sa.Column("urval", sa.JSON(), nullable=True),
        sa.Column("skapad", sa.DateTime(), nullable=False),
        sa.Column("skapad_av", sa.String(length=200), nullable=False),
        sa.Column("ersatter_id", sa.Integer(), nullable=True),
        sa.Column("innehall", sa.Text(), nullable=False),
        sa.Column("kontrollsumma", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
        sa.ForeignKeyConstraint(["ersatter_id"], ["sammantrade.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sammantrade_plan_datum", "sammantrade", ["plan_id", "datum"])
    for sql in utlosare(op.get_bind().dialect.name):
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE sammantrade")
        op.execute("DROP FUNCTION IF EXISTS sammantrade_oforanderlig()")
    else:
        op.execute("DROP TRIGGER IF EXISTS sammantrade_ingen_andring")
        op.execute("DROP TRIGGER IF EXISTS sammantrade_ingen_radering")
        op.drop_index("ix_sammantrade_plan_datum", table_name="sammantrade")
        op.drop_table("sammantrade")
