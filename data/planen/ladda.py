"""Läser in planens källfiler i databasen (kommandot: `python -m data.ladda [--katalog DIR]`).

Idempotent: posterna synkas på sina stabila nycklar (id i källfilerna), så en andra körning
ändrar ingenting och rapporterade värden behåller sina kopplingar när en text rättas.
Exakt: efter inläsningen är planen i databasen den i filerna – det som tagits bort ur filerna tas
bort, utom när rapporter, låsningar eller konton pekar på det: då vägras hela inläsningen med
besked om vad som pekar på vad (Laddfel). Allt sker i en transaktion; ett fel i källfilerna
lämnar databasen som den var.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from data.lagring import cache, db, start
from data.planen.kallor import BUDGETFILER, PLAN_DIR, las_plan
from data.lagring.models import (Atgard, AtgardEnhet, Atgardsrapport, Budgetbelopp, Budgetrad,
                                 Budgetutfall, Enhet, Fokusomrade, Indikator, IndikatorEnhet,
                                 Indikatorutfall, Inriktningsmal, KontoRatt, Malbedomning, Malomrade,
                                 Malvarde, Period, Periodlas, Plan, Rapportrunda, Rundahandelse, SarskiltUppdrag,
                                 Uppdrag, Analystext)


class Laddfel(Exception):
    """Inläsningen vägrades: `fel` är raderna som säger vad som pekar på vad."""

    def __init__(self, fel: list[str]):
        self.fel = fel
        super().__init__("\n".join(fel))


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


# --- Det som inte längre finns i filerna (inläsningen är exakt) ---

@dataclass
class Borttagna:
    """Databasens poster i planen som källfilerna inte längre har (id → fil och post)."""
    malomraden: dict[int, str] = field(default_factory=dict)
    inriktningsmal: dict[int, str] = field(default_factory=dict)
    uppdrag: dict[int, str] = field(default_factory=dict)
    atgarder: dict[int, str] = field(default_factory=dict)
    indikatorer: dict[int, str] = field(default_factory=dict)
    fokusomraden: dict[int, str] = field(default_factory=dict)
    sarskilda: dict[int, str] = field(default_factory=dict)
    budgetrader: dict[int, str] = field(default_factory=dict)
    perioder: dict[int, str] = field(default_factory=dict)
    enheter: dict[int, str] = field(default_factory=dict)


def _borttagna(s: Session, plan_id: int, p: dict) -> Borttagna:
    b = Borttagna()
    mo_nr = {mo["nr"] for mo in p["malomraden"]}
    im = {(mo["nr"], x["nr"]) for mo in p["malomraden"] for x in mo["inriktningsmal"]}
    upp = {u["kod"] for mo in p["malomraden"] for u in mo["uppdrag"]}
    atg = {a["kod"] for mo in p["malomraden"] for u in mo["uppdrag"] for a in u["atgarder"]}
    ind = ({i["kod"] for mo in p["malomraden"] for i in mo["indikatorer"]}
           | {i["kod"] for fo in p["arbetsgivare"]["fokusomraden"] for i in fo["indikatorer"]})
    fokus = {fo["nr"] for fo in p["arbetsgivare"]["fokusomraden"]}
    nr_per_mo = dict(s.execute(select(Malomrade.id, Malomrade.nr).where(Malomrade.plan_id == plan_id)).all())
    for mid, nr in nr_per_mo.items():
        if nr not in mo_nr:
            b.malomraden[mid] = f"malomrade_{nr}.yaml, målområde {nr}"
    for x in s.scalars(select(Inriktningsmal).where(Inriktningsmal.malomrade_id.in_(nr_per_mo))):
        if (nr_per_mo[x.malomrade_id], x.nr) not in im:
            b.inriktningsmal[x.id] = f"malomrade_{nr_per_mo[x.malomrade_id]}.yaml, inriktningsmål {x.nr}"
    for x in s.scalars(select(Uppdrag).where(Uppdrag.plan_id == plan_id)):
        if x.kod not in upp:
            b.uppdrag[x.id] = f"malomrade_{nr_per_mo.get(x.malomrade_id)}.yaml, uppdrag {x.kod}"
    for kod_, aid, mid in s.execute(select(Atgard.kod, Atgard.id, Uppdrag.malomrade_id)
                                    .join(Uppdrag, Uppdrag.id == Atgard.uppdrag_id).where(Atgard.plan_id == plan_id)):
        if kod_ not in atg:
            b.atgarder[aid] = f"malomrade_{nr_per_mo.get(mid)}.yaml, åtgärd {kod_}"
    for x in s.scalars(select(Indikator).where(Indikator.plan_id == plan_id)):
        if x.kod not in ind:
            fil = f"malomrade_{nr_per_mo.get(x.malomrade_id)}.yaml" if x.malomrade_id else "arbetsgivare.yaml"
            b.indikatorer[x.id] = f"{fil}, indikator {x.kod}"
    for x in s.scalars(select(Fokusomrade).where(Fokusomrade.plan_id == plan_id)):
        if x.nr not in fokus:
            b.fokusomraden[x.id] = f"arbetsgivare.yaml, fokusområde {x.nr}"
    su = {x["kod"] for x in p["sarskilda"]}
    for x in s.scalars(select(SarskiltUppdrag).where(SarskiltUppdrag.plan_id == plan_id)):
        if x.kod not in su:
            b.sarskilda[x.id] = f"sarskilda_uppdrag.yaml, särskilt uppdrag {x.kod}"
    rader = {(r["tabell"], r["post"]) for r in p["budget"]}
    for x in s.scalars(select(Budgetrad).where(Budgetrad.plan_id == plan_id)):
        if (x.tabell, x.post) not in rader:
            b.budgetrader[x.id] = f"{BUDGETFILER.get(x.tabell, x.tabell)}, raden {x.post!r}"
    perioder = {x["namn"] for x in p["perioder"]}
    for x in s.scalars(select(Period).where(Period.plan_id == plan_id, Period.syntetisk.is_(False))):
        if x.namn not in perioder:
            b.perioder[x.id] = f"plan.yaml, perioden {x.namn!r}"
    enheter = {e["kod"] for e in p["enheter"]}
    for x in s.scalars(select(Enhet).where(Enhet.plan_id == plan_id)):
        if x.kod not in enheter:
            b.enheter[x.id] = f"enheter.yaml, enheten {x.kod}"
    return b


def _antal(s: Session, kolumn, ids, *villkor) -> dict[int, int]:
    """Antal rader per id i `kolumn` (bara bland `ids`)."""
    if not ids:
        return {}
    return dict(s.execute(select(kolumn, func.count()).where(kolumn.in_(list(ids)), *villkor)
                          .group_by(kolumn)).all())


def _ord(n: int, ett: str, flera: str) -> str:
    return f"{n} {ett if n == 1 else flera}"


def _hinder(s: Session, b: Borttagna) -> list[str]:
    """Det som pekar på borttagna poster (rapporter, låsningar, konton): då vägras inläsningen."""
    ut = []

    def lagg_till(borttagna: dict[int, str], *pekare: tuple[dict[int, int], str, str]) -> None:
        for id_, vad in borttagna.items():
            delar = [_ord(antal[id_], ett, flera) for antal, ett, flera in pekare if antal.get(id_)]
            if delar:
                ut.append(f"{vad} finns inte längre i filen, men {' och '.join(delar)} pekar på den")

    lagg_till(b.atgarder, (_antal(s, Atgardsrapport.atgard_id, b.atgarder), "åtgärdsrapport", "åtgärdsrapporter"))
    lagg_till(b.indikatorer, (_antal(s, Indikatorutfall.indikator_id, b.indikatorer), "rapporterat utfall",
                              "rapporterade utfall"),
              (_antal(s, Malvarde.indikator_id, b.indikatorer, Malvarde.fran_planen.is_(False)),
               "rapporterat mål", "rapporterade mål"))
    lagg_till(b.inriktningsmal, (_antal(s, Malbedomning.inriktningsmal_id, b.inriktningsmal),
                                 "målbedömning", "målbedömningar"))
    lagg_till(b.budgetrader, (_antal(s, Budgetutfall.budgetrad_id, b.budgetrader), "budgetutfall", "budgetutfall"))
    rapporter = {}
    for modell in (Atgardsrapport, Indikatorutfall, Malbedomning, Budgetutfall):
        for k, v in _antal(s, modell.period_id, b.perioder).items():
            rapporter[k] = rapporter.get(k, 0) + v
    lasta = {x: 1 for x in s.scalars(select(Period.id).where(Period.id.in_(list(b.perioder)), Period.last.is_(True)))}
    lagg_till(b.perioder, (rapporter, "rapport", "rapporter"), (lasta, "låsning", "låsningar"),
              (_antal(s, Periodlas.period_id, b.perioder), "händelse i låsloggen", "händelser i låsloggen"),
              (_antal(s, Analystext.period_id, b.perioder), "analystext", "analystexter"))
    lagg_till(b.enheter, (_konton_per_enhet(s, b.enheter), "konto", "konton"))
    return ut


def _konton_per_enhet(s: Session, enheter: dict[int, str]) -> dict[int, int]:
    """Konton med rätt att rapportera för en borttagen enhet: en rättighet i enhetens plan, eller i
    planens organisation (kommun) när ingen annan av organisationens planer har kvar koden."""
    if not enheter:
        return {}
    org = func.coalesce(Plan.kommun, Plan.kod)
    ut: dict[int, int] = {}
    for eid, kod, pkod, organisation in s.execute(
            select(Enhet.id, Enhet.kod, Plan.kod, org).join(Plan, Plan.id == Enhet.plan_id)
            .where(Enhet.id.in_(list(enheter)))):
        kvar = s.scalar(select(func.count()).select_from(Enhet).join(Plan, Plan.id == Enhet.plan_id)
                        .where(Enhet.kod == kod, Enhet.id.not_in(list(enheter)), org == organisation))
        galler = KontoRatt.plan_kod == pkod
        if not kvar:
            galler = or_(galler, and_(KontoRatt.plan_kod == "", KontoRatt.organisation == organisation))
        n = s.scalar(select(func.count(func.distinct(KontoRatt.konto_id))).where(KontoRatt.enhet_kod == kod, galler))
        if n:
            ut[eid] = n
    return ut


def _ta_bort(s: Session, b: Borttagna) -> None:
    """Ta bort det som inte längre finns i filerna (efter att _hinder sagt att inget pekar på det)."""
    for aid in b.atgarder:
        s.delete(s.get(Atgard, aid))
    s.flush()
    for uid in b.uppdrag:
        s.delete(s.get(Uppdrag, uid))
    if b.indikatorer:
        ids = list(b.indikatorer)
        s.execute(delete(Malvarde).where(Malvarde.indikator_id.in_(ids)))
        s.execute(delete(IndikatorEnhet).where(IndikatorEnhet.indikator_id.in_(ids)))
        s.execute(delete(Indikator).where(Indikator.id.in_(ids)))
    for modell, ids in ((Inriktningsmal, b.inriktningsmal), (Malomrade, b.malomraden),
                        (Fokusomrade, b.fokusomraden), (SarskiltUppdrag, b.sarskilda),
                        (Budgetrad, b.budgetrader), (Period, b.perioder)):
        for id_ in ids:
            s.delete(s.get(modell, id_))
        s.flush()
    if b.enheter:
        s.execute(update(Enhet).where(Enhet.id.in_(list(b.enheter))).values(foralder_id=None))
        s.execute(delete(Enhet).where(Enhet.id.in_(list(b.enheter))))
    s.flush()


def _rundor_och_analyser(s: Session, plan_id: int, b: Borttagna) -> list[str]:
    """Rapportrundor (per period, enheternas händelser) och analystexter (per målområde,
    inriktningsmål och uppdrag) som pekar på det borttagna: då vägras inläsningen också."""
    ut = []
    rundor = _antal(s, Rapportrunda.period_id, b.perioder)
    ut += [f"{vad} finns inte längre i filen, men {_ord(rundor[i], 'rapportrunda', 'rapportrundor')} pekar på den"
           for i, vad in b.perioder.items() if rundor.get(i)]
    planens_rundor = select(Rapportrunda.id).join(Period, Period.id == Rapportrunda.period_id).where(
        Period.plan_id == plan_id)
    koder = dict(s.execute(select(Enhet.id, Enhet.kod).where(Enhet.id.in_(list(b.enheter)))).all())
    handelser = _antal(s, Rundahandelse.enhet_kod, set(koder.values()), Rundahandelse.runda_id.in_(planens_rundor))
    ut += [f"{b.enheter[i]} finns inte längre i filen, men {_ord(handelser[k], 'händelse', 'händelser')} i "
           "rapportrundan pekar på den" for i, k in koder.items() if handelser.get(k)]
    planens_perioder = select(Period.id).where(Period.plan_id == plan_id)
    for niva, borttagna, nycklar in (
            ("malomrade", b.malomraden, select(Malomrade.id, Malomrade.nr)),
            ("inriktningsmal", b.inriktningsmal, select(Inriktningsmal.id, Inriktningsmal.nr)),
            ("uppdrag", b.uppdrag, select(Uppdrag.id, Uppdrag.kod))):
        if not borttagna:
            continue
        modell = nycklar.selected_columns[0].table
        nyckel = {str(k): i for i, k in s.execute(nycklar.where(modell.c.id.in_(list(borttagna))))}
        antal = _antal(s, Analystext.nyckel, set(nyckel), Analystext.niva == niva,
                       Analystext.period_id.in_(planens_perioder))
        ut += [f"{borttagna[i]} finns inte längre i filen, men {_ord(antal[k], 'analystext', 'analystexter')} "
               "pekar på den" for k, i in nyckel.items() if antal.get(k)]
    return ut


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
    finns = s.scalars(select(Plan.id).where(Plan.kod == p["kod"])).one_or_none()
    borttagna = _borttagna(s, finns, p) if finns is not None else Borttagna()
    hinder = _hinder(s, borttagna) + (_rundor_och_analyser(s, finns, borttagna) if finns is not None else [])
    if hinder:
        raise Laddfel(hinder)
    plan = _synka(s, Plan, {"kod": p["kod"]}, {
        "namn": p["namn"], "namnd": p["namnd"], "namnd_kort": p["namnd_kort"], "namnd_genitiv": p["namnd_genitiv"],
        "texter": p["texter"], "kommunkod": p["kommunkod"], "ar": p["ar"], "kommun": p["kommun"], "vision": p["vision"],
        "kallhash": p["kallhash"], "malar": p["malar"], "ambitionsar": p["ambitionsar"],
        "personalmal": p["arbetsgivare"]["personalmal"], "standardperiod": p["standardperiod"],
        "kolada": p.get("kolada"), "varningar": p.get("varningar") or None,
        "sammansatta": p.get("sammansatta") or None})
    for per in p["perioder"]:
        _synka(s, Period, {"plan_id": plan.id, "namn": per["namn"]}, {"ar": per["ar"], "typ": per["typ"],
                                                                       "slutdatum": per["slutdatum"]})
    # Enheter (förälder efter att alla finns)
    enheter: dict[str, Enhet] = {}
    for e in p["enheter"]:
        enheter[e["kod"]] = _synka(s, Enhet, {"plan_id": plan.id, "kod": e["kod"]}, {
            "namn": e["namn"], "extern": e["extern"], "ordning": e["ordning"], "alias": e.get("alias") or None})
    for e in p["enheter"]:
        fid = enheter[e["foralder"]].id if e["foralder"] else None
        if enheter[e["kod"]].foralder_id != fid:
            enheter[e["kod"]].foralder_id = fid
    s.flush()

    for mo in p["malomraden"]:
        m = _synka(s, Malomrade, {"plan_id": plan.id, "nr": mo["nr"]}, {
            k: mo[k] for k in ("titel", "beskrivning", "ambitionsniva", "tolkning", "uppfoljning")})
        for im in mo["inriktningsmal"]:
            _synka(s, Inriktningsmal, {"malomrade_id": m.id, "nr": im["nr"]}, {
                "titel": im["titel"], "beskrivning": im["beskrivning"], "ordning": im["ordning"]})
        for u in mo["uppdrag"]:
            upp = _synka(s, Uppdrag, {"plan_id": plan.id, "kod": u["kod"]}, {
                "malomrade_id": m.id, "typ": u["typ"], "titel": u["titel"], "tolkning": u["tolkning"],
                "ordning": u["ordning"]})
            for a in u["atgarder"]:
                atg = _synka(s, Atgard, {"plan_id": plan.id, "kod": a["kod"]}, {
                    "uppdrag_id": upp.id, "text": a["text"], "effekt": a["effekt"], "ansvar": a["ansvar"],
                    "tidpunkt": a["tidpunkt"], "forfallodatum": a["forfallodatum"], "ordning": a["ordning"]})
                onskade = {(enheter[k].id, roll, st) for k, roll, st in a["enheter"]}
                nu = {(l.enhet_id, l.roll, l.stavning): l for l in atg.enheter}
                if set(nu) != onskade:
                    atg.enheter.clear()
                    s.flush()
                    for eid, roll, st in sorted(onskade):
                        atg.enheter.append(AtgardEnhet(enhet_id=eid, roll=roll, stavning=st))
        for d in mo["indikatorer"]:
            _synka_indikator(s, plan, d, enheter, malomrade_id=m.id, fokusomrade_id=None)

    for fo in p["arbetsgivare"]["fokusomraden"]:
        f = _synka(s, Fokusomrade, {"plan_id": plan.id, "nr": fo["nr"]}, {"titel": fo["titel"],
                                                                          "nyckelord": fo["nyckelord"]})
        for d in fo["indikatorer"]:
            _synka_indikator(s, plan, d, enheter, malomrade_id=None, fokusomrade_id=f.id)

    for su in p["sarskilda"]:
        _synka(s, SarskiltUppdrag, {"plan_id": plan.id, "kod": su["kod"]}, {
            k: su[k] for k in ("titel", "beskrivning", "inriktning", "kommentar", "ordning")})

    for r in p["budget"]:
        rad = _synka(s, Budgetrad, {"plan_id": plan.id, "tabell": r["tabell"], "post": r["post"]}, {
            "grupp": r["grupp"], "typ": r["typ"], "fotnot": r["fotnot"], "forklaring": r.get("forklaring"),
            "ordning": r["ordning"]})
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
    s.flush()
    _ta_bort(s, borttagna)
    return plan


def ladda_plan(katalog: Path = PLAN_DIR) -> str:
    """Läs källfilerna och synka databasen. Returnerar "inläst", "uppdaterad" eller "oförändrad"."""
    return spara(las_plan(katalog))  # KallfilFel innan något rörs


def ladda_plan_katalog(katalog: Path = PLAN_DIR) -> dict:
    """Som ladda_plan, men returnerar planens data (kod, perioder, publicerade utfall …)."""
    plan = las_plan(katalog)
    spara(plan)
    return plan


def spara(plan: dict) -> str:
    """En läst plan (kallor.las_plan) i databasen, i en transaktion. Laddfel om något pekar på det
    som tagits bort."""
    start.sakerstall_schema()
    with db.session() as s:
        finns = s.scalars(select(Plan).where(Plan.kod == plan["kod"])).one_or_none()
        if finns is not None and finns.kallhash == plan["kallhash"]:
            return "oförändrad"
        _skriv_plan(s, plan)
        cache.rakna_upp(s)
        return "uppdaterad" if finns is not None else "inläst"
