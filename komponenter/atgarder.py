"""Åtgärdslistan: grupperad under uppdrag (KF-uppdrag först, sedan nämndens egna initiativ), en rad per
åtgärd med trafikljus, statusord, förväntad effekt, enheter, tidpunkt och senaste kommentar.
Allt står som text på sidan (styrelsen läser det på väggen). Rena byggare – inga databasanrop.
"""
from __future__ import annotations

import pandas as pd
from dash import html

from data.uppfoljning.namnd import KF_UPPDRAG, Namnd
from komponenter.mote import forandringspil
from komponenter.text import fritext
from komponenter.trafikljus import statusmarke

EXEMPEL = "Exempeldata – inte kommunens rapportering"


def _text(x) -> str:
    return x if isinstance(x, str) else ""


def _kalla(r) -> list:
    delar = []
    if bool(r.exempel):
        delar.append(html.Span("exempel", className="badge text-bg-warning me-1", title=EXEMPEL))
    if _text(r.kalla_url):
        delar.append(html.A("Källa", href=r.kalla_url, target="_blank", rel="noopener noreferrer",
                            title=r.kalla_url))
    return delar


def atgardsrad(r, andr: tuple[str, str | None, bool] | None = None) -> html.Tr:
    kommentar = [fritext(_text(r.kommentar))] if _text(r.kommentar) else []
    if _text(r.status_skal):
        kommentar.append(html.Div(r.status_skal, className="status-skal"))
    if _text(getattr(r, "rapportperiod", None)) and r.rapportperiod != r.period:
        kommentar.append(html.Div(f"Rapporterad {r.rapportperiod}.", className="text-muted small"))
    kommentar += _kalla(r)
    return html.Tr([
        html.Td([statusmarke(r.status, r.status_skal or r.status), forandringspil(*andr) if andr else None],
                className="col-status", **{"data-etikett": "Status"}),
        html.Td([html.Span(r.kod, className="atgard-kod"), " ", _text(r.text)], className="col-atgard",
                **{"data-etikett": "Åtgärd"}),
        html.Td(_text(r.effekt), className="col-effekt", **{"data-etikett": "Förväntad effekt"}),
        html.Td([html.Div(_text(r.ansvar)),
                 html.Div(r.enheter, className="enhetskoder", title="Enheter (kanoniska koder)") if r.enheter else None],
                className="col-ansvar", **{"data-etikett": "Ansvarig enhet"}),
        html.Td(_text(r.tidpunkt), className="col-tidpunkt", **{"data-etikett": "Tidpunkt"}),
        html.Td(kommentar or html.Span("–", title="Ingen kommentar"), className="col-kommentar",
                **{"data-etikett": "Kommentar"}),
    ], className=f"atgardsrad", **{"data-kod": r.kod, "data-status": r.status})


TABELLHUVUD = html.Thead(html.Tr([
    html.Th("Status", scope="col"), html.Th("Åtgärd", scope="col"),
    html.Th("Förväntad effekt", scope="col"), html.Th("Ansvarig enhet", scope="col"),
    html.Th("Tidpunkt", scope="col"), html.Th("Kommentar", scope="col")]))


def uppdragsblock(upp: pd.DataFrame, namnd: Namnd, andr: dict | None = None) -> html.Section:
    forsta = upp.iloc[0]
    rubrik = f"{forsta.uppdragstyp}: {forsta.uppdrag}"
    return html.Section([
        html.H4(rubrik, className="uppdrag-rubrik", id=f"uppdrag-{forsta.uppdrag_kod}"),
        html.Details([html.Summary(namnd.text("tolkning_uppdrag")), html.P(_text(forsta.uppdrag_tolkning))],
                     className="tolkning mb-2") if _text(forsta.uppdrag_tolkning) else None,
        html.Div(html.Table([TABELLHUVUD, html.Tbody([atgardsrad(r, (andr or {}).get(r.kod)) for r in upp.itertuples()])],
                            className="table atgardstabell align-top"), className="table-responsive"),
    ], className="uppdrag mb-4 bild", **{"data-uppdrag": forsta.uppdrag_kod})


def atgardslista(df: pd.DataFrame, namnd: Namnd, andr: dict | None = None) -> html.Div:
    """Alla åtgärder i df, grupperade under sina uppdrag i DataFrame-ordning (KF först), med
    planens rubriker (namnd: planens nämnd och texter).
    andr: kod → (förändring, föregående status) sedan föregående period."""
    if df.empty:
        return html.Div(html.P("Inga åtgärder matchar filtret.", className="fst-italic"))
    block = []
    kf = df.uppdragstyp == KF_UPPDRAG
    for urval, rubrik in ((kf, namnd.text("uppdrag_fran_kf")), (~kf, namnd.text("egna_initiativ"))):
        del_ = df[urval]
        if del_.empty:
            continue
        block.append(html.H3(rubrik, className="h5 mt-3 text-uppercase"))
        for _, upp in del_.groupby("uppdrag_kod", sort=False):
            block.append(uppdragsblock(upp, namnd, andr))
    return html.Div(block, className="atgardslista")
