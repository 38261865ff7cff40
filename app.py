"""Målkoll – måluppföljning för kommuner.

Tunn: appfabriken `create_app(inställningar)`, skalet (navigering + sidinnehåll) och `server`
för gunicorn (skapas först när den efterfrågas). Kör: python app.py   (eller gunicorn app:server)
"""
from __future__ import annotations

import logging

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from data.uppfoljning import fragor
from data.lagring import installningar
from data.lagring.installningar import Installningar
from data.uppfoljning.urval import Urval

log = logging.getLogger(__name__)


def _kort_titel(titel: str, kommun: str | None) -> str:
    """Menyns korta titel: "Norrtälje kommun ska vara …" → "Vara …" (kommunens namn ur planen)."""
    t = titel.removeprefix(f"{kommun} ska ") if kommun else titel
    return t[:1].upper() + t[1:]


def _lank(barn, href: str, **kw) -> dcc.Link:
    return dcc.Link(barn, href=href, className="nav-link", id={"typ": "nav", "href": href}, **kw)


def menylankar(plan: str | None = None) -> list:
    """Menyn för planen: översikten, planens målområden (numren ur planen), och de delar planen har."""
    info, delar = fragor.plan_info(plan), fragor.planens_delar(plan)
    lankar = [_lank("Översikt", "/")]
    for m in fragor.malomraden(plan).itertuples():
        lankar.append(_lank([html.Span(f"{m.nr}", className="nav-nr"), _kort_titel(m.titel, info.get("kommun"))],
                            f"/malomrade/{m.nr}", title=m.titel))
    if delar["arbetsgivare"]:
        lankar.append(_lank("Arbetsgivare", "/arbetsgivare"))
    if delar["sarskilda"]:
        lankar.append(_lank("Särskilda uppdrag", "/sarskilda-uppdrag"))
    if delar["budget"]:
        lankar.append(_lank("Budget", "/budget"))
    lankar.append(_lank("Rapportera", "/rapportera"))
    from sidor import _inloggning
    anv = _inloggning.aktuell()
    if anv is not None and anv.administrator:
        lankar.append(_lank("Analys", "/analys", title="Analystexterna för delårsrapporten"))
        lankar.append(_lank("Ändringslogg", "/andringslogg"))
    return lankar


def oppna_lankar() -> list:
    """Sidorna för invånare och vidareanvändare och ordlistan, under huvudmenyn (inte i sammanträdeslägets
    ordning)."""
    return [_lank("Så används skattepengarna", "/skattepengar"), _lank("Jämförelse (Kolada)", "/jamforelse"),
            _lank("Öppna data (API)", "/api"),
            _lank("Ordlista", "/om", title="Statusorden, måttenhet, ansvarig enhet, publicerat och exempel")]


def navigering() -> html.Nav:
    return html.Nav([html.Div(menylankar(), id="huvudmeny", className="nav flex-column"),
                     html.Div(oppna_lankar(), className="nav flex-column oppna-meny mt-2 pt-2 border-top")],
                    className="sidomeny", **{"aria-label": "Huvudmeny"})


def planvaljare() -> html.Div:
    """Planväljaren (nämnd × år); valet står i URL:en som ?plan=KOD, standardplanen utan."""
    pl = fragor.planer()
    std = fragor.plan_info()["kod"]
    return html.Div(html.Label([html.Span("Plan", className="me-2"),
                                dbc.Select(id="planval", value=std, size="sm", className="planval",
                                           options=[{"label": r.namn + (" (syntetisk testdata)" if r.syntetisk else ""),
                                                     "value": r.kod} for r in pl.itertuples()])],
                               className="d-flex align-items-center mb-0 text-white"),
                    className="ms-auto me-3 planvaljare d-print-none")


