"""Golvet för sidladdningen: en minimal Dash-sida med N dcc.Graph (enkla go.Scatter).

    gunicorn bench.golv_app:server -b 127.0.0.1:PORT      # sedan /?n=12

Samma uppbyggnad som en Målkoll-sida (Dash Pages): skalet hämtas med /_dash-layout och sidans
innehåll kommer i en callback på URL:en (här `?n=N`, standard GOLV_N eller 8; behållaren heter som Dash Pages `_pages_content`). Samma Dash, samma
plotly.js (hela paketet), serve_locally – men ingen databas, inga stilmallar, inga egna filer.
"""
from __future__ import annotations

import os
from urllib.parse import parse_qs

import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

app = Dash(__name__, title="Golv", serve_locally=True, update_title=None,
           assets_folder=os.path.join(os.path.dirname(__file__), "golv_assets_finns_inte"))
server = app.server
STANDARD_N = int(os.environ.get("GOLV_N", "8"))


def figur(i: int) -> go.Figure:
    return go.Figure(go.Scatter(x=[2020, 2021, 2022, 2023], y=[i, i + 2, i + 1, i + 3], mode="lines+markers"),
                     layout=dict(height=300, margin=dict(t=30, l=40, r=20, b=40)))


app.layout = html.Div([dcc.Location(id="plats"), html.Div(id="_pages_content")])


@app.callback(Output("_pages_content", "children"), Input("plats", "search"))
def sida(search):
    try:
        n = int(parse_qs((search or "").lstrip("?")).get("n", [STANDARD_N])[0])
    except ValueError:
        n = STANDARD_N
    n = max(0, min(n, 200))
    return [dcc.Graph(figure=figur(i), id=f"graf-{i}") for i in range(n)]
