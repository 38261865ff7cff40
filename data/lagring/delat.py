"""Delat tillstånd för flera servrar: nyckel/värde med livslängd, odelbara räknare och
försöksgränser – i Redis när REDIS_URL är satt, annars i en privat SQLite-fil för maskinen.

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

Lokalt lager: `<MALKOLL_DATA_DIR>/delat.sqlite`. Katalogen skapas 0700 och måste ägas av
processens användare och inte vara skrivbar för andra – annars vägrar appen (`OsakerKatalog`).
SQLite-filen delas av alla arbetsprocesser på maskinen (WAL, odelbara transaktioner).

Varför redis-py direkt och inte Flask-Caching/Flask-Limiter: Flask-Cachings Redis-backend sparar
värden med pickle (det vi tar bort), och en försöksgräns här räknar *misslyckade* försök med
nollställning vid lyckat försök – inte begäranden per väg, som Flask-Limiter. (Inloggningens försök
och inloggningarna själva ligger i databasen, data/anvandare.py, som alla servrar delar; lagret här
bär frågecachen och de färdiga sidorna.)
"""
from __future__ import annotations

import logging
import os
import sqlite3
import stat
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

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
    användare och inte vara skrivbar för grupp eller andra. Annars OsakerKatalog."""
    k = Path(sokvag)
    k.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = os.lstat(k)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise OsakerKatalog(f"{k} är ingen katalog (eller en symbolisk länk)")
    if st.st_uid != os.geteuid():
        raise OsakerKatalog(f"{k} ägs av en annan användare (uid {st.st_uid}); appen använder den inte")
    if st.st_mode & 0o022:
        raise OsakerKatalog(f"{k} är skrivbar för andra (läge {oct(st.st_mode & 0o777)}); appen använder den inte")
    return k


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


# --- Lokalt (SQLite i en privat katalog) --------------------------------------------------------

class LokaltLager:
    """Samma API i en SQLite-fil i en privat katalog; delas av processerna på en maskin."""
    namn = "lokal"
    MAX_RADER = 20000

    def __init__(self, katalog: str | Path, prefix: str = "malkoll:"):
        self.katalog = privat_katalog(katalog)
        self.fil = self.katalog / "delat.sqlite"
        self.prefix = prefix
        self._lokal = threading.local()
        self._skrivningar = 0

    def _c(self) -> sqlite3.Connection:
        c = getattr(self._lokal, "c", None)
        if c is None or getattr(self._lokal, "pid", None) != os.getpid():
            fd = os.open(self.fil, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            os.close(fd)
            c = sqlite3.connect(self.fil, timeout=10, isolation_level=None, check_same_thread=False)
            c.execute("PRAGMA journal_mode=WAL")
            c.execute("PRAGMA synchronous=NORMAL")
            c.execute("CREATE TABLE IF NOT EXISTS kv (nyckel TEXT PRIMARY KEY, varde BLOB, till REAL)")
            c.execute("CREATE TABLE IF NOT EXISTS fonster (nyckel TEXT, medlem TEXT, tid REAL)")
            c.execute("CREATE INDEX IF NOT EXISTS fonster_nyckel ON fonster (nyckel, tid)")
            self._lokal.c, self._lokal.pid = c, os.getpid()
        return c

    def _kor(self, f):
        try:
            return f(self._c())
        except (sqlite3.Error, OSError) as e:
            raise DelatFel(f"Det lokala lagret {self.fil} går inte att använda: {e}") from e

    def _k(self, nyckel: str) -> str:
        return self.prefix + nyckel

    def hamta(self, nyckel: str) -> bytes | None:
        rad = self._kor(lambda c: c.execute("SELECT varde FROM kv WHERE nyckel=? AND (till IS NULL OR till>?)",
                                            (self._k(nyckel), time.time())).fetchone())
        return bytes(rad[0]) if rad else None

    def spara(self, nyckel: str, varde: bytes, ttl: float | None = None) -> None:
        till = time.time() + ttl if ttl else None
        self._kor(lambda c: c.execute("INSERT OR REPLACE INTO kv VALUES (?,?,?)", (self._k(nyckel), varde, till)))
        self._skrivningar += 1
        if self._skrivningar % 200 == 0:
            self._stada()

    def _stada(self) -> None:
        def _g(c):
            c.execute("DELETE FROM kv WHERE till IS NOT NULL AND till<=?", (time.time(),))
            n = c.execute("SELECT count(*) FROM kv").fetchone()[0]
            if n > self.MAX_RADER:
                c.execute("DELETE FROM kv WHERE rowid IN (SELECT rowid FROM kv ORDER BY rowid LIMIT ?)",
                          (n - self.MAX_RADER // 2,))
        self._kor(_g)

    def ta_bort(self, nyckel: str) -> None:
        self._kor(lambda c: c.execute("DELETE FROM kv WHERE nyckel=?", (self._k(nyckel),)))

    def _transaktion(self, g):
        def _t(c):
            c.execute("BEGIN IMMEDIATE")
            try:
                svar = g(c)
                c.execute("COMMIT")
                return svar
            except BaseException:
                c.execute("ROLLBACK")
                raise
        return self._kor(_t)

    def rakna(self, nyckel: str, ttl: float) -> int:
        k, nu = self._k(nyckel), time.time()

        def _g(c):
            rad = c.execute("SELECT varde, till FROM kv WHERE nyckel=?", (k,)).fetchone()
            if rad is None or (rad[1] is not None and rad[1] <= nu):
                n, till = 1, nu + ttl
            else:
                n, till = int(rad[0]) + 1, rad[1]
            c.execute("INSERT OR REPLACE INTO kv VALUES (?,?,?)", (k, str(n).encode(), till))
            return n
        return self._transaktion(_g)

    def reservera(self, nyckel: str, max_antal: int, fonster: float) -> tuple[bool, float, str | None]:
        k, nu, medlem = self._k(nyckel), time.time(), uuid.uuid4().hex

        def _g(c):
            c.execute("DELETE FROM fonster WHERE nyckel=? AND tid<=?", (k, nu - fonster))
            tider = [r[0] for r in c.execute("SELECT tid FROM fonster WHERE nyckel=? ORDER BY tid", (k,))]
            if len(tider) >= max_antal:
                return False, max(0.0, tider[len(tider) - max_antal] + fonster - nu), None
            c.execute("INSERT INTO fonster VALUES (?,?,?)", (k, medlem, nu))
            return True, 0.0, medlem
        return self._transaktion(_g)

    def slapp(self, nyckel: str, medlem: str) -> None:
        self._kor(lambda c: c.execute("DELETE FROM fonster WHERE nyckel=? AND medlem=?", (self._k(nyckel), medlem)))

    def nollstall(self, nyckel: str) -> None:
        self._kor(lambda c: c.execute("DELETE FROM fonster WHERE nyckel=?", (self._k(nyckel),)))

    def vantetid(self, nyckel: str, max_antal: int, fonster: float) -> float:
        tider = [r[0] for r in self._kor(lambda c: c.execute(
            "SELECT tid FROM fonster WHERE nyckel=? AND tid>?", (self._k(nyckel), time.time() - fonster)).fetchall())]
        return _vantetid(tider, max_antal, fonster)

    def antal(self, nyckel: str, fonster: float) -> int:
        return self._kor(lambda c: c.execute("SELECT count(*) FROM fonster WHERE nyckel=? AND tid>?",
                                             (self._k(nyckel), time.time() - fonster)).fetchone()[0])

    def svarar(self) -> bool:
        try:
            self._kor(lambda c: c.execute("SELECT 1").fetchone())
            return True
        except DelatFel:
            return False


# --- Processens lager ----------------------------------------------------------------------------

_lager: dict[tuple, object] = {}
_las = threading.Lock()


def lager() -> RedisLager | LokaltLager:
    """Processens lager enligt inställningarna (REDIS_URL → Redis, annars lokalt)."""
    inst = installningar.aktuella()
    nyckel = (inst.redis_url, _prefix(), inst.data_katalog, os.getpid())
    with _las:
        if nyckel not in _lager:
            if inst.redis_url:
                _lager[nyckel] = RedisLager(inst.redis_url, _prefix())
            else:
                _lager[nyckel] = LokaltLager(inst.data_katalog, _prefix())
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
