"""En databas från förra versionen (main före paketen, rundorna, analystexterna, nämndens ord och
rättigheterna per organisation) uppgraderas på plats med varje rad kvar: planen, exempelrapporten,
en riktig import, en låst period och tre konton (tests/data/forra_versionen.sqlite skapades av
commit ea8a42e med dess egna kommandon)."""
from __future__ import annotations

import decimal
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from data.lagring import db, start
from data.lagring.start import anvand_databas
from data.konton import anvandare
from data.planen import forbered
from data.uppfoljning import fragor
from tests.conftest import pg_databas

FORRA = Path(__file__).parent / "data" / "forra_versionen.sqlite"
FORRA_HUVUD = "i17_oppna_data_kolada"


def _tabeller() -> dict[str, tuple[list[str], list[tuple]]]:
    with sqlite3.connect(FORRA) as c:
        namn = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                        "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'")]
        ut = {}
        for t in namn:
            kol = [r[1] for r in c.execute(f'PRAGMA table_info("{t}")')]
            ordning = "id" if "id" in kol else kol[0]
            ut[t] = (kol, [tuple(r) for r in c.execute(f'SELECT * FROM "{t}" ORDER BY "{ordning}"')])
        return ut


def _ordning(tabeller: list[str]) -> list[str]:
    """Tabellerna så att en tabell kommer efter dem den pekar på (främmande nycklar)."""
    with sqlite3.connect(FORRA) as c:
        beror = {t: {r[2] for r in c.execute(f'PRAGMA foreign_key_list("{t}")')} - {t} for t in tabeller}
    ut: list[str] = []
    while len(ut) < len(tabeller):
        for t in tabeller:
            if t not in ut and beror[t] <= set(ut):
                ut.append(t)
    return ut


def _fyll_pg_som_forra_versionen(url: str) -> None:
    from alembic import command
    cfg = start.alembic_config()
    anvand_databas(url)
    data = _tabeller()
    with db.motor().begin() as c:
        cfg.attributes["connection"] = c
        command.upgrade(cfg, FORRA_HUVUD)
        typer = {(t, k["name"]): type(k["type"]).__name__ for t in data for k in inspect(c).get_columns(t)}
        for t in _ordning(list(data)):
            kol, rader = data[t]
            for rad in rader:
                varden = {k: (bool(v) if v is not None and typer[(t, k)] == "BOOLEAN" else v) for k, v in zip(kol, rad)}
                c.execute(text(f'INSERT INTO "{t}" ({", ".join(kol)}) VALUES ({", ".join(":" + k for k in kol)})'), varden)
        for t in data:   # sekvenserna efter de insatta id:na
            if "id" in data[t][0] and data[t][1]:
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM \"{t}\"))"))


@pytest.fixture(params=["sqlite", "postgresql"])
def forra_databas(request, tmp_path):
    if request.param == "sqlite":
        kopia = tmp_path / "forra.sqlite"
        shutil.copy(FORRA, kopia)
        yield f"sqlite:///{kopia}"
        forbered.glom()
    else:
        url, stada = pg_databas()
        _fyll_pg_som_forra_versionen(url)
        yield url
        forbered.glom()
        stada()


def _lika(fore, efter) -> bool:
    if isinstance(fore, str) and (efter is None or isinstance(efter, (dict, list))) and fore[:1] in "n[{":
        try:                                  # en JSON-kolumn: SQLite sparar texten, PostgreSQL värdet
            return json.loads(fore) == efter
        except ValueError:
            return False
    if isinstance(fore, (int, float, decimal.Decimal)) and isinstance(efter, (int, float, decimal.Decimal)):
        return float(fore) == float(efter)
    return str(fore) == str(efter)


def test_forra_versionens_databas_uppgraderas_med_varje_rad_kvar(forra_databas):
    fore = _tabeller()
    anvand_databas(forra_databas)
    assert start.databasens_version() == FORRA_HUVUD
    start.sakerstall_schema()
    assert start.databasens_version() == start.senaste_version()
    with db.motor().connect() as c:
        # konto_enhet (globala enhetskoder) blev konto_ratt (enhet i en organisation): varje rätt finns kvar
        kol, rader = fore.pop("konto_enhet")
        ratter = {(r.konto_id, r.enhet_kod, r.organisation) for r in
                  c.execute(text("SELECT konto_id, enhet_kod, organisation FROM konto_ratt"))}
        assert rader and {(r[kol.index("konto_id")], r[kol.index("enhet_kod")], "Norrtälje kommun")
                          for r in rader} == ratter
        for t, (kol, rader) in fore.items():
            ordning = "id" if "id" in kol else kol[0]
            efter = [dict(r._mapping) for r in c.execute(text(f'SELECT * FROM "{t}" ORDER BY "{ordning}"'))]
            assert len(efter) == len(rader), t
            for rad, ny in zip(rader, efter):
                for k, v in zip(kol, rad):
                    assert k in ny, f"kolumnen {t}.{k} försvann"
                    assert _lika(v, ny[k]) if v is not None else ny[k] is None, (t, k, v, ny[k])
    # Det som rapporterades syns som förut: den riktiga importen, exemplet och den låsta perioden
    per = fragor.perioder(fragor.los_plan("KS-2020")).set_index("namn")
    assert bool(per.loc["Årsredovisning 2020", "last"])
    atg = fragor.atgarder(period="Årsredovisning 2020", plan=fragor.los_plan("KS-2020"))
    rad = atg[atg.kommentar == "Klart i december (förra versionen)."]
    assert len(rad) == 1 and rad.iloc[0].rapporterad_status == "Genomförd"
    # Kontona finns kvar med roller och enheter
    konton = {k["namn"]: k for k in anvandare.lista()}
    assert {"ada", "sara", "lars"} <= set(konton)
    assert konton["sara"]["roll"] == "rapportor"
    assert {e.split(" (")[0] for e in konton["sara"]["enheter"]} >= {"KSK/EKO", "KSK/SHB"}
    assert konton["ada"]["roll"] == "administrator"
