"""Rapportering per enhet: vad en rapportör får rapportera (åtgärder där någon av hens enheter –
underenheter inräknade – är ansvarig, och enheternas indikatorer) i en plan, prövat på det som
skrivs, formuläret i webbläsaren och ändringsloggen för administratörer.

Rättigheterna är per organisation: ett kontos enheter gäller i en organisation (planens kommun) eller
i en plan (data.konton.anvandare.Ratt), aldrig som globala koder – två kommuners planer kan ha samma
enhetskoder. En uppladdad fil läses av en enda parser (data.rapportering.rapport); behörigheten prövas
sedan på skrivmängden (`kontrollera_skrivningar`), post för post, aldrig på en andra läsning av filen.

Formuläret valideras av samma kod som Excel-importen: värdena skrivs in i en rapportmall
(`rapport.skapa_mall`) som sedan granskas av `rapport.las_rapport` – en enda validering.
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import select

from data.lagring import db
from data.uppfoljning import fragor
from data.rapportering import rapport
from data.konton.anvandare import Anvandare
from data.uppfoljning.plankontext import Plankontext
from data.lagring.models import (Atgard, Atgardsrapport, Indikator, Indikatorutfall, Malvarde, Period, Periodlas,
                                 Rapportrunda, Rundahandelse)

log = logging.getLogger(__name__)

FORMULAR = "Formulär i webbläsaren"


class Behorighetsfel(rapport.Importfel):
    """Användaren försöker skriva något hen inte får; ingenting har ändrats."""


@dataclass(frozen=True)
class Behorighet:
    """Vad en användare får rapportera i en plan: None = allt (administratör)."""
    atgarder: frozenset[str] | None
    indikatorer: frozenset[str] | None
    ovrigt: bool            # inriktningsmål och budget

    def far(self, blad: str, kod: str) -> bool:
        if blad == "Åtgärder":
            return self.atgarder is None or kod in self.atgarder
        if blad == "Indikatorer":
            return self.indikatorer is None or kod in self.indikatorer
        return self.ovrigt


INGET = Behorighet(frozenset(), frozenset(), False)


@dataclass(frozen=True)
class Planen:
    """Planen som rättigheterna prövas i: kod och organisation (kommunen)."""
    kod: str
    organisation: str

    @property
    def text(self) -> str:
        return f"{self.kod} ({self.organisation})" if self.organisation != self.kod else self.kod


def planen(plan: Plankontext) -> Planen:
    """Planens kod och organisation (samma regel som data.konton.anvandare.organisation)."""
    kommun = plan.kommun
    return Planen(plan.kod, str(kommun) if isinstance(kommun, str) and kommun else plan.kod)


def enheter_i(anv: Anvandare | None, p: Planen) -> tuple[str, ...]:
    """Kontots enheter i planen (bara rättigheter i planens organisation eller i planen själv)."""
    return () if anv is None else anv.enheter_i(p.kod, p.organisation)


def behorighet(anv: Anvandare | None, plan: Plankontext) -> Behorighet:
    """Administratör: allt. Rapportör: i planen, åtgärder där en av kontots enheter i planens
    organisation är ansvarig och enheternas indikatorer. Läsare, anonyma och rapportörer utan
    enheter i planens organisation: ingenting."""
    if anv is None:
        return INGET
    if anv.administrator:
        return Behorighet(None, None, True)
    if not anv.rapportor:
        return INGET
    p = planen(plan)
    enheter = list(enheter_i(anv, p))
    if not enheter:
        return INGET
    atg = fragor.atgarder(enhet=enheter, roll="ansvarig", plan=plan)
    ind = fragor.indikatorer(enhet=enheter, plan=plan)
    return Behorighet(frozenset(atg.kod), frozenset(ind.kod), False)


def far_se(anv: Anvandare | None, p: Planen) -> bool:
    """När inloggning krävs för att läsa: administratörer och konton utan enheter (läsare) ser alla
    planer; ett konto med enheter ser bara planerna i sina organisationer (och planer det har enheter i)."""
    if anv is None:
        return False
    if anv.administrator or not anv.ratter:
        return True
    return any(r.plan == p.kod or (not r.plan and r.organisation == p.organisation) for r in anv.ratter)


def far_skriva(anv: Anvandare | None) -> bool:
    """Får kontot rapportera någonstans (roll och minst en enhet)?"""
    return anv is not None and (anv.administrator or (anv.rapportor and bool(anv.ratter)))


def mall(anv: Anvandare | None, period: str, plan: Plankontext, enheter: list[str] | None = None) -> bytes:
    """Rapportmallen för den som hämtar den: en rapportör får exakt raderna hen får fylla i (formulärets
    rader, inom ett eventuellt enhetsfilter) och inga blad för inriktningsmål eller budget; andra får
    hela mallen (valfritt för enheterna)."""
    if anv is None or not anv.rapportor:
        return rapport.skapa_mall(period, enheter or None, plan=plan)
    beh = behorighet(anv, plan)
    egna = list(enheter_i(anv, planen(plan)))
    return rapport.skapa_mall(period, enheter or egna, plan=plan, atgarder=beh.atgarder,
                              indikatorer=beh.indikatorer, ovrigt=False)


# --- Det som skrivs ---

def kontrollera_skrivningar(fg: rapport.Forhandsgranskning, anv: Anvandare | None) -> None:
    """Pröva varje post i skrivmängden (åtgärdens status och kommentar, indikatorns utfall och nya mål,
    inriktningsmålens bedömningar, budgetrader) mot användarens rättigheter i filens plan. Vid första
    posten utanför rättigheterna avvisas hela filen med blad, rad och id (Behorighetsfel)."""
    if anv is not None and anv.administrator:
        return
    if not far_skriva(anv):
        raise Behorighetsfel(["Ditt konto får inte rapportera."])
    if not fg.plan:
        raise Behorighetsfel(["Rapporten saknar plan; använd en rapportmall från Målkoll."])
    kp = fragor.los_plan(fg.plan)   # filens plan (en uttrycklig kod, aldrig standardplanen)
    p = planen(kp)
    beh = behorighet(anv, kp)
    for w in fg.skrivningar:
        if not beh.far(w.blad, w.id):
            log.warning("Fil från %s avvisad: %s rad %d (%s) i %s ligger utanför behörigheten",
                        anv.namn, w.blad, w.rad, w.id, p.kod)
            raise Behorighetsfel([_radfel(w.blad, w.rad, w.id, enheter_i(anv, p), p)])


def _radfel(blad: str, rnr: int, kod: str, enheter: tuple[str, ...], p: Planen) -> str:
    if not enheter:
        vad = f"{kod}: ditt konto har inga enheter i planen {p.text}"
    else:
        dina = ", ".join(enheter)
        vad = {"Åtgärder": f"åtgärden {kod} har ingen av dina enheter ({dina}) som ansvarig",
               "Indikatorer": f"indikatorn {kod} hör inte till dina enheter ({dina})"}.get(
            blad, f"{kod}: bara en administratör rapporterar på bladet '{blad}'")
    return f"Bladet '{blad}', rad {rnr}, kolumn 'Id': {vad}. Du får inte rapportera den raden."


# --- Formuläret ---

def formular(anv: Anvandare, period: str, plan: Plankontext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Åtgärder och indikatorer som användaren får rapportera i planen, med nuvarande värden i perioden
    (inga för ett konto utan enheter i planens organisation)."""
    p = planen(plan)
    beh = behorighet(anv, plan)
    enheter = None if anv.administrator else list(enheter_i(anv, p))
    atg = fragor.atgarder(enhet=enheter, period=period, plan=plan)
    ind = fragor.indikatorer(enhet=enheter, period=period, plan=plan)
    if enheter == []:
        return atg.iloc[0:0].reset_index(drop=True), ind.iloc[0:0].reset_index(drop=True)
    if beh.atgarder is not None:
        atg = atg[atg.kod.isin(beh.atgarder)]
    if beh.indikatorer is not None:
        ind = ind[ind.kod.isin(beh.indikatorer)]
    return atg.reset_index(drop=True), ind.reset_index(drop=True)


