"""/rapportera: en rapportör rapporterar status, kommentar och utfall för sina enheters åtgärder
och indikatorer i ett formulär (förhandsgranskning, sedan en transaktion med historik), eller
laddar upp en ifylld rapportmall (bara de egna enheternas rader). En administratör rapporterar
för alla och låser och låser upp perioder. Varje callback prövar behörigheten på servern
(sidor/_inloggning.py, data/rapportering.py); valideringen är importens (data/rapport.py)."""
from __future__ import annotations

import base64
import binascii
import json
import logging
from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, dcc, html, no_update
from dash.exceptions import AppNotFoundError
from sqlalchemy.exc import DBAPIError

from data.konton import anvandare
from data.uppfoljning import fragor
from data.uppfoljning.plankontext import Plankontext
from data.rapportering import rapport, behorighet as rapportering, runda
from data.uppfoljning.format import datum
from data.uppfoljning.regler import AVSLUTADE, ATGARDSSTATUS
from data.uppfoljning.urval import Urval
from komponenter.format import med_enhet
from sidor import _inloggning, _sakerhet
from sidor._gemensamt import urvalsfel

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/rapportera", name="Rapportera", order=20, title="Rapportera utfall – Målkoll",
                   sidcache=False)   # beror på sessionen: sidor/_sidcache.py sparar den inte

# Sidan bygger på skyddet (kakans nyckel och flaggor, huvudena): registrera det redan här, när Dash
# Pages importerar sidan. app.py anropar också registrera – ett andra anrop gör ingenting.
try:
    _sakerhet.registrera(dash.get_app())
except AppNotFoundError:  # importerad utan Dash-app (t.ex. i ett test)
    pass

ID_UPP, ID_FG, ID_FIL, ID_GENOMFOR, ID_RESULTAT = (
    "rapp-upp", "rapp-forhandsgranskning", "rapp-fil", "rapp-genomfor", "rapp-resultat")
ID_PERIOD, ID_F_FG, ID_F_SPARA, ID_F_GRANSKNING, ID_F_RESULTAT = (
    "rf-period", "rf-forhandsgranska", "rf-spara", "rf-granskning", "rf-resultat")
ID_LAS_PERIOD, ID_LAS_MOTIV, ID_LAS, ID_LAS_UPP, ID_LAS_BESKED = (
    "las-period", "las-motivering", "las-las", "las-las-upp", "las-besked")
ID_F_MALL, ID_F_MALLFIL, ID_F_RULLA = "rf-mall", "rf-mallfil", "rf-rulla"
T_STATUS, T_AKOMM, T_UTFALL, T_IKOMM, T_KIB, T_NYTTMAL = (
    "rf-status", "rf-akommentar", "rf-utfall", "rf-ikommentar", "rf-kib", "rf-nyttmal")

MAX_BASE64 = (rapport.MAX_STORLEK + 2) // 3 * 4 + 200   # data:…;base64, + filen som base64
DATABASFEL_IMPORT = ("Databasen svarar inte just nu (eller är upptagen av en annan import). En import skrivs "
                     "i en enda transaktion, så antingen sparades allt eller ingenting. Ladda upp filen igen "
                     "när databasen svarar: förhandsgranskningen visar då om något återstår att spara.")
INGEN_BEHORIGHET = "Ingen behörighet."


def _stangd(rubrik: str, stycken: list, klass: str = "alert alert-info", roll: str = "status") -> html.Div:
    return html.Div([html.H1("Rapportera utfall", className="sidrubrik"),
                     html.Div([html.P(rubrik, className="fw-semibold"), *stycken], className=klass, role=roll)])


def _nyckel_saknas(fel: str) -> html.Div:
    return _stangd("Sidan är stängd: servern saknar en säker nyckel för inloggningen.", [
        html.P(fel),
        html.P(["Så åtgärdar du det: skapa en slumpad nyckel med ",
                html.Code('python -c "import secrets; print(secrets.token_urlsafe(48))"'),
                ", sätt den i miljövariabeln ", html.Code("MALKOLL_HEMLIGHET"),
                " (minst 32 tecken, samma värde för alla arbetsprocesser) och starta om appen. Se docs/drift.md."]),
        html.P("Rapporter kan under tiden importeras från kommandoraden:"),
        html.Pre('python -m data.rapport importera --forhandsgranska --av "Ditt namn" rapport.xlsx')],
        klass="alert alert-danger", roll="alert")


