"""Export till Excel: planens åtgärder, indikatorer och budget som en färdig arbetsbok (.xlsx).

Rena data → openpyxl-arbetsbok → bytes. Ingen Dash här: knappen byggs i
`komponenter/export.py`, webbvägen `GET /export/malkoll.xlsx` och knappens callback finns i
`sidor/_export.py`. Bladen och kolumnerna är ett dokumenterat gränssnitt (docs/export.md) –
ändra inte namn eller ordning utan att ändra dokumentationen och testerna.

Tal skrivs som tal (med svenskt utseende via talformat, Excel lokaliserar avgränsarna), text som
planen trycker i stället för ett tal (">0", "-", "Se fotnot") skrivs som text, tomt förblir tomt.
Text som börjar med =, +, -, @, tabb eller vagnretur skrivs som text som Excel aldrig räknar ut.

Kommandoraden (hela planen, samma innehåll som webbvägen) finns i data/export.py:

    python -m data.export FIL.xlsx [--plan KOD] [--period "Delår 2 2020"] [--enhet KSK/EKO ...]
                                   [--roll ansvarig] [--status Försenad ...]
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from data.uppfoljning import analysfragor, budgetfragor, fragor, tidigare, ursprung
from data.uppfoljning.status import status_stil
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.urval import Urval

MIMETYP = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- Gränssnittet: blad och kolumner (se docs/export.md) ---

BLAD_ATGARDER = "Åtgärder"
BLAD_INDIKATORER = "Indikatorer"
BLAD_SARSKILDA = "Särskilda uppdrag"
BLAD_BUDGETUPPFOLJNING = "Budgetuppföljning"   # version 4 (issue 13): sist, efter budgetbladen
BLAD_ANALYS = "Analystexter"                   # version 5 (issue 23): sist, hela planens export
KOLUMNER_ANALYS = ("Nivå", "Nyckel", "Gäller", "Bedömning", "Text", "Skriven av", "Skriven", "Version", "Period")
NIVANAMN = {"plan": "Sammanfattning", "malomrade": "Målområde", "inriktningsmal": "Inriktningsmål",
            "uppdrag": "Uppdrag", "diarienummer": "Diarienummer"}
BUDGETBLAD = {  # budgettabell i databasen → bladnamn, i planens ordning
    "driftbudget": "Driftbudget",
    "drift_per_verksamhet": "Drift per verksamhet",
    "budgetforandringar": "Budgetförändringar",
    "investeringar": "Investeringar",
}
# Ursprungskolumnerna (version 2) står sist, så att version 1:s kolumner har kvar sina platser.
URSPRUNG_ATGARDER = ("Ursprung", "Statusens källa", "Rapporterad av", "Rapporterad")
URSPRUNG_INDIKATORER = ("Ursprung", "Utfallets källa", "Källans anmärkning", "Rapporterad av", "Rapporterad")
KOLUMNER_ATGARDER = ("Målområde", "Uppdragstyp", "Uppdrag", "Åtgärd", "Förväntad effekt", "Ansvarig",
                     "Ansvariga enheter (koder)", "Tidpunkt", "Status", "Period", "Kommentar", *URSPRUNG_ATGARDER)
def kolumner_indikatorer(malar: Sequence[int]) -> tuple[str, ...]:
    """Indikatorbladets kolumner: en "Mål <år>" per målår i planen (planens malar)."""
    return ("Målområde", "Nivå", "Indikator", "Måttenhet", "Nuvärde", "Nuvärde år",
            *[f"Mål {ar}" for ar in malar], "Utfall", "Period", "Status", "Ansvarig", "Källa", "Mätintervall",
            *URSPRUNG_INDIKATORER, "Trend")
# Budgetuppföljningens tabeller i sidans ordning (/budget, avsnittet Uppföljning)
UPPFOLJDA_TABELLER = ("drift_per_verksamhet", "driftbudget", "investeringar")
BELOPP_UPPFOLJNING = ("Budget", "Utfall hittills", "Prognos helår", "Avvikelse")
PROCENT_UPPFOLJNING = ("Avvikelse %", "Genomförandegrad", "Prognos i % av budget")
KOLUMNER_BUDGETUPPFOLJNING = ("Budgettabell", "Post", "Budgetkolumn", *BELOPP_UPPFOLJNING,
                              *PROCENT_UPPFOLJNING, "Status", "Kommentar", "Period", *URSPRUNG_INDIKATORER)
ARBETSGIVARE = "Arbetsgivare"      # Målområde för HR-indikatorerna
POST = "Post"                      # budgetbladens radrubrik
GRUPP = "Grupp"                    # investeringarnas grupp
RUBRIKRAD = 4                      # kolumnrubrikerna står på rad 4; rad 1–3 är titelrader

FARLIGA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
MAX_TEXT = 32767                   # Excels gräns per cell

# --- Utseende ---

_VIT = "FFFFFFFF"
FONT_TITEL = Font(bold=True, size=14)
FONT_INFO = Font(italic=True, color="FF4D4D4D")
FONT_RUBRIK = Font(bold=True)
FONT_SUMMA = Font(bold=True)
FONT_VARAV = Font(italic=True)
FYLL_RUBRIK = PatternFill("solid", fgColor="FFE6E6E6")
FYLL_EXEMPEL = PatternFill("solid", fgColor="FFFFF3CD")   # exempel: gul som exempelbannern
FONT_EXEMPEL = Font(italic=True, color="FF664D03")
_TUNN = Side(style="thin", color="FFD9D9D9")
_MORK = Side(style="medium", color="FF595959")
KANT_DATA = Border(bottom=_TUNN)
KANT_RUBRIK = Border(bottom=_MORK)
KANT_SUMMA = Border(top=Side(style="thin", color="FF595959"), bottom=_TUNN)
KANT_STATUS = Border(left=_TUNN, right=_TUNN, top=_TUNN, bottom=_TUNN)
JUST_RUBRIK = Alignment(wrap_text=True, vertical="bottom")
JUST_TEXT = Alignment(vertical="top")
JUST_BRYT = Alignment(vertical="top", wrap_text=True)
JUST_TAL = Alignment(vertical="top", horizontal="right", indent=1)
JUST_RUBRIK_TAL = Alignment(wrap_text=True, vertical="bottom", horizontal="right", indent=1)
JUST_RUBRIK_MITT = Alignment(wrap_text=True, vertical="bottom", horizontal="center")
JUST_MITT = Alignment(vertical="top", horizontal="center")
JUST_VARAV = Alignment(vertical="top", indent=1)
JUST_STATUS = Alignment(vertical="top", horizontal="center")


def _argb(farg: str) -> str:
    return "FF" + farg.lstrip("#").upper()


_statusstil_cache: dict[str, tuple[PatternFill, Font]] = {}


def _statusstil(status: str) -> tuple[PatternFill, Font]:
    """Trafikljusfärg för en status, från appens tema (samma färger som märkena på sidorna)."""
    if status not in _statusstil_cache:
        bg, fg, _symbol, _css = status_stil(status)
        _statusstil_cache[status] = (PatternFill("solid", fgColor=_argb(bg)), Font(bold=True, color=_argb(fg)))
    return _statusstil_cache[status]


# --- Värden ---

def _saknas(x) -> bool:
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def text(x) -> Optional[str]:
    """En text som den står, eller None för tomt/saknat."""
    if _saknas(x):
        return None
    s = str(x)
    return s if s.strip() else None


def tal(x) -> int | float | None:
    """Ett tal som int (heltal) eller float; None för tomt/NaN."""
    if _saknas(x) or isinstance(x, bool) or isinstance(x, str):
        return None
    f = float(x)
    if math.isinf(f):
        return None
    return int(f) if f.is_integer() and abs(f) < 1e15 else f


def tal_eller_text(varde, tryckt) -> int | float | str | None:
    """Talet när planen har ett tal, annars texten som planen trycker (">0", "-"), annars tomt."""
    t = tal(varde)
    return t if t is not None else text(tryckt)


def talformat(x: int | float) -> str:
    """Talformat med tusentalsavgränsare och så många decimaler som värdet har (högst 3)."""
    for d in range(4):
        if abs(round(x, d) - x) < 1e-9 * max(1.0, abs(x)):
            break
    return "#,##0" if d == 0 else "#,##0." + "0" * d


# --- Blad som data ---

@dataclass(frozen=True)
class Kolumn:
    rubrik: str
    bredd: float = 12          # största bredd (tecken); långa texter bryts inom den
    bryt: bool = False         # radbrytning (långa texter)
    siffror: bool = False      # talkolumn: högerjusterad, även text som ">0"
    format: Optional[str] = None   # fast talformat, t.ex. "0" för årtal
    status: bool = False       # trafikljusfärg


@dataclass
class Blad:
    namn: str
    titel: str
    info: list[str]
    kolumner: list[Kolumn]
    rader: list[list] = field(default_factory=list)
    radtyp: list[Optional[str]] = field(default_factory=list)      # budget: summa/varav/…
    kommentarer: dict[tuple[int, int], str] = field(default_factory=dict)  # (rad, kolumn) 0-baserat
    exempelceller: set[tuple[int, int]] = field(default_factory=set)       # (rad, kolumn): påhittade värden


ATGARDSKOLUMNER = [
    Kolumn("Målområde", 8, format="0"), Kolumn("Uppdragstyp", 14), Kolumn("Uppdrag", 40, bryt=True),
    Kolumn("Åtgärd", 60, bryt=True), Kolumn("Förväntad effekt", 40, bryt=True),
    Kolumn("Ansvarig", 26, bryt=True), Kolumn("Ansvariga enheter (koder)", 22, bryt=True), Kolumn("Tidpunkt", 30, bryt=True),
    Kolumn("Status", 24, status=True), Kolumn("Period", 20), Kolumn("Kommentar", 50, bryt=True),
    Kolumn("Ursprung", 14), Kolumn("Statusens källa", 40, bryt=True), Kolumn("Rapporterad av", 30, bryt=True),
    Kolumn("Rapporterad", 17),
]
URSPRUNGSKOLUMNER_INDIKATORER = [
    Kolumn("Ursprung", 20), Kolumn("Utfallets källa", 40, bryt=True), Kolumn("Källans anmärkning", 50, bryt=True),
    Kolumn("Rapporterad av", 30, bryt=True), Kolumn("Rapporterad", 17),
]
def indikatorkolumner(malar: Sequence[int]) -> list[Kolumn]:
    kol = [Kolumn("Målområde", 14, format="0"), Kolumn("Nivå", 6), Kolumn("Indikator", 50, bryt=True),
           Kolumn("Måttenhet", 24, bryt=True), Kolumn("Nuvärde", 14, siffror=True), Kolumn("Nuvärde år", 8, format="0")]
    kol += [Kolumn(f"Mål {ar}", 16, bryt=True, siffror=True) for ar in malar]
    kol += [Kolumn("Utfall", 16, bryt=True, siffror=True), Kolumn("Period", 20), Kolumn("Status", 24, status=True),
            Kolumn("Ansvarig", 26, bryt=True), Kolumn("Källa", 30, bryt=True), Kolumn("Mätintervall", 18, bryt=True)]
    kol += URSPRUNGSKOLUMNER_INDIKATORER + [Kolumn("Trend", 36, bryt=True)]
    assert tuple(k.rubrik for k in kol) == kolumner_indikatorer(malar)
    return kol




def _tidpunkt(x) -> Optional[str]:
    return None if _saknas(x) else f"{pd.Timestamp(x):%Y-%m-%d %H:%M}"


def _kalla(url_, fil) -> Optional[str]:
    """Källans URL (publicerat) eller rapportfilens namn (rapporterat genom mallen)."""
    return text(url_) if not _saknas(url_) else text(fil)


def atgardsrader(df: pd.DataFrame) -> list[list]:
    """fragor.atgarder → en rad per åtgärd i kolumnordningen KOLUMNER_ATGARDER."""
    return [[tal(r.malomrade), text(r.uppdragstyp), text(r.uppdrag), text(r.text), text(r.effekt),
             text(r.ansvar), text(r.enheter), text(r.tidpunkt), text(r.status), text(r.period),
             text(r.kommentar),
             text(ursprung.etikett(ursprung.ursprung(r.exempel, r.kalla_url, r.rapporterad_av), r.kommentar)),
             _kalla(r.kalla_url, r.kalla), text(r.rapporterad_av), _tidpunkt(r.rapporterad)]
            for r in df.itertuples()]


def sortera_indikatorer(df: pd.DataFrame) -> pd.DataFrame:
    """Målområde 1–7 först, sedan arbetsgivarens (HR) – lika i SQLite och PostgreSQL."""
    return df.sort_values(["malomrade", "fokusomrade", "ordning"], na_position="last", kind="stable")


def indikatorrader(df: pd.DataFrame, malar: Sequence[int]) -> list[list]:
    """fragor.indikatorer → en rad per indikator i kolumnordningen kolumner_indikatorer(malar)."""
    rader = []
    for r in df.itertuples():
        mo = tal(r.malomrade)
        mal = [tal_eller_text(getattr(r, f"mal_{ar}"), getattr(r, f"mal_{ar}_text")) for ar in malar]
        rader.append([
            mo if mo is not None else ARBETSGIVARE, text(r.niva), text(r.namn), text(r.mattenhet),
            tal_eller_text(r.nuvarde, r.nuvarde_text), tal(r.nuvarde_ar), *mal,
            tal_eller_text(r.utfall_varde, r.utfall_text),
            text(r.period), text(r.status), text(r.ansvarig), text(r.kalla), text(r.matintervall),
            text(ursprung.etikett(ursprung.ursprung(r.exempel, r.utfall_kalla_url, r.utfall_rapporterad_av),
                                  r.utfall_kommentar)),
            _kalla(r.utfall_kalla_url, r.utfall_kalla),
            text(r.utfall_kommentar) if not _saknas(r.utfall_kalla_url) else None,
            text(r.utfall_rapporterad_av), _tidpunkt(r.utfall_rapporterad),
            text(tidigare.trendtext(r.trend, r.trend_rorelse, r.foregaende_varde, r.foregaende_period,
                                    r.foregaende_exempel_varde, r.foregaende_exempel_period, r.mattenhet)) or None])
    return rader


def markera_exempel(b: Blad, exempel: Iterable, kolumner: Sequence[str]) -> None:
    """Påhittade värden: cellerna i `kolumner` och Ursprung får exempelstil och kommentar."""
    alla = [k.rubrik for k in b.kolumner]
    for i, ex in enumerate(exempel):
        if bool(ex):
            for k in (*kolumner, "Ursprung"):
                b.exempelceller.add((i, alla.index(k)))


def budgetuppfoljning_blad(info: dict, u: Urval, pnamn: str, plan: Plankontext) -> Blad:
    """Bladet "Budgetuppföljning": de budgetrader som har ett uppföljningsvärde för perioden (utfall,
    prognos eller publicerad avvikelse), som sidans uppföljningstabeller, med ursprunget sist.

    Bara rapporterade värden: rader utan rapport (Ej rapporterad) och summor som sidan räknar fram
    ur raderna står inte med, och ett värde som inte är rapporterat förblir en tom cell."""
    mnkr = u.vy == "budget" and u.belopp == "mnkr"
    bfmt = "#,##0.0" if mnkr else None          # mnkr: en decimal, som budgetbladen
    kol = [Kolumn("Budgettabell", 22), Kolumn("Post", 40, bryt=True), Kolumn("Budgetkolumn", 14)]
    kol += [Kolumn(k, 14, siffror=True, format=bfmt) for k in BELOPP_UPPFOLJNING]
    kol += [Kolumn(k, 14, siffror=True, format='0.0" %"') for k in PROCENT_UPPFOLJNING]
    kol += [Kolumn("Status", 20), Kolumn("Kommentar", 50, bryt=True), Kolumn("Period", 20),
            *URSPRUNGSKOLUMNER_INDIKATORER]
    assert tuple(k.rubrik for k in kol) == KOLUMNER_BUDGETUPPFOLJNING
    ut = fragor.budgetutfall(pnamn, plan=plan)
    vem = ut.set_index("rad_id")[["rapporterad_av", "rapporterad"]] if not ut.empty else None

    def belopp(v):
        return _belopp(tal(v), mnkr)

    def procent(v):
        v = tal(v)
        return None if v is None else round(v, 1)
    rader, exempel = [], []
    for tabell in UPPFOLJDA_TABELLER:
        df = budgetfragor.uppfoljning(tabell, pnamn, plan=plan)
        inv = tabell == "investeringar"
        for r in df.itertuples():
            if not bool(r.rapporterad) or bool(r.beraknad) or vem is None or r.rad_id not in vem.index:
                continue
            av, nar = vem.at[r.rad_id, "rapporterad_av"], vem.at[r.rad_id, "rapporterad"]
            typ = ursprung.ursprung(r.exempel, r.kalla_url, av)
            rader.append([
                BUDGETBLAD[tabell], text(r.post), text(r.kolumn),
                belopp(r.budget), belopp(r.utfall), belopp(r.prognos), None if inv else belopp(r.avvikelse),
                None if inv else procent(r.avvikelse_procent), procent(r.genomforandegrad) if inv else None,
                procent(r.prognosgrad) if inv else None,
                text(r.status), text(r.kommentar), pnamn,
                text(ursprung.etikett(typ, r.kommentar)), _kalla(r.kalla_url, r.kalla),
                text(r.kommentar) if typ == ursprung.PUBLICERAT else None, text(av), _tidpunkt(nar)])
            exempel.append(typ == ursprung.EXEMPEL)
    enhet = "mnkr (planen anger tkr)" if mnkr else "tkr, som i planen"
    b = Blad(BLAD_BUDGETUPPFOLJNING, f"{info['namn']} – {BLAD_BUDGETUPPFOLJNING}",
             [f"Period: {pnamn} (utfall, prognos och avvikelse för perioden; belopp i {enhet})",
              "Filter: inga (budgeten filtreras inte). Bara rader med ett rapporterat värde; "
              "Avvikelse = prognos − budget, eller den publicerade avvikelsen"], kol, rader)
    # Påhittade värden: de ifyllda värdecellerna och Ursprung får exempelstil (tomt förblir tomt)
    varden = [i for i, k in enumerate(kol) if k.rubrik in (*BELOPP_UPPFOLJNING[1:], *PROCENT_UPPFOLJNING,
                                                          "Status", "Kommentar", "Ursprung")]
    for i, ex in enumerate(exempel):
        if ex:
            b.exempelceller.update((i, j) for j in varden if rader[i][j] is not None)
    return b


def _belopp(v: float | None, mnkr: bool) -> float | None:
    """Ett belopp i tkr som det står i exporten: oförändrat, eller i mnkr med en decimal (sidans belopp=mnkr)."""
    return round(v / 1000, 1) if mnkr and v is not None else v


def budgetkolumner(df: pd.DataFrame) -> list[str]:
    """Årskolumnerna som i planen ("Utfall 2018", "Budget 2019", … eller "2020")."""
    return [k for k in df.columns if k not in ("rad_id", "grupp", "post", "typ", "fotnot")]


def budgetrader(tabell: str, df: pd.DataFrame, mnkr: bool = False) -> tuple[list[str], list[list], list[str]]:
    """fragor.budget_bred → (kolumnrubriker, rader, radtyper). Investeringar har Grupp först.
    mnkr=True: belopp i mnkr med en decimal (procentrader oförändrade), som sidans belopp=mnkr."""
    ar = budgetkolumner(df)
    grupp = tabell == "investeringar"
    rubriker = ([GRUPP] if grupp else []) + [POST] + ar

    def belopp(v, typ):
        return _belopp(tal(v), mnkr and typ != "forandring_procent")
    rader = [([text(r["grupp"])] if grupp else []) + [text(r["post"])] + [belopp(r[k], r["typ"]) for k in ar]
             for r in df.to_dict("records")]
    return rubriker, rader, [str(t) for t in df.typ]


# --- Urval (vad som exporteras) ---

def filtertext(u: Urval, blad: str) -> str:
    """Raden som säger vilka filter som gäller för bladet."""
    delar = []
    if u.vy == "malomrade":
        delar.append(f"målområde {u.malomrade}")
    if u.vy == "arbetsgivare":
        delar.append("arbetsgivarens indikatorer (HR)")
    if u.enhet:
        delar.append("enhet " + ", ".join(u.enhet) + " (med underenheter)")
    if blad == BLAD_ATGARDER:
        if u.roll == "ansvarig" and u.enhet:
            delar.append("bara där enheten är ansvarig (inte i samverkan)")
        if u.status:
            delar.append("status " + ", ".join(u.status))
    text_ = "Filter: " + ("; ".join(delar) if delar else "inga – hela planen")
    if blad == BLAD_INDIKATORER and (u.status or (u.roll and u.enhet)):
        text_ += " (roll och status filtrerar bara åtgärderna)"
    return text_


# --- Bygga arbetsboken ---

def _nu() -> dt.datetime:
    try:
        from zoneinfo import ZoneInfo
        return dt.datetime.now(ZoneInfo("Europe/Stockholm")).replace(tzinfo=None, microsecond=0)
    except Exception:  # noqa: BLE001 – saknad tidszonsdata: lokal tid
        return dt.datetime.now().replace(microsecond=0)


def blad_for(u: Urval, plan: Plankontext) -> tuple[list[Blad], str, dict]:
    """Bladen för ett urval i den upplösta planen som data (inga openpyxl-objekt), periodnamnet och
    planinfo (urvalets plankod är URL:ens tillstånd; frågorna får planen)."""
    info = fragor.plan_info(plan)
    per = fragor.vald_period(u.period, plan=plan)
    pnamn = str(per.namn)
    blad: list[Blad] = []
    tillagg = {"malomrade": f", målområde {u.malomrade}", "arbetsgivare": ", arbetsgivare"}.get(u.vy, "")

    if u.vy in ("plan", "malomrade"):
        atg = fragor.atgarder(u.malomrade if u.vy == "malomrade" else None, enhet=u.enhet, roll=u.roll,
                              period=pnamn, status=u.status or None, plan=plan)
        b = Blad(BLAD_ATGARDER, f"{info['namn']} – Åtgärder{tillagg}",
                 [f"Period: {pnamn}", filtertext(u, BLAD_ATGARDER)], ATGARDSKOLUMNER, atgardsrader(atg))
        markera_exempel(b, atg.exempel, ("Kommentar",))
        ikol = KOLUMNER_ATGARDER.index("Status")
        for i, (st, skal) in enumerate(zip(atg.status, atg.status_skal)):
            if st == "Försenad" and isinstance(skal, str) and skal:
                b.kommentarer[(i, ikol)] = skal
        blad.append(b)
    if u.vy in ("plan", "malomrade", "arbetsgivare"):
        if u.vy == "arbetsgivare":
            ind = fragor.indikatorer(arbetsgivare=True, enhet=u.enhet, period=pnamn, plan=plan)
        else:
            ind = fragor.indikatorer(u.malomrade if u.vy == "malomrade" else None, enhet=u.enhet, period=pnamn, plan=plan)
        ind = sortera_indikatorer(ind)
        b = Blad(BLAD_INDIKATORER, f"{info['namn']} – Indikatorer{tillagg}",
                 [f"Period: {pnamn} (utfall och status för perioden)", filtertext(u, BLAD_INDIKATORER)],
                 indikatorkolumner(info["malar"]), indikatorrader(ind, info["malar"]))
        markera_exempel(b, ind.exempel, ("Utfall", "Trend"))
        blad.append(b)
    if u.vy in ("plan", "budget") and fragor.planens_delar(plan)["budget"]:
        for tabell, namn in BUDGETBLAD.items():
            df = fragor.budget_bred(tabell, plan)
            mnkr = u.vy == "budget" and u.belopp == "mnkr"
            rubriker, rader, typer = budgetrader(tabell, df, mnkr)
            kol = [Kolumn(GRUPP, 40, bryt=True)] if GRUPP in rubriker else []
            kol += [Kolumn(POST, 50, bryt=True)] + [Kolumn(r, 14, siffror=True) for r in rubriker[len(kol) + 1:]]
            fotnoter = [(p, f) for p, f in zip(df.post, df.fotnot) if isinstance(f, str) and f.strip()]
            rad3 = "Filter: inga (budgeten filtreras inte)."
            if fotnoter:
                rad3 += " " + " ".join(f"Fotnot ({p}): {f}" for p, f in fotnoter)
            rad2 = "Belopp i mnkr (planen anger tkr)" if mnkr else "Belopp i tkr, som i planen"
            b = Blad(namn, f"{info['namn']} – {namn}", [rad2, rad3], kol, rader, typer)
            ipost = rubriker.index(POST)
            for i, f in enumerate(df.fotnot):
                if isinstance(f, str) and f.strip():
                    b.kommentarer[(i, ipost)] = f
            blad.append(b)
        blad.append(budgetuppfoljning_blad(info, u, pnamn, plan))
    if u.vy == "sarskilda":
        blad.append(sarskilda_blad(info, plan))
    if u.vy == "plan":
        blad.append(analys_blad(info, pnamn, plan))
    return blad, pnamn, info


def analys_blad(info: dict, pnamn: str, plan: Plankontext) -> Blad:
    """Bladet "Analystexter": den gällande versionen av varje analystext för perioden (/analys)."""
    df = analysfragor.gallande(plan, pnamn)
    malo = fragor.malomraden(plan)
    mo = dict(zip(malo.nr.astype(str), malo.titel))
    im = fragor.inriktningsmal(period=pnamn, plan=plan)
    up = fragor.uppdrag(plan=plan)
    titlar = {("malomrade", k): v for k, v in mo.items()}
    titlar.update({("inriktningsmal", str(r.nr)): r.titel for r in im.itertuples()})
    titlar.update({("uppdrag", str(r.kod)): r.titel for r in up.itertuples()})
    ordning = list(NIVANAMN)
    df = df.assign(_o=df.niva.map(ordning.index)).sort_values(["_o", "nyckel"], kind="stable") if not df.empty else df
    rader = [[NIVANAMN.get(r.niva, r.niva), text(r.nyckel), text(titlar.get((r.niva, str(r.nyckel)))),
              text(r.bedomning), text(r.text), text(r.skriven_av), _tidpunkt(r.skriven), tal(r.version), pnamn]
             for r in df.itertuples()]
    kol = [Kolumn("Nivå", 16), Kolumn("Nyckel", 10), Kolumn("Gäller", 40, bryt=True), Kolumn("Bedömning", 24),
           Kolumn("Text", 80, bryt=True), Kolumn("Skriven av", 30, bryt=True), Kolumn("Skriven", 17),
           Kolumn("Version", 8, format="0"), Kolumn("Period", 20)]
    assert tuple(k.rubrik for k in kol) == KOLUMNER_ANALYS
    return Blad(BLAD_ANALYS, f"{info['namn']} – {BLAD_ANALYS}",
                [f"Period: {pnamn} (den gällande versionen av varje text; historiken på /analys)",
                 "Filter: inga – kontorets texter för hela planen"], kol, rader)


def sarskilda_blad(info: dict, plan: Plankontext) -> Blad:
    """Bladet "Särskilda uppdrag": område, planårets inriktning, kommentar och bakgrund som i planen."""
    su = fragor.sarskilda_uppdrag(plan)
    ar = info["ar"]
    kol = [Kolumn("Område", 30, bryt=True), Kolumn(f"Inriktning {ar}", 60, bryt=True),
           Kolumn("Kommentar", 60, bryt=True), Kolumn("Bakgrund i planen", 80, bryt=True)]
    rader = [[text(r.titel), text(r.inriktning), text(r.kommentar), text(r.beskrivning)] for r in su.itertuples()]
    return Blad(BLAD_SARSKILDA, f"{info['namn']} – {BLAD_SARSKILDA}",
                ["Som i planen (ingen rapportering per period)", "Filter: inga – planens alla särskilda uppdrag"],
                kol, rader)


RADHOJD = 15.0   # punkter per textrad (Calibri 11, Excels standard)


def radantal(t: str, bredd: float, fet: bool = False) -> int:
    """Ungefärligt antal rader när texten bryts vid ord i en kolumn med bredden `bredd`.

    Kolumnbredden räknas i tecknet "0"; vanlig text är smalare (≈ 1,15 tecken per enhet, fetstil ≈ 1,0).
    Hellre en rad för mycket än en avklippt text.
    """
    per_rad = max(1, int((bredd - 1) * (1.0 if fet else 1.15)))
    rader = 0
    for stycke in str(t).replace("\r\n", "\n").split("\n"):
        rader += 1
        langd = 0
        for ord_ in stycke.split():
            while len(ord_) > per_rad:           # ett ord längre än raden bryts mitt i
                if langd:
                    rader += 1
                rader, langd, ord_ = rader + 1, 0, ord_[per_rad:]
            if langd and langd + 1 + len(ord_) > per_rad:
                rader += 1
                langd = len(ord_)
            else:
                langd += len(ord_) + (1 if langd else 0)
    return max(rader, 1)


def _skriv_cell(cell, v, kol: Kolumn, radtyp: Optional[str]) -> int:
    """Skriv ett värde; returnera dess ungefärliga visningsbredd (tecken)."""
    if v is None:
        cell.alignment = JUST_BRYT if kol.bryt else JUST_TEXT
        return 0
    if isinstance(v, str):
        # Radbrytning i en cell är \n i Excel (XML gör ändå \r\n till \n); otillåtna styrtecken bort
        v = ILLEGAL_CHARACTERS_RE.sub("", v.replace("\r\n", "\n").replace("\r", "\n"))[:MAX_TEXT]
        cell.value = v
        cell.data_type = "s"            # aldrig formel/fel, vad texten än börjar med
        if v.startswith(FARLIGA_START):
            cell.quotePrefix = True     # Excel visar texten som text även om man redigerar cellen
        if kol.status:
            fyll, font = _statusstil(v)
            cell.fill, cell.font, cell.alignment, cell.border = fyll, font, JUST_STATUS, KANT_STATUS
            return len(v)
        if kol.siffror:
            cell.alignment = JUST_TAL if not kol.bryt or len(v) <= kol.bredd else JUST_BRYT
        elif radtyp == "varav":
            cell.alignment = JUST_VARAV
        else:
            cell.alignment = JUST_BRYT if kol.bryt else JUST_TEXT
        return max(len(rad) for rad in v.split("\n"))
    cell.value = v
    fmt = kol.format or ("#,##0.0" if radtyp == "forandring_procent" else talformat(v))
    cell.number_format = fmt
    cell.alignment = JUST_MITT if kol.format == "0" else JUST_TAL
    if fmt == "0":
        return len(str(v))
    d = len(fmt.split(".")[1]) if "." in fmt else 0
    return len(f"{v:,.{d}f}")


def _skriv_blad(wb: Workbook, b: Blad, nu: dt.datetime) -> None:
    ws = wb.create_sheet(b.namn)
    ncol = len(b.kolumner)
    ws.cell(1, 1, b.titel).font = FONT_TITEL
    ws.row_dimensions[1].height = 21
    rad2 = f"{b.info[0]} · Exporterad {nu:%Y-%m-%d %H:%M} från Målkoll"
    for i, t in enumerate([rad2, *b.info[1:]], start=2):
        c = ws.cell(i, 1)
        c.value = t
        c.data_type = "s"
        c.font = FONT_INFO

    for j, k in enumerate(b.kolumner, start=1):
        c = ws.cell(RUBRIKRAD, j, k.rubrik)
        just = JUST_RUBRIK_TAL if k.siffror else JUST_RUBRIK_MITT if (k.status or k.format == "0") else JUST_RUBRIK
        c.font, c.fill, c.alignment, c.border = FONT_RUBRIK, FYLL_RUBRIK, just, KANT_RUBRIK

    bredd = [0] * ncol
    for i, rad in enumerate(b.rader):
        typ = b.radtyp[i] if i < len(b.radtyp) else None
        r = RUBRIKRAD + 1 + i
        for j, (v, k) in enumerate(zip(rad, b.kolumner)):
            c = ws.cell(r, j + 1)
            w = _skriv_cell(c, v, k, typ)
            if w > bredd[j]:
                bredd[j] = w
            if not k.status:
                if typ == "summa":
                    c.font, c.border = FONT_SUMMA, KANT_SUMMA
                else:
                    c.border = KANT_DATA
                    if typ == "varav":
                        c.font = FONT_VARAV

    for i, j in b.exempelceller:  # påhittade värden syns i cellen, inte bara i en kolumn
        c = ws.cell(RUBRIKRAD + 1 + i, j + 1)
        c.fill, c.font = FYLL_EXEMPEL, FONT_EXEMPEL
        if c.comment is None and (i, j) not in b.kommentarer:
            c.comment = Comment(ursprung.FORKLARING[ursprung.EXEMPEL], "Målkoll", width=260, height=60)
    for (i, j), t in b.kommentarer.items():  # t.ex. skälet till Försenad, budgetens fotnot
        ws.cell(RUBRIKRAD + 1 + i, j + 1).comment = Comment(t, "Målkoll", width=320, height=110)

    bredder = []
    for j, k in enumerate(b.kolumner):
        # Rubriken får plats bredvid filterpilen; långa texter bryts inom kolumnens största bredd
        min_bredd = min(len(k.rubrik), 12) + 4
        if k.status:
            w = max(min_bredd, min(bredd[j] + 3, k.bredd))          # fetstil
        elif k.bryt:
            w = max(min_bredd, min(bredd[j] + (3 if k.siffror else 2), k.bredd))
        else:
            w = max(min_bredd, min(bredd[j] + (3 if k.siffror else 2), max(k.bredd, 60)))
        bredder.append(round(w, 1))
        ws.column_dimensions[get_column_letter(j + 1)].width = bredder[-1]

    # Radhöjd efter radbrytningarna (Excel och LibreOffice räknar inte alltid om vid öppning)
    ws.row_dimensions[RUBRIKRAD].height = RADHOJD * max(
        radantal(k.rubrik, w, fet=True) for k, w in zip(b.kolumner, bredder))
    bryt = [(j, bredder[j]) for j, k in enumerate(b.kolumner) if k.bryt]
    for i, rad in enumerate(b.rader):
        n = max((radantal(rad[j], w) for j, w in bryt if isinstance(rad[j], str)), default=1)
        if n > 1:
            ws.row_dimensions[RUBRIKRAD + 1 + i].height = min(409.0, RADHOJD * n)

    sista = RUBRIKRAD + len(b.rader)
    ws.freeze_panes = ws.cell(RUBRIKRAD + 1, 1).coordinate
    ws.auto_filter.ref = f"A{RUBRIKRAD}:{get_column_letter(ncol)}{max(sista, RUBRIKRAD)}"
    ws.print_title_rows = f"{RUBRIKRAD}:{RUBRIKRAD}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.left.text = b.titel.replace("&", "&&")
    ws.oddFooter.left.text = f"Exporterad {nu:%Y-%m-%d %H:%M}"
    ws.oddFooter.right.text = "Sida &P av &N"


def arbetsbok(blad: Sequence[Blad], info: dict, nu: dt.datetime) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for b in blad:
        _skriv_blad(wb, b, nu)
    wb.active = 0
    p = wb.properties
    p.title = f"{info['namn']} – Målkoll"
    p.creator = "Målkoll"
    p.created = nu
    p.language = "sv-SE"
    return wb


def _ascii(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_")


def filnamn(u: Urval, period: str) -> str:
    """ASCII-filnamn, t.ex. malkoll_malomrade_1_Delar_2_2020.xlsx."""
    delar = ["malkoll", {"plan": "plan", "malomrade": f"malomrade_{u.malomrade}", "arbetsgivare": "arbetsgivare",
                         "budget": "budget", "sarskilda": "sarskilda_uppdrag"}[u.vy]]
    if u.vy not in ("budget", "sarskilda"):
        delar.append(_ascii(period))
    return "_".join(d for d in delar if d) + ".xlsx"


@dataclass
class Export:
    innehall: bytes
    filnamn: str
    period: str
    blad: list[str]


def bygg(urval: Urval, plan: Plankontext, *, nu: dt.datetime | None = None) -> Export:
    """Bygg exporten för ett urval i den upplösta planen: bytes, filnamn, period och bladnamn."""
    u = urval
    nu = nu or _nu()
    blad, pnamn, info = blad_for(u, plan)
    wb = arbetsbok(blad, info, nu)
    buf = io.BytesIO()
    wb.save(buf)
    return Export(buf.getvalue(), filnamn(u, pnamn), pnamn, [b.namn for b in blad])


def exportera(plan: Plankontext, period: str | None = None, enhet: Iterable[str] | None = None,
              roll: str | None = None, status: Iterable[str] | None = None, *,
              nu: dt.datetime | None = None) -> bytes:
    """Hela planen som .xlsx-bytes (det som GET /export/malkoll.xlsx och kommandoraden ger)."""
    u = Urval(plan=plan.kod, enhet=list(enhet or []), roll=roll, period=period, status=list(status or []))
    return bygg(u, plan, nu=nu).innehall


# --- Kommandoraden ---
