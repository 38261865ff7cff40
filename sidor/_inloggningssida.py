"""Inloggningssidan utan Dash, för MALKOLL_KRAV_INLOGGNING=ja: den som inte är inloggad får en
vanlig HTML-sida (formuläret postar till /logga-in, sidor/_inloggning.py) och Dash får aldrig en
anonym begäran – varken skalet (/_dash-layout, med planens namn och målområden), beroendena eller
något callbackanrop. Inloggade får Dash-sidan (sidor/logga_in.py) som vanligt.
Filen börjar med understreck: Dash Pages registrerar den inte.
"""
from __future__ import annotations

import logging
from html import escape

from data.lagring import installningar
from sidor import _inloggning, _oidc, _sakerhet

log = logging.getLogger(__name__)

VAG = "/logga-in"
SIDA = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Logga in – Målkoll</title>
<link rel="stylesheet" href="/assets/00_bootstrap.min.css"><link rel="stylesheet" href="/assets/malkoll.css">
</head><body><header class="sidhuvud"><div class="container-fluid d-flex align-items-center">
<span class="varumarke">Målkoll</span></div></header>
<main id="innehall" class="container my-4" style="max-width:28rem">
<h1 class="sidrubrik">Logga in</h1>
{besked}
<form action="/logga-in" method="post" id="inlogg-formular" class="inloggning">
<div class="mb-3"><label for="inlogg-anvandarnamn" class="form-label">Användarnamn</label>
<input id="inlogg-anvandarnamn" name="anvandarnamn" type="text" autocomplete="username" class="form-control" required></div>
<div class="mb-3"><label for="inlogg-losenord" class="form-label">Lösenord</label>
<input id="inlogg-losenord" name="losenord" type="password" autocomplete="current-password" class="form-control" required></div>
<input type="hidden" name="nasta" id="inlogg-nasta" value="{nasta}">
<button type="submit" class="btn btn-primary" id="inlogg-knapp">Logga in</button>
</form>
{sso}
<p class="text-muted mt-4">Målkoll på den här servern kräver inloggning.</p>
</main></body></html>
"""


def html_sida(fel: str | None = None, vanta: str | None = None, utloggad: str | None = None,
              nasta: str | None = None) -> str:
    """Inloggningssidan som HTML (allt som kommer från adressen skrivs ut som text)."""
    text, klass = _inloggning.besked(fel, vanta, utloggad)
    besked = f'<div class="alert alert-{klass}" role="{"status" if klass == "info" else "alert"}">{escape(text)}</div>' \
        if text else ""
    if _sakerhet.hemlighetsfel() is not None and fel != "nyckel":
        besked += f'<div class="alert alert-danger" role="alert">{escape(_inloggning.BESKED["nyckel"])}</div>'
    sso = ""
    if _oidc.pa():
        namn = escape(installningar.aktuella().oidc_namn)
        sso = (f'<div><hr><a href="/logga-in/oidc" class="btn btn-outline-primary" id="inlogg-sso">'
               f"Logga in med {namn}</a></div>")
    return SIDA.format(besked=besked, nasta=escape(_inloggning.sakert_mal(nasta), quote=True), sso=sso)


def registrera(app) -> None:
    """Före Dash: med krav på inloggning får den som inte är inloggad den här sidan på GET /logga-in."""
    from flask import Response, request
    server = getattr(app, "server", app)
    if server.extensions.get("malkoll_inloggningssida"):
        return
    server.extensions["malkoll_inloggningssida"] = True

    def _sida():
        if (request.path != VAG or request.method not in ("GET", "HEAD")
                or not installningar.aktuella().krav_inloggning or _inloggning._inloggad() is not None):
            return None
        a = request.args
        return Response(html_sida(a.get("fel"), a.get("vanta"), a.get("utloggad"), a.get("nasta")),
                        mimetype="text/html", headers={"Cache-Control": "no-store", "Content-Language": "sv"})

    fore = server.before_request_funcs.setdefault(None, [])
    plats = fore.index(_inloggning._fore) + 1 if _inloggning._fore in fore else 0
    fore.insert(plats, _sida)   # direkt efter inloggningskontrollen, före Dashs egna steg
