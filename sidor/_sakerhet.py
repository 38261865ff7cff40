"""Säkerhet och fel i drift: säkerhetshuvuden (CSP m.m.), gräns för begärans storlek, kakans
flaggor och nyckel, och ett begripligt svar när databasen inte svarar. Inloggningen (konton,
sessioner på servern, försöksgränser) finns i sidor/_inloggning.py och data/anvandare.py.
Se docs/drift.md.

Filen börjar med understreck, så Dash Pages registrerar den inte som sida. app.py anropar
`registrera(app)` (Dash-appen eller dess Flask-server); ett andra anrop gör ingenting.

Miljövariabler:
    MALKOLL_ADMIN_LOSENORD  startadministratörens lösenord (tills det första kontot finns)
    MALKOLL_HEMLIGHET       nyckel som signerar sessionskakan (minst 32 tecken, slumpad)
    MALKOLL_HTTPS=1         kakan skickas bara över HTTPS (Secure) och HSTS-huvudet sätts
    MALKOLL_PROXY_ANTAL     antal betrodda omvända proxyer framför appen (X-Forwarded-For)
    MALKOLL_DEBUG=1         Dash debug-läge (aldrig i drift; annars är /_reload-hash avstängd)
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging

from data.lagring import installningar
from data.konton import styrka

log = logging.getLogger("malkoll.sakerhet")

TILLAGG = "malkoll_sakerhet"          # nyckel i Flask-serverns `extensions`: registrerad en gång
MAX_BEGARAN = 8 * 1024 * 1024         # 8 MB: en rapport på högst 5 MB blir ~6,7 MB som base64 i JSON
SESSIONSTID = 8 * 60 * 60             # en inloggning gäller i högst 8 timmar
MIN_HEMLIGHET = 32
KANDA_STANDARDVARDEN = {
    "", "secret", "secret-key", "secret_key", "secretkey", "changeme", "change-me", "change_me",
    "dev", "development", "test", "default", "password", "losenord", "lösenord", "hemlig", "hemligt",
    "hemlighet", "byt-mig", "byt_mig", "ersatt-mig", "malkoll", "målkoll", "your-secret-key",
    "supersecret", "super-secret", "none", "null",
}

DATABASFEL_TEXT = ("Databasen svarar inte just nu. Målkoll kan inte visa sidan förrän den svarar igen – "
                   "försök igen om en stund. Kvarstår felet: kontakta den som driftar Målkoll.")

DATABASFEL_SIDA = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="30">
<title>Databasen svarar inte – Målkoll</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#212529}
h1{font-size:1.6rem}</style></head>
<body><main><h1>Databasen svarar inte just nu</h1>
<p>Målkoll kan inte visa sidan förrän databasen svarar igen. Sidan laddas om av sig själv var 30:e sekund,
eller så kan du <a href="">försöka igen</a> om en stund.</p>
<p>Kvarstår felet: kontakta den som driftar Målkoll. Ingenting av det som redan är sparat har gått förlorat.</p>
</main></body></html>
"""
# CSP-hash för sidans <style> (fel-sidan har inget skript)
_FELSIDA_STIL = "'sha256-" + base64.b64encode(hashlib.sha256(
    DATABASFEL_SIDA.split("<style>", 1)[1].split("</style>", 1)[0].encode()).digest()).decode() + "'"

INTERNT_FEL_TEXT = "Ett internt fel uppstod. Försök igen; kvarstår felet, kontakta den som driftar Målkoll.\n"
FORSTOR_TEXT = ("Begäran är för stor: servern tar emot högst {mb} MB. En rapportfil får vara högst 5 MB "
                "(Excel-arbetsbok, .xlsx).")


# --- Konfiguration -------------------------------------------------------------------------------

def losenord() -> str:
    return installningar.aktuella().admin_losenord


def hemlighet() -> str:
    return installningar.aktuella().hemlighet


def https() -> bool:
    return installningar.aktuella().https


def debug() -> bool:
    return installningar.aktuella().debug


def hemlighetsfel() -> str | None:
    """Vad som är fel med MALKOLL_HEMLIGHET (None när den duger)."""
    h = hemlighet()
    if not h.strip():
        return "Miljövariabeln MALKOLL_HEMLIGHET saknas."
    if h.strip().lower() in KANDA_STANDARDVARDEN:
        return "MALKOLL_HEMLIGHET har ett känt standardvärde."
    if len(h) < MIN_HEMLIGHET:
        return f"MALKOLL_HEMLIGHET är för kort ({len(h)} tecken; minst {MIN_HEMLIGHET} krävs)."
    if len(set(h)) < 8:
        return "MALKOLL_HEMLIGHET är för enkel (för få olika tecken)."
    monster = styrka.monsterfel(h, styrka.MIN_BITAR_HEMLIGHET)
    if monster:
        return f"MALKOLL_HEMLIGHET är {monster}."
    if losenord() and hmac.compare_digest(h.encode(), losenord().encode()):
        return "MALKOLL_HEMLIGHET får inte vara samma som administratörslösenordet."
    return None


