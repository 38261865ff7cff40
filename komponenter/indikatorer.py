"""Indikatorkort: diagram (nuvärde, planens mål, utfall), statusmärke med regeln vid hovring,
trendpil, källa och textalternativ (sammanfattning + datatabell). Rena byggare."""
from __future__ import annotations

import math
import re

from dash import dcc, html

from data.uppfoljning import serier as serier_
from data.uppfoljning import tidigare
from data.uppfoljning.regler import REGEL_INDIKATOR
from komponenter import format as fmt
from komponenter.text import fritext
from komponenter.diagram import indikatorfigur, indikatorserier, malar_i
from komponenter.trafikljus import statusmarke

EXEMPEL = "Exempeldata – inte kommunens rapportering"
def trendmarke(ind: dict, enhet: str) -> html.Span | None:
    """"↘ bättre" (synlig text och pil, aldrig bara färg; pilen är värdets rörelse, ordet omdömet) med
    jämförelsen vid hovring; "? ingen tidigare rapport" när det enda tidigare utfallet är ett exempel."""
    t = ind.get("trend") or ""
    hel = tidigare.trendtext(t, ind.get("trend_rorelse") or "", ind.get("foregaende_varde"),
                             ind.get("foregaende_period"), ind.get("foregaende_exempel_varde"),
                             ind.get("foregaende_exempel_period"), enhet)
    if not hel:
        return None
    kort, _, forklaring = hel.partition(" (")
    return html.Span([" ", html.Span(kort, className="trendord"),
                      html.Span(f" jämfört med föregående rapport ({forklaring}", className="visually-hidden")],
                     className=f"trend trend-{t.replace(' ', '-')}", title=f"Jämfört med föregående rapport: {hel}")


def ritar_exempel(rader: list[dict], per_ind: dict) -> bool:
    """Ritar något av indikatorkorten ett exempelvärde? Diagrammen visar hela historiken, så ett exempel
    från en annan period än den valda syns också – och ska märkas (Exempeldata i lägesraden)."""
    return any(p[3] for r in rader for p in indikatorserier(r, per_ind.get(r["id"], []))["utfall"])


GRAF_KONFIG = {"displayModeBar": False, "responsive": True, "locale": "sv"}


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def _t(x) -> str:
    return x if isinstance(x, str) else ""


# Planens tryckta form när den bara är talet med enhet ("12,9%", "-7,8 mkr"): visas i appens format
_BARA_TAL = re.compile(r"[−\-–]?\s*[\d\s\u00a0]+(?:[,.]\d+)?\s*(?:%|kr|tkr|mkr|mnkr)?", re.IGNORECASE)


def _varde(varde, text, enhet) -> str:
    """Tal i svenskt format med måttenhet; planens text bara där den säger mer än talet."""
    if _t(text) and text.strip() in ("-", "–", "—"):
        return "–"   # planens "-" betyder inget värde, inte minus
    if _t(text) and not (_ok(varde) and _BARA_TAL.fullmatch(text.strip())):
        return text
    if _ok(varde):
        return fmt.med_enhet(varde, enhet)
    return ""


def sammanfattning(ind: dict, serier: dict) -> str:
    """En mening som beskriver diagrammet (textalternativ)."""
    return serier_.beskrivning(ind, serier)


def datatabell(ind: dict, serier: dict) -> html.Table:
    enhet = ind.get("mattenhet") or ""
    rader = []
    if serier["nuvarde"]:
        rader.append(("Nuvärde", str(serier["nuvarde"][0].year), fmt.med_enhet(serier["nuvarde"][1], enhet)))
    rader += [("Mål", str(p[0].year), fmt.med_enhet(p[1], enhet)) for p in serier["mal"]]
    rader += [(f"Utfall ({p[4]})", p[2], fmt.med_enhet(p[1], enhet)) for p in serier["utfall"]]
    return html.Table([html.Thead(html.Tr([html.Th("Serie", scope="col"), html.Th("Tidpunkt", scope="col"),
                                           html.Th("Värde", scope="col")])),
                       html.Tbody([html.Tr([html.Td(a), html.Td(b), html.Td(c, className="text-end")]) for a, b, c in rader])],
                      className="table table-sm datatabell")


def _kvalitativa(ind: dict) -> html.Div | None:
    km = ind.get("kvalitativa_mal")
    if not isinstance(km, dict) or not km:
        return None
    block = []
    rubriker = [("nuvarde", f"Nuvärde ({ind.get('nuvarde_ar') or ''})")]
    rubriker += [(str(ar), f"Målvärde {ar}") for ar in malar_i(ind)]
    for nyckel, rubrik in rubriker:
        punkter = km.get(nyckel) or []
        if punkter:
            block.append(html.Div([html.H6(rubrik, className="mt-2 mb-1"), html.Ul([html.Li(p) for p in punkter])]))
    return html.Div(block, className="kvalitativa-mal")


