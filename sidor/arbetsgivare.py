"""/arbetsgivare: kommunen som arbetsgivare – planens fokusområden med HR-indikatorer."""
from __future__ import annotations

import dash
from dash import html

from data.uppfoljning import fragor
from komponenter.verktyg import verktygsrad
from komponenter import agenda
from komponenter.filter import filterpanel
from komponenter.indikatorer import indikatorkort, ritar_exempel
from komponenter.mote import lagesrad
from sidor._gemensamt import las_urval, saknas_i_planen, urvalsfel, exempelbanner, kolada_rader, valj_plan

dash.register_page(__name__, path="/arbetsgivare", name="Arbetsgivare", order=8,
                   title="Kommunen som arbetsgivare – Målkoll")


def layout(**query):
    f, fel = las_urval(query, "/arbetsgivare")
    if fel:
        return urvalsfel(fel, "/arbetsgivare", "Arbetsgivare")
    pl = valj_plan(f)
    if (saknas := saknas_i_planen(pl, "arbetsgivare", "Arbetsgivare", f)) is not None:
        return saknas
    per = fragor.vald_period(f.period, plan=pl)
    ind = fragor.indikatorer(arbetsgivare=True, enhet=f.enhet, period=per.namn, plan=pl)
    ut = fragor.utfall(ind.id.tolist())
    fo = fragor.fokusomraden(pl)
    plan = fragor.plan_info(pl)
    rubrik = f"{plan.get('kommun') or plan['namnd']} som arbetsgivare"
    if f.avvikelser:
        return html.Div([lagesrad(per.namn, per.valgrund, f, bool(ind.exempel.any())), agenda.enkel_bild(
            "Arbetsgivare", rubrik, agenda.hela_sidan("/arbetsgivare" + f.med(fokus=None).till_sok(), "Hela sidan"),
            agenda.indikatordel(ind, int(per.ar)))], **{"data-fokus": "avvikelser", "data-sida": "/arbetsgivare"})
    per_ind = {k: g.to_dict("records") for k, g in ut.groupby("indikator_id")}
    kolada = kolada_rader(pl, f)
    exempel = bool(ind.exempel.any()) or ritar_exempel(ind.to_dict("records"), per_ind)
    avsnitt = []
    for r in fo.itertuples():
        del_ = ind[ind.fokusomrade == r.nr]
        avsnitt.append(html.Section([
            html.H2(f"Fokusområde {r.nr}, ”{r.titel}”", className="h3"),
            html.P([html.Span("Nyckelord: ", className="fw-semibold"), r.nyckelord], className="small"),
            html.Div([indikatorkort(i, per_ind.get(i["id"], []), stor=f.mote, jamforelse=kolada.get(i["kod"]))
                      for i in del_.to_dict("records")])
            if not del_.empty else html.P("Inga indikatorer matchar filtret.", className="fst-italic"),
        ], className="mb-4 fokusomrade bild", **{"data-nr": str(r.nr)}))
    return html.Div([
        verktygsrad(),
        lagesrad(per.namn, per.valgrund, f, exempel),
        html.H1(rubrik, className="sidrubrik"),
        html.P(plan["personalmal"], className="lead") if plan.get("personalmal") else None,
        exempelbanner(exempel),
        filterpanel(fragor.enheter(pl), fragor.perioder(pl), f, per.namn, visa_status=False),
        *avsnitt,
    ])
