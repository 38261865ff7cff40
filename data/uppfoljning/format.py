"""Ett svenskt tal- och datumformat för hela appen (sidor, diagram, förhandsgranskning, fel):
mellanslag (hårt) som tusentalsavgränsare, decimalkomma, "−" (U+2212) för minus, "12 %" med
mellanslag, mnkr/tkr. Babel (CLDR, sv_SE) gör lokaliseringen; här bara appens val ovanpå.
Neutral modul: ingen databas, ingen Dash."""
from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Optional

from babel.dates import format_date
from babel.numbers import format_decimal

log = logging.getLogger(__name__)

LOCALE = "sv_SE"
NBSP = "\u00a0"
MINUS = "\u2212"
UTAN_ENHET = ("antal", "index", "placering", "medelvärde")
# plotly: decimaltecken + tusentalsavgränsare, och axelformat utan SI-prefix ("20k" → "20 000")
PLOTLY_SEPARATORER = "," + NBSP
PLOTLY_TICKFORMAT = ",~f"


def _saknas(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def tal(x: Optional[float], decimaler: Optional[int] = None) -> str:
    """1234.5 → "1 234,5"; -7.8 → "−7,8"; heltal utan decimaler; None/NaN/text → ""; ±oändligt → "∞"/"−∞"."""
    if x is None:
        return ""
    try:
        x = float(x)
    except (TypeError, ValueError, OverflowError):
        return ""
    if math.isnan(x):
        return ""
    if math.isinf(x):   # lagrade värden som importen numera avvisar får aldrig fälla en sida
        return "∞" if x > 0 else MINUS + "∞"
    if abs(x) >= 1e15:   # orimligt stort: kort form i stället för hundratals siffror
        return (MINUS if x < 0 else "") + f"{abs(x):.3g}".replace(".", ",").replace("e+", "e")
    if decimaler is None:
        decimaler = 0 if x == int(x) else (1 if round(x, 1) == x else 2)
    monster = "#,##0" + ("." + "0" * decimaler if decimaler else "")
    s = format_decimal(round(x, decimaler), format=monster, locale=LOCALE, group_separator=True)
    s = s.replace("\u202f", NBSP).replace(" ", NBSP).replace("-", MINUS)
    return s if s.lstrip(MINUS).strip("0,") else s.lstrip(MINUS)   # "−0" → "0"


def procent(x: Optional[float], decimaler: Optional[int] = None) -> str:
    t = tal(x, decimaler)
    return f"{t}{NBSP}%" if t else ""


def med_enhet(x: Optional[float], enhet: Optional[str], decimaler: Optional[int] = None) -> str:
    """Tal med måttenhet: "12 %", "−7,8 mnkr", "23 834 kr" (antal/index utan enhet)."""
    t = tal(x, decimaler)
    if not t:
        return ""
    if enhet == "%":
        return f"{t}{NBSP}%"
    enhet = "mnkr" if enhet == "mkr" else enhet
    return f"{t}{NBSP}{enhet}" if enhet and enhet not in UTAN_ENHET else t


def tkr(x: Optional[float], enhet: str = "tkr") -> str:
    """Belopp i tkr visat i tkr ("−25 000") eller mnkr ("−25,0")."""
    if _saknas(x):
        return ""
    if enhet == "mnkr":
        return tal(float(x) / 1000, 1)
    return tal(float(x), 0)


def datum(d: dt.date | None, langt: bool = False) -> str:
    """2020-08-31 (kort, ISO som i svenska tabeller) eller "31 augusti 2020" (langt=True)."""
    if d is None:
        return ""
    return format_date(d, "d MMMM y", locale=LOCALE) if langt else f"{d:%Y-%m-%d}"
