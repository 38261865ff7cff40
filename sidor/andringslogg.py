"""/andringslogg: för administratörer – vem ändrade vad, när och varifrån (fil eller formulär), per
åtgärd och indikator, vem som låste och låste upp vilken period, och rapportrundornas händelser."""
from __future__ import annotations

from urllib.parse import quote

import dash
from dash import dcc, html

import pandas as pd

from data.rapportering import behorighet as rapportering
from data.uppfoljning import fragor
from data.uppfoljning.plankontext import Plankontext
from komponenter.format import tal
from komponenter.text import fritext
from sidor import _inloggning

dash.register_page(__name__, path="/andringslogg", name="Ändringslogg", order=30, title="Ändringslogg – Målkoll",
                   sidcache=False)   # beror på inloggningen: sidor/_sidcache.py sparar den inte


def _tid(t) -> str:
    try:
        return t.strftime("%Y-%m-%d %H:%M")
    except (AttributeError, ValueError):
        return ""


def _andring(r) -> str:
    v = None if r.tal is None or pd.isna(r.tal) else float(r.tal)
    return r.andring.replace("{tal}", tal(v) if v is not None else "–")


def _idlank(r):
    if r.typ == "Period":
        return "–"
    if r.typ == "Rapportrunda":
        return dcc.Link(r.kod, href=f"/rapportrunda?period={quote(str(r.period))}")
    return dcc.Link(r.kod, href=f"/andringslogg?kod={r.kod}")


def layout(kod=None, plan=None, **_):
    anv = _inloggning.aktuell()
    if anv is None or not anv.administrator:
        return html.Div([html.H1("Ändringslogg", className="sidrubrik"),
                         html.Div("Ändringsloggen visas bara för administratörer. Logga in som administratör.",
                                  className="alert alert-info", role="status")])
    kod = kod if isinstance(kod, str) and kod.strip() else None
    kp = fragor.los_plan(plan if isinstance(plan, str) and plan else None)   # kanten: URL:ens plan
    df = rapportering.andringslogg(kod, plan=kp)
    rader = [html.Tr([html.Td(_tid(r.tid)), html.Td(r.av), html.Td(r.typ),
                      html.Td(_idlank(r)),
                      html.Td(str(r.period)), html.Td(fritext(_andring(r), tagg=html.Span)),
                      html.Td((r.kalla if isinstance(r.kalla, str) and r.kalla else "–")
                              + (" (exempeldata)" if r.exempel is True else ""))])
             for r in df.itertuples()]
    return html.Div([
        html.H1("Ändringslogg" + (f" för {kod}" if kod else ""), className="sidrubrik"),
        _varningar(kp),
        html.P(["Nyast först, högst 500 rader. Klicka på ett id för dess historik. ",
                dcc.Link("Visa allt", href="/andringslogg") if kod else None]),
        html.Table([html.Thead(html.Tr([html.Th(x, scope="col") for x in
                                        ("När", "Vem", "Vad", "Id", "Period", "Ändring", "Varifrån")])),
                    html.Tbody(rader)], className="table table-sm andringslogg"),
    ])


def _varningar(plan: Plankontext) -> html.Div | None:
    """Inläsningens varningar (tidpunkter som inte går att läsa som datum): det som källfilerna bör rätta."""
    try:
        varningar = fragor.inlasningsvarningar(plan)
    except LookupError:
        return None
    if not varningar:
        return None
    return html.Section([
        html.H2(f"Inläsningen av planen gav {len(varningar)} "
                f"{'varning' if len(varningar) == 1 else 'varningar'}", className="h5"),
        html.P("Åtgärderna nedan har ingen tidpunkt som går att läsa som ett datum och kan därför aldrig visas "
               "som Försenad. Ange tidpunkt_datum i källfilen och läs in planen igen (python -m data.ladda)."),
        html.Ul([html.Li(v) for v in varningar]),
    ], className="alert alert-warning", role="status", id="inlasningsvarningar")
