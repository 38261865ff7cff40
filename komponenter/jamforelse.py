"""Byggare för Kolada-jämförelser: per nyckeltal kommunen mot jämförelsegruppens kommuner och
medelvärde och riket över åren, kvinnor och män där Kolada delar upp, och en rad på indikatorkorten.
Placering visas bara som märkt placering (bland kommunen och gruppens kommuner, efter planens
riktning) – aldrig som målets trafikljus. Ingen databas: får data.uppfoljning.jamforelse:s
Nyckeltal och värden i långt format."""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Optional

import pandas as pd
from dash import dcc, html

from data.uppfoljning.jamforelse import Nyckeltal
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


@dataclass
class Index:
    """Ett nyckeltals värden uppslagna en gång: (roll, kommun, kön) → {år: (värde, hämtad)} och namnen."""
    serier: dict[tuple[str, str, str], dict[int, tuple[float, object]]]
    namn: dict[tuple[str, str], str]

    def kommuner(self, roll: str) -> list[tuple[str, str]]:
        return sorted(((k, n) for (r, k), n in self.namn.items() if r == roll), key=lambda t: t[1])

    def serie(self, roll: str, kommun: Optional[str] = None, kon: str = "T") -> dict[int, float]:
        ut: dict[int, float] = {}
        for (r, k, g), d in self.serier.items():
            if r == roll and g == kon and (kommun is None or k == kommun):
                ut.update({a: v for a, (v, _) in d.items()})
        return ut

    def ar(self) -> list[int]:
        return sorted({a for (_, _, g), d in self.serier.items() if g == "T" for a in d})

    def placering(self, ar: int, riktning: Optional[str]) -> Optional[tuple[int, int]]:
        """Kommunens plats bland kommunen och gruppens kommuner (1 = bäst efter planens riktning)."""
        if riktning not in ("hogre", "lagre"):
            return None
        egen = self.serie("kommunen").get(ar)
        if egen is None:
            return None
        alla = [egen] + [d[ar][0] for (r, _, g), d in self.serier.items() if r == "gruppen" and g == "T" and ar in d]
        battre = sum(v > egen for v in alla) if riktning == "hogre" else sum(v < egen for v in alla)
        return battre + 1, len(alla)


def index(df: pd.DataFrame) -> Index:
    serier: dict = {}
    namn: dict = {}
    for r in df.itertuples():
        serier.setdefault((r.roll, r.kommun, r.kon), {})[int(r.ar)] = (float(r.varde), r.hamtad)
        namn[(r.roll, r.kommun)] = r.kommun_namn
    return Index(serier, namn)


def gruppnamn(inst: dict) -> str:
    return (inst.get("jamforelsegrupp") or {}).get("namn") or "Jämförelsegruppen"


def _spar(namn: str, data: dict[int, float], enhet: str, meta: str, hover: Optional[str] = None, **stil) -> dict:
    x = sorted(data)
    return {"type": "scatter", "x": x, "y": [data[a] for a in x], "name": namn, "mode": "lines+markers",
            "customdata": [visa(data[a], enhet) for a in x], "meta": meta,
            "hovertemplate": f"{hover or namn} %{{x}}: %{{customdata}}<extra></extra>", **stil}


def figur(n: Nyckeltal, ix: Index, inst: dict, kommunnamn: str, stor: bool = False) -> dict:
    """Kommunen (tjock), gruppens kommuner (tunna grå), gruppens medel (streckad) och riket (prickad)."""
    enhet = n.enhet or ""
    spar = [_spar(f"{gruppnamn(inst)}, var för sig" if i == 0 else namn, ix.serie("gruppen", kid), enhet,
                  f"gruppen|{kid}|T", hover=namn, legendgroup="gruppen", showlegend=i == 0, legendrank=4,
                  line={"color": FARG_GRUPP, "width": 1}, marker={"size": 4})
            for i, (kid, namn) in enumerate(ix.kommuner("gruppen"))]
    spar += [
        _spar(f"Medel, {gruppnamn(inst).lower()}", ix.serie("gruppmedel"), enhet, "gruppmedel||T", legendrank=2,
              line={"color": FARG_MEDEL, "width": 2.5, "dash": "dash"}, marker={"symbol": "diamond", "size": 8}),
        _spar("Riket", ix.serie("riket"), enhet, "riket||T", legendrank=3,
              line={"color": FARG_RIKET, "width": 2, "dash": "dot"}, marker={"symbol": "square", "size": 7}),
        _spar(kommunnamn, ix.serie("kommunen"), enhet, "kommunen||T", legendrank=1,
              line={"color": FARG_KOMMUN, "width": 4}, marker={"size": 9})]
    return _layout([t for t in spar if t["x"]], enhet, ar=len(ix.ar()), stor=stor)


