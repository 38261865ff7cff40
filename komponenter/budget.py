"""Budgetsidans byggare: nyckeltal, tabeller (riktiga HTML-tabeller, tal högerställda) och figurer
(plotly.graph_objects, SVG – ingen WebGL) med textalternativ. Rena – inga databasanrop.

Belopp kommer i tkr med planens tecken (negativt = kostnad) och visas i tkr ("-25 000") eller
mnkr ("-25,0") enligt `enhet`. Procentrader visas som tryckta.
"""
from __future__ import annotations

import math
import re
from typing import Iterable, Optional

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from data.uppfoljning import budgetregler as br
from data.uppfoljning.regler import EJ_RAPPORTERAD
from komponenter import format as fmt
from komponenter.tema import BLA, GRA, GRON, ORANGE, VERMILJON, plotly_mall
from komponenter.text import fritext
from komponenter.trafikljus import statusmarke

EXEMPEL = "Exempeldata – inte kommunens rapportering"
GRAF_KONFIG = {"displayModeBar": False, "responsive": True, "locale": "sv"}
ENHETER = ("tkr", "mnkr")
META = ("rad_id", "grupp", "post", "typ", "fotnot")
FOTNOTSTECKEN = "¹²³⁴⁵⁶⁷⁸⁹"
# Budgetstatus: (bakgrund, textfärg, symbol, css-klass) – samma färger och symboler som
# motsvarande statusar i komponenter.tema (grön ✓, gul ▲, röd ✕), minst 4,5:1 i kontrast.
BUDGETSTATUS_STIL = {
    br.UNDERSKOTT: ("#a63d00", "#ffffff", "✕", "underskott"),
    br.MINDRE_UNDERSKOTT: ("#e69f00", "#000000", "▲", "mindre-underskott"),
    br.I_BALANS: ("#00735a", "#ffffff", "✓", "i-balans"),
    br.OVERSKOTT: ("#00735a", "#ffffff", "✓", "overskott"),
}
# Färg per kolumn (år) i diagrammen; utfall är grått
AR_FARGER = [BLA, ORANGE, "#cc79a7", GRON, "#56b4e9"]
NUM = "text-end text-nowrap"
TABELLSTIL = {"fontVariantNumeric": "tabular-nums"}


# --- Tal och enheter ---

def enhet_fran_fraga(varde) -> str:
    """URL-parametern belopp → "tkr" (standard) eller "mnkr"."""
    v = varde[-1] if isinstance(varde, list) and varde else varde
    return "mnkr" if v == "mnkr" else "tkr"


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def _t(x) -> str:
    return x if isinstance(x, str) else ""


def belopp(x, enhet: str = "tkr") -> str:
    """Belopp i tkr visat i vald enhet, med minustecken som i planens tabeller."""
    return fmt.tkr(x, enhet) if _ok(x) else ""


def belopp_med_enhet(x, enhet: str = "tkr") -> str:
    b = belopp(x, enhet)
    return f"{b}{fmt.NBSP}{enhet}" if b else ""


def skala(x, enhet: str = "tkr") -> Optional[float]:
    """Värdet som ritas: tkr oförändrat, mnkr = tkr / 1000."""
    if not _ok(x):
        return None
    return float(x) / 1000 if enhet == "mnkr" else float(x)


def mnkr(x) -> str:
    """Nyckeltal: beloppets storlek i mnkr med högst en decimal ("228,9 mnkr", "23 mnkr")."""
    if not _ok(x):
        return ""
    return fmt.med_enhet(round(abs(float(x)) / 1000, 1), "mnkr")


def kolumner(bred: pd.DataFrame) -> list[str]:
    """Beloppskolumnerna i en tabell från fragor.budget_bred, i planens ordning."""
    return [k for k in bred.columns if k not in META]


def kolumnfarger(kol: list[str]) -> dict[str, str]:
    """Färg per kolumn: utfall grått, budget- och planår i paletten i tur och ordning."""
    ut, i = {}, 0
    for k in kol:
        if k.startswith("Utfall"):
            ut[k] = GRA
        else:
            ut[k] = AR_FARGER[i % len(AR_FARGER)]
            i += 1
    return ut


def _fotnoter(bred: pd.DataFrame) -> dict[str, str]:
    """Fotnot → markering (¹, ², …) i den ordning fotnoterna förekommer."""
    ut: dict[str, str] = {}
    for f in bred.fotnot:
        if _t(f) and f not in ut:
            ut[f] = FOTNOTSTECKEN[len(ut) % len(FOTNOTSTECKEN)]
    return ut


