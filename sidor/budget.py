"""/budget: driftbudget, driftbudget per verksamhet, kostnads- och intäktsförändringar,
investeringsbudget – och uppföljningen (utfall och prognos mot budget) för vald period.

Filterläget bor i URL:en: `belopp=mnkr` (standard tkr) och `period`.
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from data.uppfoljning import budgetfragor, budgetregler, fragor
from komponenter import budget as kb
from komponenter import ids
from data.uppfoljning.urval import Urval
from komponenter.filter import STANDARDPERIOD, filter_id
from komponenter.mote import lagesrad
from komponenter.verktyg import verktygsrad
from komponenter import agenda
from sidor._gemensamt import las_urval, saknas_i_planen, urvalsfel, exempelbanner, valj_plan

dash.register_page(__name__, path="/budget", name="Budget", order=10, title="Budget – Målkoll")


def kontroller(enhet: str, perioder, vald_period: str, vald: bool = False) -> html.Div:
    """Beloppsenhet (tkr/mnkr) och period för uppföljningen; ändringar skrivs till URL:en."""
    periodval = [{"label": p.namn + ("" if p.har_rapporter else " (inga rapporter)"), "value": p.namn}
                 for p in perioder.itertuples()]
    return html.Div([
        html.H2("Visning", className="visually-hidden"),
        dbc.Row([
            dbc.Col(html.Fieldset([
                html.Legend("Belopp i", className="form-label fw-semibold fs-6 mb-1"),
                dbc.RadioItems(id=ids.BUDGET_ENHET, options=[{"label": "tkr", "value": "tkr"},
                                                             {"label": "mnkr", "value": "mnkr"}],
                               value=enhet, inline=True, className="btn-group budget-enhet",
                               inputClassName="btn-check", labelClassName="btn btn-outline-primary knapp-kontrast",
                               labelCheckedClassName="active"),
            ]), md="auto"),
            dbc.Col([
                html.Label(["Period för uppföljningen",
                            dbc.Select(id=filter_id("period"), options=periodval, value=vald_period,
                                       className="mt-1 filter-period")], className="form-label fw-semibold w-100"),
                dcc.Store(id=STANDARDPERIOD, data=None if vald else vald_period),
            ], md=4),
        ], className="g-4 align-items-end"),
    ], className="filterpanel p-3 mb-4", role="search", **{"aria-label": "Visning och period"})


@callback(Output(ids.PLATS, "search", allow_duplicate=True),
          Input(ids.BUDGET_ENHET, "value"),
          State(ids.PLATS, "search"),
          prevent_initial_call=True)
def enhet_till_url(enhet, search):
    """Valet tkr/mnkr skrivs till query-strängen (belopp=mnkr; tkr är standard och utelämnas)."""
    f = Urval.fran_sok(search, "/budget").med(belopp="mnkr" if enhet == "mnkr" else None)
    sok = f.till_sok()
    return no_update if sok == (search or "") else sok


def _avsnitt(rubrik: str, id_: str, *barn, ingress: str | None = None) -> html.Section:
    return html.Section([html.H2(rubrik, className="h3"),
                         html.P(ingress, className="text-muted") if ingress else None, *barn],
                        className="mb-5 budgetavsnitt", id=id_)


def _tabell_och_graf(tabell, graf, tabellbredd: int = 6) -> dbc.Row:
    return dbc.Row([dbc.Col(tabell, xl=tabellbredd), dbc.Col(graf, xl=12 - tabellbredd)], className="g-4")


def _dagordning(f, per, enhet, nt, upp_drift, upp_total, upp_inv, har_exempel) -> html.Div:
    """Budgeten på dagordningen: nyckeltalen, posterna med prognosticerat underskott och investeringarna i en rad."""
    return html.Div([
        lagesrad(per.namn, per.valgrund, f, har_exempel),
        agenda.enkel_bild(
            f"Uppföljning {per.namn}", "Budget",
            agenda.hela_sidan("/budget" + f.med(fokus=None).till_sok(), "Hela budgeten"),
            html.Section(kb.nyckeltal_rad(nt, enhet, kb.uppfoljningskort(upp_drift, per.namn, enhet)),
                         id="nyckeltal", className="agenda-nyckeltal"),
            agenda.budgetdel(upp_drift, "Driftbudget per verksamhet", enhet, "agenda-budget-drift"),
            agenda.budgetdel(upp_total, "Driftbudget totalt", enhet, "agenda-budget-total")
            if upp_total.rapporterad.any() else None,
            agenda.investeringsrad(upp_inv, enhet)),
    ], className="budget-agenda", **{"data-enhet": enhet, "data-period": per.namn, "data-fokus": "avvikelser", "data-sida": "/budget"})


def layout(**query):
    f, fel = las_urval(query, "/budget")
    if fel:
        return urvalsfel(fel, "/budget", "Budget")
    enhet = kb.enhet_fran_fraga(f.belopp)
    pl = valj_plan(f)
    if (saknas := saknas_i_planen(pl, "budget", "Budget", f)) is not None:
        return saknas
    per = fragor.vald_period(f.period, plan=pl)
    nt = budgetfragor.nyckeltal(plan=pl)
    drift = fragor.budget_bred("driftbudget", pl)
    verk = fragor.budget_bred("drift_per_verksamhet", pl)
    spec = fragor.budget_bred("budgetforandringar", pl)
    inv = fragor.budget_bred("investeringar", pl)
    upp_drift = budgetfragor.uppfoljning("drift_per_verksamhet", per.namn, plan=pl)
    upp_total = budgetfragor.uppfoljning("driftbudget", per.namn, plan=pl)
    upp_inv = budgetfragor.uppfoljning("investeringar", per.namn, plan=pl)
    har_exempel = bool(upp_drift.exempel.any() or upp_inv.exempel.any() or upp_total.exempel.any())
    if f.avvikelser:
        return _dagordning(f, per, enhet, nt, upp_drift, upp_total, upp_inv, har_exempel)

    # Specifikationen: ett vattenfall per kolumn, från föregående års budget
    drift_kol = kb.kolumner(drift)
    vattenfall = []
    for k in kb.kolumner(spec):
        serie = kb.vattenfallsserie(spec, k)
        i = drift_kol.index(k) if k in drift_kol else -1
        fran = drift_kol[i - 1] if i > 0 else "föregående år"
        rubrik = f"{k} jämfört med {fran}"
        vattenfall.append(dbc.Col(html.Div([
            html.H3(rubrik, className="h5"),
            kb.diagram(kb.vattenfallsfigur(serie, enhet, stor=f.mote), f"graf-vattenfall-{k.replace(' ', '-').lower()}",
                       kb.vattenfallssammanfattning(serie, fran, enhet), kb.vattenfallsdata(serie, enhet),
                       f"Förändringar {rubrik}"),
        ], className="vattenfall", **{"data-kolumn": k}), xl=12 if len(serie["poster"]) > 6 else 6))

    kol_verk = nt.get("effektivisering_kolumn") or kb.kolumner(verk)[-1]
    drift_rubrik = f"Driftbudget {kb.arsspann(drift)}".strip()
    return html.Div([
        verktygsrad(med_mall=False),
        lagesrad(per.namn, per.valgrund, f, har_exempel),
        html.H1("Budget", className="sidrubrik"),
        html.P(f"{fragor.namnden(pl).text('budget')} enligt {fragor.plan_info(pl)['namn']}, "
               "med uppföljning av utfall och prognos per period.", className="lead"),
        exempelbanner(har_exempel),
        kontroller(enhet, fragor.perioder(pl), per.namn, bool(f.period)),
        html.Section([html.H2("Nyckeltal", className="visually-hidden"),
                      kb.nyckeltal_rad(nt, enhet, kb.uppfoljningskort(upp_drift, per.namn, enhet))],
                     className="mb-4", id="nyckeltal"),

        _avsnitt(drift_rubrik, "driftbudget", _tabell_och_graf(
            kb.budgettabell(drift, enhet, drift_rubrik, "tabell-driftbudget"),
            kb.diagram(kb.driftfigur(drift, enhet, stor=f.mote), "graf-driftbudget", kb.driftsammanfattning(drift, enhet),
                       kb.driftdata(drift, enhet), drift_rubrik))),

        _avsnitt("Driftbudget per verksamhet", "drift-per-verksamhet", _tabell_och_graf(
            kb.budgettabell(verk, enhet, "Driftbudget per verksamhet, netto", "tabell-drift-per-verksamhet",
                            forsta="Verksamhet"),
            kb.diagram(kb.verksamhetsfigur(verk, enhet, stor=f.mote), "graf-drift-per-verksamhet",
                       kb.verksamhetssammanfattning(verk, kol_verk, enhet), kb.verksamhetsdata(verk, enhet),
                       "Driftbudget per verksamhet"))),

        _avsnitt("Specifikation av kostnads- och intäktsförändringar", "budgetforandringar",
                 dbc.Row(vattenfall, className="g-4"),
                 dbc.Row(dbc.Col(kb.budgettabell(spec, enhet, "Specifikation av kostnads- och intäktsförändringar",
                                                 "tabell-budgetforandringar"), xl=8), className="mt-2"),
                 ingress="Varje stapel är en förändring jämfört med föregående års budget: gröna staplar minskar "
                         "nettokostnaden, röda ökar den. Den blå stapeln är summan."),

        _avsnitt(f"Investeringsbudget {kb.arsspann(inv)}", "investeringar", _tabell_och_graf(
            kb.investeringstabell(inv, enhet, f"Investeringsbudget {kb.arsspann(inv)}"),
            kb.diagram(kb.investeringsfigur(inv, enhet, stor=f.mote), "graf-investeringar", kb.investeringssammanfattning(inv, enhet),
                       kb.investeringsdata(inv, enhet), "Investeringsbudget per område"))),

        _avsnitt(f"Uppföljning {per.namn}", "uppfoljning",
                 html.P([html.Span("Regel för trafikljuset: ", className="fw-semibold"), budgetregler.REGEL_BUDGET],
                        className="small regel"),
                 html.P(f"Inget budgetutfall är rapporterat för {per.namn}."
                        if not (upp_drift.rapporterad.any() or upp_inv.rapporterad.any() or upp_total.rapporterad.any())
                        else f"Utfall hittills under {per.ar} och prognos för helåret, rapporterat för {per.namn}.",
                        className="fst-italic" if not upp_drift.rapporterad.any() else None),
                 kb.uppfoljningstabell(upp_drift, enhet, per.namn, "Driftbudget per verksamhet: prognos mot budget",
                                       "tabell-uppfoljning-drift"),
                 kb.uppfoljningstabell(upp_total, enhet, per.namn, "Driftbudget totalt: prognos mot budget",
                                       "tabell-uppfoljning-driftbudget", forsta="Post")
                 if upp_total.rapporterad.any() else None,
                 kb.investeringsuppfoljning(upp_inv, enhet, per.namn)),
    ], className="budgetsida", **{"data-enhet": enhet, "data-period": per.namn})
