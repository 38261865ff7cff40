"""/rapportrunda: rapportrundan för en period – framsteg per enhet (stapel och text: "3 av 12
rapporterade", "1 av 2 enheter klara"), filtren "ej klara" och "sena" i URL:en, länkar till varje
enhets poster, och knapparna för det den inloggade får göra: markera klar (rapportören), godkänna och
återsända med kommentar (granskaren, administratören), öppna rundan och låsa perioden
(administratören). Varje knapp prövas på servern (data/rapportering/runda.py); administratören ser
också loggen över skickade e-brev."""
from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from data.rapportering import paminnelser, runda
from data.rapportering.rapport import Importfel
from data.uppfoljning import fragor
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.format import datum
from data.uppfoljning.urval import Urval
from sidor import _inloggning, _sakerhet
from sidor._gemensamt import urvalsfel

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/rapportrunda", name="Rapportrunda", order=21, title="Rapportrunda – Målkoll",
                   sidcache=False)   # beror på inloggningen: sidor/_sidcache.py sparar den inte

ID_SIDA, ID_INNEHALL, ID_BESKED = "rr-sida", "rr-innehall", "rr-besked"
ID_O_PERIOD, ID_O_SISTA, ID_O_ENHETER, ID_O_KNAPP = "rr-oppna-period", "rr-oppna-sista", "rr-oppna-enheter", "rr-oppna"
ID_STANG = "rr-stang"
T_KLAR, T_GODKANN, T_ATERSAND, T_KOMMENTAR = "rr-klar", "rr-godkann", "rr-atersand", "rr-kommentar"
FILTER = {"ej-klara": "Ej klara", "sena": "Sena"}
TILLSTANDSKLASS = {runda.EJ_PABORJAD: "text-bg-light border", runda.PABORJAD: "text-bg-info",
                   runda.KLAR: "text-bg-primary", runda.GODKAND: "text-bg-success", runda.ATERSAND: "text-bg-warning"}


def _rubrik(*barn) -> html.Div:
    return html.Div([html.H1("Rapportrunda", className="sidrubrik"), *barn])


def layout(plan=None, period=None, filter=None, **_):   # noqa: A002 - URL:ens parameter heter filter
    anv = _inloggning.aktuell()
    if anv is None:
        return _rubrik(html.Div(["Logga in för att följa rapportrundan. ",
                                 html.A("Logga in", href="/logga-in?nasta=" + quote("/rapportrunda"),
                                        className="alert-link")], className="alert alert-info", role="status"))
    u = fragor.normalisera_urval(Urval(plan=plan or None, period=period or None))
    fel = fragor.kontrollera_urval(u)
    if fel:
        return urvalsfel(fel, "/rapportrunda", "Rapportrunda")
    plan = fragor.los_plan(u.plan)   # kanten: URL:ens plan, annars standardplanen
    kod = plan.kod
    r = runda.hamta(plan, u.period)
    filt = filter if filter in FILTER else None
    return _rubrik(
        dcc.Store(id=ID_SIDA, data={"plan": kod, "period": r.period if r else u.period, "filter": filt,
                                    "sokplan": u.plan}),
        _rundval(plan, r, u.plan),
        html.Div(id=ID_BESKED, role="status", **{"aria-live": "polite"}),
        html.Div(_innehall(anv, plan, r, filt, u.plan), id=ID_INNEHALL),
        _oppna(plan, r) if anv.administrator else None,
        _epostlogg(plan) if anv.administrator else None,
    )


def _sok(plan, period, filt=None) -> str:
    par = [(k, v) for k, v in (("plan", plan), ("period", period), ("filter", filt)) if v]
    return "?" + "&".join(f"{k}={quote(str(v))}" for k, v in par) if par else ""


def _rundval(plan: Plankontext, r, sokplan) -> html.Nav | None:
    alla = runda.rundor(plan)
    if len(alla) < 2:
        return None
    return html.Nav([html.A(x.period + (" (stängd)" if x.stangd else ""), href="/rapportrunda" + _sok(sokplan, x.period),
                            className="nav-link" + (" active" if r and x.id == r.id else ""),
                            **({"aria-current": "page"} if r and x.id == r.id else {})) for x in alla],
                    className="nav nav-pills mb-3 flex-wrap", **{"aria-label": "Rundor"})