def visat_postnamn(post: str, enhet: str = "tkr") -> str:
    """Postens namn som det visas: planens ord, men "tkr" i namnet följer vald enhet
    ("Förändring i tkr" → "Förändring i mnkr", "Summa, tkr" → "Summa, mnkr")."""
    return re.sub(r"\btkr\b", "mnkr", post) if enhet == "mnkr" else post


def _postnamn(post: str, fotnot, markering: dict[str, str], enhet: str = "tkr") -> list:
    namn = visat_postnamn(post, enhet)
    if _t(fotnot) and fotnot in markering:
        return [namn, html.Sup(markering[fotnot], title=fotnot, className="fotnotsmarkering")]
    return [namn]


def fotnotslista(bred: pd.DataFrame) -> html.Div | None:
    markering = _fotnoter(bred)
    if not markering:
        return None
    return html.Div([html.P([html.Sup(m), " ", f], className="small mb-0 fotnot") for f, m in markering.items()],
                    className="fotnoter mt-1")


# --- Nyckeltal ---

def _nyckeltalskort(rubrik: str, stort: str, detalj: str, id_: str, extra=None) -> html.Div:
    return html.Div(html.Div([
        html.H3(rubrik, className="h6 text-uppercase mb-1 nyckeltal-rubrik"),
        html.P(stort, className="display-5 fw-bold mb-1 nyckeltal-varde"),
        html.P(detalj, className="small text-muted mb-0 nyckeltal-detalj"),
        extra,
    ], className="card-body"), className="card h-100 nyckeltal", id=id_)


def nyckeltal_rad(nt: dict, enhet: str = "tkr", uppfoljning: html.Div | None = None) -> html.Div:
    """Nyckeltalen stort (för projektorn): nettokostnad, investeringar, effektivisering (+ uppföljning)."""
    ar = nt["ar"]
    netto, inv, eff = nt.get("netto"), nt.get("investeringar"), nt.get("effektivisering")
    kort = [
        _nyckeltalskort(f"{'Nettokostnad' if not _ok(netto) or netto <= 0 else 'Netto'} {ar}",
                        mnkr(netto) or "–",
                        f"Driftbudget, netto {nt.get('netto_kolumn') or ''}: {belopp_med_enhet(netto, enhet) or 'saknas'}",
                        "nyckeltal-netto"),
        _nyckeltalskort(f"Investeringar {ar}", mnkr(inv) or "–",
                        f"Summa investeringar {nt.get('investeringar_kolumn') or ''}: "
                        f"{belopp_med_enhet(inv, enhet) or 'saknas'}", "nyckeltal-investeringar"),
        _nyckeltalskort(f"Effektivisering {ar}", mnkr(eff) or "–",
                        f"{nt.get('effektivisering_post') or 'Effektivisering'}, {nt.get('effektivisering_kolumn') or ''}: "
                        f"{belopp_med_enhet(eff, enhet) or 'saknas'}", "nyckeltal-effektivisering"),
    ]
    if uppfoljning is not None:
        kort.append(uppfoljning)
    return html.Div([html.Div(k, className="col-md-6 col-xl-3 mb-3") for k in kort], className="row nyckeltal-rad")


def uppfoljningskort(df: pd.DataFrame, period: str, enhet: str = "tkr") -> html.Div:
    """Nyckeltalskort för prognosen: summaradens avvikelse med trafikljus, eller Ej rapporterad."""
    summa = df[df.typ == "summa"]
    r = summa.iloc[0] if not summa.empty else None
    if r is None or not r.rapporterad or not _ok(r.avvikelse):
        return _nyckeltalskort(f"Prognos helår – {period}", EJ_RAPPORTERAD,
                               "Ingen prognos rapporterad för perioden.", "nyckeltal-prognos",
                               html.A("Till uppföljningen", href="#uppfoljning", className="small"))
    avv = r.avvikelse
    rubrik = f"{'Prognos helår' if _ok(r.prognos) else 'Avvikelse'} – {period}"
    return _nyckeltalskort(
        rubrik, ("+" if avv > 0 else fmt.MINUS if avv < 0 else "") + mnkr(avv),
        f"Avvikelse mot budget, {r.post} ({r.kolumn}): {belopp_med_enhet(avv, enhet)}"
        + (f" ({fmt.procent(r.avvikelse_procent, 1)})" if _ok(r.avvikelse_procent) else ""),
        "nyckeltal-prognos",
        html.Div([budgetmarke(r.status, r.status_skal), " ", *_kalla(r.to_dict())], className="mt-2"))


# --- Statusmärke ---

