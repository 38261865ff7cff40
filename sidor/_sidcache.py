"""Färdiga sidor: Dash Pages-anropet som ritar en sida (`_pages_content.children`) sparas som det
serialiserade svaret, per (databas, generation, sökväg, sökparametrar, dag). Samma anrop igen
– på vilken server som helst – skickar de sparade byten utan att bygga komponentträdet, figurerna
eller JSON:en på nytt. En import ger en ny generation och därmed nya nycklar (data/cache.py).

Sidor som beror på inloggningen cachas aldrig: de som registreras med `sidcache=False`
(/rapportera, /logga-in, /andringslogg) slås inte ens upp, och ett svar vars byggande frågade vem
som är inloggad (sidor/_inloggning.aktuell) sparas inte – så att en administratörs sida aldrig
skickas till någon annan. MALKOLL_CACHE=av stänger av. Filen börjar med understreck: Dash Pages registrerar den inte.
"""
from __future__ import annotations

import datetime as dt
import json
import logging

import dash

from data.lagring import cache, installningar
from data.uppfoljning import fragor
from sidor._inloggning import BEROR_PA_INLOGGNING

log = logging.getLogger(__name__)

TILLAGG = "malkoll_sidcache"
UTDATA = "_pages_content.children"
TRAFF_HUVUD = "X-Malkoll-Sidcache"


def _ocachade_vagar() -> set[str]:
    return {p["path"] for p in dash.page_registry.values() if p.get("sidcache") is False} | {
        p.get("path_template") for p in dash.page_registry.values() if p.get("sidcache") is False}


def _nyckel(kropp: dict, prefix: str) -> str | None:
    """Nyckeln för ett sidanrop, eller None när anropet inte ska cachas."""
    if not isinstance(kropp, dict) or UTDATA not in str(kropp.get("output", "")):
        return None
    inputs = kropp.get("inputs") or []
    sokvag = next((i.get("value") for i in inputs if isinstance(i, dict) and i.get("property") == "pathname"), None)
    if not isinstance(sokvag, str):
        return None
    relativ = "/" + sokvag[len(prefix):].lstrip("/") if sokvag.startswith(prefix) else sokvag
    if relativ.rstrip("/") in {v.rstrip("/") for v in _ocachade_vagar() if v}:
        return None
    delar = json.dumps([kropp.get("output"), inputs, kropp.get("state") or []], sort_keys=True, ensure_ascii=False)
    # Standardplanen och standardperioden upplösta: en sida utan ?plan= beror på dem (två processer med
    # olika MALKOLL_STANDARDPLAN som delar lager får olika nycklar)
    standard = (fragor.standardplan(), installningar.aktuella().standardperiod)
    return cache.sidnyckel(delar, standard, dt.date.today().isoformat())


def registrera(app) -> None:
    """Slå på sidcachen för Dash-appen. Idempotent."""
    from flask import Response, g, request

    server = app.server
    if server.extensions.get(TILLAGG):
        return
    server.extensions[TILLAGG] = True
    prefix = app.config.routes_pathname_prefix or "/"
    vag = prefix + "_dash-update-component"

    @server.before_request
    def _hamta_sida():
        if request.method != "POST" or request.path != vag or cache.avstangd():
            return None
        nyckel = _nyckel(request.get_json(silent=True), prefix)
        if nyckel is None:
            return None
        data = cache.hamta_sida(nyckel)
        if data is not None:
            return Response(data, mimetype="application/json", headers={TRAFF_HUVUD: "traff"})
        g.malkoll_sidnyckel = nyckel
        # Dash bygger skalet (med kontorutan) en gång vid processens första begäran, i sin egen
        # before_request före den här. Det är inte sidans svar: bara det som sidan själv frågar om
        # inloggningen ska hindra att den sparas (annars sparades aldrig en arbetares första sida).
        g.pop(BEROR_PA_INLOGGNING, None)
        return None

    @server.after_request
    def _spara_sida(resp):
        nyckel = g.pop("malkoll_sidnyckel", None)
        if nyckel and g.get(BEROR_PA_INLOGGNING):
            log.debug("Sidan beror på inloggningen och sparas inte")
            return resp
        if nyckel and resp.status_code == 200 and resp.mimetype == "application/json" and not resp.is_streamed:
            cache.spara_sida(nyckel, resp.get_data())
            resp.headers[TRAFF_HUVUD] = "miss"
        return resp
