"""Sidan som Dash Pages visar för en okänd adress – på svenska."""
from __future__ import annotations

import logging

import dash
from dash import dcc, html

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/404", name="Sidan finns inte", title="Sidan finns inte – Målkoll")


def layout(**_query):
    return html.Div([
        html.H1("Sidan finns inte", className="sidrubrik"),
        html.P("Adressen leder inte till någon sida i Målkoll. Kontrollera stavningen, eller börja om från "
               "översikten."),
        dcc.Link("Till översikten", href="/"),
    ], id="sidan-finns-inte")
