"""Statusregler som rena funktioner på vanliga värden: inga databaser, ingen Dash.

- `las_tidpunkt` / `tolka_tidpunkt`: planens tidpunktstext → förfallodatum (REGEL_TIDPUNKT),
  eller inget datum med skälet (löpande, oläslig).
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
from typing import Iterable, Mapping, Optional, Sequence

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
# Förkortningar gäller bara efter en dag ("30 sept 2025"), där de inte kan betyda något annat
MANADSFORKORTNINGAR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                       "sept": 9, "okt": 10, "nov": 11, "dec": 12}
ORDTAL = {"första": 1, "1": 1, "ett": 1, "andra": 2, "2": 2, "två": 2, "tredje": 3, "3": 3,
          "tre": 3, "fjärde": 4, "4": 4, "fyra": 4}
TERTIALSLUT = {1: 4, 2: 8, 3: 12}
LOPANDE = re.compile(r"\b(löpande|fortlöpande|kontinuerligt|månatlig\w*|årligen)\b")
REGEL_TIDPUNKT = (
    "Tidpunkten läses som ett förfallodatum. Ett datum (2025-10-31, 30 september 2025) gäller den "
    "dagen; en månad, ett kvartal (Kvartal 2, Q3), ett tertial (slutet av april, augusti, december), "
    "ett halvår eller ett år gäller till sin sista dag; höstterminen till 31 december, vårterminen "
    "och läsåret (2025/26) till 30 juni; planens egna perioder (\"Tertial 2 2025\") till periodens "
    "slutdatum; \"Mål och budget 2027–2029\" till 30 november året före det första året (då "
    "fullmäktige antar Mål och budget). Nämns flera tidpunkter gäller den senaste. Ett år som "
    "saknas tas ur texten, annars planåret. \"Löpande\" ger inget datum. En text som inte går att "
    "läsa (eller ett läsår utan år) ger en varning vid inläsningen: ange då tidpunkt_datum.")


def _manadsslut(ar: int, manad: int) -> dt.date:
    return dt.date(ar, manad, calendar.monthrange(ar, manad)[1])


@dataclass(frozen=True)
class Tidpunkt:
    """En tolkad tidpunkt: ett datum, eller inget datum och varför (löpande, eller `fel`)."""
    datum: Optional[dt.date]
    lopande: bool = False
    fel: str = ""
    omojlig: bool = False   # texten har ett datum eller läsår som inte finns (2025-04-31)


class _Olaslig(ValueError):
    def __init__(self, text: str, omojlig: bool = False):
        super().__init__(text)
        self.omojlig = omojlig


def tolka_tidpunkt(text: Optional[str], planar: int,
                   perioder: Optional[Mapping[str, dt.date]] = None) -> Optional[dt.date]:
    """Förfallodatumet för en tidpunkt som den står i planen (None: löpande eller oläslig)."""
    return las_tidpunkt(text, planar, perioder).datum


def las_tidpunkt(text: Optional[str], planar: int,
                 perioder: Optional[Mapping[str, dt.date]] = None) -> Tidpunkt:
    """Tolka en tidpunkt som den står i planen (REGEL_TIDPUNKT).

    Texten kan nämna flera tidpunkter ("Förslag under första kvartalet, implementering fr o m
    andra kvartalet 2020"); då gäller den senaste, dvs. när hela åtgärden ska vara klar.
    `perioder`: planens perioder (namn → slutdatum), som texten kan nämna.
    """
    if not text or not text.strip():
        return Tidpunkt(None)
    t = " ".join(text.lower().replace("–", "-").replace("—", "-").split())
    if t.startswith("löpande"):
        return Tidpunkt(None, lopande=True)
    datum: list[dt.date] = []
    try:
        t = _hela_datum(t, planar, datum)
        t = _perioder(t, perioder or {}, datum)
        _fraser(t, planar, datum)
    except _Olaslig as e:
        return Tidpunkt(None, fel=str(e), omojlig=e.omojlig)
    except ValueError:   # ett år utanför kalendern (planåret saknas, "år 0")
        return Tidpunkt(None, fel=f"året blir {planar} – planåret saknas eller är fel")
    if datum:
        return Tidpunkt(max(datum))
    if LOPANDE.search(t):
        return Tidpunkt(None, lopande=True)
    return Tidpunkt(None, fel="texten nämner inget datum, kvartal, tertial, termin, månad eller år")


def _dag(ar: int, manad: int, dag: int, som_skrivet: str) -> dt.date:
    try:
        return dt.date(ar, manad, dag)
    except ValueError:
        raise _Olaslig(f"{som_skrivet!r} är inget datum som finns", omojlig=True) from None


def _maskera(t: str, m: re.Match) -> str:
    """Ta bort en läst fras ur texten så att reglerna efter den inte läser den en gång till."""
    return t[:m.start()] + " ¤ " + t[m.end():]


def _hela_datum(t: str, planar: int, datum: list[dt.date]) -> str:
    """ISO-datum och "30 september 2025" (utan år: årtalet i texten, annars planåret)."""
    while m := re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", t):
        datum.append(_dag(int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(0)))
        t = _maskera(t, m)
    ar_i_text = re.findall(r"\b(20\d\d)\b", t)
    manad = "|".join(list(MANADER) + list(MANADSFORKORTNINGAR))
    while m := re.search(rf"\b(\d{{1,2}})\s+({manad})\b\.?(?:\s+(20\d\d)\b)?", t):
        ar = int(m.group(3) or (ar_i_text[0] if ar_i_text else planar))
        nr = MANADER.get(m.group(2)) or MANADSFORKORTNINGAR[m.group(2)]
        datum.append(_dag(ar, nr, int(m.group(1)), m.group(0).strip(" .")))
        t = _maskera(t, m)
    return t


def _perioder(t: str, perioder: Mapping[str, dt.date], datum: list[dt.date]) -> str:
    """Planens egna periodnamn ("i samband med Tertial 2 2025") → periodens slutdatum."""
    for namn in sorted(perioder, key=len, reverse=True):
        monster = rf"(?<!\w){re.escape(' '.join(str(namn).lower().split()))}(?!\w)"
        while m := re.search(monster, t):
            datum.append(perioder[namn])
            t = _maskera(t, m)
    return t


def _fraser(t: str, planar: int, datum: list[dt.date]) -> None:
    """Kvartal, tertial, terminer, läsår, månader, årstider, delår, Mål och budget, år."""
    ar_i_text = [int(a) for a in re.findall(r"\b(20\d\d)\b", t)]
    standardar = ar_i_text[0] if ar_i_text else planar

    def ar_efter(pos: int) -> int:
        m = re.match(r"\s*,?\s*(?:år\s*)?(20\d\d)\b", t[pos:])
        return int(m.group(1)) if m else standardar

    # Årsskiftet 2020/21 (också "innan/före årsskiftet"), "vid årsslutet 2020"
    for m in re.finditer(r"(?:årsskiftet|årsslutet)\s*(20\d\d)?", t):
        datum.append(dt.date(int(m.group(1)) if m.group(1) else standardar, 12, 31))
    # Kvartal: "Kvartal 3", "kvartal tre 2020", "andra kvartalet 2020", "Q3 2025", "kv 3"
    for m in re.finditer(r"kvartal(?:et)?\s+(första|andra|tredje|fjärde|ett|två|tre|fyra|[1-4])\b", t):
        datum.append(_manadsslut(ar_efter(m.end()), 3 * ORDTAL[m.group(1)]))
    for m in re.finditer(r"\b(första|andra|tredje|fjärde)\s+kvartal(?:et)?", t):
        datum.append(_manadsslut(ar_efter(m.end()), 3 * ORDTAL[m.group(1)]))
    for m in re.finditer(r"\b(?:q|kv\.?)\s?([1-4])\b", t):
        datum.append(_manadsslut(ar_efter(m.end()), 3 * int(m.group(1))))
    # Tertial: "tertial 2", "Tertial 2 2025", "andra tertialet"
    for m in re.finditer(r"tertial(?:et)?\s+(första|andra|tredje|ett|två|tre|[1-3])\b", t):
        datum.append(_manadsslut(ar_efter(m.end()), TERTIALSLUT[ORDTAL[m.group(1)]]))
    for m in re.finditer(r"\b(första|andra|tredje)\s+tertial(?:et)?", t):
        datum.append(_manadsslut(ar_efter(m.end()), TERTIALSLUT[ORDTAL[m.group(1)]]))
    _terminer(t, ar_efter, datum)
    # Halvår: "andra halvåret", "första halvåret"
    for m in re.finditer(r"\b(första|andra)\s+halvåret", t):
        datum.append(_manadsslut(ar_efter(m.end()), 6 if m.group(1) == "första" else 12))
    # Månad: "Juni 2020", "augusti 2020 (nämnd)"
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
    if re.search(r"\b(?:årsbokslut|årsredovisning)", t):
        datum.append(dt.date(standardar, 12, 31))
    # "i samband med att Mål och budget (för) 2027–2029 beslutas": fullmäktige antar Mål och
    # budget i november året före det första året (den levererade planen: "antogs i kommunfullmäktige i november 2019")
    for m in re.finditer(r"(?:mål och budget|m&b)\s+(?:för\s+)?(?:åren\s+)?(20\d\d)\b", t):
        datum.append(dt.date(int(m.group(1)) - 1, 11, 30))
    # "under 2020", "genomföras under 2020", "2020" utan annat
    if not datum:
        for m in re.finditer(r"\b(?:under|senast|till|före|innan|inom)\s+(?:år\s+)?(20\d\d)\b", t):
            datum.append(dt.date(int(m.group(1)), 12, 31))
    if not datum and re.fullmatch(r"(?:år\s*)?(20\d\d)\.?", t):
        datum.append(dt.date(int(t.strip(".")[-4:]), 12, 31))


def _terminer(t: str, ar_efter, datum: list[dt.date]) -> None:
    """Höstterminen (31 december), vårterminen (30 juni), HT25/VT 2026 och läsåret 2025/26 (30 juni)."""
    for m in re.finditer(r"\b(höst|vår)termin(?:en)?\b", t):
        ar = ar_efter(m.end())
        datum.append(dt.date(ar, 12, 31) if m.group(1) == "höst" else dt.date(ar, 6, 30))
    for m in re.finditer(r"\b(ht|vt)\s?-?(20\d\d|\d\d)\b", t):
        ar = int(m.group(2)) if len(m.group(2)) == 4 else 2000 + int(m.group(2))
        datum.append(dt.date(ar, 12, 31) if m.group(1) == "ht" else dt.date(ar, 6, 30))
    for m in re.finditer(r"\bläsår(?:et)?\b(?:\s+(20\d\d)\s*[/-]\s*(20\d\d|\d\d)\b)?", t):
        if not m.group(1):
            raise _Olaslig("läsåret står utan år (skriv t.ex. läsåret 2025/26)")
        forsta, andra = int(m.group(1)), int(m.group(2)[-2:])
        if andra != (forsta + 1) % 100:
            raise _Olaslig(f"{m.group(0)!r} är inget läsår (två år i följd, t.ex. 2025/26)", omojlig=True)
        datum.append(dt.date(forsta + 1, 6, 30))


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


@dataclass(frozen=True)
class Bedomda:
    """Hur mycket av ett målområde som har en bedömd status (strukna räknas inte)."""
    atgarder: int
    atgarder_totalt: int
    indikatorer: int
    indikatorer_totalt: int

    @property
    def for_lite(self) -> bool:
        """Färre än hälften av åtgärderna och indikatorerna är bedömda."""
        return (self.atgarder + self.indikatorer) * 2 < self.atgarder_totalt + self.indikatorer_totalt

    def text(self, period: str | None = None) -> str:
        """"3 av 22 åtgärder och 0 av 6 indikatorer bedömda för Årsredovisning 2021" (utan period: utan "för …")."""
        delar = [f"{n} av {t} {ord_}" for n, t, ord_ in ((self.atgarder, self.atgarder_totalt, "åtgärder"),
                                                       (self.indikatorer, self.indikatorer_totalt, "indikatorer"))
                 if t]
        return f"{' och '.join(delar) or 'Inget'} bedömda" + (f" för {period}" if period else "")


def bedomda(atgardsstatusar: Iterable[str], indikatorstatusar: Iterable[str]) -> Bedomda:
    """Antal bedömda (bra, mellan eller dåligt enligt REGEL_MALOMRADE) av åtgärderna (status för
    sammanfattningen, atgard_for_sammanfattning) och indikatorerna, strukna oräknade."""
    bedomd = set(BRA + MELLAN + DALIGT)
    a = [s for s in atgardsstatusar if s != STRUKEN]
    i = [s for s in indikatorstatusar if s != STRUKEN]
    return Bedomda(sum(s in bedomd for s in a), len(a), sum(s in bedomd for s in i), len(i))


# --- Förändringar sedan föregående period ---

BATTRE, SAMRE, NY_RAPPORT, OFORANDRAD, ANDRAD, INGEN_NY = (
    "bättre", "sämre", "ny rapport", "oförändrad", "ändrad", "ingen ny rapport")
INGEN_TIDIGARE = "ingen tidigare rapport"   # det enda tidigare är ett exempel (data.uppfoljning.tidigare)
PILAR = {BATTRE: "↑", SAMRE: "↓", NY_RAPPORT: "+", OFORANDRAD: "=", ANDRAD: "↔", INGEN_NY: "?", INGEN_TIDIGARE: "?"}
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
