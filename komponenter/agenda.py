"""Avvikelsedagordningen i sammanträdesläget (?visning=mote&fokus=avvikelser): per sida en kort bild med
bara det som behöver styrelsen (data.uppfoljning.avvikelser) – en rad per sak (id, titel, status med
symbol och ord, en rad kommentar) – och resten räknat, med hela sidan en tangent bort (A).
Rena byggare – inga databasanrop."""
from __future__ import annotations

import logging
import math
from typing import Iterable

import pandas as pd
from dash import dcc, html

from data.uppfoljning import avvikelser as av
from data.uppfoljning.status import BEDOMNINGAR, EJ_RAPPORTERAD, INDIKATORSTATUS_ALLA
from komponenter import format as fmt
from komponenter.budget import BUDGETSTATUS_STIL, belopp_med_enhet, budgetmarke
from komponenter.mote import EXEMPEL
from komponenter.text import forkorta
from komponenter.trafikljus import statusmarke

log = logging.getLogger(__name__)

TANGENT = "A"
TANGENTTEXT = f"{TANGENT} växlar mellan dagordningen och hela sidan"
RADLANGD = 300   # tecken av en kommentar som skickas (raden visar en rad; hela i title upp till RADLANGD)


def _t(x) -> str:
    return x.strip() if isinstance(x, str) else ""


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def hela_sidan(href: str, text: str) -> dcc.Link:
    """Länken till hela sidan i sammanträdesläget (utan fokus) – samma som tangenten A."""
    return dcc.Link([text, html.Span(f" ({TANGENT})", className="agenda-tangent")], href=href,
                    className="agenda-hela", title=f"{text} – tangent {TANGENT} ({TANGENTTEXT})")


def agendarad(kod: str, titel: str, marke: html.Span, kommentar: str, exempel: bool = False,
              skal: str | None = None, visa_kod: bool = True) -> html.Li:
    """En sak på dagordningen: id, status (symbol och ord), titel på en rad och en rad kommentar.
    visa_kod=False när titeln är id:t (budgetposter)."""
    kommentar = forkorta(kommentar, RADLANGD) if kommentar else "Ingen kommentar."
    return html.Li([
        html.Div([html.Span(kod, className="agenda-kod") if visa_kod else None, marke,
                  html.Span(titel, className="agendarad-titel", title=forkorta(titel, RADLANGD)),
                  html.Span("exempel", className="badge text-bg-warning", title=EXEMPEL) if exempel else None],
                 className="agendarad-huvud"),
        html.Div(kommentar, className="agendarad-kommentar", title=kommentar),
    ], className="agendarad" + ("" if visa_kod else " utan-kod"), **{"data-kod": kod, "data-skal": skal or ""})


def agendadel(rubrik: str, rader: list, ovrigt: str, id_: str) -> html.Section:
    """En del av bilden (åtgärder, indikatorer …): raderna som behöver styrelsen och resten räknat."""
    return html.Section([
        html.H2([rubrik, html.Span(f": {len(rader)} att ta upp", className="agenda-antal") if rader else None],
                className="agenda-rubrik"),
        html.Ol(rader, className="agendalista list-unstyled mb-1") if rader else None,
        html.P(ovrigt, className="agenda-ovrigt mb-0"),
    ], className="agendadel", id=id_, **{"data-antal": str(len(rader))})


# --- Målområdet ---

def _atgardskommentar(r) -> str:
    """Kort skäl till en härledd Försenad (tidpunkten passerad; hela skälet i märkets title), sedan
    rapportens kommentar."""
    skal = ""
    if _t(r.status_skal) and _ok(r.forfallodatum):
        rapp = _t(r.rapporterad_status)
        skal = f"Tidpunkten passerade {fmt.datum(r.forfallodatum)}" + (
            f" (rapport: {rapp})" if rapp and rapp != r.status else " utan rapport" if not rapp else "")
    return " – ".join(x for x in (skal, _t(r.kommentar)) if x)


def kort_titel(titel: str, kommun: str | None) -> str:
    """Målområdets titel utan "<kommun> ska " (som på översiktens bild): "Vara en trygg … kommun"."""
    t = titel.removeprefix(f"{kommun} ska ") if kommun else titel
    return t[:1].upper() + t[1:]


