"""Verktygsraden överst på sidorna: "Exportera till Excel" och "Hämta rapportmall"."""
from __future__ import annotations

from dash import dcc, html

from komponenter.export import exportknapp

MALLKNAPP = "rapportmall-knapp"
MALLNEDLADDNING = "rapportmall-nedladdning"


def mallknapp() -> html.Div:
    return html.Div([
        html.Button([html.Span("⤓", className="me-1", **{"aria-hidden": "true"}), "Hämta rapportmall"],
                    id=MALLKNAPP, n_clicks=0, type="button", className="btn btn-outline-secondary btn-sm",
                    title="Excel-mall för att rapportera status och utfall för vald period (och valda enheter)"),
        dcc.Download(id=MALLNEDLADDNING),
    ], className="d-print-none")


def verktygsrad(med_mall: bool = True, forst=None) -> html.Div:
    """Sidans verktyg: (forst, t.ex. översiktens rapportknappar), Excel-exporten och rapportmallen."""
    return html.Div([forst, exportknapp(), mallknapp() if med_mall else None],
                    className="verktygsrad d-flex gap-2 justify-content-end mb-2 d-print-none")
