"""Figurbyggare (plotly.graph_objects, SVG – ingen WebGL). Inga databasanrop här."""
from __future__ import annotations

import datetime as dt
import math
import re

import plotly.graph_objects as go

from komponenter import format as fmt
from komponenter.tema import (BLA, GRA, LINJEBREDD, MARKOR, ORANGE, plotly_mall, status_stil)

_MALKOLUMN = re.compile(r"mal_(\d{4})")


def malar_i(ind: dict) -> list[int]:
    """Planens målår ur en indikatorrad (kolumnerna mal_ÅÅÅÅ som fragor.indikatorer ger)."""
    return sorted(int(m.group(1)) for k in ind if (m := _MALKOLUMN.fullmatch(str(k))))


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def indikatorserier(ind: dict, utfall: list[dict]) -> dict:
    """Punkterna i ett indikatordiagram som vanliga listor (används av figur och textalternativ).

    ind: en rad ur fragor.indikatorer (dict). utfall: rader ur fragor.utfall för indikatorn,
    i tidsordning (senaste per period används).
    """
    nuvarde = None
    if _ok(ind.get("nuvarde")) and ind.get("nuvarde_ar"):
        nuvarde = (dt.date(int(ind["nuvarde_ar"]), 12, 31), float(ind["nuvarde"]), f"Nuvärde {int(ind['nuvarde_ar'])}")
    mal = [(dt.date(ar, 12, 31), float(ind[f"mal_{ar}"]), f"Mål {ar}")
           for ar in malar_i(ind) if _ok(ind.get(f"mal_{ar}"))]
    per_period: dict[str, dict] = {}
    for u in utfall:
        if _ok(u.get("varde")):
            per_period[u["period"]] = u  # senaste vinner (listan är i tidsordning)
    ut = sorted(((u["slutdatum"], float(u["varde"]), u["period"], bool(u.get("exempel"))) for u in per_period.values()),
                key=lambda x: x[0])
    return {"nuvarde": nuvarde, "mal": mal, "utfall": ut}


def indikatorfigur(ind: dict, serier: dict, stor: bool = False) -> go.Figure:
    """Nuvärde, planens mål (streckat, romber) och rapporterade utfall (heldragen, cirklar)."""
    enhet = ind.get("mattenhet") or ""
    lw, ms = LINJEBREDD[stor], MARKOR[stor]
    fig = go.Figure()
    nuv, mal, ut = serier["nuvarde"], serier["mal"], serier["utfall"]
    malpunkter = ([nuv] if nuv else []) + mal
    if malpunkter:
        fig.add_trace(go.Scatter(
            x=[p[0] for p in malpunkter], y=[p[1] for p in malpunkter], name="Nuvärde och mål",
            mode="lines+markers+text", line=dict(color=ORANGE, width=lw, dash="dash"),
            marker=dict(symbol=["square"] * (1 if nuv else 0) + ["diamond"] * len(mal), size=ms + 2,
                        color=["#ffffff"] * (1 if nuv else 0) + [ORANGE] * len(mal),
                        line=dict(color=ORANGE, width=2)),
            text=[fmt.tal(p[1]) for p in malpunkter], textposition="top center",
            textfont=dict(color=ORANGE), cliponaxis=False,
            customdata=[p[2] for p in malpunkter],
            hovertemplate="%{customdata}: %{y:,}" + (f" {enhet}" if enhet else "") + "<extra></extra>"))
    if ut:
        fig.add_trace(go.Scatter(
            x=[p[0] for p in ut], y=[p[1] for p in ut], name="Utfall" + (" (exempeldata)" if any(p[3] for p in ut) else ""),
            mode="lines+markers+text", line=dict(color=BLA, width=lw),
            marker=dict(symbol="circle", size=ms + 2, color=BLA),
            text=[fmt.tal(p[1]) for p in ut], textposition="bottom center", textfont=dict(color=BLA),
            cliponaxis=False,
            customdata=[p[2] for p in ut],
            hovertemplate="Utfall %{customdata}: %{y:,}" + (f" {enhet}" if enhet else "") + "<extra></extra>"))
    ar_tick = sorted({p[0].year for p in malpunkter + [(x[0],) for x in ut]} | set(malar_i(ind)))
    fig.update_layout(
        template=plotly_mall(stor), height=320 if not stor else 460, showlegend=True,
        xaxis=dict(type="date", tickvals=[dt.date(a, 12, 31) for a in ar_tick],
                   ticktext=[str(a) for a in ar_tick],
                   range=[dt.date(ar_tick[0], 9, 1), dt.date(ar_tick[-1], 12, 31) + dt.timedelta(days=120)]),
        yaxis=dict(title=dict(text=enhet), rangemode="tozero" if all(
            p[1] >= 0 for p in malpunkter + [(0, x[1]) for x in ut]) else "normal"),
        margin=dict(t=40),
    )
    return fig


def statusstapel(antal: dict[str, int], stor: bool = False) -> go.Figure:
    """Liten staplad horisontell stapel med antal per status, siffrorna i stapeln."""
    fig = go.Figure()
    for status, n in antal.items():
        if not n:
            continue
        bg, fg, symbol, _ = status_stil(status)
        fig.add_trace(go.Bar(
            x=[n], y=[""], orientation="h", name=status, marker=dict(color=bg, line=dict(color=GRA, width=1)),
            text=[f"{symbol} {n}"], textposition="inside", insidetextanchor="middle",
            textfont=dict(color=fg, size=16 if not stor else 24),
            hovertemplate=f"{status}: {n}<extra></extra>"))
    fig.update_layout(template=plotly_mall(stor), barmode="stack", height=56 if not stor else 80,
                      showlegend=False, margin=dict(l=0, r=0, t=0, b=0),
                      xaxis=dict(visible=False), yaxis=dict(visible=False))
    return fig
