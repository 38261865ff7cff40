"""/api: öppna data-API:t för människor – vad som finns, parametrar, exempel med curl, fälten.

Byggs ur samma resurslista som API:t och OpenAPI-beskrivningen (data/oppna_data.py), så sidan
och API:t kan inte glida isär. Kräver ingen inloggning.
"""
from __future__ import annotations

import logging

import dash
from dash import html

from data.uppfoljning import fragor
from data.utdata import oppna_data
from data.utdata.oppna_data import PREFIX
from data.uppfoljning.plankontext import Plankontext
from sidor._gemensamt import las_urval, plansok, valj_plan

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/api", name="Öppna data (API)", order=20,
                   title="Öppna data – API – Målkoll")


def exempel(pl: Plankontext, sok: str = "") -> dict[str, str]:
    """Resurs → frågesträng i exemplen, ur planens egna perioder, målområden och enheter. sok: sidans
    planval ("plan=KOD", _gemensamt.plansok), "" när URL:en inte valde plan."""
    plan = f"{sok}&" if sok else ""
    per = list(fragor.perioder(pl).namn)
    nr = list(fragor.malomraden(pl).nr)
    enh = list(fragor.enheter(pl).sort_values("djup", ascending=False, kind="stable").kod)
    forsta, sista = (per[0], per[-1]) if per else ("", "")
    mo = nr[0] if nr else 1
    ex = {
        "perioder": plan, "enheter": plan, "malomraden": plan, "malvarden": plan, "planer": "",
        "inriktningsmal": f"{plan}malomrade={mo}&period={sista}",
        "uppdrag": f"{plan}malomrade={nr[-1] if nr else mo}",
        "atgarder": f"{plan}period={forsta}&enhet={enh[0] if enh else ''}&roll=ansvarig&status=Försenad",
        "indikatorer": f"{plan}malomrade={mo}&period={sista}",
        "utfall": f"{plan}period={sista}",
        "statusrapporter": f"{plan}exempel=med&per_sida=20",
        "budget": f"{plan}tabell=drift_per_verksamhet",
        "budgetuppfoljning": f"{plan}period={sista}",
    }
    return {k: ("?" + v.rstrip("&")) if v.rstrip("&") else "" for k, v in ex.items()}


def curl(resurs: str, ex: dict[str, str], csv: bool = False) -> str:
    from urllib.parse import quote
    q = ex.get(resurs, "")
    q = quote(q, safe="?&=/,") if q else ""
    return f"curl -s 'https://DIN-VÄRD{PREFIX}/{resurs}{'.csv' if csv else ''}{q}'"


def _kod(text: str) -> html.Pre:
    # tabIndex: ett kodexempel som rullar i sidled måste gå att nå och rulla med tangentbordet (WCAG 2.1.1)
    return html.Pre(html.Code(text), className="api-kod p-2 mb-2", tabIndex="0")


def _resurs(r: oppna_data.Resurs, ex: dict[str, str]) -> html.Section:
    return html.Section([
        html.H3([html.Code(f"GET {PREFIX}/{r.namn}"), " – ", r.titel], className="h5", id=f"resurs-{r.namn}"),
        html.P(r.text),
        html.P(["Parametrar: ", html.Code(", ".join(r.parametrar + oppna_data.ALLTID))], className="small"),
        _kod(curl(r.namn, ex)),
        _kod(curl(r.namn, ex, csv=True) + " > " + r.namn + ".csv"),
        html.Details([
            html.Summary(f"Fält ({len(r.falt)})"),
            html.Div(html.Table([
                html.Thead(html.Tr([html.Th("fält"), html.Th("typ"), html.Th("innehåll")])),
                html.Tbody([html.Tr([html.Td(html.Code(f.namn)), html.Td(f.typ + (" eller null" if f.tom else "")),
                                     html.Td(f.text)]) for f in r.falt]),
            ], className="table table-sm"), className="table-responsive"),
        ]),
    ], className="mb-4 api-resurs")


