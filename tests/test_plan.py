"""Planen i databasen: antal, summor och stickprov mot dokumentet, på SQLite och PostgreSQL."""
from __future__ import annotations

import csv
from data.lagring.start import anvand_databas
import os
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy import func, select

from data.lagring import db
from data.uppfoljning import fragor
from data.planen.kallor import PLAN_DIR, las_enheter
from data.lagring.models import (Atgard, AtgardEnhet, Enhet, Fokusomrade, Indikator, Inriktningsmal, Malomrade,
                         Period, SarskiltUppdrag, Uppdrag)

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_2423d15ddf348ba3.txt"
UTFALL = Path(__file__).resolve().parents[2] / "shared" / "utfall" / "publicerade_utfall.csv"

# Räknat i dokumentet: (KF-uppdrag, KS-initiativ, åtgärder, indikatorer) per målområde
DOKUMENTET = {1: (7, 5, 19, 12), 2: (4, 1, 5, 2), 3: (3, 0, 7, 8), 4: (3, 2, 7, 0),
              5: (11, 1, 20, 7), 6: (7, 2, 20, 8), 7: (3, 0, 6, 1)}


def _seed_text() -> str:
    if not SEED.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Plandokumentet saknas: {SEED}")
        pytest.skip("shared/seed saknas")
    return SEED.read_text(encoding="utf-8")


def test_antal_per_malomrade(laddad_databas):
    anvand_databas(laddad_databas)
    with db.session() as s:
        for nr, (kf, ks, atg, ind) in DOKUMENTET.items():
            mo = s.scalars(select(Malomrade).where(Malomrade.nr == nr)).one()
            typer = [u.typ for u in s.scalars(select(Uppdrag).where(Uppdrag.malomrade_id == mo.id))]
            assert (typer.count("KF-uppdrag"), typer.count("KS-initiativ")) == (kf, ks), nr
            n_atg = s.scalar(select(func.count()).select_from(Atgard).join(Uppdrag).where(Uppdrag.malomrade_id == mo.id))
            assert n_atg == atg, nr
            n_ind = s.scalar(select(func.count()).select_from(Indikator).where(Indikator.malomrade_id == mo.id))
            assert n_ind == ind, nr
        assert s.scalar(select(func.count()).select_from(Malomrade)) == 7
        assert s.scalar(select(func.count()).select_from(Fokusomrade)) == 5
        assert s.scalar(select(func.count()).select_from(Indikator).where(Indikator.fokusomrade_id.is_not(None))) == 7
        assert s.scalar(select(func.count()).select_from(SarskiltUppdrag)) == 6
        assert s.scalar(select(func.count()).select_from(Inriktningsmal)) == 2 + 3 + 3 + 3 + 3 + 6 + 3
        assert [p.namn for p in s.scalars(select(Period).order_by(Period.slutdatum))] == [
            f"{n} {ar}" for ar in (2020, 2021, 2022) for n in ("Delår 1", "Delår 2", "Årsredovisning")]


def test_uppdragsrubriker_raknade_i_dokumentet(laddad_sqlite):
    """Oberoende kontroll: rubrikerna "Uppdrag …:" och "KS-initiativ:" räknade i PDF-texten."""
    text = _seed_text()
    delar = re.split(r"^\s*KF:s målområde (\d):", text, flags=re.M)
    raknat = {}
    for i in range(1, len(delar), 2):
        nr, avsnitt = int(delar[i]), delar[i + 1].split("Särskilda uppdrag och utvecklingsåtaganden")[0]
        kf = len(re.findall(r"^\s*Uppdrag( från KF)?:", avsnitt, flags=re.M))
        ks = len(re.findall(r"^\s*KS-initiativ:", avsnitt, flags=re.M))
        raknat[nr] = (kf, ks)
    assert raknat == {nr: v[:2] for nr, v in DOKUMENTET.items()}
    anvand_databas(laddad_sqlite)
    df = fragor.atgarder(plan=fragor.los_plan()).drop_duplicates("uppdrag_kod")
    for nr, (kf, ks) in raknat.items():
        del_ = df[df.malomrade == nr]
        assert (del_.uppdragstyp == "KF-uppdrag").sum() == kf
        assert (del_.uppdragstyp == "KS-initiativ").sum() == ks


def _bred(tabell, url):
    anvand_databas(url)
    return fragor.budget_bred(tabell, plan=fragor.los_plan()).set_index("post")


