"""Delat tillstånd för flera servrar: nyckel/värde med livslängd, odelbara räknare och
försöksgränser – i Redis när REDIS_URL är satt, annars i diskcache i en privat katalog för maskinen.

API (allt på svenska; värden är bytes eller JSON, aldrig pickle):

    lager = delat.lager()                 # processens lager (Redis eller lokalt), skapas lat
    lager.namn                            # "redis" eller "lokal"
    lager.hamta(nyckel) -> bytes | None
    lager.spara(nyckel, varde: bytes, ttl: float | None = None)
    lager.ta_bort(nyckel)
    lager.rakna(nyckel, ttl) -> int       # odelbar uppräkning; livslängden sätts när nyckeln skapas
    lager.reservera(nyckel, max_antal, fonster) -> (tillaten, kvar_sekunder, medlem)
        # glidande fönster: en plats tas odelbart; fullt → (False, kvar, None) och inget räknas
    lager.slapp(nyckel, medlem)           # lämna tillbaka en plats (t.ex. ett försök som inte räknas)
    lager.nollstall(nyckel)               # ta bort fönstret (t.ex. efter lyckad inloggning)
    lager.antal(nyckel, fonster) -> int
    lager.vantetid(nyckel, max_antal, fonster) -> float   # sekunder tills en plats är ledig
    lager.svarar() -> bool                # för /halsa
    delat.hamta_json(nyckel) / delat.spara_json(nyckel, varde, ttl)   # bekvämt för sessioner
    delat.begransa(nyckel, max_antal, fonster, vid_fel=STANG|OPPNA) -> Beslut
        # försöksgräns; när lagret inte svarar: STANG = vägra (inloggning), OPPNA = släpp igenom

Alla nycklar får prefixet `malkoll:` plus MALKOLL_REDIS_PREFIX (tester: ett eget per körning).
Ett lager som inte svarar ger `DelatFel`; `hamta_sakert`/`spara_sakert` gör om det till en
loggad varning (cachen läser då från databasen, aldrig 500).

Lokalt lager: diskcache (SQLite i WAL-läge, process- och trådsäkert, storleksgräns och livslängd
inbyggda) i `<MALKOLL_DATA_DIR>/lager-<installation>/` (eller MALKOLL_CACHE_DIR). Varför diskcache:
det tidigare egna lagret öppnade och stängde SQLite-filen med os.open/os.close bakom SQLites rygg –
det tar bort processens POSIX-lås och gav "database disk image is malformed" under trådar. diskcache
rör aldrig databasfilen utanför SQLite, och pickle är avstängt (`_JsonDisk`). Katalogen skapas 0700
och måste ägas av processens användare, inte vara skrivbar för andra och inte nås genom en länk
eller katalog som någon annan kan byta ut – annars vägrar appen (`OsakerKatalog`). Den delas av alla
arbetsprocesser i installationen.

Varför redis-py direkt och inte Flask-Caching/Flask-Limiter: Flask-Cachings Redis-backend sparar
värden med pickle (det vi tar bort), och en försöksgräns här räknar *misslyckade* försök med
nollställning vid lyckat försök – inte begäranden per väg, som Flask-Limiter. (Inloggningens försök
och inloggningarna själva ligger i databasen, data/anvandare.py, som alla servrar delar; lagret här
bär frågecachen och de färdiga sidorna.)
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import stat
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import diskcache

from data.lagring import installningar

log = logging.getLogger(__name__)

STANG = "stang"   # lagret nere → vägra (inloggningar)
OPPNA = "oppna"   # lagret nere → släpp igenom
VARNINGSINTERVALL = 30.0


class DelatFel(RuntimeError):
    """Det delade lagret svarar inte."""


class OsakerKatalog(RuntimeError):
    """En katalog för appens tillstånd ägs av någon annan eller är skrivbar för andra."""


@dataclass(frozen=True)
class Beslut:
    tillaten: bool
    kvar: float = 0.0            # sekunder tills en plats blir ledig (när inte tillåten)
    medlem: str | None = None    # platsen som togs (för slapp)
    lagret_nere: bool = False


# --- Privata kataloger --------------------------------------------------------------------------

def privat_katalog(sokvag: str | Path) -> Path:
    """Skapa (0700) eller kontrollera en katalog för appens tillstånd: den ska ägas av processens
    användare, inte vara skrivbar för grupp eller andra och inte vara en symbolisk länk; vägen dit
    får inte gå genom något som någon annan kan byta ut (`_kontrollera_vagen`). Annars OsakerKatalog."""
    k = Path(os.path.abspath(sokvag))
    _kontrollera_vagen(k.parent)
    for led in reversed([k, *k.parents]):
        if not os.path.lexists(led):
            os.mkdir(led, 0o700)   # också de saknade katalogerna ovanför: privata från början
    st = os.lstat(k)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise OsakerKatalog(f"{k} är ingen katalog (eller en symbolisk länk)")
    if st.st_uid != os.geteuid():
        raise OsakerKatalog(f"{k} ägs av en annan användare (uid {st.st_uid}); appen använder den inte")
    if st.st_mode & 0o022:
        raise OsakerKatalog(f"{k} är skrivbar för andra (läge {oct(st.st_mode & 0o777)}); appen använder den inte")
    return k


def _kontrollera_vagen(vag: Path, djup: int = 0) -> None:
    """Varje led från roten till `vag` (som finns) ska ägas av root eller processens användare, och
    en katalog som andra får skriva i måste ha sticky-biten (som /tmp: ingen kan byta ut en annans
    post). En symbolisk länk på vägen ska ägas av root eller användaren (den ligger i en katalog som
    redan prövats) och vägen den pekar på prövas på samma sätt. Det som ännu inte finns skapas av appen."""
    if djup > 8:
        raise OsakerKatalog(f"{vag}: för många symboliska länkar i vägen")
    betrodda = (0, os.geteuid())
    led = Path(vag.anchor)
    for del_ in vag.parts[1:]:
        led = led / del_
        try:
            st = os.lstat(led)
        except FileNotFoundError:
            return
        if st.st_uid not in betrodda:
            raise OsakerKatalog(f"{led} (på vägen till appens katalog) ägs av en annan användare (uid {st.st_uid})")
        if stat.S_ISLNK(st.st_mode):
            _kontrollera_vagen(Path(os.path.realpath(led)), djup + 1)
        elif st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
            raise OsakerKatalog(f"{led} (på vägen till appens katalog) är skrivbar för andra "
                                f"(läge {oct(st.st_mode & 0o7777)}); appen använder den inte")


def instanskatalog(inst: installningar.Installningar) -> Path:
    """Den här installationens katalog för det lokala lagret: `MALKOLL_CACHE_DIR` om den är satt,
    annars en egen underkatalog i `MALKOLL_DATA_DIR` per databas (två Målkoll på samma maskin delar
    aldrig lager)."""
    if inst.cache_katalog:
        return Path(inst.cache_katalog)
    instans = hashlib.sha256(f"{inst.databas_url}\0{inst.redis_prefix}".encode()).hexdigest()[:16]
    return Path(inst.data_katalog) / f"lager-{instans}"


# --- Gemensamt ----------------------------------------------------------------------------------

_senaste_varning = [0.0]


def varna(text: str, *args) -> None:
    """Logga en varning högst var 30:e sekund (ett nere lager ska inte fylla loggen)."""
    nu = time.monotonic()
    if nu - _senaste_varning[0] >= VARNINGSINTERVALL:
        _senaste_varning[0] = nu
        log.warning(text, *args)


def _prefix() -> str:
    return "malkoll:" + installningar.aktuella().redis_prefix


def _vantetid(tider: list[float], max_antal: int, fonster: float) -> float:
    if len(tider) < max_antal:
        return 0.0
    return max(0.0, sorted(tider)[-max_antal] + fonster - time.time())


# --- Redis --------------------------------------------------------------------------------------

_RESERVERA = """
local nu = tonumber(ARGV[1]); local fonster = tonumber(ARGV[2]); local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nu - fonster)
local n = redis.call('ZCARD', KEYS[1])
if n >= max then
  local t = redis.call('ZRANGE', KEYS[1], n - max, n - max, 'WITHSCORES')
  return {0, tostring(tonumber(t[2]) + fonster - nu)}
