"""Byggare för Kolada-jämförelser: kommunen mot jämförelsegruppen och riket över åren, och
kommunens rankning bland landets kommuner – färgad som Kolada gör (bästa fjärdedelen, mittersta
hälften, sämsta fjärdedelen), alltid märkt som rankning och aldrig i målets trafikljusfärger.
Ingen databas: får DataFrames ur data.uppfoljning.fragor.kolada_*."""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Optional

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from data.uppfoljning.regler import RANK_FARG, Rankning, rankning
from komponenter.format import med_enhet

log = logging.getLogger(__name__)

RANK_STIL = {"bast": "rank-bast", "mitten": "rank-mitten", "samst": "rank-samst"}
RANK_FORKLARING = ("Rankningen jämför kommunen med landets alla kommuner det året, som Kolada: bästa "
                   "fjärdedelen, mittersta hälften eller sämsta fjärdedelen, efter planens riktning (högre eller "
                   "lägre är bättre). Den säger inget om planens mål – målens trafikljus finns på målområdessidorna.")
FARG_KOMMUN, FARG_GRUPP, FARG_RIKET = "#0a4fa8", "#6f42c1", "#555555"


@dataclass
class Serie:
    kpi: str
    titel: str
    ar: list[int] = field(default_factory=list)
    kommun: dict[int, float] = field(default_factory=dict)
    grupp: dict[int, float] = field(default_factory=dict)
    riket: dict[int, float] = field(default_factory=dict)
    kon: dict[str, dict[int, float]] = field(default_factory=dict)   # K/M för kommunen, om uppdelat
    rank: dict[int, Rankning] = field(default_factory=dict)
    hamtad: Optional[str] = None
    kallor: list[str] = field(default_factory=list)


def _ok(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def serie(varden: pd.DataFrame, kpi: str, titel: str, inst: dict, riktning: Optional[str]) -> Serie:
    """Ett nyckeltals värden → kommunens, gruppens och rikets serie och rankningen per år."""
    s = Serie(kpi, titel)
    df = varden[varden.kpi == kpi]
    if df.empty:
        return s
    kommun, riket = inst.get("kommun"), inst.get("riket") or "0000"
    grp = inst.get("jamforelsegrupp") or {}
    tot = df[df.kon == "T"]
    s.ar = sorted({int(a) for a in df.ar})
    for r in tot.itertuples():
        if not _ok(r.varde):
            continue
        if r.kommun == kommun:
            s.kommun[int(r.ar)] = float(r.varde)
        elif r.kommun == riket:
            s.riket[int(r.ar)] = float(r.varde)
        elif grp.get("id") and r.kommun == grp["id"]:
            s.grupp[int(r.ar)] = float(r.varde)
    if not grp.get("id") and grp.get("kommuner"):   # ovägt medel av gruppens kommuner, som Koladas grupper
        g = tot[tot.kommun.isin(grp["kommuner"]) & tot.varde.notna()]
        s.grupp = {int(a): float(v) for a, v in g.groupby("ar").varde.mean().items()}
    for kon in ("K", "M"):
        k = df[(df.kon == kon) & (df.kommun == kommun) & df.varde.notna()]
        if not k.empty:
            s.kon[kon] = {int(r.ar): float(r.varde) for r in k.itertuples()}
    for ar, g in tot.groupby("ar"):
        r = rankning(dict(zip(g.kommun, g.varde.where(g.varde.notna(), None))), kommun, riktning)
        if r:
            s.rank[int(ar)] = r
    s.hamtad = str(pd.Timestamp(df.hamtad.max()).date())
    s.kallor = sorted(set(df.kalla_url))[:3]
    return s


def figur(s: Serie, enhet: str, kommunnamn: str, gruppnamn: Optional[str]) -> go.Figure:
    fig = go.Figure()
    for namn, data, farg, streck in ((kommunnamn, s.kommun, FARG_KOMMUN, "solid"),
                                     (gruppnamn or "Jämförelsegrupp", s.grupp, FARG_GRUPP, "dash"),
                                     ("Riket", s.riket, FARG_RIKET, "dot")):
        if data:
            x = sorted(data)
            fig.add_trace(go.Scatter(x=x, y=[data[a] for a in x], name=namn, mode="lines+markers",
                                     line={"color": farg, "dash": streck, "width": 3 if streck == "solid" else 2},
                                     hovertemplate=f"{namn} %{{x}}: %{{y}}<extra></extra>"))
    fig.update_layout(margin={"l": 40, "r": 10, "t": 10, "b": 30}, height=300, template="plotly_white",
                      legend={"orientation": "h", "y": -0.2}, separators=", ",
                      yaxis={"title": enhet or None}, xaxis={"dtick": 1, "tickformat": "d"})
    return fig


def rankmarke(r: Rankning, ar: int) -> html.Span:
    return html.Span(f"Rankning {ar}: plats {r.plats} av {r.antal} ({RANK_FARG[r.grupp]})",
                     className=f"rankmarke {RANK_STIL[r.grupp]}", title=RANK_FORKLARING)


def tabell(s: Serie, enhet: str, kommunnamn: str, gruppnamn: Optional[str]) -> html.Table:
    huvud = ["År", kommunnamn, gruppnamn or "Jämförelsegrupp", "Riket", "Rankning bland kommunerna"]
    rader = []
    for ar in s.ar:
        r = s.rank.get(ar)
        rader.append(html.Tr([html.Th(str(ar), scope="row"),
                              *[html.Td(med_enhet(d.get(ar), enhet) or "–") for d in (s.kommun, s.grupp, s.riket)],
                              html.Td(html.Span(f"{r.plats} av {r.antal}", className=f"rankmarke {RANK_STIL[r.grupp]}",
                                                title=RANK_FARG[r.grupp]) if r else "–")]))
    return html.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in huvud])), html.Tbody(rader)],
                      className="table table-sm jamforelsetabell")