def _innehall(anv, plan: Plankontext, r, filt, sokplan) -> html.Div:
    if r is None:
        return html.Div("Ingen rapportrunda är öppnad för planen." + (
            " Öppna en nedan." if anv.administrator else " En administratör öppnar rundan."),
            className="alert alert-info", role="status", id="rr-ingen")
    df = runda.delar(r)
    idag = dt.date.today()
    huvud = [
        html.P([html.Strong(f"{r.period}: "),
                ("Stängd – perioden är låst." if r.stangd else
                 f"sista dag {datum(r.sista_dag, langt=True)}"
                 + (f", för enheterna {datum(r.sista_dag_enheter, langt=True)}" if r.sista_dag_enheter != r.sista_dag
                    else "") + "."),
                f" Öppnad av {r.oppnad_av} {datum(r.oppnad.date())}."], id="rr-rubrik"),
        _stapel(int(df.tillstand.isin(runda.FARDIGA).sum()), len(df), runda.sammanfattning(df), "rr-sammanfattning",
                stor=True),
        _filterval(sokplan, r.period, filt, df),
    ]
    visa = df
    if filt == "ej-klara":
        visa = df[~df.tillstand.isin(runda.FARDIGA)]
    elif filt == "sena":
        visa = df[df.sen]
    tabell = _tabell(anv, visa, r, sokplan, plan) if not visa.empty else html.P(
        "Inga enheter i det här urvalet.", className="text-muted")
    slut = _stang(anv, df, r) if anv.administrator else None
    return html.Div([*huvud, tabell, slut, html.P(f"Uppdaterad {datum(idag)}.", className="small text-muted")])


def _stapel(n: int, av: int, text: str, id_: str | None = None, stor: bool = False) -> html.Div:
    """Framsteg som stapel och som text (färgen bär aldrig ensam beskedet)."""
    pct = round(100 * n / av) if av else 0
    return html.Div([
        html.Div(text, className="fw-semibold" if stor else "small", **({"id": id_} if id_ else {})),
        html.Div(html.Div(className="progress-bar", style={"width": f"{pct}%"}),
                 className="progress" + (" mb-3" if stor else ""), role="progressbar",
                 style={"height": "1.1rem" if stor else ".6rem"},
                 **{"aria-valuenow": n, "aria-valuemin": 0, "aria-valuemax": av, "aria-label": text}),
    ])


def _filterval(sokplan, period: str, filt, df: pd.DataFrame) -> html.Nav:
    antal = {None: len(df), "ej-klara": int((~df.tillstand.isin(runda.FARDIGA)).sum()), "sena": int(df.sen.sum())}
    lankar = []
    for nyckel, namn in ((None, "Alla"), *FILTER.items()):
        aktiv = nyckel == filt
        lankar.append(html.A(f"{namn} ({antal[nyckel]})", href="/rapportrunda" + _sok(sokplan, period, nyckel),
                             className="nav-link" + (" active" if aktiv else ""),
                             **({"aria-current": "page"} if aktiv else {})))
    return html.Nav(lankar, className="nav nav-pills my-2", id="rr-filter", **{"aria-label": "Visa enheter"})