def budgetmarke(status: str, forklaring: str = "") -> html.Span:
    """Trafikljus för budgetavvikelse: symbol + ord + färg (aldrig färg ensam)."""
    if status not in BUDGETSTATUS_STIL:
        return statusmarke(status, forklaring)
    bg, fg, symbol, klass = BUDGETSTATUS_STIL[status]
    return html.Span([html.Span(symbol, className="status-symbol", **{"aria-hidden": "true"}), " ", status],
                     className=f"statusmarke status-{klass}", title=forklaring or status,
                     style={"backgroundColor": bg, "color": fg})


def _kalla(r) -> list:
    delar = []
    if bool(r.get("exempel")):
        delar.append(html.Span("exempel", className="badge text-bg-warning me-1", title=EXEMPEL))
    if _t(r.get("kalla_url")):
        delar.append(html.A("Källa", href=r["kalla_url"], target="_blank", rel="noopener noreferrer",
                            title=r["kalla_url"], className="kallalank"))
    elif _t(r.get("kalla")):
        delar.append(html.Span(f"Källa: {r['kalla']}", className="text-muted small"))
    return delar


def exempelforklaring(df: pd.DataFrame) -> html.P | None:
    if df.empty or not df.exempel.any():
        return None
    return html.P([html.Span("exempel", className="badge text-bg-warning me-1"), EXEMPEL,
                   " – påhittade värden som visar hur uppföljningen fungerar."],
                  className="small exempelforklaring", role="note")


# --- Tabeller ---

def _tabell(huvud: list, kroppar: list, rubrik: str, id_: str, klass: str = "") -> html.Div:
    return html.Div(html.Table([html.Caption(rubrik, className="caption-top fw-semibold text-body"),
                                html.Thead(html.Tr(huvud)), *kroppar],
                               className=f"table table-sm budgettabell {klass}".strip(), id=id_, style=TABELLSTIL),
                    className="table-responsive", tabIndex="0", role="region", **{"aria-label": rubrik})


def _huvud(forsta: str, kol: Iterable[str]) -> list:
    return [html.Th(forsta, scope="col")] + [html.Th(k, scope="col", className=NUM) for k in kol]


def _radklass(typ: str) -> str:
    return {"summa": "summarad fw-bold", "varav": "varavrad fst-italic",
            "forandring_tkr": "forandringsrad", "forandring_procent": "forandringsrad"}.get(typ, "beloppsrad")


def _cell(r: dict, k: str, enhet: str) -> str:
    v = r.get(k)
    if r["typ"] == "forandring_procent":
        return fmt.tal(v, 1) if _ok(v) else ""
    return belopp(v, enhet)


def budgettabell(bred: pd.DataFrame, enhet: str, rubrik: str, id_: str, forsta: str = "Post") -> html.Div:
    """En budgettabell som i planen (fragor.budget_bred): en rad per post, en kolumn per år."""
    kol = kolumner(bred)
    markering = _fotnoter(bred)
    rader = []
    for r in bred.to_dict("records"):
        namn = _postnamn(r["post"], r.get("fotnot"), markering, enhet)
        rader.append(html.Tr(
            [html.Th(namn, scope="row", className="ps-4" if r["typ"] == "varav" else None)]
            + [html.Td(_cell(r, k, enhet), className=NUM, **{"data-kolumn": k}) for k in kol],
            className=_radklass(r["typ"]), **{"data-post": r["post"], "data-typ": r["typ"]}))
    enhetstext = f"belopp i {enhet}" + (", förändring i %" if (bred.typ == "forandring_procent").any() else "")
    return html.Div([_tabell(_huvud(forsta, kol), [html.Tbody(rader)], f"{rubrik} ({enhetstext})", id_),
                     fotnotslista(bred)])


def investeringsrader(bred: pd.DataFrame) -> list[dict]:
    """Investeringstabellens rader i ordning: grupprubrik, poster, gruppens delsumma (beräknad),
    och dokumentets summarad sist. typ: grupp / belopp / delsumma / summa."""
    kol = kolumner(bred)
    ut: list[dict] = []
    poster = bred[bred.typ == "belopp"]
    grupper = list(dict.fromkeys(g for g in poster.grupp if _t(g)))
    for g in grupper:
        del_ = poster[poster.grupp == g]
        ut.append({"typ": "grupp", "post": g, "grupp": g, "varden": {}})
        ut += [{"typ": "belopp", "post": r["post"], "grupp": g, "varden": {k: r[k] for k in kol}}
               for r in del_.to_dict("records")]
        ut.append({"typ": "delsumma", "post": f"Summa {g[:1].lower()}{g[1:]}", "grupp": g,
                   "varden": {k: float(del_[k].sum()) for k in kol}})
    utan = poster[~poster.grupp.apply(_t).astype(bool)]
    ut += [{"typ": "belopp", "post": r["post"], "grupp": None, "varden": {k: r[k] for k in kol}}
           for r in utan.to_dict("records")]
    for r in bred[bred.typ == "summa"].to_dict("records"):
        ut.append({"typ": "summa", "post": r["post"], "grupp": None, "varden": {k: r[k] for k in kol}})
    return ut


