"""Byggare för Kolada-jämförelser: per nyckeltal kommunen mot jämförelsegruppens kommuner och
medelvärde och riket över åren, kvinnor och män där Kolada delar upp, och en rad på indikatorkorten.
Placering visas bara som märkt placering (bland kommunen och gruppens kommuner, efter planens
riktning) – aldrig som målets trafikljus. Ingen databas: får data.uppfoljning.jamforelse:s
Nyckeltal och värden i långt format."""
from __future__ import annotations

import logging
from typing import Optional

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from data.uppfoljning.jamforelse import Nyckeltal, rang
from komponenter import format as fmt
from komponenter.tema import plotly_mall

log = logging.getLogger(__name__)

FARG_KOMMUN, FARG_MEDEL, FARG_RIKET, FARG_GRUPP = "#0a4fa8", "#6f2da8", "#222222", "#9a9a9a"
FARG_KON = {"K": "#b3006b", "M": "#00695c"}
KONNAMN = {"K": "Kvinnor", "M": "Män", "T": "Totalt"}
GRAF_KONFIG = {"displayModeBar": False, "locale": "sv"}


def decimaler(enhet: Optional[str]) -> int:
    """Kronor per invånare utan decimaler, andelar och index med en."""
    return 0 if (enhet or "").startswith("kr") else 1


def visa(v: Optional[float], enhet: Optional[str]) -> str:
    """Ett värde som på sidan: "6,3 %", "1 234 kr/inv", "–" när det saknas."""
    return fmt.med_enhet(v, enhet, decimaler(enhet)) or "–"


def _namn(df: pd.DataFrame, roll: str) -> list[tuple[str, str]]:
    x = df[df.roll == roll][["kommun", "kommun_namn"]].drop_duplicates()
    return sorted(zip(x.kommun, x.kommun_namn), key=lambda t: t[1])


def _serie(df: pd.DataFrame, roll: str, kommun: Optional[str] = None, kon: str = "T") -> dict[int, float]:
    x = df[(df.roll == roll) & (df.kon == kon)]
    if kommun is not None:
        x = x[x.kommun == kommun]
    return {int(a): float(v) for a, v in zip(x.ar, x.varde)}


def gruppnamn(inst: dict) -> str:
    return (inst.get("jamforelsegrupp") or {}).get("namn") or "Jämförelsegruppen"


def _spar(fig: go.Figure, namn: str, data: dict[int, float], enhet: str, **stil) -> None:
    x = sorted(data)
    fig.add_trace(go.Scatter(x=x, y=[data[a] for a in x], name=namn, mode="lines+markers",
                             customdata=[visa(data[a], enhet) for a in x],
                             hovertemplate=f"{namn} %{{x}}: %{{customdata}}<extra></extra>", **stil))


def figur(n: Nyckeltal, df: pd.DataFrame, inst: dict, kommunnamn: str) -> go.Figure:
    """Kommunen (tjock), gruppens kommuner (tunna grå), gruppens medel (streckad) och riket (prickad)."""
    enhet = n.enhet or ""
    fig = go.Figure()
    for i, (kid, namn) in enumerate(_namn(df, "gruppen")):
        _spar(fig, namn, _serie(df, "gruppen", kid), enhet, legendgroup="gruppen", showlegend=i == 0,
              line={"color": FARG_GRUPP, "width": 1}, marker={"size": 4}, meta=f"gruppen|{kid}|T", legendrank=4)
        if i == 0:
            fig.data[-1].name = f"{gruppnamn(inst)}, var för sig"
            fig.data[-1].hovertemplate = f"{namn} %{{x}}: %{{customdata}}<extra></extra>"
    _spar(fig, f"Medel, {gruppnamn(inst).lower()}", _serie(df, "gruppmedel"), enhet,
          line={"color": FARG_MEDEL, "width": 2.5, "dash": "dash"}, marker={"symbol": "diamond", "size": 8},
          meta="gruppmedel||T", legendrank=2)
    _spar(fig, "Riket", _serie(df, "riket"), enhet, line={"color": FARG_RIKET, "width": 2, "dash": "dot"},
          marker={"symbol": "square", "size": 7}, meta="riket||T", legendrank=3)
    _spar(fig, kommunnamn, _serie(df, "kommunen"), enhet, line={"color": FARG_KOMMUN, "width": 4},
          marker={"size": 9}, meta="kommunen||T", legendrank=1)
    fig.data = [t for t in fig.data if len(t.x)]
    _layout(fig, enhet, ar=len(set(df.ar)))
    return fig