def layout(period=None, plan=None, **_):
    fel = _sakerhet.konfigurationsfel()
    if fel:
        return _nyckel_saknas(fel)
    anv = _inloggning.aktuell()
    if anv is None:
        return _stangd("Logga in för att rapportera.", [
            html.P("Läsning kräver ingen inloggning; att rapportera gör det."),
            html.A("Logga in", href="/logga-in?nasta=" + quote("/rapportera"), className="btn btn-primary")])
    if not rapportering.far_skriva(anv):
        return _stangd(f"Du är inloggad som {anv.visningsnamn} ({anvandare.ROLLNAMN[anv.roll]}).",
                       [html.P("Ditt konto får läsa men inte rapportera. Kontakta en administratör om du ska "
                               "rapportera för en enhet.")])
    u = fragor.normalisera_urval(Urval(plan=plan or None, period=period or None))
    fel = fragor.kontrollera_urval(u)
    if fel:   # en okänd period eller plan rapporteras aldrig tyst på en annan
        return urvalsfel(fel, "/rapportera", "Rapportera utfall")
    plan, period = u.plan, u.period       # plan: URL:ens kod (länkar bär den), None utan ?plan=
    kp = fragor.los_plan(plan)            # kanten: planen upplöst en gång
    perioder = fragor.perioder(kp)
    valt = period if period in set(perioder.namn) else _standardperiod(perioder, kp)
    rad = perioder[perioder.namn == valt].iloc[0]
    p = rapportering.planen(kp)
    enheter = rapportering.enheter_i(anv, p)
    if anv.rapportor and not enheter:
        return _stangd(f"Du är inloggad som {anv.visningsnamn} ({anvandare.ROLLNAMN[anv.roll]}).",
                       [html.P(f"Ditt konto har inga enheter i planen {p.text} och rapporterar inte där. "
                               "Välj en plan där du har enheter, eller kontakta en administratör.")])
    return html.Div([
        html.H1("Rapportera utfall", className="sidrubrik"),
        html.P([f"Inloggad som {anv.visningsnamn} ({anvandare.ROLLNAMN[anv.roll]}). ",
                "Du rapporterar för " + (", ".join(enheter) + " (underenheter ingår)." if anv.rapportor
                                         else "alla enheter.")], id="rapp-vem"),
        _periodval(perioder, valt, plan),
        _rundans_rad(kp, valt, plan),
        _formular(anv, valt, bool(rad["last"]), plan, int(rad["ar"]), rad["slutdatum"], kp),
        html.Hr(),
        _uppladdning(anv),
        _lasning(perioder) if anv.administrator else None,
    ])


def _planen(kod: str | None) -> Plankontext:
    """Kanten för formulärets callbacks: sidans plan (koden som sidan sparade, None: standardplanen)
    upplöst; en okänd kod (ett återspelat anrop) vägras med ett svenskt fel."""
    try:
        return fragor.los_plan(kod)
    except LookupError:
        raise rapport.Importfel([f"Planen {kod!r} finns inte; ladda om sidan."]) from None


def _standardperiod(perioder: pd.DataFrame, plan: Plankontext) -> str:
    """Utan ?period=: den öppna rapportrundans period, annars sidornas standardperiod om den är
    öppen, annars den första öppna."""
    oppen = runda.oppen_period(plan)
    if oppen:
        return oppen
    std = str(fragor.vald_period(None, plan=plan).namn)
    rad = perioder[perioder.namn == std]
    return std if not rad.empty and not bool(rad["last"].iloc[0]) else _forsta_oppna(perioder)


def _rundans_rad(kp: Plankontext, period: str, plan) -> html.Div | None:
    r = runda.hamta(kp, period)
    if r is None:
        return None
    sok = f"?period={quote(period)}" + (f"&plan={quote(plan)}" if plan else "")
    text = (f"Rapportrundan för {period} är stängd (perioden är låst)." if r.stangd else
            f"Rapportrundan för {period}: sista dag för enheterna {datum(r.sista_dag_enheter, langt=True)}. "
            "När allt är rapporterat markerar du enhetens del klar på ")
    return html.P([text, None if r.stangd else dcc.Link("Rapportrunda", href="/rapportrunda" + sok),
                   None if r.stangd else "."], id="rapp-runda", className="alert alert-info")