def arsspann(bred: pd.DataFrame) -> str:
    """"2020–2022" ur tabellens årskolumner (planens egna år)."""
    ar = sorted({int(m.group(1)) for k in kolumner(bred) if (m := re.search(r"(\d{4})$", str(k)))})
    return f"{ar[0]}–{ar[-1]}" if len(ar) > 1 else (str(ar[0]) if ar else "")


def investeringstabell(bred: pd.DataFrame, enhet: str, rubrik: str = "Investeringsbudget",
                       id_: str = "tabell-investeringar") -> html.Div:
    """Investeringsbudgeten per område i sina grupper, med delsumma per grupp och totalsumma."""
    kol = kolumner(bred)
    kroppar, rader = [], []
    for r in investeringsrader(bred):
        if r["typ"] == "grupp":
            if rader:
                kroppar.append(html.Tbody(rader))
            rader = [html.Tr(html.Th(r["post"], scope="rowgroup", colSpan=len(kol) + 1, className="pt-3"),
                             className="grupprad table-light", **{"data-grupp": r["post"]})]
            continue
        klass = {"delsumma": "delsummarad fw-semibold", "summa": "summarad fw-bold"}.get(r["typ"], "beloppsrad")
        th = html.Th(r["post"], scope="row", className="ps-4" if r["typ"] == "belopp" and r["grupp"] else None,
                     title="Delsumma räknad av Målkoll ur raderna ovan" if r["typ"] == "delsumma" else None)
        rader.append(html.Tr([th] + [html.Td(belopp(r["varden"].get(k), enhet), className=NUM, **{"data-kolumn": k})
                                     for k in kol],
                             className=klass, **{"data-post": r["post"], "data-typ": r["typ"]}))
    if rader:
        kroppar.append(html.Tbody(rader))
    return html.Div([_tabell(_huvud("Område", kol), kroppar, f"{rubrik} (belopp i {enhet})", id_),
                     html.P("Delsummorna per grupp är räknade ur raderna; totalsumman är planens.",
                            className="small text-muted mb-0")])


def datatabell(huvud: list[str], rader: list[list[str]]) -> html.Table:
    """Liten tabell med ett diagrams data (textalternativ), första kolumnen radrubrik."""
    return html.Table([html.Thead(html.Tr([html.Th(h, scope="col", className=None if i == 0 else NUM)
                                           for i, h in enumerate(huvud)])),
                       html.Tbody([html.Tr([html.Th(r[0], scope="row")] + [html.Td(c, className=NUM) for c in r[1:]])
                                   for r in rader])],
                      className="table table-sm datatabell", style=TABELLSTIL)


def diagram(fig: go.Figure, id_: str, sammanfattning: str, data: html.Table, rubrik: str,
            stor: bool = False) -> html.Figure:
    """dcc.Graph med uttrycklig höjd, sammanfattning (figcaption) och data i en <details>."""
    hojd = int(fig.layout.height or 400)
    return html.Figure([
        dcc.Graph(figure=fig, config=GRAF_KONFIG, id=id_, className="budgetgraf", style={"height": f"{hojd}px"}),
        html.Figcaption(sammanfattning, className="visually-hidden"),
        html.Details([html.Summary("Visa diagrammets data som tabell"), data], className="small"),
    ], className="mb-3", **{"aria-label": f"Diagram: {rubrik}"})


# --- Figurer ---

def _layout(fig: go.Figure, hojd: int, enhet: str, stor: bool, horisontell: bool = False, **kw) -> go.Figure:
    # standoff: axelns titel ("mnkr", "tkr") hålls fri från siffrorna (automargin ger plats)
    axel = dict(title=dict(text=enhet, standoff=24 if stor else 12), separatethousands=True, tickformat=",.0f" if enhet == "tkr" else ",.1~f")
    fig.update_layout(template=plotly_mall(stor), height=hojd, barmode=kw.pop("barmode", "group"),
                      margin=dict(l=10, r=30, t=40, b=50), **kw)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    if horisontell:
        fig.update_xaxes(**axel)
        fig.update_yaxes(autorange="reversed", showgrid=False)
    else:
        fig.update_yaxes(**axel)
    return fig