def test_budgetsummor(laddad_databas):
    drift = _bred("driftbudget", laddad_databas)
    kol = ["Utfall 2018", "Budget 2019", "Budget 2020", "Plan 2021", "Plan 2022"]
    for k in kol:
        assert drift.loc["Intäkter", k] + drift.loc["Kostnader", k] == drift.loc["Netto", k]
    assert list(drift.loc["Netto", kol]) == [-203582, -203900, -228900, -228400, -231900]
    for fore, efter in zip(kol, kol[1:]):
        andring = drift.loc["Netto", efter] - drift.loc["Netto", fore]
        assert andring == drift.loc["Förändring i tkr", efter]
        assert round(andring / drift.loc["Netto", fore] * 100, 1) == drift.loc["Förändring i %", efter]

    verks = _bred("drift_per_verksamhet", laddad_databas)
    for k in kol:
        assert verks[verks.typ == "belopp"][k].fillna(0).sum() == verks.loc["Summa nämnd", k] == drift.loc["Netto", k]
    assert verks.loc["Effektivisering och omställning", "fotnot"] == "Belopp för 2021-2022 är ackumulerade"

    spec = _bred("budgetforandringar", laddad_databas)
    for k, summa in (("Budget 2020", -25000), ("Plan 2021", 500), ("Plan 2022", -3500)):
        assert spec[spec.typ == "belopp"][k].fillna(0).sum() == spec.loc["Summa, tkr", k] == summa
    assert spec.loc["Summa, tkr", "Budget 2020"] == drift.loc["Förändring i tkr", "Budget 2020"]
    assert spec.loc["Miljöcertifiering", "Plan 2022"] == -1500

    inv = _bred("investeringar", laddad_databas)
    for k, summa in (("2020", 510500), ("2021", 451900), ("2022", 529600)):
        assert inv[inv.typ == "belopp"][k].sum() == inv.loc["Summa investeringar", k] == summa
    grupper = inv[inv.typ == "belopp"].groupby("grupp")["2020"].sum()
    assert grupper["Kommunstyrelsens investeringar"] == 92500 + 14800 + 7000 + 200 + 9700
    assert len(grupper) == 2


def _ind(url, kod):
    anvand_databas(url)
    df = fragor.indikatorer(plan=fragor.los_plan())
    df = df if kod in set(df.kod) else fragor.indikatorer(arbetsgivare=True, plan=fragor.los_plan())
    return df.set_index("kod").loc[kod]


def test_stickprov_indikatorer(laddad_databas):
    u = laddad_databas
    i = _ind(u, "1-I01")
    assert i.namn == "Budgetavvikelse för verksamhetens nettokostnader"
    assert (i.nuvarde, i.nuvarde_text, i.mattenhet, i.nuvarde_ar) == (-7.8, "-7,8 mkr", "mnkr", 2018)
    assert (i.mal_2020, i.mal_2021, i.mal_2022, i.riktning) == (0, 0, 0, "hogre")
    i = _ind(u, "1-I02")
    assert (i.nuvarde, i.mal_2020, i.mal_2021, i.mal_2022, i.mattenhet) == (1.8, 2.6, 2.0, 2.0, "%")
    i = _ind(u, "1-I03")
    assert (i.nuvarde, i.mal_2020, i.mal_2021, i.mal_2022, i.riktning) == (23834, 26000, 28000, 30000, "lagre")
    assert i.kalla == "EkSys, KI – Finans & SCB"
    # Två värden per cell blir två indikatorer
    el, me = _ind(u, "5-I06"), _ind(u, "5-I07")
    assert (el.nuvarde, el.mal_2020, me.nuvarde, me.mal_2020) == (1600, 1750, 930, 1800)
    assert el.namn.endswith("– elever") and me.namn.endswith("– medarbetare")
    # Text där planen trycker text i stället för tal
    i = _ind(u, "3-I08")
    assert i.mal_2020_text == "25% av antalet e-tjänsttransaktioner" and i.mal_2020 != i.mal_2020  # NaN
    i = _ind(u, "6-I07")
    assert i.namn == "Progress i infrastruktur-projekt" and i.kvalitativ and i.mal_2020_text == "Se fotnot"
    assert "Verka för att Trafikverket tar fram vägplan för väg 77" in i.kvalitativa_mal["2020"]
    i = _ind(u, "7-I01")
    assert i.namn == "Dialoger med Ungdomsrådet"
    assert all(pd.isna(i[f"mal_{a}"]) and pd.isna(i[f"mal_{a}_text"]) for a in (2020, 2021, 2022))
    # Tomma värden förblir tomma
    i = _ind(u, "2-I01")
    assert i.nuvarde != i.nuvarde and i.nuvarde_text == "-"
    hr = _ind(u, "HR-I06")
    assert (hr.namn, hr.nuvarde, hr.mal_2022, hr.riktning) == ("Sjukfrånvaro", 6.14, 5.8, "lagre")
    assert _ind(u, "HR-I01").mal_2021_text == ">25"