def _forsta_oppna(perioder: pd.DataFrame) -> str:
    oppna = perioder[~perioder["last"].astype(bool)]
    return str((oppna if not oppna.empty else perioder).namn.iloc[0])


def _periodval(perioder: pd.DataFrame, valt: str, plan) -> html.Nav:
    lankar = []
    for p in perioder.itertuples():
        sok = f"?period={quote(p.namn)}" + (f"&plan={quote(plan)}" if plan else "")
        lankar.append(html.A(p.namn + (" (låst)" if p.last else ""), href="/rapportera" + sok,
                               className="nav-link" + (" active" if p.namn == valt else ""),
                               **({"aria-current": "page"} if p.namn == valt else {})))
    return html.Nav(lankar, className="nav nav-pills mb-3 flex-wrap", **{"aria-label": "Period att rapportera"})


def _formular(anv, period: str, last: bool, plan, ar: int, slut, kp: Plankontext) -> html.Div:
    """Formuläret; plan: URL:ens kod (sparas i sidan för callbackarna), kp: den upplösta planen."""
    atg, ind = rapportering.formular(anv, period, kp)
    delar = [html.H2(f"Rapportera i formuläret: {period}", className="h4")]
    if last:
        delar.append(html.Div(f"Perioden {period} är låst (rapporten är godkänd). Värdena kan bara läsas.",
                              className="alert alert-secondary", role="status"))
    delar.append(html.P([f"{len(atg)} åtgärder och {len(ind)} indikatorer där dina enheter är ansvariga. "
                         "Lämna status tom för det du inte rapporterar. Du ser vad som ändras innan något sparas. ",
                         html.Button("Hämta rapportmall med de här raderna", id=ID_F_MALL, type="button",
                                     className="btn btn-link p-0 align-baseline"),
                         dcc.Download(id=ID_F_MALLFIL)]))
    delar.append(_atgardstabell(atg, period, last, slut))
    delar.append(_indikatortabell(ind, last, ar, ar in fragor.plan_info(kp)["malar"]))
    delar.append(dcc.Store(id=ID_PERIOD, data={"period": period, "plan": plan}))
    # Förhandsgranskningen ovanför knapparna; knapparna och bekräftelsen i en list som ligger kvar i
    # fönstrets nederkant medan formuläret syns: beskedet visas där användaren är och läses upp (aria-live).
    delar += [html.Div(id=ID_F_GRANSKNING, role="status", className="mt-3", **{"aria-live": "polite"}),
              dcc.Store(id=ID_F_RULLA)]
    delar.append(html.Div([
        html.Div([html.Button("Förhandsgranska", id=ID_F_FG, className="btn btn-outline-primary me-2", type="button"),
                  html.Button("Spara", id=ID_F_SPARA, className="btn btn-primary me-3", type="button",
                              disabled=True)], className="text-nowrap") if not last else None,
        html.Div(id=ID_F_RESULTAT, role="status", className="flex-grow-1", **{"aria-live": "polite"}),
    ], className="rapp-knapplist d-flex align-items-center gap-2", id="rapp-knapplist"))
    return html.Div(delar, id="rapp-formular")


def _text(v) -> str:
    return v if isinstance(v, str) else ""