def granska_formular(anv: Anvandare | None, period: str, varden: dict, plan: Plankontext) -> rapport.Forhandsgranskning:
    """Formulärets värden → förhandsgranskning (skriver ingenting). `varden` =
    {"atgarder": {kod: {"status", "kommentar"}}, "indikatorer": {kod: {"utfall", "kommentar", "kib", "nytt_mal"}}}
    ("nytt_mal" = mallens "Nytt mål för året": sparas som Malvarde för periodens år, fran_planen=False).
    Kastar Behorighetsfel för en kod användaren inte får rapportera, Importfel för ogiltiga värden."""
    if not far_skriva(anv):
        raise Behorighetsfel(["Ditt konto får inte rapportera."])
    p = planen(plan)
    enheter = None if anv.administrator else list(enheter_i(anv, p))
    if enheter == []:
        raise Behorighetsfel([f"Ditt konto har inga enheter i planen {p.text} och får inte rapportera där."])
    beh = behorighet(anv, plan)
    atg, ind = dict(varden.get("atgarder") or {}), dict(varden.get("indikatorer") or {})
    fel = [f"Åtgärden {k}: du får inte rapportera den (ingen av dina enheter är ansvarig)."
           for k in atg if not beh.far("Åtgärder", str(k))]
    fel += [f"Indikatorn {k}: du får inte rapportera den (hör inte till dina enheter)."
            for k in ind if not beh.far("Indikatorer", str(k))]
    if fel:
        log.warning("Formulär från %s avvisat: %s", anv.namn, "; ".join(fel)[:500])
        raise Behorighetsfel(fel)
    mall = rapport.skapa_mall(period, enheter, plan=plan)
    data, rader = _fyll_mall(mall, atg, ind)
    try:
        fg = rapport.las_rapport(data, FORMULAR)
    except rapport.Importfel as e:
        raise rapport.Importfel([_som_formular(f, rader) for f in e.fel]) from None
    kontrollera_skrivningar(fg, anv)
    return fg


