"""/om: ordlistan – statusorden (tre skalor: åtgärder, indikatorer, inriktningsmål), värdenas
ursprung och orden "måttenhet" och "ansvarig enhet" som sidor och export använder."""
from __future__ import annotations

import logging

import dash
from dash import html

from data.uppfoljning import fragor
from data.uppfoljning import status as st
from data.uppfoljning import ursprung
from data.uppfoljning.namnd import Namnd
from komponenter.trafikljus import statusmarke
from sidor._gemensamt import las_urval, valj_plan

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/om", name="Ordlista", order=20, title="Ordlista – Målkoll")

ATGARD = {
    st.GENOMFORD: "Åtgärden är klar.",
    st.PAGAR: "Arbetet pågår och följer tidplanen.",
    st.AVVIKELSE: "Arbetet pågår men avviker från planen (tid, innehåll eller kostnad).",
    st.FORSENAD: "Rapporterad som försenad – eller tidpunkten i planen har passerat utan att åtgärden är "
                 "genomförd eller struken (skälet visas vid märket).",
    st.EJ_PABORJAD: "Arbetet har inte börjat.",
    st.STRUKEN: "Åtgärden genomförs inte.",
    st.EJ_RAPPORTERAD: "Inget rapporterat för perioden.",
}
INDIKATOR = {
    st.UPPNATT: "Utfallet når årets mål (riktningen avgör om högre eller lägre är bättre).",
    st.DELVIS: "Målet nås inte, men utfallet är bättre än planens nuvärde.",
    st.EJ_UPPNATT: "Varken målet eller nuvärdet nås.",
    st.KAN_INTE: "Rapporten säger så, eller mål eller riktning saknas.",
    st.EJ_RAPPORTERAD: "Inget utfall rapporterat för perioden.",
}


def inriktning(namnd: Namnd) -> dict[str, str]:
    """Inriktningsmålens skala med planens ord för nämndens bedömning."""
    return {
        "Uppfyllt": f"{namnd.text('bedomning')}: inriktningsmålet är uppfyllt.",
        "Till största delen uppfyllt": "Bedömningen: det mesta av inriktningsmålet är uppfyllt.",
        "Ej uppfyllt": "Bedömningen: inriktningsmålet är inte uppfyllt.",
        st.KAN_INTE: "Bedömningen går inte att göra för perioden.",
    }


def andra_ord(exempelkoder: list[str]) -> list[tuple[str, str]]:
    """Orden utöver statusskalorna; exemplen på enhetskoder är planens egna."""
    exempel = ", ".join(exempelkoder[:2])
    return [
    ("Måttenhet", "Vad ett värde mäts i: %, kr, mnkr, antal, index … (exportens kolumn ”Måttenhet” på bladet "
                  "Indikatorer)."),
    ("Ansvarig enhet", f"Den del av organisationen som ansvarar, som kod ({exempel} …). Filtret "
                       "”Enhet” på sidorna och exportens kolumn ”Ansvariga enheter (koder)” på bladet Åtgärder är "
                       "ansvariga enheter (ansvariga först, sedan i samverkan). Koderna skrivs med valfria versaler, "
                       "och planens egna stavningar (alias i enheter.yaml) fungerar också."),
    ("mnkr / tkr", "Miljoner kronor / tusen kronor. Budgeten anges i tkr som i planen; välj mnkr på /budget."),
    ("Publicerat", ursprung.FORKLARING[ursprung.PUBLICERAT] + "; står det ”prognos” i källan visas värdet "
                   "som prognos (öppen ring i diagrammen)."),
    ("Rapporterat", ursprung.FORKLARING[ursprung.RAPPORTERAT] + " – av vem och när står i exporten."),
    ("Exempel", ursprung.FORKLARING[ursprung.EXEMPEL] + ". Märkt på sidorna, i diagrammen (kryss) och i "
                "exporten (gul cell och kolumnen Ursprung)."),
    ]


def _skala(rubrik: str, ingress: str, ord_: dict[str, str], id_: str) -> html.Section:
    return html.Section([
        html.H2(rubrik, className="h4"), html.P(ingress, className="small text-muted"),
        html.Dl([x for s, t in ord_.items() for x in (html.Dt(statusmarke(s)), html.Dd(t))], className="ordlista-dl"),
    ], id=id_, className="mb-4")


def layout(**query):
    f, _fel = las_urval({"plan": query.get("plan")} if query.get("plan") else {}, "/om")
    pl = valj_plan(f)
    namnd = fragor.namnden(pl)
    enh = fragor.enheter(pl)
    koder = list(enh.sort_values("djup", ascending=False, kind="stable").kod)
    return html.Div([
        html.H1("Ordlista", className="sidrubrik"),
        html.P("Målkoll använder tre olika skalor, en för varje slags uppföljning. Orden är planens egna.",
               className="lead"),
        html.Div([
            _skala("Åtgärder", "Status som rapporteras för varje åtgärd och period.", ATGARD, "ord-atgarder"),
            _skala("Indikatorer", "Räknas fram ur utfallet mot årets mål – ”uppnått”.", INDIKATOR, "ord-indikatorer"),
            _skala(namnd.text("inriktningsmal"), f"{namnd.text('bedomning')} – ”uppfyllt”.", inriktning(namnd),
                   "ord-inriktningsmal"),
            html.Section([html.H2("Andra ord", className="h4"),
                          html.Dl([x for o, t in andra_ord(koder) for x in (html.Dt(o), html.Dd(t))])],
                         id="ord-ovrigt"),
        ], id="ordlista"),
    ])
