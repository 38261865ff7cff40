"""Målkoll – måluppföljning för kommuner.

Tunn: appfabriken `create_app(inställningar)`, skalet (navigering + sidinnehåll) och `server`
för gunicorn (skapas först när den efterfrågas). Kör: python app.py   (eller gunicorn app:server)
"""
from __future__ import annotations

import logging
import re

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from data.uppfoljning import fragor
from data.lagring import installningar
from data.lagring.installningar import Installningar
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.urval import Urval

log = logging.getLogger(__name__)


def _kort_titel(titel: str, kommun: str | None) -> str:
    """Menyns korta titel: "<Kommunen> ska vara …" → "Vara …" (kommunens namn ur planen)."""
    t = titel.removeprefix(f"{kommun} ska ") if kommun else titel
    return t[:1].upper() + t[1:]


def _lank(barn, href: str, **kw) -> dcc.Link:
    return dcc.Link(barn, href=href, className="nav-link", id={"typ": "nav", "href": href}, **kw)


def menylankar(plan: Plankontext) -> list:
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
    if anv is not None and anv.roll in ("administrator", "rapportor", "granskare"):
        lankar.append(_lank("Rapportrunda", "/rapportrunda"))
    if anv is not None and anv.administrator:
        lankar.append(_lank("Analys", "/analys", title="Analystexterna för delårsrapporten"))
        lankar.append(_lank("Ändringslogg", "/andringslogg"))
        lankar.append(_lank("Sammanträden", "/sammantraden", title="Frysta underlag: vad nämnden visades"))
    return lankar


def oppna_lankar(plan: Plankontext) -> list:
    """Sidorna för invånare och vidareanvändare och ordlistan, under huvudmenyn (inte i sammanträdeslägets
    ordning); skattepengar och Kolada-jämförelsen bara när planen har budget respektive Kolada-id och nyckeltal."""
    delar = fragor.planens_delar(plan)
    return [_lank("Så används skattepengarna", "/skattepengar") if delar["skattepengar"] else None,
            _lank("Jämförelse (Kolada)", "/jamforelse") if delar["kolada"] else None,
            _lank("Öppna data (API)", "/api"),
            _lank("Ordlista", "/om", title="Statusorden, måttenhet, ansvarig enhet, publicerat och exempel")]


def navigering(plan: Plankontext) -> html.Nav:
    return html.Nav([html.Div(menylankar(plan), id="huvudmeny", className="nav flex-column"),
                     html.Div(oppna_lankar(plan), id="oppnameny", className="nav flex-column oppna-meny mt-2 pt-2 border-top")],
                    className="sidomeny", **{"aria-label": "Huvudmeny"})


def planetikett(kommun, namnd: str, ar, kod: str | None = None) -> str:
    """Kommun, nämnd och år: "Sjöby kommun · Barn- och utbildningsnämnden · 2025" (två kommuners
    BUN-planer ser olika ut); med koden i planväljaren."""
    delar = [x for x in (kommun if isinstance(kommun, str) else None, namnd, str(ar)) if x]
    return " · ".join(delar) + (f" ({kod})" if kod else "")


def sidhuvudets_plan(plan: Plankontext) -> str:
    """Sidhuvudets rad om planen: kommun, nämnd och år."""
    info = fragor.plan_info(plan)
    return " · " + planetikett(info.get("kommun"), info["namnd"], info["ar"])


def planvaljare(std: Plankontext) -> html.Div:
    """Planväljaren (kommun · nämnd · år); valet står i URL:en som ?plan=KOD, standardplanen utan."""
    pl = fragor.planer()
    std = std.kod
    return html.Div(html.Label([html.Span("Plan", className="me-2"),
                                dbc.Select(id="planval", value=std, size="sm", className="planval",
                                           options=[{"label": planetikett(r.kommun, r.namnd, r.ar, r.kod)
                                                     + (" (syntetisk testdata)" if r.syntetisk else ""),
                                                     "value": r.kod, "title": r.namn} for r in pl.itertuples()])],
                               className="d-flex align-items-center mb-0 text-white"),
                    className="ms-auto me-3 planvaljare d-print-none")