def _knappar(anv, d, r, plan: Plankontext) -> list:
    if r.stangd:
        return []
    ut = []
    if d.tillstand in (runda.EJ_PABORJAD, runda.PABORJAD, runda.ATERSAND) and runda.far_markera(anv, d.enhet, plan):
        ut.append(html.Small("Markeras klar när allt är rapporterat.", className="text-muted d-block")
                  if d.saknas else
                  html.Button("Markera klar", id={"typ": T_KLAR, "enhet": d.enhet}, type="button",
                              className="btn btn-sm btn-primary me-1 mb-1"))
    if runda.far_granska(anv, d.enhet, plan) and d.tillstand in (runda.KLAR, runda.GODKAND):
        if d.tillstand == runda.KLAR:
            ut.append(html.Button("Godkänn", id={"typ": T_GODKANN, "enhet": d.enhet}, type="button",
                                  className="btn btn-sm btn-success me-1 mb-1"))
        ut += [html.Label(f"Kommentar till {d.enhet} vid återsändning", className="visually-hidden",
                          htmlFor=f'{{"enhet":"{d.enhet}","typ":"{T_KOMMENTAR}"}}'),
               dcc.Input(id={"typ": T_KOMMENTAR, "enhet": d.enhet}, type="text", maxLength=2000,
                         placeholder="Vad ska rättas?", className="form-control form-control-sm mb-1"),
               html.Button("Återsänd", id={"typ": T_ATERSAND, "enhet": d.enhet}, type="button",
                           className="btn btn-sm btn-outline-danger mb-1")]
    return ut


def _tabell(anv, df: pd.DataFrame, r, sokplan, plan: Plankontext) -> html.Table:
    rader = []
    for d in df.itertuples():
        poster = f"/?enhet={quote(d.enhet, safe='/')}&roll=ansvarig" + _sok(sokplan, r.period).replace("?", "&", 1)
        saknas = (f"Saknas: {', '.join(d.saknas[:12])}{' …' if len(d.saknas) > 12 else ''}" if d.saknas
                  else "Allt rapporterat")
        kommentar = ([html.Div(f"{d.tillstand[:1].upper() + d.tillstand[1:]} av {d.andrad_av}: {d.kommentar}",
                               className="small")] if d.tillstand == runda.ATERSAND and d.kommentar else [])
        rader.append(html.Tr([
            html.Th([html.Div(d.enhet_namn), html.Small(d.enhet, className="text-muted")], scope="row"),
            html.Td([_stapel(d.rapporterade, d.forvantade, f"{d.rapporterade} av {d.forvantade} rapporterade"),
                     html.Small(saknas, className="text-muted d-block")], style={"minWidth": "14rem"}),
            html.Td([html.Span(d.tillstand[:1].upper() + d.tillstand[1:],
                               className=f"badge {TILLSTANDSKLASS.get(d.tillstand, '')}"),
                     html.Span(" Sen", className="badge text-bg-danger ms-1") if d.sen else None,
                     *kommentar]),
            html.Td([dcc.Link("Enhetens poster", href=poster, className="d-block"),
                     dcc.Link("Rapportera", href="/rapportera" + _sok(sokplan, r.period), className="d-block")
                     if runda.far_markera(anv, d.enhet, plan) else None]),
            html.Td(_knappar(anv, d, r, plan), style={"minWidth": "11rem"}),
        ], **{"data-enhet": d.enhet}))
    return html.Table([html.Caption("Enheternas delar i rundan"),
                       html.Thead(html.Tr([html.Th(x, scope="col") for x in
                                           ("Enhet", "Rapporterat", "Tillstånd", "Poster", "Åtgärd")])),
                       html.Tbody(rader)], className="table table-sm align-middle rapportrunda", id="rr-tabell")


def _stang(anv, df: pd.DataFrame, r) -> html.Div | None:
    if r.stangd:
        return None
    klart = not df.empty and bool((df.tillstand == runda.GODKAND).all())
    return html.Div([
        html.Button("Lås perioden och stäng rundan", id=ID_STANG, type="button", disabled=not klart,
                    className="btn btn-outline-secondary"),
        html.Small(" Går när varje enhet är godkänd." if not klart else " Alla enheter är godkända.",
                   className="text-muted")], className="my-3")