def konsfigur(n: Nyckeltal, df: pd.DataFrame, kommunnamn: str) -> Optional[go.Figure]:
    """Kvinnor och män i kommunen (när Kolada delar upp nyckeltalet)."""
    enhet = n.enhet or ""
    fig = go.Figure()
    for kon in ("K", "M"):
        data = _serie(df, "kommunen", kon=kon)
        if data:
            _spar(fig, f"{KONNAMN[kon]} i {kommunnamn}", data, enhet, line={"color": FARG_KON[kon], "width": 3,
                  "dash": "solid" if kon == "K" else "dash"}, marker={"symbol": "circle" if kon == "K" else "square",
                                                                    "size": 8},
                  meta=f"kommunen||{kon}")
    if not fig.data:
        return None
    _layout(fig, enhet, hojd=240, ar=len(set(df.ar)))
    return fig


def _layout(fig: go.Figure, enhet: str, hojd: int = 340, ar: int = 8) -> None:
    """Gemensam layout. Årtalen: varje år när de är få, annars väljer plotly efter bredden (varje
    eller vartannat år) så att de inte trängs på en smal skärm."""
    fig.update_layout(template=plotly_mall(), height=hojd, separators=fmt.PLOTLY_SEPARATORER,
                      margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      legend={"orientation": "h", "y": -0.18, "x": 0, "yanchor": "top"},
                      yaxis={"title": {"text": enhet}, "tickformat": fmt.PLOTLY_TICKFORMAT, "automargin": True},
                      xaxis={"tickformat": "d", "tickangle": 0, "automargin": True, **({"dtick": 1} if ar <= 5 else {})})


def _cell(v: Optional[float], enhet: str, kpi: str, kommun: str, ar: int, kon: str = "T", roll: str = "",
          hamtad=None) -> html.Td:
    return html.Td(visa(v, enhet), className="text-end", title=f"hämtat {hamtad}" if hamtad else None,
                   **{"data-kpi": kpi, "data-kommun": kommun, "data-ar": str(ar), "data-kon": kon,
                      "data-roll": roll} if v is not None else {})


