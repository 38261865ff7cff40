"""Filtren som chefer använder: enhet (flera, grupperade KSK → SHB → MEX), roll, period, status.

Filterläget bor i URL:ens query-sträng (enhet, roll=ansvarig, period, status) så att varje vy
kan delas. Här finns rena byggare: tolka/bygga query-strängen och bygga filterpanelen.
"""
from __future__ import annotations


import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from data.uppfoljning.status import ATGARDSSTATUS_ALLA
from data.uppfoljning.urval import Urval, lista

NBSP = "\u00a0"


STANDARDPERIOD = {"typ": "filterstandard", "namn": "period"}


def filter_id(namn: str) -> dict:
    return {"typ": "filter", "namn": namn}


def enhetsalternativ(enheter: pd.DataFrame) -> list[dict]:
    """Alternativ för enhetsväljaren: trädordning (förälder före barn), indrag per nivå."""
    barn: dict[str | None, list] = {}
    for r in enheter.itertuples():
        barn.setdefault(r.foralder if isinstance(r.foralder, str) else None, []).append(r)
    ut: list[dict] = []

    def lagg(foralder, djup):
        for r in sorted(barn.get(foralder, []), key=lambda x: (bool(x.extern), x.ordning)):
            indrag = (NBSP * 4) * djup + ("└ " if djup else "")
            ut.append({"label": f"{indrag}{r.namn} ({r.kod})", "value": r.kod, "search": f"{r.kod} {r.namn}"})
            lagg(r.kod, djup + 1)

    lagg(None, 0)
    return ut


def filterpanel(enheter: pd.DataFrame, perioder: pd.DataFrame, f: Urval, vald_period: str,
                statusval: tuple[str, ...] = ATGARDSSTATUS_ALLA, visa_status: bool = True) -> html.Div:
    """Filterpanelen: enhet (kryssrutor i trädordning), bara ansvarig, period, status.

    Vanliga formulärkontroller (kryssrutor och en inbyggd select) – nåbara och begripliga med
    tangentbord och skärmläsare. Ändringar skrivs till URL:en (sidor/_gemensamt.py).
    """
    periodval = [{"label": p.namn + ("" if p.har_rapporter else " (inga rapporter)"), "value": p.namn}
                 for p in perioder.itertuples()]
    namn = dict(zip(enheter.kod, enheter.namn))
    valt = ", ".join(f"{namn.get(k, k)} ({k})" for k in f.enhet) if f.enhet else "Alla enheter"
    return html.Div([
        html.H2("Filter", className="visually-hidden"),
        dbc.Row([
            dbc.Col([
                html.Details([
                    html.Summary([html.Span("Ansvarig enhet: ", className="fw-semibold"), html.Span(valt)]),
                    html.Fieldset([
                        html.Legend("Välj en eller flera enheter. En avdelning omfattar sina enheter.",
                                    className="small mb-1"),
                        dbc.Checklist(id=filter_id("enhet"), options=[{"label": o["label"], "value": o["value"]}
                                                                      for o in enhetsalternativ(enheter)],
                                      value=f.enhet, className="enhetslista"),
                    ], className="mt-2"),
                ], className="filter-enhet"),
                dbc.Checklist(id=filter_id("roll"), options=[{"label": "Bara där enheten är ansvarig (inte i samverkan)",
                                                               "value": "ansvarig"}],
                              value=["ansvarig"] if f.roll == "ansvarig" else [], switch=True, className="mt-2"),
            ], md=5),
            dbc.Col([
                html.Label(["Period", dbc.Select(id=filter_id("period"), options=periodval, value=vald_period,
                                                 className="mt-1 filter-period")],
                           className="form-label fw-semibold w-100"),
                # Standardperioden när ingen är vald: väljaren visar den, men den skrivs inte till URL:en
                # förrän någon väljer en annan (annars blir den "Vald period" vid nästa sidbyte)
                dcc.Store(id=STANDARDPERIOD, data=None if f.period else vald_period),
            ], md=3),
            dbc.Col([
                html.Fieldset([
                    html.Legend("Status", className="form-label fw-semibold fs-6 mb-1"),
                    dbc.Checklist(id=filter_id("status"), options=[{"label": s, "value": s} for s in statusval],
                                  value=f.status, inline=True, className="filter-status"),
                ]),
            ], md=4, style={} if visa_status else {"display": "none"}),
        ], className="g-3"),
    ], className="filterpanel p-3 mb-4", role="search", **{"aria-label": "Filter"})


def filter_fran_kontroller(nu: Urval, enhet, roll, period, status, standardperiod: str | None = None) -> Urval:
    """Filterpanelens kontroller → ett nytt urval (plan, vy och visning behålls). standardperiod: perioden
    som visas utan vald period; står väljaren kvar på den är ingen period vald."""
    if not nu.period and period == standardperiod:
        period = None
    return nu.med(enhet=lista(enhet), roll="ansvarig" if roll and "ansvarig" in roll else None,
                  period=period or None, status=lista(status), fel=[])
