"""Flera servrar (issue 16): två gunicorn-mastrar på var sin port mot en PostgreSQL och en Redis.

- en import genom A syns genom B vid nästa begäran (cache och färdiga sidor i Redis, med
  databasens generation i nycklarna),
- en inloggning på A gäller på B (inloggningen ligger i databasen, kakan signeras med
  MALKOLL_HEMLIGHET) och en utloggning på B gäller på A,
- felaktiga inloggningsförsök räknas över båda (tabellen inloggningsforsok i databasen),
- en sida som beror på inloggningen (/andringslogg) sparas aldrig i sidcachen,
- Redis stoppas mitt i: båda svarar ändå (från databasen), /halsa säger det, inloggningen fungerar,
- /halsa: 200 med status som JSON, 503 när databasen är borta,
- inget av appens tillstånd i en delad tmp-katalog: TMPDIR och MALKOLL_DATA_DIR som ägs av en
  annan användare används inte.

Redis på 127.0.0.1:6379 med ett eget nyckelprefix per körning (tas bort efteråt); testet som
stoppar Redis startar en egen redis-server på en ledig port. Under CI=true är en Redis som inte
svarar ett fel.
"""
from __future__ import annotations

import base64
from data.lagring.start import anvand_databas
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import quote

import pytest

from tests.conftest import REDIS_TEST, ledig_port, pg_databas, redis_eller_hoppa, rensa_redis
from tests.test_sakerhet import (HEMLIGHET, LOSEN, Klient, forbered_databas, ladda_upp, logga_in, logga_ut,
                                 starta, stoppa, text_i)

PERIOD = "Delår 2 2020"
SOK = "?period=" + quote(PERIOD)
KOMMENTAR = "Bedömningen klar i maj."


def _miljo(redis_url: str, prefix: str, katalog) -> dict:
    return {"REDIS_URL": redis_url, "MALKOLL_REDIS_PREFIX": prefix, "MALKOLL_ADMIN_LOSENORD": LOSEN,
            "MALKOLL_HEMLIGHET": HEMLIGHET, "MALKOLL_DATA_DIR": str(katalog), "MALKOLL_CACHE": "ja",
            "MALKOLL_CACHE_DIR": None}


def sida(k: Klient, sokvag: str, sok: str = SOK):
    return k.callback("_pages_content.children", {"_pages_location.pathname": sokvag, "_pages_location.search": sok})


def inloggad(svar) -> bool:
    """logga_in(...) → True när inloggningen lyckades (omdirigering till /rapportera)."""
    status, _, plats = svar
    return status == 303 and plats.endswith("/rapportera")


def rensa_forsok(url: str) -> None:
    from sqlalchemy import delete

    from data.lagring import db
    from data.lagring.models import Inloggning, Inloggningsforsok
    anvand_databas(url)
    with db.session() as s:
        s.execute(delete(Inloggningsforsok))
        s.execute(delete(Inloggning))