def _hover(varden: list, enhet: str) -> list[str]:
    return [belopp_med_enhet(v, enhet) if _ok(v) else "" for v in varden]


def driftserier(bred: pd.DataFrame) -> dict[str, dict[str, Optional[float]]]:
    """Driftbudgetens beloppsrader (inte förändringsraderna) per post och kolumn, i tkr."""
    kol = kolumner(bred)
    return {r["post"]: {k: (float(r[k]) if _ok(r[k]) else None) for k in kol}
            for r in bred.to_dict("records") if r["typ"] in ("belopp", "varav", "summa")}


def driftfigur(bred: pd.DataFrame, enhet: str = "tkr", stor: bool = False) -> go.Figure:
    """Driftbudgeten över planens år: intäkter, kostnader, varav kapitalkostnader och netto per år."""
    kol = kolumner(bred)
    serier = driftserier(bred)
    farger = {"belopp": [GRON, VERMILJON], "varav": ["#e69f00"], "summa": [BLA]}
    anv: dict[str, int] = {}
    fig = go.Figure()
    for r in bred.to_dict("records"):
        if r["typ"] not in farger:
            continue
        i = anv.get(r["typ"], 0)
        anv[r["typ"]] = i + 1
        farg = farger[r["typ"]][i % len(farger[r["typ"]])]
        v = [serier[r["post"]][k] for k in kol]
        fig.add_trace(go.Bar(
            x=kol, y=[skala(x, enhet) for x in v], name=r["post"],
            marker=dict(color=farg, line=dict(color=GRA, width=1),
                        pattern=dict(shape="/" if r["typ"] == "varav" else "", fillmode="overlay",
                                     fgcolor="#000000", fgopacity=0.45, size=7)),
            customdata=_hover(v, enhet), hovertemplate=f"{r['post']}, %{{x}}: %{{customdata}}<extra></extra>"))
    # Förändringen under årets kolumnrubrik
    forandring = {r["typ"]: r for r in bred.to_dict("records") if r["typ"].startswith("forandring")}
    ticktext = []
    for k in kol:
        t = k
        ftkr = forandring.get("forandring_tkr", {}).get(k)
        fpro = forandring.get("forandring_procent", {}).get(k)
        if _ok(ftkr):
            # i storbild inte mindre än 20 px (22 px × 0,91)
            t += (f"<br><span style='font-size:{'0.91em' if stor else '0.85em'}'>förändring<br>{belopp(ftkr, enhet)}"
                  + (f" ({fmt.procent(fpro, 1)})" if _ok(fpro) else "") + "</span>")
        ticktext.append(t)
    fig = _layout(fig, 440 if not stor else 600, enhet, stor, showlegend=True)
    fig.update_xaxes(tickvals=kol, ticktext=ticktext, tickangle=0)
    return fig


def driftsammanfattning(bred: pd.DataFrame, enhet: str = "tkr") -> str:
    kol = kolumner(bred)
    netto = bred[bred.typ == "summa"]
    delar = []
    if not netto.empty:
        n = netto.iloc[0]
        delar.append(f"{n.post} per år: " + ", ".join(f"{k} {belopp_med_enhet(n[k], enhet)}" for k in kol if _ok(n[k])))
    f = bred[bred.typ == "forandring_tkr"]
    if not f.empty:
        delar.append("förändring: " + ", ".join(f"{k} {belopp_med_enhet(f.iloc[0][k], enhet)}" for k in kol
                                                 if _ok(f.iloc[0][k])))
    return "Driftbudget: " + "; ".join(delar) + "."


def driftdata(bred: pd.DataFrame, enhet: str = "tkr") -> html.Table:
    kol = kolumner(bred)
    serier = driftserier(bred)
    return datatabell(["Post"] + kol, [[p] + [belopp(v[k], enhet) for k in kol] for p, v in serier.items()])


def verksamhetsfigur(bred: pd.DataFrame, enhet: str = "tkr", stor: bool = False) -> go.Figure:
    """Driftbudget per verksamhet: en stapelgrupp per verksamhet, en stapel per år (summan utelämnas)."""
    kol = kolumner(bred)
    rader = [r for r in bred.to_dict("records") if r["typ"] == "belopp"]
    markering = _fotnoter(bred)
    namn = [r["post"] + (markering.get(r["fotnot"], "") if _t(r.get("fotnot")) else "") for r in rader]
    farger = kolumnfarger(kol)
    fig = go.Figure()
    for k in kol:
        v = [r[k] for r in rader]
        fig.add_trace(go.Bar(
            y=namn, x=[skala(x, enhet) for x in v], name=k, orientation="h",
            marker=dict(color=farger[k], line=dict(color=GRA, width=0.5)),
            customdata=_hover(v, enhet), hovertemplate=f"%{{y}}, {k}: %{{customdata}}<extra></extra>"))
    return _layout(fig, max(360, 90 + len(rader) * (14 * len(kol) + 14)) if not stor else 900, enhet, stor,
                   horisontell=True, showlegend=True, bargap=0.2, bargroupgap=0.05)