def _dom_id(id_: dict) -> str:
    """Ett mönster-id som Dash skriver det i DOM:en (JSON, nycklarna sorterade), för <label for>."""
    return json.dumps(id_, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _etikett(id_: dict, text: str) -> html.Label:
    """Fältets namn för skärmläsare: vilken åtgärd eller indikator och vilket fält (tabellen visar det
    bara genom rad och kolumn)."""
    return html.Label(text, htmlFor=_dom_id(id_), className="visually-hidden")


def _tidpunkt(t) -> str:
    try:
        return datum(pd.Timestamp(t).date()) if t is not None and not pd.isna(t) else ""
    except (TypeError, ValueError):
        return ""


def _atgardsinfo(r, slut) -> list:
    """Det styrelsen ser nu, senast rapporterat (med datum) och varningen när tidpunkten har passerat."""
    senast = (f"Senast rapporterat: {_text(r.rapporterad_status)} ({_text(r.rapportperiod)}, "
              f"{_tidpunkt(r.rapporterad)})" if _text(r.rapporterad_status) else "Inte rapporterad ännu")
    ut = [html.Small(f"Visas nu: {_text(r.status)} · {senast}", className="d-block rapp-nu")]
    fd = r.forfallodatum
    if fd is not None and not pd.isna(fd) and slut is not None and fd < slut \
            and _text(r.rapporterad_status) not in AVSLUTADE:
        ut.append(html.Small(f"Obs! Tidpunkten passerade {datum(fd)}: sidorna visar Försenad vad du än rapporterar, "
                             "utom Genomförd eller Struken.", className="d-block rapp-varning"))
    return ut


def _atgardstabell(atg: pd.DataFrame, period: str, last: bool, slut=None) -> html.Table:
    rader = []
    for r in atg.itertuples():
        egen = _text(r.rapportperiod) == period
        rader.append(html.Tr([
            html.Td(r.kod), html.Td([html.Div(r.text), html.Small(f"Ansvarig: {_text(r.ansvar)} · {_text(r.tidpunkt)}",
                                                                   className="text-muted d-block"),
                                     *_atgardsinfo(r, slut)]),
            html.Td([_etikett({"typ": T_STATUS, "kod": r.kod}, f"Status för åtgärd {r.kod}"),
                     dbc.Select(id={"typ": T_STATUS, "kod": r.kod}, disabled=last, size="sm",
                                options=[{"label": "– ingen rapport –", "value": ""}] +
                                [{"label": s, "value": s} for s in ATGARDSSTATUS],
                                value=_text(r.rapporterad_status) if egen else "", style={"minWidth": "12rem"})]),
            html.Td([_etikett({"typ": T_AKOMM, "kod": r.kod}, f"Kommentar till åtgärd {r.kod}"),
                     dcc.Textarea(id={"typ": T_AKOMM, "kod": r.kod}, value=_text(r.kommentar) if egen else "",
                                  disabled=last, className="form-control", rows=2,
                                  title=f"Kommentar {r.kod}")]),
        ], **{"data-kod": r.kod}))
    return html.Table([html.Caption("Åtgärder"), html.Thead(html.Tr([html.Th(x, scope="col") for x in
                                                                     ("Id", "Åtgärd", "Status", "Kommentar")])),
                       html.Tbody(rader)], className="table table-sm rapportformular")


def _nytt_mal(r, ar: int, last: bool) -> html.Td:
    """"Nytt mål för året" som i rapportmallen: där planen lämnat målet öppet eller fullmäktige ändrat det."""
    id_ = {"typ": T_NYTTMAL, "kod": r.kod}
    nu = getattr(r, f"mal_{ar}", None)
    nu = med_enhet(float(nu), _text(r.mattenhet) or None) if nu is not None and pd.notna(nu) else "inget (öppet)"
    enhet = f" ({_text(r.mattenhet)})" if _text(r.mattenhet) else ""
    return html.Td([_etikett(id_, f"Nytt mål {ar} för indikator {r.kod}{enhet}"),
                    dcc.Input(id=id_, type="number", disabled=last, value=None, className="form-control form-control-sm",
                              step="any", placeholder="Nytt mål"),
                    html.Small(f"Gällande: {nu}", className="text-muted")])


def _indikatorinfo(r) -> html.Small:
    enhet = _text(r.mattenhet) or None
    if r.utfall_varde is not None and not pd.isna(r.utfall_varde):
        senast = (f"Senast rapporterat: {med_enhet(float(r.utfall_varde), enhet)} ({_text(r.period)}, "
                  f"{_tidpunkt(r.utfall_rapporterad)})")
    elif r.foregaende_varde is not None and not pd.isna(r.foregaende_varde):
        senast = f"Senast rapporterat: {med_enhet(float(r.foregaende_varde), enhet)} ({_text(r.foregaende_period)})"
    else:
        senast = "Inget utfall rapporterat ännu"
    return html.Small(f"Visas nu: {_text(r.status)} · {senast}", className="d-block rapp-nu")


def _indikatortabell(ind: pd.DataFrame, last: bool, ar: int, har_mal: bool) -> html.Table:
    rader = []
    for r in ind.itertuples():
        v = r.utfall_varde
        kib = bool(r.utfall_kan_inte_bedomas) if pd.notna(r.utfall_kan_inte_bedomas) else False
        rader.append(html.Tr([
            html.Td(r.kod), html.Td([html.Div(r.namn), _indikatorinfo(r)]),
            html.Td([_etikett({"typ": T_UTFALL, "kod": r.kod}, f"Utfall för indikator {r.kod}"
                              + (f" ({_text(r.mattenhet)})" if _text(r.mattenhet) else "")),
                     html.Div([dcc.Input(id={"typ": T_UTFALL, "kod": r.kod}, type="number", disabled=last,
                                         value=None if v is None or pd.isna(v) else float(v),
                                         className="form-control", step="any", placeholder="Utfall"),
                               html.Span(_text(r.mattenhet), className="input-group-text") if _text(r.mattenhet) else None],
                              className="input-group input-group-sm")]),
            html.Td(dbc.Checkbox(id={"typ": T_KIB, "kod": r.kod}, value=kib, disabled=last,
                                 label=["Kan inte bedömas",
                                        html.Span(f" (indikator {r.kod})", className="visually-hidden")])),
            html.Td([_etikett({"typ": T_IKOMM, "kod": r.kod}, f"Kommentar till indikator {r.kod}"),
                     dcc.Textarea(id={"typ": T_IKOMM, "kod": r.kod}, value=_text(r.utfall_kommentar), disabled=last,
                                  className="form-control", rows=2, title=f"Kommentar {r.kod}")]),
            _nytt_mal(r, ar, last) if har_mal else None,
        ], **{"data-kod": r.kod}))
    return html.Table([html.Caption("Indikatorer"),
                       html.Thead(html.Tr([html.Th(x, scope="col") for x in
                                           ("Id", "Indikator", "Utfall", "Kan inte bedömas", "Kommentar")]
                                          + ([html.Th(f"Nytt mål för {ar}", scope="col",
                                                      title="Bara där planen lämnat målet öppet eller fullmäktige "
                                                            "ändrat det")] if har_mal else []))),
                       html.Tbody(rader)], className="table table-sm rapportformular")


def _uppladdning(anv) -> html.Div:
    return html.Div([
        html.H2("Eller ladda upp en ifylld rapportmall", className="h4"),
        html.P("Hämta mallen med knappen ”Hämta rapportmall” på sidorna. "
               + ("Filen får bara innehålla rader för dina enheter; en rad för någon annans åtgärd avvisar hela filen."
                  if anv.rapportor else "") + " Tidigare värden skrivs aldrig över."),
        # Filfältet som dcc.Upload ritar får sin etikett av assets/etiketter.js (ur data-etikett)
        html.Div(dcc.Upload(id=ID_UPP, children=html.Div(["Dra hit filen eller ", html.A("välj en .xlsx-fil", href="#")]),
                            className="uppladdning p-4 mb-3 text-center border border-2 rounded", accept=".xlsx",
                            max_size=rapport.MAX_STORLEK),
                 **{"data-etikett": "Ladda upp en ifylld rapportmall (.xlsx)"}),
        dcc.Store(id=ID_FIL),
        html.Div(id=ID_FG, role="status", **{"aria-live": "polite"}),
        html.Button("Genomför importen", id=ID_GENOMFOR, className="btn btn-primary", disabled=True),
        html.Div(id=ID_RESULTAT, role="status", className="mt-3", **{"aria-live": "polite"}),
    ])


def _lasning(perioder: pd.DataFrame) -> html.Div:
    return html.Div([
        html.Hr(), html.H2("Lås och lås upp perioder", className="h4"),
        html.P("En låst period går inte att rapportera i. Upplåsning kräver en motivering; båda loggas."),
        html.Div([
            html.Label("Period", htmlFor=ID_LAS_PERIOD, className="form-label"),
            # en vanlig <select> (dcc.Dropdown har ett fokuserbart element under aria-hidden: axe)
            dbc.Select(id=ID_LAS_PERIOD, placeholder="Välj period",
                       options=[{"label": p.namn + (" (låst)" if p.last else ""), "value": p.namn}
                                for p in perioder.itertuples()]),
            html.Label("Motivering (krävs för upplåsning)", htmlFor=ID_LAS_MOTIV, className="form-label mt-2"),
            dcc.Input(id=ID_LAS_MOTIV, type="text", className="form-control", maxLength=2000),
            html.Div([html.Button("Lås", id=ID_LAS, className="btn btn-outline-secondary me-2 mt-2", type="button"),
                      html.Button("Lås upp", id=ID_LAS_UPP, className="btn btn-outline-danger mt-2", type="button")]),
        ], style={"maxWidth": "28rem"}),
        html.Div(id=ID_LAS_BESKED, role="status", className="mt-2", **{"aria-live": "polite"}),
    ])


def _fel(rubrik: str, fel: list[str]) -> html.Div:
    return html.Div([html.P(rubrik, className="fw-semibold" if fel else "fw-semibold mb-0"),
                     html.Ul([html.Li(f) for f in fel]) if fel else None],
                    className="alert alert-danger", role="alert")


def _behorig():
    """(användaren, felmeddelande): den inloggade om hen får rapportera, annars None och skälet."""
    fel = _sakerhet.konfigurationsfel()
    if fel:
        return None, fel + " " + _sakerhet.HEMLIGHET_ATGARD
    anv = _inloggning.aktuell()
    if anv is None:
        return None, "Du är inte inloggad (eller inloggningen har gått ut). Logga in och försök igen."
    if not rapportering.far_skriva(anv):
        return None, "Ditt konto får inte rapportera."
    return anv, None


def _vagrad(anv_fel: str, vad: str) -> None:
    log.warning("%s vägrad: %s", vad, anv_fel)


# --- Uppladdning ---

def _granska(innehall: str, filnamn: str, anv):
    filnamn = (filnamn if isinstance(filnamn, str) and filnamn.strip() else "rapport.xlsx")[:200]
    if not isinstance(innehall, str) or len(innehall) > MAX_BASE64:
        # Storleken prövas innan något avkodas (base64 är 4/3 av filen)
        mb = rapport.MAX_STORLEK // (1024 * 1024)
        raise rapport.Importfel([f"{filnamn}: filen är större än {mb} MB; högst {mb} MB tas emot"])
    try:
        data = base64.b64decode(str(innehall).split(",", 1)[1], validate=True)
    except (IndexError, ValueError, binascii.Error):
        raise rapport.Importfel([f"{filnamn or 'filen'}: uppladdningen gick inte att läsa; försök igen"]) from None
    fg = rapport.las_rapport(data, filnamn)          # den enda läsningen av filen
    rapportering.kontrollera_skrivningar(fg, anv)    # behörigheten prövas på det som ska skrivas
    return fg


def _kort(v, n: int = 300) -> str:
    """Ett värde i förhandsgranskningen: högst n tecken."""
    t = "" if v is None else str(v)
    return t if len(t) <= n else t[:n - 1] + "…"


def _andringslista(fg) -> html.Ul | html.P:
    lista = [html.Li(f"{a.blad} {a.id} {a.falt}: {_kort(_visa(a.nytt))}") for a in fg.nya[:500]] + \
            [html.Li(f"{a.blad} {a.id} {a.falt}: {_kort(_visa(a.gammalt))} → {_kort(_visa(a.nytt))}")
             for a in fg.andrade[:500]]
    return html.Ul(lista[:500]) if lista else html.P("Inget att ändra.")


def _visa(v) -> str:
    if isinstance(v, bool):
        return "ja" if v else "nej"
    if isinstance(v, (int, float)):
        return med_enhet(float(v), None)
    return "–" if v is None else str(v)


@callback(Output(ID_FG, "children"), Output(ID_FIL, "data"), Output(ID_GENOMFOR, "disabled"),
          Output(ID_RESULTAT, "children", allow_duplicate=True),
          Input(ID_UPP, "contents"), State(ID_UPP, "filename"), prevent_initial_call=True)
def forhandsgranska(innehall, filnamn):
    anv, fel = _behorig()
    if anv is None:
        _vagrad(fel, "Uppladdning")
        return _fel(INGEN_BEHORIGHET, [fel]), None, True, None
    if not innehall:
        return no_update, no_update, no_update, no_update
    try:
        fg = _granska(innehall, filnamn, anv)
    except rapport.Importfel as e:
        namn = str(filnamn)[:80] if filnamn else "filen"
        return _fel(f"Filen {namn} avvisades – ingenting har ändrats:", e.fel), None, True, None
    except DBAPIError as e:
        if not _sakerhet.ar_anslutningsfel(e):
            raise
        return _fel("Databasen svarar inte just nu.", ["Försök igen om en stund – ingenting har ändrats."]), None, True, None
    return (html.Div([
        html.H2(f"Förhandsgranskning: {fg.filnamn[:80]} ({fg.period})", className="h4"),
        html.P(f"Genomför du importen sparas {fg.antal_text()}."),
        _andringslista(fg),
    ]), {"innehall": innehall, "filnamn": filnamn}, fg.tom, None)


@callback(Output(ID_RESULTAT, "children"), Output(ID_GENOMFOR, "disabled", allow_duplicate=True),
          Input(ID_GENOMFOR, "n_clicks"), State(ID_FIL, "data"), prevent_initial_call=True)
def genomfor(_n, fil):
    if not fil or not isinstance(fil, dict):
        return no_update, True
    try:
        anv, fel = _behorig()
        if anv is None:
            _vagrad(fel, "Import")
            return _fel(fel or INGEN_BEHORIGHET, ["Importen gjordes inte."]), True
        fg = _granska(fil.get("innehall"), fil.get("filnamn"), anv)
        n = rapportering.spara(fg, anv)
    except rapport.Importfel as e:
        return _fel("Importen avbröts – ingenting har ändrats:", e.fel), True
    except DBAPIError as e:
        if not _sakerhet.ar_anslutningsfel(e):
            raise
        return _fel("Importen kunde inte slutföras.", [DATABASFEL_IMPORT]), False
    return html.Div(f"Importen är klar: {rapport.poster_text(n)} sparade för {fg.period}.",
                    className="alert alert-success"), True


# --- Formuläret ---

def _varden(st, st_id, ak, ak_id, ut, ut_id, ik, ik_id, kib, kib_id, nm=None, nm_id=None) -> dict:
    """Formulärets fält → {"atgarder": {kod: …}, "indikatorer": {kod: …}} (bara ifyllda rader)."""
    atg, ind = {}, {}
    for v, i in zip(st or [], st_id or []):
        atg.setdefault(str(i.get("kod")), {})["status"] = v
    for v, i in zip(ak or [], ak_id or []):
        atg.setdefault(str(i.get("kod")), {})["kommentar"] = v
    for v, i in zip(ut or [], ut_id or []):
        ind.setdefault(str(i.get("kod")), {})["utfall"] = v
    for v, i in zip(ik or [], ik_id or []):
        ind.setdefault(str(i.get("kod")), {})["kommentar"] = v
    for v, i in zip(kib or [], kib_id or []):
        ind.setdefault(str(i.get("kod")), {})["kib"] = v is True or (isinstance(v, list) and "ja" in v)
    for v, i in zip(nm or [], nm_id or []):
        ind.setdefault(str(i.get("kod")), {})["nytt_mal"] = v
    atg = {k: v for k, v in atg.items() if v.get("status") or v.get("kommentar")}
    ind = {k: v for k, v in ind.items() if v.get("utfall") not in (None, "") or v.get("kommentar") or v.get("kib")
           or v.get("nytt_mal") not in (None, "")}
    return {"atgarder": atg, "indikatorer": ind}


_FALTTYPER = (T_STATUS, T_AKOMM, T_UTFALL, T_IKOMM, T_KIB, T_NYTTMAL)
_FALT = [State({"typ": t, "kod": ALL}, "value") for t in _FALTTYPER]
_FALT_ID = [State({"typ": t, "kod": ALL}, "id") for t in _FALTTYPER]


def _formularets(period, falt) -> tuple:
    st, ak, ut, ik, kib, nm, st_id, ak_id, ut_id, ik_id, kib_id, nm_id = falt
    period = period if isinstance(period, dict) else {}
    return (str(period.get("period") or ""), period.get("plan") if isinstance(period.get("plan"), str) else None,
            _varden(st, st_id, ak, ak_id, ut, ut_id, ik, ik_id, kib, kib_id, nm, nm_id))


@callback(Output(ID_F_GRANSKNING, "children"), Output(ID_F_SPARA, "disabled"),
          Output(ID_F_RESULTAT, "children", allow_duplicate=True),
          Input(ID_F_FG, "n_clicks"), State(ID_PERIOD, "data"), *_FALT, *_FALT_ID, prevent_initial_call=True)
def formular_forhandsgranska(_n, period, *falt):
    anv, fel = _behorig()
    if anv is None:
        _vagrad(fel, "Formulär")
        return _fel(INGEN_BEHORIGHET, [fel]), True, None
    per, plan, varden = _formularets(period, falt)
    try:
        fg = rapportering.granska_formular(anv, per, varden, _planen(plan))
    except rapport.Importfel as e:
        return _fel("Rapporten kan inte sparas – rätta det här:", e.fel), True, None
    return html.Div([html.H3(f"Det här ändras för {fg.period}", className="h5"),
                     html.P(f"Klickar du Spara sparas {fg.antal_text()}."),
                     _andringslista(fg)], className="alert alert-light border"), fg.tom, None


@callback(Output(ID_F_RESULTAT, "children"), Output(ID_F_SPARA, "disabled", allow_duplicate=True),
          Input(ID_F_SPARA, "n_clicks"), State(ID_PERIOD, "data"), *_FALT, *_FALT_ID, prevent_initial_call=True)
def formular_spara(_n, period, *falt):
    try:
        anv, fel = _behorig()
        if anv is None:
            _vagrad(fel, "Formulär")
            return _fel(INGEN_BEHORIGHET, [fel, "Ingenting sparades."]), True
        per, plan, varden = _formularets(period, falt)
        fg = rapportering.granska_formular(anv, per, varden, _planen(plan))
        n = rapportering.spara(fg, anv)
    except rapport.Importfel as e:
        return _fel("Ingenting sparades:", e.fel), True
    except DBAPIError as e:
        if not _sakerhet.ar_anslutningsfel(e):
            raise
        return _fel("Rapporten kunde inte sparas.", [DATABASFEL_IMPORT]), False
    return html.Div(f"Sparat: {rapport.poster_text(n)} för {fg.period}, med ditt namn och tid.",
                    className="alert alert-success mb-0"), True


# Förhandsgranskningen rullas fram när den visas (den står ovanför knapplisten)
dash.clientside_callback(
    """function (barn) {
        var el = document.getElementById('rf-granskning');
        if (barn && el) { el.scrollIntoView({block: 'end'}); }
        return window.dash_clientside.no_update;
    }""", Output(ID_F_RULLA, "data"), Input(ID_F_GRANSKNING, "children"), prevent_initial_call=True)


@callback(Output(ID_F_MALLFIL, "data"), Input(ID_F_MALL, "n_clicks"), State(ID_PERIOD, "data"),
          prevent_initial_call=True)
def hamta_mall(n, sida):
    """Rapportmallen med exakt formulärets rader (en rapportör: inga blad för inriktningsmål och budget)."""
    anv, fel = _behorig()
    if anv is None or not n or not isinstance(sida, dict):
        _vagrad(fel or "ingen period", "Rapportmall")
        return no_update
    plan = sida.get("plan") if isinstance(sida.get("plan"), str) else None
    period = str(sida.get("period") or "")
    try:
        data = rapportering.mall(anv, period, _planen(plan))
    except rapport.Importfel:
        return no_update
    return dcc.send_bytes(data, "rapportmall_" + "".join(c if c.isalnum() else "_" for c in period) + ".xlsx")


# --- Låsning ---

@callback(Output(ID_LAS_BESKED, "children"), Input(ID_LAS, "n_clicks"), Input(ID_LAS_UPP, "n_clicks"),
          State(ID_LAS_PERIOD, "value"), State(ID_LAS_MOTIV, "value"), State(ID_PERIOD, "data"),
          prevent_initial_call=True)
def las_period(_las, _upp, period, motivering, sida):
    anv, fel = _behorig()
    las = dash.ctx.triggered_id != ID_LAS_UPP
    if anv is None or not anv.administrator:
        _vagrad(fel or "inte administratör", "Låsning")
        return _fel(INGEN_BEHORIGHET, [fel or "Bara en administratör får låsa och låsa upp perioder."])
    if not isinstance(period, str) or not period:
        return _fel("Välj en period.", [])
    try:
        plan = sida.get("plan") if isinstance(sida, dict) and isinstance(sida.get("plan"), str) else None
        rapportering.las_period(period, anv, las, motivering if isinstance(motivering, str) else None, plan=_planen(plan))
    except rapport.Importfel as e:
        return _fel("Perioden ändrades inte.", e.fel)
    return html.Div(f"Perioden {period} är {'låst' if las else 'upplåst'} (loggat).", className="alert alert-success")