def _oppna(plan: Plankontext, r) -> html.Details:
    perioder = fragor.perioder(plan)
    oppna_ = perioder[~perioder["last"].astype(bool)]
    return html.Details([
        html.Summary("Ändra rundans sista dagar" if r is not None and not r.stangd else "Öppna en rapportrunda",
                     className="h5"),
        html.Div([
            html.Label("Period", htmlFor=ID_O_PERIOD, className="form-label"),
            dbc.Select(id=ID_O_PERIOD, options=[{"label": p, "value": p} for p in oppna_.namn],
                       value=r.period if r is not None and not r.stangd else None, placeholder="Välj period"),
            html.Label("Sista dag", htmlFor=ID_O_SISTA, className="form-label mt-2"),
            dcc.Input(id=ID_O_SISTA, type="date", className="form-control",
                      value=f"{r.sista_dag:%Y-%m-%d}" if r is not None and not r.stangd else None),
            html.Label("Sista dag för enheterna (valfri, tidigare)", htmlFor=ID_O_ENHETER, className="form-label mt-2"),
            dcc.Input(id=ID_O_ENHETER, type="date", className="form-control",
                      value=f"{r.sista_dag_enheter:%Y-%m-%d}" if r is not None and not r.stangd else None),
            html.Button("Spara rundan", id=ID_O_KNAPP, type="button", className="btn btn-primary mt-2"),
        ], style={"maxWidth": "24rem"}),
    ], className="mt-4", open=r is None or r.stangd)


def _epostlogg(plan: Plankontext) -> html.Div:
    df = paminnelser.logg(plan, 100)
    rader = [html.Tr([html.Td(f"{x.skickad:%Y-%m-%d %H:%M}"), html.Td(x.period), html.Td(x.slag),
                      html.Td(x.mottagare or "–"),
                      html.Td(x.till + (f" (omdirigerat, till {x.avsedd})" if x.till != x.avsedd else "")),
                      html.Td(x.amne)]) for x in df.itertuples()]
    return html.Div([
        html.H2("Skickade e-brev", className="h4 mt-4"),
        html.P("Påminnelser och besked från python -m data.paminnelser skicka, nyast först (högst 100)."
               if rader else "Inga e-brev har skickats för planens rundor."),
        html.Table([html.Thead(html.Tr([html.Th(x, scope="col") for x in
                                        ("Skickat", "Period", "Slag", "Mottagare", "Adress", "Ämne")])),
                    html.Tbody(rader)], className="table table-sm", id="rr-epostlogg") if rader else None,
    ])


def _fel(rubrik: str, fel: list[str]) -> html.Div:
    return html.Div([html.P(rubrik, className="fw-semibold mb-1"), html.Ul([html.Li(f) for f in fel], className="mb-0")],
                    className="alert alert-danger", role="alert")


def _inloggad():
    fel = _sakerhet.konfigurationsfel()
    if fel:
        return None
    return _inloggning.aktuell()


def _planen(kod: str | None) -> Plankontext:
    """Kanten för callbackarna: sidans plan (koden i sidan) upplöst; Rundafel för en som saknas."""
    try:
        if kod:
            return fragor.los_plan(kod)
    except LookupError:
        pass
    raise runda.Rundafel([f"Planen {kod!r} finns inte; ladda om sidan."])


def _sidan(sida) -> tuple[str | None, str | None, str | None, str | None]:
    if not isinstance(sida, dict):
        return None, None, None, None
    v = [sida.get(k) if isinstance(sida.get(k), str) else None for k in ("plan", "period", "filter", "sokplan")]
    return v[0], v[1], (v[2] if v[2] in FILTER else None), v[3]


@callback(Output(ID_BESKED, "children"), Output(ID_INNEHALL, "children"),
          Input({"typ": T_KLAR, "enhet": ALL}, "n_clicks"), Input({"typ": T_GODKANN, "enhet": ALL}, "n_clicks"),
          Input({"typ": T_ATERSAND, "enhet": ALL}, "n_clicks"),
          State({"typ": T_KOMMENTAR, "enhet": ALL}, "value"), State({"typ": T_KOMMENTAR, "enhet": ALL}, "id"),
          State(ID_SIDA, "data"), prevent_initial_call=True)
