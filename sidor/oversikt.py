"""Startsidan "Översikt": visionen och målområdena som rutor – hur går det? – med en sammanfattande
status per målområde och förändringarna sedan föregående period. I sammanträdesläget en bild:
alla målområden med status och underlag utan att rulla."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from data.uppfoljning import fragor, regler
from data.uppfoljning.urval import Urval
from data.utdata import sammantrade
from komponenter.export import rapportknappar
from komponenter.verktyg import verktygsrad
from komponenter.diagram import statusstapel
from komponenter.filter import filterpanel
from komponenter.mote import (bedomda, bedomningsbrist, forandringsantal, sammanfattning, forandringslista, lagesrad,
                              malomradesmarke, underlagstext)
from komponenter.trafikljus import statusrad
from sidor._gemensamt import las_urval, urvalsfel, exempelbanner, valj_plan

dash.register_page(__name__, path="/", name="Översikt", order=0, title="Översikt – Målkoll")


def _malbedomning_text(im) -> str:
    n = len(im)
    bedomda = im[im.bedomning != "Ej rapporterad"]
    if bedomda.empty:
        return f"Ingen bedömning av de {n} inriktningsmålen rapporterad för perioden."
    u = int((im.bedomning == "Uppfyllt").sum())
    t = int((im.bedomning == "Till största delen uppfyllt").sum())
    text = f"{u} av {n} inriktningsmål bedöms uppfyllda"
    if t:
        text += f", {t} till största delen uppfyllda"
    return text + "."


def _kort_titel(titel: str, kommun: str | None) -> str:
    t = titel.removeprefix(f"{kommun} ska ") if kommun else titel
    return t[:1].upper() + t[1:]


def motesruta(mo, atg, ind, andr, fraga: str, kommun: str | None) -> html.Div:
    """Sammanträdesbildens ruta: titel, en status, underlaget och förändringarna – inget mer."""
    sam, b = sammanfattning(atg, ind), bedomda(atg, ind)
    return html.Div([
        html.H2(dcc.Link([html.Span(f"{mo.nr} ", className="motesruta-nr"), _kort_titel(mo.titel, kommun)],
                         href=f"/malomrade/{mo.nr}{fraga}", title=mo.titel), className="motesruta-titel"),
        html.Div([malomradesmarke(sam),
                  html.Span(forandringsantal(andr), className="motesruta-forandring") if andr is not None else None],
                 className="motesruta-status"),
        # För lite bedömt: antalen per slag i stället för underlaget (perioden står i lägesraden)
        html.P(b.text() if b.for_lite else underlagstext(sam, len(atg), len(ind)),
               className="motesruta-underlag mb-0" + (" bedomningsbrist" if b.for_lite else "")),
    ], className="motesruta malomradesruta", **{"data-nr": str(mo.nr)})


def _inga(slag: str, filtrerat: bool) -> html.P:
    """Inga åtgärder eller indikatorer i rutan: för att filtret utesluter dem, eller för att målområdet saknar dem."""
    return html.P(f"Inga {slag} matchar filtret." if filtrerat else f"Målområdet har inga {slag}.",
                  className="small fst-italic")


def ruta(mo, atg, ind, im, period: str, fraga: str, stor: bool = False, ambitionsar: int | None = None,
         andr=None, filter_atg: bool = False, filter_ind: bool = False):
    antal_atg = regler.summera_status(atg.status)
    antal_ind = regler.summera_status(ind.status, regler.INDIKATORSTATUS_ALLA)
    sam = sammanfattning(atg, ind)
    return html.Div(html.Div([
        html.H2(dcc.Link([html.Span(f"Målområde {mo.nr}", className="d-block small text-uppercase"), mo.titel],
                         href=f"/malomrade/{mo.nr}{fraga}", className="stretched-link-not"), className="h5 card-title"),
        html.Div([malomradesmarke(sam), html.Span(underlagstext(sam, len(atg), len(ind)), className="small ms-2")],
                 className="mb-2"),
        bedomningsbrist(atg, ind, period),
        html.P(forandringsantal(andr), className="small mb-1 forandringsantal") if andr is not None else None,
        html.P([html.Span(f"Ambitionsnivå {ambitionsar or ''}: ".replace(" :", ":"), className="fw-semibold"),
                mo.ambitionsniva],
               className="small ambition"),
        html.H3(f"Åtgärder ({len(atg)})", className="h6 mt-2 mb-1"),
        html.Div(dcc.Graph(figure=statusstapel(antal_atg, stor), config={"displayModeBar": False, "staticPlot": True},
                           className="statusstapel", style={"height": "80px" if stor else "56px"}),
                 **{"aria-hidden": "true"}) if len(atg) else None,
        statusrad(antal_atg) if len(atg) else _inga("åtgärder", filter_atg),
        html.H3(f"Indikatorer ({len(ind)})", className="h6 mt-2 mb-1"),
        statusrad(antal_ind) if len(ind) else _inga("indikatorer", filter_ind),
        html.H3("Inriktningsmål", className="h6 mt-2 mb-1"),
        html.P(_malbedomning_text(im), className="small mb-0 malbedomning"),
    ], className="card-body"), className="card h-100 malomradesruta", **{"data-nr": str(mo.nr)})


def sedan_sammantradet(f, atg, ind, mo, fraga: str, pl):
    """"Förändringar sedan förra sammanträdet": aktuella data mot det nämnden senast visades (inte när
    sidan själv visar ett sammanträde; inget när planen saknar sammanträden)."""
    if f.sammantrade:
        return None
    s = sammantrade.senaste(pl)
    if s is None:
        return None
    andr = sammantrade.forandringar_sedan(s, atg, ind)
    lank = dcc.Link(f"{s.organ_kort or s.organ} {s.datum.isoformat()}, dnr {s.diarienummer}",
                    href="/" + Urval(plan=s.plan_kod, sammantrade=s.datum.isoformat()).till_sok())
    return html.Div([
        forandringslista(andr, f"förra sammanträdet ({s.organ_kort or s.organ} {s.datum.isoformat()})", mo, fraga,
                         id_="sedan-sammantradet",
                         forklaring=f"Det som visas nu jämfört med det nämnden visades ({s.period}), bara med värden "
                                    "av samma slag: ↑ bättre, ↓ sämre, + ny rapport, ↔ ändrad, ? ingen ny rapport."),
        html.P(["Sammanträdet som presenterat: ", lank], className="small"),
    ], className="sedan-sammantradet")


def layout(**query):
    f, fel = las_urval(query, "/")
    if fel:
        return urvalsfel(fel, "/", "Översikt")
    pl = valj_plan(f)
    per = fragor.vald_period(f.period, plan=pl)
    mo = fragor.malomraden(pl)
    atg = fragor.atgarder(enhet=f.enhet, roll=f.roll, period=per.namn, status=f.status or None, plan=pl)
    ind = fragor.indikatorer(enhet=f.enhet, period=per.namn, plan=pl)
    ind = ind[ind.malomrade.notna()]
    im = fragor.inriktningsmal(period=per.namn, plan=pl)
    plan = fragor.plan_info(pl)
    andr, fore = fragor.forandringar(atg, ind, per, pl)
    fraga = f.till_sok()
    exempel = bool(atg.exempel.any() or ind.exempel.any())
    for_lite = any(bedomda(atg[atg.malomrade == m.nr], ind[ind.malomrade == m.nr]).for_lite for m in mo.itertuples())
    lage = lagesrad(per.namn, per.valgrund, f, exempel, fragor.senaste_bedombara_period(pl) if for_lite else None)
    if f.mote:
        rutor = [motesruta(m, atg[atg.malomrade == m.nr], ind[ind.malomrade == m.nr],
                           andr[andr.malomrade == m.nr] if fore is not None else None, fraga, plan.get("kommun"))
                 for m in mo.itertuples()]
        # rubriken är rutnätets första ruta (sju målområden + rubriken = två rader à fyra), så att bilden
        # ryms med 20 px text också vid 1280×720
        rubrik = html.Div([html.H1("Översikt", className="sidrubrik mb-0"),
                           html.Details([html.Summary("Vision"), html.P(plan["vision"], className="vision")],
                                        className="vision-fallbar")], className="motesrubrik")
        return html.Div([
            lage,
            html.Div([rubrik, *rutor], className="motesrutor bild"),
            # Dagordningen: förändringarna står i varje målområdes bild (sammanfattningen och raderna)
            None if f.avvikelser else forandringslista(andr, fore.namn if fore is not None else None, mo, fraga),
        ], **({"data-fokus": "avvikelser", "data-sida": "/"} if f.avvikelser else {}))
    rutor = [dbc.Col(ruta(m, atg[atg.malomrade == m.nr], ind[ind.malomrade == m.nr], im[im.malomrade == m.nr],
                          per.namn, fraga, f.mote, plan.get("ambitionsar"),
                          andr[andr.malomrade == m.nr] if fore is not None else None,
                          filter_atg=bool(f.enhet or f.roll or f.status), filter_ind=bool(f.enhet)),
                     md=6, xl=4, className="mb-4") for m in mo.itertuples()]
    return html.Div([
        verktygsrad(forst=rapportknappar(fraga)),
        lage,
        html.H1("Översikt", className="sidrubrik"),
        html.P(plan["vision"], className="lead vision"),
        html.P(f"{plan['namn']} · läget vid {per.namn}", className="text-muted"),
        exempelbanner(exempel),
        filterpanel(fragor.enheter(pl), fragor.perioder(pl), f, per.namn),
        dbc.Row(rutor, className="rutor"),
        forandringslista(andr, fore.namn if fore is not None else None, mo, fraga),
        sedan_sammantradet(f, atg, ind, mo, fraga, pl),
        html.P([dcc.Link("Så används skattepengarna", href="/skattepengar" + fraga, id="lank-skattepengar"),
                " – budgeten i klarspråk för invånare · ",
                dcc.Link("Öppna data (API)", href="/api", id="lank-api")], className="oppna-lankar mt-2"),
    ])