def konfigurationsfel() -> str | None:
    """Varför ingen kan logga in (None: allt i ordning): nyckeln för kakan saknas eller är svag."""
    return hemlighetsfel()


HEMLIGHET_ATGARD = ('Skapa en slumpad nyckel med  python -c "import secrets; print(secrets.token_urlsafe(48))"  '
                    "sätt den i miljövariabeln MALKOLL_HEMLIGHET (samma värde för alla gunicorn-arbetare) "
                    "och starta om appen. Se docs/drift.md.")


# --- Klientens adress ----------------------------------------------------------------------------

def klient_ip() -> str:
    from flask import request
    return request.remote_addr or "okänd"


# --- Databasen -----------------------------------------------------------------------------------

def databasen_svarar() -> bool:
    """Svarar databasen? (Första gången också: schema och plan, om appen startade medan databasen
    var nere – `sakerstall_databas` gör ingenting när den redan lyckats en gång.)"""
    from sqlalchemy.exc import DBAPIError

    from data.lagring import db
    from data.planen import forbered
    try:
        forbered.sakerstall_databas()
        db.svarar()
        return True
    except DBAPIError as e:
        if not ar_anslutningsfel(e):
            raise
        log.warning("Databasen svarar inte: %s", _forsta_raden(e))
        return False


def _forsta_raden(e: BaseException) -> str:
    orsak = getattr(e, "orig", None) or e
    text = str(orsak).strip()
    return text.splitlines()[0] if text else type(orsak).__name__


def ar_anslutningsfel(e) -> bool:
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
    return isinstance(e, (OperationalError, InterfaceError)) or (
        isinstance(e, DBAPIError) and bool(getattr(e, "connection_invalidated", False)))