end
redis.call('ZADD', KEYS[1], nu, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(fonster * 1000))
return {1, '0'}
"""


class RedisLager:
    namn = "redis"

    def __init__(self, url: str, prefix: str):
        import redis
        self._redis = redis
        self.prefix = prefix
        self.r = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0,
                                      health_check_interval=30)
        self._reservera = self.r.register_script(_RESERVERA)

    def _k(self, nyckel: str) -> str:
        return self.prefix + nyckel

    def _kor(self, f, *a, **kw):
        try:
            return f(*a, **kw)
        except self._redis.RedisError as e:
            raise DelatFel(f"Redis svarar inte: {e}") from e

    def hamta(self, nyckel: str) -> bytes | None:
        return self._kor(self.r.get, self._k(nyckel))

    def spara(self, nyckel: str, varde: bytes, ttl: float | None = None) -> None:
        px = int(ttl * 1000) if ttl else None
        self._kor(self.r.set, self._k(nyckel), varde, px=px)

    def ta_bort(self, nyckel: str) -> None:
        self._kor(self.r.delete, self._k(nyckel))

    def rakna(self, nyckel: str, ttl: float) -> int:
        def _g():
            p = self.r.pipeline()
            p.incr(self._k(nyckel))
            p.pexpire(self._k(nyckel), int(ttl * 1000), nx=True)
            return p.execute()[0]
        return int(self._kor(_g))

    def reservera(self, nyckel: str, max_antal: int, fonster: float) -> tuple[bool, float, str | None]:
        medlem = uuid.uuid4().hex
        ok, kvar = self._kor(self._reservera, keys=[self._k(nyckel)],
                             args=[time.time(), fonster, max_antal, medlem])
        return (True, 0.0, medlem) if int(ok) else (False, max(0.0, float(kvar)), None)

    def slapp(self, nyckel: str, medlem: str) -> None:
        self._kor(self.r.zrem, self._k(nyckel), medlem)

    def nollstall(self, nyckel: str) -> None:
        self.ta_bort(nyckel)

    def vantetid(self, nyckel: str, max_antal: int, fonster: float) -> float:
        """Sekunder tills fönstret har en ledig plats (0: ledig nu)."""
        tider = [t for _, t in self._kor(self.r.zrangebyscore, self._k(nyckel), time.time() - fonster,
                                          "+inf", withscores=True)]
        return _vantetid(tider, max_antal, fonster)

    def antal(self, nyckel: str, fonster: float) -> int:
        return int(self._kor(self.r.zcount, self._k(nyckel), time.time() - fonster, "+inf"))

    def svarar(self) -> bool:
        try:
            return bool(self.r.ping())
        except self._redis.RedisError:
            return False

    def rensa_prefix(self) -> int:
        """Ta bort alla nycklar med lagrets prefix (tester städar med den)."""
        n = 0
        for k in self.r.scan_iter(match=self.prefix + "*", count=500):
            n += self.r.delete(k)
        return n


# --- Lokalt (diskcache i en privat katalog) -----------------------------------------------------

class _JsonDisk(diskcache.Disk):
    """diskcache utan pickle: nycklar är text, värden bytes (appens JSON, data/kodning.py) eller
    heltal (räknarna). Ett värde eller en nyckel som ändå är sparad med pickle (planterad i filen)
    läses aldrig: `LokaltLager.hamta` räknar den som saknad och tar bort den."""

    def put(self, key):
        if not isinstance(key, str):
            raise TypeError("nycklarna i det lokala lagret är text")
        return super().put(key)

    def get(self, key, raw):
        if not raw:
            raise _Pickle("en nyckel sparad med pickle läses inte")
        return super().get(key, raw)

    def store(self, value, read, key=diskcache.core.UNKNOWN):
        if not read and not isinstance(value, (bytes, int)) or isinstance(value, bool):
            raise TypeError("värdena i det lokala lagret är bytes (JSON) eller heltal, aldrig pickle")
        return super().store(value, read, key=key)

    def fetch(self, mode, filename, value, read):
        if mode == diskcache.core.MODE_PICKLE:
            raise _Pickle("ett värde sparat med pickle läses inte")
        return super().fetch(mode, filename, value, read)


class _Pickle(ValueError):
    """Ett värde i det lokala lagret är sparat med pickle (inte av Målkoll)."""


class LokaltLager:
    """Samma API i en diskcache-katalog (SQLite, WAL; processäker) i en privat katalog; delas av
    processerna på maskinen. Storleken är begränsad (`storlek` byte): det som sparades först tas
    bort först, utgångna värden före allt annat."""
    namn = "lokal"

    def __init__(self, katalog: str | Path, prefix: str = "malkoll:", storlek: int = 256 * 1024 * 1024):
        self.katalog = privat_katalog(katalog)
        self.prefix = prefix
        self.storlek = storlek
        try:
            self.c = diskcache.Cache(str(self.katalog), timeout=5, disk=_JsonDisk, size_limit=storlek,
                                     eviction_policy="least-recently-stored", cull_limit=10,
                                     statistics=False, tag_index=False)
        except (sqlite3.Error, OSError, diskcache.Timeout) as e:
            raise DelatFel(f"Det lokala lagret {self.katalog} går inte att öppna: {e}") from e

    def _kor(self, f, *a, **kw):
        try:
            return f(*a, **kw)
        except (sqlite3.Error, OSError, diskcache.Timeout) as e:
            raise DelatFel(f"Det lokala lagret {self.katalog} går inte att använda: {e}") from e

    def _k(self, nyckel: str) -> str:
        return self.prefix + nyckel

    def hamta(self, nyckel: str) -> bytes | None:
        try:
            v = self._kor(self.c.get, self._k(nyckel))
        except _Pickle as e:
            log.warning("Det lokala lagret: %s (%s); tas bort", e, nyckel[:60])
            self._kor(self.c.delete, self._k(nyckel))
            return None
        return v if isinstance(v, bytes) else None

    def spara(self, nyckel: str, varde: bytes, ttl: float | None = None) -> None:
        self._kor(self.c.set, self._k(nyckel), bytes(varde), expire=ttl)

    def ta_bort(self, nyckel: str) -> None:
        self._kor(self.c.delete, self._k(nyckel))

    def volym(self) -> int:
        """Lagrets storlek på disken i byte (diskcache: databasens sidor plus värdefilerna)."""
        return self._kor(self.c.volume)

    def rakna(self, nyckel: str, ttl: float) -> int:
        k = self._k(nyckel)

        def _g():
            with self.c.transact():
                n = self.c.get(k)
                n = (n if isinstance(n, int) else 0) + 1
                self.c.set(k, n, expire=ttl if n == 1 else self._kvar(k))
                return n
        return self._kor(_g)

    def _kvar(self, k: str) -> float | None:
        _, utgar = self.c.get(k, expire_time=True)
        return None if utgar is None else max(0.001, utgar - time.time())

    def _fonster(self, k: str, fonster: float) -> list[list]:
        """Fönstrets [tid, medlem] (de utgångna bortrensade), i en pågående transaktion."""
        b = self.c.get(k)
        nu = time.time()
        return [p for p in (json.loads(b) if isinstance(b, bytes) else []) if p[0] > nu - fonster]

    def _spara_fonster(self, k: str, platser: list[list], fonster: float) -> None:
        if platser:
            self.c.set(k, json.dumps(platser).encode(), expire=fonster)
        else:
            self.c.delete(k)

    def reservera(self, nyckel: str, max_antal: int, fonster: float) -> tuple[bool, float, str | None]:
        k, medlem = self._k(nyckel), uuid.uuid4().hex

        def _g():
            with self.c.transact():
                platser = self._fonster(k, fonster)
                if len(platser) >= max_antal:
                    tider = sorted(p[0] for p in platser)
                    return False, max(0.0, tider[len(tider) - max_antal] + fonster - time.time()), None
                self._spara_fonster(k, platser + [[time.time(), medlem]], fonster)
                return True, 0.0, medlem
        return self._kor(_g)

    def slapp(self, nyckel: str, medlem: str) -> None:
        k = self._k(nyckel)

        def _g():
            with self.c.transact():
                # fönstrets längd är okänd här: platserna behålls som de är, bara medlemmen tas bort
                b = self.c.get(k)
                platser = [p for p in (json.loads(b) if isinstance(b, bytes) else []) if p[1] != medlem]
                kvar = self._kvar(k)
                if platser and kvar:
                    self.c.set(k, json.dumps(platser).encode(), expire=kvar)
                else:
                    self.c.delete(k)
        self._kor(_g)

    def nollstall(self, nyckel: str) -> None:
        self.ta_bort(nyckel)

    def vantetid(self, nyckel: str, max_antal: int, fonster: float) -> float:
        tider = [p[0] for p in self._kor(self._fonster, self._k(nyckel), fonster)]
        return _vantetid(tider, max_antal, fonster)

    def antal(self, nyckel: str, fonster: float) -> int:
        return len(self._kor(self._fonster, self._k(nyckel), fonster))

    def svarar(self) -> bool:
        try:
            self._kor(self.c.get, self._k("halsa"))
            return True
        except DelatFel:
            return False


# --- Processens lager ----------------------------------------------------------------------------

_lager: dict[tuple, object] = {}
_las = threading.Lock()


def lager() -> RedisLager | LokaltLager:
    """Processens lager enligt inställningarna (REDIS_URL → Redis, annars lokalt)."""
    inst = installningar.aktuella()
    katalog = instanskatalog(inst)
    nyckel = (inst.redis_url, _prefix(), str(katalog), inst.lager_mb, os.getpid())
    with _las:
        # Lagren behålls (också de från en förälder före fork): en anslutning som stängs medan en
        # annan i samma process håller SQLite-lås tar bort processens lås.
        if nyckel not in _lager:
            if inst.redis_url:
                _lager[nyckel] = RedisLager(inst.redis_url, _prefix())
            else:
                _lager[nyckel] = LokaltLager(katalog, _prefix(), inst.lager_mb * 1024 * 1024)
        return _lager[nyckel]


def glom() -> None:
    """För tester: skapa lagret på nytt vid nästa anrop."""
    with _las:
        _lager.clear()


def hamta_sakert(nyckel: str, vilket=None) -> bytes | None:
    """Som `lager().hamta` men None och en loggad varning när lagret inte svarar. `vilket`: en
    funktion som ger lagret (standard `lager`; cachen har sitt eget val, data/cache.py)."""
    try:
        return (vilket or lager)().hamta(nyckel)
    except (DelatFel, OsakerKatalog) as e:
        varna("Delade lagret svarar inte, läser från databasen: %s", e)
        return None


def spara_sakert(nyckel: str, varde: bytes, ttl: float | None = None, vilket=None) -> bool:
    """Som `lager().spara` men False och en loggad varning när lagret inte svarar."""
    try:
        (vilket or lager)().spara(nyckel, varde, ttl)
        return True
    except (DelatFel, OsakerKatalog) as e:
        varna("Delade lagret svarar inte, sparar inte: %s", e)
        return False


def hamta_json(nyckel: str):
    """JSON-värdet under nyckeln (None om det saknas). DelatFel när lagret inte svarar."""
    import json
    b = lager().hamta(nyckel)
    return None if b is None else json.loads(b)


def spara_json(nyckel: str, varde, ttl: float | None = None) -> None:
    import json
    lager().spara(nyckel, json.dumps(varde, ensure_ascii=False, separators=(",", ":")).encode(), ttl)


def begransa(nyckel: str, max_antal: int, fonster: float, vid_fel: str = STANG) -> Beslut:
    """Ta en plats i nyckelns glidande fönster (högst max_antal per fönster sekunder).
    Lagret nere: STANG → Beslut(False, lagret_nere=True); OPPNA → Beslut(True, lagret_nere=True)."""
    if vid_fel not in (STANG, OPPNA):
        raise ValueError(vid_fel)
    try:
        ok, kvar, medlem = lager().reservera(nyckel, max_antal, fonster)
        return Beslut(ok, kvar, medlem)
    except (DelatFel, OsakerKatalog) as e:
        varna("Delade lagret svarar inte (försöksgräns %s): %s", "stängd" if vid_fel == STANG else "öppen", e)
        return Beslut(vid_fel == OPPNA, 60.0 if vid_fel == STANG else 0.0, None, True)


def status() -> dict:
    """För /halsa: vilket lager och om det svarar."""
    inst = installningar.aktuella()
    try:
        lg = lager()
        return {"typ": lg.namn, "svarar": lg.svarar(), "konfigurerad": bool(inst.redis_url)}
    except OsakerKatalog as e:
        return {"typ": "lokal", "svarar": False, "fel": str(e), "konfigurerad": False}