def halsa(bas: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(bas + "/halsa", timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.fixture(scope="module")
def tva_servrar(tmp_path_factory):
    redis_eller_hoppa()
    url, stada = pg_databas()
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    katalog = tmp_path_factory.mktemp("flera")
    forbered_databas(url)
    a = b = None
    try:
        a = starta(url, katalog / "a", workers=2, miljo=_miljo(REDIS_TEST, prefix, katalog / "a" / "data"))
        b = starta(url, katalog / "b", workers=2, miljo=_miljo(REDIS_TEST, prefix, katalog / "b" / "data"))
        yield {"a": a[1], "b": b[1], "databas": url, "prefix": prefix}
    finally:
        for s in (a, b):
            if s:
                stoppa(s[0])
        rensa_redis(prefix)
        stada()


def test_halsa_pa_bada(tva_servrar):
    for bas in (tva_servrar["a"], tva_servrar["b"]):
        kod, innehall = halsa(bas)
        assert kod == 200 and innehall["status"] == "ok"
        assert innehall == {"status": "ok", "databas": "ok", "delat_lager": "ok"}   # anonymt: bara ok/fel


def test_sidan_cachas_och_import_genom_a_syns_genom_b(tva_servrar):
    import redis
    a, b = Klient(tva_servrar["a"]), Klient(tva_servrar["b"])
    status, h, forst = sida(b, "/malomrade/1")
    assert status == 200 and KOMMENTAR not in text_i(forst)
    status, h, igen = sida(b, "/malomrade/1")
    assert status == 200 and h["X-Malkoll-Sidcache"] == "traff" and igen == forst
    status, h, pa_a = sida(a, "/malomrade/1")             # samma sida, annan server: ur Redis
    assert h["X-Malkoll-Sidcache"] == "traff" and pa_a == forst
    r = redis.Redis.from_url(REDIS_TEST)
    assert list(r.scan_iter(match=f"malkoll:{tva_servrar['prefix']}sida:*", count=100))
    # Import genom A (startadministratören inloggad, "Genomför importen")
    from tests.test_rapport import _ifylld
    rensa_forsok(tva_servrar["databas"])
    assert inloggad(logga_in(a, LOSEN))
    innehall = ("data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
                + base64.b64encode(_ifylld(tva_servrar["databas"])).decode())
    status, _, svar = a.callback("rapp-resultat.children", {"rapp-genomfor.n_clicks": 1},
                                 {"rapp-fil.data": {"innehall": innehall, "filnamn": "ekonomi.xlsx"}})
    assert status == 200 and "Importen är klar" in text_i(svar), text_i(svar)
    # Nästa begäran genom B ser importen (ny generation → ny nyckel)
    status, h, efter = sida(b, "/malomrade/1")
    assert status == 200 and h["X-Malkoll-Sidcache"] == "miss"
    assert KOMMENTAR in text_i(efter)


def test_inloggning_pa_a_galler_pa_b(tva_servrar):
    rensa_forsok(tva_servrar["databas"])
    a = Klient(tva_servrar["a"])
    assert inloggad(logga_in(a, LOSEN)) and a.kaka("malkoll") is not None
    b = Klient(tva_servrar["b"])
    b.kakor = a.kakor                                       # samma webbläsare, nästa begäran hamnar på B
    b.oppnare = a.oppnare
    status, _, svar = ladda_upp(b, b"PK-inte-en-arbetsbok", "x.xlsx")
    assert status == 200 and "inte inloggad" not in text_i(svar)
    assert "Inloggad som Startadministratör" in text_i(sida(b, "/rapportera", "")[2])
    okand = Klient(tva_servrar["b"])
    assert "inte inloggad" in text_i(ladda_upp(okand, b"PK", "x.xlsx")[2])
    # Utloggning på B gäller på A vid nästa begäran (inloggningen tas bort ur databasen)
    sparad = Klient(tva_servrar["a"])
    sparad.kakor.set_cookie(a.kaka("malkoll"))
    assert logga_ut(b) == (303, "/logga-in?utloggad=1")
    assert "inte inloggad" in text_i(ladda_upp(sparad, b"PK", "x.xlsx")[2])


def test_sida_som_beror_pa_inloggningen_sparas_inte(tva_servrar):
    """/andringslogg (bara för administratörer) visas för den inloggade på A, och en anonym
    besökare på B får aldrig den sparade sidan: sådana sidor går förbi sidcachen."""
    rensa_forsok(tva_servrar["databas"])
    admin = Klient(tva_servrar["a"])
    assert inloggad(logga_in(admin, LOSEN))
    for _ in range(2):
        status, h, svar = sida(admin, "/andringslogg", "")
        assert status == 200 and "Nyast först" in text_i(svar) and h.get("X-Malkoll-Sidcache") is None
    for k in (Klient(tva_servrar["a"]), Klient(tva_servrar["b"])):
        status, h, svar = sida(k, "/andringslogg", "")
        assert status == 200 and "visas bara för administratörer" in text_i(svar)
        assert "Nyast först" not in text_i(svar) and h.get("X-Malkoll-Sidcache") is None
    logga_ut(admin)


def test_forsoken_raknas_over_bada(tva_servrar):
    """Misslyckade inloggningar räknas i databasen per konto och adress, tillsammans för båda
    servrarna; under väntan vägrar båda också rätt lösenord."""
    from sqlalchemy import update

    from data.konton import anvandare
    from data.lagring import db
    from data.lagring.models import Inloggningsforsok
    url = tva_servrar["databas"]
    rensa_forsok(url)
    a, b = Klient(tva_servrar["a"]), Klient(tva_servrar["b"])
    for i in range(2):
        status, _, plats = logga_in(a, f"fel-lösenord-a{i}")
        assert status == 303 and "/logga-in?fel=1" in plats
    status, _, plats = logga_in(b, "fel-lösenord-b")
    assert status == 303 and "/logga-in?fel=1" in plats
    anvand_databas(url)
    assert anvandare.antal_forsok("konto:admin") == 3
    anvand_databas(url)
    assert anvandare.antal_forsok("adress:127.0.0.1") == 3
    anvand_databas(url)
    with db.session() as s:                              # som om nio fel gjorts nyss: väntan ≥ 30 s
        s.execute(update(Inloggningsforsok).values(antal=9, senast=time.time()))
    for k in (a, b):
        status, _, plats = logga_in(k, LOSEN)
        assert status == 303 and "/logga-in?vanta=" in plats and k.kaka("malkoll") is None
    anvand_databas(url)
    with db.session() as s:                              # väntan är över
        s.execute(update(Inloggningsforsok).values(senast=time.time() - 3600))
    assert inloggad(logga_in(b, LOSEN))
    anvand_databas(url)
    assert anvandare.antal_forsok("konto:admin") == 0
    rensa_forsok(url)


def test_samtidiga_forsok_mot_bada_raknas_alla(tva_servrar):
    """Sexton felaktiga försök samtidigt, hälften mot A och hälften mot B: varje försök som prövades
    är räknat (inga förlorade uppräkningar), resten fick vänta, inget svarade 500."""
    from concurrent.futures import ThreadPoolExecutor

    from data.konton import anvandare
    url = tva_servrar["databas"]
    rensa_forsok(url)
    klienter = [Klient(tva_servrar["ab"[i % 2]]) for i in range(16)]
    with ThreadPoolExecutor(16) as pool:
        svar = list(pool.map(lambda ik: logga_in(ik[1], f"fel-samtidigt-{ik[0]}"), enumerate(klienter)))
    assert all(status == 303 for status, _, _ in svar), [s for s, _, _ in svar]
    provade = sum("/logga-in?fel=1" in plats for _, _, plats in svar)
    vantade = sum("/logga-in?vanta=" in plats for _, _, plats in svar)
    assert provade + vantade == 16 and provade >= 1
    anvand_databas(url)
    assert anvandare.antal_forsok("konto:admin") == provade
    anvand_databas(url)
    assert anvandare.antal_forsok("adress:127.0.0.1") == provade
    rensa_forsok(url)


# --- Redis stoppas mitt i -------------------------------------------------------------------------

@pytest.fixture
def egen_redis(tmp_path):
    server = shutil.which("redis-server")
    if not server:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server saknas")
        pytest.skip("redis-server saknas")
    port = ledig_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    slut = time.time() + 20
    import redis
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.RedisError:
            if time.time() > slut or proc.poll() is not None:
                proc.kill()
                pytest.fail("den egna redis-servern startade inte")
            time.sleep(0.1)
    yield {"url": url, "proc": proc}
    if proc.poll() is None:
        proc.terminate()
        proc.wait(10)


def test_redis_stoppas_mitt_i(egen_redis, tmp_path):
    url, stada = pg_databas()
    forbered_databas(url)
    servrar = []
    try:
        for namn in ("a", "b"):
            servrar.append(starta(url, tmp_path / namn, workers=1,
                                  miljo=_miljo(egen_redis["url"], "stopp:", tmp_path / namn / "data")))
        klienter = [Klient(bas) for _, bas in servrar]
        fore = [sida(k, "/malomrade/2") for k in klienter]
        assert all(s == 200 for s, _, _ in fore)
        egen_redis["proc"].terminate()
        egen_redis["proc"].wait(10)
        for k, (_, _, svar_fore) in zip(klienter, fore):
            for sokvag in ("/malomrade/2", "/budget", "/"):
                status, _, svar = sida(k, sokvag)
                assert status == 200, (sokvag, svar)
            assert text_i(sida(k, "/malomrade/2")[2]) == text_i(svar_fore)
            kod, innehall = halsa(k.bas)
            assert kod == 200 and innehall["delat_lager"] == "fel"
            assert inloggad(logga_in(k, LOSEN))              # inloggningar och försök ligger i databasen
        for (proc, _), namn in zip(servrar, "ab"):
            logg = (tmp_path / namn).glob("gunicorn-*.log")
            text = "".join(p.read_text() for p in logg)
            assert "läser från databasen" in text and "Traceback" not in text
    finally:
        for proc, _ in servrar:
            stoppa(proc)
        stada()


# --- /halsa när databasen är borta ------------------------------------------------------------------

def test_halsa_503_nar_databasen_ar_borta(monkeypatch, tmp_path):
    import app
    from data.lagring.installningar import Installningar
    monkeypatch.delenv("REDIS_URL", raising=False)
    inst = Installningar.fran_miljo({"DATABASE_URL": f"postgresql://postgres@127.0.0.1:{ledig_port()}/x",
                                     "MALKOLL_DATA_DIR": str(tmp_path / "data")})
    dash_app = app.create_app(inst)
    svar = dash_app.server.test_client().get("/halsa")
    assert svar.status_code == 503
    innehall = svar.get_json()
    assert innehall == {"status": "fel", "databas": "fel", "delat_lager": "ok"}   # värden och porten syns inte


# --- Ingen delad tmp-katalog --------------------------------------------------------------------------

@pytest.mark.skipif(os.geteuid() != 0, reason="behöver kunna ge en katalog till en annan användare")
def test_tmpdir_och_datakatalog_som_ags_av_annan_anvands_inte(tmp_path):
    """TMPDIR som ägs av en annan användare (och är skrivbar för alla, som /tmp) får inga filer av
    appen; en MALKOLL_DATA_DIR som ägs av en annan användare vägras: sidorna svarar ändå (från
    databasen), inloggningen fungerar (den ligger i databasen)."""
    annans_tmp = tmp_path / "annans-tmp"
    annans_data = tmp_path / "annans-data"
    for k, lage in ((annans_tmp, 0o1777), (annans_data, 0o700)):
        k.mkdir()
        os.chown(k, 65534, 65534)
        os.chmod(k, lage)
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    forbered_databas(url)
    proc, bas = starta(url, tmp_path / "logg", workers=2, miljo={
        "TMPDIR": str(annans_tmp), "MALKOLL_DATA_DIR": str(annans_data), "MALKOLL_CACHE_DIR": None,
        "REDIS_URL": None, "MALKOLL_ADMIN_LOSENORD": LOSEN, "MALKOLL_HEMLIGHET": HEMLIGHET})
    try:
        k = Klient(bas)
        for _ in range(2):
            for sokvag in ("/", "/malomrade/1", "/budget"):
                assert sida(k, sokvag)[0] == 200
        assert k.get("/export/malkoll.xlsx")[0] == 200
        assert inloggad(logga_in(k, LOSEN))
        kod, innehall = halsa(bas)
        assert kod == 200 and innehall["delat_lager"] == "fel"   # skälet står i loggen (nedan)
    finally:
        stoppa(proc)
    assert [p for p in annans_tmp.rglob("*") if p.lstat().st_uid == os.geteuid()] == []
    assert list(annans_data.iterdir()) == []
    assert "ägs av en annan användare" in next((tmp_path / "logg").glob("gunicorn-*.log")).read_text()
