"""Databasen: motor och sessioner. Standard är en inbäddad SQLite-fil under data/;
miljövariabeln DATABASE_URL byter till t.ex. PostgreSQL
(postgresql+psycopg://postgres@127.0.0.1:5432/test).

Det som först möter en tom databas (appen eller ett kommando) anropar `sakerstall_databas()`,
som skapar schemat och läser in planen.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

DATA_DIR = Path(__file__).resolve().parent
STANDARD_SQLITE = DATA_DIR / "malkoll.sqlite"

_motorer: dict[str, Engine] = {}
_las = threading.RLock()
_klara: set[str] = set()


def databas_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{STANDARD_SQLITE}"
    # Heroku-liknande "postgres://" och "postgresql://" körs med psycopg 3
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def motor(url: str | None = None) -> Engine:
    url = url or databas_url()
    with _las:
        if url not in _motorer:
            if url.startswith("sqlite"):
                eng = create_engine(url, connect_args={"timeout": 30})

                @event.listens_for(eng, "connect")
                def _pragma(dbapi_conn, _rec):  # främmande nycklar och samtidiga läsare
                    cur = dbapi_conn.cursor()
                    cur.execute("PRAGMA foreign_keys=ON")
                    cur.execute("PRAGMA journal_mode=WAL")
                    cur.close()
            else:
                eng = create_engine(url, pool_pre_ping=True)
            _motorer[url] = eng
        return _motorer[url]


def sessionsfabrik(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(motor(url), expire_on_commit=False)


@contextmanager
def session(url: str | None = None):
    """En session i en transaktion: allt eller inget."""
    with sessionsfabrik(url)() as s:
        with s.begin():
            yield s


@contextmanager
def processlas(url: str):
    """Lås mellan processer (flera gunicorn-arbetsprocesser startar samtidigt mot en tom databas):
    PostgreSQL: ett advisory lock; SQLite: ett fillås bredvid databasfilen."""
    eng = motor(url)
    if eng.dialect.name == "postgresql":
        from sqlalchemy import text
        with eng.connect() as c:
            c.execute(text("SELECT pg_advisory_lock(7283614)"))
            try:
                yield
            finally:
                c.execute(text("SELECT pg_advisory_unlock(7283614)"))
                c.commit()
    elif eng.dialect.name == "sqlite" and eng.url.database and eng.url.database != ":memory:":
        import fcntl
        with open(f"{eng.url.database}.las", "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
    else:
        yield


def sakerstall_databas(url: str | None = None) -> None:
    """Skapa schema och läs in planen om databasen är tom (en gång per process och URL)."""
    url = url or databas_url()
    if url in _klara:
        return
    from data import ladda  # undvik cirkulär import
    from data.models import Bas

    eng = motor(url)
    with _las, processlas(url):
        if url in _klara:
            return
        Bas.metadata.create_all(eng)  # skapar bara det som saknas
        from data.cache import saker_rad
        from data.models import Plan
        with session(url) as s:
            saker_rad(s)
            tom = s.query(Plan).count() == 0
        _klara.add(url)  # före inläsningen: inläsningen själv använder frågefunktionerna
        if tom:
            # Första mötet med en tom databas: planen, de publicerade utfallen och exemplet
            from data import exempel, publicerat
            try:
                ladda.ladda_plan(url=url)
                publicerat.ladda_publicerat(url=url)
                if not exempel.avstangt():
                    exempel.ladda_exempel(url=url)
            except BaseException:
                _klara.discard(url)  # nästa anrop försöker igen
                raise


def svarar(url: str | None = None) -> None:
    """Kontrollera att databasen svarar (och är uppsatt); kastar DBAPIError annars."""
    from sqlalchemy import text
    sakerstall_databas(url)
    with motor(url).connect() as c:
        c.execute(text("SELECT 1"))


def glom_motorer() -> None:
    """För tester: stäng pooler och glöm vilka databaser som är klara."""
    with _las:
        for eng in _motorer.values():
            eng.dispose()
        _motorer.clear()
        _klara.clear()
