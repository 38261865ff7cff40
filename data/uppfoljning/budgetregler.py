"""Budgetregler som rena funktioner på vanliga värden: inga databaser, ingen Dash.

Belopp är i tkr med planens tecken: negativt = kostnad, positivt = intäkt eller besparing.
Då betyder en negativ avvikelse (prognos − budget) alltid att det går sämre än budget
(högre kostnad, lägre intäkt, mindre besparing), oavsett om raden är en kostnad eller en intäkt.

- `avvikelse`, `avvikelse_procent`: prognos för helåret mot årets budget.
- `budgetstatus`: avvikelsen → Underskott / Mindre underskott / I balans / Överskott (se REGEL_BUDGET).
- `genomforandegrad`: investeringar – utfall (eller prognos) i procent av budget.
- `budgetkolumn`: vilken av planens kolumner som är budgeten för ett år.
- `vattenfall`: stegen i ett vattenfall från förändringsposterna till dokumentets summa.
"""
from __future__ import annotations

import math
from typing import Iterable, Optional, Sequence

from data.uppfoljning.regler import EJ_RAPPORTERAD, KAN_INTE, Status

UNDERSKOTT, MINDRE_UNDERSKOTT, I_BALANS, OVERSKOTT = ("Underskott", "Mindre underskott", "I balans",
                                                     "Överskott")
BUDGETSTATUS_ALLA = (UNDERSKOTT, MINDRE_UNDERSKOTT, I_BALANS, OVERSKOTT, KAN_INTE, EJ_RAPPORTERAD)
GRANS_PROCENT = 1.0   # underskott större än så här mycket av budgeten är rött

REGEL_BUDGET = ("Avvikelse = prognos för helåret − årets budget (negativt = sämre än budget: högre "
                "kostnad, lägre intäkt eller mindre besparing). Underskott (röd): prognosticerat "
                "underskott större än 1 % av budgeten. Mindre underskott (gul): underskott upp till "
                "1 % av budgeten. I balans (grön): prognosen är lika med budgeten. Överskott (grön): "
                "prognosen är bättre än budgeten. Ej rapporterad: ingen prognos rapporterad för "
                "perioden. Kan inte bedömas: budget saknas för året. När kommunen bara publicerat "
                "avvikelsen (inte prognosen) bedöms den publicerade avvikelsen.")

REGEL_INVESTERING = ("Genomförandegrad = utfall hittills i procent av årets investeringsbudget; "
                     "prognosens genomförandegrad = prognos för helåret i procent av budgeten.")


def _tal(x) -> Optional[float]:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def avvikelse(budget, prognos, publicerad=None) -> Optional[float]:
    """Prognos − budget i tkr. Utan prognos gäller en publicerad avvikelse (när kommunen bara
    publicerat avvikelsen); None om inget finns."""
    b, p = _tal(budget), _tal(prognos)
    if p is None:
        return _tal(publicerad)
    if b is None:
        return None
    return round(p - b, 1)


def avvikelse_procent(budget, prognos, publicerad=None) -> Optional[float]:
    """Avvikelsen i procent av budgetens belopp (|budget|); None när budget saknas eller är 0."""
    b, a = _tal(budget), avvikelse(budget, prognos, publicerad)
    if a is None or not b:
        return None
    return a / abs(b) * 100


def budgetstatus(budget, prognos, publicerad=None, grans_procent: float = GRANS_PROCENT) -> Status:
    """Trafikljus för en budgetrad: prognos för helåret (eller publicerad avvikelse) mot årets
    budget (se REGEL_BUDGET)."""
    b, p = _tal(budget), _tal(prognos)
    a = avvikelse(b, p, publicerad)
    if p is None and a is None:
        return Status(EJ_RAPPORTERAD, "Ingen prognos rapporterad för perioden.")
    if b is None:
        return Status(KAN_INTE, "Planen anger ingen budget för året.")
    kalla = "Prognosen" if p is not None else "Den publicerade avvikelsen"
    if abs(a) < 0.05:
        return Status(I_BALANS, "Prognosen är lika med budgeten." if p is not None
                      else "Den publicerade avvikelsen är 0.")
    if a > 0:
        return Status(OVERSKOTT, "Prognosen är bättre än budgeten." if p is not None
                      else "Den publicerade avvikelsen är positiv (bättre än budget).")
    grans = abs(b) * grans_procent / 100
    if -a > grans + 1e-9:
        return Status(UNDERSKOTT, f"{kalla}: underskott större än {_procenttext(grans_procent)} av budgeten.")
    return Status(MINDRE_UNDERSKOTT, f"{kalla}: underskott upp till {_procenttext(grans_procent)} av budgeten.")


def _procenttext(p: float) -> str:
    return (f"{p:g}".replace(".", ",")) + "\u00a0%"


def genomforandegrad(budget, varde) -> Optional[float]:
    """Utfall (eller prognos) i procent av budget; None när något saknas eller budgeten är 0."""
    b, v = _tal(budget), _tal(varde)
    if b is None or v is None or b == 0:
        return None
    return v / b * 100


def budgetkolumn(kolumner: Iterable[str], ar: int) -> Optional[str]:
    """Kolumnen som är budgeten för året: "Budget 2020", "Plan 2021" eller "2022" (aldrig "Utfall …")."""
    kolumner = list(kolumner)
    for namn in (f"Budget {ar}", f"Plan {ar}", str(ar)):
        if namn in kolumner:
            return namn
    return None


def vattenfall(poster: Sequence[tuple[str, Optional[float]]]) -> tuple[list[str], list[float], list[float]]:
    """Vattenfallets steg: poster med belopp (tomma hoppas över) → (namn, belopp, löpande summa)."""
    namn, belopp, lopande = [], [], []
    s = 0.0
    for post, v in poster:
        v = _tal(v)
        if v is None:
            continue
        s += v
        namn.append(post)
        belopp.append(v)
        lopande.append(round(s, 1))
    return namn, belopp, lopande
