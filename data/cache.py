"""Delad cache för frågeresultat, per (databas, generation, fråga, argument) – alltså per plan,
period och filter.

Generationen är ett tal i databasen (tabellen cachegeneration) som räknas upp i samma
transaktion som varje ändring av data (import, inläsning, låsning). Varje begäran läser talet en
gång; nycklarna innehåller det. Därför visar ingen gunicorn-arbetsprocess gamla värden efter en
import i en annan process: de får en ny nyckel vid nästa begäran. Resultaten ligger i en
filkatalog som alla processer på maskinen delar (MALKOLL_CACHE_DIR, standard i tmp).
MALKOLL_CACHE=av stänger av cachen.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import pickle
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import func, select, update

from data import db, installningar
from data.models import Cachegeneration

MAX_FILER = 5000


def avstangd() -> bool:
    return not installningar.aktuella().cache


def _katalog(url: str) -> Path:
    inst = installningar.aktuella()
    bas = Path(inst.cache_katalog or Path(tempfile.gettempdir()) / "malkoll-cache")
    k = bas / hashlib.sha256(url.encode()).hexdigest()[:16]
    k.mkdir(parents=True, exist_ok=True)
    return k


def saker_rad(s) -> None:
    """Skapa generationsraden om den saknas (i den pågående transaktionen)."""
    if s.get(Cachegeneration, 1) is None:
        s.add(Cachegeneration(id=1, token=uuid.uuid4().hex, generation=0, andrad=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)))
        s.flush()


def rakna_upp(s) -> None:
    """Anropas i samma transaktion som en ändring: alla cachade svar blir inaktuella vid commit."""
    saker_rad(s)
    s.execute(update(Cachegeneration).where(Cachegeneration.id == 1)
              .values(generation=Cachegeneration.generation + 1, andrad=func.now()))


def _las_generation(url: str) -> str:
    with db.motor(url).connect() as c:
        rad = c.execute(select(Cachegeneration.token, Cachegeneration.generation)
                        .where(Cachegeneration.id == 1)).first()
    return f"{rad[0]}-{rad[1]}" if rad else "ingen"


def senast_andrad(url: str | None = None):
    """När data senast ändrades (generationens tid, UTC), eller None om den inte är känd."""
    with db.motor(url).connect() as c:
        rad = c.execute(select(Cachegeneration.andrad).where(Cachegeneration.id == 1)).first()
    return rad[0] if rad else None


def generation(url: str) -> str:
    """Generationen, läst högst en gång per webbförfrågan."""
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover
        has_request_context = lambda: False  # noqa: E731
    if has_request_context():
        cache = g.setdefault("_malkoll_generation", {})
        if url not in cache:
            cache[url] = _las_generation(url)
        return cache[url]
    return _las_generation(url)


def cachad(funktion):
    """Dekorator för frågefunktioner med nyckelordet url=. Argumenten ingår i nyckeln."""
    @functools.wraps(funktion)
    def inre(*args, url: str | None = None, **kw):
        if avstangd():
            return funktion(*args, url=url, **kw)
        url = url or db.databas_url()
        nyckel = hashlib.sha256(repr((funktion.__module__, funktion.__qualname__, generation(url),
                                      args, sorted(kw.items()))).encode()).hexdigest()
        fil = _katalog(url) / f"{nyckel}.pkl"
        try:
            with open(fil, "rb") as f:
                return pickle.load(f)
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            pass
        svar = funktion(*args, url=url, **kw)
        tmp = fil.with_suffix(f".{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as f:
                pickle.dump(svar, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, fil)
            _rensa(fil.parent)
        except OSError:
            pass
        return svar
    inre.ocachad = funktion
    return inre


def _rensa(katalog: Path) -> None:
    """Håll katalogen liten: ta bort de äldsta filerna när de blir för många."""
    try:
        filer = list(katalog.iterdir())
        if len(filer) <= MAX_FILER:
            return
        filer.sort(key=lambda p: p.stat().st_mtime)
        for p in filer[: len(filer) - MAX_FILER // 2]:
            p.unlink(missing_ok=True)
    except OSError:
        pass