def verksamhetssammanfattning(bred: pd.DataFrame, kolumn: str, enhet: str = "tkr") -> str:
    rader = bred[bred.typ == "belopp"].dropna(subset=[kolumn])
    summa = bred[bred.typ == "summa"]
    text = f"Driftbudget per verksamhet, {kolumn}: " + ", ".join(
        f"{post} {belopp_med_enhet(v, enhet)}" for post, v in zip(rader.post, rader[kolumn]))
    if not summa.empty and _ok(summa.iloc[0][kolumn]):
        text += f"; {summa.iloc[0].post} {belopp_med_enhet(summa.iloc[0][kolumn], enhet)}"
    return text + "."


def verksamhetsdata(bred: pd.DataFrame, enhet: str = "tkr") -> html.Table:
    kol = kolumner(bred)
    return datatabell(["Verksamhet"] + kol, [[r["post"]] + [belopp(r[k], enhet) for k in kol]
                                             for r in bred.to_dict("records")])


def vattenfallsserie(bred: pd.DataFrame, kolumn: str) -> dict:
    """Vattenfallets data för en kolumn i specifikationen: posterna med belopp (tkr), den löpande
    summan och dokumentets summa."""
    poster = [(r["post"], r[kolumn]) for r in bred.to_dict("records") if r["typ"] == "belopp"]
    namn, varden, lopande = br.vattenfall(poster)
    summarad = bred[bred.typ == "summa"]
    summa = float(summarad.iloc[0][kolumn]) if not summarad.empty and _ok(summarad.iloc[0][kolumn]) else None
    return {"kolumn": kolumn, "poster": namn, "varden": varden, "lopande": lopande, "summa": summa,
            "summapost": summarad.iloc[0].post if not summarad.empty else "Summa"}


def _summanamn(post: str) -> str:
    """"Summa, tkr" → "Summa" (enheten står på axeln och följer valet tkr/mnkr)."""
    return post.split(",")[0].strip() or post


def vattenfallsfigur(serie: dict, enhet: str = "tkr", stor: bool = False) -> go.Figure:
    """Vattenfall: varje post ett steg från 0, sista stapeln är summan (dokumentets summa)."""
    namn = serie["poster"] + [_summanamn(serie["summapost"])]
    varden = serie["varden"] + [serie["summa"] if serie["summa"] is not None else (serie["lopande"] or [0])[-1]]
    text = [belopp(v, enhet) for v in varden]
    fig = go.Figure(go.Waterfall(
        orientation="h", y=namn, x=[skala(v, enhet) for v in varden],
        measure=["relative"] * len(serie["varden"]) + ["total"], text=text, textposition="outside",
        cliponaxis=False, name=serie["kolumn"],
        increasing=dict(marker=dict(color=GRON)), decreasing=dict(marker=dict(color=VERMILJON)),
        totals=dict(marker=dict(color=BLA)), connector=dict(line=dict(color=GRA, width=1, dash="dot")),
        customdata=_hover(varden, enhet),
        hovertemplate="%{y}: %{customdata}<extra></extra>"))
    hojd = (90 + 34 * len(namn)) if not stor else (120 + 52 * len(namn))
    fig = _layout(fig, max(hojd, 220), enhet, stor, horisontell=True, showlegend=False)
    # Plats för etiketterna utanför staplarna
    lop = [0.0] + [skala(x, enhet) for x in serie["lopande"]] + [skala(varden[-1], enhet)]
    lo, hi = min(lop + [0]), max(lop + [0])
    marg = (hi - lo) * 0.18 or 1
    fig.update_xaxes(range=[lo - marg, hi + marg], zeroline=True)
    return fig


def vattenfallssammanfattning(serie: dict, fran: str, enhet: str = "tkr") -> str:
    if not serie["poster"]:
        return f"{serie['kolumn']}: inga förändringsposter."
    storst = max(zip(serie["poster"], serie["varden"]), key=lambda p: abs(p[1]))
    return (f"{serie['kolumn']} jämfört med {fran}: {len(serie['poster'])} förändringsposter, "
            f"summa {belopp_med_enhet(serie['summa'], enhet)}. Största post: {storst[0]} "
            f"{belopp_med_enhet(storst[1], enhet)}.")