def tabell(n: Nyckeltal, df: pd.DataFrame, kommunnamn: str, inst: dict) -> html.Div:
    """År för år: kommunen, gruppens kommuner, gruppens medel, riket och kommunens placering i gruppen."""
    enhet = n.enhet or ""
    kolumner = ([("kommunen", k, nm) for k, nm in _namn(df, "kommunen")]
                + [("gruppen", k, nm) for k, nm in _namn(df, "gruppen")]
                + [("gruppmedel", k, f"Medel, {gruppnamn(inst).lower()}") for k, _ in _namn(df, "gruppmedel")]
                + [("riket", k, "Riket") for k, _ in _namn(df, "riket")])
    t = df[df.kon == "T"]
    varde = {(r.roll, r.kommun, int(r.ar)): (float(r.varde), r.hamtad) for r in t.itertuples()}
    placering = n.riktning in ("hogre", "lagre")
    huvud = ["År", *[nm for _, _, nm in kolumner]] + ([f"Placering av {kommunnamn} (1 = bäst)"] if placering else [])
    rader = []
    for ar in sorted({int(a) for a in t.ar}):
        celler = [_cell(*(varde.get((roll, k, ar)) or (None, None))[:1], enhet, n.id, k, ar, "T", roll,
                        (varde.get((roll, k, ar)) or (None, None))[1]) for roll, k, _ in kolumner]
        if placering:
            p = rang(df, n.id, ar, n.riktning)
            celler.append(html.Td(f"{p[0]} av {p[1]}" if p else "–", className="text-end"))
        rader.append(html.Tr([html.Th(str(ar), scope="row"), *celler]))
    kon = df[(df.roll == "kommunen") & df.kon.isin(["K", "M"])]
    delar = [html.Table([html.Caption(f"{n.titel} – totalt"),
                         html.Thead(html.Tr([html.Th(h, scope="col") for h in huvud])), html.Tbody(rader)],
                        className="table table-sm jamforelsetabell")]
    if not kon.empty:
        kv = {(r.kon, int(r.ar)): (float(r.varde), r.hamtad, r.kommun) for r in kon.itertuples()}
        delar.append(html.Table([
            html.Caption(f"Kvinnor och män i {kommunnamn}"),
            html.Thead(html.Tr([html.Th("År", scope="col"), html.Th("Kvinnor", scope="col"),
                                html.Th("Män", scope="col")])),
            html.Tbody([html.Tr([html.Th(str(ar), scope="row"),
                                 *[_cell((kv.get((k, ar)) or (None,))[0], enhet, n.id,
                                         (kv.get((k, ar)) or (None, None, ""))[2], ar, k, "kommunen",
                                         (kv.get((k, ar)) or (None, None))[1]) for k in ("K", "M")]])
                        for ar in sorted({a for _, a in kv})])], className="table table-sm jamforelsetabell"))
    return html.Div(delar, className="table-responsive")


def kallrad(df: pd.DataFrame) -> html.P:
    """"Källa: Kolada, hämtat 2024-08-30" – med åren per hämtning när det finns flera."""
    k = df[~df.beraknad.astype(bool)]
    dagar = sorted({d for d in k.hamtad})
    if len(dagar) <= 1:
        text = f"Källa: Kolada, hämtat {dagar[0]}." if dagar else ""
    else:
        delar = []
        for d in dagar:
            ar = sorted({int(a) for a in k[k.hamtad == d].ar})
            delar.append(f"{ar[0]}–{ar[-1]} hämtat {d}" if len(ar) > 1 else f"{ar[0]} hämtat {d}")
        text = "Källa: Kolada (" + "; ".join(delar) + ")."
    kallor = sorted({str(x) for x in k.kalla})
    bitar = [text]
    if df.beraknad.astype(bool).any():
        bitar.append(" Medelvärdet för gruppen har Målkoll räknat ut (ovägt medel av kommunernas värden).")
    return html.P(bitar, className="small text-muted kallrad mb-1", title="; ".join(kallor))


def _senaste(n: Nyckeltal, df: pd.DataFrame, kommunnamn: str, inst: dict) -> Optional[html.P]:
    t = df[df.kon == "T"]
    egen = t[t.roll == "kommunen"]
    if egen.empty:
        return html.P(f"{kommunnamn} har inget värde i Kolada för det här nyckeltalet.", className="fst-italic")
    ar = int(egen.ar.max())
    d = {r: t[(t.roll == r) & (t.ar == ar)].varde for r in ("kommunen", "gruppmedel", "riket")}
    bitar = [f"{ar}: {kommunnamn} ", html.Strong(visa(float(d['kommunen'].iloc[0]), n.enhet))]
    if len(d["gruppmedel"]):
        bitar.append(f", medel för {gruppnamn(inst).lower()} {visa(float(d['gruppmedel'].iloc[0]), n.enhet)}")
    if len(d["riket"]):
        bitar.append(f", riket {visa(float(d['riket'].iloc[0]), n.enhet)}")
    p = rang(df, n.id, ar, n.riktning)
    if p:
        bitar.append(f". Placering bland {kommunnamn} och {gruppnamn(inst).lower()}: {p[0]} av {p[1]} "
                     f"({'högre' if n.riktning == 'hogre' else 'lägre'} är bättre enligt planen)")
    return html.P([*bitar, "."], className="senaste mb-2")


