"""Export till Excel i appen: webbvägen GET /export/malkoll.xlsx och knappens callback.

Filen börjar med understreck, så Dash Pages registrerar den inte som sida. Callbacken
registreras när modulen importeras; webbvägen när app.py anropar `registrera(app)` (Dash-appen
eller dess Flask-server).
Själva exporten (blad, kolumner, format) finns i data/export.py.
"""
from __future__ import annotations

import logging

from dash import Input, Output, State, callback, dcc
from dash.exceptions import PreventUpdate

from data.utdata import delarsrapport, export, sammantrade
from data.uppfoljning import fragor
from data.uppfoljning.urval import Urval
from komponenter import ids
from komponenter.export import KNAPP, NEDLADDNING
from sidor import _sammantrade

log = logging.getLogger(__name__)

VAG = "/export/malkoll.xlsx"
RAPPORTVAGAR = {"docx": "/export/delarsrapport.docx", "pdf": "/export/delarsrapport.pdf"}


def urval_for(sokvag: str | None, search: str | None) -> Urval:
    """Sidans sökväg och query-sträng → vad som ska exporteras (samma urval som sidan visar).

    / → hela planen; /malomrade/<nr> → målområdets åtgärder och indikatorer; /arbetsgivare →
    HR-indikatorerna; /budget → budgetbladen.
    """
    return Urval.fran_sok(search, sokvag)


@callback(Output(NEDLADDNING, "data"),
          Input(KNAPP, "n_clicks"),
          State(ids.PLATS, "pathname"),
          State(ids.PLATS, "search"),
          prevent_initial_call=True)
def exportera_sidan(n_clicks, sokvag, search):
    """Knappen: exportera det sidan visar, med sidans filter, som .xlsx."""
    if not n_clicks:
        raise PreventUpdate
    try:
        return nedladdning(sokvag, search)
    except Urvalsfel as e:
        log.info("Exporten vägrades: %s", e)
        raise PreventUpdate from e


class Urvalsfel(ValueError):
    """Urvalet har värden som planen inte känner: exporten görs inte (hellre inget än allt)."""


def nedladdning(sokvag: str | None, search: str | None) -> dict:
    """dcc.Download-data för sidan: .xlsx med sidans vy och filter (base64, filnamn, typ).
    Ett okänt värde i urvalet ger Urvalsfel, som webbvägens 400."""
    u = urval_for(sokvag, search)
    if u.sammantrade:
        try:
            s = _sammantrade.hitta(u.plan, u.sammantrade)
        except sammantrade.Sammantradesfel as e:
            raise Urvalsfel(str(e)) from e
        e = sammantrade.export(s, sokvag, u.belopp)
        return dcc.send_bytes(e.innehall, e.filnamn, type=export.MIMETYP)
    u = fragor.normalisera_urval(u)
    fel = u.fel + fragor.kontrollera_urval(u)
    if fel:
        raise Urvalsfel("; ".join(fel))
    e = export.bygg(u, fragor.los_plan(u.plan))   # kanten: urvalets plan, annars standardplanen
    return dcc.send_bytes(e.innehall, e.filnamn, type=export.MIMETYP)


def _sammantradet():
    """Webbvägens sammanträde (?sammantrade=), None utan; Sammantradesfel för ett okänt."""
    from flask import request
    nyckel = request.args.get("sammantrade")
    return _sammantrade.hitta(request.args.get("plan"), nyckel) if nyckel else None


def _felsvar(fel: list[str]):
    from flask import Response
    return Response("Felaktig begäran: " + "; ".join(fel) + "\n", status=400,
                    mimetype="text/plain", headers={"Content-Language": "sv"})


def registrera(app) -> None:
    """Lägg till GET /export/malkoll.xlsx på Flask-servern (eller Dash-appens `server`)."""
    from flask import Response, request

    server = getattr(app, "server", app)
    if "malkoll_export" in server.view_functions:
        return

    def hamta():
        try:
            s = _sammantradet()
        except sammantrade.Sammantradesfel as e:
            return _felsvar([str(e)])
        if s is not None:
            e = sammantrade.export(s, None, request.args.get("belopp"))
            return Response(e.innehall, mimetype=export.MIMETYP, headers={
                "Content-Disposition": f'attachment; filename="{e.filnamn}"',
                "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
        u = fragor.normalisera_urval(Urval.fran_fraga(request.args))
        fel = u.fel + fragor.kontrollera_urval(u)
        if fel:
            return Response("Felaktig begäran: " + "; ".join(fel) + "\n", status=400,
                            mimetype="text/plain", headers={"Content-Language": "sv"})
        e = export.bygg(u, fragor.los_plan(u.plan))
        return Response(e.innehall, mimetype=export.MIMETYP, headers={
            "Content-Disposition": f'attachment; filename="{e.filnamn}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        })

    server.add_url_rule(VAG, "malkoll_export", hamta, methods=["GET"])

    def rapport(format_: str):
        """Delårsrapporten med exportens query-parametrar; okända värden ger 400 som exporten. Med
        ?sammantrade= ur sammanträdets underlag."""
        try:
            s = _sammantradet()
        except sammantrade.Sammantradesfel as e:
            return _felsvar([str(e)])
        if s is not None:
            r = sammantrade.rapport(s, format_)
        else:
            u = fragor.normalisera_urval(Urval.fran_fraga(request.args))
            fel = u.fel + fragor.kontrollera_urval(u)
            if fel:
                return _felsvar(fel)
            r = delarsrapport.skapa(u, fragor.los_plan(u.plan), format_)
        return Response(r.innehall, mimetype=r.mimetyp, headers={
            "Content-Disposition": f'attachment; filename="{r.filnamn}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        })

    for format_, vag in RAPPORTVAGAR.items():
        server.add_url_rule(vag, f"malkoll_delarsrapport_{format_}", lambda f=format_: rapport(f), methods=["GET"])