def andra_del(_k, _g, _a, kommentarer, kommentar_id, sida):
    """Markera klar, godkänn eller återsänd: enheten är den klickade knappens; rättigheten prövas i runda."""
    trig = dash.ctx.triggered_id
    if not isinstance(trig, dict) or not any(t.get("value") for t in dash.ctx.triggered):
        return no_update, no_update
    anv = _inloggad()
    plan, period, filt, sokplan = _sidan(sida)
    enhet = str(trig.get("enhet") or "")
    if anv is None or not plan or not period:
        log.warning("Rapportrunda vägrad: inte inloggad")
        return _fel("Ingen behörighet.", ["Du är inte inloggad (eller inloggningen har gått ut)."]), no_update
    try:
        kp = _planen(plan)
        if trig.get("typ") == T_KLAR:
            runda.markera_klar(anv, kp, period, enhet)
            besked = f"{enhet} är markerad klar för {period}."
        elif trig.get("typ") == T_GODKANN:
            runda.godkann(anv, kp, period, enhet)
            besked = f"{enhet} är godkänd för {period}."
        elif trig.get("typ") == T_ATERSAND:
            text = next((v for v, i in zip(kommentarer or [], kommentar_id or [])
                         if isinstance(i, dict) and i.get("enhet") == enhet), None)
            runda.atersand(anv, kp, period, enhet, text if isinstance(text, str) else None)
            besked = f"{enhet} är återsänd med din kommentar."
        else:
            return no_update, no_update
    except Importfel as e:   # Behorighetsfel och Rundafel
        log.warning("Rapportrunda: %s vägrades %s för %s: %s", anv.namn, trig.get("typ"), enhet, "; ".join(e.fel))
        return _fel("Ingenting ändrades:", e.fel), no_update
    return (html.Div(besked + " (loggat)", className="alert alert-success"),
            _innehall(anv, kp, runda.hamta(kp, period), filt, sokplan))


@callback(Output(ID_BESKED, "children", allow_duplicate=True), Output(ID_INNEHALL, "children", allow_duplicate=True),
          Input(ID_STANG, "n_clicks"), State(ID_SIDA, "data"), prevent_initial_call=True)
def stang(n, sida):
    anv = _inloggad()
    plan, period, filt, sokplan = _sidan(sida)
    if not n:
        return no_update, no_update
    try:
        kp = _planen(plan)
        runda.stang(anv, kp, period or "")
    except Importfel as e:
        log.warning("Rapportrunda: stängning vägrad för %s: %s", anv.namn if anv else "anonym", "; ".join(e.fel))
        return _fel("Perioden låstes inte:", e.fel), no_update
    return (html.Div(f"Perioden {period} är låst och rundan stängd (loggat).", className="alert alert-success"),
            _innehall(anv, kp, runda.hamta(kp, period), filt, sokplan))


@callback(Output(ID_BESKED, "children", allow_duplicate=True), Input(ID_O_KNAPP, "n_clicks"),
          State(ID_O_PERIOD, "value"), State(ID_O_SISTA, "value"), State(ID_O_ENHETER, "value"), State(ID_SIDA, "data"),
          prevent_initial_call=True)
def oppna(n, period, sista, enheter, sida):
    anv = _inloggad()
    plan = _sidan(sida)[0]
    if not n:
        return no_update
    try:
        d = dt.date.fromisoformat(sista) if isinstance(sista, str) and sista else None
        e = dt.date.fromisoformat(enheter) if isinstance(enheter, str) and enheter else None
    except ValueError:
        return _fel("Rundan sparades inte:", ["Skriv datumen som ÅÅÅÅ-MM-DD."])
    if not isinstance(period, str) or not period or d is None:
        return _fel("Rundan sparades inte:", ["Välj en period och en sista dag."])
    try:
        r = runda.oppna(anv, _planen(plan), period, d, e)
    except Importfel as fel:
        log.warning("Rapportrunda: öppning vägrad för %s: %s", anv.namn if anv else "anonym", "; ".join(fel.fel))
        return _fel("Rundan sparades inte:", fel.fel)
    return html.Div([f"Rundan för {r.period} är sparad: sista dag {datum(r.sista_dag, langt=True)}. ",
                     dcc.Link("Visa rundan", href="/rapportrunda" + _sok(_sidan(sida)[3], r.period))],
                    className="alert alert-success")

