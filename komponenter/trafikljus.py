"""Trafikljus/statusmärke: symbol + ord + färg, aldrig färg ensam."""
from __future__ import annotations

from dash import html

from komponenter.tema import status_stil


def statusmarke(status: str, forklaring: str = "", id_=None) -> html.Span:
    """Ett märke med symbol och statusord. `forklaring` visas vid hovring (title) och läses upp."""
    bg, fg, symbol, klass = status_stil(status)
    barn = [html.Span(symbol, className="status-symbol", **{"aria-hidden": "true"}), " ", status]
    kw = {"id": id_} if id_ else {}
    return html.Span(barn, className=f"statusmarke status-{klass}", title=forklaring or status,
                     style={"backgroundColor": bg, "color": fg}, **kw)


def statusrad(antal: dict[str, int], etikett: str = "") -> html.Div:
    """Antal per status som text (för skärmläsare och utskrift), i statusordning, nollor utelämnas."""
    delar = [html.Span([statusmarke(s), html.Span(f" {n}", className="status-antal")], className="me-2")
             for s, n in antal.items() if n]
    return html.Div(([html.Span(etikett, className="visually-hidden")] if etikett else []) + delar,
                    className="statusrad")
