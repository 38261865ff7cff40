"""/rapportera: ladda upp en ifylld rapportmall. Stängd om inget administratörslösenord är satt
(miljövariabeln MALKOLL_ADMIN_LOSENORD). Importen förhandsgranskas innan något skrivs."""
from __future__ import annotations

import base64
import hmac
import os

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from data import rapport

dash.register_page(__name__, path="/rapportera", name="Rapportera", order=20, title="Rapportera utfall – Målkoll")

ID_LOSEN, ID_AV, ID_UPP, ID_FG, ID_FIL, ID_GENOMFOR, ID_RESULTAT = (
    "rapp-losen", "rapp-av", "rapp-upp", "rapp-forhandsgranskning", "rapp-fil", "rapp-genomfor", "rapp-resultat")


def losenord() -> str:
    return os.environ.get("MALKOLL_ADMIN_LOSENORD", "")


def ratt_losenord(angivet: str | None) -> bool:
    facit = losenord()
    return bool(facit) and hmac.compare_digest((angivet or "").encode(), facit.encode())


def layout(**query):
    if not losenord():
        return html.Div([
            html.H1("Rapportera utfall", className="sidrubrik"),
            html.Div([html.P("Uppladdning av rapporter är avstängd på den här servern.", className="fw-semibold"),
                      html.P(["Sätt miljövariabeln ", html.Code("MALKOLL_ADMIN_LOSENORD"),
                              " till ett administratörslösenord och starta om appen för att öppna sidan. "
                              "Rapporter kan alltid importeras från kommandoraden:"]),
                      html.Pre('python -m data.rapport importera --forhandsgranska --av "Ditt namn" rapport.xlsx')],
                     className="alert alert-info", role="status"),
        ])
    return html.Div([
        html.H1("Rapportera utfall", className="sidrubrik"),
        html.P("Ladda upp en ifylld rapportmall (hämta mallen med knappen ”Hämta rapportmall” på sidorna). "
               "Du ser vad som ändras innan något sparas. Tidigare värden skrivs aldrig över."),
        html.Div([
            html.Label("Administratörslösenord", htmlFor=ID_LOSEN, className="form-label"),
            dcc.Input(id=ID_LOSEN, type="password", className="form-control", autoComplete="current-password"),
        ], className="mb-3", style={"maxWidth": "28rem"}),
        html.Div([
            html.Label("Ditt namn (sparas med varje värde)", htmlFor=ID_AV, className="form-label"),
            dcc.Input(id=ID_AV, type="text", className="form-control"),
        ], className="mb-3", style={"maxWidth": "28rem"}),
        dcc.Upload(id=ID_UPP, children=html.Div(["Dra hit filen eller ", html.A("välj en .xlsx-fil", href="#")]),
                   className="uppladdning p-4 mb-3 text-center border border-2 rounded", accept=".xlsx",
                   max_size=rapport.MAX_STORLEK),
        dcc.Store(id=ID_FIL),
        html.Div(id=ID_FG, role="status", **{"aria-live": "polite"}),
        html.Button("Genomför importen", id=ID_GENOMFOR, className="btn btn-primary", disabled=True),
        html.Div(id=ID_RESULTAT, role="status", className="mt-3", **{"aria-live": "polite"}),
    ])


def _fel(rubrik: str, fel: list[str]) -> html.Div:
    return html.Div([html.P(rubrik, className="fw-semibold"), html.Ul([html.Li(f) for f in fel])],
                    className="alert alert-danger", role="alert")


def _granska(innehall: str, filnamn: str):
    data = base64.b64decode(innehall.split(",", 1)[1])
    return rapport.las_rapport(data, filnamn or "rapport.xlsx")


@callback(Output(ID_FG, "children"), Output(ID_FIL, "data"), Output(ID_GENOMFOR, "disabled"),
          Output(ID_RESULTAT, "children", allow_duplicate=True),
          Input(ID_UPP, "contents"), State(ID_UPP, "filename"), State(ID_LOSEN, "value"),
          prevent_initial_call=True)
def forhandsgranska(innehall, filnamn, losen):
    if not ratt_losenord(losen):
        return _fel("Fel lösenord.", ["Ange administratörslösenordet och ladda upp filen igen."]), None, True, None
    try:
        fg = _granska(innehall, filnamn)
    except rapport.Importfel as e:
        return _fel(f"Filen {filnamn} avvisades – ingenting har ändrats:", e.fel), None, True, None
    lista = [html.Li(f"{a.blad} {a.id} {a.falt}: {a.nytt}") for a in fg.nya] + \
            [html.Li(f"{a.blad} {a.id} {a.falt}: {a.gammalt} → {a.nytt}") for a in fg.andrade]
    return html.Div([
        html.H2(f"Förhandsgranskning: {filnamn} ({fg.period})", className="h4"),
        html.P(f"{len(fg.nya)} nya värden, {len(fg.andrade)} ändrade, {fg.oforandrade} oförändrade."),
        html.Ul(lista[:500]) if lista else html.P("Inget att ändra."),
    ]), {"innehall": innehall, "filnamn": filnamn}, fg.tom, None


@callback(Output(ID_RESULTAT, "children"), Output(ID_GENOMFOR, "disabled", allow_duplicate=True),
          Input(ID_GENOMFOR, "n_clicks"), State(ID_FIL, "data"), State(ID_LOSEN, "value"), State(ID_AV, "value"),
          prevent_initial_call=True)
def genomfor(_n, fil, losen, av):
    if not fil:
        return no_update, True
    if not ratt_losenord(losen):
        return _fel("Fel lösenord.", ["Importen gjordes inte."]), True
    if not (av or "").strip():
        return _fel("Namn saknas.", ["Skriv ditt namn – det sparas med varje värde."]), False
    try:
        fg = _granska(fil["innehall"], fil["filnamn"])
        n = rapport.tillampa(fg, av.strip())
    except rapport.Importfel as e:
        return _fel("Importen avbröts – ingenting har ändrats:", e.fel), True
    return html.Div(f"Importen är klar: {n} poster sparade för {fg.period}.", className="alert alert-success"), True
