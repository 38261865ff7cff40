"""/halsa för lastbalanseraren: 200 med databasens och det delade lagrets (Redis) status som JSON,
503 när databasen inte svarar. Ett Redis som inte svarar ger 200 (sidorna svarar ändå, direkt
från databasen) men syns i svaret. Filen börjar med understreck: Dash Pages registrerar den inte.
"""
from __future__ import annotations

import json
import logging
import time

from data.lagring import db, delat

log = logging.getLogger(__name__)

VAG = "/halsa"


def status() -> tuple[int, dict]:
    """(HTTP-status, innehåll) för /halsa."""
    from sqlalchemy.exc import DBAPIError
    t0 = time.perf_counter()
    try:
        db.svarar()
        databas = {"svarar": True}
    except DBAPIError as e:
        databas = {"svarar": False, "fel": str(getattr(e, "orig", e)).strip().splitlines()[0][:200]}
    databas["ms"] = round((time.perf_counter() - t0) * 1000, 1)
    lager = delat.status()
    ok = databas["svarar"]
    return (200 if ok else 503), {"status": "ok" if ok else "fel", "databas": databas, "delat_lager": lager}


def registrera(app) -> None:
    """Vägen /halsa. Den besvaras före alla andra before_request-steg (skyddets databaskontroll,
    Dashs engångsinställning), så att den aldrig startar något som behöver databasen."""
    from flask import Response, request
    server = getattr(app, "server", app)
    if "halsa" in server.view_functions:
        return

    def halsa():
        kod, innehall = status()
        return Response(json.dumps(innehall, ensure_ascii=False), status=kod, mimetype="application/json",
                        headers={"Cache-Control": "no-store"})

    def _forst():
        if request.path == VAG and request.method in ("GET", "HEAD"):
            return halsa()
        return None
    server.add_url_rule(VAG, "halsa", halsa, methods=["GET", "HEAD"])
    server.before_request_funcs.setdefault(None, []).insert(0, _forst)
