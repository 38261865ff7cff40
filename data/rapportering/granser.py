"""Gränser för det som tas emot i en rapport: filens storlek, tal per måttenhet, textlängder och
hur mycket av felen som visas. Rena funktioner utan databas – samma regler för kommandoraden och
/rapportera (docs/rapportgranser.md beskriver dem för användare).
"""
from __future__ import annotations

import logging
import math
import re
import unicodedata
from typing import Any, Optional

log = logging.getLogger(__name__)

# --- Filen ---
MAX_STORLEK = 5 * 1024 * 1024        # byte, filen som den skickas (komprimerad)
MAX_DEL = 16 * 1024 * 1024           # byte, varje del i zip-filen uppackad (ett blad, delade strängar …)
MAX_UPPACKAD = 48 * 1024 * 1024      # byte, alla delar tillsammans uppackade
MAX_DELAR = 200                      # antal delar i zip-filen
MAX_RAD = 2000                       # sista rad ett blad får använda (mallen har några hundra rader)
MAX_TAGGAR = 120_000                 # XML-taggar ('<') i hela filen (en ifylld mall: ~8 400)
MAX_STRANGAR = 10_000                # olika texter (delade strängar)
MAX_KOL = 26                         # sista kolumn (Z); mallens kolumner är färre, resten ska vara tomma

# --- Text ---
MAX_TEXT = 4000                      # tecken i en kommentar eller motivering
MAX_KORT_TEXT = 300                  # tecken i id, status, bedömning, namn och andra korta fält
MAX_CITAT = 80                       # tecken av ett värde som citeras i ett felmeddelande
MAX_FEL = 50                         # fel som listas; resten sammanfattas "… och N fel till"

# --- Tal: rimliga intervall per måttenhet (inklusive gränserna) ---
INTERVALL: dict[str, tuple[float, float]] = {
    "%": (-1000.0, 1000.0),
    "kr": (-1e10, 1e10),
    "mnkr": (-1e5, 1e5),
    "tkr": (-1e8, 1e8),              # budgetbladet: ±100 miljarder kronor
    "antal": (0.0, 1e8),
    "st/år": (0.0, 1e8),
    "index": (-1000.0, 1000.0),
    "placering": (1.0, 10000.0),
    "medelvärde": (-1e6, 1e6),
    "månader": (0.0, 1200.0),
    "kWh/kvm": (0.0, 1e5),
    "koldioxidekvivalenter": (0.0, 1e12),
    "CNPS": (-100.0, 100.0),
}
STANDARDINTERVALL = (-1e10, 1e10)    # måttenheter som inte står ovan
TKR_DECIMALER = 3                    # budgetbelopp i tkr: högst hela kronor


def intervall(enhet: Optional[str]) -> tuple[float, float]:
    """Rimligt intervall för en måttenhet (okänd enhet: ±10 miljarder)."""
    return INTERVALL.get((enhet or "").strip(), STANDARDINTERVALL)


def ar_andligt(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(float(x))


def inom_intervall(x: float, enhet: Optional[str]) -> bool:
    lag, hog = intervall(enhet)
    return ar_andligt(x) and lag <= float(x) <= hog


def decimaler(x: float) -> int:
    """Antal decimaler i talets kortaste återgivning (0.25 → 2, 1e-05 → 5, 9000.0 → 0)."""
    from decimal import Decimal
    return max(0, -Decimal(repr(float(x))).normalize().as_tuple().exponent)


def svenskt_tal(x: float) -> str:
    """Tal för ett felmeddelande: 1 234,5 och −7,8 (U+2212); ±oändligt och NaN i ord."""
    if isinstance(x, float) and math.isnan(x):
        return "inte ett tal (NaN)"
    if isinstance(x, float) and math.isinf(x):
        return "oändligt" if x > 0 else "minus oändligt"
    x = float(x)
    if abs(x) >= 1e15:
        t = f"{abs(x):.3g}".replace(".", ",").replace("e+", "·10^")
    else:
        t = f"{abs(x):,.{min(decimaler(x), 6)}f}".replace(",", "\u00a0").replace(".", ",")
    return ("\u2212" if x < 0 else "") + t


def intervalltext(enhet: Optional[str]) -> str:
    lag, hog = intervall(enhet)
    return f"{svenskt_tal(lag)} till {svenskt_tal(hog)}"


# --- Text ---

_EXCEL_ESC = re.compile(r"_x([0-9A-Fa-f]{4})_")
_STYRTECKEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def avkoda_excel(s: str) -> str:
    """Excels escape-följder (_x000D_ = radbrytning m.fl.) till tecken."""
    return _EXCEL_ESC.sub(lambda m: chr(int(m.group(1), 16)), s) if "_x" in s else s


def normalisera(s: str) -> str:
    """Läst text: Excel-escapes avkodade, radbrytningar som \\n, Unicode i NFC."""
    s = avkoda_excel(s).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", s)


def styrtecken(s: str) -> Optional[str]:
    """Första otillåtna styrtecknet som U+XXXX, eller None."""
    m = _STYRTECKEN.search(s)
    return f"U+{ord(m.group(0)):04X}" if m else None


def citat(v: Any, n: int = MAX_CITAT) -> str:
    """Ett värde för ett felmeddelande, högst n tecken: 'text…', tal på svenska, datum som datum."""
    import datetime as dt
    if isinstance(v, bool):
        return "SANT" if v else "FALSKT"
    if isinstance(v, (dt.datetime, dt.date)):
        return (v.date() if isinstance(v, dt.datetime) and v.time() == dt.time() else v).isoformat()
    if isinstance(v, (int, float)):
        return svenskt_tal(v)
    s = str(v)
    if len(s) > n:
        s = s[:n - 1] + "…"
    return repr(s)


def begransa_fel(fel: list[str], n: int = MAX_FEL) -> list[str]:
    """Högst n fel; resten sammanfattas på en sista rad."""
    if len(fel) <= n:
        return list(fel)
    return fel[:n] + [f"… och {len(fel) - n} fel till (rätta felen ovan och importera igen)"]