def vattenfallsdata(serie: dict, enhet: str = "tkr") -> html.Table:
    rader = [[p, belopp(v, enhet), belopp(s, enhet)] for p, v, s in
             zip(serie["poster"], serie["varden"], serie["lopande"])]
    rader.append([_summanamn(serie["summapost"]), belopp(serie["summa"], enhet), belopp(serie["summa"], enhet)])
    return datatabell(["Post", f"Förändring ({enhet})", f"Ackumulerat ({enhet})"], rader)


def investeringsfigur(bred: pd.DataFrame, enhet: str = "tkr", stor: bool = False) -> go.Figure:
    """Investeringar per område och år (grupperade staplar; summan utelämnas)."""
    kol = kolumner(bred)
    rader = [r for r in bred.to_dict("records") if r["typ"] == "belopp"]
    farger = kolumnfarger(kol)
    fig = go.Figure()
    for k in kol:
        v = [r[k] for r in rader]
        fig.add_trace(go.Bar(
            y=[r["post"] for r in rader], x=[skala(x, enhet) for x in v], name=k, orientation="h",
            marker=dict(color=farger[k], line=dict(color=GRA, width=0.5)),
            customdata=_hover(v, enhet), hovertemplate=f"%{{y}}, {k}: %{{customdata}}<extra></extra>"))
    return _layout(fig, max(360, 90 + len(rader) * (14 * len(kol) + 12)) if not stor else 1000, enhet, stor,
                   horisontell=True, showlegend=True, bargap=0.2, bargroupgap=0.05)


def investeringssammanfattning(bred: pd.DataFrame, enhet: str = "tkr") -> str:
    kol = kolumner(bred)
    summa = bred[bred.typ == "summa"]
    poster = bred[bred.typ == "belopp"]
    delar = []
    if not summa.empty:
        delar.append("Summa investeringar " + ", ".join(f"{k}: {belopp_med_enhet(summa.iloc[0][k], enhet)}"
                                                       for k in kol if _ok(summa.iloc[0][k])))
    if not poster.empty and kol:
        st = poster.loc[poster[kol[0]].idxmax()]
        delar.append(f"största område {kol[0]}: {st.post} {belopp_med_enhet(st[kol[0]], enhet)}")
    return "Investeringsbudget: " + "; ".join(delar) + "."


def investeringsdata(bred: pd.DataFrame, enhet: str = "tkr") -> html.Table:
    kol = kolumner(bred)
    return datatabell(["Område"] + kol, [[r["post"]] + [belopp(r["varden"].get(k), enhet) for k in kol]
                                         for r in investeringsrader(bred) if r["typ"] != "grupp"])


# --- Uppföljning ---

def _tom(text: str = EJ_RAPPORTERAD) -> html.Span:
    return html.Span(text, className="fst-italic text-muted")


def budgetrubrik(df: pd.DataFrame) -> list:
    """Kolumnrubrik för årets budget: "Budget 2020"; för planår "Budget 2022" med planens rubrik."""
    kolumn = df.kolumn.iloc[0] if not df.empty and _t(df.kolumn.iloc[0]) else ""
    if not kolumn:
        return ["Budget"]
    ar = kolumn.split(" ")[-1]
    if kolumn == f"Budget {ar}" or kolumn.isdigit():
        return [f"Budget {ar}"]
    return [f"Budget {ar}", html.Br(), html.Span(f"(planens {kolumn})", className="small fw-normal")]


