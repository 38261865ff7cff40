"""Rapportering av utfall via Excel: rapportmall per period (och enhet), import med
förhandsgranskning, historik och låsta perioder. Kommandot `python -m data.rapport` (mall,
importera, las, las-upp, ta-bort-exempel – alla med --plan) finns i data/rapport.py.
Gränserna: docs/rapportgranser.md.
En import är allt-eller-inget: ett enda fel och ingenting skrivs. Tidigare värden skrivs aldrig
över – en ny rapport blir en ny rad med vem, när och vilken fil.
"""
from __future__ import annotations

import datetime as dt
import difflib
import io
import math
from dataclasses import dataclass, field
from typing import Any, Optional

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import delete, select

from data.uppfoljning import format as svformat
from data.lagring import cache, db
from data.uppfoljning import fragor
from data.rapportering import granser, rapportfil
from data.rapportering.granser import MAX_STORLEK, MAX_TEXT, MAX_KORT_TEXT, citat  # noqa: F401  (MAX_STORLEK: sidor/)
from data.rapportering.rapportfil import Importfel
from data.lagring.models import (Atgard, Atgardsrapport, Budgetrad, Budgetutfall, Indikator, Indikatorutfall,
                         Inriktningsmal, Malbedomning, Malomrade, Malvarde, Period, Periodlas, Plan)
from data.uppfoljning.regler import ATGARDSSTATUS, BEDOMNINGAR
from data.uppfoljning.namnd import liten
from data.uppfoljning.plankontext import Plankontext

RUBRIKRAD, FORSTA_RAD = 2, 3
BLAD_INSTR = "Instruktioner"
BLAD = {
    "Åtgärder": ["Id", "Målområde", "Uppdrag", "Åtgärd", "Ansvarig", "Tidpunkt", "Nuvarande status",
                 "Nuvarande kommentar", "Status", "Kommentar"],
    "Indikatorer": ["Id", "Målområde", "Indikator", "Måttenhet", "Mål för året", "Utfall", "Kommentar",
                    "Kan inte bedömas", "Nytt mål för året"],
    "Inriktningsmål": ["Id", "Målområde", "Inriktningsmål", "Nuvarande bedömning", "Bedömning", "Motivering"],
    "Budget": ["Id", "Tabell", "Post", "Budget för året (tkr)", "Utfall hittills (tkr)", "Prognos helår (tkr)",
               "Kommentar"],
}
VALFRIA_BLAD = ("Inriktningsmål", "Budget")   # bara administratörer rapporterar där
BUDGETTABELLER = {"drift_per_verksamhet": ("DV", "Drift per verksamhet"), "investeringar": ("INV", "Investeringar")}
FYLL = PatternFill("solid", fgColor="FFF2CC")   # celler att fylla i
LAST = PatternFill("solid", fgColor="EDEDED")   # förifyllda


class Anvandningsfel(Importfel):
    """Fel i kommandot (okänd period, enhet …), inte i någon fil: slutkod 2 på kommandoraden."""


