"""Byggare för ”Så används skattepengarna”: staplar i ren HTML (läsbara på telefon, utan
diagrambibliotek), klarspråk och svenska tal. Ingen databas: får en data.utdata.skattepengar.Skattepengar."""
from __future__ import annotations

import logging
from typing import Optional

from dash import dcc, html

from data.uppfoljning.namnd import liten
from komponenter.format import NBSP, tal
from komponenter.text import fritext

log = logging.getLogger(__name__)

MINUS = "\u2212"


def mnkr(tkr: Optional[float], tecken: bool = False) -> str:
    """tkr → "228,9 miljoner kronor" (svenskt format, U+2212 för minus)."""
    if tkr is None:
        return "–"
    t = tal(abs(tkr) / 1000, 1)
    fortecken = (MINUS if tkr < 0 else "+") if tecken and tkr else (MINUS if tkr < 0 else "")
    return f"{fortecken}{t}{NBSP}miljoner{NBSP}kronor"


def kort_mnkr(tkr: Optional[float]) -> str:
    if tkr is None:
        return "–"
    return f"{MINUS if tkr < 0 else ''}{tal(abs(tkr) / 1000, 1)}{NBSP}mnkr"


def _procent(x: Optional[float]) -> str:
    return f"{tal(x, 0 if x >= 10 else 1)}{NBSP}%" if x is not None else ""


def stapellista(poster, storst: float, id_: str, etikett: str, visa_andel: bool = True,
                jamfor: Optional[int] = None) -> html.Ul:
    """En lista där varje rad är namn, belopp och en stapel (bredd = andel av den största)."""
    rader = []
    for p in poster:
        bredd = max(1.0, 100 * p.belopp / storst) if storst else 0
        detalj = []
        if visa_andel and p.andel is not None:
            detalj.append(f"{_procent(p.andel)} av pengarna")
        if jamfor and p.foregaende is not None:
            d = p.belopp - p.foregaende
            if abs(d) >= 1:
                detalj.append(f"{'mer' if d > 0 else 'mindre'} än {jamfor}: {kort_mnkr(abs(d))}")
            else:
                detalj.append(f"samma som {jamfor}")
        rader.append(html.Li([
            html.Div([html.Span(p.namn, className="sp-namn"), html.Span(kort_mnkr(p.belopp), className="sp-belopp")],
                     className="sp-rad"),
            html.Div(html.Div(className="sp-stapel", style={"width": f"{bredd:.1f}%"}), className="sp-spar",
                     **{"aria-hidden": "true"}),
            html.Div(" · ".join(detalj), className="sp-detalj") if detalj else None,
            html.Div(p.fotnot, className="sp-detalj sp-varfor") if p.fotnot and not visa_andel else None,
        ], className="sp-post"))
    return html.Ul(rader, className="sp-lista", id=id_, **{"aria-label": etikett})


def inledning(s) -> html.Section:
    vem = f"{s.namnd} i {s.kommun}" if s.kommun else s.namnd
    return html.Section([
        html.P([f"{vem} räknar med att använda ", html.Strong(mnkr(s.netto)),
                f" av skattepengarna under {s.ar}. Det är vad verksamheterna kostar ",
                html.Em("efter"), " att avgifter, hyror och bidrag har räknats bort."], className="lead"),
        html.Ul([
            html.Li(["Kostnader: ", html.Strong(mnkr(s.kostnader))]) if s.kostnader is not None else None,
            html.Li(["Intäkter (avgifter, hyror, bidrag): ", html.Strong(mnkr(s.intakter))])
            if s.intakter is not None else None,
            html.Li(["Investeringar (byggen och inköp som används i många år): ",
                     html.Strong(mnkr(s.investeringar_summa))]) if s.investeringar_summa is not None else None,
        ], className="sp-fakta"),
    ], id="sp-inledning")