def konsfigur(n: Nyckeltal, ix: Index, kommunnamn: str, stor: bool = False) -> Optional[dict]:
    """Kvinnor och män i kommunen (när Kolada delar upp nyckeltalet)."""
    enhet = n.enhet or ""
    spar = [_spar(f"{KONNAMN[kon]} i {kommunnamn}", ix.serie("kommunen", kon=kon), enhet, f"kommunen||{kon}",
                  line={"color": FARG_KON[kon], "width": 3, "dash": "solid" if kon == "K" else "dash"},
                  marker={"symbol": "circle" if kon == "K" else "square", "size": 8}) for kon in ("K", "M")]
    spar = [t for t in spar if t["x"]]
    return _layout(spar, enhet, hojd=240 if not stor else 320, ar=len(ix.ar()), stor=stor) if spar else None


@functools.lru_cache(maxsize=2)
def _mall(stor: bool = False) -> dict:
    return plotly_mall(stor).to_plotly_json()


def _layout(data: list[dict], enhet: str, hojd: int = 340, ar: int = 8, stor: bool = False) -> dict:
    """Gemensam layout. Årtalen: varje år när de är få, annars väljer plotly efter bredden (varje
    eller vartannat år) så att de inte trängs på en smal skärm. stor: sammanträdeslägets mall (22 px)."""
    return {"data": data, "layout": {
        "template": _mall(stor), "height": hojd if not stor else int(hojd * 1.3), "separators": fmt.PLOTLY_SEPARATORER,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "legend": {"orientation": "h", "y": -0.18, "x": 0, "yanchor": "top"},
        "yaxis": {"title": {"text": enhet}, "tickformat": fmt.PLOTLY_TICKFORMAT, "automargin": True},
        "xaxis": {"tickformat": "d", "tickangle": 0, "automargin": True, **({"dtick": 1} if ar <= 5 else {})}}}


def _cell(varde: Optional[tuple], enhet: str, kpi: str, kommun: str, ar: int, kon: str, roll: str) -> html.Td:
    if varde is None:
        return html.Td("–", className="text-end")
    return html.Td(visa(varde[0], enhet), className="text-end", title=f"hämtat {varde[1]}",
                   **{"data-kpi": kpi, "data-kommun": kommun, "data-ar": str(ar), "data-kon": kon, "data-roll": roll})


