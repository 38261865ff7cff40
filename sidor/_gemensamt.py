"""Det som sidorna delar: filtrets callback (skriver filtret till URL:en) och små sidbitar.

Filen börjar med understreck, så Dash Pages registrerar den inte som sida.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from data.uppfoljning import fragor
from data.rapportering import behorighet
from komponenter import ids
from komponenter import jamforelse as jf
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.urval import Urval
from komponenter.filter import filter_fran_kontroller
from komponenter.verktyg import MALLKNAPP, MALLNEDLADDNING
from sidor import _inloggning

EXEMPELTEXT = "Exempeldata – inte kommunens rapportering"


@callback(Output(ids.PLATS, "search", allow_duplicate=True),
          Input({"typ": "filter", "namn": ALL}, "value"),
          State({"typ": "filter", "namn": ALL}, "id"),
          State(ids.PLATS, "search"),
          State({"typ": "filterstandard", "namn": ALL}, "data"),
          prevent_initial_call=True)
def filter_till_url(varden, id_lista, search, standard):
    """Varje filterändring skrivs till query-strängen; sidan ritas om från URL:en. Standardperioden
    skrivs inte dit förrän någon väljer en period (då är den "Vald period")."""
    v = {i["namn"]: val for i, val in zip(id_lista, varden)}
    nu = Urval.fran_sok(search)
    ny = filter_fran_kontroller(nu, v.get("enhet", nu.enhet), v.get("roll", ["ansvarig"] if nu.roll else []),
                                v.get("period", nu.period), v.get("status", nu.status),
                                standard[0] if standard else None)
    sok = ny.till_sok()
    return no_update if sok == (search or "") else sok


@callback(Output(MALLNEDLADDNING, "data"), Input(MALLKNAPP, "n_clicks"), State(ids.PLATS, "search"),
          prevent_initial_call=True)
def hamta_rapportmall(n, search):
    """Rapportmallen för sidans period och enheter (från URL:en)."""
    if not n:
        return no_update
    f = Urval.fran_sok(search)
    pl = valj_plan(f)
    period = fragor.vald_period(f.period, plan=pl).namn
    # En rapportör får exakt raderna hen får fylla i (issue 22); andra hela mallen för filtret
    data = behorighet.mall(_inloggning.aktuell(), period, pl, f.enhet or None)
    namn = re.sub(r"[^A-Za-z0-9]+", "_", period.replace("å", "a").replace("Å", "A").replace("ä", "a"))
    return dcc.send_bytes(data, f"rapportmall_{namn}.xlsx")


def las_urval(query, sokvag: str) -> tuple[Urval, list[str]]:
    """Sidans urval ur URL:en, med planens stavningar (enhetskoder oavsett versaler, alias),
    och de svenska felen för värden som planen inte känner (tom lista = allt känt)."""
    f = fragor.normalisera_urval(Urval.fran_fraga(query, sokvag))
    return f, f.fel + fragor.kontrollera_urval(f)


def urvalsfel(fel: list[str], sokvag: str, rubrik: str) -> html.Div:
    """Sidan när urvalet har okända värden: meddelandet och inget innehåll (hellre inget än allt)."""
    return html.Div([
        html.H1(rubrik, className="sidrubrik"),
        html.Div([html.H2("Filtret går inte att använda", className="h5"),
                  html.Ul([html.Li(t[:1].upper() + t[1:] + ".") for t in fel]),
                  html.P(["Sidan visar ingenting hellre än allt. ",
                          dcc.Link("Visa sidan utan filter", href=sokvag, className="alert-link")], className="mb-0")],
                 className="alert alert-danger urvalsfel", role="alert", id="urvalsfel"),
    ])


SAKNAS = {  # planens del → vad planen saknar, i en mening
    "arbetsgivare": "inga HR-indikatorer (arbetsgivarens fokusområden, arbetsgivare.yaml)",
    "sarskilda": "inga särskilda uppdrag (sarskilda_uppdrag.yaml)",
    "budget": "inga budgettabeller",
    "skattepengar": "ingen budget att visa för invånare (inga budgettabeller)",
    "kolada": "ingen Kolada-jämförelse (inget Kolada-id för kommunen eller inga indikatorer med Kolada-nyckeltal)",
}


def saknas_i_planen(pl: Plankontext, del_: str, rubrik: str, f: Urval) -> html.Div | None:
    """Sidan för en del som planen inte har (menyn visar den inte): en tydlig mening i stället
    för en tom sida. None när planen har delen. Länken bär ?plan= bara om sidans URL hade den."""
    if fragor.planens_delar(pl)[del_]:
        return None
    namn = fragor.plan_info(pl)["namn"]
    sok = plansok(f)
    return html.Div([html.H1(rubrik, className="sidrubrik"),
                     html.P(f"{namn} har {SAKNAS[del_]}, så sidan har inget att visa för planen.",
                            className="lead planen-saknar"),
                     html.P("Välj en annan plan i planväljaren, eller gå till översikten.", className="small"),
                     dcc.Link("Till översikten", href="/" + (f"?{sok}" if sok else ""))],
                    className="saknas-i-planen", **{"data-saknas": del_})


def plan_i_url(f: Urval) -> str | None:
    """Planens kod om sidans URL valde en känd plan (?plan=KOD), annars None: URL:ens tillstånd,
    inte planen (den gör valj_plan)."""
    return f.plan if f.plan and f.plan in set(fragor.planer().kod) else None


def plansok(f: Urval) -> str:
    """Planvalet som det står i sidans URL ("plan=KOD"), eller "" när URL:en inte väljer plan:
    länkar bär ?plan= bara när sidans URL hade det."""
    kod = plan_i_url(f)
    return f"plan={quote(kod)}" if kod else ""


def valj_plan(f: Urval) -> Plankontext:
    """Kanten: URL:ens plan (?plan=KOD) upplöst till en Plankontext, annars standardplanen."""
    return fragor.los_plan(plan_i_url(f))


def exempelbanner(har_exempel: bool) -> html.Div | None:
    if not har_exempel:
        return None
    return html.Div([html.Strong("Obs! "), EXEMPELTEXT, ". Värden märkta ”exempel” är påhittade för att visa "
                     "hur Målkoll fungerar."], className="alert alert-warning exempelbanner", role="note")


def kallalank(url: str | None, kalla: str | None = None, exempel: bool = False) -> html.Span | None:
    """Källa för ett rapporterat värde: länk till publicerad källa, annars filnamn; exempel märks."""
    delar = []
    if exempel:
        delar.append(html.Span("exempel", className="badge text-bg-warning me-1", title=EXEMPELTEXT))
    if isinstance(url, str) and url:
        delar.append(html.A("Källa", href=url, target="_blank", rel="noopener noreferrer",
                            title=url, className="kallalank"))
    elif isinstance(kalla, str) and kalla:
        delar.append(html.Span(f"Källa: {kalla}", className="text-muted small"))
    return html.Span(delar, className="kalla") if delar else None


def sidrubrik(titel: str, undertitel: str | None = None) -> html.Div:
    return html.Div([html.H1(titel, className="sidrubrik"),
                     html.P(undertitel, className="lead") if undertitel else None], className="mb-3")


def ingen_traff(text: str = "Inget matchar filtret.") -> html.P:
    return html.P(text, className="fst-italic text-muted")


def kolada_rader(pl: Plankontext, f: Urval) -> dict:
    """Kolada-raden per indikatorkod (komponenter.jamforelse.kortrad) för indikatorkorten."""
    j = fragor.kolada_jamforelse(pl)
    sok = plansok(f)
    ut = {}
    for kod in {k for n in j.nyckeltal for k, _ in n.indikatorer}:
        rad = jf.kortrad([n for n in j.nyckeltal if kod in {k for k, _ in n.indikatorer}], j.varden, j.inst,
                         j.kommunnamn, "/jamforelse" + (f"?{sok}" if sok else ""))
        if rad is not None:
            ut[kod] = rad
    return ut
