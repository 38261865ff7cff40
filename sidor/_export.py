"""Export till Excel i appen: webbvägen GET /export/malkoll.xlsx och knappens callback.

Filen börjar med understreck, så Dash Pages registrerar den inte som sida. Callbacken
registreras när modulen importeras; webbvägen när app.py anropar `registrera(app)` (Dash-appen
eller dess Flask-server).
Själva exporten (blad, kolumner, format) finns i data/export.py.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs

from dash import Input, Output, State, callback, dcc
from dash.exceptions import PreventUpdate

from data import export
from komponenter import ids
from komponenter.export import KNAPP, NEDLADDNING
from komponenter.filter import las_fraga

VAG = "/export/malkoll.xlsx"
_MALOMRADE = re.compile(r"/malomrade/([^/]+)/?$")


def urval_for(sokvag: str | None, search: str | None) -> export.Urval:
    """Sidans sökväg och query-sträng → vad som ska exporteras (samma filter som sidan visar).

    / → hela planen; /malomrade/<nr> → målområdets åtgärder och indikatorer; /arbetsgivare →
    HR-indikatorerna; /budget → budgetbladen; annat (och okänt målområde) → hela planen.
    """
    q = {k: (v[0] if len(v) == 1 else v) for k, v in parse_qs((search or "").lstrip("?")).items()}
    f = las_fraga(q)
    vag = (sokvag or "/").rstrip("/") or "/"
    vy, nr = "plan", None
    m = _MALOMRADE.search(vag)
    if m:
        try:
            n = int(m.group(1))
        except ValueError:
            n = None
        if n is not None and 1 <= n <= 7:
            vy, nr = "malomrade", n
    elif vag.endswith("/arbetsgivare"):
        vy = "arbetsgivare"
    elif vag.endswith("/budget"):
        vy = "budget"
    return export.Urval(vy, nr, f.enhet, f.roll, f.period, f.status)


@callback(Output(NEDLADDNING, "data"),
          Input(KNAPP, "n_clicks"),
          State(ids.PLATS, "pathname"),
          State(ids.PLATS, "search"),
          prevent_initial_call=True)
def exportera_sidan(n_clicks, sokvag, search):
    """Knappen: exportera det sidan visar, med sidans filter, som .xlsx."""
    if not n_clicks:
        raise PreventUpdate
    return nedladdning(sokvag, search)


def nedladdning(sokvag: str | None, search: str | None, url: str | None = None) -> dict:
    """dcc.Download-data för sidan: .xlsx med sidans vy och filter (base64, filnamn, typ)."""
    e = export.bygg(urval_for(sokvag, search), url=url)
    return dcc.send_bytes(e.innehall, e.filnamn, type=export.MIMETYP)


def _fraga_till_urval(args) -> tuple[export.Urval, list[str]]:
    """Webbvägens query-parametrar (som sidornas URL:er) → urval för hela planen (och angivna roller)."""
    roll = [r for r in args.getlist("roll") if r]
    return export.Urval("plan", None, args.getlist("enhet"), roll[-1] if roll else None,
                        (args.getlist("period") or [None])[-1], args.getlist("status")), roll


def registrera(app) -> None:
    """Lägg till GET /export/malkoll.xlsx på Flask-servern (eller Dash-appens `server`)."""
    from flask import Response, request

    server = getattr(app, "server", app)
    if "malkoll_export" in server.view_functions:
        return

    def hamta():
        u, roll = _fraga_till_urval(request.args)
        fel = export.kontrollera(u)
        if roll and roll[-1] != "ansvarig":
            fel.insert(0, f"okänd roll ”{roll[-1]}”; den enda rollen är ”ansvarig”")
        if fel:
            return Response("Felaktig begäran: " + "; ".join(fel) + "\n", status=400,
                            mimetype="text/plain", headers={"Content-Language": "sv"})
        e = export.bygg(u)
        return Response(e.innehall, mimetype=export.MIMETYP, headers={
            "Content-Disposition": f'attachment; filename="{e.filnamn}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        })

    server.add_url_rule(VAG, "malkoll_export", hamta, methods=["GET"])