def _fyll_mall(mall: bytes, atg: dict, ind: dict) -> tuple[bytes, dict[tuple[str, int], str]]:
    wb = load_workbook(io.BytesIO(mall))
    rader: dict[tuple[str, int], str] = {}
    for blad, varden, falt in (("Åtgärder", atg, {"status": "Status", "kommentar": "Kommentar"}),
                               ("Indikatorer", ind, {"utfall": "Utfall", "kommentar": "Kommentar",
                                                     "kib": "Kan inte bedömas", "nytt_mal": "Nytt mål för året"})):
        ws = wb[blad]
        rubriker = [c.value for c in ws[rapport.RUBRIKRAD]]
        for rnr in range(rapport.FORSTA_RAD, ws.max_row + 1):
            kod = ws.cell(rnr, 1).value
            rader[(blad, rnr)] = kod
            v = varden.get(kod)
            if not isinstance(v, dict):
                continue
            for nyckel, kol in falt.items():
                x = v.get(nyckel)
                if nyckel == "kib":
                    x = "Ja" if x is True else None
                elif isinstance(x, str):
                    x = x[:5000] or None
                elif x is not None and (isinstance(x, bool) or not isinstance(x, (int, float))):
                    x = str(x)[:100]
                c = ws.cell(rnr, rubriker.index(kol) + 1)
                c.value = x
                if isinstance(x, str):
                    c.data_type = "s"
    ut = io.BytesIO()
    wb.save(ut)
    return ut.getvalue(), rader


def _som_formular(fel: str, rader: dict[tuple[str, int], str]) -> str:
    """"Bladet 'Åtgärder', rad 7, kolumn 'Status': …" → "Åtgärden 1-A13, Status: …"."""
    m = re.match(r"Bladet '(\w+)', rad (\d+), kolumn '([^']+)': (.*)", fel, re.S)
    if not m or (m.group(1), int(m.group(2))) not in rader:
        return fel
    vad = "Åtgärden" if m.group(1) == "Åtgärder" else "Indikatorn"
    return f"{vad} {rader[(m.group(1), int(m.group(2)))]}, {m.group(3)}: {m.group(4)}"


def spara(fg: rapport.Forhandsgranskning, anv: Anvandare) -> int:
    """Skriv förhandsgranskningen i en transaktion, med vem (kontots namn) och hur (fil/formulär).
    Skrivmängden prövas mot rättigheterna först (också när anroparen redan gjort det)."""
    kontrollera_skrivningar(fg, anv)
    n = rapport.tillampa(fg, anv.etikett[:200])
    log.info("%s sparade %d värden för %s (%s)", anv.namn, n, fg.period, fg.filnamn)
    return n


# --- Ändringsloggen ---