def uppfoljningstabell(df: pd.DataFrame, enhet: str, period: str, rubrik: str, id_: str,
                       forsta: str = "Verksamhet") -> html.Div:
    """Budget, utfall hittills, prognos helår, avvikelse (prognos − budget) i tkr och % och
    trafikljus per rad (df från data.uppfoljning.budgetfragor.uppfoljning)."""
    huvud = [html.Th(forsta, scope="col"), html.Th(budgetrubrik(df), scope="col", className=NUM),
             html.Th("Utfall hittills", scope="col", className=NUM),
             html.Th("Prognos helår", scope="col", className=NUM),
             html.Th("Avvikelse", scope="col", className=NUM, title="Prognos − budget"),
             html.Th("Avvikelse %", scope="col", className=NUM, title="Avvikelsen i procent av budgeten"),
             html.Th("Status", scope="col"), html.Th("Kommentar och källa", scope="col")]
    rader = []
    for r in df.to_dict("records"):
        rapp = bool(r["rapporterad"])
        kommentar = ([fritext(r["kommentar"])] if _t(r.get("kommentar")) else []) + (
            [html.Div("Summan är beräknad ur raderna ovan.", className="small text-muted")] if r["beraknad"] else []
        ) + ([html.Div("Bara avvikelsen är publicerad (inget utfall eller prognos).", className="small text-muted")]
             if _ok(r.get("publicerad_avvikelse")) and not _ok(r["prognos"]) else []) + _kalla(r)
        rader.append(html.Tr([
            html.Th(r["post"], scope="row", className="ps-4" if r["typ"] == "varav" else None),
            html.Td(belopp(r["budget"], enhet), className=NUM, **{"data-kolumn": "budget"}),
            html.Td(belopp(r["utfall"], enhet) if _ok(r["utfall"]) else (_tom("–") if rapp else ""),
                    className=NUM, **{"data-kolumn": "utfall"}),
            html.Td(belopp(r["prognos"], enhet) if _ok(r["prognos"]) or not rapp else _tom("–"),
                    className=NUM, **{"data-kolumn": "prognos"}),
            html.Td(belopp(r["avvikelse"], enhet), className=NUM, **{"data-kolumn": "avvikelse"},
                    title="Publicerad avvikelse" if _ok(r.get("publicerad_avvikelse")) and not _ok(r["prognos"]) else None),
            html.Td(fmt.procent(r["avvikelse_procent"], 1) if _ok(r["avvikelse_procent"]) else "", className=NUM,
                    **{"data-kolumn": "avvikelse_procent"}),
            html.Td(budgetmarke(r["status"], f"{r['status_skal']} Regel: {br.REGEL_BUDGET}"), className="col-status",
                    **{"data-kolumn": "status"}),
            html.Td(kommentar or "", className="small fw-normal", **{"data-kolumn": "kommentar"}),
        ], className=_radklass(r["typ"]) + (" exempelrad" if r["exempel"] else ""),
            **{"data-post": r["post"], "data-status": r["status"]}))
    return html.Div([_tabell(huvud, [html.Tbody(rader)], f"{rubrik} – {period} (belopp i {enhet})", id_,
                             "uppfoljningstabell"),
                     exempelforklaring(df)])


def investeringsuppfoljning(df: pd.DataFrame, enhet: str, period: str, id_: str = "tabell-uppfoljning-investeringar",
                            rubrik: str = "Investeringar: utfall mot budget") -> html.Div:
    """Investeringar: budget, utfall hittills och genomförandegrad, prognos och prognosens grad."""
    huvud = [html.Th("Område", scope="col"), html.Th(budgetrubrik(df), scope="col", className=NUM),
             html.Th("Utfall hittills", scope="col", className=NUM),
             html.Th("Genomförandegrad", scope="col", className=NUM, title="Utfall i procent av budget"),
             html.Th("Prognos helår", scope="col", className=NUM),
             html.Th("Prognos i % av budget", scope="col", className=NUM),
             html.Th("Kommentar och källa", scope="col")]
    rader = []
    for r in df.to_dict("records"):
        rapp = bool(r["rapporterad"])
        kommentar = ([fritext(r["kommentar"])] if _t(r.get("kommentar")) else []) + (
            [html.Div("Summan är beräknad ur raderna ovan.", className="small text-muted")] if r["beraknad"] else []
        ) + _kalla(r)
        rader.append(html.Tr([
            html.Th(r["post"], scope="row"),
            html.Td(belopp(r["budget"], enhet), className=NUM, **{"data-kolumn": "budget"}),
            html.Td(belopp(r["utfall"], enhet) if _ok(r["utfall"]) else ("" if rapp else _tom()), className=NUM,
                    **{"data-kolumn": "utfall"}),
            html.Td(fmt.procent(r["genomforandegrad"], 0) if _ok(r["genomforandegrad"]) else "", className=NUM,
                    **{"data-kolumn": "genomforandegrad"}),
            html.Td(belopp(r["prognos"], enhet), className=NUM, **{"data-kolumn": "prognos"}),
            html.Td(fmt.procent(r["prognosgrad"], 0) if _ok(r["prognosgrad"]) else "", className=NUM,
                    **{"data-kolumn": "prognosgrad"}),
            html.Td(kommentar or "", className="small fw-normal", **{"data-kolumn": "kommentar"}),
        ], className=_radklass(r["typ"]) + (" exempelrad" if r["exempel"] else ""),
            **{"data-post": r["post"], "data-rapporterad": "ja" if rapp else "nej"}))
    return html.Div([_tabell(huvud, [html.Tbody(rader)], f"{rubrik} – {period} (belopp i {enhet})", id_,
                             "uppfoljningstabell"),
                     html.P(br.REGEL_INVESTERING, className="small text-muted mb-0"),
                     exempelforklaring(df)])
