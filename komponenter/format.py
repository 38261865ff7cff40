"""Svenska talformat: 1 234,5 · 12 % · 228,9 mnkr. Hårt mellanslag så att tal inte bryts."""
from __future__ import annotations

import math
from typing import Optional

NBSP = "\u00a0"


def tal(x: Optional[float], decimaler: Optional[int] = None) -> str:
    """1234.5 → "1 234,5"; heltal utan decimaler; None/NaN → ""; ±oändligt → "∞"/"−∞" (lagrade värden
    som importen numera avvisar får aldrig fälla en sida)."""
    if x is None:
        return ""
    try:
        x = float(x)
    except (TypeError, ValueError, OverflowError):
        return ""
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return "∞" if x > 0 else "\u2212∞"
    if abs(x) >= 1e15:   # orimligt stort: kort form i stället för hundratals siffror
        return ("-" if x < 0 else "") + f"{abs(x):.3g}".replace(".", ",").replace("e+", "e")
    if decimaler is None:
        decimaler = 0 if x == int(x) else (1 if round(x, 1) == x else 2)
    s = f"{abs(x):,.{decimaler}f}".replace(",", " ").replace(".", ",").replace(" ", NBSP)
    return ("-" if x < 0 and float(s.replace(NBSP, "").replace(",", ".")) != 0 else "") + s


def procent(x: Optional[float], decimaler: Optional[int] = None) -> str:
    t = tal(x, decimaler)
    return f"{t}{NBSP}%" if t else ""


def med_enhet(x: Optional[float], enhet: Optional[str], decimaler: Optional[int] = None) -> str:
    """Tal med måttenhet: "12 %", "-7,8 mnkr", "23 834 kr"."""
    t = tal(x, decimaler)
    if not t:
        return ""
    if enhet == "%":
        return f"{t}{NBSP}%"
    return f"{t}{NBSP}{enhet}" if enhet and enhet not in UTAN_ENHET else t


UTAN_ENHET = ("antal", "index", "placering", "medelvärde")


def tkr(x: Optional[float], enhet: str = "tkr") -> str:
    """Belopp i tkr visat i tkr ("-25 000") eller mnkr ("-25,0")."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if enhet == "mnkr":
        return tal(float(x) / 1000, 1)
    return tal(float(x), 0)