def matt_text(n: Nyckeltal) -> list:
    """Hur nyckeltalet hänger ihop med planen: samma mått, närliggande mått eller utan indikator."""
    ind = "; ".join(f"{k} {nm}" for k, nm in n.indikatorer)
    if n.matt == "samma":
        forst = [html.Span("Samma mått", className="badge text-bg-light border me-1"), f"som planens indikator {ind}."]
    elif n.matt == "narliggande":
        forst = [html.Span("Närliggande mått", className="badge text-bg-warning me-1"),
                 f"– inte samma definition som planens indikator {ind}."]
    else:
        forst = [html.Span("Ingen egen indikator", className="badge text-bg-light border me-1"),
                 f"{n.omrade}." if n.omrade else ""]
    return forst + ([" ", n.skal] if n.skal else [])


def kort(n: Nyckeltal, df: pd.DataFrame, inst: dict, kommunnamn: str) -> html.Article:
    """Ett kort per nyckeltal på /jamforelse."""
    delar = [html.H3(n.rubrik or n.titel, className="h5 mb-1", id=f"kpi-{n.id}"),
             html.P([f"Kolada {n.id}: {n.titel}"], className="small text-muted mb-1"),
             html.P(matt_text(n), className="small mattrad")]
    if df.empty:
        delar.append(html.P("Värden för det här nyckeltalet finns inte i de inlästa Kolada-värdena.",
                            className="fst-italic"))
    else:
        kf = konsfigur(n, df, kommunnamn)
        delar += [
            _senaste(n, df, kommunnamn, inst),
            html.Figure([dcc.Graph(figure=figur(n, df, inst, kommunnamn), config=GRAF_KONFIG,
                                   className="jamforelsegraf"),
                         html.Figcaption(f"{n.titel}: {kommunnamn}, {gruppnamn(inst).lower()} och riket per år",
                                         className="visually-hidden")], className="mb-1"),
            html.Figure([html.Figcaption(f"Kvinnor och män i {kommunnamn}", className="small fw-semibold"),
                         dcc.Graph(figure=kf, config=GRAF_KONFIG, className="jamforelsegraf-kon")],
                        className="mb-1") if kf is not None else None,
            html.Details([html.Summary("Visa värdena som tabell"), tabell(n, df, kommunnamn, inst)],
                         className="small mb-1"),
            kallrad(df),
        ]
    return html.Article(delar, className="card card-body mb-3 jamforelsekort", **{"data-kpi": n.id})


def kortrad(nt: list[Nyckeltal], df: pd.DataFrame, inst: dict, kommunnamn: str) -> Optional[html.Div]:
    """Kolada-raden på ett indikatorkort: senaste värdet mot gruppens medel och riket, mått och källa."""
    bitar = []
    for n in nt:
        d = df[(df.kpi == n.id) & (df.kon == "T")]
        egen = d[d.roll == "kommunen"]
        forst = "Kolada, närliggande mått" if n.matt == "narliggande" else "Kolada"
        if egen.empty:
            bitar.append(html.Div(f"{forst} ({n.id} {n.titel}): inget värde för {kommunnamn}.", className="small"))
            continue
        ar = int(egen.ar.max())
        text = f"{forst} ({n.id} {n.titel}) {ar}: {kommunnamn} {visa(float(egen[egen.ar == ar].varde.iloc[0]), n.enhet)}"
        for roll, namn in (("gruppmedel", f"medel för {gruppnamn(inst).lower()}"), ("riket", "riket")):
            x = d[(d.roll == roll) & (d.ar == ar)]
            if len(x):
                text += f", {namn} {visa(float(x.varde.iloc[0]), n.enhet)}"
        dagar = sorted({str(h) for h in d[~d.beraknad.astype(bool)].hamtad})
        bitar.append(html.Div([text + ". ", html.Span(f"Källa: Kolada, hämtat {', '.join(dagar)}.",
                                                      className="text-muted")], className="small"))
    if not bitar:
        return None
    return html.Div([*bitar, dcc.Link("Jämförelse med andra kommuner", href="/jamforelse", className="small")],
                    className="kolada-rad mt-1")