def atgardsdel(atg: pd.DataFrame, rubrik: str = "Åtgärder") -> html.Section:
    """Åtgärder Försenad, Pågår med avvikelse eller förfallna utan rapport; resten räknat per status."""
    har = atg.rapporterad_status.notna() if "rapporterad_status" in atg else pd.Series(True, index=atg.index)
    skal = [av.atgard(s, bool(h)) for s, h in zip(atg.status, har)]
    med = atg.assign(skal_=skal, rang_=[av.rang(s) for s in skal])
    upp = med[med.skal_.notna()].sort_values("rang_", kind="stable")
    rader = [agendarad(r.kod, _t(r.text), statusmarke(r.status, _t(r.status_skal) or r.status),
                       _atgardskommentar(r), bool(r.exempel), r.skal_) for r in upp.itertuples()]
    ovr = av.ovriga(med[med.skal_.isna()].status)
    return agendadel(rubrik, rader, av.ovrigt_text(ovr, "atgarder", len(rader)), "agenda-atgarder")


def _indikatorkommentar(r) -> str:
    enhet = _t(r.mattenhet)
    delar = []
    if _ok(r.utfall_varde):
        delar.append(f"Utfall {fmt.med_enhet(r.utfall_varde, enhet)}")
    elif _t(r.utfall_text):
        delar.append(f"Utfall {_t(r.utfall_text)}")
    mal = getattr(r, f"mal_{r.ar}", None) if _ok(r.ar) else None
    if _ok(mal):
        delar.append(f"mål {fmt.med_enhet(mal, enhet)}")
    if _ok(r.foregaende_varde) and r.trend == "sämre":
        delar.append(f"förut {fmt.med_enhet(r.foregaende_varde, enhet)} i {r.foregaende_period}")
    kommentar = _t(r.utfall_kommentar)
    return " · ".join(delar) + (f" – {kommentar}" if kommentar else "")


def indikatordel(ind: pd.DataFrame, ar: int | None, rubrik: str = "Indikatorer",
                 id_: str = "agenda-indikatorer") -> html.Section:
    """Indikatorer Ej uppnått eller sämre än förra perioden; resten räknat per status."""
    trend = ind.trend if "trend" in ind else pd.Series("", index=ind.index)
    skal = [av.indikator(s, t if isinstance(t, str) else "") for s, t in zip(ind.status, trend)]
    med = ind.assign(skal_=skal, rang_=[av.rang(s) for s in skal], ar=ar)
    upp = med[med.skal_.notna()].sort_values("rang_", kind="stable")
    rader = [agendarad(r.kod, _t(r.namn), statusmarke(r.status, _t(r.status_skal) or r.status),
                       _indikatorkommentar(r), bool(r.exempel), r.skal_) for r in upp.itertuples()]
    ovr = av.ovriga(med[med.skal_.isna()].status, INDIKATORSTATUS_ALLA)
    return agendadel(rubrik, rader, av.ovrigt_text(ovr, "indikatorer", len(rader)), id_)


def inriktningsmalsdel(im: pd.DataFrame, rubrik: str) -> html.Section:
    """Inriktningsmål som inte är uppfyllda enligt bedömningen; resten räknat per bedömning."""
    skal = [av.inriktningsmal(b) for b in im.bedomning]
    med = im.assign(skal_=skal)
    upp = med[med.skal_.notna()]
    exempel = [bool(x) if _ok(x) else False for x in upp.exempel] if "exempel" in upp else [False] * len(upp)
    rader = [agendarad(str(r.nr), _t(r.titel), statusmarke(r.bedomning, _t(r.motivering) or r.bedomning),
                       _t(r.motivering), e, r.skal_) for r, e in zip(upp.itertuples(), exempel)]
    ovr = av.ovriga(med[med.skal_.isna()].bedomning, BEDOMNINGAR + (EJ_RAPPORTERAD,))
    return agendadel(rubrik, rader, av.ovrigt_text(ovr, "inriktningsmal", len(rader)), "agenda-inriktningsmal")


def bildhuvud(kicker: str, titel: str, status: list, hela: dcc.Link) -> html.Div:
    """Bildens huvud: vad det är, rubriken, sammanfattningen och länken till hela sidan."""
    return html.Div([
        html.Div([html.P(kicker, className="agenda-kicker mb-0"), hela], className="agenda-overrad"),
        html.H1(titel, className="sidrubrik agenda-titel"),
        html.Div(status, className="agenda-status") if status else None,
    ], className="agendahuvud")


