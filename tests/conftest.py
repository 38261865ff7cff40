"""Gemensamma fixturer: databaser (SQLite och PostgreSQL), appserver (gunicorn) och Chromium.

PostgreSQL: en egen databas skapas per körning på 127.0.0.1:5432 (användare postgres) och tas
bort efteråt. Under CI=true är en PostgreSQL som inte svarar ett fel, inte ett överhoppat test.
"""
from __future__ import annotations

import os
from data.lagring.start import anvand_databas
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROT))

from data.planen import forbered  # noqa: E402

PG_ADMIN = os.environ.get("MALKOLL_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_TEST = os.environ.get("MALKOLL_TEST_REDIS", "redis://127.0.0.1:6379/0")


def redis_eller_hoppa(url: str = REDIS_TEST) -> None:
    """Svarar Redis? Under CI=true är en Redis som inte svarar ett fel, annars hoppas testet över."""
    import redis
    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except Exception as e:  # noqa: BLE001
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis svarar inte ({url}): {e}")
        pytest.skip(f"Redis svarar inte: {e}")


@pytest.fixture
def redis_prefix(monkeypatch):
    """REDIS_URL och ett eget nyckelprefix för testet; alla nycklar med prefixet tas bort efteråt."""
    redis_eller_hoppa()
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    monkeypatch.setenv("REDIS_URL", REDIS_TEST)
    monkeypatch.setenv("MALKOLL_REDIS_PREFIX", prefix)
    from data.lagring import delat
    delat.glom()
    yield prefix
    rensa_redis(prefix)
    delat.glom()


def rensa_redis(prefix: str, url: str = REDIS_TEST) -> None:
    import redis
    r = redis.Redis.from_url(url)
    for k in r.scan_iter(match=f"malkoll:{prefix}*", count=500):
        r.delete(k)


@pytest.fixture(autouse=True)
def _glom_installningar():
    """Varje test börjar utan valda inställningar: de läses ur (testets) miljö tills någon startar."""
    yield
    from data.lagring import installningar
    installningar.glom()


DATABASFIXTURER = ("laddad_databas", "laddad_sqlite", "tom_databas", "databas", "tva_planer")


@pytest.fixture(autouse=True)
def _processens_databas(request, _glom_installningar):
    """Ett test som tar en databasfixtur kör mot den: den blir processens databas (som startsteget gör
    i appen). Inga funktioner tar en databas-URL."""
    for namn in DATABASFIXTURER:
        if namn in request.fixturenames:
            varde = request.getfixturevalue(namn)
            if isinstance(varde, str):
                anvand_databas(varde)
            break


def _pg_admin_anslutning():
    import psycopg
    return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)


def pg_databas():
    """Skapa en ny PostgreSQL-databas; returnera (url, städfunktion)."""
    namn = f"malkoll_test_{uuid.uuid4().hex[:10]}"
    try:
        with _pg_admin_anslutning() as c:
            c.execute(f'CREATE DATABASE "{namn}"')
    except Exception as e:  # noqa: BLE001
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL svarar inte ({PG_ADMIN}): {e}")
        pytest.skip(f"PostgreSQL svarar inte: {e}")
    bas = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    url = f"{bas}/{namn}"

    def stada():
        forbered.glom()
        with _pg_admin_anslutning() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{namn}" WITH (FORCE)')
    return url, stada


@pytest.fixture(params=["sqlite", "postgresql"])
def tom_databas(request, tmp_path):
    """URL till en tom databas av varje sort."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'malkoll.sqlite'}"
        forbered.glom()
    else:
        url, stada = pg_databas()
        yield url
        stada()


@pytest.fixture(scope="session")
def laddad_sqlite(tmp_path_factory):
    """En SQLite-databas med planen inläst (delas av testerna som bara läser)."""
    from data.planen import ladda
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'plan.sqlite'}"
    anvand_databas(url)
    ladda.ladda_plan()
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def laddad_databas(request, tmp_path_factory):
    """Planen inläst i SQLite och i PostgreSQL (för tester som bara läser)."""
    from data.planen import ladda
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'plan.sqlite'}"
        anvand_databas(url)
        ladda.ladda_plan()
        yield url
    else:
        url, stada = pg_databas()
        anvand_databas(url)
        ladda.ladda_plan()
        yield url
        stada()


# --- Appserver och webbläsare ---

def ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def starta_server(databas_url: str, workers: int = 1, miljo: dict | None = None):
    port = ledig_port()
    import tempfile
    # Egen datakatalog per server (försöksräknaren för inloggning), så att tester inte påverkar varandra
    datakatalog = tempfile.mkdtemp(prefix="malkoll-data-")
    env = {**os.environ, "DATABASE_URL": databas_url, "PYTHONPATH": str(ROT),
           "MALKOLL_DATA_DIR": datakatalog, **(miljo or {})}
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    # Serverns logg till en fil (en pipe som ingen läser fylls och stoppar arbetarna); sökvägen
    # står i proc.loggfil så att ett test kan visa den när något går fel.
    loggfil = Path(datakatalog) / "gunicorn.log"
    with open(loggfil, "w") as ut:
        proc = subprocess.Popen([gunicorn, "app:server", "-b", f"127.0.0.1:{port}", "-w", str(workers),
                                 "--no-control-socket", "--timeout", "120"],
                                cwd=ROT, env=env, stdout=ut, stderr=subprocess.STDOUT, text=True)
    proc.loggfil = loggfil
    bas = f"http://127.0.0.1:{port}"
    import urllib.request
    slut = time.time() + 240   # ett villkor, ingen tidsgräns för appen: två kärnor kan vara hårt lastade
    while time.time() < slut:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn avslutades:\n" + loggfil.read_text(errors="replace")[-5000:])
        try:
            urllib.request.urlopen(bas + "/_dash-layout", timeout=2)
            return proc, bas
        except Exception:  # noqa: BLE001
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("gunicorn startade inte inom 240 s")


@pytest.fixture(scope="session")
def appserver(tmp_path_factory):
    """Appen i gunicorn mot en egen SQLite-databas som skapas och fylls vid första anropet."""
    url = f"sqlite:///{tmp_path_factory.mktemp('app') / 'app.sqlite'}"
    proc, bas = starta_server(url)
    yield {"bas": bas, "databas": url}
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def webblasare():
    from tools.skarmbild import chrome
    if not Path("/usr/bin/chromium").exists() or not Path("/usr/bin/chromedriver").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium/chromedriver saknas (apt-get install chromium chromium-driver)")
        pytest.skip("Chromium saknas")
    d = chrome(1920, 1080)
    yield d
    d.quit()


@pytest.fixture
def storlek(webblasare):
    """Sätt visningsytan (bredd, höjd) och återställ den efter testet (andra tester räknar med 1920×1080)."""
    from tools.skarmbild import satt_storlek
    yield lambda b, h: satt_storlek(webblasare, b, h)
    satt_storlek(webblasare, 1920, 1080)


@pytest.fixture
def sida(webblasare, appserver):
    """Öppna en sida och vänta tills Dash har ritat klart; misslyckas på konsolfel."""
    from tools.skarmbild import vanta_pa_dash
    webblasare.get_log("browser")  # töm

    def oppna(sokvag: str):
        webblasare.get(appserver["bas"] + sokvag)
        vanta_pa_dash(webblasare)
        return webblasare

    yield oppna
    fel = [r for r in webblasare.get_log("browser") if r["level"] == "SEVERE"]
    assert not fel, f"Konsolfel i webbläsaren: {fel}"
