"""Gemensamt för bänkskripten: databas-URL:er, egna PostgreSQL-databaser, gunicorn på en ledig
port, percentiler och maskinbeskrivning. Inga SQL-frågor mot appens tabeller här.
"""
from __future__ import annotations

import os
from data.lagring.start import anvand_databas
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from data.planen import forbered  # noqa: E402

ROT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("MALKOLL_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def sqlalchemy_url(url: str) -> str:
    """postgres:// och postgresql:// körs med psycopg 3 (som data.lagring.db.databas_url)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def visad_url(url: str) -> str:
    """URL utan användare/lösenord, för utskrifter."""
    return url.split("@")[-1] if "@" in url else url


def ny_sqlite_url(prefix: str = "malkoll_bench_") -> str:
    import tempfile
    katalog = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    return f"sqlite:///{katalog}/malkoll.sqlite"


def ta_bort_sqlite(url: str) -> None:
    if url.startswith("sqlite:///"):
        fil = Path(url[len("sqlite:///"):])
        if fil.parent.name.startswith("malkoll_bench_") or fil.parent.name.startswith("malkoll_synt_"):
            shutil.rmtree(fil.parent, ignore_errors=True)


def _pg_admin():
    import psycopg
    return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)


def ny_pg_databas(prefix: str = "malkoll_bench") -> str:
    """Skapa en ny PostgreSQL-databas (på PG_ADMIN:s server) och ge dess SQLAlchemy-URL."""
    namn = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as c:
        c.execute(f'CREATE DATABASE "{namn}"')
    bas = PG_ADMIN.rsplit("/", 1)[0]
    return sqlalchemy_url(f"{bas}/{namn}")


def ta_bort_pg_databas(url: str) -> None:
    forbered.glom()
    namn = url.rsplit("/", 1)[1].split("?")[0]
    with _pg_admin() as c:
        c.execute(f'DROP DATABASE IF EXISTS "{namn}" WITH (FORCE)')


@contextmanager
def tillfallig_databas(sort: str, behall: bool = False):
    """En ny tom databas, 'sqlite' eller 'postgresql', som tas bort efteråt."""
    url = ny_sqlite_url() if sort == "sqlite" else ny_pg_databas()
    try:
        yield url
    finally:
        if not behall:
            ta_bort_cache(url)
            if sort == "sqlite":
                forbered.glom()
                ta_bort_sqlite(url)
            else:
                ta_bort_pg_databas(url)


def ta_bort_cache(url: str) -> None:
    """Glöm cachen för databasen: cachen (data/cache.py) har databasens generation i nycklarna, så
    en uppräknad generation gör alla sparade svar oanvända (de går ut av sig själva)."""
    from data.lagring import cache, db
    try:
        anvand_databas(url)
        with db.session() as s:
            cache.rakna_upp(s)
    except Exception:  # noqa: BLE001  (databasen kan redan vara borttagen)
        pass


def ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn i en egen processgrupp; stoppas med stoppa() (bara den gruppen)."""

    def __init__(self, appmodul: str, workers: int = 2, miljo: dict | None = None, logg: Path | None = None,
                 rot: Path = ROT):
        self.port = ledig_port()
        self.bas = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(rot), **(miljo or {})}
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        self._logg = open(logg or os.devnull, "w")
        self.proc = subprocess.Popen(
            [gunicorn, appmodul, "-w", str(workers), "--no-control-socket", "-b", f"127.0.0.1:{self.port}",
             "--timeout", "120"],
            cwd=rot, env=env, stdout=self._logg, stderr=subprocess.STDOUT, start_new_session=True)

    def vanta(self, sokvag: str = "/_dash-layout", timeout: float = 120) -> "Server":
        slut = time.time() + timeout
        while time.time() < slut:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn avslutades (kod {self.proc.returncode})")
            try:
                urllib.request.urlopen(self.bas + sokvag, timeout=5).read()
                return self
            except Exception:  # noqa: BLE001
                time.sleep(0.3)
        self.stoppa()
        raise RuntimeError(f"gunicorn svarade inte inom {timeout} s")

    def stoppa(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # gruppen är vår egen (start_new_session)
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
            except ProcessLookupError:
                pass
        self._logg.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stoppa()


def percentil(varden, p: float) -> float:
    """Percentil med linjär interpolation (p i 0–100)."""
    x = sorted(varden)
    if not x:
        return float("nan")
    k = (len(x) - 1) * p / 100
    f = int(k)
    c = min(f + 1, len(x) - 1)
    return x[f] + (x[c] - x[f]) * (k - f)


def maskin() -> str:
    """Datum, kärnor, kärna och Python – överst i varje resultat."""
    datum = subprocess.run(["date"], capture_output=True, text=True).stdout.strip()
    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    return (f"{datum} · nproc {os.cpu_count()} · {uname} · Python {platform.python_version()} · {last()}")


def last() -> str:
    """Maskinens last (1/5/15 min) – andra processer på maskinen påverkar mätningarna."""
    a, b, c = os.getloadavg()
    return f"last {a:.1f}/{b:.1f}/{c:.1f}"