def malomradesbild(kicker: str, titel: str, status: list, hela: dcc.Link, atg: pd.DataFrame, ind: pd.DataFrame,
                   im: pd.DataFrame, ar: int | None, im_rubrik: str) -> html.Div:
    """Målområdet på dagordningen: sammanfattningen, avvikelserna och resten räknat."""
    return html.Div([
        bildhuvud(kicker, titel, status, hela),
        atgardsdel(atg),
        indikatordel(ind, ar),
        inriktningsmalsdel(im, im_rubrik),
    ], className="agenda agenda-malomrade")


# --- Arbetsgivaren, särskilda uppdrag, budgeten ---

def enkel_bild(kicker: str, titel: str, hela: dcc.Link, *delar, status: list | None = None) -> html.Div:
    return html.Div([bildhuvud(kicker, titel, status or [], hela), *delar], className="agenda")


def textdel(rubrik: str, poster: Iterable[tuple[str, str, str]], id_: str) -> html.Section:
    """Poster utan status (särskilda uppdrag): titel och en rad text var."""
    rader = [html.Li([html.Div(html.Span(t, className="agendarad-titel", title=t), className="agendarad-huvud"),
                      html.Div(forkorta(text, RADLANGD) or "Planen anger ingen inriktning.",
                               className="agendarad-kommentar", title=forkorta(text, RADLANGD))],
                     className="agendarad utan-kod", **{"data-kod": kod}) for kod, t, text in poster]
    return html.Section([html.H2(rubrik, className="agenda-rubrik"),
                         html.Ol(rader, className="agendalista list-unstyled mb-1")],
                        className="agendadel", id=id_)


def _budgetkommentar(r: dict, enhet: str) -> str:
    delar = [f"Prognos {belopp_med_enhet(r['prognos'], enhet)}" if _ok(r.get("prognos")) else None,
             f"budget {belopp_med_enhet(r['budget'], enhet)}" if _ok(r.get("budget")) else None,
             f"avvikelse {belopp_med_enhet(r['avvikelse'], enhet)}" + (
                 f" ({fmt.procent(r['avvikelse_procent'], 1)})" if _ok(r.get("avvikelse_procent")) else "")
             if _ok(r.get("avvikelse")) else None]
    text = " · ".join(d for d in delar if d)
    return text + (f" – {_t(r.get('kommentar'))}" if _t(r.get("kommentar")) else "")


def budgetdel(df: pd.DataFrame, rubrik: str, enhet: str, id_: str) -> html.Section:
    """Budgetposter med prognosticerat underskott; resten räknat per budgetstatus."""
    rader, ovr = [], []
    for r in df.to_dict("records"):
        skal = av.budgetrad(r["status"])
        if skal:
            rader.append(agendarad(r["post"], r["post"], budgetmarke(r["status"], _t(r.get("status_skal"))),
                                   _budgetkommentar(r, enhet), bool(r.get("exempel")), skal, visa_kod=False))
        else:
            ovr.append(r["status"])
    text = av.ovrigt_text(av.ovriga(ovr, tuple(BUDGETSTATUS_STIL)), "budget", len(rader),
                          {k: v[2] for k, v in BUDGETSTATUS_STIL.items()})
    return agendadel(rubrik, rader, text, id_)


def investeringsrad(df: pd.DataFrame, enhet: str) -> html.P | None:
    """Investeringarna i en rad: summans budget, utfall hittills och prognos (genomförandegrad)."""
    summa = df[df.typ == "summa"]
    if summa.empty or not summa.rapporterad.any():
        return html.P("Investeringar: ingen prognos rapporterad för perioden.", className="agenda-ovrigt")
    r = summa.iloc[0]
    delar = [f"budget {belopp_med_enhet(r.budget, enhet)}" if _ok(r.budget) else None,
             f"utfall hittills {belopp_med_enhet(r.utfall, enhet)} ({fmt.procent(r.genomforandegrad, 0)})"
             if _ok(r.utfall) and _ok(r.genomforandegrad) else None,
             f"prognos {belopp_med_enhet(r.prognos, enhet)} ({fmt.procent(r.prognosgrad, 0)} av budget)"
             if _ok(r.prognos) and _ok(r.prognosgrad) else None]
    return html.P([html.Span("Investeringar: ", className="fw-semibold"), " · ".join(d for d in delar if d),
                   html.Span(" exempel", className="badge text-bg-warning ms-2", title=EXEMPEL)
                   if bool(r.exempel) else None], className="agenda-ovrigt agenda-investeringar")
