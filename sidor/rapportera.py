"""/rapportera: ladda upp en ifylld rapportmall. Stängd om inget administratörslösenord är satt
(miljövariabeln MALKOLL_ADMIN_LOSENORD), och stängd med besked om nyckeln för sessionen
(MALKOLL_HEMLIGHET) saknas eller är svag. Efter rätt lösenord gäller en session (signerad kaka,
HttpOnly, SameSite=Strict) så att lösenordet inte skickas med varje uppladdning. Högst fem
felaktiga lösenord per adress och tio minuter (sidor/_sakerhet.py). Importen förhandsgranskas
innan något skrivs."""
from __future__ import annotations

import base64
import binascii

import dash
from dash import Input, Output, State, callback, dcc, html, no_update
from dash.exceptions import AppNotFoundError
from sqlalchemy.exc import DBAPIError

from data import rapport
from sidor import _sakerhet

dash.register_page(__name__, path="/rapportera", name="Rapportera", order=20, title="Rapportera utfall – Målkoll")

# Sidan bygger på skyddet (sessionens nyckel och kakflaggor, försöksgränsen, huvudena): registrera det
# redan här, när Dash Pages importerar sidan. app.py anropar också registrera – ett andra anrop gör
# ingenting.
try:
    _sakerhet.registrera(dash.get_app())
except AppNotFoundError:  # importerad utan Dash-app (t.ex. i ett test)
    pass

ID_LOSEN, ID_AV, ID_UPP, ID_FG, ID_FIL, ID_GENOMFOR, ID_RESULTAT = (
    "rapp-losen", "rapp-av", "rapp-upp", "rapp-forhandsgranskning", "rapp-fil", "rapp-genomfor", "rapp-resultat")
ID_INLOGGNING, ID_LOGGA_IN, ID_INLOGGAD, ID_LOGGA_UT, ID_INLOGGNINGSBESKED = (
    "rapp-inloggning", "rapp-logga-in", "rapp-inloggad", "rapp-logga-ut", "rapp-inloggningsbesked")

DATABASFEL_IMPORT = ("Databasen svarar inte just nu (eller är upptagen av en annan import). En import skrivs "
                     "i en enda transaktion, så antingen sparades allt eller ingenting. Ladda upp filen igen "
                     "när databasen svarar: förhandsgranskningen visar då om något återstår att spara.")


def losenord() -> str:
    return _sakerhet.losenord()


def ratt_losenord(angivet: str | None) -> bool:
    return _sakerhet.ratt_losenord(angivet)


def _stangd(rubrik: str, stycken: list, klass: str = "alert alert-info", roll: str = "status") -> html.Div:
    return html.Div([html.H1("Rapportera utfall", className="sidrubrik"),
                     html.Div([html.P(rubrik, className="fw-semibold"), *stycken], className=klass, role=roll)])


