"""Serverns golv för en sidrendering: en minimal Dash-app vars enda callback (på URL:en, som
Dash Pages) ger samma innehåll som Målkolls sida – ur minnet, utan databas och utan att bygga något.

    MALKOLL_GOLV_FIL=sida.json gunicorn bench.golv_server:server -b 127.0.0.1:PORT

Filen är `_pages_content.children` ur Målkolls svar (bench/rendering.py sparar den). Dash
serialiserar svaret vid varje anrop, som för vilken callback som helst.
"""
from __future__ import annotations

import json
import os

from dash import Dash, Input, Output, dcc, html

app = Dash(__name__, title="Golv", serve_locally=True, update_title=None,
           assets_folder=os.path.join(os.path.dirname(__file__), "golv_assets_finns_inte"))
server = app.server
with open(os.environ["MALKOLL_GOLV_FIL"], encoding="utf-8") as f:
    INNEHALL = json.load(f)

app.layout = html.Div([dcc.Location(id="_pages_location"), html.Div(id="_pages_content")])


@app.callback(Output("_pages_content", "children"), Input("_pages_location", "pathname"),
              Input("_pages_location", "search"))
def sida(_sokvag, _search):
    return INNEHALL