def layout(**query):
    f, _fel = las_urval({"plan": query.get("plan")} if query.get("plan") else {}, "/api")
    pl = valj_plan(f)
    ex = exempel(pl, plansok(f))
    enhet = ex["atgarder"].split("enhet=")[-1].split("&")[0]
    return html.Div([
        html.H1("Öppna data – API", className="sidrubrik"),
        html.P(["Allt som Målkoll visar om planen – målområden, inriktningsmål, uppdrag, åtgärder med ansvariga "
                "enheter och tidpunkter, indikatorer med nuvärde och mål, statusar och utfall per period och "
                "budgeten – går att hämta som ", html.Strong("JSON"), " eller ", html.Strong("CSV"),
                " utan inloggning. API:t läser bara; ingenting kan ändras genom det."], className="lead"),
        html.H2("Så här", className="h4"),
        html.Ul([
            html.Li(["Adresserna börjar med ", html.Code(PREFIX), ". Lista: ", html.A(PREFIX, href=PREFIX),
                     "; maskinläsbar beskrivning (OpenAPI 3.1): ",
                     html.A(f"{PREFIX}/openapi.json", href=f"{PREFIX}/openapi.json"), "."]),
            html.Li(["JSON är standard: ", html.Code('{"meta": {…}, "data": [rader]}'),
                     ". CSV får du med ", html.Code(".csv"), " sist i adressen eller med huvudet ",
                     html.Code("Accept: text/csv"), ". CSV-filen är UTF-8 med BOM, semikolonseparerad och har "
                     "decimalkomma, så att svenskt Excel öppnar den direkt. Listor (t.ex. ansvariga enheter) står "
                     "kommaseparerade i en cell."]),
            html.Li(["Filter som på sidorna: ", html.Code("plan"), ", ", html.Code("period"), ", ",
                     html.Code("malomrade"), ", ", html.Code("enhet"), " (upprepad eller kommaseparerad; en "
                     "förälder omfattar sina underenheter), ", html.Code("roll=ansvarig"), " och ",
                     html.Code("status"), ". Ett okänt eller tomt värde ger svaret 400 med ett meddelande som "
                     "säger vilken parameter som är fel – aldrig tyst hela planen."]),
            html.Li(["Långa listor delas i sidor: ", html.Code("sida"), " (från 1) och ", html.Code("per_sida"),
                     f" (högst {oppna_data.MAX_PER_SIDA}; JSON visar {oppna_data.PER_SIDA} rader om inget anges, "
                     "CSV alla). ", html.Code("meta.antal"), " och huvudet ", html.Code("X-Total-Count"),
                     " ger totalen; ", html.Code("Link"), " pekar på nästa sida."]),
            html.Li([html.Strong("Exempeldata"), " (påhittade värden som visar hur panelen ser ut) tas bara med "
                     "när du ber om det med ", html.Code("exempel=med"), ", och varje sådan rad har ",
                     html.Code('"exempel": true'), " och ", html.Code('"ursprung": "exempel"'), "."]),
            html.Li(["Varje rapporterat värde bär sitt ursprung: ", html.Code("publicerad"),
                     " (kommunens publicerade värde, med källans adress i ", html.Code("kalla_url"), "), ",
                     html.Code("rapporterad"), " (inläst rapport) eller ", html.Code("exempel"), "."]),
            html.Li(["Hämta bara det som ändrats: svaren har ", html.Code("ETag"), " och ",
                     html.Code("Last-Modified"), " från databasens ändringsräknare. Skicka ",
                     html.Code("If-None-Match"), " så får du 304 utan innehåll när inget har ändrats."]),
            html.Li(["Anrop från andra webbplatser är tillåtna (CORS: ", html.Code("Access-Control-Allow-Origin: *"),
                     ", bara GET)."]),
        ]),
        html.H2("Exempel", className="h4"),
        _kod(f"curl -s 'https://DIN-VÄRD{PREFIX}/indikatorer?malomrade=1' | python3 -m json.tool"),
        _kod(f"curl -s -H 'Accept: text/csv' 'https://DIN-VÄRD{PREFIX}/atgarder?enhet={enhet}' > atgarder.csv"),
        _kod(f"curl -s -i -H 'If-None-Match: \"…\"' 'https://DIN-VÄRD{PREFIX}/utfall'   # 304 om oförändrat"),
        html.P(["Med pandas: ", html.Code(f"pd.read_csv('https://DIN-VÄRD{PREFIX}/budget.csv', sep=';', "
                                          "decimal=',', encoding='utf-8-sig')")]),
        html.H2("Resurser", className="h4"),
        *[_resurs(r, ex) for r in oppna_data.RESURSER.values()],
        html.P(["Fältnamnen är ett gränssnitt och ändras inte utan att versionen i adressen ändras. Se även ",
                html.Code("docs/api.md"), " i källkoden."], className="small"),
    ], className="api-sida")
