"""Startsteget: det enda stället där databasen sätts upp. Appen (`create_app`) och varje kommando
anropar `starta()` en gång; ingen modul rör databasen när den importeras.

1. Inställningarna läses ur miljön (data.installningar) och blir processens.
2. Schemat uppgraderas med Alembic till senaste version (en databas från version 1, som saknar
   versionstabell, stämplas först som baslinjen – inget går förlorat).
3. (`data.forbered`, ett lager högre) En tom databas fylls: planen ur källfilerna, de publicerade
   utfallen och (om inställt) den märkta exempelrapporten.

Steg 2 sker under ett lås mellan processer, så flera gunicorn-arbetare kan starta samtidigt.
Operatörer:  python -m data.start uppgradera | version   (och python -m data.forbered för init-db)
"""
from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from data.lagring import db, installningar
from data.lagring.installningar import Installningar

log = logging.getLogger(__name__)

MIGRERINGAR = Path(__file__).resolve().parent / "migrations"
BASLINJE = "0001_baslinje"
_klara: set[str] = set()
_las = threading.RLock()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRERINGAR))
    return cfg


def senaste_version() -> str:
    """Migreringarnas enda huvud (fler än ett är ett fel i koden)."""
    huvuden = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(huvuden) != 1:
        raise RuntimeError(f"Migreringarna har {len(huvuden)} huvuden: {huvuden}")
    return huvuden[0]


def databasens_version() -> str | None:
    with db.motor().connect() as c:
        return MigrationContext.configure(c).get_current_revision()


def uppgradera() -> None:
    """Schemat till senaste version (under processlåset)."""
    with db.processlas(), db.motor().connect() as c:
        sqlite = c.dialect.name == "sqlite"
        if sqlite:  # SQLite bygger om tabeller vid ändringar: främmande nycklar av under tiden
            c.exec_driver_sql("PRAGMA foreign_keys=OFF")
            c.commit()
        try:
            with c.begin():
                tabeller = set(inspect(c).get_table_names())
                cfg = alembic_config()
                cfg.attributes["connection"] = c
                if "plan" in tabeller and "alembic_version" not in tabeller:
                    log.info("Databasen är från version 1 (utan migreringar): stämplas som %s", BASLINJE)
                    command.stamp(cfg, BASLINJE)
                command.upgrade(cfg, "head")
        finally:
            if sqlite:
                c.exec_driver_sql("PRAGMA foreign_keys=ON")
                c.commit()


def sakerstall_schema() -> None:
    """Processens databas på senaste schemaversion, en gång per process och databas."""
    url = db.databas_url()
    if url in _klara:
        return
    with _las:
        if url not in _klara:
            uppgradera()
            _klara.add(url)


def starta(inst: Installningar | None = None, schema: bool = True) -> Installningar:
    """Processens start: inställningarna (ur miljön om inga ges) och, om `schema`, migreringarna.
    Att fylla en tom databas är nästa steg: `data.forbered` (appen och init-db gör båda)."""
    inst = installningar.anvand(inst or Installningar.fran_miljo())
    if schema:
        sakerstall_schema()
    return inst


def anvand_databas(url: str) -> None:
    """Gör `url` till processens databas (utan migreringar) – för tester och verktyg som byter databas.
    Appen och kommandona väljer databasen en gång, i `starta`."""
    installningar.anvand_databas(url)


def glom() -> None:
    """För tester: glöm vilka databaser som är klara och stäng motorerna."""
    with _las:
        _klara.clear()
    db.glom_motorer()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m data.start",
                                 description="Uppgradera Målkolls databasschema (DATABASE_URL).")
    ap.add_argument("kommando", choices=["uppgradera", "version"],
                    help="uppgradera: schemat till senaste version; version: visa versionerna")
    args = ap.parse_args(argv)
    try:
        starta(schema=False)
    except installningar.Installningsfel as e:
        print(f"Fel i inställningarna: {e}", file=sys.stderr)
        return 2
    if args.kommando == "uppgradera":
        uppgradera()
        print(f"Schemat är på version {senaste_version()}.")
    else:
        print(f"Databasen: {databas_version_text()}; senaste: {senaste_version()}")
    return 0


def databas_version_text() -> str:
    return databasens_version() or "ingen (tom eller version 1)"


if __name__ == "__main__":
    sys.exit(main())
