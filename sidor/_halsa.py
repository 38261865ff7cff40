"""/halsa för lastbalanseraren: 200 med databasens och det delade lagrets (Redis) status som JSON,
503 när databasen inte svarar. Ett Redis som inte svarar ger 200 (sidorna svarar ändå, direkt
från databasen) men syns i svaret. Anonyma anropare får bara ok/fel; detaljerna (felmeddelanden med
värd, port, roll, katalog) bara en inloggad administratör. Filen börjar med understreck: Dash Pages
registrerar den inte.
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


def anonymt(innehall: dict) -> dict:
    """Det en anonym anropare (lastbalanseraren) får se: bara ok eller fel, för databasen och lagret –
    inga värdnamn, portar, roller, kataloger eller felmeddelanden (de står i loggen)."""
    lager = innehall.get("delat_lager") or {}
    return {"status": innehall["status"], "databas": "ok" if innehall["databas"].get("svarar") else "fel",
            "delat_lager": "ok" if lager.get("svarar") else "fel"}


def _administrator() -> bool:
    """Är anroparen en inloggad administratör? (Bara med en kaka; databasen nere: nej.)"""
    from flask import request
    from sidor import _inloggning
    if not request.cookies:
        return False
    try:
        anv = _inloggning._inloggad()
    except Exception:  # noqa: BLE001 - /halsa svarar alltid, också när databasen inte gör det
        return False
    return anv is not None and anv.administrator


def registrera(app) -> None:
    """Vägen /halsa. Den besvaras före alla andra before_request-steg (skyddets databaskontroll,
    Dashs engångsinställning), så att den aldrig startar något som behöver databasen."""
    from flask import Response, request
    server = getattr(app, "server", app)
    if "halsa" in server.view_functions:
        return

    def halsa():
        kod, innehall = status()
        if not _administrator():
            innehall = anonymt(innehall)
        return Response(json.dumps(innehall, ensure_ascii=False), status=kod, mimetype="application/json",
                        headers={"Cache-Control": "no-store"})

    def _forst():
        if request.path == VAG and request.method in ("GET", "HEAD"):
            return halsa()
        return None
    server.add_url_rule(VAG, "halsa", halsa, methods=["GET", "HEAD"])
    server.before_request_funcs.setdefault(None, []).insert(0, _forst)