def jamforelsekort(ind: dict, serier: list[Serie], inst: dict, kommunnamn: str) -> html.Article:
    """Ett kort per indikator på /jamforelse."""
    grp = inst.get("jamforelsegrupp") or {}
    gruppnamn = grp.get("namn") if (grp.get("id") or grp.get("kommuner")) else None
    enhet = ind.get("mattenhet") or ""
    delar = [html.H3([html.Span(ind["kod"], className="badge text-bg-secondary me-2"), ind["namn"]], className="h5")]
    for s in serier:
        delar.append(html.H4([f"Kolada {s.kpi}: ", s.titel or "(titel inte hämtad)"], className="h6 mt-2"))
        if not s.ar:
            delar.append(html.P(["Inga värden hämtade för ", html.Code(s.kpi), " ännu."], className="fst-italic"))
            continue
        senaste = max(s.rank) if s.rank else None
        delar += [
            html.Div(rankmarke(s.rank[senaste], senaste), className="mb-1") if senaste else
            html.P("Ingen rankning: planen anger inte om högre eller lägre är bättre, eller kommunen saknar värde.",
                   className="small text-muted"),
            dcc.Graph(figure=figur(s, enhet, kommunnamn, gruppnamn), config={"displayModeBar": False},
                      className="jamforelsegraf", style={"height": "300px"}),
            html.Details([html.Summary("Visa värdena som tabell"), tabell(s, enhet, kommunnamn, gruppnamn)],
                         className="small", open=False),
            html.P([f"Hämtat ur Kolada {s.hamtad}. Källa: ",
                    *[html.Code(u, className="me-1") for u in s.kallor]], className="small text-muted mb-0"),
        ]
        if s.kon:
            delar.append(html.P("Kön: " + "; ".join(
                f"{'kvinnor' if k == 'K' else 'män'} {med_enhet(v[max(v)], enhet)} ({max(v)})"
                for k, v in s.kon.items()), className="small"))
    return html.Article(delar, className="card card-body mb-3 jamforelsekort", **{"data-kod": ind["kod"]})


def kortrad(serier: list[Serie], kommunnamn: str) -> Optional[html.Div]:
    """En rad på indikatorkortet: senaste Kolada-värdet, riket och rankningen, med länk till /jamforelse."""
    bitar = []
    for s in serier:
        if not s.kommun:
            continue
        ar = max(s.kommun)
        text = f"Kolada {s.kpi} {ar}: {kommunnamn} {med_enhet(s.kommun[ar], '')}"
        if ar in s.riket:
            text += f", riket {med_enhet(s.riket[ar], '')}"
        if ar in s.grupp:
            text += f", jämförelsegruppen {med_enhet(s.grupp[ar], '')}"
        bitar.append(html.Span(text + ". ", className="me-1"))
        if ar in s.rank:
            bitar.append(rankmarke(s.rank[ar], ar))
    if not bitar:
        return None
    return html.Div([*bitar, " ", dcc.Link("Jämförelse", href="/jamforelse", className="ms-1")],
                    className="small kolada-rad mt-1")