def test_stickprov_atgarder_och_enheter(laddad_databas):
    anvand_databas(laddad_databas)
    a = fragor.atgarder(plan=fragor.los_plan()).set_index("kod")
    r = a.loc["1-A01"]
    assert r.text == "Utveckla en ny hyressättningsmodell"
    assert (r.ansvar, r.tidpunkt) == ("KSK/Eko och TK/Fastighet", "KS innan årsskiftet 2020/21")
    assert str(r.forfallodatum) == "2020-12-31"
    assert r.ansvariga == ["KSK/EKO", "TK/Fastighet"] and r.i_samverkan == []
    r = a.loc["1-A11"]  # "KSK/EKO i samverkan med KSK/TOU"
    assert r.ansvariga == ["KSK/EKO"] and r.i_samverkan == ["KSK/ToU"]
    assert a.loc["5-A01"].forfallodatum.isoformat() == "2020-06-30"  # Före sommaren 2020
    assert a.loc["1-A14"].forfallodatum.isoformat() == "2020-09-30"  # Kvartal tre 2020
    assert a.loc["4-A02"].forfallodatum is None                      # Löpande
    assert a.loc["6-A19"].text.startswith("Utarbeta en arkitekturprogram.")
    # "KSK/Plan", "KSK/PLAN", "KSK/SHB/Plan" är samma enhet
    for kod in ("1-A06", "1-A18"):
        assert "KSK/SHB/Plan" in a.loc[kod].ansvariga
    anvand_databas(laddad_databas)
    with db.session() as s:
        par = {e.kod: e for e in s.scalars(select(Enhet))}
        kod_for = {e.id: e.kod for e in par.values()}
        assert kod_for[par["KSK/SHB/MEX"].foralder_id] == "KSK/SHB"
        assert kod_for[par["KSK/SHB"].foralder_id] == "KSK"
        assert kod_for[par["KSK/EKO/Upphandling"].foralder_id] == "KSK/EKO"
        assert par["RÄ"].namn == "Kontoret för räddning och säkerhet"
        # Fraser som inte pekar ut en enhet länkar ingen
        n = s.scalar(select(func.count()).select_from(AtgardEnhet).join(Atgard).where(Atgard.kod == "1-A02"))
        assert n == 3  # KSK/EKO, KSK/SHB/MEX ansvariga; KSON i samverkan – inte "samtliga nämnder, bolag"


def test_varje_stavning_har_en_kanonisk_enhet():
    fel: list[str] = []
    reg = las_enheter(PLAN_DIR, fel)
    assert not fel
    stavningar = []
    for p in sorted(PLAN_DIR.glob("*.yaml")):
        def gå(x):
            if isinstance(x, dict):
                for k, v in x.items():
                    if k in ("ansvariga", "i_samverkan"):
                        stavningar.extend((p.name, s) for s in v)
                    elif k == "ansvarig" and isinstance(v, str):
                        stavningar.extend((p.name, s) for s in re.split(r",\s*|\s+och\s+", v))
                    else:
                        gå(v)
            elif isinstance(x, list):
                for v in x:
                    gå(v)
        gå(yaml.safe_load(p.read_text(encoding="utf-8")))
    assert len(stavningar) > 150
    okanda = [(f, s) for f, s in stavningar if reg.sla_upp(s) is None]
    assert not okanda
    koder = {e["kod"] for e in reg.enheter}
    for krav in ("KSK/EKO", "KSK/EKO/Upphandling", "KSK/SHB", "KSK/SHB/MEX", "KSK/SHB/Plan", "KSK/ToU",
                 "KSK/TiNK", "KSK/KOM", "RÄ", "TK/Fastighet", "BoU"):
        assert krav in koder
    for stavning, kod in (("KSK/Eko", "KSK/EKO"), ("KSK/Tou", "KSK/ToU"), ("Räddning/säkerhet", "RÄ"),
                          ("KSK/Plan", "KSK/SHB/Plan"), ("KSK/PLAN", "KSK/SHB/Plan"), ("KSK/MEX", "KSK/SHB/MEX")):
        assert reg.sla_upp(stavning) == [kod], stavning


def test_publicerade_utfall_hittar_sina_poster(laddad_sqlite):
    """Varje rad i de publicerade utfallen pekar på en post i planen (namn som tryckt)."""
    if not UTFALL.exists():
        pytest.skip("shared/utfall saknas")
    anvand_databas(laddad_sqlite)
    ind = fragor.indikatorer(plan=fragor.los_plan())
    atg = fragor.atgarder(plan=fragor.los_plan())
    budget = fragor.budget(plan=fragor.los_plan())
    for rad in csv.DictReader(UTFALL.open(encoding="utf-8")):
        if rad["typ"] == "indikator":
            assert ((ind.namn == rad["namn_i_planen"]) & (ind.malomrade == int(rad["malomrade"]))).sum() == 1, rad
        elif rad["typ"] == "atgard":
            traff = atg[(atg.malomrade == int(rad["malomrade"])) & atg.text.str.startswith(rad["namn_i_planen"])]
            assert len(traff) == 1, rad
        else:
            assert rad["namn_i_planen"] in set(budget.post), rad