def andringslogg(kod: str | None = None, *, plan: Plankontext,
                 max_rader: int = 500) -> pd.DataFrame:
    """Vem ändrade vad, när och varifrån (fil eller formulär), per åtgärd och indikator, och vem
    som låste och låste upp vilken period, och rapportrundornas händelser (öppnad, klar, godkänd,
    återsänd). Nyast först. `andring` kan innehålla "{tal}", som
    visningen ersätter med kolumnen `tal` i svenskt format."""
    rader = []
    with db.session() as s:
        pid = plan.id
        q = (select(Atgardsrapport, Atgard.kod, Period.namn).join(Atgard, Atgard.id == Atgardsrapport.atgard_id)
             .join(Period, Period.id == Atgardsrapport.period_id).order_by(Atgardsrapport.id))
        if pid is not None:
            q = q.where(Atgard.plan_id == pid)
        for r, k, p in s.execute(q):
            rader.append((r.rapporterad, r.rapporterad_av, "Åtgärd", k, p,
                          f"Status: {r.status}" + (f" – {r.kommentar}" if r.kommentar else ""), r.kalla, r.exempel))
        q = (select(Indikatorutfall, Indikator.kod, Period.namn)
             .join(Indikator, Indikator.id == Indikatorutfall.indikator_id)
             .join(Period, Period.id == Indikatorutfall.period_id).order_by(Indikatorutfall.id))
        if pid is not None:
            q = q.where(Indikator.plan_id == pid)
        for r, k, p in s.execute(q):
            varde = ("Kan inte bedömas" if r.kan_inte_bedomas else
                     "Utfall: {tal}" if r.varde is not None else f"Utfall: {r.text or '–'}")
            rader.append((r.rapporterad, r.rapporterad_av, "Indikator", k, p,
                          varde + (f" – {r.kommentar}" if r.kommentar else ""), r.kalla, r.exempel,
                          None if r.kan_inte_bedomas else r.varde))
        q = (select(Malvarde, Indikator.kod).join(Indikator, Indikator.id == Malvarde.indikator_id)
             .where(Malvarde.fran_planen.is_(False)).order_by(Malvarde.id))
        if pid is not None:
            q = q.where(Indikator.plan_id == pid)
        for r, k in s.execute(q):
            rader.append((r.satt, r.satt_av, "Indikator", k, str(r.ar), f"Nytt mål {r.ar}: {{tal}}", r.kalla, False,
                          r.varde))
        q = (select(Periodlas, Period.namn).join(Period, Period.id == Periodlas.period_id)
             .order_by(Periodlas.id))
        if pid is not None:
            q = q.where(Period.plan_id == pid)
        for r, p in s.execute(q):
            rader.append((r.tid, r.av, "Period", p, p, f"Perioden {r.handelse}" +
                          (f" – {r.motivering}" if r.motivering else ""), None, False, None))
        q = (select(Rundahandelse, Period.namn).join(Rapportrunda, Rapportrunda.id == Rundahandelse.runda_id)
             .join(Period, Period.id == Rapportrunda.period_id).order_by(Rundahandelse.id))
        if pid is not None:
            q = q.where(Period.plan_id == pid)
        for r, p in s.execute(q):
            vad = (f"Rundan {r.handelse}" if r.enhet_kod is None else r.handelse[:1].upper() + r.handelse[1:])
            rader.append((r.tid, r.av, "Rapportrunda", r.enhet_kod or p, p,
                          vad + (f" – {r.kommentar}" if r.kommentar else ""), None, False, None))
    rader = [r if len(r) == 9 else (*r, None) for r in rader]
    df = pd.DataFrame(rader, columns=["tid", "av", "typ", "kod", "period", "andring", "kalla", "exempel", "tal"])
    if kod:
        df = df[df.kod == kod]
    # Samma tidsstämpel (t.ex. lås och upplåsning inom samma klockslag): den senast inlagda först.
    df = df.iloc[::-1]
    return df.sort_values("tid", ascending=False, kind="stable").head(max_rader).reset_index(drop=True)


def las_period(period: str, anv: Anvandare | None, las: bool, motivering: str | None = None, *,
               plan: Plankontext) -> None:
    """Lås eller lås upp en period (bara administratörer; upplåsning kräver motivering)."""
    if anv is None or not anv.administrator:
        raise Behorighetsfel(["Bara en administratör får låsa och låsa upp perioder."])
    if not las and not (motivering or "").strip():
        raise rapport.Importfel(["Skriv en motivering till upplåsningen (den loggas)."])
    rapport.las_period(period, anv.etikett[:200], las, (motivering or "").strip()[:2000] or None, plan=plan)
    log.info("%s %s perioden %s", anv.namn, "låste" if las else "låste upp", period)