def kontoruta() -> html.Div:
    """Sidhuvudets inloggning: "Logga in", eller namnet och "Logga ut" (ett formulär som postar)."""
    from data.konton.anvandare import ROLLNAMN
    from sidor import _inloggning
    anv = _inloggning.aktuell()
    if anv is None:
        return html.Div(html.A("Logga in", href="/logga-in", className="btn btn-outline-light btn-sm"),
                        className="kontoruta me-3 d-print-none")
    return html.Div(html.Form([
        html.Span(f"{anv.visningsnamn} · {ROLLNAMN[anv.roll]}", className="me-2 small"),
        html.Button("Logga ut", type="submit", id="logga-ut", className="btn btn-outline-light btn-sm"),
    ], action="/logga-ut", method="post", className="d-flex align-items-center mb-0"),
        className="kontoruta me-3 d-print-none")


def skal():
    plan = fragor.plan_info()
    return html.Div(id="skal", className="skal", children=[
        html.A("Hoppa till innehållet", href="#innehall", className="hoppa-lank"),
        html.Header(html.Div([
            dcc.Link([html.Span("Målkoll", className="varumarke"), html.Span(f" · {plan['namn']}", id="plannamn", className="plannamn")],
                     href="/", className="text-decoration-none text-reset"),
            html.Span("← → bläddrar · F helskärm · Esc lämnar", className="motestips ms-auto me-3"),
            planvaljare(),
            dcc.Store(id="standardplan", data=fragor.plan_info()["kod"]),
            dcc.Store(id="menyplan", data=fragor.plan_info()["kod"]),   # planen som menyn nu visar
            kontoruta(),
            html.Button("Sammanträdesläge", id="motesknapp", n_clicks=0, type="button",
                        className="btn btn-light btn-sm ms-auto motesknapp", **{"aria-pressed": "false"},
                        title="Stor text för projektorn (?visning=mote). Tangenter: ← → PageUp PageDown, F, Esc"),
        ], className="container-fluid d-flex align-items-center"), className="sidhuvud"),
        html.Div([
            navigering(),
            html.Main(dash.page_container, id="innehall", tabIndex="-1", className="huvudinnehall"),
        ], className="ramverk"),
    ])


def _skalets_callbacks(app: Dash) -> None:
    """Skalets callbacks: menyn för URL:ens plan, sammanträdesläget, aktiv sida och planväljaren."""
    @app.callback(Output("huvudmeny", "children"), Output("plannamn", "children"), Output("menyplan", "data"),
                  Input("_pages_location", "search"), State("menyplan", "data"))
    def meny_for_planen(search, visad):
        """Menyn och rubriken för URL:ens plan (okänd plan: standardplanen; sidan säger ifrån).
        Visar menyn redan planen (som vid varje vanlig sidladdning) ändras inget: en ny meny gör att
        Dash letar igenom sidan efter menyns länkar igen, vilket kostade märkbart vid sidladdningen."""
        u = Urval.fran_sok(search)
        plan = u.plan if u.plan in set(fragor.planer().kod) else None
        info = fragor.plan_info(plan)
        if info["kod"] == visad:
            raise PreventUpdate
        return menylankar(plan), f" · {info['namn']}", info["kod"]

    # Sammanträdesläge: klassen på skalet följer URL:en; knappen växlar ?visning=mote
    app.clientside_callback(
        """function(sok) {
            var mote = new URLSearchParams(sok || '').get('visning') === 'mote';
            document.body.classList.toggle('motelage', mote);
            return [mote ? 'skal motelage' : 'skal', mote ? 'true' : 'false',
                    mote ? 'Lämna sammanträdesläge' : 'Sammanträdesläge'];
        }""",
        Output("skal", "className"), Output("motesknapp", "aria-pressed"), Output("motesknapp", "children"),
        Input("_pages_location", "search"))
    app.clientside_callback(
        """function(n, sok) {
            var p = new URLSearchParams(sok || '');
            if (p.get('visning') === 'mote') { p.delete('visning'); } else { p.set('visning', 'mote'); }
            var s = p.toString();
            return s ? '?' + s : '';
        }""",
        Output("_pages_location", "search", allow_duplicate=True),
        Input("motesknapp", "n_clicks"), State("_pages_location", "search"), prevent_initial_call=True)

    # Markera aktuell sida i menyn (klass + aria-current), i webbläsaren
    # och låt menyns länkar bära med sig URL:ens filter (plan, period, enhet, roll, status, visning)
    app.clientside_callback(
        """function(sokvag, sok, ids) {
            var klass = ids.map(function(i) {
                var aktiv = i.href === '/' ? sokvag === '/' : (sokvag || '').indexOf(i.href) === 0;
                return aktiv ? 'nav-link active' : 'nav-link';
            });
            var href = ids.map(function(i) { return i.href + (sok || ''); });
            return [klass, href];
        }""",
        Output({"typ": "nav", "href": ALL}, "className"), Output({"typ": "nav", "href": ALL}, "href"),
        Input("_pages_location", "pathname"), Input("_pages_location", "search"),
        State({"typ": "nav", "href": ALL}, "id"))

    # Planväljaren: visar URL:ens plan och skriver valet till URL:en
    app.clientside_callback(
        """function(sok, val, std) {
            var utlost = (dash_clientside.callback_context.triggered || []).map(function(t) { return t.prop_id; });
            var p = new URLSearchParams(sok || '');
            if (utlost.indexOf('planval.value') >= 0) {
                if (val && val !== std) { p.set('plan', val); } else { p.delete('plan'); }
                p.delete('period');
                var s = p.toString();
                var ny = s ? '?' + s : '';
                return [ny === (sok || '') ? dash_clientside.no_update : ny, dash_clientside.no_update];
            }
            return [dash_clientside.no_update, p.get('plan') || std];
        }""",
        Output("_pages_location", "search", allow_duplicate=True), Output("planval", "value"),
        Input("_pages_location", "search"), Input("planval", "value"), State("standardplan", "data"),
        prevent_initial_call="initial_duplicate")


