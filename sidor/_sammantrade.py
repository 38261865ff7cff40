"""Sammanträden vid sidornas kant: `?sammantrade=<datum>` visar sidorna som nämnden såg dem, och
sidbyggaren som ett nytt sammanträde spelar in (data/utdata/sammantrade.py).

Varje registrerad sidas layout slås in (`registrera(app)`): med `?sammantrade=` löses sammanträdet upp
(planen i URL:en eller standardplanen), förfrågan svarar ur dess underlag (cache.anvand_underlag),
periodens och filtrets värden blir sammanträdets, och sidan får etiketten "Som presenterat …".
Filen börjar med understreck: Dash Pages registrerar den inte som sida.
"""
from __future__ import annotations

import functools
import logging

import dash
from dash import dcc, html

from data.lagring import cache
from data.utdata import sammantrade
from data.uppfoljning import fragor
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.urval import Urval

log = logging.getLogger(__name__)

URVALETS = ("plan", "period", "enhet", "roll", "status")   # sammanträdets, inte URL:ens
INTE_FRYSTA = ("/404",)
VISNINGAR = ({}, {"visning": "mote"}, {"visning": "mote", "fokus": "avvikelser"})   # normal, sammanträde, avvikelser


def fraga_for(u: Urval) -> dict[str, str]:
    """Sidans query-parametrar för urvalets plan, period och filter (som Dash Pages ger dem)."""
    q = {"plan": u.plan, "period": u.period, "enhet": ",".join(u.enhet), "roll": u.roll,
         "status": ",".join(u.status)}
    return {k: v for k, v in q.items() if v}


def frysta_sidor() -> list[dict]:
    """Sidorna som ett sammanträde fryser: alla som inte beror på inloggningen."""
    return [p for p in dash.page_registry.values()
            if p.get("sidcache") is not False and p.get("path") not in INTE_FRYSTA]


def bygg_sidorna(u: Urval) -> None:
    """Bygg varje fryst sida för urvalet (varje målområde), i normal- och sammanträdesläge och som
    avvikelsedagordning."""
    from flask import has_request_context
    if not has_request_context():
        with dash.get_app().server.test_request_context("/"):
            return bygg_sidorna(u)
    nr = [str(n) for n in fragor.malomraden(fragor.los_plan(u.plan)).nr]
    for sida in frysta_sidor():
        layout = getattr(sida["layout"], "_malkoll_original", sida["layout"])
        if not callable(layout):
            continue
        varianter = [{"nr": n} for n in nr] if "<nr>" in (sida.get("path_template") or "") else [{}]
        for extra in varianter:
            for visning in VISNINGAR:
                layout(**extra, **fraga_for(u), **visning)


def etikett(s: sammantrade.Sammantradet, sokvag: str, query: dict) -> html.Div:
    """"Som presenterat <nämndens kortform> <datum>, dnr <diarienummer>" – och vägen tillbaka till aktuella data."""
    aktuell = Urval.fran_fraga({k: v for k, v in query.items() if k != "sammantrade"}, sokvag).till_sok()
    return html.Div([
        html.Span(s.etikett, className="fw-semibold"),
        html.Span(f" · period {s.period}" + (" · filter: " + ", ".join(s.urval.get("enhet") or [])
                                             if s.urval.get("enhet") else ""), className="small etikett-detalj"),
        html.Span(f" · fryst {s.skapad_lokal():%Y-%m-%d %H:%M}", className="small text-muted etikett-detalj"),
        dcc.Link("Visa aktuella data", href=sokvag + aktuell, className="ms-3 small alert-link"),
    ], className="alert alert-secondary sammantradesetikett py-2", role="note", id="sammantradesetikett",
        **{"data-sammantrade": str(s.id)})


def _fel(text: str) -> html.Div:
    return html.Div(html.P(text[:1].upper() + text[1:] + ".", className="mb-0"),
                    className="alert alert-danger sammantradesfel", role="alert", id="sammantradesfel")


def saknas() -> html.Div:
    return html.Div([html.H2(sammantrade.SAKNAS, className="h5"),
                     html.P("Sammanträdet frös det som sidorna visade för dess plan, period och filter. "
                            "Den här uppgiften var inte med, och den visas inte ur dagens data i stället.",
                            className="mb-0")],
                    className="alert alert-warning utanfor-underlaget", role="note", id="utanfor-underlaget")


def los_plan(kod: str | None) -> Plankontext:
    """Kanten: sammanträdets plan ur URL:en eller formuläret (None: standardplanen); Sammantradesfel för
    en plan som inte finns."""
    try:
        return fragor.los_plan(kod or None)
    except LookupError:
        kanda = ", ".join(fragor.planer().kod)
        raise sammantrade.Sammantradesfel(f"okänd plan ”{kod}”; välj bland: {kanda}") from None


def hitta(kod: str | None, nyckel: str) -> sammantrade.Sammantradet:
    """`?plan=&sammantrade=` vid kanten: planen upplöst, sedan sammanträdet (Sammantradesfel annars)."""
    return sammantrade.hitta(los_plan(kod), nyckel)


def med_sammantrade(layout, sokvag_for):
    """Sidans layout, som med `?sammantrade=` visar sammanträdets underlag (aldrig aktuella data)."""
    @functools.wraps(layout)
    def inre(**query):
        nyckel = query.get("sammantrade")
        if not nyckel:
            return layout(**query)
        sokvag = sokvag_for(query)
        plan = query.get("plan") if isinstance(query.get("plan"), str) else None
        try:
            s = hitta(plan, nyckel if isinstance(nyckel, str) else str(nyckel))
        except sammantrade.Sammantradesfel as e:
            return _fel(str(e))
        cache.anvand_underlag(s.underlag)
        q = {k: v for k, v in query.items() if k not in URVALETS}
        q.update(fraga_for(s.som_urval()))
        try:
            sida = layout(**q)
        except cache.UtanforUnderlaget as e:
            log.info("Sammanträde %s, %s: %s", s.id, sokvag, e)
            sida = saknas()
        return html.Div([etikett(s, sokvag, q), sida], className="sammantradessida")
    return inre


def registrera(app) -> None:
    """Slå in varje sidas layout (en gång)."""
    for sida in dash.page_registry.values():
        layout = sida.get("layout")
        if not callable(layout) or getattr(layout, "_malkoll_sammantrade", False):
            continue
        mall = sida.get("path_template")
        sokvag_for = ((lambda q, m=mall: m.replace("<nr>", str(q.get("nr", "")))) if mall
                      else (lambda q, p=sida["path"]: p))
        ny = med_sammantrade(layout, sokvag_for)
        ny._malkoll_sammantrade = True
        ny._malkoll_original = layout
        sida["layout"] = ny
