"""Det styrelsen ser på väggen: lägesraden (period och varför, filter, exempeldata), målområdets
sammanfattande status och förändringarna sedan föregående period. Rena byggare – inga databasanrop.
"""
from __future__ import annotations

import logging

import pandas as pd
from dash import dcc, html

from data.uppfoljning import regler
from data.uppfoljning.urval import Urval
from komponenter.trafikljus import statusmarke

log = logging.getLogger(__name__)

EXEMPEL = "Exempeldata – inte kommunens rapportering"


def filtertext(f: Urval) -> str:
    """"KSK/SHB · bara ansvarig · Försenad" – tom när inget filter är valt (period räknas inte)."""
    delar = list(f.enhet) + (["bara ansvarig"] if f.roll == "ansvarig" else []) + list(f.status)
    return " · ".join(delar)


def lagesrad(period: str, valgrund: str, f: Urval, exempel: bool, bedombar: str | None = None) -> html.Div:
    """Periodens namn och varför den visas, aktivt filter och exempelmärkning – syns i båda lägena
    (i sammanträdesläget klistrad överst, så att styrelsen alltid ser vad som visas). bedombar: den
    senaste period som kan bedömas, länkad när den visade inte kan det (annars None)."""
    ft = filtertext(f)
    chips = [html.Span([html.Span("Period: ", className="fw-semibold"), period,
                        html.Span(f" – {valgrund}", className="valgrund")],
                       className="lageschip chip-period", title=f"{period}: {valgrund}")]
    if bedombar and bedombar != period:
        chips.append(html.Span(["För lite bedömt för en status. Senaste period som kan bedömas: ",
                                dcc.Link(bedombar, href=f.med(period=bedombar).till_sok() or "?",
                                         className="lank-bedombar")],
                               className="lageschip chip-bedombar"))
    if ft:
        chips.append(html.Span([html.Span("Filter: ", className="fw-semibold"), ft], className="lageschip chip-filter",
                               title="Sidan visar bara det som matchar filtret, inte hela planen."))
    if exempel:
        chips.append(html.Span("Exempeldata", className="lageschip chip-exempel", title=EXEMPEL))
    return html.Div(chips, className="lagesrad", role="status", **{"aria-label": "Det här visas"})


def sammanfattning(atg: pd.DataFrame, ind: pd.DataFrame) -> regler.Sammanfattning:
    """Målområdets status ur åtgärdernas (med rapport) och indikatorernas visade status."""
    har = atg.rapporterad_status.notna() if "rapporterad_status" in atg else pd.Series(True, index=atg.index)
    return regler.malomradesstatus([regler.atgard_for_sammanfattning(s, bool(h)) for s, h in zip(atg.status, har)],
                                   ind.status)


def malomradesmarke(s: regler.Sammanfattning) -> html.Span:
    """Målområdets sammanfattande status; regeln och underlaget vid hovring."""
    return html.Span(statusmarke(s.status, f"{s.skal}\n\n{regler.REGEL_MALOMRADE}"), className="malomradesstatus",
                     **{"data-status": s.status})


def bedomda(atg: pd.DataFrame, ind: pd.DataFrame) -> regler.Bedomda:
    """Bedömda åtgärder (med rapport) och indikatorer, som i sammanfattning()."""
    har = atg.rapporterad_status.notna() if "rapporterad_status" in atg else pd.Series(True, index=atg.index)
    return regler.bedomda([regler.atgard_for_sammanfattning(s, bool(h)) for s, h in zip(atg.status, har)],
                          ind.status)


def bedomningsbrist(atg: pd.DataFrame, ind: pd.DataFrame, period: str) -> html.P | None:
    """"3 av 22 åtgärder och 0 av 6 indikatorer bedömda för Årsredovisning 2021." när färre än hälften är
    bedömda – varför kortet säger Kan inte bedömas; annars inget."""
    b = bedomda(atg, ind)
    return html.P(b.text(period) + ".", className="bedomningsbrist small mb-1") if b.for_lite else None


def underlagstext(s: regler.Sammanfattning, n_atg: int, n_ind: int) -> str:
    """"15 av 31 bedömda: 8 bra · 0 mellan · 7 dåligt" (31 = åtgärder + indikatorer utom strukna)."""
    return f"{s.underlag} av {s.totalt} bedömda: {s.bra} bra · {s.mellan} mellan · {s.daligt} dåligt"


