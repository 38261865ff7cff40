"""/sarskilda-uppdrag: Särskilda uppdrag och utvecklingsåtaganden med planårets inriktning."""
from __future__ import annotations

import dash
from dash import html

from data.uppfoljning import fragor
from sidor._gemensamt import las_urval, saknas_i_planen, urvalsfel, valj_plan
from komponenter.verktyg import verktygsrad
from komponenter import agenda
from komponenter.mote import lagesrad

dash.register_page(__name__, path="/sarskilda-uppdrag", name="Särskilda uppdrag", order=9,
                   title="Särskilda uppdrag och utvecklingsåtaganden – Målkoll")


def _stycken(text) -> list:
    if not isinstance(text, str) or not text:
        return []
    ut = []
    for st in text.split("\n\n"):
        rader = st.split("\n")
        if all(r.startswith("- ") for r in rader):
            ut.append(html.Ul([html.Li(r[2:]) for r in rader]))
        else:
            ut.append(html.P(st))
    return ut


def layout(**query):
    f, fel = las_urval(query, "/sarskilda-uppdrag")
    if fel:
        return urvalsfel(fel, "/sarskilda-uppdrag", "Särskilda uppdrag och utvecklingsåtaganden")
    pl = valj_plan(f)
    if (saknas := saknas_i_planen(pl, "sarskilda", "Särskilda uppdrag och utvecklingsåtaganden", f)) is not None:
        return saknas
    su = fragor.sarskilda_uppdrag(pl)
    ar = fragor.plan_info(pl)["ar"]
    per = fragor.vald_period(f.period, plan=pl)
    if f.avvikelser:   # dagordningen: inriktningen i en rad per uppdrag (uppdragen har ingen status)
        poster = [(r.kod, r.titel, r.inriktning if isinstance(r.inriktning, str) else "") for r in su.itertuples()]
        return html.Div([lagesrad(per.namn, per.valgrund, f, False), agenda.enkel_bild(
            "Särskilda uppdrag", "Särskilda uppdrag och utvecklingsåtaganden",
            agenda.hela_sidan("/sarskilda-uppdrag" + f.med(fokus=None).till_sok(), "Hela texterna"),
            agenda.textdel(f"Inriktning {ar}", poster, "agenda-sarskilda"))], **{"data-fokus": "avvikelser", "data-sida": "/sarskilda-uppdrag"})
    return html.Div([
        verktygsrad(),
        # periodraden som på de andra sidorna: styrelsen ser alltid vilken period som visas (inga exempel här)
        lagesrad(per.namn, per.valgrund, f, False),
        html.H1("Särskilda uppdrag och utvecklingsåtaganden", className="sidrubrik"),
        html.P(fragor.namnden(pl).text("sarskilda"), className="lead"),
        *[html.Section([
            html.H2(r.titel, className="h3"),
            html.Div([html.H3(f"Inriktning {ar}", className="h6 mb-1"), html.P(r.inriktning, className="mb-0")],
                     className="inriktning p-3 mb-2") if isinstance(r.inriktning, str) else
            html.P(f"Planen anger ingen ”Inriktning {ar}” för området.", className="fst-italic small"),
            *_stycken(r.kommentar),
            html.Details([html.Summary("Bakgrund i planen"), *_stycken(r.beskrivning)]),
        ], className="sarskilt-uppdrag mb-4 bild", **{"data-kod": r.kod}) for r in su.itertuples()],
    ])