def create_app(inst: Installningar | None = None, forbered_databas: bool = True) -> Dash:
    """Appfabriken: inställningarna (ur miljön om inga ges), startsteget (schema och en fylld
    databas) och Dash-appen med sidor, export och skydd. gunicorn: `app:server`."""
    from data.planen import forbered
    from sqlalchemy.exc import OperationalError
    inst = installningar.anvand(inst or Installningar.fran_miljo())
    if forbered_databas:
        try:
            forbered.forbered(inst)
        except OperationalError as e:  # databasen svarar inte vid start: sidorna svarar 503 tills den är tillbaka
            log.warning("Databasen svarar inte vid start: %s", str(e).splitlines()[0])
    app = Dash(__name__, pages_folder="sidor", use_pages=True, title="Målkoll",
               suppress_callback_exceptions=True, serve_locally=True, update_title=None)
    app.index_string = app.index_string.replace("<html>", '<html lang="sv">')
    app.layout = skal
    _skalets_callbacks(app)
    from sidor import _api, _export, _halsa, _inloggning, _oidc, _sakerhet, _sidcache
    _export.registrera(app)
    _api.registrera(app)
    _sakerhet.registrera(app)
    _inloggning.registrera(app)
    _oidc.registrera(app.server)
    _halsa.registrera(app)
    _sidcache.registrera(app)
    return app


_app: Dash | None = None


def hamta_app() -> Dash:
    """Processens app, skapad vid första anropet (inte när modulen importeras)."""
    global _app
    if _app is None:
        _app = create_app()
    return _app


def __getattr__(namn: str):
    """`app:server` (gunicorn, Procfile) och `app.app` skapar appen först när de efterfrågas,
    så att en import av modulen aldrig rör databasen."""
    if namn == "server":
        return hamta_app().server
    if namn == "app":
        return hamta_app()
    raise AttributeError(namn)


if __name__ == "__main__":
    _inst = Installningar.fran_miljo()
    create_app(_inst).run(host=_inst.host, port=_inst.port, debug=_inst.debug)