def byt_plan(sok: str | None, sokvag: str | None, ny: str, std: str) -> tuple[str, str, list[str]]:
    """URL:en efter ett planbyte: filtren som finns i den nya planen (period, enheter, målområde)
    behålls, de andra tas bort och nämns. Returnerar (search, pathname, borttagna)."""
    u = fragor.normalisera_urval(Urval.fran_sok(sok, sokvag))
    kp = fragor.los_plan(ny)
    tappade = []
    period = u.period if u.period in set(fragor.perioder(kp).namn) else None
    if u.period and not period:
        tappade.append(f"perioden ”{u.period}”")
    kanda = set(fragor.enheter(kp).kod)
    enhet = [e for e in u.enhet if e in kanda]
    tappade += [f"enheten ”{e}”" for e in u.enhet if e not in kanda]
    m = re.fullmatch(r"/malomrade/(\d+)", sokvag or "")
    if m and int(m.group(1)) not in set(fragor.malomraden(kp).nr):
        tappade.append(f"målområde {m.group(1)}")
        sokvag = "/"
    ny_u = u.med(plan=None if ny == std else ny, period=period, enhet=enhet, roll=u.roll if enhet else None)
    return ny_u.till_sok(), sokvag or "/", tappade


def planbytesbesked(ny: str, tappade: list[str]) -> str:
    """Meddelandet efter ett planbyte som tog bort filter (tomt när allt fanns kvar)."""
    if not tappade:
        return ""
    namn = planetikett(*(fragor.plan_info(fragor.los_plan(ny)).get(k) for k in ("kommun", "namnd", "ar")))
    lista = ", ".join(tappade[:-1]) + (" och " if len(tappade) > 1 else "") + tappade[-1]
    return f"Planen {namn} har inte {lista}; {'de togs' if len(tappade) > 1 else 'det togs'} bort ur filtret."


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
    std = fragor.los_plan()   # kanten: standardplanen, upplöst en gång för skalet
    plan = fragor.plan_info(std)
    return html.Div(id="skal", className="skal", children=[
        html.A("Hoppa till innehållet", href="#innehall", className="hoppa-lank"),
        html.Header(html.Div([
            dcc.Link([html.Span("Målkoll", className="varumarke"),
                      html.Span(sidhuvudets_plan(std), id="plannamn", className="plannamn", title=plan["namn"])],
                     href="/", className="text-decoration-none text-reset"),
            html.Span([html.Span("← → bläddrar · A avvikelser/hela sidan · F helskärm · Esc lämnar", className="motestips-lang"),
                       html.Span("← → · A avvikelser · F · Esc", className="motestips-kort")],
                      className="motestips ms-auto me-3",
                      title="← → bläddrar · A avvikelser/hela sidan · F helskärm · Esc lämnar"),
            planvaljare(std),
            dcc.Store(id="standardplan", data=std.kod),
            dcc.Store(id="menyplan", data=std.kod),   # planen som menyn nu visar
            kontoruta(),
            # Avvikelsedagordningen (?fokus=avvikelser): syns bara i sammanträdesläget; tangenten A gör detsamma
            html.Button("Bara avvikelser", id="fokusknapp", n_clicks=0, type="button",
                        className="btn btn-outline-light btn-sm me-2 fokusknapp", **{"aria-pressed": "false"},
                        title="Dagordningen: bara det som behöver styrelsen, resten räknat (?fokus=avvikelser). Tangent A"),
            html.Button("Sammanträdesläge", id="motesknapp", n_clicks=0, type="button",
                        className="btn btn-light btn-sm ms-auto motesknapp", **{"aria-pressed": "false"},
                        title="Stor text för projektorn (?visning=mote). Tangenter: ← → PageUp PageDown, F, Esc"),
        ], className="container-fluid d-flex align-items-center"), className="sidhuvud"),
        html.Div(id="planbyte", role="status", className="planbyte"),
        html.Div([
            navigering(std),
            html.Main(dash.page_container, id="innehall", tabIndex="-1", className="huvudinnehall"),
        ], className="ramverk"),
    ])


