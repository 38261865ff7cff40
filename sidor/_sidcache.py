"""Färdiga sidor: Dash Pages-anropet som ritar en sida (`_pages_content.children`) sparas som det
serialiserade svaret, per (databas, generation, sökväg, sökparametrar, dag). Samma anrop igen
– på vilken server som helst – skickar de sparade byten utan att bygga komponentträdet, figurerna
eller JSON:en på nytt. En import ger en ny generation och därmed nya nycklar (data/cache.py).

Sidor som beror på inloggningen cachas aldrig: de som registreras med `sidcache=False`
(/rapportera, /logga-in, /andringslogg) slås inte ens upp, och ett svar vars byggande frågade vem
som är inloggad (sidor/_inloggning.aktuell) sparas inte – så att en administratörs sida aldrig
skickas till någon annan. MALKOLL_CACHE=av stänger av. Filen börjar med understreck: Dash Pages registrerar den inte.

Bara kanoniska adresser sparas (issue 21, fynd 4): en känd sida, kända parametrar (var och en en gång)
i Urvalets ordning (`Urval.till_sok`), värden som planen känner, listor sorterade och högst tre
enheter; nyckeln är den kanoniska sökdelen, så teckenkodningen (%20, +, %2F) ger ingen ny nyckel. En påhittad
adress visas som vanligt men sparas aldrig, så antalet sparade sidor är begränsat av planen – och
lagret har dessutom en storleksgräns (MALKOLL_LAGER_MB; Redis: maxmemory, docs/drift.md).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections import OrderedDict

import dash

from data.lagring import cache, db, installningar
from data.uppfoljning.urval import Urval
from sidor._inloggning import BEROR_PA_INLOGGNING

log = logging.getLogger(__name__)

TILLAGG = "malkoll_sidcache"
UTDATA = "_pages_content.children"
TRAFF_HUVUD = "X-Malkoll-Sidcache"


# Sidanropets indata i den ordning Dash binder dem (efter plats, inte efter namn)
INDATA = (("_pages_location", "pathname"), ("_pages_location", "search"))
MAX_ENHETER = 3          # fler valda enheter än så: sidan visas men sparas inte
_kanda: OrderedDict[tuple, str | None] = OrderedDict()   # (databas, generation, sökväg, sök) → kanonisk sökdel
_kandalas = threading.Lock()


def _sidvagar() -> tuple[set[str], list[re.Pattern]]:
    """Sökvägarna till sidor som får sparas: de fasta och mallarna (/malomrade/<nr>)."""
    fasta, mallar = set(), []
    for p in dash.page_registry.values():
        if p.get("sidcache") is False:
            continue
        if p.get("path_template"):
            mallar.append(re.compile("^" + re.sub(r"<[^>]+>", "[^/]+", p["path_template"]) + "$"))
        else:
            fasta.add(p["path"])
    return fasta, mallar


ORDNING = ("plan", "enhet", "roll", "period", "status", "belopp", "visning", "fokus")   # som Urval.till_sok


def _kanonisk(sokvag: str, sok: str) -> str | None:
    """Adressens kanoniska sökdel när (sökväg, sök) är en adress som sidorna själva skriver: en känd
    sida, bara kända parametrar, var och en en gång och i Urvalets ordning, värden som planen känner i
    planens stavning, listor sorterade och korta. Annars None: sidan visas men sparas inte – så att
    ingen kan fylla lagret med påhittade adresser. (Kodningen av tecknen spelar ingen roll: %20, + och
    %2F ger samma nyckel.)"""
    from urllib.parse import parse_qsl

    from data.uppfoljning import fragor
    fasta, mallar = _sidvagar()
    if sokvag not in fasta and not any(m.match(sokvag) for m in mallar):
        return None
    try:
        par = parse_qsl(sok.removeprefix("?"), keep_blank_values=True, strict_parsing=bool(sok.strip("?")))
    except ValueError:
        return None
    namn = [k for k, _ in par]
    if (len(set(namn)) != len(namn) or any(k not in ORDNING or not v for k, v in par)
            or namn != sorted(namn, key=ORDNING.index)):
        return None
    u = Urval.fran_sok(sok, sokvag)
    if u.fel or u.ovrigt or u.visning not in (None, "mote") or u.belopp not in (None, "mnkr"):
        return None
    if len(u.enhet) > MAX_ENHETER or u.enhet != sorted(u.enhet) or u.status != sorted(u.status):
        return None
    if fragor.kontrollera_urval(u) or fragor.normalisera_urval(u) != u:
        return None
    return u.till_sok()


def _kanonisk_minns(sokvag: str, sok: str) -> str | None:
    """`_kanonisk`, ihågkommen per databasgeneration i processens minne (högst 4096 svar)."""
    k = (db.databas_url(), cache.generation(), sokvag, sok)
    with _kandalas:
        if k in _kanda:
            return _kanda[k]
    svar = _kanonisk(sokvag, sok)
    with _kandalas:
        _kanda[k] = svar
        while len(_kanda) > 4096:
            _kanda.popitem(last=False)
    return svar


def _nyckel(kropp: dict, prefix: str, utdata: str | None) -> str | None:
    """Nyckeln för ett sidanrop, eller None när anropet inte ska cachas: bara Dash Pages-anropet med
    exakt sökvägen och sökparametrarna som indata, i Dashs ordning, utan state, och en kanonisk adress."""
    if not isinstance(kropp, dict) or utdata is None or kropp.get("output") != utdata:
        return None
    inputs = kropp.get("inputs")
    if (not isinstance(inputs, list) or len(inputs) != len(INDATA) or kropp.get("state")
            or any(not isinstance(i, dict) or (i.get("id"), i.get("property")) != f for i, f in zip(inputs, INDATA))):
        return None
    sokvag, sok = inputs[0].get("value"), inputs[1].get("value") or ""
    if not isinstance(sokvag, str) or not isinstance(sok, str) or not sokvag.startswith(prefix) or len(sok) > 500:
        return None
    relativ = "/" + sokvag[len(prefix):]
    kanonisk = _kanonisk_minns(relativ, sok)
    if kanonisk is None:
        return None
    # Sidans plan upplöst (som sidan gör den, _gemensamt.valj_plan) och standardperioden: en sida utan
    # ?plan= beror på standardplanen (två processer med olika MALKOLL_STANDARDPLAN som delar lager får
    # olika nycklar)
    from data.uppfoljning import fragor
    kod = Urval.fran_sok(sok).plan
    plan = fragor.los_plan(kod if kod and kod in set(fragor.planer().kod) else None)
    standard = (repr(plan), installningar.aktuella().standardperiod)
    return cache.sidnyckel(relativ, kanonisk, standard, dt.date.today().isoformat())


def _sidanropets_utdata(app) -> str | None:
    """Utdata-id:t för Dash Pages-anropet som ritar sidan (som Dash skriver det i callback-kartan)."""
    return next((k for k in app.callback_map if UTDATA in k), None)


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
        nyckel = _nyckel(request.get_json(silent=True), prefix, _sidanropets_utdata(app))
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
