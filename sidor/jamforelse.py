"""/jamforelse: hur kommunen ligger till mot liknande kommuner och riket i Koladas nyckeltal, för
de mått planen följer upp – över åren, med kvinnor och män där Kolada delar upp. För invånare och
styrelse: inga kommandon här (de står i docs/kolada.md och, för administratörer, i en notis när
värden eller gruppen saknas)."""
from __future__ import annotations

import logging

import dash
from dash import html

from data.uppfoljning import fragor
from komponenter import jamforelse as jf
from sidor import _inloggning
from sidor._gemensamt import las_urval, saknas_i_planen, urvalsfel, valj_plan

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/jamforelse", name="Jämförelse med andra kommuner", order=9,
                   title="Jämförelse med andra kommuner (Kolada) – Målkoll")

AVSNITT = (("samma", "Samma mått som planens indikatorer"),
           ("narliggande", "Närliggande mått – inte samma definition som planens"),
           ("ovrigt", "Fler nyckeltal att jämföra med"))


def _adminnotis(saknas: list[str]) -> html.Div | None:
    """Bara för inloggade administratörer: vad som saknas och var det står hur man fyller i det."""
    anv = _inloggning.aktuell()
    if anv is None or not anv.administrator:
        return None
    return html.Div([html.Strong("Till administratören (syns bara för dig): "), "; ".join(saknas),
                     ". Se docs/kolada.md: värdena läses in med python -m data.kolada las-in eller hämtas med "
                     "python -m data.kolada hamta; jämförelsegruppen anges i plan.yaml (kolada)."],
                    className="alert alert-secondary small", role="note", id="kolada-admin")


def _grupptext(inst: dict, kommunnamn: str) -> list:
    grp = inst.get("jamforelsegrupp") or {}
    if not grp.get("kommuner"):
        return [f"{kommunnamn} jämförs med riket."]
    namn = [(grp.get("kommunnamn") or {}).get(k) or k for k in grp["kommuner"]]
    return [f"{grp.get('namn') or 'Jämförelsegruppen'} är kommuner som liknar {kommunnamn} (Koladas grupp "
            f"{grp.get('id') or ''}{', ' + grp['titel'] if grp.get('titel') else ''}): ".replace(" ()", ""),
            ", ".join(namn[:-1]) + (" och " if len(namn) > 1 else "") + namn[-1] + "."]


def layout(**query):
    f, fel = las_urval(query, "/jamforelse")
    if fel:   # okänd plan (eller annat okänt värde): meddelandet, inte standardplanen
        return urvalsfel(fel, "/jamforelse", "Jämförelse med andra kommuner")
    pl = valj_plan(f)
    if (saknas := saknas_i_planen(pl, "kolada", "Jämförelse med andra kommuner", f)) is not None:
        return saknas
    j = fragor.kolada_jamforelse(pl)
    if not j.nyckeltal:
        return html.Div([html.H1("Jämförelse med andra kommuner", className="sidrubrik"), _adminnotis(
            ["planen anger inga Kolada-nyckeltal (fältet kolada i källfilerna)"]),
            html.P("Planen anger inga nyckeltal att jämföra med andra kommuner.", className="fst-italic")],
            className="jamforelse")
    delar = [
        html.H1("Jämförelse med andra kommuner", className="sidrubrik"),
        html.P(f"Hur ligger {j.kommunnamn} till jämfört med liknande kommuner och hela landet? Här visas nyckeltal "
               "ur Kolada, kommunernas och regionernas gemensamma databas, för de mått som planen följer upp.",
               className="lead"),
        html.P(_grupptext(j.inst, j.kommunnamn)),
        html.P(["Diagrammen visar ", html.Strong(j.kommunnamn), " som tjock blå linje, varje liknande kommun som "
                "tunn grå linje, deras medelvärde streckat och riket prickat. En placering är just en placering "
                "bland kommunerna, inte en bedömning av planens mål – målens status finns på målområdessidorna."],
               className="small"),
    ]
    saknas = []
    if j.varden.empty:
        delar.append(html.P("Det finns inga jämförelsevärden att visa ännu.", className="fst-italic"))
        saknas.append("inga Kolada-värden är inlästa")
    if not (j.inst.get("jamforelsegrupp") or {}).get("kommuner"):
        saknas.append("planen anger ingen jämförelsegrupp")
    notis = _adminnotis(saknas) if saknas else None
    if notis is not None:
        delar.insert(1, notis)
    med = set(j.varden.kpi)
    utan = [n for n in j.nyckeltal if n.id not in med]
    delar.append(html.Nav(html.Ul([html.Li(html.A(n.rubrik or n.titel, href=f"#kpi-{n.id}"))
                                   for n in j.nyckeltal if n.id in med], className="small"),
                          **{"aria-label": "Nyckeltalen"}))
    for matt, rubrik in AVSNITT:
        nt = [n for n in j.nyckeltal if n.matt == matt and n.id in med]
        if nt:
            delar.append(html.Section([html.H2(rubrik, className="h4 mt-4"), html.Div(
                [jf.kort(n, j.varden[j.varden.kpi == n.id], j.inst, j.kommunnamn, f.mote) for n in nt],
                className="kortrutnat")], **{"data-matt": matt}))
    if utan:
        delar.append(html.Section([
            html.H2("Nyckeltal som saknar värden här", className="h5 mt-4"),
            html.P("Planen jämförs också med de här nyckeltalen i Kolada, men värdena finns inte bland de "
                   "inlästa ännu.", className="small"),
            html.Ul([html.Li([html.Strong(n.rubrik or n.titel), f" (Kolada {n.id}: {n.titel}). ",
                              *jf.matt_text(n)], id=f"kpi-{n.id}") for n in utan], className="small")],
            **{"data-matt": "utan-varden"}))
    kallor = sorted({str(k) for k in j.varden[~j.varden.beraknad.astype(bool)].kalla})
    if kallor:
        berakn = " Medelvärdet för gruppen är Målkolls beräkning, inte Koladas." if j.varden.beraknad.astype(bool).any() else ""
        delar.append(html.P(["Om värdena: ", "; ".join(kallor), ". Kolada reviderar ibland värden i efterhand; här "
                             "gäller de som de hämtades.", berakn],
                            className="small text-muted mt-3", id="kolada-kallor"))
    return html.Div(delar, className="jamforelse")
