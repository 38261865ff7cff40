"""Statusregler som rena funktioner på vanliga värden: inga databaser, ingen Dash.

- `tolka_tidpunkt`: planens tidpunktstext → förfallodatum (eller None för "Löpande").
- `indikatorstatus`: utfall mot mål, riktning och nuvärde → Uppnått / Delvis uppnått / …
- `atgardsstatus`: rapporterad status + förfallodatum vid en period → visad status (+ skäl).
- `summera_status`: antal per status i fast ordning.
- `standardperiod`: perioden som visas när ingen är vald (och varför).
- `malomradesstatus`: en sammanfattande status per målområde (åtgärder + indikatorer).
- `forandring`: en status jämförd med föregående periods (bättre / sämre / ny rapport …).
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from data.uppfoljning.status import (ATGARDSSTATUS, ATGARDSSTATUS_ALLA, AVSLUTADE, AVVIKELSE, BEDOMNINGAR,  # noqa: F401
                         DELVIS, DELVIS_I_FAS, EJ_I_FAS, EJ_PABORJAD, EJ_RAPPORTERAD, EJ_UPPNATT,
                         FORSENAD, GENOMFORD, I_FAS, INDIKATORSTATUS_ALLA, KAN_INTE, MALOMRADESSTATUS,
                         PAGAR, STRUKEN, UPPNATT)


REGEL_INDIKATOR = ("Uppnått: utfallet når målet för året (minst målet när högre är bättre, "
                   "högst målet när lägre är bättre). Delvis uppnått: målet nås inte men utfallet "
                   "är bättre än nuvärdet i planen. Ej uppnått: varken målet eller nuvärdet nås. "
                   "Ej rapporterad: inget utfall för perioden. Kan inte bedömas: markerat så i "
                   "rapporten, eller mål/riktning saknas.")

MANADER = {m: i for i, m in enumerate(
    ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
     "oktober", "november", "december"], start=1)}
ORDTAL = {"första": 1, "1": 1, "ett": 1, "andra": 2, "2": 2, "två": 2, "tredje": 3, "3": 3,
          "tre": 3, "fjärde": 4, "4": 4, "fyra": 4}


def _manadsslut(ar: int, manad: int) -> dt.date:
    return dt.date(ar, manad, calendar.monthrange(ar, manad)[1])


def tolka_tidpunkt(text: Optional[str], planar: int) -> Optional[dt.date]:
    """Tolka en tidpunkt som den står i planen till ett förfallodatum.

    Texten kan nämna flera tidpunkter ("Förslag under första kvartalet, implementering fr o m
    andra kvartalet 2020"); då gäller den senaste, dvs. när hela åtgärden ska vara klar.
    "Löpande …" ger inget datum. Ett år som saknas tas från texten i övrigt, annars planåret.
    """
    if not text:
        return None
    t = " ".join(text.lower().split())
    if t.startswith("löpande"):
        return None
    ar_i_text = [int(a) for a in re.findall(r"\b(20\d\d)\b", t)]
    standardar = ar_i_text[0] if ar_i_text else planar

    def ar_efter(pos: int) -> int:
        m = re.match(r"\s*(?:år\s*)?(20\d\d)\b", t[pos:])
        return int(m.group(1)) if m else standardar

    datum: list[dt.date] = []
    # Årsskiftet 2020/21 (också "innan/före årsskiftet"), "vid årsslutet 2020"
    for m in re.finditer(r"(?:årsskiftet|årsslutet)\s*(20\d\d)?", t):
        datum.append(dt.date(int(m.group(1)) if m.group(1) else standardar, 12, 31))
    # Kvartal: "Kvartal 3", "kvartal tre 2020", "andra kvartalet 2020", "Q3"
    for m in re.finditer(r"kvartal(?:et)?\s+(första|andra|tredje|fjärde|ett|två|tre|fyra|[1-4])\b", t):
        datum.append(_manadsslut(ar_efter(m.end()), 3 * ORDTAL[m.group(1)]))
    for m in re.finditer(r"\b(första|andra|tredje|fjärde)\s+kvartal(?:et)?", t):
        datum.append(_manadsslut(ar_efter(m.end()), 3 * ORDTAL[m.group(1)]))
    for m in re.finditer(r"\bq([1-4])\b", t):
        datum.append(_manadsslut(ar_efter(m.end()), 3 * int(m.group(1))))
    # Halvår: "andra halvåret", "första halvåret"
    for m in re.finditer(r"\b(första|andra)\s+halvåret", t):
        datum.append(_manadsslut(ar_efter(m.end()), 6 if m.group(1) == "första" else 12))
    # Månad: "Juni 2020", "augusti 2020 (KS)"
    for m in re.finditer(r"\b(" + "|".join(MANADER) + r")\b", t):
        datum.append(_manadsslut(ar_efter(m.end()), MANADER[m.group(1)]))
    # Årstider: före/innan sommaren, våren, hösten
    for m in re.finditer(r"\b(sommaren|våren|hösten|vintern)\b", t):
        ar = ar_efter(m.end())
        datum.append({"sommaren": dt.date(ar, 6, 30), "våren": dt.date(ar, 6, 30),
                      "hösten": dt.date(ar, 11, 30), "vintern": dt.date(ar, 12, 31)}[m.group(1)])
    # Delårsrapporter och bokslut
    for m in re.finditer(r"delårsrapport(?:en)?\s*([12])\b", t):
        datum.append(_manadsslut(ar_efter(m.end()), 3 if m.group(1) == "1" else 8))
    if re.search(r"årsbokslut|årsredovisning", t):
        datum.append(dt.date(standardar, 12, 31))
    # "i samband med att Mål och budget för 2021-2023 beslutas": fullmäktige antar Mål och
    # budget i november året före (planen: "antogs i kommunfullmäktige i november 2019")
    for m in re.finditer(r"mål och budget för (20\d\d)", t):
        datum.append(dt.date(int(m.group(1)) - 1, 11, 30))
    # "under 2020", "genomföras under 2020", "2020" utan annat
    if not datum:
        for m in re.finditer(r"\b(?:under|senast|till|före|innan|inom)\s+(?:år\s+)?(20\d\d)\b", t):
            datum.append(dt.date(int(m.group(1)), 12, 31))
    if not datum and re.fullmatch(r"(?:år\s*)?(20\d\d)\.?", t):
        datum.append(dt.date(int(t.strip(".")[-4:]), 12, 31))
    return max(datum) if datum else None


def _troskel(mal: Optional[float], mal_text: Optional[str]) -> tuple[Optional[float], bool]:
    """Målvärde och om det är strikt (">0"). Tryckt text används bara när talet saknas."""
    if mal is not None:
        return float(mal), False
    if mal_text:
        m = re.match(r"^\s*([<>])\s*(-?\d+(?:[.,]\d+)?)\s*$", mal_text)
        if m:
            return float(m.group(2).replace(",", ".")), True
    return None, False


@dataclass(frozen=True)
class Status:
    status: str
    skal: str


def indikatorstatus(utfall: Optional[float], mal: Optional[float], riktning: Optional[str],
                    nuvarde: Optional[float] = None, mal_text: Optional[str] = None,
                    kan_inte_bedomas: bool = False, skal_manuellt: str = "") -> Status:
    """Status för ett indikatorutfall mot årets mål (se REGEL_INDIKATOR)."""
    if kan_inte_bedomas:
        return Status(KAN_INTE, skal_manuellt or "Markerad i rapporten som ej mätbar.")
    if utfall is None:
        return Status(EJ_RAPPORTERAD, "Inget utfall rapporterat för perioden.")
    if not math.isfinite(utfall):
        return Status(KAN_INTE, "Det lagrade utfallet är inget ändligt tal.")
    grans, strikt = _troskel(mal, mal_text)
    if grans is None:
        return Status(KAN_INTE, "Planen anger inget målvärde för året.")
    if riktning not in ("hogre", "lagre"):
        return Status(KAN_INTE, "Planen anger inte om högre eller lägre är bättre.")
    hogre = riktning == "hogre"
    if hogre:
        nar = utfall > grans if strikt else utfall >= grans
    else:
        nar = utfall < grans if strikt else utfall <= grans
    if nar:
        return Status(UPPNATT, "Utfallet når målet.")
    if nuvarde is not None and ((utfall > nuvarde) if hogre else (utfall < nuvarde)):
        return Status(DELVIS, "Målet nås inte, men utfallet är bättre än nuvärdet.")
    return Status(EJ_UPPNATT, "Varken målet eller nuvärdet nås.")


def atgardsstatus(rapporterad: Optional[str], forfallodatum: Optional[dt.date],
                  periodslut: dt.date, tidpunkt: str = "") -> Status:
    """Visad status för en åtgärd vid en period.

    En åtgärd vars förfallodatum har passerat vid periodens slut utan att den är Genomförd
    eller Struken visas som Försenad, vad rapporten än säger.
    """
    if rapporterad in AVSLUTADE:
        return Status(rapporterad, "")
    if forfallodatum is not None and forfallodatum < periodslut:
        nar = f" ({tidpunkt})" if tidpunkt else ""
        if rapporterad:
            skal = (f"Tidpunkten{nar} passerade {forfallodatum:%Y-%m-%d}; rapporterad status var "
                    f"”{rapporterad}”.")
        else:
            skal = (f"Tidpunkten{nar} passerade {forfallodatum:%Y-%m-%d} och ingen rapport "
                    f"säger att åtgärden är genomförd.")
        return Status("Försenad", skal)
    if not rapporterad:
        return Status(EJ_RAPPORTERAD, "Ingen rapport för perioden.")
    return Status(rapporterad, "")


def summera_status(statusar: Iterable[str], ordning: tuple[str, ...] = ATGARDSSTATUS_ALLA
                   ) -> dict[str, int]:
    """Antal per status, i fast ordning, nollor med."""
    antal = {s: 0 for s in ordning}
    for s in statusar:
        antal[s] = antal.get(s, 0) + 1
    return antal


def trend(foregaende: Optional[float], senaste: Optional[float], riktning: Optional[str]) -> str:
    """Trendpil mot föregående rapport: "bättre", "sämre", "oförändrad" eller ""."""
    if foregaende is None or senaste is None or not (math.isfinite(foregaende) and math.isfinite(senaste)):
        return ""
    if senaste == foregaende:
        return "oförändrad"
    if riktning not in ("hogre", "lagre"):
        return "upp" if senaste > foregaende else "ned"
    battre = senaste > foregaende if riktning == "hogre" else senaste < foregaende
    return "bättre" if battre else "sämre"


# --- Standardperiod ---

SKAL_VALD = "Vald period"
SKAL_PLAN = "Fastlåst i planen (standardperiod)"
SKAL_MILJO = "Fastlåst av driften (MALKOLL_STANDARDPERIOD)"
SKAL_ATGARDER = "Senaste period med rapporterade åtgärder"
SKAL_NAGOT = "Senaste period med rapporter"
SKAL_FORSTA = "Första perioden (inget är rapporterat än)"


def standardperiod(perioder: Sequence[tuple[str, bool, bool]]) -> tuple[Optional[str], str]:
    """Perioden som visas när ingen är vald, och skälet.

    `perioder`: (namn, har_atgardsrapporter, har_rapporter) i tidsordning, där
    har_atgardsrapporter bara räknar åtgärdsstatusar rapporterade *i* perioden (publicerade eller
    exempel; statusar som förs vidare från en tidigare period räknas inte). Senaste period med
    rapporterade åtgärder, annars senaste med någon rapport, annars den första.
    """
    for namn, atg, _ in reversed(perioder):
        if atg:
            return namn, SKAL_ATGARDER
    for namn, _, nagot in reversed(perioder):
        if nagot:
            return namn, SKAL_NAGOT
    return (perioder[0][0], SKAL_FORSTA) if perioder else (None, SKAL_FORSTA)


# --- Målområdets sammanfattande status ---

BRA = (GENOMFORD, PAGAR, UPPNATT)
MELLAN = (AVVIKELSE, EJ_PABORJAD, DELVIS)
DALIGT = (FORSENAD, EJ_UPPNATT)

REGEL_MALOMRADE = ("Målområdets status sammanfattar åtgärderna och indikatorerna i perioden. Bra: "
                   "åtgärd Genomförd eller Pågår enligt plan, indikator Uppnått. Mellan: Pågår med "
                   "avvikelse, Ej påbörjad, Delvis uppnått. Dåligt: Försenad, Ej uppnått. Struken, "
                   "Ej rapporterad och Kan inte bedömas räknas inte. Ej i fas: mer än en tredjedel av "
                   "det bedömda är dåligt. I fas: minst två tredjedelar är bra. Annars Delvis i fas. "
                   "Kan inte bedömas: mindre än en tredjedel av åtgärderna och indikatorerna (utom "
                   "strukna) har en bedömd status. En åtgärd som bara är Försenad för att tidpunkten "
                   "passerat, utan någon rapport, räknas som Ej rapporterad.")


def atgard_for_sammanfattning(status: str, har_rapport: bool) -> str:
    """Åtgärdens status som underlag för målområdets status: utan rapport räknas den som Ej rapporterad."""
    return status if har_rapport else EJ_RAPPORTERAD


@dataclass(frozen=True)
class Sammanfattning:
    status: str
    skal: str
    bra: int
    mellan: int
    daligt: int
    totalt: int

    @property
    def underlag(self) -> int:
        return self.bra + self.mellan + self.daligt


def malomradesstatus(atgardsstatusar: Iterable[str], indikatorstatusar: Iterable[str]) -> Sammanfattning:
    """En status för målområdet ur åtgärdernas och indikatorernas visade status (REGEL_MALOMRADE)."""
    alla = [s for s in list(atgardsstatusar) + list(indikatorstatusar) if s != STRUKEN]
    bra = sum(s in BRA for s in alla)
    mellan = sum(s in MELLAN for s in alla)
    daligt = sum(s in DALIGT for s in alla)
    n, underlag = len(alla), bra + mellan + daligt
    if n == 0 or underlag * 3 < n:
        return Sammanfattning(KAN_INTE, f"För lite rapporterat: {underlag} av {n} har en bedömd status.",
                              bra, mellan, daligt, n)
    tal = f"{bra} bra, {mellan} mellan, {daligt} dåligt av {underlag} bedömda ({n} totalt)."
    if daligt * 3 > underlag:
        return Sammanfattning(EJ_I_FAS, "Mer än en tredjedel är försenat eller ej uppnått: " + tal,
                              bra, mellan, daligt, n)
    if bra * 3 >= underlag * 2:
        return Sammanfattning(I_FAS, "Minst två tredjedelar går enligt plan eller är uppnått: " + tal,
                              bra, mellan, daligt, n)
    return Sammanfattning(DELVIS_I_FAS, "Varken i fas eller ej i fas: " + tal, bra, mellan, daligt, n)


# --- Förändringar sedan föregående period ---

BATTRE, SAMRE, NY_RAPPORT, OFORANDRAD, ANDRAD, INGEN_NY = (
    "bättre", "sämre", "ny rapport", "oförändrad", "ändrad", "ingen ny rapport")
PILAR = {BATTRE: "↑", SAMRE: "↓", NY_RAPPORT: "+", OFORANDRAD: "=", ANDRAD: "↔", INGEN_NY: "?"}
RANG = {GENOMFORD: 0, PAGAR: 1, AVVIKELSE: 2, EJ_PABORJAD: 3, FORSENAD: 4,
        UPPNATT: 0, DELVIS: 1, EJ_UPPNATT: 2}


def forandring(fore: Optional[str], nu: str, rapporterad_nu: bool = True) -> str:
    """Statusen nu jämförd med föregående periods: bättre, sämre, ny rapport, ingen ny rapport,
    ändrad (t.ex. till Struken eller Kan inte bedömas) eller oförändrad. `rapporterad_nu`: statusen
    kommer ur en rapport i perioden (inte ur regeln om passerad tidpunkt)."""
    fore = fore or EJ_RAPPORTERAD
    if fore == nu:
        return OFORANDRAD
    if fore == EJ_RAPPORTERAD:
        if rapporterad_nu:
            return NY_RAPPORT
        return SAMRE if nu == FORSENAD else ANDRAD
    if nu == EJ_RAPPORTERAD:
        return INGEN_NY
    if fore in RANG and nu in RANG:
        return BATTRE if RANG[nu] < RANG[fore] else SAMRE
    return ANDRAD


# --- Rankning bland kommunerna (Kolada-jämförelser; inte målets trafikljus) ---

RANK_FARG = {"bast": "bästa fjärdedelen", "mitten": "mittersta hälften", "samst": "sämsta fjärdedelen"}


@dataclass(frozen=True)
class Rankning:
    plats: int        # 1 = bäst
    antal: int        # kommuner med värde
    grupp: str        # bast / mitten / samst (kvartil som Kolada färgar)


def rankning(varden: dict[str, float], kommun: str, riktning: Optional[str]) -> Optional[Rankning]:
    """Kommunens plats bland landets kommuner (id med fyra siffror, inte riket 0000) för ett år.
    Som Kolada: bästa fjärdedelen, mittersta hälften, sämsta fjärdedelen. None utan riktning eller värde."""
    if riktning not in ("hogre", "lagre"):
        return None
    kommuner = {k: v for k, v in varden.items()
                if len(k) == 4 and k.isdigit() and k != "0000" and v is not None}
    if kommun not in kommuner or len(kommuner) < 4:
        return None
    eget = kommuner[kommun]
    battre = sum(1 for v in kommuner.values() if (v > eget if riktning == "hogre" else v < eget))
    plats, antal = battre + 1, len(kommuner)
    andel = plats / antal
    grupp = "bast" if andel <= 0.25 else ("samst" if andel > 0.75 else "mitten")
    return Rankning(plats, antal, grupp)
