"""/skattepengar: ”Så används skattepengarna” – budgeten för invånare, i klarspråk och läsbar på telefon.

Sidan ska vara öppen utan inloggning även när resten av appen kräver den (issue 15 lägger till
inloggning: låt /skattepengar, /api och /api/v1 vara öppna).
"""
from __future__ import annotations

import logging

import dash
from dash import html

from data.utdata import skattepengar
from komponenter import skattepengar as sp
from sidor._gemensamt import las_urval, saknas_i_planen, urvalsfel, valj_plan

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/skattepengar", name="Så används skattepengarna", order=8,
                   title="Så används skattepengarna – Målkoll",
                   description="Vart nämndens budget går, vad som ändrats och vilka investeringar som görs.")


def layout(**query):
    f, fel = las_urval(query, "/skattepengar")
    if fel:   # okänd plan (eller annat okänt värde): meddelandet, inte standardplanen
        return urvalsfel(fel, "/skattepengar", "Så används skattepengarna")
    pl = valj_plan(f)
    if (saknas := saknas_i_planen(pl, "skattepengar", "Så används skattepengarna", f)) is not None:
        return saknas
    s = skattepengar.sammanstall(pl)
    if s.netto is None:
        return html.Div([html.H1("Så används skattepengarna", className="sidrubrik"),
                         html.P("Den här planen har ingen budget i sina källfiler.", className="lead")],
                        className="skattepengar")
    return html.Div([
        html.H1("Så används skattepengarna", className="sidrubrik"),
        sp.inledning(s),
        sp.verksamheter(s),
        sp.forandringar(s),
        sp.investeringar(s),
        sp.uppfoljning(s),
        sp.fotter(s),
    ], className="skattepengar")