def _databasfel_svar():
    from flask import Response, request
    if "/_dash-" in request.path or request.accept_mimetypes.best == "application/json":
        r = Response(json.dumps({"fel": DATABASFEL_TEXT}, ensure_ascii=False), status=503,
                     mimetype="application/json")
    else:
        r = Response(DATABASFEL_SIDA, status=503, mimetype="text/html")
        r.headers["Content-Security-Policy"] = (f"default-src 'none'; style-src {_FELSIDA_STIL}; "
                                                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
    r.headers["Retry-After"] = "30"
    r.headers["Cache-Control"] = "no-store"
    r.headers["Content-Language"] = "sv"
    return r


# --- Dash-anrop ----------------------------------------------------------------------------------

def _stammer(givet, definierat: dict) -> bool:
    """Stämmer ett indatum med callbackens definition på samma plats? (Mönster-id:n – ALL, MATCH –
    skickas som listor eller med id som objekt; där prövas bara formen.)"""
    if isinstance(givet, list):
        return all(isinstance(g, dict) and g.get("property") == definierat.get("property") for g in givet)
    if not isinstance(givet, dict) or givet.get("property") != definierat.get("property"):
        return False
    return givet.get("id") == definierat.get("id") if isinstance(definierat.get("id"), str) else isinstance(
        givet.get("id"), dict)


def dash_anropsfel(dash_app, kropp) -> str | None:
    """Varför ett anrop till /_dash-update-component inte kan vara ett riktigt (None: det kan vara det)."""
    if not isinstance(kropp, dict) or not isinstance(kropp.get("output"), str):
        return "kroppen är inte ett Dash-anrop"
    cb = dash_app.callback_map.get(kropp["output"])
    if cb is None:
        return "okänd utdata"
    for namn in ("inputs", "state"):
        givna, definierade = kropp.get(namn) or [], cb.get(namn) or []
        if not isinstance(givna, list) or len(givna) != len(definierade):
            return f"fel antal {namn}"
        if not all(_stammer(g, d) for g, d in zip(givna, definierade)):
            return f"{namn} stämmer inte med callbacken"
    return None


def _granska_dash_anrop(server, dash_app, vag: str) -> None:
    """Ett Dash-anrop som inte stämmer med en callback (okänd utdata, fel antal eller fel slags indata –
    Dash binder dem efter plats) får 400, aldrig 500 från Dashs egen tolkning. Prövas i Dashs vy,
    efter alla before_request-steg (Dash Pages registrerar sin callback i ett sådant vid första anropet)."""
    import functools

    from flask import Response, request
    for regel in server.url_map.iter_rules():
        if regel.rule != vag:
            continue
        vy = server.view_functions[regel.endpoint]

        @functools.wraps(vy)
        def granskad(*a, _vy=vy, **kw):
            fel = dash_anropsfel(dash_app, request.get_json(silent=True))
            if fel is None:
                return _vy(*a, **kw)
            log.warning("Dash-anrop vägrat (%s): %s", request.remote_addr, fel)
            return Response(f"Ogiltigt anrop: {fel}.\n", status=400, mimetype="text/plain",
                            headers={"Content-Language": "sv", "Cache-Control": "no-store"})
        server.view_functions[regel.endpoint] = granskad


# --- Registrering ---------------------------------------------------------------------------------

def _csp(dash_app) -> str:
    """Content-Security-Policy som Dash fungerar med (prövad i Chromium, tests/test_sakerhet.py).

    script-src: bara appens egna filer plus hashar av Dashs inbäddade skript (renderaren och
    clientside-callbackarna, `Dash.csp_hashes()`); inget 'unsafe-inline', inget 'unsafe-eval'.
    style-src behöver 'unsafe-inline': React, Plotly och Dash-komponenterna sätter style-attribut.
    """
    skript = ["'self'"]
    if dash_app is not None and hasattr(dash_app, "csp_hashes"):
        skript += list(dash_app.csp_hashes())
    else:  # bara en Flask-server: hasharna går inte att räkna ut
        skript.append("'unsafe-inline'")
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(skript),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def registrera(app) -> None:
    """Slå på skyddet på Dash-appen (eller en Flask-server). Idempotent."""
    from flask import Response, request
    from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge
    from sqlalchemy.exc import DBAPIError

    server = getattr(app, "server", app)
    dash_app = app if server is not app else None
    if server.extensions.get(TILLAGG):
        return
    server.extensions[TILLAGG] = True

    server.config["MAX_CONTENT_LENGTH"] = MAX_BEGARAN
    server.config.update(
        SESSION_COOKIE_NAME="__Host-malkoll" if https() else "malkoll",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=https(),
        SESSION_COOKIE_PATH="/",
        PERMANENT_SESSION_LIFETIME=SESSIONSTID,
    )
    if not debug():
        server.debug = False
    if hemlighetsfel() is None:
        server.secret_key = hemlighet()
    else:
        log.warning("Rapporteringen (/rapportera) är stängd: %s %s", hemlighetsfel(), HEMLIGHET_ATGARD)

    if installningar.aktuella().proxy_antal > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = installningar.aktuella().proxy_antal
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n)

    prefix = getattr(getattr(dash_app, "config", None), "routes_pathname_prefix", None) or "/"
    sidvagar = {prefix, prefix + "<path:path>"}
    csp_cache: dict[str, str] = {}

    def _fore():
        regel = request.url_rule.rule if request.url_rule is not None else None
        if regel == prefix + "_reload-hash" and not debug():
            return Response("Finns inte.\n", status=404, mimetype="text/plain")
        # Dash gör sin engångsinställning (callbackarna kopieras in, layouten valideras – och den
        # läser databasen) vid processens första anrop, och markerar den som gjord *innan* den körs:
        # misslyckas den för att databasen är nere fungerar processens callbackar aldrig. Därför
        # frågas databasen först så länge inställningen inte är gjord, och svarar den inte blir
        # svaret 503 utan att Dash försöker.
        forsta = getattr(dash_app, "_got_first_request", {}).get("setup_server", True) is False
        if (forsta or (request.method == "GET" and regel in sidvagar)) and not databasen_svarar():
            return _databasfel_svar()
        return None

    # Före Dashs egen before_request (`_setup_server`), se ovan.
    server.before_request_funcs.setdefault(None, []).insert(0, _fore)

    if dash_app is not None:
        _granska_dash_anrop(server, dash_app, prefix + "_dash-update-component")

        from dash.exceptions import CallbackException

        @server.errorhandler(CallbackException)
        def _callbackfel(e):
            return Response(f"Ogiltigt anrop: {e}\n", status=400, mimetype="text/plain",
                            headers={"Content-Language": "sv"})

    @server.after_request
    def _huvuden(resp):
        h = resp.headers
        if "Content-Security-Policy" not in h:
            if resp.mimetype == "text/html" or "csp" not in csp_cache:
                csp_cache["csp"] = _csp(dash_app)
            h["Content-Security-Policy"] = csp_cache["csp"]
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
        if https():
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.path.startswith((prefix + "_dash-update-component", prefix + "_dash-layout",
                                    prefix + "logga-in", prefix + "logga-ut")) or request.path.endswith("/rapportera"):
            h.setdefault("Cache-Control", "no-store")
        return resp

    @server.errorhandler(DBAPIError)
    def _databasfel(e):
        if ar_anslutningsfel(e):
            log.warning("Databasen svarar inte (%s %s): %s", request.method, request.path, _forsta_raden(e))
            return _databasfel_svar()
        log.exception("Databasfel vid %s %s", request.method, request.path)
        return Response(INTERNT_FEL_TEXT, status=500, mimetype="text/plain", headers={"Content-Language": "sv"})

    @server.errorhandler(InternalServerError)
    def _internt_fel(e):
        orsak = getattr(e, "original_exception", None)
        if orsak is not None and ar_anslutningsfel(orsak):
            return _databasfel_svar()
        return Response(INTERNT_FEL_TEXT, status=500, mimetype="text/plain", headers={"Content-Language": "sv"})

    @server.errorhandler(RequestEntityTooLarge)
    def _for_stor(_e):
        return Response(FORSTOR_TEXT.format(mb=MAX_BEGARAN // (1024 * 1024)) + "\n", status=413,
                        mimetype="text/plain", headers={"Content-Language": "sv", "Connection": "close"})
