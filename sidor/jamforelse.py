"""/jamforelse: planens indikatorer mot andra kommuner i Kolada – kommunen, jämförelsegruppen och riket
över åren, och rankningen bland landets kommuner (märkt som rankning, inte målets trafikljus).

Värdena hämtas med `python -m data.kolada hamta`; utan hämtade värden säger sidan hur, och visar inget
påhittat.
"""
from __future__ import annotations

import logging

import dash
from dash import html

from data.uppfoljning import fragor
from komponenter import jamforelse as jf
from sidor._gemensamt import kolada_serier, las_urval, urvalsfel, valj_plan

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/jamforelse", name="Jämförelse med andra kommuner", order=9,
                   title="Jämförelse med andra kommuner (Kolada) – Målkoll")

KOMMANDO = "python -m data.kolada hamta --ar 2015-2023"


def layout(**query):
    f, fel = las_urval(query, "/jamforelse")
    if fel:   # okänd plan (eller annat okänt värde): meddelandet, inte standardplanen
        return urvalsfel(fel, "/jamforelse", "Jämförelse med andra kommuner")
    pl = valj_plan(f)
    inst, serier, kommunnamn = kolada_serier(pl)
    ind = fragor.kolada_indikatorer(pl)
    med = ind[ind.kpi.map(len) > 0]
    utan = ind[ind.kpi.map(len) == 0]
    grp = inst.get("jamforelsegrupp") or {}
    har_varden = any(s.ar for ss in serier.values() for s in ss)
    delar = [
        html.H1("Jämförelse med andra kommuner", className="sidrubrik"),
        html.P(["Planen vill ”möjliggöra … jämförelser med andra kommuner” och använda nyckeltalen i Kolada. Här "
                f"visas {kommunnamn} (Kolada-id {inst.get('kommun') or '–'}) mot jämförelsegruppen och riket, år för "
                "år. Värdena kommer från Kolada och är inte planens egna utfall."], className="lead"),
        html.P([html.Strong("Färgerna är en rankning, inte ett trafikljus för målen. "), jf.RANK_FORKLARING,
                " ", html.Span("bästa fjärdedelen", className="rankmarke rank-bast"), " ",
                html.Span("mittersta hälften", className="rankmarke rank-mitten"), " ",
                html.Span("sämsta fjärdedelen", className="rankmarke rank-samst")], className="small rankforklaring"),
    ]
    if not (grp.get("id") or grp.get("kommuner")):
        delar.append(html.Div(["Jämförelsegruppen är inte angiven i planens källfiler (plan.yaml, ",
                               html.Code("kolada: jamforelsegrupp"), "). Ange RKA:s grupp-id för liknande kommuner "
                               "eller kommunernas Kolada-id:n; tills dess jämförs bara med riket."],
                              className="alert alert-info", role="note"))
    if not inst.get("kommun"):
        delar.append(html.Div("Planen anger inget Kolada-id för kommunen (plan.yaml: kolada: kommun).",
                              className="alert alert-warning"))
    if med.empty:
        delar.append(html.P("Ingen indikator i planen anger ett Kolada-nyckeltal ännu.", className="fst-italic"))
    elif not har_varden:
        delar.append(html.Div([html.Strong("Inga värden hämtade från Kolada ännu. "),
                               "Hämta dem (kräver internet) med ", html.Code(KOMMANDO),
                               " och ladda om sidan. Inget visas förrän värdena finns."],
                              className="alert alert-warning", id="kolada-saknas"))
    delar += [jf.jamforelsekort(r, serier.get(r["kod"], []), inst, kommunnamn) for r in med.to_dict("records")]
    delar += [html.H2("Indikatorer utan Kolada-nyckeltal", className="h5 mt-4"),
              html.P("Planens egna mått (egen statistik, system, enkäter) som inte har ett motsvarande nyckeltal "
                     "i Kolada med samma definition – se docs/kolada.md.", className="small"),
              html.Ul([html.Li(f"{r.kod} {r.namn}") for r in utan.itertuples()], className="small")]
    return html.Div(delar, className="jamforelse")
