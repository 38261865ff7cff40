"""Planens form som data: perioder och enheter hör till en plan, målår och ambitionsår i planen

- plan: malar (år med resultatmål), ambitionsar, personalmal, standardperiod
- malomrade.ambitionsniva_2030 → ambitionsniva; sarskilt_uppdrag.inriktning_2020 → inriktning
- period och enhet får plan_id; namn/kod är unika per plan (två kommuners "KSK" får finnas).

Version 1 hade perioder och enheter gemensamma för alla planer: varje plan fick se perioderna
med samma `syntetisk` och alla enheter. Här får den första planen de befintliga raderna och
varje annan plan en kopia, och dess rapporter, låsningar och enhetskopplingar pekas om till
kopian – inget försvinner.

Revision ID: 0003_planens_form
Revises: 0002_plan_kommun
Create Date: 2026-11-30
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003_planens_form"
down_revision = "0002_plan_kommun"
branch_labels = None
depends_on = None

NAMN = {"uq": "uq_%(table_name)s_%(column_0_name)s"}   # för SQLite: namnge version 1:s namnlösa UNIQUE

# Rapporttabeller → hur raden hittar sin plan
RAPPORTER = {
    "atgardsrapport": "SELECT r.id FROM atgardsrapport r JOIN atgard a ON a.id = r.atgard_id WHERE a.plan_id = :p "
                      "AND r.period_id = :per",
    "indikatorutfall": "SELECT r.id FROM indikatorutfall r JOIN indikator i ON i.id = r.indikator_id "
                       "WHERE i.plan_id = :p AND r.period_id = :per",
    "malbedomning": "SELECT r.id FROM malbedomning r JOIN inriktningsmal im ON im.id = r.inriktningsmal_id "
                    "JOIN malomrade m ON m.id = im.malomrade_id WHERE m.plan_id = :p AND r.period_id = :per",
    "budgetutfall": "SELECT r.id FROM budgetutfall r JOIN budgetrad b ON b.id = r.budgetrad_id "
                    "WHERE b.plan_id = :p AND r.period_id = :per",
}


def _unik_bort(tabell: str, kolumn: str) -> None:
    """Ta bort version 1:s UNIQUE(kolumn) (namnlös i SQLite, <tabell>_<kolumn>_key i PostgreSQL)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table(tabell, naming_convention=NAMN, recreate="always") as b:
            b.drop_constraint(f"uq_{tabell}_{kolumn}", type_="unique")
    else:
        for uq in sa.inspect(bind).get_unique_constraints(tabell):
            if uq["column_names"] == [kolumn]:
                op.drop_constraint(uq["name"], tabell, type_="unique")


def _planer(bind) -> list[tuple[int, bool]]:
    return [(r[0], bool(r[1])) for r in bind.execute(sa.text("SELECT id, syntetisk FROM plan ORDER BY id"))]


def _perioder_per_plan(bind) -> None:
    planer = _planer(bind)
    perioder = bind.execute(sa.text(
        "SELECT id, namn, ar, typ, slutdatum, last, syntetisk FROM period ORDER BY id")).mappings().all()
    for per in perioder:
        agare = [p for p, synt in planer if synt == bool(per["syntetisk"])] or [planer[0][0]] if planer else []
        if not agare:
            continue
        bind.execute(sa.text("UPDATE period SET plan_id = :p WHERE id = :id"), {"p": agare[0], "id": per["id"]})
        for p in agare[1:]:
            ny = bind.execute(sa.text(
                "INSERT INTO period (plan_id, namn, ar, typ, slutdatum, last, syntetisk) "
                "VALUES (:p, :namn, :ar, :typ, :slut, :last, :synt) RETURNING id"),
                {"p": p, "namn": per["namn"], "ar": per["ar"], "typ": per["typ"], "slut": per["slutdatum"],
                 "last": per["last"], "synt": per["syntetisk"]}).scalar_one()
            for tabell, fraga in RAPPORTER.items():
                ids = [r[0] for r in bind.execute(sa.text(fraga), {"p": p, "per": per["id"]})]
                if ids:
                    bind.execute(sa.text(f"UPDATE {tabell} SET period_id = :ny WHERE id IN ({','.join(map(str, ids))})"),
                                 {"ny": ny})
            bind.execute(sa.text(
                "INSERT INTO periodlas (period_id, handelse, av, tid, motivering) "
                "SELECT :ny, handelse, av, tid, motivering FROM periodlas WHERE period_id = :gammal"),
                {"ny": ny, "gammal": per["id"]})