def verksamheter(s) -> html.Section:
    storst = max((p.belopp for p in s.verksamheter), default=0)
    delar = [html.H2("Vart går pengarna?", className="h4"),
             html.P(f"Så fördelas pengarna mellan {liten(s.namnd_genitiv)} verksamheter {s.ar} (budget, netto)."),
             stapellista(s.verksamheter, storst, "sp-verksamheter", "Pengar per verksamhet",
                         jamfor=s.foregaende_ar)]
    if s.besparing is not None:
        delar.append(html.P([html.Strong(f"{s.besparing.namn}: "),
                             f"{liten(s.namnd)} ska dessutom spara {mnkr(s.besparing.belopp)} {s.ar} genom att "
                             "arbeta effektivare och ställa om verksamheten. Det minskar kostnaden ovan.",
                             f" ({s.besparing.fotnot}.)" if s.besparing.fotnot else ""], className="sp-besparing"))
    return html.Section(delar, className="mb-4", id="sp-vart")


def forandringar(s) -> html.Section:
    storst = max([p.belopp for p in s.mer + s.mindre] or [0])
    delar = [html.H2(f"Vad har ändrats {s.ar}?", className="h4"),
             html.P("Budgeten bygger på förra årets. Det här är de beslutade förändringarna och, där planen "
                    "säger det, varför.")]
    if s.mer:
        delar += [html.H3("Mer pengar till", className="h5"),
                  stapellista(s.mer, storst, "sp-mer", "Mer pengar till", visa_andel=False)]
    if s.mindre:
        delar += [html.H3("Mindre kostnader genom", className="h5"),
                  stapellista(s.mindre, storst, "sp-mindre", "Mindre kostnader genom", visa_andel=False)]
    if s.forandring is not None:
        riktning = "mer" if s.forandring > 0 else "mindre"
        delar.append(html.P(["Sammantaget: ", html.Strong(f"{mnkr(abs(s.forandring))} {riktning}"),
                             f" än året innan."], className="sp-summa"))
    return html.Section(delar, className="mb-4", id="sp-forandringar")


def investeringar(s) -> html.Section:
    storst = max((p.belopp for p in s.investeringar), default=0)
    per_ar = " · ".join(f"{a}: {kort_mnkr(v)}" for a, v in s.investeringar_per_ar.items())
    return html.Section([
        html.H2(f"Investeringar {s.ar}", className="h4"),
        html.P("Investeringar är pengar till sådant som ska användas länge, till exempel vatten och avlopp, "
               "gator, cykelvägar och nya bostadsområden. De betalas under många år."),
        stapellista(s.investeringar, storst, "sp-investeringar", "Investeringar"),
        html.P(["Planerat per år: ", per_ar], className="small") if per_ar else None,
    ], className="mb-4", id="sp-investeringar-del")


def uppfoljning(s) -> html.Section:
    if not s.uppfoljning:
        return html.Section([html.H2("Hur gick det?", className="h4"),
                             html.P("Inget publicerat budgetutfall finns ännu för planen.")], id="sp-uppfoljning")
    rader = []
    for u in s.uppfoljning:
        delar = [html.Strong(f"{u['period']}: ")]
        if u["avvikelse"] is not None:
            a = u["avvikelse"]
            post = f"{s.namnd} totalt" if u["post"].lower().startswith("summa") else u["post"]
            delar.append(f"{post}: {'+' if a > 0 else MINUS}{tal(abs(a) / 1000, 1)}{NBSP}mnkr mot budget "
                         f"({'lägre kostnad än budget' if a > 0 else 'högre kostnad än budget'}). ")
        if u["kommentar"]:
            delar += [fritext(u["kommentar"], tagg=html.Span), " "]
        if u["kalla_url"]:
            delar.append(html.A("Källa", href=u["kalla_url"], rel="noopener"))
        rader.append(html.Li(delar))
    return html.Section([html.H2("Hur gick det?", className="h4"),
                         html.P("Det kommunen har publicerat om utfallet (inga påhittade exempel)."),
                         html.Ul(rader)], id="sp-uppfoljning")


def fotter(s) -> html.Section:
    return html.Section([
        html.H2("Mer detaljer", className="h5"),
        html.P(["Alla siffror kommer från ", html.Em(s.plannamn), f" ({s.plan}), belopp i "
                "tusentals kronor som avrundats till miljoner. Hela tabellerna finns på ",
                dcc.Link("budgetsidan", href="/budget"), " och som öppna data: ",
                html.A("budget.csv", href="/api/v1/budget.csv"), " (Excel) eller ",
                html.A("JSON", href="/api/v1/budget"), " – se ", dcc.Link("API:t", href="/api"), "."],
               className="small"),
    ], className="mt-4", id="sp-fotter")