def _tom(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _s(v) -> str:
    return "" if _tom(v) else str(v)


def _im_id(malomrade: int, nr: str) -> str:
    return f"M{malomrade}-{nr}"


def _budget_id(tabell: str, post: str) -> str:
    return f"{BUDGETTABELLER[tabell][0]}-{post}"


def _text_cell(ws, rad: int, kol: int, varde) -> None:
    """Skriv text som text (aldrig formel), även om den börjar med = + - @."""
    c = ws.cell(row=rad, column=kol)
    if isinstance(varde, str):
        c.value = varde
        c.data_type = "s"
    else:
        c.value = varde


# --- Mall ---

def _plan(s, kod: str) -> Plan:
    """Planen med koden (en upplöst plans kod, eller koden i en importerad fil)."""
    plan = s.scalars(select(Plan).where(Plan.kod == kod)).one_or_none()
    if plan is None:
        alla = [p.kod for p in s.scalars(select(Plan).order_by(Plan.id))]
        raise Anvandningsfel([f"Planen {citat(kod)} finns inte. Planerna heter: {', '.join(alla)}"])
    return plan


def _period(s, namn: str, plan: Plan) -> Period:
    """Planens period med namnet (varje plan har sina perioder)."""
    p = s.scalars(select(Period).where(Period.plan_id == plan.id, Period.namn == namn)).one_or_none()
    if p is None:
        alla = [x.namn for x in s.scalars(select(Period).where(Period.plan_id == plan.id)
                                          .order_by(Period.slutdatum))]
        raise Anvandningsfel([f"Perioden {citat(namn)} finns inte i {plan.kod}. Perioderna heter: {', '.join(alla)}"])
    return p


def skapa_mall(period: str, enheter: list[str] | None = None, *,
               plan: Plankontext, atgarder: frozenset[str] | None = None,
               indikatorer: frozenset[str] | None = None, ovrigt: bool = True) -> bytes:
    """Rapportmallen (.xlsx) för planens period, valfritt för en eller flera enheter. `atgarder` och
    `indikatorer` (koder) begränsar raderna till dem någon får fylla i; ovrigt=False utelämnar bladen
    Inriktningsmål och Budget (en rapportörs mall)."""
    kp = plan
    with db.session() as s:
        per = _period(s, period, _plan(s, kp.kod))
    plan = fragor.plan_info(kp)
    ar = per.ar
    atg = fragor.atgarder(enhet=enheter, period=period, plan=kp)
    ind = fragor.indikatorer(enhet=enheter, period=period, plan=kp)
    im = fragor.inriktningsmal(period=period, plan=kp)
    if atgarder is not None:
        atg = atg[atg.kod.isin(atgarder)]
    if indikatorer is not None:
        ind = ind[ind.kod.isin(indikatorer)]

    wb = Workbook()
    ws = wb.active
    ws.title = BLAD_INSTR
    ws["A1"] = f"Rapportmall – {plan['namn']}"
    ws["A1"].font = Font(bold=True, size=14)
    for i, (k, v) in enumerate([("Period", period), ("Plan", plan["kod"]),
                                ("Enheter", ", ".join(enheter) if enheter else "Alla"),
                                ("Skapad", dt.datetime.now().strftime("%Y-%m-%d %H:%M"))], start=2):
        ws.cell(row=i, column=1, value=k).font = Font(bold=True)
        _text_cell(ws, i, 2, v)
    instruktioner = [
        "Så fyller du i mallen",
        "1. Fyll bara i de gula kolumnerna. Grå kolumner är förifyllda och får inte ändras (Id och texter kontrolleras vid importen).",
        f"2. Åtgärder: välj Status i listan ({', '.join(ATGARDSSTATUS)}) och skriv en kort Kommentar. "
        "Lämna Status tom om du inte rapporterar åtgärden.",
        "3. Indikatorer: skriv Utfall som ett tal i indikatorns måttenhet. Procent skrivs i procentenheter: "
        "45 % skrivs 45 (inte 0,45). Belopp i mnkr skrivs i mnkr, t.ex. -7,8.",
        "   Går indikatorn inte att mäta: skriv Ja i ”Kan inte bedömas” och skälet i Kommentar.",
        "   ”Nytt mål för året” används bara där planen lämnat målet öppet eller fullmäktige ändrat det.",
        *([f"4. Inriktningsmål: välj Bedömning ({', '.join(BEDOMNINGAR)}) och skriv Motivering.",
           "5. Budget: Utfall hittills och Prognos helår i tkr (tusentals kronor), kostnader negativa som i budgeten."]
          if ovrigt else ["4. Mallen har bara de rader du får rapportera: dina enheters åtgärder och indikatorer."]),
        f"{6 if ovrigt else 5}. Importera: python -m data.rapport importera --forhandsgranska FIL.xlsx visar vad som ändras; "
        "utan --forhandsgranska skrivs allt in i en transaktion. Eller ladda upp filen på sidan /rapportera.",
        "Tidigare rapporter skrivs aldrig över: varje ny rapport sparas med vem, när och vilken fil.",
        f"Gränser: kommentarer och motiveringar högst {MAX_TEXT} tecken; skriv bara i mallens kolumner och "
        f"högst till rad {granser.MAX_RAD}; slå inte ihop celler (se docs/rapportgranser.md).",
    ]
    for i, t in enumerate(instruktioner, start=8):
        ws.cell(row=i, column=1, value=t).alignment = Alignment(wrap_text=False)
    ws["A8"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60

    def blad(namn: str, rader: list[list], fyll: set[int], bredder: list[int]):
        w = wb.create_sheet(namn)
        w.cell(row=1, column=1, value=f"{namn} – {period}").font = Font(bold=True, size=12)
        for k, rubrik in enumerate(BLAD[namn], start=1):
            c = w.cell(row=RUBRIKRAD, column=k, value=rubrik)
            c.font = Font(bold=True)
            c.fill = FYLL if k in fyll else LAST
        for r, rad in enumerate(rader, start=FORSTA_RAD):
            for k, v in enumerate(rad, start=1):
                _text_cell(w, r, k, None if _tom(v) else v)
                w.cell(row=r, column=k).alignment = Alignment(wrap_text=True, vertical="top")
                if k in fyll:
                    w.cell(row=r, column=k).fill = FYLL
        for k, b in enumerate(bredder, start=1):
            w.column_dimensions[w.cell(row=RUBRIKRAD, column=k).column_letter].width = b
        w.freeze_panes = w.cell(row=FORSTA_RAD, column=2)
        return w, len(rader)

    w, n = blad("Åtgärder", [[r.kod, int(r.malomrade), f"{r.uppdragstyp}: {r.uppdrag}", r.text, r.ansvar, r.tidpunkt,
                              _s(r.rapporterad_status) if _s(r.rapportperiod) == period else "",
                              _s(r.kommentar) if _s(r.rapportperiod) == period else "", None, None]
                             for r in atg.itertuples()], {9, 10}, [8, 6, 40, 50, 24, 24, 18, 30, 22, 40])
    dv = DataValidation(type="list", formula1='"' + ",".join(ATGARDSSTATUS) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="Okänd status",
                        error="Välj en status i listan: " + ", ".join(ATGARDSSTATUS))
    w.add_data_validation(dv)
    dv.add(f"I{FORSTA_RAD}:I{FORSTA_RAD + max(n, 1) - 1}")

    def maltext(r):
        v, t = getattr(r, f"mal_{ar}", None), getattr(r, f"mal_{ar}_text", None)
        return t if isinstance(t, str) else (None if _tom(v) else v)

    def enhetstext(e):
        if e == "%":
            return "% (skriv 45 för 45 %)"
        return e or ""

    w, n = blad("Indikatorer", [[r.kod, int(r.malomrade) if not _tom(r.malomrade) else "Arbetsgivare", r.namn,
                                 enhetstext(r.mattenhet), maltext(r) if ar in plan["malar"] else None,
                                 None, None, None, None] for r in ind.itertuples()],
                {6, 7, 8, 9}, [8, 12, 50, 22, 18, 14, 40, 16, 18])
    dv = DataValidation(type="list", formula1='"Ja"', allow_blank=True)
    w.add_data_validation(dv)
    dv.add(f"H{FORSTA_RAD}:H{FORSTA_RAD + max(n, 1) - 1}")

    if not ovrigt:
        ut = io.BytesIO()
        wb.save(ut)
        return ut.getvalue()
    w, n = blad("Inriktningsmål", [[_im_id(int(r.malomrade), r.nr), int(r.malomrade), f"{r.nr} {r.titel}",
                                    _s(r.bedomning) if _s(getattr(r, "period", "")) == period else "", None, None]
                                   for r in im.itertuples()], {5, 6}, [10, 10, 50, 24, 28, 50])
    dv = DataValidation(type="list", formula1='"' + ",".join(BEDOMNINGAR) + '"', allow_blank=True,
                        showErrorMessage=True, error="Välj en bedömning i listan")
    w.add_data_validation(dv)
    dv.add(f"E{FORSTA_RAD}:E{FORSTA_RAD + max(n, 1) - 1}")

    budgetrader = []
    for tabell, (prefix, namn) in BUDGETTABELLER.items():
        b = fragor.budget_bred(tabell, kp)
        kol = next((k for k in b.columns if isinstance(k, str) and k.endswith(str(ar))), None)
        for r in b[b.typ == "belopp"].itertuples():
            budgetrader.append([_budget_id(tabell, r.post), namn, r.post,
                                None if kol is None or _tom(b.loc[r.Index, kol]) else float(b.loc[r.Index, kol]),
                                None, None, None])
    w, _ = blad("Budget", budgetrader, {5, 6, 7}, [34, 22, 34, 20, 20, 20, 40])
    for rad in w.iter_rows(min_row=FORSTA_RAD, min_col=4, max_col=6):
        for c in rad:
            c.number_format = "#,##0"
    ut = io.BytesIO()
    wb.save(ut)
    return ut.getvalue()


# --- Import ---

@dataclass
class Andring:
    blad: str
    id: str
    falt: str
    gammalt: Any
    nytt: Any


@dataclass(frozen=True)
class Skrivning:
    """En post i skrivmängden: vad importen skriver (typ och värden) och varifrån i filen det kom,
    så att behörigheten prövas på just det som skrivs (data.rapportering.behorighet)."""
    typ: str            # atgard, utfall, mal, bedomning eller budget
    varden: dict        # kolumnerna som skrivs (databasens id:n för posten)
    blad: str
    rad: int
    id: str             # radens Id i filen (åtgärdens/indikatorns kod, M1-1.1, DV-post …)


@dataclass
class Forhandsgranskning:
    period: str
    filnamn: str
    nya: list[Andring] = field(default_factory=list)
    andrade: list[Andring] = field(default_factory=list)
    oforandrade: int = 0
    _skriv: list[Skrivning] = field(default_factory=list, repr=False)
    plan: Optional[str] = None          # planens kod (perioderna är planens)

    @property
    def skrivningar(self) -> tuple[Skrivning, ...]:
        """Skrivmängden: det enda som `tillampa` skriver."""
        return tuple(self._skriv)

    def text(self) -> str:
        rader = [f"Import av {self.filnamn} för {self.period}:",
                 f"  {len(self.nya)} nya värden, {len(self.andrade)} ändrade, {self.oforandrade} oförändrade."]
        for a in self.nya:
            rader.append(f"  NY     {a.blad} {a.id} {a.falt}: {a.nytt}")
        for a in self.andrade:
            rader.append(f"  ÄNDRAD {a.blad} {a.id} {a.falt}: {a.gammalt} → {a.nytt}")
        return "\n".join(rader)

    @property
    def tom(self) -> bool:
        return not self._skriv

    @property
    def poster(self) -> int:
        """Antal poster (åtgärder, indikatorer, mål …) som sparas – samma tal som `tillampa` returnerar."""
        return len(self._skriv)

    def antal_text(self) -> str:
        """Förhandsgranskningens och bekräftelsens gemensamma tal: "2 poster (4 nya värden, 0 ändrade, …)"."""
        return (f"{poster_text(self.poster)} ({len(self.nya)} nya värden, {len(self.andrade)} ändrade, "
                f"{self.oforandrade} oförändrade)")


def poster_text(n: int) -> str:
    return f"{n} {'post' if n == 1 else 'poster'}"


def _narmast(ord_: str, tillatna) -> str:
    m = difflib.get_close_matches(ord_.strip(), list(tillatna), n=1, cutoff=0.3)
    if not m:
        m = difflib.get_close_matches(ord_.strip().lower(), [t.lower() for t in tillatna], n=1, cutoff=0.3)
        m = [next(t for t in tillatna if t.lower() == m[0])] if m else []
    return f" Menade du ”{m[0]}”?" if m else ""


EXCELFEL = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
            "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!", "#PYTHON!")
KORTA_KOLUMNER = {"Id", "Status", "Bedömning", "Kan inte bedömas", "Målområde", "Tabell", "Måttenhet"}


def _cellvarde(plats: str, kol: str, c, formel: Optional[str]) -> tuple[Any, str, Optional[str]]:
    """(värde, talformat, fel) för en läst cell: text i NFC med Excel-escapes avkodade och begränsad längd,
    Excels felvärden och formler utan sparat värde avvisade."""
    if formel is not None:
        return None, "", (f"{plats}: cellen innehåller en formel utan sparat värde ({citat(formel)}); "
                          "skriv värdet i stället")
    v = getattr(c, "value", None)
    fmt = getattr(c, "number_format", None) or ""
    if getattr(c, "data_type", None) == "e" or (isinstance(v, str) and v.strip().upper() in EXCELFEL):
        return None, fmt, (f"{plats}: cellen innehåller Excels felvärde {str(v).strip()[:20]}; skriv ett värde "
                           "eller lämna cellen tom")
    if isinstance(v, str):
        v = granser.normalisera(v)
        tecken = granser.styrtecken(v)
        if tecken:
            return None, fmt, f"{plats}: texten innehåller ett otillåtet styrtecken ({tecken}): {citat(v)}"
        grans = MAX_KORT_TEXT if kol in KORTA_KOLUMNER else MAX_TEXT
        if len(v) > grans:
            return None, fmt, (f"{plats}: texten är {len(v)} tecken; högst {grans} tecken tas emot "
                               f"({citat(v)}). Korta texten.")
    return v, fmt, None


def _som_tal(varde) -> Optional[float]:
    try:
        return float(varde)
    except OverflowError:   # heltal med hundratals siffror
        return math.inf if varde > 0 else -math.inf


def _talfel(varde, fmt: str, enhet: Optional[str], jamfor) -> tuple[Optional[str], Optional[float]]:
    """(felorsak, tal) för ett ifyllt tal i en måttenhet ("tkr" för budgetbladet)."""
    if isinstance(varde, bool):
        return f"{citat(varde)} är ett sanningsvärde, inte ett tal (skriv talet, t.ex. 45 eller {svformat.tal(-7.8)})", None
    if isinstance(varde, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return (f"{citat(varde)} är ett datum eller en tid, inte ett tal (är cellen datumformaterad? "
                "Välj talformatet Allmänt och skriv talet igen)"), None
    if not isinstance(varde, (int, float)):
        return (f"”{citat(varde)[1:-1]}” är text, inte ett tal (skriv talet utan enhet och utan citattecken, "
                f"t.ex. 45 eller {svformat.tal(-7.8)})"), None
    x = _som_tal(varde)
    if not math.isfinite(x):
        return f"{citat(x)} är inget ändligt tal", None
    procentformat = enhet == "%" and "%" in fmt
    if procentformat:
        from decimal import Decimal
        x = float(Decimal(repr(x)) * 100)   # cellen är procentformaterad: 0,45 visas som 45 %
    elif enhet == "%" and x != 0 and abs(x) < 1 and jamfor is not None and abs(jamfor) >= 10:
        return (f"{citat(varde)} ser ut som en andel; procent skrivs i procentenheter (45 % skrivs 45, inte 0,45)"), None
    if not granser.inom_intervall(x, enhet):
        orsak = (f"{citat(x)}{' %' if enhet == '%' else ''} är utanför det rimliga intervallet för måttenheten "
                 f"{enhet or 'okänd'} ({granser.intervalltext(enhet)})")
        if procentformat:
            orsak += (f"; cellen är procentformaterad i Excel, så {citat(float(varde))} visas och läses som "
                      f"{citat(x)} % – skriv procenttalet i en cell med formatet Allmänt")
        return orsak, None
    if enhet == "tkr" and granser.decimaler(x) > granser.TKR_DECIMALER:
        return f"{citat(x)} har fler än {granser.TKR_DECIMALER} decimaler (tkr anges högst på kronan)", None
    return None, x


def _sammanslagna_i_tabellen(info) -> list[str]:
    ut = []
    for ref in info.sammanslagna:
        o = rapportfil._omrade(ref)
        if o is not None and o[2] >= RUBRIKRAD:
            ut.append(ref)
    return ut


def _instruktioner(wb, i_filen: dict[str, str]) -> tuple[str, str]:
    """(period, plankod) ur Instruktioner!B2:B3."""
    varden = {}
    for rnr, rad in enumerate(wb[i_filen[BLAD_INSTR]].iter_rows(min_row=1, max_row=3, min_col=1, max_col=2,
                                                            values_only=True), start=1):
        varden[rnr] = granser.normalisera(_s(rad[1] if len(rad) > 1 else None)).strip()[:MAX_KORT_TEXT]
    return varden.get(2, ""), varden.get(3, "")


def las_rapport(data: bytes, filnamn: str = "rapport.xlsx") -> Forhandsgranskning:
    """Granska en ifylld rapport och räkna ut vad som ändras. Skriver ingenting. Kastar Importfel
    med alla fel (blad, rad, kolumn och värde; högst granser.MAX_FEL listas)."""
    filnamn = granser.normalisera(str(filnamn))[:200]
    wb, infos, i_filen = rapportfil.oppna(data, filnamn, [BLAD_INSTR, *BLAD])
    try:
        return _las(wb, infos, i_filen, filnamn)
    finally:
        wb.close()


def _las(wb, infos, i_filen: dict[str, str], filnamn: str) -> Forhandsgranskning:
    fel: list[str] = []
    finns = ", ".join(citat(n, 40) for n in list(i_filen)[:20])
    if BLAD_INSTR not in i_filen or BLAD_INSTR not in infos:
        raise Importfel([f"{filnamn}: bladet '{BLAD_INSTR}' saknas (finns: {finns}). "
                         "Använd en rapportmall från Målkoll."])
    periodnamn, plankod = _instruktioner(wb, i_filen)
    with db.session() as s:
        plan = s.scalars(select(Plan).where(Plan.kod == plankod)).one_or_none()
        if plan is None:
            raise Importfel([f"Bladet '{BLAD_INSTR}', rad 3, kolumn 'B': planen {plankod!r} finns inte; "
                             "använd en rapportmall från Målkoll"])
        per = s.scalars(select(Period).where(Period.plan_id == plan.id, Period.namn == periodnamn)).one_or_none()
        if per is None:
            alla = [x.namn for x in s.scalars(select(Period).where(Period.plan_id == plan.id)
                                              .order_by(Period.slutdatum))]
            raise Importfel([f"Bladet '{BLAD_INSTR}', rad 2, kolumn 'B': perioden {citat(periodnamn)} finns inte "
                             f"(perioderna heter {', '.join(alla)})"])
        if per.last:
            raise Importfel([f"Perioden ”{per.namn}” är låst (rapporten är godkänd av {liten(plan.namnd)}). "
                             f"Importen vägras. Lås upp med: python -m data.rapport las-upp --plan {plan.kod} "
                             f"--period \"{per.namn}\" --av NAMN --motivering TEXT"])
        saknade = [b for b in BLAD if b not in i_filen or b not in infos]
        for b in saknade:
            if b in VALFRIA_BLAD:   # en rapportörs mall har dem inte
                continue
            fel.append(f"{filnamn}: bladet '{b}' saknas (finns: {finns})")
        fg = Forhandsgranskning(per.namn, filnamn, plan=plan.kod)
        ar = per.ar
        malar = set(plan.malar or [])

        def rubrikrad(bladnamn, rad) -> Optional[dict[str, int]]:
            rubriker = [granser.normalisera(_s(getattr(c, "value", None))).strip()[:MAX_KORT_TEXT] for c in rad]
            pos = {}
            for kol in BLAD[bladnamn]:
                if kol not in rubriker:
                    fel.append(f"Bladet '{bladnamn}', rad {RUBRIKRAD}: kolumnen '{kol}' saknas "
                               f"(rubrikerna är: {', '.join(citat(r, 40) for r in rubriker if r)})")
                else:
                    pos[kol] = rubriker.index(kol)
            return pos if len(pos) == len(BLAD[bladnamn]) else None

        def rader(bladnamn):
            """(radnummer, id, {kolumn: (värde, talformat)}) för varje ifylld rad; kontrollerar rubriker,
            formler, sammanslagna celler, textlängder och att inget står utanför mallens kolumner."""
            info = infos[bladnamn]
            slagna = _sammanslagna_i_tabellen(info)
            if slagna:
                fel.append(f"Bladet '{bladnamn}': sammanslagna celler i tabellen ({', '.join(slagna[:5])}"
                           f"{' …' if len(slagna) > 5 else ''}); dela upp dem så att varje rad har egna celler")
                return
            pos: Optional[dict[str, int]] = None
            sedda: dict[str, int] = {}
            for rnr, rad in enumerate(rapportfil.rader(wb[i_filen[bladnamn]], bladnamn), start=1):
                if rnr == RUBRIKRAD:
                    pos = rubrikrad(bladnamn, rad)
                    if pos is None:
                        return
                    rubriker = {i: _s(getattr(c, "value", None)).strip() for i, c in enumerate(rad)}
                if rnr < FORSTA_RAD or pos is None:
                    continue
                v, radfel = {}, False
                for kol, i in pos.items():
                    varde, fmt, f = _cellvarde(f"Bladet '{bladnamn}', rad {rnr}, kolumn '{kol}'", kol, rad[i],
                                               info.formler_utan_varde.get((rnr, i + 1)))
                    if f:
                        fel.append(f)
                        radfel = True
                    if isinstance(varde, str) and kol in KORTA_KOLUMNER:
                        varde = varde.strip()
                    v[kol] = (varde, fmt)
                extra = [i for i, c in enumerate(rad) if i not in pos.values() and not _tom(getattr(c, "value", None))]
                if extra:
                    i = extra[0]
                    rubrik = f" (rubrik {citat(rubriker.get(i, ''), 40)})" if rubriker.get(i) else ""
                    fel.append(f"Bladet '{bladnamn}', rad {rnr}, kolumn {get_column_letter(i + 1)}{rubrik}: cellen "
                               f"är ifylld men hör inte till mallens kolumner ({citat(rad[i].value)}); fyll bara i "
                               "mallens gula kolumner")
                    radfel = True
                if radfel or all(_tom(x[0]) for x in v.values()):
                    continue
                rid = _s(v["Id"][0]).strip()
                if not rid:
                    fel.append(f"Bladet '{bladnamn}', rad {rnr}, kolumn 'Id': Id saknas")
                    continue
                if rid in sedda:
                    fel.append(f"Bladet '{bladnamn}', rad {rnr}, kolumn 'Id': {citat(rid)} förekommer två gånger "
                               f"(också rad {sedda[rid]})")
                    continue
                sedda[rid] = rnr
                yield rnr, rid, v

        def tal(bladnamn, rnr, kol, varde_fmt, enhet=None, jamfor=None) -> tuple[bool, Optional[float]]:
            varde, fmt = varde_fmt
            if varde is None or (isinstance(varde, str) and not varde.strip()):
                return True, None
            orsak, x = _talfel(varde, fmt, enhet, jamfor)
            if orsak:
                fel.append(f"Bladet '{bladnamn}', rad {rnr}, kolumn '{kol}': {orsak}")
                return False, None
            return True, x

        if "Åtgärder" not in saknade:
            atg = {a.kod: a for a in s.scalars(select(Atgard).where(Atgard.plan_id == plan.id))}
            senaste = _senaste(s, Atgardsrapport, Atgardsrapport.atgard_id, per.id)
            for rnr, rid, v in rader("Åtgärder"):
                a = atg.get(rid)
                if a is None:
                    fel.append(f"Bladet 'Åtgärder', rad {rnr}, kolumn 'Id': okänt id {citat(rid)}")
                    continue
                text = _s(v["Åtgärd"][0]).strip()
                if not _samma_text(text, a.text):
                    fel.append(f"Bladet 'Åtgärder', rad {rnr}, kolumn 'Åtgärd': texten stämmer inte med id {rid} "
                               f"(planen: {citat(a.text, 60)}, filen: {citat(text, 60)}); har rader flyttats?")
                    continue
                status = _s(v["Status"][0]).strip()
                kommentar = _s(v["Kommentar"][0]) or None
                if not status:
                    if kommentar:
                        fel.append(f"Bladet 'Åtgärder', rad {rnr}, kolumn 'Status': status saknas (kommentaren "
                                   f"{citat(kommentar, 40)} kräver en status)")
                    continue
                if status not in ATGARDSSTATUS:
                    fel.append(f"Bladet 'Åtgärder', rad {rnr}, kolumn 'Status': {citat(status)} är ingen tillåten "
                               f"status.{_narmast(status, ATGARDSSTATUS)} Tillåtna: {', '.join(ATGARDSSTATUS)}")
                    continue
                gammal = senaste.get(a.id)
                _jamfor(fg, "Åtgärder", rnr, rid, {"status": status, "kommentar": kommentar},
                        None if gammal is None else {"status": gammal.status, "kommentar": gammal.kommentar},
                        ("atgard", {"atgard_id": a.id, "status": status, "kommentar": kommentar}))

        if "Indikatorer" not in saknade:
            inds = {i.kod: i for i in s.scalars(select(Indikator).where(Indikator.plan_id == plan.id))}
            senaste = _senaste(s, Indikatorutfall, Indikatorutfall.indikator_id, per.id)
            malv = _gallande_mal(s, ar)
            for rnr, rid, v in rader("Indikatorer"):
                i = inds.get(rid)
                if i is None:
                    fel.append(f"Bladet 'Indikatorer', rad {rnr}, kolumn 'Id': okänt id {citat(rid)}")
                    continue
                namn = _s(v["Indikator"][0]).strip()
                if not _samma_text(namn, i.namn):
                    fel.append(f"Bladet 'Indikatorer', rad {rnr}, kolumn 'Indikator': namnet stämmer inte med id "
                               f"{rid} (planen: {citat(i.namn, 60)}, filen: {citat(namn, 60)})")
                    continue
                mal = malv.get(i.id)
                jamfor = mal if mal is not None else i.nuvarde
                ok, utfall = tal("Indikatorer", rnr, "Utfall", v["Utfall"], i.mattenhet, jamfor)
                ok2, nytt_mal = tal("Indikatorer", rnr, "Nytt mål för året", v["Nytt mål för året"], i.mattenhet, jamfor)
                kib_text = _s(v["Kan inte bedömas"][0]).strip().lower()
                if kib_text not in ("", "ja", "nej"):
                    fel.append(f"Bladet 'Indikatorer', rad {rnr}, kolumn 'Kan inte bedömas': {citat(kib_text)}; "
                               "skriv Ja eller lämna tom")
                    continue
                kib = kib_text == "ja"
                kommentar = _s(v["Kommentar"][0]) or None
                if not (ok and ok2):
                    continue
                if kib and not kommentar:
                    fel.append(f"Bladet 'Indikatorer', rad {rnr}, kolumn 'Kommentar': skälet saknas "
                               "(”Kan inte bedömas” kräver en kommentar)")
                    continue
                if utfall is None and not kib and kommentar:
                    fel.append(f"Bladet 'Indikatorer', rad {rnr}, kolumn 'Utfall': utfall saknas (kommentaren kräver "
                               "ett utfall eller Ja i ”Kan inte bedömas”)")
                    continue
                if utfall is not None or kib:
                    gammal = senaste.get(i.id)
                    _jamfor(fg, "Indikatorer", rnr, rid, {"utfall": utfall, "kommentar": kommentar, "kan_inte_bedomas": kib},
                            None if gammal is None else {"utfall": gammal.varde, "kommentar": gammal.kommentar,
                                                         "kan_inte_bedomas": bool(gammal.kan_inte_bedomas)},
                            ("utfall", {"indikator_id": i.id, "varde": utfall, "kommentar": kommentar,
                                        "kan_inte_bedomas": kib}))
                if nytt_mal is not None:
                    if ar not in malar:
                        fel.append(f"Bladet 'Indikatorer', rad {rnr}, kolumn 'Nytt mål för året': planen har inga mål för {ar}")
                        continue
                    _jamfor(fg, "Indikatorer", rnr, rid, {f"mål {ar}": nytt_mal}, None if mal is None else {f"mål {ar}": mal},
                            ("mal", {"indikator_id": i.id, "ar": ar, "varde": nytt_mal}))

        if "Inriktningsmål" not in saknade:
            ims = {_im_id(m.nr, im.nr): im for im, m in s.execute(
                select(Inriktningsmal, Malomrade).join(Malomrade, Malomrade.id == Inriktningsmal.malomrade_id)
                .where(Malomrade.plan_id == plan.id))}
            senaste = _senaste(s, Malbedomning, Malbedomning.inriktningsmal_id, per.id)
            for rnr, rid, v in rader("Inriktningsmål"):
                im = ims.get(rid)
                if im is None:
                    fel.append(f"Bladet 'Inriktningsmål', rad {rnr}, kolumn 'Id': okänt id {citat(rid)}")
                    continue
                titel = _s(v["Inriktningsmål"][0]).strip()
                if not _samma_text(titel, f"{im.nr} {im.titel}"):
                    fel.append(f"Bladet 'Inriktningsmål', rad {rnr}, kolumn 'Inriktningsmål': texten stämmer inte "
                               f"med id {rid} (planen: {citat(f'{im.nr} {im.titel}', 60)}, filen: "
                               f"{citat(titel, 60)}); har rader flyttats?")
                    continue
                bed = _s(v["Bedömning"][0]).strip()
                motiv = _s(v["Motivering"][0]) or None
                if not bed:
                    if motiv:
                        fel.append(f"Bladet 'Inriktningsmål', rad {rnr}, kolumn 'Bedömning': bedömning saknas")
                    continue
                if bed not in BEDOMNINGAR:
                    fel.append(f"Bladet 'Inriktningsmål', rad {rnr}, kolumn 'Bedömning': {citat(bed)} är ingen tillåten "
                               f"bedömning.{_narmast(bed, BEDOMNINGAR)} Tillåtna: {', '.join(BEDOMNINGAR)}")
                    continue
                gammal = senaste.get(im.id)
                _jamfor(fg, "Inriktningsmål", rnr, rid, {"bedömning": bed, "motivering": motiv},
                        None if gammal is None else {"bedömning": gammal.bedomning, "motivering": gammal.motivering},
                        ("bedomning", {"inriktningsmal_id": im.id, "bedomning": bed, "motivering": motiv}))

        if "Budget" not in saknade:
            brader = {_budget_id(r.tabell, r.post): r for r in s.scalars(select(Budgetrad).where(
                Budgetrad.plan_id == plan.id, Budgetrad.tabell.in_(list(BUDGETTABELLER))))}
            senaste = _senaste(s, Budgetutfall, Budgetutfall.budgetrad_id, per.id)
            for rnr, rid, v in rader("Budget"):
                br = brader.get(rid)
                if br is None:
                    fel.append(f"Bladet 'Budget', rad {rnr}, kolumn 'Id': okänt id {citat(rid)}")
                    continue
                post, tabell = _s(v["Post"][0]).strip(), _s(v["Tabell"][0]).strip()
                if not _samma_text(post, br.post) or not _samma_text(tabell, BUDGETTABELLER[br.tabell][1]):
                    kol, plan_t, fil_t = (("Post", br.post, post) if not _samma_text(post, br.post)
                                          else ("Tabell", BUDGETTABELLER[br.tabell][1], tabell))
                    fel.append(f"Bladet 'Budget', rad {rnr}, kolumn '{kol}': texten stämmer inte med id {rid} "
                               f"(planen: {citat(plan_t, 60)}, filen: {citat(fil_t, 60)}); har rader flyttats?")
                    continue
                ok1, utfall = tal("Budget", rnr, "Utfall hittills (tkr)", v["Utfall hittills (tkr)"], "tkr")
                ok2, prognos = tal("Budget", rnr, "Prognos helår (tkr)", v["Prognos helår (tkr)"], "tkr")
                kommentar = _s(v["Kommentar"][0]) or None
                if not (ok1 and ok2) or (utfall is None and prognos is None):
                    if ok1 and ok2 and kommentar:
                        fel.append(f"Bladet 'Budget', rad {rnr}, kolumn 'Utfall hittills (tkr)': utfall eller prognos saknas")
                    continue
                gammal = senaste.get(br.id)
                _jamfor(fg, "Budget", rnr, rid, {"utfall": utfall, "prognos": prognos, "kommentar": kommentar},
                        None if gammal is None else {"utfall": None if gammal.utfall is None else float(gammal.utfall),
                                                     "prognos": None if gammal.prognos is None else float(gammal.prognos),
                                                     "kommentar": gammal.kommentar},
                        ("budget", {"budgetrad_id": br.id, "utfall": utfall, "prognos": prognos, "kommentar": kommentar}))
    if fel:
        raise Importfel(fel)
    return fg


def _samma_text(fil: str, i_planen: str) -> bool:
    """Den förifyllda texten stämmer med planens (blanksteg och Unicode-form spelar ingen roll)."""
    return " ".join(granser.normalisera(fil).split()) == " ".join(granser.normalisera(i_planen).split())


def _senaste(s, modell, nyckelkolumn, period_id) -> dict[int, Any]:
    """Senaste rapporterade rad per post i perioden (publicerat går före exempel)."""
    rader = s.scalars(select(modell).where(modell.period_id == period_id)).all()
    ut: dict[int, Any] = {}
    for r in sorted(rader, key=lambda x: (not x.exempel, x.rapporterad or dt.datetime.min, x.id)):
        ut[getattr(r, nyckelkolumn.key)] = r
    return ut


def _gallande_mal(s, ar: int) -> dict[int, Optional[float]]:
    ut: dict[int, Optional[float]] = {}
    for m in s.scalars(select(Malvarde).where(Malvarde.ar == ar).order_by(Malvarde.satt, Malvarde.id)):
        ut[m.indikator_id] = m.varde
    return ut


def _lika(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9
    return (a or None) == (b or None) if not isinstance(a, bool) else a == b


def _jamfor(fg: Forhandsgranskning, blad: str, rnr: int, rid: str, nytt: dict, gammalt: Optional[dict],
            skriv: tuple[str, dict]) -> None:
    skriv = Skrivning(skriv[0], skriv[1], blad, rnr, rid)
    if gammalt is None:
        fg.nya.extend(Andring(blad, rid, k, None, v) for k, v in nytt.items() if not _tom(v) and v is not False)
        fg._skriv.append(skriv)
        return
    andrade = [Andring(blad, rid, k, gammalt.get(k), v) for k, v in nytt.items() if not _lika(gammalt.get(k), v)]
    if andrade:
        fg.andrade.extend(andrade)
        fg._skriv.append(skriv)
    else:
        fg.oforandrade += 1


def tillampa(fg: Forhandsgranskning, av: str, exempel: bool = False) -> int:
    """Skriv allt i en transaktion (eller inget). Returnerar antal nya rader."""
    if fg.tom:
        return 0
    with db.session() as s:
        per = s.scalars(select(Period).where(Period.plan_id == _plan(s, fg.plan).id,
                                            Period.namn == fg.period).with_for_update()).one()
        if per.last:
            raise Importfel([f"Perioden ”{per.namn}” låstes medan importen pågick; ingenting har ändrats"])
        nu = dt.datetime.now()
        gem = dict(period_id=per.id, rapporterad_av=av, rapporterad=nu, kalla=fg.filnamn, exempel=exempel)
        for w in fg._skriv:
            typ, d = w.typ, w.varden
            if typ == "atgard":
                s.add(Atgardsrapport(**d, **gem))
            elif typ == "utfall":
                s.add(Indikatorutfall(**d, **gem))
            elif typ == "bedomning":
                s.add(Malbedomning(**d, **gem))
            elif typ == "budget":
                s.add(Budgetutfall(**d, **gem))
            elif typ == "mal":
                s.add(Malvarde(indikator_id=d["indikator_id"], ar=d["ar"], varde=d["varde"], satt_av=av, satt=nu,
                               kalla=fg.filnamn, fran_planen=False))
        cache.rakna_upp(s)
    return len(fg._skriv)


def las_period(period: str, av: str, las: bool = True, motivering: str | None = None, *,
               plan: Plankontext) -> None:
    with db.session() as s:
        per = _period(s, period, _plan(s, plan.kod))
        if per.last == las:
            return
        per.last = las
        cache.rakna_upp(s)
        s.add(Periodlas(period_id=per.id, handelse="låst" if las else "upplåst", av=av, motivering=motivering))


def ta_bort_exempel(plan: Plankontext | None) -> int:
    """Ta bort exempeldata: i planen `plan`, eller (uttryckligen None) i alla planer."""
    n = 0
    with db.session() as s:
        for modell in (Atgardsrapport, Indikatorutfall, Malbedomning, Budgetutfall):
            villkor = [modell.exempel.is_(True)]
            if plan is not None:
                villkor.append(modell.period_id.in_(select(Period.id).join(Plan, Plan.id == Period.plan_id)
                                                    .where(Plan.id == plan.id)))
            n += s.execute(delete(modell).where(*villkor)).rowcount or 0
        cache.rakna_upp(s)
    return n
