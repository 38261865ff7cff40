"""/analys: kontorets analystexter för en period – sammanfattningen, bedömningen per målområde (med
planens skala), och vid behov per inriktningsmål och uppdrag, samt rapportens diarienummer. Bara
administratörer skriver; en låst period visas för läsning. Varje sparning blir en ny version (vem,
när); historiken står under formuläret. Texterna hamnar i delårsrapporten, Excel-exporten och API:t."""
from __future__ import annotations

import json
import logging

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, dcc, html
from sqlalchemy.exc import DBAPIError

from data.rapportering import analys
from data.rapportering.rapportfil import Importfel
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning import analysfragor, fragor
from data.uppfoljning.urval import Urval
from komponenter.text import fritext
from sidor import _inloggning, _sakerhet
from sidor._gemensamt import urvalsfel

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/analys", name="Analys", order=25, title="Analystexter – Målkoll",
                   sidcache=False)   # beror på inloggningen: sidor/_sidcache.py sparar den inte

ID_SIDA, ID_SPARA, ID_RESULTAT = "analys-sida", "analys-spara", "analys-resultat"
T_TEXT, T_BED = "analys-text", "analys-bedomning"
INGEN = ""        # selectens värde för "ingen bedömning"


def _stangd(text: str) -> html.Div:
    return html.Div([html.H1("Analystexter", className="sidrubrik"),
                     html.Div(text, className="alert alert-info", role="status")])


def _id(typ: str, niva: str, nyckel) -> dict:
    return {"typ": typ, "niva": niva, "nyckel": str(nyckel)}


