"""/sammantraden: planens sammanträden – vad nämnden visades, fryst (datum, organ, diarienummer,
period, vem) med länkar till sidorna, Excel, delårsrapporten och API:t som de var. En administratör
skapar ett nytt här (eller med python -m data.sammantrade skapa); ett sammanträde ändras aldrig, en
rättelse är ett nytt som ersätter det."""
from __future__ import annotations

import logging
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from sqlalchemy.exc import DBAPIError

from data.uppfoljning import fragor
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.urval import Urval
from data.utdata import sammantrade
from sidor import _inloggning, _sakerhet, _sammantrade
from sidor._gemensamt import urvalsfel
from sidor._sammantrade import bygg_sidorna

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/sammantraden", name="Sammanträden", order=26,
                   title="Sammanträden – Målkoll", sidcache=False)   # formuläret beror på inloggningen

ID_PLAN, ID_SKAPA, ID_BESKED = "sm-plan", "sm-skapa", "sm-besked"
ID_DATUM, ID_DNR, ID_PERIOD, ID_ORGAN, ID_ENHET, ID_ERSATTER = ("sm-datum", "sm-dnr", "sm-period", "sm-organ",
                                                               "sm-enhet", "sm-ersatter")


def _lankar(r) -> list:
    """Sammanträdets sidor, Excel, delårsrapport och API-svar."""
    fraga = "?" + urlencode({"plan": r.plan, "sammantrade": r.datum.isoformat() if r.ersatt_av is None else r.id})
    return [dcc.Link("Översikt", href="/" + fraga, className="me-2"),
            dcc.Link("Sammanträdesläge", href="/" + fraga + "&visning=mote", className="me-2"),
            html.A("Excel", href="/export/malkoll.xlsx" + fraga, className="me-2"),
            html.A("Word", href="/export/delarsrapport.docx" + fraga, className="me-2"),
            html.A("PDF", href="/export/delarsrapport.pdf" + fraga, className="me-2"),
            html.A("API", href=f"/api/v1/sammantraden/{r.id}")]


def tabell(df) -> html.Div:
    if df.empty:
        return html.P("Inga sammanträden ännu.", className="fst-italic", id="sm-inga")
    rader = []
    for r in df.itertuples():
        filter_ = ", ".join((r.urval or {}).get("enhet") or []) or "hela planen"
        ers = []
        if r.ersatter_id is not None:
            ers.append(f"ersätter {int(r.ersatter_id)}")
        if r.ersatt_av is not None:
            ers.append(f"ersatt av {int(r.ersatt_av)}")
        rader.append(html.Tr([html.Td(r.datum.isoformat()), html.Td(r.organ), html.Td(r.diarienummer),
                              html.Td(r.plan), html.Td(r.period), html.Td(filter_),
                              html.Td(f"{r.skapad_av}, {r.skapad:%Y-%m-%d %H:%M} UTC"),
                              html.Td(f"{r.id}" + (f" ({'; '.join(ers)})" if ers else "")), html.Td(_lankar(r))],
                             className="sammantradesrad", **{"data-id": str(r.id)}))
    huvud = html.Thead(html.Tr([html.Th(t, scope="col") for t in
                                ("Datum", "Organ", "Diarienummer", "Plan", "Period", "Filter", "Skapat av", "Id",
                                 "Som presenterat")]))
    return html.Div(html.Table([huvud, html.Tbody(rader)], className="table table-sm sammantraden"),
                    className="table-responsive")


def formular(plan: Plankontext, df) -> html.Div:
    """Administratörens formulär för ett nytt sammanträde."""
    kod = plan.kod
    perioder = list(fragor.perioder(plan).namn)
    std = str(fragor.vald_period(None, plan=plan).namn)
    info = fragor.plan_info(plan)
    enheter = fragor.enheter(plan)

    def falt(etikett, komponent, fid):
        return html.Div([html.Label(etikett, htmlFor=fid, className="form-label mb-0"), komponent], className="mb-2")
    return html.Section([
        html.H2("Nytt sammanträde", className="h4"),
        html.P("Allt nämnden ser för perioden och filtret – sidorna, sammanträdesläget, Excel-exporten och "
               "delårsrapporten – fryses som det är nu. Det går aldrig att ändra; en rättelse är ett nytt "
               "sammanträde som ersätter det gamla.", className="small"),
        dcc.Store(id=ID_PLAN, data=kod),
        dbc.Row([
            dbc.Col(falt("Datum", dcc.Input(id=ID_DATUM, type="date", className="form-control"), ID_DATUM), md=3),
            dbc.Col(falt("Diarienummer", dcc.Input(id=ID_DNR, type="text", className="form-control",
                                                   placeholder=f"{info.get('namnd_kort') or ''} 2020/123".strip()),
                         ID_DNR), md=3),
            dbc.Col(falt("Period", dbc.Select(id=ID_PERIOD, value=std,
                                              options=[{"label": p, "value": p} for p in perioder]), ID_PERIOD), md=3),
            dbc.Col(falt("Organ", dcc.Input(id=ID_ORGAN, type="text", className="form-control",
                                            placeholder=info["namnd"]), ID_ORGAN), md=3),
        ]),
        dbc.Row([
            dbc.Col(falt("Filter: enheter (tomt = hela planen)",
                         dcc.Dropdown(id=ID_ENHET, multi=True, options=[{"label": f"{e.kod} {e.namn}", "value": e.kod}
                                                                       for e in enheter.itertuples()]), ID_ENHET), md=6),
            dbc.Col(falt("Rättelse av", dbc.Select(id=ID_ERSATTER, value="", options=[{"label": "– (nytt)", "value": ""}] + [
                {"label": f"{r.datum} dnr {r.diarienummer} (id {r.id})", "value": str(r.id)}
                for r in df.itertuples()]), ID_ERSATTER), md=6),
        ]),
        html.Button("Skapa sammanträde", id=ID_SKAPA, n_clicks=0, type="button", className="btn btn-primary"),
        dcc.Loading(html.Div(id=ID_BESKED, role="status", className="mt-2")),
    ], className="sammantrade-formular border rounded p-3 mb-4")