def layout(**query):
    if not losenord():
        return _stangd("Uppladdning av rapporter är avstängd på den här servern.", [
            html.P(["Sätt miljövariabeln ", html.Code("MALKOLL_ADMIN_LOSENORD"),
                    " till ett administratörslösenord (och ", html.Code("MALKOLL_HEMLIGHET"),
                    " till en slumpad nyckel) och starta om appen för att öppna sidan. "
                    "Rapporter kan alltid importeras från kommandoraden:"]),
            html.Pre('python -m data.rapport importera --forhandsgranska --av "Ditt namn" rapport.xlsx')])
    fel = _sakerhet.konfigurationsfel()
    if fel:
        return _stangd("Sidan är stängd: servern saknar en säker nyckel för inloggningen.", [
            html.P(fel),
            html.P(["Så åtgärdar du det: skapa en slumpad nyckel med ",
                    html.Code('python -c "import secrets; print(secrets.token_urlsafe(48))"'),
                    ", sätt den i miljövariabeln ", html.Code("MALKOLL_HEMLIGHET"),
                    " (minst 32 tecken, samma värde för alla arbetsprocesser) och starta om appen. "
                    "Se docs/drift.md."]),
            html.P("Rapporter kan under tiden importeras från kommandoraden:"),
            html.Pre('python -m data.rapport importera --forhandsgranska --av "Ditt namn" rapport.xlsx')],
            klass="alert alert-danger", roll="alert")
    inloggad = _sakerhet.ar_inloggad()
    return html.Div([
        html.H1("Rapportera utfall", className="sidrubrik"),
        html.P("Ladda upp en ifylld rapportmall (hämta mallen med knappen ”Hämta rapportmall” på sidorna). "
               "Du ser vad som ändras innan något sparas. Tidigare värden skrivs aldrig över."),
        html.Div([
            html.Label("Administratörslösenord", htmlFor=ID_LOSEN, className="form-label"),
            html.Div([
                dcc.Input(id=ID_LOSEN, type="password", className="form-control", autoComplete="current-password",
                          debounce=False, n_submit=0),
                html.Button("Logga in", id=ID_LOGGA_IN, className="btn btn-outline-primary", type="button"),
            ], className="input-group"),
        ], id=ID_INLOGGNING, className="mb-3", style={"maxWidth": "28rem"}, hidden=inloggad),
        html.Div([
            html.Span("Du är inloggad som administratör. ", className="me-2"),
            html.Button("Logga ut", id=ID_LOGGA_UT, className="btn btn-outline-secondary btn-sm", type="button"),
        ], id=ID_INLOGGAD, className="mb-3", hidden=not inloggad),
        html.Div(id=ID_INLOGGNINGSBESKED, role="status", **{"aria-live": "polite"}),
        html.Div([
            html.Label("Ditt namn (sparas med varje värde)", htmlFor=ID_AV, className="form-label"),
            dcc.Input(id=ID_AV, type="text", className="form-control", maxLength=200),
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
    return html.Div([html.P(rubrik, className="fw-semibold" if fel else "fw-semibold mb-0"),
                     html.Ul([html.Li(f) for f in fel]) if fel else None],
                    className="alert alert-danger", role="alert")


def _granska(innehall: str, filnamn: str):
    filnamn = (filnamn if isinstance(filnamn, str) and filnamn.strip() else "rapport.xlsx")[:200]
    try:
        data = base64.b64decode(str(innehall).split(",", 1)[1], validate=True)
    except (IndexError, ValueError, binascii.Error):
        raise rapport.Importfel([f"{filnamn or 'filen'}: uppladdningen gick inte att läsa; försök igen"]) from None
    return rapport.las_rapport(data, filnamn)


def _behorig(losen) -> tuple[bool, str | None, bool]:
    """(behörig, felmeddelande, loggade in nyss). Redan inloggad → sessionen räcker; annars
    prövas ett angivet lösenord (räknas mot försöksgränsen) och sessionen sätts."""
    fel = _sakerhet.konfigurationsfel()
    if fel or not losenord():
        return False, (fel or "Uppladdning är avstängd.") + " " + _sakerhet.HEMLIGHET_ATGARD, False
    losen = losen if isinstance(losen, str) else None
    if _sakerhet.ar_inloggad():
        return True, None, False
    if not losen:
        return False, "Du är inte inloggad. Ange administratörslösenordet och försök igen.", False
    ok, meddelande = _sakerhet.logga_in(losen)
    return ok, meddelande, ok


def _inloggad_utdata(inloggad: bool, besked=None):
    """Lösenordsfält (tömt), inloggningsblockets och utloggningsblockets `hidden`, besked."""
    return "", inloggad, not inloggad, besked


_INLOGGNING_UT = [Output(ID_LOSEN, "value", allow_duplicate=True),
                  Output(ID_INLOGGNING, "hidden", allow_duplicate=True),
                  Output(ID_INLOGGAD, "hidden", allow_duplicate=True),
                  Output(ID_INLOGGNINGSBESKED, "children", allow_duplicate=True)]


@callback(*_INLOGGNING_UT, Input(ID_LOGGA_IN, "n_clicks"), Input(ID_LOSEN, "n_submit"), State(ID_LOSEN, "value"),
          prevent_initial_call=True)
def logga_in(_n, _enter, losen):
    if not losen:
        return no_update, no_update, no_update, _fel("Lösenord saknas.", ["Skriv administratörslösenordet."])
    ok, fel, _ = _behorig(losen)
    if not ok:
        return "", False, True, _fel(fel or "Fel lösenord.", [])
    return _inloggad_utdata(True, html.Div("Du är inloggad. Lösenordet behövs inte igen förrän du loggar ut "
                                           "eller inloggningen gått ut (efter 8 timmar).",
                                           className="alert alert-success"))


@callback(*_INLOGGNING_UT, Output(ID_FIL, "data", allow_duplicate=True),
          Output(ID_GENOMFOR, "disabled", allow_duplicate=True),
          Input(ID_LOGGA_UT, "n_clicks"), prevent_initial_call=True)
def logga_ut(_n):
    _sakerhet.logga_ut()
    return (*_inloggad_utdata(False, html.Div("Du är utloggad.", className="alert alert-info")), None, True)


@callback(Output(ID_FG, "children"), Output(ID_FIL, "data"), Output(ID_GENOMFOR, "disabled"),
          Output(ID_RESULTAT, "children", allow_duplicate=True), *_INLOGGNING_UT,
          Input(ID_UPP, "contents"), State(ID_UPP, "filename"), State(ID_LOSEN, "value"),
          prevent_initial_call=True)
def forhandsgranska(innehall, filnamn, losen):
    ok, fel, nyss = _behorig(losen)
    if not ok:
        rubrik = fel if fel and fel.startswith(("Fel lösenord", "För många")) else "Ingen behörighet."
        detaljer = ["Ange administratörslösenordet och ladda upp filen igen."] if rubrik != "Ingen behörighet." \
            else [fel or ""]
        return (_fel(rubrik, detaljer), None, True, None, "", False, True, no_update)
    inlogg = _inloggad_utdata(True, None) if nyss else (no_update,) * 4
    if not innehall:
        return (no_update, no_update, no_update, no_update, *inlogg)
    try:
        fg = _granska(innehall, filnamn)
    except rapport.Importfel as e:
        return (_fel(f"Filen {filnamn} avvisades – ingenting har ändrats:", e.fel), None, True, None, *inlogg)
    except DBAPIError as e:
        if not _sakerhet.ar_anslutningsfel(e):
            raise
        return (_fel("Databasen svarar inte just nu.", ["Försök igen om en stund – ingenting har ändrats."]),
                None, True, None, *inlogg)
    lista = [html.Li(f"{a.blad} {a.id} {a.falt}: {a.nytt}") for a in fg.nya] + \
            [html.Li(f"{a.blad} {a.id} {a.falt}: {a.gammalt} → {a.nytt}") for a in fg.andrade]
    return (html.Div([
        html.H2(f"Förhandsgranskning: {filnamn} ({fg.period})", className="h4"),
        html.P(f"{len(fg.nya)} nya värden, {len(fg.andrade)} ändrade, {fg.oforandrade} oförändrade."),
        html.Ul(lista[:500]) if lista else html.P("Inget att ändra."),
    ]), {"innehall": innehall, "filnamn": filnamn}, fg.tom, None, *inlogg)


@callback(Output(ID_RESULTAT, "children"), Output(ID_GENOMFOR, "disabled", allow_duplicate=True),
          Input(ID_GENOMFOR, "n_clicks"), State(ID_FIL, "data"), State(ID_LOSEN, "value"), State(ID_AV, "value"),
          prevent_initial_call=True)
def genomfor(_n, fil, losen, av):
    if not fil or not isinstance(fil, dict):
        return no_update, True
    ok, fel, _ = _behorig(losen)
    if not ok:
        return _fel(fel or "Ingen behörighet.", ["Importen gjordes inte."]), True
    av = av if isinstance(av, str) else ""
    if not av.strip():
        return _fel("Namn saknas.", ["Skriv ditt namn – det sparas med varje värde."]), False
    try:
        fg = _granska(fil.get("innehall"), fil.get("filnamn"))
        n = rapport.tillampa(fg, av.strip()[:200])
    except rapport.Importfel as e:
        return _fel("Importen avbröts – ingenting har ändrats:", e.fel), True
    except DBAPIError as e:
        if not _sakerhet.ar_anslutningsfel(e):
            raise
        return _fel("Importen kunde inte slutföras.", [DATABASFEL_IMPORT]), False
    return html.Div(f"Importen är klar: {n} poster sparade för {fg.period}.", className="alert alert-success"), True