def _enheter_per_plan(bind) -> None:
    planer = [p for p, _ in _planer(bind)]
    if not planer:
        return
    enheter = bind.execute(sa.text(
        "SELECT id, kod, namn, foralder_id, extern, ordning FROM enhet ORDER BY id")).mappings().all()
    bind.execute(sa.text("UPDATE enhet SET plan_id = :p"), {"p": planer[0]})
    for p in planer[1:]:
        ny_for: dict[int, int] = {}
        for e in enheter:
            ny_for[e["id"]] = bind.execute(sa.text(
                "INSERT INTO enhet (plan_id, kod, namn, extern, ordning) VALUES (:p, :kod, :namn, :ext, :ord) "
                "RETURNING id"), {"p": p, "kod": e["kod"], "namn": e["namn"], "ext": e["extern"],
                                  "ord": e["ordning"]}).scalar_one()
        for e in enheter:
            if e["foralder_id"] is not None:
                bind.execute(sa.text("UPDATE enhet SET foralder_id = :f WHERE id = :id"),
                             {"f": ny_for[e["foralder_id"]], "id": ny_for[e["id"]]})
        for gammal, ny in ny_for.items():
            bind.execute(sa.text(
                "UPDATE atgard_enhet SET enhet_id = :ny WHERE enhet_id = :g AND atgard_id IN "
                "(SELECT id FROM atgard WHERE plan_id = :p)"), {"ny": ny, "g": gammal, "p": p})
            bind.execute(sa.text(
                "UPDATE indikator_enhet SET enhet_id = :ny WHERE enhet_id = :g AND indikator_id IN "
                "(SELECT id FROM indikator WHERE plan_id = :p)"), {"ny": ny, "g": gammal, "p": p})


def _malar(bind) -> None:
    """Målåren per plan: de år planens indikatorer har målvärden för (version 1: 2020–2022);
    ambitionsåret var 2030 (kolumnen hette ambitionsniva_2030)."""
    for (p,) in bind.execute(sa.text("SELECT id FROM plan")).all():
        ar = sorted({r[0] for r in bind.execute(sa.text(
            "SELECT DISTINCT mv.ar FROM malvarde mv JOIN indikator i ON i.id = mv.indikator_id "
            "WHERE i.plan_id = :p"), {"p": p})})
        bind.execute(sa.text("UPDATE plan SET malar = :m, ambitionsar = 2030 WHERE id = :p"),
                     {"m": json.dumps(ar), "p": p})


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("plan") as b:
        b.add_column(sa.Column("malar", sa.JSON(), nullable=True))
        b.add_column(sa.Column("ambitionsar", sa.Integer(), nullable=True))
        b.add_column(sa.Column("personalmal", sa.Text(), nullable=True))
        b.add_column(sa.Column("standardperiod", sa.String(length=100), nullable=True))
    with op.batch_alter_table("malomrade") as b:
        b.alter_column("ambitionsniva_2030", new_column_name="ambitionsniva", existing_type=sa.Text())
    with op.batch_alter_table("sarskilt_uppdrag") as b:
        b.alter_column("inriktning_2020", new_column_name="inriktning", existing_type=sa.Text())
    _malar(bind)

    for tabell, kolumn in (("period", "namn"), ("enhet", "kod")):
        _unik_bort(tabell, kolumn)
        with op.batch_alter_table(tabell) as b:
            b.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
    _perioder_per_plan(bind)
    _enheter_per_plan(bind)
    for tabell, kolumn in (("period", "namn"), ("enhet", "kod")):
        with op.batch_alter_table(tabell) as b:
            b.alter_column("plan_id", existing_type=sa.Integer(), nullable=False)
            b.create_foreign_key(f"fk_{tabell}_plan", "plan", ["plan_id"], ["id"])
            b.create_unique_constraint(f"uq_{tabell}_plan_{kolumn}", ["plan_id", kolumn])


def downgrade() -> None:
    raise NotImplementedError("Nedgradering stöds inte: återställ en säkerhetskopia av databasen.")