def _skalets_callbacks(app: Dash) -> None:
    """Skalets callbacks: menyn för URL:ens plan, sammanträdesläget, aktiv sida och planväljaren."""
    @app.callback(Output("huvudmeny", "children"), Output("oppnameny", "children"), Output("plannamn", "children"),
                  Output("plannamn", "title"), Output("menyplan", "data"),
                  Input("_pages_location", "search"), State("menyplan", "data"))
    def meny_for_planen(search, visad):
        """Menyn och rubriken för URL:ens plan (okänd plan: standardplanen; sidan säger ifrån).
        Visar menyn redan planen (som vid varje vanlig sidladdning) ändras inget: en ny meny gör att
        Dash letar igenom sidan efter menyns länkar igen, vilket kostade märkbart vid sidladdningen."""
        u = Urval.fran_sok(search)
        plan = fragor.los_plan(u.plan if u.plan in set(fragor.planer().kod) else None)
        info = fragor.plan_info(plan)
        if info["kod"] == visad:
            raise PreventUpdate
        return menylankar(plan), oppna_lankar(plan), sidhuvudets_plan(plan), info["namn"], info["kod"]

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
    # Avvikelsedagordningen: knappen följer och växlar ?fokus=avvikelser (sammanträdesläget behålls)
    app.clientside_callback(
        """function(sok) {
            var p = new URLSearchParams(sok || '');
            var pa = p.get('visning') === 'mote' && p.get('fokus') === 'avvikelser';
            return pa ? 'true' : 'false';
        }""",
        Output("fokusknapp", "aria-pressed"), Input("_pages_location", "search"))
    app.clientside_callback(
        """function(n, sok) {
            var p = new URLSearchParams(sok || '');
            if (p.get('fokus') === 'avvikelser') { p.delete('fokus'); } else { p.set('fokus', 'avvikelser'); }
            p.set('visning', 'mote');
            return '?' + p.toString();
        }""",
        Output("_pages_location", "search", allow_duplicate=True),
        Input("fokusknapp", "n_clicks"), State("_pages_location", "search"), prevent_initial_call=True)
    app.clientside_callback(
        """function(n, sok) {
            var p = new URLSearchParams(sok || '');
            if (p.get('visning') === 'mote') { p.delete('visning'); p.delete('fokus'); } else { p.set('visning', 'mote'); }
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

    # Planväljaren visar URL:ens plan (i webbläsaren) …
    app.clientside_callback(
        """function(sok, std) { return new URLSearchParams(sok || '').get('plan') || std; }""",
        Output("planval", "value"), Input("_pages_location", "search"), State("standardplan", "data"))

    # … och ett val skriver planen till URL:en, med de filter som finns i den nya planen
    @app.callback(Output("_pages_location", "search", allow_duplicate=True),
                  Output("_pages_location", "pathname", allow_duplicate=True), Output("planbyte", "children"),
                  Input("planval", "value"), State("_pages_location", "search"),
                  State("_pages_location", "pathname"), State("standardplan", "data"), prevent_initial_call=True)
    def valj_plan(val, sok, sokvag, std):
        nu = Urval.fran_sok(sok).plan or std
        if not val or val == nu or val not in set(fragor.planer().kod):
            raise PreventUpdate
        ny_sok, ny_sokvag, tappade = byt_plan(sok, sokvag, val, std)
        return ny_sok, (ny_sokvag if ny_sokvag != sokvag else dash.no_update), planbytesbesked(val, tappade)


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
    from sidor import _api, _export, _halsa, _inloggning, _inloggningssida, _oidc, _sakerhet, _sammantrade, _sidcache
    _sammantrade.registrera(app)
    _export.registrera(app)
    _api.registrera(app)
    _sakerhet.registrera(app)
    _inloggning.registrera(app)
    _inloggningssida.registrera(app)
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