def forandringspil(forandring: str, fore: str | None, fore_exempel: bool = False) -> html.Span | None:
    """"↑ bättre, förut Pågår med avvikelse" intill en status; inget när statusen är oförändrad.
    fore_exempel: det enda tidigare var ett exempel – nämns som "förut X (exempel)", jämförs inte."""
    if not forandring or forandring == regler.OFORANDRAD:
        return None
    forut = f"förut {fore}" + (" (exempel)" if fore_exempel else "") if fore else ""
    text = f"{regler.PILAR[forandring]} {forandring}" + (f", {forut}" if forut and forandring != regler.NY_RAPPORT
                                                       else "")
    return html.Span(text, className=f"forandring forandring-{forandring.replace(' ', '-')}",
                     title=f"Jämfört med föregående period: {forandring}" + (f" ({forut})" if forut else ""))


def forandringsantal(df: pd.DataFrame) -> str:
    """"2 bättre · 8 sämre · 3 nya rapporter" för ett målområdes förändringar."""
    if df.empty:
        return "Inga förändringar"
    n = df.forandring.value_counts()
    # (ett, flera): "1 ny rapport", "3 nya rapporter"
    ord_ = {regler.BATTRE: ("bättre", "bättre"), regler.SAMRE: ("sämre", "sämre"),
            regler.NY_RAPPORT: ("ny rapport", "nya rapporter"), regler.ANDRAD: ("ändrad", "ändrade"),
            regler.INGEN_NY: ("utan ny rapport", "utan ny rapport"),
            regler.INGEN_TIDIGARE: ("utan tidigare rapport", "utan tidigare rapport")}
    return " · ".join(f"{regler.PILAR[k]} {n[k]} {v[0] if n[k] == 1 else v[1]}" for k, v in ord_.items() if n.get(k))


def forandringslista(df: pd.DataFrame, fore: str | None, malomraden: pd.DataFrame, fraga: str,
                     id_: str = "forandringar", forklaring: str | None = None) -> html.Section:
    """"Förändringar sedan <föregående period>": per målområde, sämst först, en rad per ändring. `fore`:
    vad som jämförs med (en period, eller "förra sammanträdet …" med id_ och forklaring)."""
    rubrik = f"Förändringar sedan {fore}" if fore else "Förändringar"
    if fore is None:
        return html.Section([html.H2(rubrik, className="h3"),
                             html.P("Ingen tidigare period med rapporter att jämföra med.", className="fst-italic")],
                            className="forandringar bild mb-4", id=id_)
    ordning = {regler.SAMRE: 0, regler.BATTRE: 1, regler.NY_RAPPORT: 2, regler.ANDRAD: 3, regler.INGEN_NY: 4,
               regler.INGEN_TIDIGARE: 5}
    block = []
    for m in malomraden.itertuples():
        del_ = df[df.malomrade == m.nr]
        del_ = del_.assign(_o=del_.forandring.map(ordning)).sort_values(["_o", "typ", "kod"], kind="stable")
        rader = [html.Li([html.Span(r.kod, className="atgard-kod me-2"), statusmarke(r.status, r.skal or r.status),
                          " ", forandringspil(r.forandring, r.fore if isinstance(r.fore, str) else None,
                                              bool(r.fore_exempel)),
                          html.Span(" exempel", className="badge text-bg-warning ms-2", title=EXEMPEL)
                          if r.exempel else None,
                          html.Div(r.text.split("\n")[0][:160], className="forandring-text")],
                         className="forandringsrad", **{"data-kod": r.kod, "data-forandring": r.forandring})
                 for r in del_.itertuples()]
        block.append(html.Div([
            html.H3([dcc.Link(f"Målområde {m.nr}", href=f"/malomrade/{m.nr}{fraga}"), " ",
                     html.Span(forandringsantal(del_), className="forandringsantal")], className="h5"),
            html.Ul(rader, className="list-unstyled") if rader else None,
        ], className="forandringar-malomrade bild", **{"data-nr": str(m.nr)}))
    return html.Section([html.H2(rubrik, className="h3"),
                         html.P(forklaring or "Status nu jämförd med föregående period, bara med värden av samma slag "
                                "(exempel jämförs aldrig med kommunens rapportering): ↑ bättre, ↓ sämre, "
                                "+ ny rapport, ↔ ändrad, ? ingen ny rapport eller ingen tidigare rapport.",
                                className="small")] + block,
                        className="forandringar mb-4", id=id_)