def _dom(typ: str, niva: str, nyckel) -> str:
    """Mönster-id:t som Dash skriver det i DOM:en (JSON, sorterade nycklar), för <label for>."""
    return json.dumps(_id(typ, niva, nyckel), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _falt(niva: str, nyckel, etikett: str, nu: dict, last: bool, rader: int = 5) -> html.Div:
    """Textruta (och bedömning när nivån har en skala) för en text."""
    a = nu.get((niva, str(nyckel))) or {}
    skala = analysfragor.skala(niva)
    delar = []
    if skala:
        sid = _dom(T_BED, niva, nyckel)
        delar += [html.Label("Bedömning", htmlFor=sid, className="form-label small mb-0"),
                  dbc.Select(id=_id(T_BED, niva, nyckel), value=a.get("bedomning") or INGEN, disabled=last,
                             options=[{"label": "Ingen bedömning", "value": INGEN}]
                             + [{"label": s, "value": s} for s in skala], className="mb-2",
                             style={"maxWidth": "22rem"})]
    tid = _dom(T_TEXT, niva, nyckel)
    delar += [html.Label(etikett, htmlFor=tid, className="form-label small mb-0"),
              dcc.Textarea(id=_id(T_TEXT, niva, nyckel), value=a.get("text") or "", disabled=last, rows=rader,
                           maxLength=analys.MAX_TEXT, className="form-control analys-text")]
    if a:
        delar.append(html.P(f"Version {a['version']}, skriven av {a['skriven_av']} "
                            f"{pd.Timestamp(a['skriven']):%Y-%m-%d %H:%M}.", className="small text-muted mb-0"))
    return html.Div(delar, className="mb-3", **{"data-niva": niva, "data-nyckel": str(nyckel)})


def _formular(plan: Plankontext, per: dict, nu: dict, last: bool) -> html.Div:
    info = fragor.plan_info(plan)
    rubrik = analysfragor.bedomningsrubrik(info)
    im, up = fragor.inriktningsmal(period=per["namn"], plan=plan), fragor.uppdrag(plan=plan)
    delar = [html.H2("Sammanfattning", className="h4"),
             _falt("plan", "", "Sammanfattning för hela planen (tom rad = nytt stycke, ”- ” = punkt)", nu, last, 6),
             html.Label("Diarienummer (på rapportens omslag, valfritt)", htmlFor=_dom(T_TEXT, "diarienummer", ""),
                        className="form-label small mb-0"),
             dcc.Input(id=_id(T_TEXT, "diarienummer", ""), value=(nu.get(("diarienummer", "")) or {}).get("text", ""),
                       disabled=last, maxLength=analys.MAX_DIARIENUMMER, className="form-control mb-3",
                       style={"maxWidth": "22rem"})]
    for m in fragor.malomraden(plan).itertuples():
        egna_im, egna_up = im[im.malomrade == m.nr], up[up.malomrade == m.nr]
        delar += [html.H2(f"Målområde {m.nr}: {m.titel}", className="h4 mt-4"),
                  _falt("malomrade", m.nr, rubrik, nu, last, 6),
                  html.Details([html.Summary(f"Inriktningsmål ({len(egna_im)}) och uppdrag ({len(egna_up)}) – valfritt"),
                                *[_falt("inriktningsmal", r.nr, f"Inriktningsmål {r.nr} {r.titel}", nu, last, 3)
                                  for r in egna_im.itertuples()],
                                *[_falt("uppdrag", r.kod, f"{r.typ} {r.kod}: {r.titel}", nu, last, 3)
                                  for r in egna_up.itertuples()]],
                               open=any(k[0] in ("inriktningsmal", "uppdrag") and
                                        k[1] in set(egna_im.nr) | set(egna_up.kod) for k in nu))]
    if last:
        delar.insert(0, html.Div(f"Perioden {per['namn']} är låst: texterna kan läsas men inte ändras.",
                                 className="alert alert-warning", role="status"))
    else:
        delar += [html.Button("Spara", id=ID_SPARA, className="btn btn-primary", type="button"),
                  html.Div(id=ID_RESULTAT, role="status", className="mt-3", **{"aria-live": "polite"})]
    return html.Div(delar, id="analys-formular", style={"maxWidth": "60rem"})


def _historik(plan: Plankontext, period: str) -> html.Section:
    df = analysfragor.historik(plan, period)
    namn = {"plan": "Sammanfattning", "malomrade": "Målområde", "inriktningsmal": "Inriktningsmål",
            "uppdrag": "Uppdrag", "diarienummer": "Diarienummer"}
    rader = [html.Tr([html.Td(f"{pd.Timestamp(r.skriven):%Y-%m-%d %H:%M}"), html.Td(r.skriven_av),
                      html.Td(f"{namn.get(r.niva, r.niva)} {r.nyckel}".strip()), html.Td(str(r.version)),
                      html.Td(r.bedomning if isinstance(r.bedomning, str) else "–"),
                      html.Td(fritext(r.text or "(tömd)", tagg=html.Span))])
             for r in df.itertuples()]
    return html.Section([
        html.H2("Historik", className="h4 mt-5"),
        html.P("Alla sparade versioner för perioden, nyast först.") if rader else
        html.P("Inga texter sparade för perioden ännu.", className="fst-italic"),
        html.Table([html.Thead(html.Tr([html.Th(x, scope="col") for x in
                                        ("När", "Vem", "Text", "Version", "Bedömning", "Innehåll")])),
                    html.Tbody(rader)], className="table table-sm analys-historik") if rader else None,
    ], id="analys-historik")


def layout(period=None, plan=None, **_):
    anv = _inloggning.aktuell()
    if anv is None or not analys.far_skriva(anv):
        return _stangd("Analystexterna skrivs av administratörer. Logga in som administratör.")
    u = fragor.normalisera_urval(Urval(plan=plan or None, period=period or None))
    fel = fragor.kontrollera_urval(u)
    if fel:
        return urvalsfel(fel, "/analys", "Analystexter")
    kp = fragor.los_plan(u.plan)   # kanten: URL:ens plan, annars standardplanen
    kod = kp.kod
    per = fragor.vald_period(u.period, plan=kp)
    pdict = {"namn": str(per.namn), "last": bool(per["last"])}
    nu = analysfragor.som_karta(analysfragor.gallande(kp, pdict["namn"]))
    perioder = fragor.perioder(kp)
    return html.Div([
        html.H1(f"Analystexter {pdict['namn']}", className="sidrubrik"),
        html.P("Kontorets bedömning för perioden: den står i delårsrapporten, i Excel-exporten och i API:t. "
               "Skriv vanlig text; en tom rad börjar ett nytt stycke och rader som börjar med ”- ” blir en "
               "punktlista. Varje sparning blir en ny version."),
        html.Nav([html.Span("Period: ", className="fw-semibold")] + [
            dcc.Link(p.namn + (" (låst)" if p.last else ""), href="/analys" + Urval(plan=kod, period=p.namn).till_sok(),
                     className="me-3" + (" fw-bold" if p.namn == pdict["namn"] else ""))
            for p in perioder.itertuples()], className="mb-3", **{"aria-label": "Välj period"}),
        dcc.Store(id=ID_SIDA, data={"plan": kod, "period": pdict["namn"]}),
        _formular(kp, pdict, nu, pdict["last"]),
        _historik(kp, pdict["namn"]),
    ])


def _andringar(texter, text_id, bed, bed_id) -> list[analys.Andring]:
    """Formulärets fält så som Dash skickar dem (värde och id i samma ordning) → ändringarna."""
    bedomning = {(i.get("niva"), i.get("nyckel")): v for v, i in zip(bed or [], bed_id or []) if isinstance(i, dict)}
    ut = []
    for v, i in zip(texter or [], text_id or []):
        if not isinstance(i, dict):
            continue
        nyckel = (str(i.get("niva")), str(i.get("nyckel")))
        b = bedomning.get(nyckel)
        ut.append(analys.Andring(nyckel[0], nyckel[1], b if isinstance(b, str) and b else None,
                                 v if isinstance(v, str) else ""))
    return ut


@callback(Output(ID_RESULTAT, "children"), Input(ID_SPARA, "n_clicks"), State(ID_SIDA, "data"),
          State({"typ": T_TEXT, "niva": ALL, "nyckel": ALL}, "value"),
          State({"typ": T_TEXT, "niva": ALL, "nyckel": ALL}, "id"),
          State({"typ": T_BED, "niva": ALL, "nyckel": ALL}, "value"),
          State({"typ": T_BED, "niva": ALL, "nyckel": ALL}, "id"), prevent_initial_call=True)
def spara(_n, sida, texter, text_id, bed, bed_id):
    """Spara: behörigheten prövas på servern för den inloggade, låsningen och skalan i data.rapportering.analys."""
    anv = _inloggning.aktuell()
    if not analys.far_skriva(anv):
        log.warning("Analystexter vägrade för %s", getattr(anv, "namn", "anonym"))
        return html.Div([html.P("Ingen behörighet.", className="fw-semibold"),
                         html.P("Bara en administratör får skriva analystexterna. Ingenting sparades.")],
                        className="alert alert-danger", role="alert")
    sida = sida if isinstance(sida, dict) else {}
    plan, period = sida.get("plan"), sida.get("period")
    if not isinstance(plan, str) or not isinstance(period, str):
        return html.Div("Sidan saknar plan eller period. Ladda om sidan.", className="alert alert-danger", role="alert")
    try:
        kp = fragor.los_plan(plan)   # kanten: sidans plan
    except LookupError:
        return html.Div(f"Planen {plan} finns inte. Ladda om sidan.", className="alert alert-danger", role="alert")
    try:
        n = analys.spara(kp, period, _andringar(texter, text_id, bed, bed_id), anv)
    except Importfel as e:
        return html.Div([html.P("Ingenting sparades:", className="fw-semibold"), html.Ul([html.Li(f) for f in e.fel])],
                        className="alert alert-danger", role="alert")
    except DBAPIError as e:
        if not _sakerhet.ar_anslutningsfel(e):
            raise
        return html.Div("Databasen svarar inte just nu. Ingenting sparades – texten står kvar i formuläret; "
                        "försök spara igen om en stund.", className="alert alert-danger", role="alert")
    if not n:
        return html.Div("Inget hade ändrats – ingen ny version.", className="alert alert-info")
    return html.Div(f"Sparat: {n} {'text' if n == 1 else 'texter'} för {period}, med ditt namn och tid. "
                    "Ladda om sidan för att se historiken.", className="alert alert-success")