def layout(plan=None, **_):
    u = fragor.normalisera_urval(Urval(plan=plan or None))
    fel = fragor.kontrollera_urval(u)
    if fel:
        return urvalsfel(fel, "/sammantraden", "Sammanträden")
    kp = fragor.los_plan(u.plan)   # kanten: URL:ens plan, annars standardplanen
    kod = kp.kod
    df = sammantrade.lista(kp)
    anv = _inloggning.aktuell()
    return html.Div([
        html.H1("Sammanträden", className="sidrubrik"),
        html.P(f"{fragor.plan_info(kp)['namn']}: vad nämnden visades vid varje sammanträde, fryst. Länkarna visar "
               "sidorna, exporten och rapporten som de var – också efter senare rapporter och låsningar."),
        formular(kp, df) if anv is not None and anv.administrator else
        html.P("Sammanträden skapas av administratörer.", className="small text-muted"),
        tabell(df),
    ])


@callback(Output(ID_BESKED, "children"), Input(ID_SKAPA, "n_clicks"), State(ID_PLAN, "data"),
          State(ID_DATUM, "value"), State(ID_DNR, "value"), State(ID_PERIOD, "value"), State(ID_ORGAN, "value"),
          State(ID_ENHET, "value"), State(ID_ERSATTER, "value"), prevent_initial_call=True)
def skapa(n, plan, datum, dnr, period, organ, enhet, ersatter):
    """Skapa sammanträdet: bara en administratör (prövas här, på servern, för den inloggade)."""
    if not n:
        raise dash.exceptions.PreventUpdate
    anv = _inloggning.aktuell()
    if anv is None or not anv.administrator:
        log.warning("Sammanträde vägrades för %s", getattr(anv, "namn", "anonym"))
        return html.Div([html.P("Ingen behörighet.", className="fw-semibold"),
                         html.P("Bara en administratör får skapa sammanträden. Ingenting sparades.")],
                        className="alert alert-danger", role="alert")
    try:
        kp = _sammantrade.los_plan(plan if isinstance(plan, str) else None)   # kanten: formulärets plan
        s = sammantrade.skapa(kp, period if isinstance(period, str) else "",
                              datum if isinstance(datum, str) else "", dnr if isinstance(dnr, str) else "",
                              anv.namn, bygg_sidorna, organ=organ.strip() if isinstance(organ, str) and organ.strip()
                              else None, enhet=[e for e in (enhet or []) if isinstance(e, str)],
                              ersatter=int(ersatter) if isinstance(ersatter, str) and ersatter.isdigit() else None)
    except sammantrade.Sammantradesfel as e:
        return html.Div(["Ingenting sparades: ", str(e), "."], className="alert alert-danger", role="alert")
    except DBAPIError as e:
        if not _sakerhet.ar_anslutningsfel(e):
            raise
        return html.Div("Databasen svarar inte just nu. Ingenting sparades – försök igen om en stund.",
                        className="alert alert-danger", role="alert")
    fraga = "?" + urlencode({"plan": s.plan_kod, "sammantrade": s.datum.isoformat()})
    return html.Div([f"Sparat: sammanträde {s.id}, {s.etikett} ({s.period}). ",
                     dcc.Link("Visa översikten som presenterad", href="/" + fraga, className="alert-link"),
                     " · ", html.A("Ladda om listan", href="/sammantraden?" + urlencode({"plan": s.plan_kod}),
                                   className="alert-link")],
                    className="alert alert-success", role="status", id="sm-sparat")
