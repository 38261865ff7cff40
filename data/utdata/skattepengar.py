"""”Så används skattepengarna”: budgeten som invånare läser den – vart pengarna går per
verksamhet, vad som ändrats och varför, investeringarna och vad som blev av det (publicerat).

Rena värden ur planens budgettabeller (data.uppfoljning.fragor.budget, tkr) och publicerade budgetutfall;
exempeldata tas aldrig med. Sidan är sidor/skattepengar.py, byggarna komponenter/skattepengar.py.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Optional

import pandas as pd

from data.uppfoljning import fragor
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning import namnd as namnd_

log = logging.getLogger(__name__)

EFFEKTIVISERING = "Effektivisering och omställning"


@dataclass
class Post:
    namn: str
    belopp: float                    # tkr, positivt = pengar som används (kostnad netto)
    andel: Optional[float] = None    # procent av summan
    foregaende: Optional[float] = None
    fotnot: Optional[str] = None


@dataclass
class Skattepengar:
    plan: str
    kommun: Optional[str]
    ar: int
    foregaende_ar: Optional[int]
    netto: Optional[float]             # tkr som nämnden använder netto (positivt)
    intakter: Optional[float]
    kostnader: Optional[float]
    verksamheter: list[Post] = field(default_factory=list)
    besparing: Optional[Post] = None   # effektivisering och omställning (minskar nettot)
    mer: list[Post] = field(default_factory=list)     # budgetförändringar som kostar mer
    mindre: list[Post] = field(default_factory=list)  # som minskar kostnaden
    forandring: Optional[float] = None                # summan av förändringarna (tkr, + = mer pengar)
    investeringar: list[Post] = field(default_factory=list)
    investeringar_summa: Optional[float] = None
    investeringsar: list[int] = field(default_factory=list)
    investeringar_per_ar: dict[int, float] = field(default_factory=dict)
    uppfoljning: list[dict] = field(default_factory=list)  # publicerade budgetutfall
    namnd: str = "Nämnden"             # planens nämnd (plan.yaml: namnd)
    namnd_genitiv: str = "Nämndens"
    plannamn: str = ""                 # planens namn (plan.yaml: namn)


def _v(x) -> Optional[float]:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _ar_varde(df: pd.DataFrame, post: str, ar: int, slag: Optional[str] = None) -> Optional[float]:
    rad = df[(df.post == post) & (df.ar == ar)]
    if slag is not None and "slag" in rad:
        b = rad[rad.slag == slag]
        rad = b if not b.empty else rad
    return _v(rad.varde.iloc[0]) if not rad.empty else None


def sammanstall(plan: Plankontext) -> Skattepengar:
    """Planårets budget för invånare. Belopp i tkr; planens tecken vänds så att det som används är positivt."""
    info = fragor.plan_info(plan)
    ar = int(info["ar"])
    df = fragor.budget(plan=plan)
    drift = df[df.tabell == "driftbudget"]
    verks = df[df.tabell == "drift_per_verksamhet"]
    ar_i_drift = sorted({int(a) for a in verks.ar.dropna()})
    foreg = max((a for a in ar_i_drift if a < ar), default=None)
    netto_rad = drift[drift.typ == "summa"].post
    netto = _ar_varde(drift, netto_rad.iloc[0], ar, "Budget") if not netto_rad.empty else None
    nd = namnd_.fran_info(info)
    s = Skattepengar(plan=info["kod"], kommun=info.get("kommun"), ar=ar, foregaende_ar=foreg,
                     namnd=nd.namn, namnd_genitiv=nd.genitiv, plannamn=info["namn"],
                     netto=-netto if netto is not None else None,
                     intakter=_ar_varde(drift, "Intäkter", ar, "Budget"),
                     kostnader=(lambda k: -k if k is not None else None)(_ar_varde(drift, "Kostnader", ar, "Budget")))
    poster = verks[(verks.typ == "belopp")].drop_duplicates("post")
    for r in poster.itertuples():
        b = _ar_varde(verks, r.post, ar, "Budget")
        if b is None:
            continue
        fg = _ar_varde(verks, r.post, foreg) if foreg else None
        p = Post(r.post, -b, foregaende=-fg if fg is not None else None,
                 fotnot=r.fotnot if isinstance(r.fotnot, str) else None)
        if r.post == EFFEKTIVISERING or b > 0:
            s.besparing = Post(r.post, b, fotnot=p.fotnot)
        else:
            s.verksamheter.append(p)
    summa = sum(p.belopp for p in s.verksamheter)
    for p in s.verksamheter:
        p.andel = 100 * p.belopp / summa if summa else None
    s.verksamheter.sort(key=lambda p: -p.belopp)

    forand = df[(df.tabell == "budgetforandringar") & (df.typ == "belopp") & (df.ar == ar)]
    for r in forand.itertuples():
        v = _v(r.varde)
        if not v:
            continue
        (s.mer if v < 0 else s.mindre).append(Post(r.post.strip('"'), abs(v),
                                                   fotnot=r.forklaring if isinstance(r.forklaring, str) else None))
    s.mer.sort(key=lambda p: -p.belopp)
    s.mindre.sort(key=lambda p: -p.belopp)
    summarad = df[(df.tabell == "budgetforandringar") & (df.typ == "summa") & (df.ar == ar)]
    s.forandring = -_v(summarad.varde.iloc[0]) if not summarad.empty and _v(summarad.varde.iloc[0]) is not None else None

    inv = df[df.tabell == "investeringar"]
    s.investeringsar = sorted({int(a) for a in inv.ar.dropna()})
    for r in inv[(inv.typ == "belopp") & (inv.ar == ar)].itertuples():
        v = _v(r.varde)
        if v:
            s.investeringar.append(Post(r.post, v, fotnot=r.grupp if isinstance(r.grupp, str) else None))
    s.investeringar.sort(key=lambda p: -p.belopp)
    for a in s.investeringsar:
        rad = inv[(inv.typ == "summa") & (inv.ar == a)]
        if not rad.empty and _v(rad.varde.iloc[0]) is not None:
            s.investeringar_per_ar[a] = _v(rad.varde.iloc[0])
    s.investeringar_summa = s.investeringar_per_ar.get(ar)
    if s.investeringar_summa:
        for p in s.investeringar:
            p.andel = 100 * p.belopp / s.investeringar_summa
    s.uppfoljning = publicerad_uppfoljning(plan)
    return s


def publicerad_uppfoljning(plan: Plankontext) -> list[dict]:
    """Kommunens publicerade budgetutfall för planen (aldrig exempeldata), med källa."""
    ut = []
    for per in fragor.perioder(plan).itertuples():
        if not per.har_rapporter:
            continue
        df = fragor.budgetutfall(per.namn, plan=plan)
        df = df[~df.exempel.fillna(False).astype(bool)] if len(df) else df
        for r in df.itertuples():
            ut.append({"period": per.namn, "post": r.post, "utfall": _v(r.utfall), "prognos": _v(r.prognos),
                       "avvikelse": _v(r.avvikelse), "kommentar": r.kommentar if isinstance(r.kommentar, str) else None,
                       "kalla_url": r.kalla_url if isinstance(r.kalla_url, str) else None})
    return ut