def tabell(n: Nyckeltal, ix: Index, kommunnamn: str, inst: dict) -> html.Div:
    """År för år: kommunen, gruppens kommuner, gruppens medel, riket och kommunens placering i gruppen."""
    enhet = n.enhet or ""
    kolumner = ([("kommunen", k, nm) for k, nm in ix.kommuner("kommunen")]
                + [("gruppen", k, nm) for k, nm in ix.kommuner("gruppen")]
                + [("gruppmedel", k, f"Medel, {gruppnamn(inst).lower()}") for k, _ in ix.kommuner("gruppmedel")]
                + [("riket", k, "Riket") for k, _ in ix.kommuner("riket")])
    placering = n.riktning in ("hogre", "lagre")
    huvud = ["År", *[nm for _, _, nm in kolumner]] + (["Placering (1 = bäst)"] if placering else [])
    rader = []
    for ar in ix.ar():
        celler = [_cell(ix.serier.get((roll, k, "T"), {}).get(ar), enhet, n.id, k, ar, "T", roll)
                  for roll, k, _ in kolumner]
        if placering:
            p = ix.placering(ar, n.riktning)
            celler.append(html.Td(f"{p[0]} av {p[1]}" if p else "–", className="text-end"))
        rader.append(html.Tr([html.Th(str(ar), scope="row"), *celler]))
    delar = [html.Table([html.Caption(f"{n.titel} – totalt"),
                         html.Thead(html.Tr([html.Th(h, scope="col") for h in huvud])), html.Tbody(rader)],
                        className="table table-sm jamforelsetabell")]
    kon = {g: d for (r, k, g), d in ix.serier.items() if r == "kommunen" and g in ("K", "M")}
    if kon:
        kid = next(k for (r, k, g) in ix.serier if r == "kommunen")
        delar.append(html.Table([
            html.Caption(f"Kvinnor och män i {kommunnamn}"),
            html.Thead(html.Tr([html.Th("År", scope="col"), html.Th("Kvinnor", scope="col"),
                                html.Th("Män", scope="col")])),
            html.Tbody([html.Tr([html.Th(str(ar), scope="row"),
                                 *[_cell(kon.get(g, {}).get(ar), enhet, n.id, kid, ar, g, "kommunen")
                                   for g in ("K", "M")]])
                        for ar in sorted({a for d in kon.values() for a in d})])],
            className="table table-sm jamforelsetabell"))
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


def _senaste(n: Nyckeltal, ix: Index, kommunnamn: str, inst: dict) -> html.P:
    egen = ix.serie("kommunen")
    if not egen:
        return html.P(f"{kommunnamn} har inget värde i Kolada för det här nyckeltalet.", className="fst-italic")
    ar = max(egen)
    bitar = [f"{ar}: {kommunnamn} ", html.Strong(visa(egen[ar], n.enhet))]
    medel, riket = ix.serie("gruppmedel").get(ar), ix.serie("riket").get(ar)
    if medel is not None:
        bitar.append(f", medel för {gruppnamn(inst).lower()} {visa(medel, n.enhet)}")
    if riket is not None:
        bitar.append(f", riket {visa(riket, n.enhet)}")
    p = ix.placering(ar, n.riktning)
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


def kort(n: Nyckeltal, df: pd.DataFrame, inst: dict, kommunnamn: str, stor: bool = False) -> html.Article:
    """Ett kort per nyckeltal på /jamforelse."""
    delar = [html.H3(n.rubrik or n.titel, className="h5 mb-1", id=f"kpi-{n.id}"),
             html.P([f"Kolada {n.id}: {n.titel}"], className="small text-muted mb-1"),
             html.P(matt_text(n), className="small mattrad")]
    if df.empty:
        delar.append(html.P("Värden för det här nyckeltalet finns inte i de inlästa Kolada-värdena.",
                            className="fst-italic"))
    else:
        ix = index(df)
        kf = konsfigur(n, ix, kommunnamn, stor)
        delar += [
            _senaste(n, ix, kommunnamn, inst),
            html.Figure([dcc.Graph(figure=figur(n, ix, inst, kommunnamn, stor), config=GRAF_KONFIG,
                                   className="jamforelsegraf"),
                         html.Figcaption(f"{n.titel}: {kommunnamn}, {gruppnamn(inst).lower()} och riket per år",
                                         className="visually-hidden")], className="mb-1"),
            html.Figure([html.Figcaption(f"Kvinnor och män i {kommunnamn}", className="small fw-semibold"),
                         dcc.Graph(figure=kf, config=GRAF_KONFIG, className="jamforelsegraf-kon")],
                        className="mb-1") if kf is not None else None,
            html.Details([html.Summary("Visa värdena som tabell"), tabell(n, ix, kommunnamn, inst)],
                         className="small mb-1"),
            kallrad(df),
        ]
    return html.Article(delar, className="card card-body mb-3 jamforelsekort", **{"data-kpi": n.id})


def kortrad(nt: list[Nyckeltal], df: pd.DataFrame, inst: dict, kommunnamn: str,
            href: str = "/jamforelse") -> Optional[html.Div]:
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
    return html.Div([*bitar, dcc.Link("Jämförelse med andra kommuner", href=f"{href}#kpi-{nt[0].id}",
                                      className="small")],
                    className="kolada-rad mt-1")