def indikatorkort(ind: dict, utfall: list[dict], stor: bool = False, jamforelse=None) -> html.Article:
    """Ett kort per indikator. ind: rad ur fragor.indikatorer; utfall: dess utfallshistorik;
    jamforelse: Kolada-raden (komponenter.jamforelse.kortrad) eller None."""
    enhet = ind.get("mattenhet") or ""
    serier = indikatorserier(ind, utfall)
    period = ind.get("period") or ""
    status = ind["status"]
    hjalp = f"{ind.get('status_skal') or ''} Regel: {REGEL_INDIKATOR}".strip()

    utfalltext = _varde(ind.get("utfall_varde"), ind.get("utfall_text"), enhet)
    utfallrad = html.Div([
        html.Span(f"Utfall {period}: ", className="fw-semibold"),
        html.Span(utfalltext or "Ej rapporterad", className="utfallsvarde" if utfalltext else "fst-italic"),
        trendmarke(ind, enhet) if utfalltext else None,
        html.Span(" exempel", className="badge text-bg-warning ms-2", title=EXEMPEL) if ind.get("exempel") and utfalltext else None,
        html.A("Källa", href=ind["utfall_kalla_url"], target="_blank", rel="noopener noreferrer", className="ms-2",
               title=ind["utfall_kalla_url"]) if _t(ind.get("utfall_kalla_url")) and utfalltext else None,
        fritext(_t(ind.get("utfall_kommentar")), className="small")
        if _t(ind.get("utfall_kommentar")) and ind.get("utfall_kommentar") != utfalltext else None,
    ], className="utfallsrad mb-2")

    malceller = [html.Div([html.Dt(f"Nuvärde ({ind.get('nuvarde_ar') or '–'})"),
                           html.Dd(_varde(ind.get("nuvarde"), ind.get("nuvarde_text"), enhet) or "–")])]
    for ar in malar_i(ind):
        v = _varde(ind.get(f"mal_{ar}"), ind.get(f"mal_{ar}_text"), enhet)
        andrad = ind.get(f"mal_{ar}_fran_planen") is False
        malceller.append(html.Div([html.Dt(f"Mål {ar}"),
                                   html.Dd([v or "–", html.Span(" (ändrat)", className="small text-muted") if andrad else None])]))
    fakta = html.Dl(malceller, className="malvarden")

    har_tal = bool(serier["nuvarde"] or serier["mal"] or serier["utfall"])
    if har_tal:
        graf = html.Figure([
            dcc.Graph(figure=indikatorfigur(ind, serier, stor), config=GRAF_KONFIG,
                      className="indikatorgraf", id={"typ": "indikatorgraf", "kod": ind["kod"]},
                      # storbild: kortet (rubrik, mål, utfall, diagram) ska rymmas på en skärm också vid 720 px
                      style={"height": "clamp(260px, calc(100vh - 440px), 460px)" if stor else "320px"}),
            html.Figcaption(sammanfattning(ind, serier), className="visually-hidden"),
            html.Details([html.Summary("Visa diagrammets data som tabell"), datatabell(ind, serier)],
                         className="small"),
        ], className="mb-0", **{"aria-label": f"Diagram: {ind['namn']}"})
    elif ind.get("kvalitativ"):
        graf = _kvalitativa(ind)
    else:
        graf = html.P("Planen anger inga värden för den här indikatorn ännu.", className="fst-italic text-muted")

    return html.Article([
        html.Div([
            html.H4([html.Span(ind.get("niva") or "", className="badge text-bg-secondary me-2 niva") if ind.get("niva") else None,
                     ind["namn"]], className="h5 mb-1 indikatornamn"),
            html.Span(statusmarke(status, hjalp), className="ms-auto"),
        ], className="d-flex gap-2 align-items-start"),
        fakta,
        utfallrad,
        graf,
        html.Div([
            html.Span(f"Ansvarig: {_t(ind.get('ansvarig')) or '–'}", className="me-3"),
            html.Span(f"Källa: {_t(ind.get('kalla')) or '–'}", className="me-3"),
            html.Span(f"Mätintervall: {_t(ind.get('matintervall')) or '–'}"),
        ], className="small text-muted indikatorfakta"),
        jamforelse,
        html.Details([html.Summary("Fotnot"), html.P(ind["fotnot"], style={"whiteSpace": "pre-line"})],
                     className="small mt-1") if _t(ind.get("fotnot")) else None,
    ], className="indikatorkort card card-body mb-3", **{"data-kod": ind["kod"], "data-status": status})
