"""Läser in planens källfiler i databasen: `python -m data.ladda [--katalog DIR]`.

Idempotent: posterna synkas på sina stabila nycklar (id i källfilerna), så en andra körning
ändrar ingenting och rapporterade värden behåller sina kopplingar när en text rättas.
Allt sker i en transaktion; ett fel i källfilerna lämnar databasen som den var.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from data.lagring import cache, db, start
from data.planen.kallor import PLAN_DIR, KallfilFel, las_plan
from data.lagring.models import (Atgard, AtgardEnhet, Atgardsrapport, Budgetbelopp, Budgetrad,
                         Budgetutfall, Enhet, Fokusomrade, Indikator, IndikatorEnhet,
                         Indikatorutfall, Inriktningsmal, Malbedomning, Malomrade, Malvarde,
                         Period, Plan, SarskiltUppdrag, Uppdrag)


class Laddfel(Exception):
    pass


def _synka(s: Session, modell, nyckel: dict, falt: dict):
    obj = s.scalars(select(modell).filter_by(**nyckel)).one_or_none()
    if obj is None:
        obj = modell(**nyckel, **falt)
        s.add(obj)
        s.flush()
        return obj
    for k, v in falt.items():
        if getattr(obj, k) != v:
            setattr(obj, k, v)
    return obj


def _ta_bort_overblivna(s: Session, modell, behall: set[int], villkor, rapportmodell=None,
                        rapportkolumn=None, namn: str = "") -> None:
    for obj in s.scalars(select(modell).where(villkor)).all():
        if obj.id in behall:
            continue
        if rapportmodell is not None and s.scalars(
                select(rapportmodell.id).where(rapportkolumn == obj.id).limit(1)).first():
            raise Laddfel(f"{namn} {getattr(obj, 'kod', obj.id)} finns inte längre i källfilerna men "
                          f"har rapporterade värden; den tas inte bort")
        s.delete(obj)
    s.flush()


def _synka_malvarden(s: Session, ind: Indikator, mal: dict, plannamn: str) -> None:
    finns = {m.ar: m for m in s.scalars(select(Malvarde).where(
        Malvarde.indikator_id == ind.id, Malvarde.fran_planen.is_(True)))}
    for ar, (varde, text) in mal.items():
        if ar in finns:
            m = finns.pop(ar)
            if (m.varde, m.text) != (varde, text):
                m.varde, m.text = varde, text
        else:
            s.add(Malvarde(indikator_id=ind.id, ar=ar, varde=varde, text=text, satt_av=plannamn,
                           kalla=plannamn, fran_planen=True))
    for m in finns.values():
        s.delete(m)


def _synka_indikator(s: Session, plan: Plan, d: dict, enheter: dict[str, Enhet], **plats) -> Indikator:
    ind = _synka(s, Indikator, {"plan_id": plan.id, "kod": d["kod"]}, {
        **plats, "niva": d["niva"], "namn": d["namn"], "mattenhet": d["mattenhet"],
        "riktning": d["riktning"], "nuvarde": d["nuvarde"], "nuvarde_text": d["nuvarde_text"],
        "nuvarde_ar": d["nuvarde_ar"], "ansvarig": d["ansvarig"], "kalla": d["kalla"],
        "matintervall": d["matintervall"], "fotnot": d["fotnot"], "kvalitativ": d["kvalitativ"],
        "kvalitativa_mal": d["kvalitativa_mal"], "kolada_kpi": ",".join(k["id"] for k in d.get("kolada") or []) or None,
        "ordning": d["ordning"]})
    _synka_malvarden(s, ind, d["mal"], plan.namn)
    forsta_stavning: dict[int, str] = {}
    for k, stavning in d["enheter"]:
        forsta_stavning.setdefault(enheter[k].id, stavning)
    onskade = set(forsta_stavning.items())
    nu = {(l.enhet_id, l.stavning): l for l in s.scalars(select(IndikatorEnhet).where(IndikatorEnhet.indikator_id == ind.id))}
    for nyckel, l in nu.items():
        if nyckel not in onskade:
            s.delete(l)
    s.flush()
    for eid, st in onskade - set(nu):
        s.add(IndikatorEnhet(indikator_id=ind.id, enhet_id=eid, stavning=st))
    return ind


def _skriv_plan(s: Session, p: dict) -> Plan:
    plan = _synka(s, Plan, {"kod": p["kod"]}, {
        "namn": p["namn"], "namnd": p["namnd"], "ar": p["ar"], "kommun": p["kommun"], "vision": p["vision"],
        "kallhash": p["kallhash"], "malar": p["malar"], "ambitionsar": p["ambitionsar"],
        "personalmal": p["arbetsgivare"]["personalmal"], "standardperiod": p["standardperiod"],
        "kolada": p.get("kolada")})
    for per in p["perioder"]:
        _synka(s, Period, {"plan_id": plan.id, "namn": per["namn"]}, {"ar": per["ar"], "typ": per["typ"],
                                                                       "slutdatum": per["slutdatum"]})
    # Enheter (förälder efter att alla finns)
    enheter: dict[str, Enhet] = {}
    for e in p["enheter"]:
        enheter[e["kod"]] = _synka(s, Enhet, {"plan_id": plan.id, "kod": e["kod"]}, {
            "namn": e["namn"], "extern": e["extern"], "ordning": e["ordning"]})
    for e in p["enheter"]:
        fid = enheter[e["foralder"]].id if e["foralder"] else None
        if enheter[e["kod"]].foralder_id != fid:
            enheter[e["kod"]].foralder_id = fid
    s.flush()

    behall_upp, behall_atg, behall_ind = set(), set(), set()
    for mo in p["malomraden"]:
        m = _synka(s, Malomrade, {"plan_id": plan.id, "nr": mo["nr"]}, {
            k: mo[k] for k in ("titel", "beskrivning", "ambitionsniva", "tolkning", "uppfoljning")})
        behall_im = set()
        for im in mo["inriktningsmal"]:
            behall_im.add(_synka(s, Inriktningsmal, {"malomrade_id": m.id, "nr": im["nr"]}, {
                "titel": im["titel"], "beskrivning": im["beskrivning"], "ordning": im["ordning"]}).id)
        _ta_bort_overblivna(s, Inriktningsmal, behall_im, Inriktningsmal.malomrade_id == m.id,
                            Malbedomning, Malbedomning.inriktningsmal_id, "Inriktningsmålet")
        for u in mo["uppdrag"]:
            upp = _synka(s, Uppdrag, {"plan_id": plan.id, "kod": u["kod"]}, {
                "malomrade_id": m.id, "typ": u["typ"], "titel": u["titel"], "tolkning": u["tolkning"],
                "ordning": u["ordning"]})
            behall_upp.add(upp.id)
            for a in u["atgarder"]:
                atg = _synka(s, Atgard, {"plan_id": plan.id, "kod": a["kod"]}, {
                    "uppdrag_id": upp.id, "text": a["text"], "effekt": a["effekt"], "ansvar": a["ansvar"],
                    "tidpunkt": a["tidpunkt"], "forfallodatum": a["forfallodatum"], "ordning": a["ordning"]})
                behall_atg.add(atg.id)
                onskade = {(enheter[k].id, roll, st) for k, roll, st in a["enheter"]}
                nu = {(l.enhet_id, l.roll, l.stavning): l for l in atg.enheter}
                if set(nu) != onskade:
                    atg.enheter.clear()
                    s.flush()
                    for eid, roll, st in sorted(onskade):
                        atg.enheter.append(AtgardEnhet(enhet_id=eid, roll=roll, stavning=st))
        for d in mo["indikatorer"]:
            behall_ind.add(_synka_indikator(s, plan, d, enheter, malomrade_id=m.id, fokusomrade_id=None).id)

    for fo in p["arbetsgivare"]["fokusomraden"]:
        f = _synka(s, Fokusomrade, {"plan_id": plan.id, "nr": fo["nr"]}, {"titel": fo["titel"],
                                                                          "nyckelord": fo["nyckelord"]})
        for d in fo["indikatorer"]:
            behall_ind.add(_synka_indikator(s, plan, d, enheter, malomrade_id=None, fokusomrade_id=f.id).id)

    _ta_bort_overblivna(s, Atgard, behall_atg, Atgard.plan_id == plan.id, Atgardsrapport,
                        Atgardsrapport.atgard_id, "Åtgärden")
    _ta_bort_overblivna(s, Uppdrag, behall_upp, Uppdrag.plan_id == plan.id, namn="Uppdraget")
    for ind in s.scalars(select(Indikator).where(Indikator.plan_id == plan.id)).all():
        if ind.id not in behall_ind:
            if s.scalars(select(Indikatorutfall.id).where(Indikatorutfall.indikator_id == ind.id).limit(1)).first():
                raise Laddfel(f"Indikatorn {ind.kod} finns inte längre i källfilerna men har rapporterade utfall")
            s.execute(delete(Malvarde).where(Malvarde.indikator_id == ind.id))
            s.execute(delete(IndikatorEnhet).where(IndikatorEnhet.indikator_id == ind.id))
            s.delete(ind)

    behall_su = set()
    for su in p["sarskilda"]:
        behall_su.add(_synka(s, SarskiltUppdrag, {"plan_id": plan.id, "kod": su["kod"]}, {
            k: su[k] for k in ("titel", "beskrivning", "inriktning", "kommentar", "ordning")}).id)
    _ta_bort_overblivna(s, SarskiltUppdrag, behall_su, SarskiltUppdrag.plan_id == plan.id)

    behall_rad = set()
    for r in p["budget"]:
        rad = _synka(s, Budgetrad, {"plan_id": plan.id, "tabell": r["tabell"], "post": r["post"]}, {
            "grupp": r["grupp"], "typ": r["typ"], "fotnot": r["fotnot"], "forklaring": r.get("forklaring"),
            "ordning": r["ordning"]})
        behall_rad.add(rad.id)
        nu = {b.kolumn: b for b in rad.belopp}
        for b in r["belopp"]:
            if b["kolumn"] in nu:
                x = nu.pop(b["kolumn"])
                if (x.slag, x.ar) != (b["slag"], b["ar"]) or float(x.varde) != float(b["varde"]):
                    x.slag, x.ar, x.varde = b["slag"], b["ar"], b["varde"]
            else:
                rad.belopp.append(Budgetbelopp(kolumn=b["kolumn"], slag=b["slag"], ar=b["ar"], varde=b["varde"]))
        for x in nu.values():
            rad.belopp.remove(x)
    _ta_bort_overblivna(s, Budgetrad, behall_rad, Budgetrad.plan_id == plan.id, Budgetutfall,
                        Budgetutfall.budgetrad_id, "Budgetraden")
    return plan


def ladda_plan(katalog: Path = PLAN_DIR, url: str | None = None) -> str:
    """Läs källfilerna och synka databasen. Returnerar "inläst", "uppdaterad" eller "oförändrad"."""
    return _spara(las_plan(katalog), url)  # KallfilFel innan något rörs


def ladda_plan_katalog(katalog: Path = PLAN_DIR, url: str | None = None) -> dict:
    """Som ladda_plan, men returnerar planens data (kod, perioder, publicerade utfall …)."""
    plan = las_plan(katalog)
    _spara(plan, url)
    return plan


def _spara(plan: dict, url: str | None) -> str:
    start.sakerstall_schema(url)
    with db.session(url) as s:
        finns = s.scalars(select(Plan).where(Plan.kod == plan["kod"])).one_or_none()
        if finns is not None and finns.kallhash == plan["kallhash"]:
            return "oförändrad"
        _skriv_plan(s, plan)
        cache.rakna_upp(s)
        return "uppdaterad" if finns is not None else "inläst"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m data.ladda",
                                 description="Läs in planens källfiler (data/plan/) i databasen.")
    ap.add_argument("--katalog", type=Path, default=PLAN_DIR, help="katalog med källfilerna")
    args = ap.parse_args(argv)
    start.starta()
    try:
        resultat = ladda_plan(args.katalog)
    except KallfilFel as e:
        print(e, file=sys.stderr)
        return 1
    except Laddfel as e:
        print(f"Inläsningen avbröts, databasen är oförändrad: {e}", file=sys.stderr)
        return 1
    print(f"Planen {resultat} ({db.databas_url().split('@')[-1]}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
