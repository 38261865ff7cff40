"""Nästa års plan ur den här: källfiler som planerarna redigerar (docs/kallfiler.md).

    python -m data.nyplan --fran PLANKOD --kod NY_PLANKOD KATALOG [--period PERIOD]

Skriver plan.yaml (året +1, målåren och perioderna ett år framåt: varje år i periodnamnen flyttas,
"Läsåret 2025/26" → "Läsåret 2026/27"), enheter.yaml (planens enheter med alla stavningar ur
enheter.yaml och de stavningar planen använt), ett malomrade_<nr>.yaml per målområde (inriktningsmål,
uppdrag med de åtgärder som inte är Genomförda eller Strukna vid perioden – märkta `overford_fran`,
med `tidpunkt_datum` när tidpunkten lästes i den nya planen skulle ge ett annat datum ("Kvartal 4"
utan år betyder fortfarande 2025-12-31) – och
indikatorerna med senaste rapporterade utfall som nuvärde och planens mål för de år som finns
kvar), arbetsgivare.yaml och sarskilda_uppdrag.yaml. Budgetfiler skrivs inte: de kommer ur nästa
Mål och budget. Inget skrivs över: katalogen ska vara ny eller tom. Kommandot: data/nyplan.py.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd
import yaml
from sqlalchemy import select

from data.lagring import db
from data.uppfoljning import fragor
from data.planen.kallor import las_plan
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.urval import normalisera_stavning
from data.lagring.models import AtgardEnhet, Atgard, Enhet, Indikator, IndikatorEnhet, Plan
from data.uppfoljning.regler import las_tidpunkt
from data.uppfoljning.status import AVSLUTADE

log = logging.getLogger(__name__)


class Nyplanfel(Exception):
    """Det gick inte att skriva nästa plan (okänd plan, katalogen finns redan …)."""


def _text(x):
    return None if x is None or (isinstance(x, float) and pd.isna(x)) or x == "" else x


def _skriv(katalog: Path, namn: str, data: dict, rubrik: str) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)
    (katalog / namn).write_text(f"# {rubrik}\n{text}", encoding="utf-8")


def _flytta_ar(text: str | None, fran: int, till: int) -> str | None:
    return text.replace(str(fran), str(till)) if isinstance(text, str) else text


def flytta_alla_ar(text: str, steg: int = 1) -> str:
    """Varje årtal i texten `steg` år framåt, också läsår: "Läsåret 2025/26" → "Läsåret 2026/27",
    "Tertial 2 2025" → "Tertial 2 2026", "HT25" lämnas (inget fyrsiffrigt år)."""
    def flytta(m: re.Match) -> str:
        ar = str(int(m.group(1)) + steg)
        if not m.group(3):
            return ar
        andra = int(m.group(3)) + steg
        return f"{ar}{m.group(2)}{andra if len(m.group(3)) == 4 else f'{andra % 100:02d}'}"
    return re.sub(r"\b(20\d\d)(?:([/-])(20\d\d|\d\d))?\b", flytta, text)


def _tidpunkt_datum(a, nytt_ar: int, perioder: dict[str, dt.date]):
    """Åtgärdens förfallodatum att skriva ut (`tidpunkt_datum`), när tidpunkten lästes i den nya planen
    skulle ge ett annat: en överförd "Kvartal 4" utan år ska fortfarande gälla det gamla årets slut."""
    gammalt = a.forfallodatum if isinstance(a.forfallodatum, dt.date) else None
    nytt = las_tidpunkt(a.tidpunkt, nytt_ar, perioder).datum
    if nytt == gammalt:
        return None
    return gammalt if gammalt is not None else "inget"


def _stavningar(pid: int) -> dict[str, set[str]]:
    """Stavning (som tryckt) → enhetskoder, ur planens åtgärder och indikatorer."""
    ut: dict[str, set[str]] = defaultdict(set)
    with db.session() as s:
        for modell, nyckel, agare in ((AtgardEnhet, AtgardEnhet.atgard_id, Atgard),
                                      (IndikatorEnhet, IndikatorEnhet.indikator_id, Indikator)):
            for stavning, kod in s.execute(select(modell.stavning, Enhet.kod).join(Enhet, Enhet.id == modell.enhet_id)
                                           .join(agare, agare.id == nyckel).where(agare.plan_id == pid)):
                ut[stavning].add(kod)
    return ut


def _enheter(plan: Plankontext, pid: int) -> dict:
    """enheter.yaml: planens enheter med alla stavningar ur den inlästa enheter.yaml (också de som ingen
    överförd post använder) och de stavningar planen använt."""
    enh = fragor.enheter(plan)
    alias: dict[str, list[str]] = defaultdict(list)
    with db.session() as s:
        for kod, lagrade in s.execute(select(Enhet.kod, Enhet.alias).where(Enhet.plan_id == pid)):
            alias[kod].extend(lagrade or [])
        sammansatta = dict(s.scalar(select(Plan.sammansatta).where(Plan.id == pid)) or {})
    for stavning, koder in sorted(_stavningar(pid).items()):
        kod = next(iter(koder))
        if len(koder) > 1:
            sammansatta.setdefault(stavning, sorted(koder))
        elif (normalisera_stavning(stavning) != normalisera_stavning(kod)
              and normalisera_stavning(stavning) not in {normalisera_stavning(a) for a in alias[kod]}):
            alias[kod].append(stavning)
    poster = []
    for r in enh.itertuples():
        e = {"kod": r.kod, "namn": r.namn}
        if bool(r.extern):
            e["extern"] = True
        if alias.get(r.kod):
            e["alias"] = alias[r.kod]
        poster.append(e)
    return {"enheter": poster, **({"sammansatta": sammansatta} if sammansatta else {})}


def _indikator(r, malar: list[int], senaste: dict) -> dict:
    d = {"id": r.kod, "niva": _text(r.niva), "namn": r.namn, "enhet": _text(r.mattenhet),
         "riktning": _text(r.riktning)}
    utfall = senaste.get(r.id)
    if utfall is not None:
        d["nuvarde"], d["nuvarde_ar"] = float(utfall[0]), int(utfall[1])
    else:
        d["nuvarde"] = None if pd.isna(r.nuvarde) else float(r.nuvarde)
        d["nuvarde_text"] = _text(r.nuvarde_text)
        d["nuvarde_ar"] = None if pd.isna(r.nuvarde_ar) else int(r.nuvarde_ar)
    for ar in malar:
        if f"mal_{ar}" in r._fields:
            v, t = getattr(r, f"mal_{ar}"), getattr(r, f"mal_{ar}_text")
            if not pd.isna(v):
                d[f"mal_{ar}"] = float(v)
            if isinstance(t, str):
                d[f"mal_{ar}_text"] = t
    for k in ("ansvarig", "kalla", "matintervall", "fotnot"):
        d[k] = _text(getattr(r, k))
    if bool(r.kvalitativ):
        d["kvalitativ"] = True
        km = r.kvalitativa_mal if isinstance(r.kvalitativa_mal, dict) else {}
        d["kvalitativa_mal"] = {k: v for k, v in km.items() if k == "nuvarde" or (k.isdigit() and int(k) in malar)}
    return {k: v for k, v in d.items() if v is not None}


def _senaste_utfall(plan: Plankontext) -> dict[int, tuple[float, int]]:
    """Indikator → (senaste rapporterade värde, dess år), utan exempeldata."""
    ind = fragor.indikatorer(plan=plan)
    ut = fragor.utfall(ind.id.tolist())
    ut = ut[ut.varde.notna() & ~ut.exempel.astype(bool)]
    return {int(i): (float(g.varde.iloc[-1]), g.slutdatum.iloc[-1].year) for i, g in ut.groupby("indikator_id")}


def ny_plan(fran: Plankontext, kod: str, katalog: Path, period: str | None = None) -> dict:
    """Skriv källfilerna för nästa års plan. Returnerar en sammanfattning (antal per slag)."""
    katalog = Path(katalog)
    if katalog.exists() and any(katalog.iterdir()):
        raise Nyplanfel(f"Katalogen {katalog} finns redan och är inte tom; välj en ny katalog")
    if kod in set(fragor.planer().kod):
        raise Nyplanfel(f"Planen {kod!r} finns redan i databasen")
    info = fragor.plan_info(fran)
    gammalt, nytt = int(info["ar"]), int(info["ar"]) + 1
    malar = [a + 1 for a in info["malar"]]
    per = fragor.vald_period(period, plan=fran)
    katalog.mkdir(parents=True, exist_ok=True)
    pid = fran.id
    perioder = [{"namn": flytta_alla_ar(p.namn), "typ": p.typ,
                 "slutdatum": dt.date(p.slutdatum.year + 1, p.slutdatum.month,
                                      min(p.slutdatum.day, 28 if p.slutdatum.month == 2 else 31))}
                for p in fragor.perioder(fran).itertuples()]
    nd = fragor.namnden(fran)
    namnden = {"namnd": nd.namn, "namnd_kort": nd.kort, "namnd_genitiv": nd.genitiv_,
               "kommun": _text(nd.kommun), "kommunkod": nd.kommunkod, "texter": nd.texter or None}
    _skriv(katalog, "plan.yaml", {
        "kod": kod, "namn": _flytta_ar(info["namn"], gammalt, nytt),
        **{k: v for k, v in namnden.items() if v is not None}, "ar": nytt, "malar": malar, "ambitionsar": info.get("ambitionsar"),
        "vision": _text(info.get("vision")), "perioder": perioder},
        f"Utkast till {kod}, skrivet ur {fran} {dt.date.today():%Y-%m-%d} (python -m data.nyplan). Redigera fritt.")
    _skriv(katalog, "enheter.yaml", _enheter(fran, pid), f"Enheterna i {fran}, med planens stavningar")

    nya_perioder = {p["namn"]: p["slutdatum"] for p in perioder}
    atg = fragor.atgarder(period=per.namn, plan=fran)
    oppna = atg[~atg.status.isin(AVSLUTADE)]
    lankar = _stavningar_per_atgard(pid)
    ind = fragor.indikatorer(plan=fran)
    senaste = _senaste_utfall(fran)
    im = fragor.inriktningsmal(plan=fran)
    summa = defaultdict(int)
    for mo in fragor.malomraden(fran).itertuples():
        uppdrag = []
        for (ukod, utyp, utitel, utolk), grupp in oppna[oppna.malomrade == mo.nr].groupby(
                ["uppdrag_kod", "uppdragstyp", "uppdrag", "uppdrag_tolkning"], sort=False, dropna=False):
            uppdrag.append({"id": ukod, "typ": utyp, "titel": utitel, "tolkning": _text(utolk), "atgarder": [
                {k: v for k, v in {
                    "id": a.kod, "atgard": a.text, "effekt": _text(a.effekt), "ansvar": a.ansvar,
                    "ansvariga": lankar[a.id]["ansvarig"], "i_samverkan": lankar[a.id]["i samverkan"] or None,
                    "tidpunkt": a.tidpunkt,
                    "tidpunkt_datum": _tidpunkt_datum(a, nytt, nya_perioder),
                    "overford_fran": f"{fran}: {a.status} vid {per.namn}" + (f" ({a.kommentar})" if _text(a.kommentar) else ""),
                }.items() if v is not None} for a in grupp.itertuples()]})
            summa["atgarder"] += len(grupp)
        summa["uppdrag"] += len(uppdrag)
        mo_ind = [_indikator(r, malar, senaste) for r in ind[ind.malomrade == mo.nr].itertuples()]
        summa["indikatorer"] += len(mo_ind)
        _skriv(katalog, f"malomrade_{mo.nr}.yaml", {k: v for k, v in {
            "nr": int(mo.nr), "titel": mo.titel, "beskrivning": _text(mo.beskrivning),
            "ambitionsniva": _text(mo.ambitionsniva), "tolkning": _text(mo.tolkning),
            "uppfoljning": _text(mo.uppfoljning),
            "inriktningsmal": [{"nr": r.nr, "titel": r.titel, **({"beskrivning": r.beskrivning}
                                                                 if _text(r.beskrivning) else {})}
                               for r in im[im.malomrade == mo.nr].itertuples()],
            "uppdrag": uppdrag, "indikatorer": mo_ind}.items() if v is not None},
            f"Målområde {mo.nr}: ej avslutade åtgärder ur {fran} (status vid {per.namn}) är märkta overford_fran")
    _arbetsgivare_och_sarskilda(katalog, fran, info, ind, malar, senaste)
    las_plan(katalog)   # det som skrevs ska gå att läsa in (KallfilFel annars)
    return {"perioder": len(perioder), "malomraden": len(fragor.malomraden(fran)), **summa}


def _stavningar_per_atgard(pid: int) -> dict[int, dict[str, list[str]]]:
    ut: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"ansvarig": [], "i samverkan": []})
    with db.session() as s:
        for aid, roll, st in s.execute(select(AtgardEnhet.atgard_id, AtgardEnhet.roll, AtgardEnhet.stavning)
                                       .join(Atgard, Atgard.id == AtgardEnhet.atgard_id)
                                       .where(Atgard.plan_id == pid).order_by(AtgardEnhet.id)):
            if st not in ut[aid][roll]:
                ut[aid][roll].append(st)
    return ut


def _arbetsgivare_och_sarskilda(katalog: Path, fran: Plankontext, info: dict, ind: pd.DataFrame, malar: list[int],
                                senaste: dict) -> None:
    fo = fragor.fokusomraden(fran)
    if not fo.empty:
        _skriv(katalog, "arbetsgivare.yaml", {
            "titel": f"{info.get('kommun') or info['namnd']} som arbetsgivare", "personalmal": info.get("personalmal"),
            "fokusomraden": [{"nr": int(f.nr), "titel": f.titel, **({"nyckelord": f.nyckelord} if _text(f.nyckelord) else {}),
                              "indikatorer": [_indikator(r, malar, senaste)
                                              for r in ind[ind.fokusomrade == f.nr].itertuples()]}
                             for f in fo.itertuples()]}, f"Arbetsgivarens fokusområden ur {fran}")
    su = fragor.sarskilda_uppdrag(fran)
    if not su.empty:
        _skriv(katalog, "sarskilda_uppdrag.yaml", {"uppdrag": [
            {k: v for k, v in {"id": r.kod, "titel": r.titel, "beskrivning": _text(r.beskrivning),
                               "kommentar": _text(r.kommentar)}.items() if v is not None}
            for r in su.itertuples()]}, f"Särskilda uppdrag ur {fran}; skriv årets inriktning (fältet inriktning)")
