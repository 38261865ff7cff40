"""Databasen: motorer och sessioner, inget annat.

URL:en kommer från inställningarna (DATABASE_URL, standard en inbäddad SQLite-fil under data/).
Schema, migreringar och första inläsningen är ett eget, uttryckligt steg: `data.start`.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from data.lagring import installningar

log = logging.getLogger(__name__)

_motorer: dict[str, Engine] = {}
_las = threading.RLock()


def databas_url() -> str:
    """Processens databas (ur inställningarna)."""
    return installningar.aktuella().databas_url


def _sqlite_motor(url: str) -> Engine:
    eng = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(eng, "connect")
    def _pragma(dbapi_conn, _rec):  # främmande nycklar och samtidiga läsare
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.close()
    return eng


def motor() -> Engine:
    """Processens databas: en motor per URL och process (skapas vid första användningen, ansluter
    inte själv). Vilken databas det är bestäms av startsteget (data.lagring.start), inte av anroparen."""
    url = databas_url()
    with _las:
        if url not in _motorer:
            _motorer[url] = (_sqlite_motor(url) if url.startswith("sqlite")
                             else create_engine(url, pool_pre_ping=True))
        return _motorer[url]


def sessionsfabrik() -> sessionmaker[Session]:
    return sessionmaker(motor(), expire_on_commit=False)


@contextmanager
def session() -> Iterator[Session]:
    """En session i en transaktion: allt eller inget."""
    with sessionsfabrik()() as s:
        with s.begin():
            yield s


@contextmanager
def processlas() -> Iterator[None]:
    """Lås mellan processer (flera gunicorn-arbetsprocesser startar samtidigt mot en tom databas):
    PostgreSQL: ett advisory lock; SQLite: ett fillås bredvid databasfilen."""
    eng = motor()
    if eng.dialect.name == "postgresql":
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


def svarar() -> None:
    """Kontrollera att databasen svarar; kastar DBAPIError annars."""
    with motor().connect() as c:
        c.execute(text("SELECT 1"))


def glom_motorer() -> None:
    """För tester: stäng pooler och glöm motorerna."""
    with _las:
        for eng in _motorer.values():
            eng.dispose()
        _motorer.clear()
