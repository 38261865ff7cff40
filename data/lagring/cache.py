"""Delad cache för frågeresultat och färdiga sidor, per (databas, generation, fråga, argument) –
alltså per plan, period och filter.

Generationen är ett tal i databasen (tabellen cachegeneration) som räknas upp i samma
transaktion som varje ändring av data (import, inläsning, låsning). Varje begäran läser talet en
gång; nycklarna innehåller det. Därför visar ingen server eller arbetsprocess gamla värden efter en
import i en annan: de får en ny nyckel vid nästa begäran.

Var värdena ligger: data/lagring/delat.py (Redis med REDIS_URL, annars diskcache i en privat
katalog: MALKOLL_CACHE_DIR, eller installationens egen katalog i MALKOLL_DATA_DIR; 0700,
ägarkontrollerad, begränsad till MALKOLL_LAGER_MB). Värdena är JSON
(data/kodning.py), aldrig pickle. Svarar lagret inte läses allt från databasen (loggad varning).
MALKOLL_CACHE=av stänger av cachen.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import datetime as dt
import functools
import hashlib
import inspect
import logging
import threading
import uuid
from collections import OrderedDict
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select, update

from data.lagring import db, delat, installningar, kodning
from data.lagring.models import Cachegeneration

log = logging.getLogger(__name__)

TTL = 24 * 60 * 60            # ett svar lever högst ett dygn (nya generationer gör gamla oanvända)
MAX_I_PROCESSEN = 256          # färdiga sidor som också hålls i arbetsprocessens minne


def avstangd() -> bool:
    return not installningar.aktuella().cache


def lager():
    """Lagret för cachen: Redis när REDIS_URL är satt, annars det lokala lagret (data/lagring/delat.py:
    MALKOLL_CACHE_DIR, eller installationens katalog i MALKOLL_DATA_DIR)."""
    return delat.lager()


def _hamta(nyckel: str) -> bytes | None:
    return delat.hamta_sakert(nyckel, lager)


def _spara(nyckel: str, varde: bytes) -> None:
    delat.spara_sakert(nyckel, varde, TTL, lager)


def saker_rad(s) -> None:
    """Skapa generationsraden om den saknas (i den pågående transaktionen)."""
    if s.get(Cachegeneration, 1) is None:
        s.add(Cachegeneration(id=1, token=uuid.uuid4().hex, generation=0, andrad=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)))
        s.flush()


def rakna_upp(s) -> None:
    """Anropas i samma transaktion som en ändring: alla cachade svar blir inaktuella vid commit."""
    saker_rad(s)
    glom_begaran()
    s.execute(update(Cachegeneration).where(Cachegeneration.id == 1)
              .values(generation=Cachegeneration.generation + 1, andrad=func.now()))


def glom_begaran() -> None:
    """Glöm förfrågans generation och minne (efter en ändring i samma förfrågan)."""
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover
        return
    if has_request_context():
        g.pop("_malkoll_generation", None)
        g.pop("_malkoll_minne", None)


_GENERATION_SQL = "SELECT token, generation FROM cachegeneration WHERE id = 1"


def _las_generation() -> str:
    """En fråga, förberedd som text (att bygga ett ORM-uttryck per förfrågan kostade mer än frågan)."""
    with db.motor().connect() as c:
        rad = c.exec_driver_sql(_GENERATION_SQL).first()
    return f"{rad[0]}-{rad[1]}" if rad else "ingen"


def senast_andrad():
    """När data senast ändrades (generationens tid, UTC), eller None om den inte är känd."""
    with db.motor().connect() as c:
        rad = c.execute(select(Cachegeneration.andrad).where(Cachegeneration.id == 1)).first()
    return rad[0] if rad else None


def generation() -> str:
    """Processens databas generation, läst högst en gång per webbförfrågan."""
    url = db.databas_url()
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover
        has_request_context = lambda: False  # noqa: E731
    if has_request_context():
        cache = g.setdefault("_malkoll_generation", {})
        if url not in cache:
            cache[url] = _las_generation()
        return cache[url]
    return _las_generation()


def _i_begaran() -> dict | None:
    """Minnet för den pågående webbförfrågan (None utanför en förfrågan)."""
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover
        return None
    return g.setdefault("_malkoll_minne", {}) if has_request_context() else None


def _kopia(v):
    if isinstance(v, (pd.DataFrame, pd.Series)):
        return v.copy(deep=True)
    return copy.deepcopy(v)


def _argument(funktion, args, kw) -> str:
    """Argumenten i en form som inte beror på hur funktionen anropades (position/nyckelord,
    standardvärden)."""
    bundna = inspect.signature(funktion).bind(*args, **kw)
    bundna.apply_defaults()
    varden = dict(bundna.arguments)
    return repr(sorted(varden.items()))


def per_begaran(funktion):
    """Samma anrop (funktion, argument) räknas en gång per webbförfrågan – också med cachen av.
    Varje anropare får en egen kopia. (Ett sammanträdes underlag och aktuella data hålls isär.)"""
    @functools.wraps(funktion)
    def inre(*args, **kw):
        minne = _i_begaran()
        if minne is None:
            return funktion(*args, **kw)
        p = aktivt_underlag()
        nyckel = (funktion.__module__, funktion.__qualname__, _argument(funktion, args, kw),
                  p.id if p is not None else None)
        if nyckel not in minne:
            minne[nyckel] = funktion(*args, **kw)
        return _kopia(minne[nyckel])
    return inre


def _url_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


@functools.cache
def kodversion() -> str:
    """Kontrollsumma över appens källkod och assets (en gång per process). Ingår i varje nyckel, så
    att en ny version av koden aldrig får sidor eller frågesvar som en äldre version sparade (cachen
    överlever omstarter och delas mellan servrar, också under en utrullning)."""
    rot = Path(__file__).resolve().parents[2]
    h = hashlib.sha256()
    filer = [rot / "app.py"] + sorted(p for katalog in ("data", "komponenter", "sidor", "assets")
                                      for p in (rot / katalog).rglob("*")
                                      if p.is_file() and p.suffix in (".py", ".js", ".css", ".yaml", ".json"))
    for p in filer:
        if p.exists():
            h.update(str(p.relative_to(rot)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def cachad(funktion):
    """Dekorator för frågefunktioner. Nyckeln: processens databas, dess generation, koden och
    argumenten – som är upplösta värden (planen är en Plankontext, aldrig "standardplanen"). Inom en
    webbförfrågan räknas samma anrop bara en gång (per_begaran), också med cachen av.

    Med ett sammanträdes underlag aktivt (visning av ett sammanträde) svarar den bara ur underlaget,
    aldrig ur databasen; när ett underlag spelas in sparas varje svar i det (se Underlag nedan)."""
    @per_begaran
    @functools.wraps(funktion)
    def inre(*args, **kw):
        return _genom_underlaget(funktion, _cachat, args, kw)

    def _cachat(*args, **kw):
        if avstangd():
            return funktion(*args, **kw)
        url = db.databas_url()
        nyckel = "fraga:" + _url_id(url) + ":" + hashlib.sha256(repr((
            kodversion(), funktion.__module__, funktion.__qualname__, generation(),
            _argument(funktion, args, kw))).encode()).hexdigest()
        data = _hamta(nyckel)
        if data is not None:
            try:
                return kodning.avkoda(data)
            except kodning.Kodfel as e:
                log.warning("Cachat värde för %s gick inte att läsa (%s); räknar om", funktion.__qualname__, e)
        svar = funktion(*args, **kw)
        try:
            _spara(nyckel, kodning.koda(svar))
        except kodning.Kodfel as e:
            log.warning("%s: svaret går inte att cacha (%s)", funktion.__qualname__, e)
        return svar
    inre.ocachad = funktion
    return inre


def frysbar(funktion):
    """För en fråga som inte cachas (den läses färskt varje gång, t.ex. analystexterna) men som ett
    sammanträdes underlag ska frysa: spelas in och svarar ur underlaget som `cachad`, annars rakt
    ur databasen."""
    @functools.wraps(funktion)
    def inre(*args, **kw):
        return _genom_underlaget(funktion, funktion, args, kw)
    return inre


def _genom_underlaget(funktion, berakna, args, kw):
    """Svaret ur ett visat sammanträdes underlag, annars `berakna(...)` – som spelas in när ett
    underlag spelas in (samma väg för `cachad` och `frysbar`)."""
    underlag = _underlaget_for(args, kw)
    if underlag is not None:
        return underlag.svar(funktion, args, kw)
    svar = berakna(*args, **kw)
    inspelning = _inspelning.get()
    if inspelning is not None:
        inspelning.spela_in(funktion, args, kw, svar)
    return svar


# --- Sammanträdets underlag: frågesvaren som nämnden visades ---------------------------------------

class UtanforUnderlaget(LookupError):
    """Uppgiften ingår inte i sammanträdets underlag (och hämtas aldrig ur aktuella data i stället)."""

    def __init__(self, fraga: str):
        super().__init__(f"Uppgiften ingår inte i sammanträdets underlag ({fraga})")
        self.fraga = fraga


def _normaliserat(v):
    """Ett arguments form i underlagets nyckel: en plan (Plankontext eller kod) blir planens kod, så att
    samma fråga har samma nyckel när underlaget spelas in och när det visas."""
    kod = getattr(v, "kod", None)
    if kod is not None and hasattr(v, "sammantrade"):
        return kod
    return v


# Parameternamn som äldre underlag spelades in med: analysfragor.gallande tog `plan_kod` (en kod)
# innan den tog `plan` (en Plankontext); nyckelns värde är detsamma (planens kod).
TIDIGARE_NAMN = {"plan": "plan_kod"}


def underlagsnyckel(funktion, args, kw, namn: dict[str, str] | None = None) -> str:
    """Frågans nyckel i underlaget: modul, namn och argumenten (utan standardvärdena som skillnad);
    `namn` döper om parametrar (äldre underlags nycklar)."""
    bundna = inspect.signature(funktion).bind(*args, **kw)
    bundna.apply_defaults()
    namn = namn or {}
    varden = sorted((namn.get(k, k), _normaliserat(v)) for k, v in bundna.arguments.items())
    return f"{funktion.__module__}.{funktion.__qualname__}{varden!r}"


class Inspelning:
    """Frågesvaren medan sidorna byggs: nyckel → kodat svar (JSON-text)."""

    def __init__(self) -> None:
        self.svar: dict[str, str] = {}

    def spela_in(self, funktion, args, kw, svar) -> None:
        self.svar.setdefault(underlagsnyckel(funktion, args, kw), kodning.koda(svar).decode())


class Underlag:
    """Ett sammanträdes frysta frågesvar (oföränderliga: avkodas på nytt för varje anrop)."""

    def __init__(self, id: int, svar: dict[str, str]):
        self.id = id
        self._svar = svar

    def __contains__(self, nyckel: str) -> bool:
        return nyckel in self._svar

    def svar(self, funktion, args, kw):
        nyckel = underlagsnyckel(funktion, args, kw)
        data = self._svar.get(nyckel)
        if data is None:   # inspelat innan parametern döptes om (samma värde: planens kod)
            data = self._svar.get(underlagsnyckel(funktion, args, kw, TIDIGARE_NAMN))
        if data is None:
            log.info("Sammanträde %s: %s finns inte i underlaget", self.id, nyckel)
            raise UtanforUnderlaget(funktion.__qualname__)
        return kodning.avkoda(data.encode())


_inspelning: contextvars.ContextVar[Inspelning | None] = contextvars.ContextVar("malkoll_inspelning", default=None)
_aktivt: contextvars.ContextVar[Underlag | None] = contextvars.ContextVar("malkoll_underlag", default=None)
_laddare = None   # id → Underlag (data/utdata/sammantrade.py registrerar; databasen läses där)


@contextlib.contextmanager
def spela_in():
    """Spela in varje cachad (och frysbar) frågas svar under blocket; ger Inspelningen."""
    ins = Inspelning()
    glom_begaran()   # det förfrågan redan räknat måste räknas (och spelas in) igen
    token = _inspelning.set(ins)
    try:
        yield ins
    finally:
        _inspelning.reset(token)
        glom_begaran()


@contextlib.contextmanager
def med_underlag(underlag: Underlag):
    """Svara ur underlaget under blocket (kommandon, exporter utanför en webbförfrågan)."""
    token = _aktivt.set(underlag)
    try:
        yield underlag
    finally:
        _aktivt.reset(token)


def anvand_underlag(underlag: Underlag | None) -> None:
    """Webbförfrågan visar ett sammanträde: resten av förfrågan svarar ur underlaget (flask.g)."""
    from flask import g
    g._malkoll_underlag = underlag


def registrera_laddare(laddare) -> None:
    """Funktionen som läser ett sammanträdes underlag ur databasen (id → Underlag)."""
    global _laddare
    _laddare = laddare


def aktivt_underlag() -> Underlag | None:
    """Blockets (med_underlag) eller förfrågans underlag, om ett sammanträde visas."""
    u = _aktivt.get()
    if u is not None:
        return u
    try:
        from flask import g, has_request_context
        if has_request_context():
            return g.get("_malkoll_underlag")
    except ImportError:  # pragma: no cover
        pass
    return None


def _underlaget_for(args, kw) -> Underlag | None:
    """Underlaget som ska svara: det aktiva, annars sammanträdet som en Plankontext bland argumenten
    pekar ut (en Plankontext med sammantrade svarar aldrig med aktuella data)."""
    u = aktivt_underlag()
    if u is not None:
        return u
    for v in (*args, *kw.values()):
        sid = getattr(v, "sammantrade", None)
        if sid is not None and hasattr(v, "kod"):
            if _laddare is None:
                raise UtanforUnderlaget("sammanträdet kan inte läsas")
            return _laddare(sid)
    return None


# --- Färdiga sidor ---------------------------------------------------------------------------------

_sidor: OrderedDict[str, bytes] = OrderedDict()
_sidlas = threading.Lock()


def sidnyckel(*delar) -> str:
    """Nyckel för en färdig sida: processens databas, generationen och det som bestämmer sidan."""
    return "sida:" + _url_id(db.databas_url()) + ":" + hashlib.sha256(
        repr((kodversion(), generation()) + delar).encode()).hexdigest()


def hamta_sida(nyckel: str) -> bytes | None:
    """Den färdiga, serialiserade sidan (processens minne först, sedan det delade lagret)."""
    with _sidlas:
        if nyckel in _sidor:
            _sidor.move_to_end(nyckel)
            return _sidor[nyckel]
    data = _hamta(nyckel)
    if data is not None:
        _minns(nyckel, data)
    return data


def spara_sida(nyckel: str, data: bytes) -> None:
    _minns(nyckel, data)
    _spara(nyckel, data)


def _minns(nyckel: str, data: bytes) -> None:
    with _sidlas:
        _sidor[nyckel] = data
        _sidor.move_to_end(nyckel)
        while len(_sidor) > MAX_I_PROCESSEN:
            _sidor.popitem(last=False)
