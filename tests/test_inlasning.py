"""Inläsningen: idempotent, och en felaktig källfil stoppar allt med fil och post i meddelandet
utan att databasen ändras (SQLite: filens hash; PostgreSQL: tabellernas innehåll)."""
from __future__ import annotations

import hashlib
from data.uppfoljning import fragor
from data.lagring.start import anvand_databas
import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from data.lagring import db
from data.planen import ladda
from data.planen import forbered
from data.planen.kallor import PLAN_DIR, KallfilFel
from data.lagring.models import Plan


def _innehall(url: str, utom: tuple = ()) -> dict:
    """Alla tabellers innehåll, sorterat (jämförs före och efter)."""
    anvand_databas(url)
    eng = db.motor()
    ut = {}
    with eng.connect() as c:
        for t in sorted(set(inspect(eng).get_table_names()) - set(utom)):
            rader = c.execute(text(f'SELECT * FROM "{t}"')).fetchall()
            ut[t] = sorted(map(repr, rader))
    return ut


def _utom(innehall: dict, *tabeller) -> dict:
    return {k: v for k, v in innehall.items() if k not in tabeller}


def _fingeravtryck(url: str) -> object:
    if url.startswith("sqlite"):
        forbered.glom()  # stäng anslutningar så att WAL skrivs in
        p = Path(url.removeprefix("sqlite:///"))
        return hashlib.sha256(p.read_bytes()).hexdigest()
    return _innehall(url)


def test_tva_inlasningar_andrar_ingenting(tom_databas):
    anvand_databas(tom_databas)
    assert ladda.ladda_plan() == "inläst"
    fore = _innehall(tom_databas)
    assert ladda.ladda_plan() == "oförändrad"
    # Även en full synk (källhashen glömd) ändrar ingenting utöver hashen själv
    anvand_databas(tom_databas)
    with db.session() as s:
        s.scalars(select(Plan)).one().kallhash = "glömd"
    assert ladda.ladda_plan() == "uppdaterad"
    # cachegeneration räknas upp vid varje synk som skriver (så att cachade svar blir inaktuella)
    assert _innehall(tom_databas, utom=("cachegeneration",)) == _utom(fore, "cachegeneration")


def test_tom_databas_skapas_och_fylls_av_startsteget_och_inte_av_en_fraga(tom_databas):
    from sqlalchemy.exc import DBAPIError

    from data.uppfoljning import fragor
    from data.lagring import installningar
    with pytest.raises(DBAPIError):   # en fråga sätter aldrig upp databasen själv
        anvand_databas(tom_databas)
        fragor.malomraden(plan=fragor.los_plan())
    anvand_databas(tom_databas)
    assert not inspect(db.motor()).has_table("atgard")
    anvand_databas(tom_databas)
    forbered.sakerstall_databas(installningar.Installningar(exempel=False))
    assert len(fragor.malomraden(plan=fragor.los_plan())) == 7
    anvand_databas(tom_databas)
    assert inspect(db.motor()).has_table("atgard")


def _trasig_katalog(tmp_path: Path, fil: str, gammalt: str, nytt: str) -> Path:
    kat = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, kat)
    p = kat / fil
    innehall = p.read_text(encoding="utf-8")
    assert gammalt in innehall
    p.write_text(innehall.replace(gammalt, nytt, 1), encoding="utf-8")
    return kat


FEL = [
    # (fil, ersätt, med, förväntat i meddelandet)
    ("malomrade_1.yaml", '        atgard: "Utveckla en ny hyressättningsmodell"\n', "",
     "malomrade_1.yaml, åtgärd 1-A01: fältet 'atgard' saknas"),
    ("malomrade_1.yaml", "    nuvarde: 23834", "    nuvarde: 23 834 kr",
     "malomrade_1.yaml, indikator 1-I03: fältet 'nuvarde' ska vara ett tal"),
    ("malomrade_1.yaml", 'ansvariga: ["KSK/Eko", "TK/Fastighet"]', 'ansvariga: ["KSK/Eko", "TK/Fastigheten"]',
     "malomrade_1.yaml, åtgärd 1-A01: okänd enhet 'TK/Fastigheten'"),
    ("investeringar.csv", ",Renhållning,belopp,25500,", ",Renhållning,belopp,25 5OO,",
     "investeringar.csv, rad 10 (Renhållning), kolumn '2020': '25 5OO' är inget tal"),
    ("drift_per_verksamhet.csv", "Kommunstyrelse,belopp,-13190", "Kommunstyrelse,belopp,-13191",
     "summan av beloppen är -203583"),
    ("malomrade_2.yaml", "typ: KF-uppdrag", "typ: KF-Uppdrag", "fältet 'typ' har värdet 'KF-Uppdrag'"),
]


@pytest.mark.parametrize("fil,gammalt,nytt,vantat", FEL, ids=[f[3][:40] for f in FEL])
def test_felaktig_kallfil_stoppar_och_lamnar_databasen_orord(tom_databas, tmp_path, fil, gammalt, nytt, vantat):
    anvand_databas(tom_databas)
    ladda.ladda_plan()
    fore = _fingeravtryck(tom_databas)
    kat = _trasig_katalog(tmp_path, fil, gammalt, nytt)
    with pytest.raises(KallfilFel) as e:
        ladda.ladda_plan(kat)
    assert vantat in str(e.value)
    assert _fingeravtryck(tom_databas) == fore


def test_alla_fel_rapporteras_pa_en_gang(tmp_path):
    kat = _trasig_katalog(tmp_path, "malomrade_1.yaml", "    nuvarde: 23834", "    nuvarde: tjugo")
    p = kat / "malomrade_3.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("niva: KF", "niva: KX", 1), encoding="utf-8")
    with pytest.raises(KallfilFel) as e:
        from data.planen.kallor import las_plan
        las_plan(kat)
    assert len(e.value.fel) == 2
    assert any("malomrade_3.yaml" in f and "'niva'" in f for f in e.value.fel)


def test_kommandot(tmp_path, capsys, monkeypatch):
    from data import ladda as kommandot
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MALKOLL_EXEMPEL", "nej")
    assert kommandot.main([]) == 0
    assert kommandot.main([]) == 0
    assert "oförändrad" in capsys.readouterr().out
    kat = _trasig_katalog(tmp_path, "malomrade_1.yaml", "    nuvarde: 23834", "    nuvarde: x")
    assert kommandot.main(["--katalog", str(kat)]) == 2
    fel = capsys.readouterr().err
    assert "indikator 1-I03" in fel and "Traceback" not in fel
