"""Figurbyggare (plotly.graph_objects, SVG – ingen WebGL). Inga databasanrop här."""
from __future__ import annotations

import datetime as dt
import math

import plotly.graph_objects as go

from data.uppfoljning.serier import _ok, indikatorserier, malar_i  # noqa: F401 (en källa för serierna)
from komponenter import format as fmt
from komponenter.tema import (BLA, GRA, LINJEBREDD, MARKOR, ORANGE, plotly_mall, status_stil)

# Utfallets ursprung → serie i diagrammet: namn i förklaringen, markör, färg, linje
SERIER = {
    "publicerat": dict(namn="Utfall (publicerat)", symbol="circle", farg=BLA, streck="solid"),
    "publicerat (prognos)": dict(namn="Prognos (publicerad)", symbol="circle-open", farg=BLA, streck="dot"),
    "rapporterat": dict(namn="Utfall (rapporterat)", symbol="square", farg=BLA, streck="solid"),
    "exempel": dict(namn="Exempel (påhittat)", symbol="x", farg=GRA, streck="dot"),
}


def _hovertext(p: tuple, enhet: str) -> str:
    """Hovringstexten för ett utfall: period, värde, ursprung och källa."""
    rader = [f"<b>{p[2]}</b>: {fmt.med_enhet(p[1], enhet)}"]
    if p[4] == "exempel":
        rader.append("exempel – påhittat, inte kommunens rapportering")
    elif p[4].startswith("publicerat"):
        rader.append("prognos enligt källan" if "prognos" in p[4] else "publicerat av kommunen")
        if p[5]:
            rader.append("källa: " + (p[5] if len(p[5]) <= 60 else p[5][:57] + "…"))
    elif p[7]:
        rader.append(f"rapporterat av {p[7]}")
    return "<br>".join(rader)


def _axel_ar(datum: list[dt.date], malar: list[int]) -> dict:
    """Tidsaxel: punkterna vid periodens slutdatum, årsetiketten mitt över året (Delår 2 2020
    ligger i 2020, inte före 2020-strecket)."""
    ar = sorted({d.year for d in datum} | set(malar)) or [dt.date.today().year]
    return dict(type="date", ticklabelmode="period", dtick="M12", tick0="2000-01-01", tickformat="%Y",
                hoverformat="%Y-%m-%d",
                range=[dt.date(ar[0], 1, 1), dt.date(ar[-1] + 1, 1, 1) + dt.timedelta(days=45)])


# Luft över det högsta värdet (andel av spannet): etiketten ovanför punkten stannar i ritytan och når
# aldrig upp till förklaringen ovanför diagrammet (också i storbild vid 720 px höjd)
LUFT_OVER = 0.3


def _yaxel(varden: list[float]) -> dict:
    """Från noll när allt är positivt; med negativa värden ett intervall med luft under det lägsta, så
    att etiketten under punkten (t.ex. "−250") inte hamnar på x-axelns årtal. Luft över det högsta, så
    att etiketten ovanför inte hamnar under förklaringen."""
    varden = [v for v in varden if math.isfinite(v)]   # lagrade ±oändligt: plotly väljer själv
    if not any(varden):   # inga värden, eller bara nollor: plotly väljer själv
        return dict(rangemode="tozero")
    lag, hog = min(varden + [0.0]), max(varden + [0.0])
    spann = (hog - lag) or abs(lag) or abs(hog) or 1.0
    if lag >= 0:
        return dict(range=[0, hog + LUFT_OVER * spann])
    return dict(range=[lag - 0.2 * spann, hog + LUFT_OVER * spann])


def _etikettlage(p: tuple, malpunkter: list[tuple], golv: bool = False) -> str:
    """Utfallets etikett under punkten – men över den när ett lägre mål (eller nuvärde) står samma dag,
    vars etikett står ovanför sin romb (annars skrivs "4,6" över målets "2,6"), och när punkten ligger på
    axelns golv (golv: axeln börjar på noll och värdet är noll), där etiketten annars hamnar bland
    årtalen och förklaringen."""
    samma = [m[1] for m in malpunkter if m[0] == p[0]]
    if golv and p[1] <= 0:
        return "top center"
    return "top center" if samma and p[1] > max(samma) else "bottom center"


def _maletikettlage(m: tuple, utfall: list[tuple]) -> str:
    """Målets (nuvärdets) etikett över romben – men under den när ett högre utfall står samma dag, vars
    etikett då står ovanför sin punkt (_etikettlage): annars skrivs "180" över målets "176"."""
    return "bottom center" if any(p[0] == m[0] and p[1] > m[1] for p in utfall) else "top center"


def indikatorfigur(ind: dict, serier: dict, stor: bool = False) -> go.Figure:
    """Nuvärde, planens mål (streckat, romber) och utfall: en serie per ursprung (publicerat,
    prognos, rapporterat, exempel) med egen markör och eget namn; tomma serier ritas inte."""
    enhet = ind.get("mattenhet") or ""
    lw, ms = LINJEBREDD[stor], MARKOR[stor]
    fig = go.Figure()
    nuv, mal, ut = serier["nuvarde"], serier["mal"], serier["utfall"]
    malpunkter = ([nuv] if nuv else []) + mal
    golv = all(v >= 0 for v in [p[1] for p in malpunkter] + [x[1] for x in ut] if math.isfinite(v))
    if malpunkter:
        fig.add_trace(go.Scatter(
            x=[p[0] for p in malpunkter], y=[p[1] for p in malpunkter], name="Nuvärde och mål",
            mode="lines+markers+text", line=dict(color=ORANGE, width=lw, dash="dash"),
            marker=dict(symbol=["square"] * (1 if nuv else 0) + ["diamond"] * len(mal), size=ms + 2,
                        color=["#ffffff"] * (1 if nuv else 0) + [ORANGE] * len(mal),
                        line=dict(color=ORANGE, width=2)),
            text=[fmt.tal(p[1]) for p in malpunkter], textposition=[_maletikettlage(m, ut) for m in malpunkter],
            textfont=dict(color=ORANGE), cliponaxis=False,
            customdata=[f"{p[2]}: {fmt.med_enhet(p[1], enhet)}" for p in malpunkter],
            hovertemplate="%{customdata}<extra></extra>"))
    for typ, stil in SERIER.items():
        punkter = [p for p in ut if p[4] == typ]
        if not punkter:
            continue
        fig.add_trace(go.Scatter(
            x=[p[0] for p in punkter], y=[p[1] for p in punkter], name=stil["namn"],
            mode="lines+markers+text", line=dict(color=stil["farg"], width=lw, dash=stil["streck"]),
            marker=dict(symbol=stil["symbol"], size=ms + 2, color=stil["farg"], line=dict(color=stil["farg"], width=2)),
            text=[fmt.tal(p[1]) for p in punkter], textposition=[_etikettlage(p, malpunkter, golv) for p in punkter],
            textfont=dict(color=stil["farg"]),
            cliponaxis=False, meta=typ,
            customdata=[_hovertext(p, enhet) for p in punkter],
            hovertemplate="%{customdata}<extra></extra>"))
    fig.update_layout(
        template=plotly_mall(stor), height=320 if not stor else 460, showlegend=True,
        separators=fmt.PLOTLY_SEPARATORER,
        xaxis=_axel_ar([p[0] for p in malpunkter] + [p[0] for p in ut], malar_i(ind)),
        yaxis=dict(title=dict(text=enhet), tickformat=fmt.PLOTLY_TICKFORMAT, automargin=True,
                   **_yaxel([p[1] for p in malpunkter] + [x[1] for x in ut])),
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
