"""Rapportrundan: en administratör öppnar en runda för en plans period med en sista dag (och
valfritt en tidigare sista dag för enheterna). Varje enhet med egna åtgärder (som ansvarig) eller
indikatorer har en del i rundan: ej påbörjad → påbörjad → klar (rapportören) → godkänd eller
återsänd med en kommentar (administratören eller enhetens granskare). När perioden låses är
rundan stängd.

Tillståndet lagras som händelser (Rundahandelse, den senaste per enhet gäller); "ej påbörjad" och
"påbörjad" räknas fram ur vad som är rapporterat i perioden. Varje funktion som ändrar något prövar
behörigheten själv.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from data.konton import anvandare
from data.konton.anvandare import Anvandare
from data.lagring import cache, db
from data.lagring.models import (Atgard, AtgardEnhet, Atgardsrapport, Enhet, Indikator, IndikatorEnhet,
                                 Indikatorutfall, Konto, Period, Rapportrunda, Rundahandelse)
from data.rapportering import behorighet, rapport
from data.rapportering.behorighet import Behorighetsfel
from data.rapportering.granser import citat
from data.uppfoljning.plankontext import Plankontext

log = logging.getLogger(__name__)

EJ_PABORJAD, PABORJAD, KLAR, GODKAND, ATERSAND = "ej påbörjad", "påbörjad", "klar", "godkänd", "återsänd"
TILLSTAND = (EJ_PABORJAD, PABORJAD, KLAR, GODKAND, ATERSAND)
OPPNAD, ANDRAD = "öppnad", "ändrad"
FARDIGA = (KLAR, GODKAND)


class Rundafel(rapport.Importfel):
    """Något i rundan går inte att göra (fel tillstånd, okänd enhet, rundan saknas …)."""


@dataclass(frozen=True)
class Runda:
    """En runda som den visas: planens kod, period, sista dagar och om den är stängd (perioden låst)."""
    id: int
    plan: str
    period: str
    period_id: int
    sista_dag: dt.date
    sista_dag_enheter: dt.date
    oppnad: dt.datetime
    oppnad_av: str
    stangd: bool


def tacker(koder, enhet: str) -> bool:
    """Kontots enheter omfattar enheten (en förälder omfattar sina underenheter)."""
    return any(enhet == k or enhet.startswith(k + "/") for k in koder or ())


def far_markera(anv: Anvandare | None, enhet: str, plan: Plankontext) -> bool:
    """Administratören, och rapportörer för enheten i planens organisation, markerar enhetens del klar."""
    return anv is not None and (anv.administrator or (
        anv.rapportor and tacker(behorighet.enheter_i(anv, behorighet.planen(plan)), enhet)))


def far_granska(anv: Anvandare | None, enhet: str, plan: Plankontext) -> bool:
    """Administratören, och granskare för enheten i planens organisation, godkänner eller återsänder."""
    return anv is not None and (anv.administrator or (
        anv.granskare and tacker(behorighet.enheter_i(anv, behorighet.planen(plan)), enhet)))


def _som_runda(r: Rapportrunda, per: Period, kod: str) -> Runda:
    return Runda(r.id, kod, per.namn, per.id, r.sista_dag, r.sista_dag_enheter or r.sista_dag, r.oppnad,
                 r.oppnad_av, bool(per.last))


# --- Öppna ---

def oppna(anv: Anvandare | None, plan: Plankontext, period: str, sista_dag: dt.date,
          sista_dag_enheter: dt.date | None = None) -> Runda:
    """Öppna rundan för planens period (eller ändra dess sista dagar); bara administratörer."""
    if anv is None or not anv.administrator:
        raise Behorighetsfel(["Bara en administratör får öppna en rapportrunda."])
    if sista_dag_enheter is not None and sista_dag_enheter > sista_dag:
        raise Rundafel([f"Enheternas sista dag ({sista_dag_enheter:%Y-%m-%d}) ligger efter rundans "
                        f"sista dag ({sista_dag:%Y-%m-%d}); den ska vara samma dag eller tidigare."])
    with db.session() as s:
        per = rapport._period(s, period, plan)
        if per.last:
            raise Rundafel([f"Perioden {citat(per.namn)} är låst. Lås upp den först (med en motivering) "
                            "om den ska rapporteras igen."])
        r = s.scalars(select(Rapportrunda).where(Rapportrunda.period_id == per.id)).one_or_none()
        handelse = ANDRAD if r is not None else OPPNAD
        if r is None:
            r = Rapportrunda(period_id=per.id, oppnad_av=anv.etikett[:200], oppnad=dt.datetime.now(),
                             sista_dag=sista_dag)
            s.add(r)
        r.sista_dag, r.sista_dag_enheter = sista_dag, sista_dag_enheter
        s.flush()
        text = f"Sista dag {sista_dag:%Y-%m-%d}" + (
            f", för enheterna {sista_dag_enheter:%Y-%m-%d}" if sista_dag_enheter else "")
        s.add(Rundahandelse(runda_id=r.id, enhet_kod=None, handelse=handelse, kommentar=text,
                            av=anv.etikett[:200], tid=dt.datetime.now()))
        cache.rakna_upp(s)
        log.info("%s: rapportrundan för %s %s %s (%s)", anv.namn, plan.kod, per.namn, handelse, text)
        return _som_runda(r, per, plan.kod)


# --- Läsa ---

def rundor(plan: Plankontext) -> list[Runda]:
    """Planens rundor, senaste perioden först."""
    with db.session() as s:
        rader = s.execute(select(Rapportrunda, Period).join(Period, Period.id == Rapportrunda.period_id)
                          .where(Period.plan_id == plan.id).order_by(Period.slutdatum.desc())).all()
        return [_som_runda(r, per, plan.kod) for r, per in rader]


def hamta(plan: Plankontext, period: str | None = None) -> Runda | None:
    """Rundan för perioden; utan period den öppna rundan (den tidigaste öppna), annars den senaste."""
    alla = rundor(plan)
    if period is not None:
        return next((r for r in alla if r.period == period), None)
    oppna_ = [r for r in alla if not r.stangd]
    return oppna_[-1] if oppna_ else (alla[0] if alla else None)


def oppen_period(plan: Plankontext) -> str | None:
    """Perioden som rapporteras nu: den öppna rundans (None utan öppen runda)."""
    r = hamta(plan)
    return r.period if r is not None and not r.stangd else None


def forvantat(plan: Plankontext) -> pd.DataFrame:
    """Vad varje enhet ska rapportera: åtgärder där enheten är ansvarig och enhetens indikatorer
    (kolumner enhet, enhet_namn, typ "atgard"/"indikator", post_id, kod)."""
    return _forvantat(plan.id)


def _forvantat(pid: int) -> pd.DataFrame:
    with db.session() as s:
        atg = s.execute(select(Enhet.kod, Enhet.namn, Atgard.id, Atgard.kod, Enhet.ordning, Atgard.ordning)
                        .join(AtgardEnhet, AtgardEnhet.enhet_id == Enhet.id)
                        .join(Atgard, Atgard.id == AtgardEnhet.atgard_id)
                        .where(Atgard.plan_id == pid, AtgardEnhet.roll == "ansvarig")).all()
        ind = s.execute(select(Enhet.kod, Enhet.namn, Indikator.id, Indikator.kod, Enhet.ordning, Indikator.ordning)
                        .join(IndikatorEnhet, IndikatorEnhet.enhet_id == Enhet.id)
                        .join(Indikator, Indikator.id == IndikatorEnhet.indikator_id)
                        .where(Indikator.plan_id == pid)).all()
    rader = [(e, n, "atgard", i, k, o) for e, n, i, k, o, _ in atg] + [(e, n, "indikator", i, k, o) for e, n, i, k, o, _ in ind]
    df = pd.DataFrame(rader, columns=["enhet", "enhet_namn", "typ", "post_id", "kod", "ordning"])
    return df.drop_duplicates(["enhet", "typ", "post_id"]).sort_values(["ordning", "enhet", "typ", "kod"],
                                                                       kind="stable").reset_index(drop=True)


def _rapporterade(s, period_id: int) -> tuple[set[int], set[int]]:
    """Åtgärder och indikatorer med en rapport i perioden (exempeldata räknas aldrig)."""
    atg = set(s.scalars(select(Atgardsrapport.atgard_id).where(Atgardsrapport.period_id == period_id,
                                                              Atgardsrapport.exempel.is_(False))))
    ind = set(s.scalars(select(Indikatorutfall.indikator_id).where(Indikatorutfall.period_id == period_id,
                                                                  Indikatorutfall.exempel.is_(False))))
    return atg, ind


def _senaste_handelser(s, runda_id: int) -> dict[str, Rundahandelse]:
    ut: dict[str, Rundahandelse] = {}
    for h in s.scalars(select(Rundahandelse).where(Rundahandelse.runda_id == runda_id,
                                                   Rundahandelse.enhet_kod.is_not(None))
                       .order_by(Rundahandelse.id)):
        ut[h.enhet_kod] = h
    return ut


def delar(runda: Runda, idag: dt.date | None = None) -> pd.DataFrame:
    """Per enhet: förväntat, rapporterat, saknade koder, tillstånd, senaste kommentar och om den är sen.
    Kolumner: enhet, enhet_namn, forvantade, rapporterade, saknas (lista med koder), tillstand,
    kommentar, andrad, andrad_av, sen."""
    idag = idag or dt.date.today()
    with db.session() as s:
        pid = s.scalar(select(Period.plan_id).where(Period.id == runda.period_id))
    fv = _forvantat(pid)
    with db.session() as s:
        atg, ind = _rapporterade(s, runda.period_id)
        senaste = _senaste_handelser(s, runda.id)
    fv["rapporterad"] = [(i in atg) if t == "atgard" else (i in ind) for t, i in zip(fv.typ, fv.post_id)]
    rader = []
    for (enhet, namn), g in fv.groupby(["enhet", "enhet_namn"], sort=False):
        h = senaste.get(enhet)
        n = int(g.rapporterad.sum())
        tillstand = h.handelse if h is not None else (PABORJAD if n else EJ_PABORJAD)
        rader.append({"enhet": enhet, "enhet_namn": namn, "forvantade": len(g), "rapporterade": n,
                      "saknas": list(g.kod[~g.rapporterad]), "tillstand": tillstand,
                      "kommentar": h.kommentar if h is not None else None,
                      "andrad": h.tid if h is not None else None, "andrad_av": h.av if h is not None else None,
                      "sen": tillstand not in FARDIGA and not runda.stangd and idag > runda.sista_dag_enheter})
    return pd.DataFrame(rader, columns=["enhet", "enhet_namn", "forvantade", "rapporterade", "saknas", "tillstand",
                                        "kommentar", "andrad", "andrad_av", "sen"])


def sammanfattning(df: pd.DataFrame) -> str:
    """"12 av 18 enheter klara (7 godkända)" – klara räknar klar och godkänd."""
    klara = int(df.tillstand.isin(FARDIGA).sum())
    godk = int((df.tillstand == GODKAND).sum())
    return f"{klara} av {len(df)} enheter klara ({godk} godkända)"


# --- Ändra en enhets del ---

def _hitta(s, plan: Plankontext, period: str) -> tuple[Rapportrunda, Period]:
    per = rapport._period(s, period, plan)
    r = s.scalars(select(Rapportrunda).where(Rapportrunda.period_id == per.id).with_for_update()).one_or_none()
    if r is None:
        raise Rundafel([f"Det finns ingen rapportrunda för {per.namn} i {plan.kod}."])
    if per.last:
        raise Rundafel([f"Rundan för {per.namn} är stängd: perioden är låst."])
    return r, per


def _byt(anv: Anvandare, plan: Plankontext, period: str, enhet: str, ny: str, tillatna_fran: tuple[str, ...],
         kommentar: str | None = None) -> None:
    runda = hamta(plan, period)
    if runda is None:
        raise Rundafel([f"Det finns ingen rapportrunda för {period} i {plan}."])
    del_ = delar(runda).set_index("enhet")
    if enhet not in del_.index:
        raise Rundafel([f"Enheten {citat(enhet)} har inget att rapportera i rundan."])
    rad = del_.loc[enhet]
    if rad.tillstand not in tillatna_fran:
        raise Rundafel([f"{enhet} är {rad.tillstand}; det går inte att göra den {ny} nu."])
    if ny == KLAR and rad.saknas:
        raise Rundafel([f"{enhet} kan inte markeras klar: {len(rad.saknas)} av {rad.forvantade} saknar rapport "
                        f"för {period} ({', '.join(rad.saknas[:20])}{' …' if len(rad.saknas) > 20 else ''})."])
    with db.session() as s:
        r, _per = _hitta(s, plan, period)
        nu = _senaste_handelser(s, r.id).get(enhet)   # under radlåset: ingen annan hann emellan
        if nu is not None and nu.handelse not in tillatna_fran:
            raise Rundafel([f"{enhet} blev {nu.handelse} av {nu.av} just nu; ladda om sidan."])
        s.add(Rundahandelse(runda_id=r.id, enhet_kod=enhet, handelse=ny, kommentar=kommentar,
                            av=anv.etikett[:200], tid=dt.datetime.now()))
        cache.rakna_upp(s)
    log.info("%s: %s %s i rundan %s %s", anv.namn, enhet, ny, plan, period)


def markera_klar(anv: Anvandare | None, plan: Plankontext, period: str, enhet: str) -> None:
    """Rapportören (eller administratören) markerar enhetens del klar – allt förväntat är rapporterat."""
    if not far_markera(anv, enhet, plan):
        raise Behorighetsfel([f"Du får inte markera {enhet} klar (bara enhetens rapportörer och administratörer)."])
    _byt(anv, plan, period, enhet, KLAR, (EJ_PABORJAD, PABORJAD, ATERSAND))


def godkann(anv: Anvandare | None, plan: Plankontext, period: str, enhet: str) -> None:
    """Granskaren (eller administratören) godkänner en del som är klar."""
    if not far_granska(anv, enhet, plan):
        raise Behorighetsfel([f"Du får inte godkänna {enhet} (bara enhetens granskare och administratörer)."])
    _byt(anv, plan, period, enhet, GODKAND, (KLAR,))


def atersand(anv: Anvandare | None, plan: Plankontext, period: str, enhet: str, kommentar: str | None) -> None:
    """Granskaren (eller administratören) skickar tillbaka en klar eller godkänd del med en kommentar."""
    if not far_granska(anv, enhet, plan):
        raise Behorighetsfel([f"Du får inte återsända {enhet} (bara enhetens granskare och administratörer)."])
    text = (kommentar or "").strip()[:2000]
    if not text:
        raise Rundafel(["Skriv en kommentar: vad ska enheten rätta?"])
    _byt(anv, plan, period, enhet, ATERSAND, (KLAR, GODKAND), text)


def stang(anv: Anvandare | None, plan: Plankontext, period: str) -> None:
    """Lås perioden (som på /rapportera) när varje enhet är godkänd; det stänger rundan."""
    if anv is None or not anv.administrator:
        raise Behorighetsfel(["Bara en administratör får låsa perioden och stänga rundan."])
    runda = hamta(plan, period)
    if runda is None or runda.stangd:
        raise Rundafel([f"Det finns ingen öppen rapportrunda för {period} i {plan}."])
    ej = delar(runda)
    ej = ej[ej.tillstand != GODKAND]
    if not ej.empty:
        raise Rundafel([f"{len(ej)} enheter är inte godkända ännu: {', '.join(ej.enhet[:20])}."])
    rapport.las_period(period, anv.etikett[:200], True, "Rapportrundan klar: alla enheter godkända",
                       plan=plan)
    log.info("%s låste %s %s och stängde rundan", anv.namn, plan, period)


def handelser(runda: Runda) -> pd.DataFrame:
    """Rundans händelser, nyast först (tid, av, enhet, handelse, kommentar)."""
    with db.session() as s:
        rader = [(h.id, h.tid, h.av, h.enhet_kod, h.handelse, h.kommentar) for h in s.scalars(
            select(Rundahandelse).where(Rundahandelse.runda_id == runda.id))]
    df = pd.DataFrame(rader, columns=["id", "tid", "av", "enhet", "handelse", "kommentar"])
    return df.sort_values("id", ascending=False).reset_index(drop=True)


def konton_for(enhet: str, roll: str, plan: Plankontext) -> list[tuple[int, str, str]]:
    """Aktiva konton med rollen vars enheter i planens organisation omfattar enheten: (id, visningsnamn,
    e-post eller "")."""
    p = behorighet.planen(plan)
    with db.session() as s:
        return [(k.id, k.visningsnamn or k.namn, k.epost or "") for k in s.scalars(
            select(Konto).where(Konto.aktiv.is_(True), Konto.roll == roll).order_by(Konto.namn))
            if roll == "administrator" or tacker(behorighet.enheter_i(anvandare.fran_konto(k), p), enhet)]


# --- Kommandoraden (data/runda.py) ---

def kommandoradens_administrator() -> Anvandare:
    """Den som kör kommandot (skalkontot) – kommandoraden har redan databasens rättigheter."""
    import getpass
    namn = f"kommandoraden ({getpass.getuser()})"
    return Anvandare(None, namn, namn, "administrator", (), "kommandorad")


def datum_argument(text: str) -> dt.date:
    """ÅÅÅÅ-MM-DD för argparse (type=): ett svenskt fel för något annat."""
    import argparse
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} är inget datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2026-09-15") from None
