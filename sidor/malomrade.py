"""/malomrade/<nr>: ett målområde – inriktningsmål, indikatorer med diagram, åtgärder med trafikljus."""
from __future__ import annotations

import dash
from dash import html

from data.uppfoljning import fragor
from data.uppfoljning.namnd import liten
from komponenter.verktyg import verktygsrad
from komponenter import agenda
from komponenter.atgarder import atgardslista
from komponenter.filter import filterpanel
from komponenter.indikatorer import indikatorkort, ritar_exempel
from komponenter.mote import forandringsantal, sammanfattning, lagesrad, malomradesmarke, underlagstext
from komponenter.text import forkorta, fritext
from komponenter.trafikljus import statusmarke
from sidor._gemensamt import las_urval, urvalsfel, exempelbanner, kallalank, kolada_rader, valj_plan

dash.register_page(__name__, path_template="/malomrade/<nr>", name="Målområde", order=1,
                   title="Målområde – Målkoll", path="/malomrade/1")


def giltigt_nr(nr, finns) -> int | None:
    """Målområdets nummer om planen har det (numren kommer ur planen, inte ur koden)."""
    t = str(nr)
    return int(t) if t.isascii() and t.isdigit() and int(t) in set(finns) else None


def inriktningsmal_lista(im) -> html.Div:
    return html.Div([html.Div([
        html.Div([html.H3(f"{r.nr} {r.titel}", className="h6 mb-1"),
                  statusmarke(r.bedomning, forkorta(r.motivering) if isinstance(r.motivering, str) else r.bedomning)],
                 className="d-flex justify-content-between gap-2"),
        fritext(r.motivering, tagg=html.P, className="small mb-1") if isinstance(r.motivering, str) and r.motivering
        else None,
        kallalank(r.kalla_url, None, bool(r.exempel) if r.exempel is not None and r.exempel == r.exempel else False),
        html.Details([html.Summary("Inriktningsmålets text"), html.P(r.beskrivning)], className="small")
        if isinstance(r.beskrivning, str) else None,
    ], className="inriktningsmal border-start border-4 ps-3 mb-3") for r in im.itertuples()])


def layout(nr=None, **query):
    f, fel = las_urval(query, f"/malomrade/{nr}")
    pl = valj_plan(f)
    alla = fragor.malomraden(pl)
    n = giltigt_nr(nr, alla.nr)
    if n is None:
        return html.Div([html.H1("Målområdet finns inte"),
                         html.P(f"Det finns inget målområde ”{nr}”. Planen har målområde "
                                f"{', '.join(str(x) for x in alla.nr)}."),
                         html.A("Till översikten", href="/")])
    if fel:
        return urvalsfel(fel, f"/malomrade/{n}", f"Målområde {n}")
    plan, namnd = fragor.plan_info(pl), fragor.namnden(pl)
    per = fragor.vald_period(f.period, plan=pl)
    mo = alla.set_index("nr").loc[n]
    im = fragor.inriktningsmal(n, per.namn, plan=pl)
    ind = fragor.indikatorer(n, enhet=f.enhet, period=per.namn, plan=pl)
    ut = fragor.utfall(ind.id.tolist())
    atg = fragor.atgarder(n, enhet=f.enhet, roll=f.roll, period=per.namn, status=f.status or None, plan=pl)
    per_ind = {k: g.to_dict("records") for k, g in ut.groupby("indikator_id")}
    andr, fore = fragor.forandringar(atg, ind, per, pl)
    andr = andr[andr.malomrade == n]
    andr_atg = {r.kod: (r.forandring, r.fore if isinstance(r.fore, str) else None, bool(r.fore_exempel))
                for r in andr[andr.typ == "Åtgärd"].itertuples()}
    sam = sammanfattning(atg, ind)
    exempel = bool(atg.exempel.any() or ind.exempel.any())
    status = [malomradesmarke(sam), html.Span(underlagstext(sam, len(atg), len(ind)), className="ms-2"),
              html.Span(" · ", className="agenda-sep") if fore is not None and f.avvikelser else None,
              html.Span(f"{'' if f.avvikelser else ' · '}sedan {fore.namn}: {forandringsantal(andr)}",
                        className="forandringsantal") if fore is not None else None]
    if f.avvikelser:
        hela = agenda.hela_sidan(f"/malomrade/{n}" + f.med(fokus=None).till_sok(), "Hela målområdet")
        return html.Div([lagesrad(per.namn, per.valgrund, f, exempel),
                         agenda.malomradesbild(f"Målområde {n}", agenda.kort_titel(mo.titel, namnd.kommun), status,
                                               hela, atg, ind, im, int(per.ar), namnd.text("inriktningsmal"))],
                        **{"data-malomrade": str(n), "data-fokus": "avvikelser", "data-sida": f"/malomrade/{n}"})
    exempel = exempel or ritar_exempel(ind.to_dict("records"), per_ind)   # diagrammen ritar hela historiken
    kolada = kolada_rader(pl, f)
    kort = [indikatorkort(r, per_ind.get(r["id"], []), stor=f.mote, jamforelse=kolada.get(r["kod"]))
            for r in ind.to_dict("records")]
    return html.Div([
        verktygsrad(),
        lagesrad(per.namn, per.valgrund, f, exempel),
        html.P(f"Målområde {n}", className="text-uppercase small mb-0"),
        html.H1(mo.titel, className="sidrubrik"),
        html.Div(status, className="mb-2 malomrade-sammanfattning"),
        html.P([html.Span(f"Ambitionsnivå {plan.get('ambitionsar') or ''}: ".replace(" :", ":"), className="fw-semibold"),
                mo.ambitionsniva], className="lead"),
        exempelbanner(exempel),
        filterpanel(fragor.enheter(pl), fragor.perioder(pl), f, per.namn),
        html.Section([html.H2(namnd.text("inriktningsmal"), className="h3"), inriktningsmal_lista(im),
                      html.Details([html.Summary(namnd.text("tolkning_malomrade")),
                                    html.Div([html.P(p) for p in (mo.tolkning or "").split("\n\n")])])
                      if mo.tolkning else None], className="mb-4 bild"),
        html.Section([html.H2(f"Indikatorer ({len(ind)})", className="h3"),
                      html.Div(kort, className="indikatorer") if kort else
                      html.P("Inga indikatorer matchar filtret." if f.enhet else
                             f"Målområdet har inga indikatorer som {liten(namnd.namn)} följer upp.", className="fst-italic")],
                     className="mb-4 bild", id="indikatorer"),
        html.Section([html.H2(f"Åtgärder ({len(atg)})", className="h3"), atgardslista(atg, namnd, andr_atg)], id="atgarder"),
    ], **{"data-malomrade": str(n)})
