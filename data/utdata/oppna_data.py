"""Öppna data: planen, statusar, utfall och budget som rader för API:t (/api/v1, sidor/_api.py).

En hämtning, många renderare (som datasette): `hamta(fraga, plan)` ger samma rader
som `till_json` och `till_csv` skriver ut. Fältnamnen är ett gränssnitt (docs/api.md,
`FALT`); OpenAPI-beskrivningen byggs ur samma lista (`openapi()`). Ingen Flask och inga
skrivningar här.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

import pandas as pd

from data.uppfoljning import analysfragor, fragor, regler, tidigare
from data.uppfoljning import namnd as namnd_
from data.uppfoljning.status import ATGARDSSTATUS_ALLA
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.urval import Urval

log = logging.getLogger(__name__)

VERSION = "1.0.0"
PREFIX = "/api/v1"
PER_SIDA = 100          # standard i JSON
MAX_PER_SIDA = 1000
EXEMPEL = ("utan", "med")
BUDGETTABELLER = ("driftbudget", "drift_per_verksamhet", "budgetforandringar", "investeringar")
URSPRUNG = ("publicerad", "rapporterad", "exempel")

# --- Fält och resurser ---


@dataclass(frozen=True)
class Falt:
    namn: str
    typ: str                 # string / integer / number / boolean / array / date / datetime
    text: str
    tom: bool = True         # kan vara null


@dataclass(frozen=True)
class Resurs:
    namn: str
    titel: str
    text: str
    parametrar: tuple[str, ...]
    falt: tuple[Falt, ...]
    hamta: Callable[[Urval, Plankontext, bool], list[dict]]


PARAMETRAR = {  # namn → (beskrivning, schema)
    "plan": "Planens kod som i /api/v1/planer (standard: standardplanen).",
    "period": "Rapportperiodens namn som i /api/v1/perioder (standard: senaste perioden med rapporter).",
    "malomrade": "Målområdets nummer som i /api/v1/malomraden (numren är planens egna).",
    "enhet": "Kanonisk enhetskod som i /api/v1/enheter, upprepad eller kommaseparerad; en förälder omfattar "
             "sina underenheter. Versaler spelar ingen roll, och planens stavningar i enheter.yaml "
             "går också – som på sidorna.",
    "roll": "”ansvarig”: bara åtgärder där enheten är ansvarig, inte i samverkan (begränsar bara tillsammans med enhet).",
    "status": "Visad status att behålla (åtgärder), upprepad eller kommaseparerad.",
    "tabell": "Budgettabell: " + ", ".join(BUDGETTABELLER) + ".",
    "historik": "”ja”: alla sparade versioner av analystexterna (nyast först); standard ”nej”: den gällande.",
    "exempel": "”med” tar med märkt exempeldata (exempel=true); standard ”utan”.",
    "sida": "Sidnummer, från 1.",
    "per_sida": f"Rader per sida, 1–{MAX_PER_SIDA} (JSON: standard {PER_SIDA}; CSV: alla rader om inget anges).",
}
ALLTID = ("sida", "per_sida")

_PROVENIENS = (
    Falt("ursprung", "string", "publicerad (kommunens publicerade värde med källa), rapporterad "
         "(inläst rapport) eller exempel (påhittat exempel); null när inget rapporterats"),
    Falt("kalla", "string", "källa: fil eller dokument"),
    Falt("kalla_url", "string", "publicerad källa (URL)"),
    Falt("rapporterad", "datetime", "när värdet lästes in (UTC, ISO 8601)"),
    Falt("exempel", "boolean", "true = exempeldata, inte kommunens rapportering", tom=False),
)


def _varde(x) -> Any:
    """Ett värde ur en DataFrame som JSON-vänligt Python-värde (NaN/NaT → None)."""
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return [_varde(v) for v in x]
    if isinstance(x, dict):
        return {k: _varde(v) for k, v in x.items()}
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(x, pd.Timestamp):
        x = x.to_pydatetime()
    if isinstance(x, dt.datetime):  # lagras som UTC utan tidszon
        if x.tzinfo is not None:
            x = x.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return x.replace(microsecond=0).isoformat() + "Z"
    if isinstance(x, dt.date):
        return x.isoformat()
    if hasattr(x, "item"):  # numpy-tal
        x = x.item()
    if isinstance(x, float):
        if math.isinf(x):
            return None
        return int(x) if x.is_integer() and abs(x) < 2**53 else x
    return x


def _ursprung(exempel, kalla_url, finns: bool = True) -> Optional[str]:
    if not finns:
        return None
    if bool(exempel) and not (exempel is None or (isinstance(exempel, float) and math.isnan(exempel))):
        return "exempel"
    return "publicerad" if isinstance(kalla_url, str) and kalla_url else "rapporterad"


def _rader(df: pd.DataFrame, falt: tuple[Falt, ...]) -> list[dict]:
    namn = [f.namn for f in falt]
    ut = []
    for rad in df.to_dict("records"):
        ut.append({n: _varde(rad.get(n)) for n in namn})
    return ut


def _utan_exempel(df: pd.DataFrame) -> pd.DataFrame:
    """Raderna som inte är exempeldata (en tom mask måste vara bool, annars väljer pandas kolumner)."""
    return df[~df.exempel.map(_bool).astype(bool)] if len(df) else df


def _bool(x) -> bool:
    return bool(x) if x is not None and not (isinstance(x, float) and math.isnan(x)) else False


# --- Hämtare: Urval → rader ---

def _planer(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    df = fragor.planer()
    info = [fragor.plan_info(fragor.los_plan(k)) for k in df.kod]
    std = fragor.los_plan().kod   # resursens uppgift: vilken plan som gäller utan ?plan=
    df = df.assign(kommun=[i.get("kommun") for i in info], vision=[i.get("vision") for i in info],
                   kommunkod=[i.get("kommunkod") for i in info],
                   namnd_kort=[namnd_.fran_info(i).kort for i in info],
                   standard=[k == std for k in df.kod])
    return _rader(df, RESURSER["planer"].falt)


def _perioder(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    return _rader(fragor.perioder(plan), RESURSER["perioder"].falt)


def _enheter(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    return _rader(fragor.enheter(plan), RESURSER["enheter"].falt)


def _malomraden(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    df = fragor.malomraden(plan)
    if u.malomrade is not None:
        df = df[df.nr == u.malomrade]
    return _rader(df, RESURSER["malomraden"].falt)


def _inriktningsmal(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    df = fragor.inriktningsmal(u.malomrade, u.period, plan=plan).copy()
    df["period"] = fragor.vald_period(u.period, plan=plan).namn
    rapp = df.bedomning != regler.EJ_RAPPORTERAD
    ex = df.exempel.map(_bool) if "exempel" in df else pd.Series(False, index=df.index)
    if not exempel:
        bort = rapp & ex
        df.loc[bort, ["motivering", "kalla_url", "rapporterad"]] = None
        df.loc[bort, "bedomning"] = regler.EJ_RAPPORTERAD
        rapp, ex = rapp & ~bort, ex & ~bort
    df["exempel"] = ex
    df["ursprung"] = [_ursprung(e, k, r) for e, k, r in zip(ex, df.kalla_url, rapp)]
    df["kalla"] = None
    return _rader(df, RESURSER["inriktningsmal"].falt)


def _uppdrag(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    return _rader(fragor.uppdrag(u.malomrade, plan=plan), RESURSER["uppdrag"].falt)


def _atgarder(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    # Status filtreras efter att exempel tagits bort (annars styr exemplets status urvalet)
    df = fragor.atgarder(u.malomrade, u.enhet, u.roll, u.period, None, plan=plan).copy()
    per = fragor.vald_period(u.period, plan=plan)
    rapp = df.rapporterad_status.map(lambda s: isinstance(s, str))
    ex = df.exempel.map(_bool)
    if not exempel:
        bort = ex & rapp
        for i in df.index[bort]:
            st = regler.atgardsstatus(None, df.at[i, "forfallodatum"], per.slutdatum, df.at[i, "tidpunkt"] or "")
            df.at[i, "status"], df.at[i, "status_skal"] = st.status, st.skal
        df.loc[bort, ["rapporterad_status", "kommentar", "kalla", "kalla_url", "rapporterad"]] = None
        rapp, ex = rapp & ~bort, ex & ~bort
    df["exempel"] = ex
    df["ursprung"] = [_ursprung(e, k, r) for e, k, r in zip(ex, df.kalla_url, rapp)]
    if u.status:
        df = df[df.status.isin(u.status)]
    return _rader(df, RESURSER["atgarder"].falt)


def _mal_kolumner(df: pd.DataFrame) -> list[int]:
    return sorted(int(k[4:]) for k in df.columns if k.startswith("mal_") and k[4:].isdigit())


def _indikatorer(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    df = fragor.indikatorer(u.malomrade, False, u.enhet, u.period, plan=plan).copy()
    per = fragor.vald_period(u.period, plan=plan)
    ar = _mal_kolumner(df)
    df["mal"] = [[{"ar": a, "varde": _varde(r[f"mal_{a}"]), "text": _varde(r.get(f"mal_{a}_text"))}
                  for a in ar if _varde(r[f"mal_{a}"]) is not None or _varde(r.get(f"mal_{a}_text")) is not None]
                 for r in df.to_dict("records")]
    finns = df.utfall_varde.notna() | df.utfall_text.map(lambda t: isinstance(t, str)) | df.utfall_status.map(
        lambda t: isinstance(t, str)) | df.utfall_kan_inte_bedomas.map(_bool)
    ex = df.exempel.map(_bool)
    if not exempel:
        bort = ex & finns
        for i in df.index[bort]:
            r = df.loc[i]
            mal = r.get(f"mal_{int(per.ar)}")
            st = regler.indikatorstatus(None, None if mal is None or pd.isna(mal) else float(mal), r.riktning)
            df.at[i, "status"], df.at[i, "status_skal"], df.at[i, "trend"] = st.status, st.skal, ""
        df.loc[bort, ["utfall_varde", "utfall_text", "utfall_kommentar", "utfall_kalla", "utfall_kalla_url",
                      "utfall_rapporterad"]] = None
        finns, ex = finns & ~bort, ex & ~bort
        # utan exempel finns inget tidigare att nämna: trenden är tom, som när inget tidigare rapporterats
        df.loc[df.trend == tidigare.INGEN_TIDIGARE, "trend"] = ""
    df["exempel"] = ex
    df["ursprung"] = [_ursprung(e, k, f) for e, k, f in zip(ex, df.utfall_kalla_url, finns)]
    df = df.rename(columns={"utfall_kalla": "kalla_utfall", "utfall_kalla_url": "kalla_url",
                            "utfall_rapporterad": "rapporterad", "utfall_kommentar": "kommentar",
                            "kalla": "kalla_plan"})
    df["kalla"] = df.kalla_utfall
    return _rader(df, RESURSER["indikatorer"].falt)


def _utfall(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    ind = fragor.indikatorer(plan=plan)[["id", "kod"]]
    df = fragor.utfall(ind.id.tolist())
    df = df.merge(ind.rename(columns={"id": "indikator_id", "kod": "indikator"}), on="indikator_id")
    if u.period:
        df = df[df.period == u.period]
    if not exempel:
        df = _utan_exempel(df)
    df["exempel"] = df.exempel.map(_bool)
    df["ursprung"] = [_ursprung(e, k) for e, k in zip(df.exempel, df.kalla_url)]
    return _rader(df, RESURSER["utfall"].falt)


def _statusrapporter(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    df = fragor.atgardsrapporter(u.period, plan=plan)
    if not exempel:
        df = _utan_exempel(df)
    df = df.assign(exempel=df.exempel.map(_bool))
    df["ursprung"] = [_ursprung(e, k) for e, k in zip(df.exempel, df.kalla_url)]
    return _rader(df, RESURSER["statusrapporter"].falt)


def _malvarden(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    return _rader(fragor.malvarden(plan).rename(columns={"kod": "indikator"}),
                  RESURSER["malvarden"].falt)


def _budget(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    df = fragor.budget(u.ovrigt.get("tabell"), plan=plan).rename(columns={"varde": "belopp"})
    df = df.sort_values(["tabell", "ordning", "ar"], key=lambda s: s.map(
        {t: i for i, t in enumerate(BUDGETTABELLER)}) if s.name == "tabell" else s)
    df["enhet"] = ["procent" if t == "forandring_procent" else "tkr" for t in df.typ]
    return _rader(df, RESURSER["budget"].falt)


def _budgetuppfoljning(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    df = fragor.budgetutfall(u.period, plan=plan)
    if u.ovrigt.get("tabell"):
        df = df[df.tabell == u.ovrigt["tabell"]]
    if not exempel:
        df = _utan_exempel(df)
    df = df.assign(exempel=df.exempel.map(_bool))
    df["ursprung"] = [_ursprung(e, k) for e, k in zip(df.exempel, df.kalla_url)]
    return _rader(df, RESURSER["budgetuppfoljning"].falt)


def _jamforelser(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    j = fragor.kolada_jamforelse(plan)
    nt = {n.id: n for n in j.nyckeltal}
    df = j.varden[j.varden.kpi.isin(list(nt))].copy()
    df["kpi_titel"] = [nt[k].titel for k in df.kpi]
    df["rubrik"] = [nt[k].rubrik or nt[k].titel for k in df.kpi]
    df["matt"] = [nt[k].matt for k in df.kpi]
    df["indikatorer"] = [[kod for kod, _ in nt[k].indikatorer] for k in df.kpi]
    df["kommun"] = [k or None for k in df.kommun]
    ordning = {k: i for i, k in enumerate(nt)}
    df = df.assign(_o=df.kpi.map(ordning)).sort_values("_o", kind="stable")
    return _rader(df, RESURSER["jamforelser"].falt)
def _analystexter(u: Urval, plan: Plankontext, exempel: bool) -> list[dict]:
    """Den gällande versionen av varje analystext för perioden (historiken: ?historik=ja)."""
    pnamn = str(fragor.vald_period(u.period, plan=plan).namn)
    df = analysfragor.historik(plan, pnamn)
    df = df if u.ovrigt.get("historik") == "ja" else analysfragor.gallande_ur(df)
    return _rader(df.assign(period=pnamn), RESURSER["analystexter"].falt)


_F = Falt
RESURSER: dict[str, Resurs] = {r.namn: r for r in (
    Resurs("planer", "Planer", "Planerna i databasen (nämnd × år).", (), (
        _F("kod", "string", "planens kod, används som ?plan=", tom=False),
        _F("namn", "string", "planens namn", tom=False),
        _F("namnd", "string", "nämnd", tom=False),
        _F("kommun", "string", "kommun"),
        _F("ar", "integer", "planår", tom=False),
        _F("vision", "string", "visionen som i planen"),
        _F("syntetisk", "boolean", "true = syntetisk testdata (bänken), inte en kommuns plan", tom=False),
        _F("standard", "boolean", "true = standardplanen (gäller när ?plan= saknas)", tom=False),
        _F("namnd_kort", "string", "nämndens kortform: egna initiativ heter <kortform>-initiativ och "
                                   "egna indikatorer har nivån <kortform>", tom=False),
        _F("kommunkod", "string", "kommunens Kolada-id (fyra siffror)"),
    ), _planer),
    Resurs("perioder", "Rapportperioder", "Rapportperioderna i tidsordning.", ("plan",), (
        _F("namn", "string", "periodens namn, används som ?period=", tom=False),
        _F("ar", "integer", "år", tom=False),
        _F("typ", "string", "periodens typ som i planen (plan.yaml: perioder)", tom=False),
        _F("slutdatum", "date", "periodens sista dag", tom=False),
        _F("last", "boolean", "låst för rapportering", tom=False),
        _F("har_rapporter", "boolean", "något är rapporterat i perioden för planen", tom=False),
    ), _perioder),
    Resurs("enheter", "Enheter", "Planens ansvariga enheter med kanoniska koder (enheter.yaml).", ("plan",), (
        _F("kod", "string", "kanonisk kod, används som ?enhet=", tom=False),
        _F("namn", "string", "fullständigt namn", tom=False),
        _F("foralder", "string", "förälderns kod"),
        _F("extern", "boolean", "utanför nämndens förvaltning", tom=False),
        _F("djup", "integer", "nivå i hierarkin (0 = överst)", tom=False),
    ), _enheter),
    Resurs("malomraden", "Målområden", "Planens målområden.", ("plan", "malomrade"), (
        _F("nr", "integer", "målområdets nummer", tom=False),
        _F("titel", "string", "rubrik", tom=False),
        _F("beskrivning", "string", "beskrivning"),
        _F("ambitionsniva", "string", "ambitionsnivå för planens ambitionsår (plan: ambitionsar)"),
        _F("tolkning", "string", "nämndens tolkning"),
        _F("uppfoljning", "string", "hur målområdet följs upp"),
    ), _malomraden),
    Resurs("inriktningsmal", "Inriktningsmål", "Inriktningsmålen med styrelsens bedömning i perioden.",
           ("plan", "period", "malomrade", "exempel"), (
        _F("malomrade", "integer", "målområdets nummer", tom=False),
        _F("nr", "string", "som tryckt, t.ex. 1.1", tom=False),
        _F("titel", "string", "inriktningsmålet", tom=False),
        _F("beskrivning", "string", "beskrivning"),
        _F("period", "string", "perioden bedömningen gäller", tom=False),
        _F("bedomning", "string", "styrelsens bedömning, eller Ej rapporterad", tom=False),
        _F("motivering", "string", "motivering"),
    ) + _PROVENIENS, _inriktningsmal),
    Resurs("uppdrag", "Uppdrag", "Uppdrag från kommunfullmäktige (KF-uppdrag) och nämndens egna initiativ "
           "(<kortform>-initiativ, planer: namnd_kort).", ("plan", "malomrade"), (
        _F("kod", "string", "uppdragets id, t.ex. 1-U01", tom=False),
        _F("malomrade", "integer", "målområdets nummer", tom=False),
        _F("typ", "string", "KF-uppdrag eller <kortform>-initiativ", tom=False),
        _F("titel", "string", "uppdraget som i planen", tom=False),
        _F("tolkning", "string", "nämndens tolkning"),
    ), _uppdrag),
    Resurs("atgarder", "Åtgärder", "Åtgärder med ansvariga enheter, tidpunkt och status i perioden "
           "(en passerad tidpunkt ger Försenad, som på sidorna).",
           ("plan", "period", "malomrade", "enhet", "roll", "status", "exempel"), (
        _F("kod", "string", "åtgärdens id, t.ex. 1-A01", tom=False),
        _F("malomrade", "integer", "målområdets nummer", tom=False),
        _F("uppdrag_kod", "string", "uppdragets id", tom=False),
        _F("uppdragstyp", "string", "KF-uppdrag eller <kortform>-initiativ", tom=False),
        _F("text", "string", "åtgärden som i planen", tom=False),
        _F("effekt", "string", "förväntad effekt"),
        _F("ansvar", "string", "ansvarig som tryckt i planen"),
        _F("ansvariga", "array", "kanoniska koder för ansvariga enheter (CSV: kommaseparerade)", tom=False),
        _F("i_samverkan", "array", "kanoniska koder för enheter i samverkan (CSV: kommaseparerade)", tom=False),
        _F("tidpunkt", "string", "tidpunkt som tryckt"),
        _F("forfallodatum", "date", "tidpunkten tolkad som datum"),
        _F("period", "string", "perioden statusen gäller", tom=False),
        _F("status", "string", "visad status: " + ", ".join(ATGARDSSTATUS_ALLA), tom=False),
        _F("status_skal", "string", "skälet när statusen inte är den rapporterade"),
        _F("rapporterad_status", "string", "status enligt rapporten"),
        _F("kommentar", "string", "rapporterad kommentar"),
    ) + _PROVENIENS, _atgarder),
    Resurs("indikatorer", "Indikatorer", "Indikatorer med nuvärde, mål, utfall i perioden och status.",
           ("plan", "period", "malomrade", "enhet", "exempel"), (
        _F("kod", "string", "indikatorns id, t.ex. 1-I01 eller HR-I01", tom=False),
        _F("malomrade", "integer", "målområdets nummer (null för HR-indikatorerna)"),
        _F("fokusomrade", "integer", "arbetsgivarens fokusområde (HR-indikatorerna)"),
        _F("niva", "string", "KF eller nämndens kortform (planer: namnd_kort)"),
        _F("namn", "string", "indikatorn som i planen", tom=False),
        _F("mattenhet", "string", "måttenhet: %, kr, mnkr, antal …"),
        _F("riktning", "string", "hogre eller lagre är bättre"),
        _F("nuvarde", "number", "planens nuvärde (baslinje)"),
        _F("nuvarde_text", "string", "nuvärdet som tryckt"),
        _F("nuvarde_ar", "integer", "året nuvärdet gäller"),
        _F("mal", "array", "gällande mål per år: [{ar, varde, text}] (CSV: ”år: värde; år: värde”)", tom=False),
        _F("kalla_plan", "string", "indikatorns källa enligt planen"),
        _F("matintervall", "string", "mätintervall"),
        _F("period", "string", "perioden utfallet gäller", tom=False),
        _F("utfall_varde", "number", "utfall i perioden"),
        _F("utfall_text", "string", "utfall som text (kvalitativt eller tryckt)"),
        _F("kommentar", "string", "rapporterad kommentar"),
        _F("status", "string", "Uppnått, Delvis uppnått, Ej uppnått, Kan inte bedömas eller Ej rapporterad "
           "(målets trafikljus, inte en rankning)", tom=False),
        _F("status_skal", "string", "regeln bakom statusen"),
        _F("trend", "string", "mot föregående utfall av samma slag (publicerat eller rapporterat mot publicerat "
           "eller rapporterat, exempel bara mot exempel): bättre, sämre, oförändrad, upp, ned, ”ingen tidigare "
           "rapport” (det enda tidigare utfallet är exempel; bara med exempel=med) eller tomt"),
    ) + _PROVENIENS, _indikatorer),
    Resurs("utfall", "Utfall", "Alla rapporterade indikatorutfall (historik) med proveniens; "
           "den senaste per indikator och period sist.", ("plan", "period", "exempel"), (
        _F("indikator", "string", "indikatorns id", tom=False),
        _F("period", "string", "period", tom=False),
        _F("varde", "number", "utfall"),
        _F("text", "string", "utfall som text"),
        _F("kommentar", "string", "kommentar eller anmärkning"),
        _F("kan_inte_bedomas", "boolean", "markerad som ej mätbar"),
        _F("status", "string", "rapporterad status (kvalitativa indikatorer)"),
    ) + _PROVENIENS, _utfall),
    Resurs("statusrapporter", "Statusrapporter", "Alla rapporterade åtgärdsstatusar (historik) med proveniens.",
           ("plan", "period", "exempel"), (
        _F("atgard", "string", "åtgärdens id", tom=False),
        _F("period", "string", "period", tom=False),
        _F("status", "string", "rapporterad status", tom=False),
        _F("kommentar", "string", "kommentar"),
    ) + _PROVENIENS, _statusrapporter),
    Resurs("malvarden", "Målvärden", "Gällande målvärde per indikator och år (långt format).", ("plan",), (
        _F("indikator", "string", "indikatorns id", tom=False),
        _F("ar", "integer", "år", tom=False),
        _F("varde", "number", "målvärde"),
        _F("text", "string", "målet som tryckt"),
        _F("fran_planen", "boolean", "true = planens ursprungliga mål", tom=False),
        _F("kalla", "string", "källa för ett ändrat mål"),
    ), _malvarden),
    Resurs("budget", "Budget", "Planens budgettabeller i långt format: en rad per post och kolumn.",
           ("plan", "tabell"), (
        _F("tabell", "string", ", ".join(BUDGETTABELLER), tom=False),
        _F("grupp", "string", "grupp (investeringar)"),
        _F("post", "string", "post som i planen", tom=False),
        _F("typ", "string", "belopp, varav, summa, forandring_tkr eller forandring_procent", tom=False),
        _F("fotnot", "string", "planens fotnot"),
        _F("kolumn", "string", "kolumnrubrik som tryckt i planen"),
        _F("slag", "string", "Utfall, Budget eller Plan"),
        _F("ar", "integer", "år"),
        _F("belopp", "number", "belopp (tkr; procent när enhet = procent)"),
        _F("enhet", "string", "tkr eller procent", tom=False),
        _F("forklaring", "string", "planens skäl till förändringen (budgetforandringar)"),
    ), _budget),
    Resurs("budgetuppfoljning", "Budgetuppföljning", "Rapporterat budgetutfall och prognos i perioden (tkr).",
           ("plan", "period", "tabell", "exempel"), (
        _F("period", "string", "period", tom=False),
        _F("tabell", "string", "budgettabell", tom=False),
        _F("post", "string", "post", tom=False),
        _F("utfall", "number", "utfall hittills (tkr)"),
        _F("prognos", "number", "prognos för helåret (tkr)"),
        _F("avvikelse", "number", "publicerad avvikelse (tkr)"),
        _F("kommentar", "string", "kommentar"),
    ) + _PROVENIENS, _budgetuppfoljning),
    Resurs("jamforelser", "Jämförelser (Kolada)", "Planens Kolada-nyckeltal: kommunen, jämförelsegruppens kommuner, "
           "gruppens medelvärde och riket per år och kön, som på /jamforelse. Källa: Kolada (hämtningsdag per rad); "
           "ett gruppmedel med beraknad=true är Målkolls ovägda medel av gruppens kommuner.", ("plan",), (
        _F("kpi", "string", "Koladas nyckeltals-id, t.ex. N03103", tom=False),
        _F("kpi_titel", "string", "nyckeltalets titel i Kolada", tom=False),
        _F("rubrik", "string", "rubrik på vanlig svenska (som på /jamforelse)", tom=False),
        _F("matt", "string", "samma (samma mått som indikatorn), narliggande (annan definition) eller ovrigt "
           "(ingen egen indikator i planen)", tom=False),
        _F("indikatorer", "array", "planens indikatorer som jämförs med nyckeltalet (CSV: kommaseparerade)", tom=False),
        _F("roll", "string", "kommunen, gruppen (en kommun i jämförelsegruppen), gruppmedel eller riket", tom=False),
        _F("kommun", "string", "Koladas id: kommun (fyra siffror), riket (0000) eller grupp (G…)"),
        _F("kommun_namn", "string", "namn", tom=False),
        _F("ar", "integer", "år", tom=False),
        _F("kon", "string", "T totalt, K kvinnor, M män", tom=False),
        _F("varde", "number", "värdet", tom=False),
        _F("antal", "integer", "gruppmedel: antal kommuner bakom medelvärdet"),
        _F("hamtad", "date", "när värdet hämtades ur Kolada", tom=False),
        _F("kalla", "string", "källa", tom=False),
        _F("beraknad", "boolean", "true = Målkolls beräkning (gruppmedel), inte ett Kolada-värde", tom=False),
    ), _jamforelser),
    Resurs("analystexter", "Analystexter", "Kontorets analystexter för perioden (delårsrapportens bedömning): den "
           "gällande versionen av varje text, eller alla versioner med historik=ja.",
           ("plan", "period", "historik"), (
        _F("period", "string", "perioden texten gäller", tom=False),
        _F("niva", "string", "plan (sammanfattning), malomrade, inriktningsmal, uppdrag eller diarienummer", tom=False),
        _F("nyckel", "string", "målområdets nr, inriktningsmålets nr, uppdragets id; tomt för plan och diarienummer",
           tom=False),
        _F("bedomning", "string", "bedömningen på planens skala (målområde: I fas … Kan inte bedömas; "
           "inriktningsmål: Uppfyllt … Kan inte bedömas)"),
        _F("text", "string", "texten (vanlig text; tom rad = nytt stycke, ”- ” = punkt)", tom=False),
        _F("skriven_av", "string", "vem som skrev versionen", tom=False),
        _F("skriven", "datetime", "när versionen sparades", tom=False),
        _F("version", "integer", "versionens nummer för texten (1 = första)", tom=False),
    ), _analystexter),
)}


# --- Tolka parametrar ---

PARAMETERNAMN = {"plan": "plan", "period": "period", "enhet": "enhet", "status": "status",
                 "målområde": "malomrade", "roll": "roll"}


@dataclass
class Fraga:
    """En tolkad API-fråga: urvalet, exempel, sidning och format."""
    resurs: Resurs
    urval: Urval
    exempel: bool = False
    sida: int = 1
    per_sida: Optional[int] = None
    fel: list[str] = field(default_factory=list)


def _heltal(namn: str, v: str, minst: int, hogst: Optional[int] = None) -> tuple[Optional[int], Optional[str]]:
    if not (v.isascii() and v.isdigit()) or v.startswith("0") and v != "0":
        return None, f"parametern ”{namn}”: ”{v}” är inte ett heltal"
    n = int(v)
    if n < minst or (hogst is not None and n > hogst):
        grans = f"{minst}–{hogst}" if hogst is not None else f"minst {minst}"
        return None, f"parametern ”{namn}”: {n} ligger utanför {grans}"
    return n, None


def tolka(resursnamn: str, args: Mapping[str, list[str]]) -> Fraga:
    """Frågans parametrar (namn → lista av värden) → Fraga; `fel` har svenska meddelanden som
    namnger parametern. Okända, tomma eller ogiltiga värden ger fel, aldrig tyst ett större urval."""
    r = RESURSER[resursnamn]
    tillatna = set(r.parametrar) | set(ALLTID)
    fel: list[str] = []
    for k, vs in args.items():
        if k not in tillatna:
            fel.append(f"parametern ”{k}” finns inte för {PREFIX}/{r.namn}; tillåtna: "
                       + ", ".join(p for p in PARAMETRAR if p in tillatna))
        elif any(not (v or "").strip() for v in vs):
            fel.append(f"parametern ”{k}” är tom")
        elif k not in ("enhet", "status") and len(vs) > 1:
            fel.append(f"parametern ”{k}” får bara anges en gång")
    if fel:
        return Fraga(r, Urval(), fel=fel)
    en = {k: vs[-1].strip() for k, vs in args.items()}
    u = Urval.fran_fraga({k: v for k, v in args.items() if k in ("plan", "period", "enhet", "roll", "status")})
    fel += [f"parametern ”roll”: {f}" for f in u.fel]
    if "malomrade" in en:
        nr, f = _heltal("malomrade", en["malomrade"], 0)
        if f:
            fel.append(f)
        else:
            u = u.med(vy="malomrade", malomrade=nr)
    if "tabell" in en:
        if en["tabell"] not in BUDGETTABELLER:
            fel.append(f"parametern ”tabell”: okänd tabell ”{en['tabell']}”; välj bland: {', '.join(BUDGETTABELLER)}")
        else:
            u.ovrigt["tabell"] = en["tabell"]
    if "historik" in en:
        if en["historik"] not in ("ja", "nej"):
            fel.append(f"parametern ”historik”: ”{en['historik']}” – ange ja eller nej")
        else:
            u.ovrigt["historik"] = en["historik"]
    exempel = en.get("exempel", "utan")
    if exempel not in EXEMPEL:
        fel.append(f"parametern ”exempel”: ”{exempel}” – ange med eller utan")
    sida, f = _heltal("sida", en["sida"], 1) if "sida" in en else (1, None)
    fel += [f] if f else []
    per_sida, f = _heltal("per_sida", en["per_sida"], 1, MAX_PER_SIDA) if "per_sida" in en else (None, None)
    fel += [f] if f else []
    # Samma matchning som sidorna och exporten: enhetskoder oavsett versaler och via planens
    # stavningar (enheter.yaml), period, status och plan oavsett versaler; okänt ger fortfarande fel
    u = fragor.normalisera_urval(u)
    if not any(f.startswith("parametern ”malomrade”") for f in fel):
        for m in fragor.kontrollera_urval(u):
            forsta = m.split(" ”", 1)[0].removeprefix("okänd ").removeprefix("okänt ")
            fel.append(f"parametern ”{PARAMETERNAMN.get(forsta, forsta)}”: {m}")
    return Fraga(r, u, exempel == "med", sida or 1, per_sida, fel)


# --- Svar ---

@dataclass
class Sida:
    rader: list[dict]
    antal: int
    sida: int
    per_sida: int
    sidor: int


def sidindela(rader: list[dict], sida: int, per_sida: Optional[int]) -> Sida:
    n = per_sida or max(len(rader), 1)
    sidor = max(1, math.ceil(len(rader) / n))
    return Sida(rader[(sida - 1) * n: sida * n], len(rader), sida, n, sidor)


def hamta(f: Fraga, plan: Plankontext) -> list[dict]:
    """Alla rader för frågan (före sidindelning) i den upplösta planen (routen gör den ur ?plan=)."""
    return f.resurs.hamta(f.urval, plan, f.exempel)


def meta(f: Fraga, s: Sida, kp: Plankontext) -> dict:
    plan = fragor.plan_info(kp)
    m = {"resurs": f.resurs.namn, "plan": plan["kod"], "plan_namn": plan["namn"], "kommun": plan.get("kommun"),
         "filter": _filter(f), "exempel": "med" if f.exempel else "utan",
         "antal": s.antal, "sida": s.sida, "per_sida": s.per_sida, "sidor": s.sidor,
         "kalla": "Målkoll: planen som i data/plan/ och rapporterade utfall; ursprung per rad", "version": VERSION}
    if f.resurs.namn == "jamforelser":
        m["kalla"] = "Källa: Kolada (hämtningsdag och källa per rad); gruppmedel med beraknad=true är Målkolls beräkning"
    if "period" in f.resurs.parametrar and f.resurs.namn not in ("utfall", "statusrapporter"):
        m["period"] = fragor.vald_period(f.urval.period, plan=kp).namn
    elif f.urval.period:
        m["period"] = f.urval.period
    return m


def _filter(f: Fraga) -> dict:
    u = f.urval
    ut = {"plan": u.plan, "period": u.period, "malomrade": u.malomrade, "enhet": u.enhet or None,
          "roll": u.roll, "status": u.status or None, "tabell": u.ovrigt.get("tabell")}
    return {k: v for k, v in ut.items() if v is not None and k in f.resurs.parametrar}


def till_json(f: Fraga, s: Sida, meta_: dict) -> dict:
    return {"meta": meta_, "data": s.rader}


def _csv_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v}".replace(".", ",")
    if isinstance(v, list):
        if v and isinstance(v[0], dict):  # mål per år
            return "; ".join(f"{d.get('ar')}: {_csv_cell(d.get('varde')) or d.get('text') or ''}" for d in v)
        return ", ".join(_csv_cell(x) for x in v)
    s = str(v)
    # Text som Excel skulle räkna ut (=, +, -, @) får en apostrof först
    if s[:1] in ("=", "+", "-", "@", "\t", "\r") and not _ar_tal(s):
        s = "'" + s
    return s


def _ar_tal(s: str) -> bool:
    try:
        float(s.replace(",", "."))
        return True
    except ValueError:
        return False


def till_csv(f: Fraga, s: Sida) -> bytes:
    """CSV för svenskt Excel: UTF-8 med BOM, semikolon, decimalkomma, rubrikrad med fältnamnen."""
    ut = io.StringIO()
    w = csv.writer(ut, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    namn = [x.namn for x in f.resurs.falt]
    w.writerow(namn)
    for rad in s.rader:
        w.writerow([_csv_cell(rad.get(n)) for n in namn])
    return ("\ufeff" + ut.getvalue()).encode("utf-8")


# --- OpenAPI 3.1 ---

CSV_SCHEMA = {"type": "string", "contentMediaType": "text/csv",
              "description": "UTF-8 med BOM, semikolon, decimalkomma; första raden är fältnamnen"}

def _schema_for(falt: Falt) -> dict:
    if falt.typ == "date":
        s: dict = {"type": "string", "format": "date"}
    elif falt.typ == "datetime":
        s = {"type": "string", "format": "date-time"}
    elif falt.typ == "array" and falt.namn == "mal":
        s = {"type": "array", "items": {"type": "object", "required": ["ar", "varde", "text"],
                                        "additionalProperties": False, "properties": {
                                            "ar": {"type": "integer"}, "varde": {"type": ["number", "null"]},
                                            "text": {"type": ["string", "null"]}}}}
    elif falt.typ == "array":
        s = {"type": "array", "items": {"type": "string"}}
    else:
        s = {"type": falt.typ}
    if falt.tom:
        s["type"] = [s["type"], "null"]
    s["description"] = falt.text
    return s


def _parameter(namn: str, val: dict) -> dict:
    schema: dict = {"type": "string", "minLength": 1}
    if namn == "malomrade":
        schema = {"type": "integer", "enum": list(val["malomrade"])} if "malomrade" in val else {
            "type": "integer", "minimum": 0}
    elif namn == "sida":
        schema = {"type": "integer", "minimum": 1, "default": 1}
    elif namn == "per_sida":
        schema = {"type": "integer", "minimum": 1, "maximum": MAX_PER_SIDA}
    elif namn == "exempel":
        schema = {"type": "string", "enum": list(EXEMPEL), "default": "utan"}
    elif namn == "roll":
        schema = {"type": "string", "enum": ["ansvarig"]}
    elif namn == "tabell":
        schema = {"type": "string", "enum": list(BUDGETTABELLER)}
    elif namn == "historik":
        schema = {"type": "string", "enum": ["ja", "nej"], "default": "nej"}
    elif namn in val:
        schema = {"type": "string", "enum": list(val[namn])}
    if namn in ("enhet", "status"):
        schema = {"type": "array", "items": schema}
    p = {"name": namn, "in": "query", "required": False, "description": PARAMETRAR[namn], "schema": schema}
    if namn in ("enhet", "status"):
        p.update(style="form", explode=True)
    return p


def openapi(varden: Optional[dict] = None, server: str = "/") -> dict:
    """OpenAPI 3.1-beskrivningen. `varden`: kända värden (plan, period, enhet, status) som enum."""
    val = dict(varden or {})
    val.setdefault("status", list(ATGARDSSTATUS_ALLA))
    fel = {"description": "Felaktig parameter: ett svenskt meddelande som namnger parametern",
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fel"}}}}
    huvuden = {n: {"$ref": f"#/components/headers/{n}"} for n in ("ETag", "Last-Modified",
                                                                   "Access-Control-Allow-Origin")}
    vagar: dict = {}
    for r in RESURSER.values():
        params = [_parameter(p, val) for p in r.parametrar + ALLTID]
        vagar[f"{PREFIX}/{r.namn}"] = {"get": {
            "operationId": f"hamta_{r.namn}", "summary": r.titel, "description": r.text,
            "tags": ["Öppna data"], "parameters": params + [{"$ref": "#/components/parameters/Accept"}],
            "responses": {
                "200": {"description": f"{r.titel} (JSON; CSV med Accept: text/csv)", "headers": huvuden,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/Svar_{r.namn}"}},
                                    "text/csv": {"schema": CSV_SCHEMA}}},
                "304": {"description": "Oförändrat sedan If-None-Match / If-Modified-Since", "headers": huvuden},
                "400": fel}}}
        vagar[f"{PREFIX}/{r.namn}.csv"] = {"get": {
            "operationId": f"hamta_{r.namn}_csv", "summary": f"{r.titel} som CSV",
            "description": r.text + " CSV: UTF-8 med BOM, semikolon, decimalkomma.", "tags": ["Öppna data"],
            "parameters": params,
            "responses": {
                "200": {"description": f"{r.titel} (CSV)", "headers": huvuden,
                        "content": {"text/csv": {"schema": CSV_SCHEMA}}},
                "304": {"description": "Oförändrat", "headers": huvuden},
                "400": fel}}}
    sm = {"type": "object", "required": ["id", "plan", "datum", "organ", "diarienummer", "period", "kontrollsumma"],
          "properties": {"id": {"type": "integer"}, "plan": {"type": "string"}, "datum": {"type": "string", "format": "date"},
                         "organ": {"type": "string"}, "diarienummer": {"type": "string"}, "period": {"type": "string"},
                         "urval": {"type": "object"}, "skapad": {"type": "string"}, "skapad_av": {"type": "string"},
                         "ersatter": {"type": ["integer", "null"]}, "kontrollsumma": {"type": "string"},
                         "etikett": {"type": "string"}, "sidor": {"type": "string"}, "excel": {"type": "string"},
                         "url": {"type": "string"}, "ersatt_av": {"type": ["integer", "null"]},
                         "data": {"type": "object", "description": "öppna datas rader per resurs, ur underlaget"}}}
    vagar[f"{PREFIX}/sammantraden"] = {"get": {
        "operationId": "sammantraden", "summary": "Sammanträden",
        "description": "Sammanträdena: vad nämnden visades, fryst och oföränderligt (nyast först).",
        "tags": ["Sammanträden"],
        "parameters": [_parameter("plan", val)],
        "responses": {"200": {"description": "Sammanträdena", "content": {"application/json": {"schema": {
            "type": "object", "required": ["data"], "properties": {"data": {"type": "array", "items": sm}}}}}},
            "400": fel}}}
    vagar[f"{PREFIX}/sammantraden/{{id}}"] = {"get": {
        "operationId": "sammantrade", "summary": "Ett sammanträde",
        "description": "Sammanträdets frysta innehåll: samma svar varje gång, vad som än rapporterats senare.",
        "tags": ["Sammanträden"],
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "Sammanträdet", "content": {"application/json": {"schema": sm}}},
                      "404": {"description": "Sammanträdet finns inte",
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fel"}}}}}}}
    vagar[f"{PREFIX}/openapi.json"] = {"get": {
        "operationId": "openapi", "summary": "Den här beskrivningen", "tags": ["Om API:t"],
        "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {
            "schema": {"type": "object"}}}}}}}
    scheman: dict = {
        "Fel": {"type": "object", "required": ["fel", "status"], "properties": {
            "fel": {"type": "array", "items": {"type": "string"}, "description": "svenska meddelanden"},
            "status": {"type": "integer"}}},
        "Meta": {"type": "object", "required": ["resurs", "plan", "antal", "sida", "per_sida", "sidor", "exempel"],
                 "properties": {
                     "resurs": {"type": "string"}, "plan": {"type": "string"}, "plan_namn": {"type": "string"},
                     "kommun": {"type": ["string", "null"]}, "period": {"type": "string"},
                     "filter": {"type": "object"}, "exempel": {"type": "string", "enum": list(EXEMPEL)},
                     "antal": {"type": "integer", "description": "rader totalt (alla sidor)"},
                     "sida": {"type": "integer"}, "per_sida": {"type": "integer"}, "sidor": {"type": "integer"},
                     "kalla": {"type": "string"}, "version": {"type": "string"}}},
    }
    for r in RESURSER.values():
        scheman[f"Rad_{r.namn}"] = {"type": "object", "additionalProperties": False,
                                    "required": [x.namn for x in r.falt],
                                    "properties": {x.namn: _schema_for(x) for x in r.falt}}
        scheman[f"Svar_{r.namn}"] = {"type": "object", "required": ["meta", "data"], "properties": {
            "meta": {"$ref": "#/components/schemas/Meta"},
            "data": {"type": "array", "items": {"$ref": f"#/components/schemas/Rad_{r.namn}"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Målkoll öppna data", "version": VERSION,
                 "description": "Läs planen, statusar, utfall och budget. Bara läsning (GET). JSON som standard, "
                                "CSV med .csv eller Accept: text/csv. Exempeldata tas bara med när exempel=med och "
                                "är alltid märkt. Se /api för exempel.",
                 "license": {"name": "CC0-1.0", "identifier": "CC0-1.0"}},
        "servers": [{"url": server}],
        "paths": vagar,
        "components": {
            "schemas": scheman,
            "parameters": {"Accept": {"name": "Accept", "in": "header", "required": False,
                                      "description": "text/csv ger CSV; annars JSON",
                                      "schema": {"type": "string"}}},
            "headers": {
                "ETag": {"description": "ändras när databasens generation ändras", "schema": {"type": "string"}},
                "Last-Modified": {"description": "när databasen senast ändrades", "schema": {"type": "string"}},
                "Access-Control-Allow-Origin": {"description": "*", "schema": {"type": "string"}}},
        },
    }


def kanda_varden() -> dict:
    """Planens kända värden för OpenAPI-beskrivningens enum (plan, period, enhet)."""
    planer = list(fragor.planer().kod)
    alla = [fragor.los_plan(k) for k in planer]
    perioder = list(dict.fromkeys(p for k in alla for p in fragor.perioder(k).namn))
    nr = sorted({int(n) for k in alla for n in fragor.malomraden(k).nr})
    enheter = list(dict.fromkeys(e for k in alla for e in fragor.enheter(k).kod))
    return {"plan": planer, "period": perioder, "enhet": enheter, "malomrade": nr}
