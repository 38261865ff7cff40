"""Första start: schema (data.start) och, för en tom databas, planen ur källfilerna, de
publicerade utfallen och (om MALKOLL_EXEMPEL inte är nej) den märkta exempelrapporten.

Appens fabrik (`create_app`) anropar `forbered()`; en operatör kör samma steg med

    python -m data.forbered        # "init-db": schema + plan om databasen är tom
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import threading
from pathlib import Path

from sqlalchemy import select

from data.lagring import cache, db, installningar, start
from data.planen import exempel, ladda, publicerat
from data.utdata import kolada
from data.lagring.installningar import Installningar
from data.lagring.models import Plan

log = logging.getLogger(__name__)

_klara: set[str] = set()
_las = threading.RLock()


def fyll_om_tom(inst: Installningar) -> bool:
    """Läs in planen (och publicerade utfall, exempel) om databasen saknar planer."""
    with db.processlas():
        with db.session() as s:
            cache.saker_rad(s)
            if s.scalar(select(Plan.id).limit(1)) is not None:
                return False
        plan = ladda.ladda_plan_katalog(Path(inst.plankatalog))
        publicerat.ladda_for_plan(Path(inst.plankatalog), plan)
        _las_in_kolada(Path(inst.plankatalog), plan)
        if inst.exempel:
            exempel.ladda_exempel(plan=plan)
        log.info("Tom databas fylld med planen %s", plan)
        return True


def _las_in_kolada(katalog: Path, plan: dict) -> None:
    """Planmappens Kolada-ögonblicksbild (plan.yaml: kolada: ogonblicksbild), om den finns."""
    bild = (plan.get("kolada") or {}).get("ogonblicksbild")
    if not bild:
        return
    rader = kolada.tolka_fil(katalog / bild["fil"], dt.date.fromisoformat(bild["hamtad"]), bild["kalla"])
    with db.session() as s:
        res = kolada.spara_rader(s, rader)
    log.info("Kolada-ögonblicksbilden %s: %s", bild["fil"], res.text())


def sakerstall_databas(inst: Installningar | None = None) -> None:
    """Schema och första inläsning, en gång per process och databas (idempotent)."""
    inst = inst or installningar.aktuella()
    url = db.databas_url()
    if url in _klara:
        return
    with _las:
        if url in _klara:
            return
        start.sakerstall_schema()
        fyll_om_tom(inst)
        _klara.add(url)


def forbered(inst: Installningar | None = None) -> Installningar:
    """Startsteget för appen och init-db: inställningarna, schemat och en fylld databas."""
    inst = start.starta(inst, schema=False)
    sakerstall_databas(inst=inst)
    return inst


def glom() -> None:
    """För tester: glöm vilka databaser som är klara (och motorerna)."""
    with _las:
        _klara.clear()
    start.glom()


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m data.forbered",
                            description="Sätt upp databasen (DATABASE_URL): schema och, om den är tom, "
                                        "planen, publicerade utfall och exempel.").parse_args(argv)
    try:
        inst = forbered()
    except installningar.Installningsfel as e:
        print(f"Fel i inställningarna: {e}", file=sys.stderr)
        return 2
    print(f"Databasen är klar (schema {start.senaste_version()}): {inst.databas_url.split('@')[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
