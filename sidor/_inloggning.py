"""Inloggning i webbläsaren: vem som är inloggad (en inloggning på servern, data/anvandare.py),
formulärets POST /logga-in och /logga-ut, SSO med OpenID Connect (sidor/_oidc.py), skydd mot
anrop från andra webbplatser (Origin) och inställningen att inloggning krävs för allt.

Kakan (signerad med MALKOLL_HEMLIGHET, HttpOnly, SameSite=Strict) bär bara en slumpad nyckel;
inloggningen finns i databasen, så utloggning, inaktivering och rollbyte gäller vid nästa begäran.
"""
from __future__ import annotations

import logging
from urllib.parse import quote, urlsplit

from data.konton import anvandare
from data.lagring import installningar
from data.konton.anvandare import Anvandare
from sidor import _sakerhet

log = logging.getLogger(__name__)

KAKNYCKEL = "inloggning"
TILLAGG = "malkoll_inloggning"
# Vad som får hämtas utan inloggning när MALKOLL_KRAV_INLOGGNING=ja: inloggningssidan (utan Dash,
# sidor/_inloggningssida.py), SSO, utloggningen, stilmallarna och /halsa – inget av Dash.
OPPET = frozenset({"/logga-in", "/logga-ut", "/logga-in/oidc", "/logga-in/oidc/svar", "/halsa",
                   "/favicon.ico", "/_favicon.ico"})
OPPET_UNDER = ("/assets/",)

BESKED = {
    "1": "Fel användarnamn eller lösenord.",
    "nyckel": "Inloggningen är avstängd: servern saknar en säker nyckel (MALKOLL_HEMLIGHET). Se docs/drift.md.",
    "sso": "Inloggningen via organisationen misslyckades. Försök igen.",
    "ingen-roll": "Ditt konto hos organisationen har ingen roll i Målkoll. Kontakta en administratör.",
}


def besked(fel=None, vanta=None, utloggad=None) -> tuple[str | None, str]:
    """Inloggningssidans besked för adressens fel=, vanta= och utloggad=: (text, slag)."""
    if vanta and str(vanta).isascii() and str(vanta).isdigit():
        return f"För många felaktiga försök. Vänta {int(vanta)} sekunder och försök igen.", "warning"
    if fel in BESKED:
        return BESKED[fel], "danger"
    if utloggad:
        return "Du är utloggad.", "info"
    return None, ""


def oppen_vag(sokvag: str) -> bool:
    """Får sökvägen hämtas utan inloggning när inloggning krävs?"""
    return sokvag in OPPET or sokvag.startswith(OPPET_UNDER)


def eget_ursprung() -> str:
    from flask import request
    return f"{request.scheme}://{request.host}"


def samma_ursprung() -> bool:
    """Kommer begäran från Målkolls egna sidor? (Origin, annars Referer; saknas båda: nej)."""
    from flask import request
    eget = eget_ursprung()
    origin = request.headers.get("Origin")
    if origin:
        return origin == eget
    referer = request.headers.get("Referer") or ""
    return referer == eget or referer.startswith(eget + "/")


BEROR_PA_INLOGGNING = "malkoll_beror_pa_inloggning"   # flask.g: svaret beror på vem som är inloggad


def aktuell() -> Anvandare | None:
    """Den inloggade för den här begäran (en gång per begäran ur databasen), annars None.
    En POST som inte kommer från Målkolls egna sidor räknas aldrig som inloggad.

    Svaret markeras som beroende av inloggningen, så att sidcachen (sidor/_sidcache.py) aldrig
    sparar det och skickar det till någon annan."""
    from flask import g, has_request_context
    if not has_request_context():
        return None
    setattr(g, BEROR_PA_INLOGGNING, True)
    return _inloggad()


def _inloggad() -> Anvandare | None:
    """Som `aktuell`, utan att markera svaret (för kontrollen före varje begäran)."""
    from flask import g, has_request_context, request, session
    if not has_request_context():
        return None
    if "malkoll_anv" in g:
        return g.malkoll_anv
    anv = None
    if _sakerhet.hemlighetsfel() is None and (request.method != "POST" or samma_ursprung()):
        anv = anvandare.hamta_inloggning(session.get(KAKNYCKEL))
    g.malkoll_anv = anv
    return anv


def sakert_mal(nasta: str | None) -> str:
    """Bara sökvägar i appen (aldrig //annan-webbplats, /\\annan eller https://…). Tecken som
    webbläsaren tar bort ur en adress (tab, radbrytning, mellanslag och andra styrtecken) gör målet
    ogiltigt: "/\t/evil.example" blir annars //evil.example i webbläsaren. Mellanslag i sökdelen kodas (%20)."""
    standard = "/rapportera"
    if not isinstance(nasta, str) or not nasta.startswith("/") or len(nasta) > 500:
        return standard
    # Ett mellanslag i sökdelen (?period=Delår 2 2020, avkodat ur /logga-in?nasta=…) är ett val som ska
    # följa med: det kodas som %20 i stället för att hela målet kastas (perioden tappades tyst vid inloggningen)
    vag, fraga, rest = nasta.partition("?")
    nasta = vag + fraga + rest.replace(" ", "%20")
    if any(ord(t) <= 0x20 or ord(t) == 0x7F for t in nasta) or "\\" in nasta or nasta.startswith("//"):
        return standard
    delar = urlsplit(nasta)
    if delar.scheme or delar.netloc:
        return standard
    return nasta


def _omdirigera(mal: str):
    from flask import redirect
    r = redirect(mal, code=303)
    r.headers["Cache-Control"] = "no-store"
    return r


def _har_ursprung() -> bool:
    """Bär begäran Origin eller Referer? (Ett formulär från Målkolls egen sida gör alltid det.)"""
    from flask import request
    return bool(request.headers.get("Origin") or request.headers.get("Referer"))


def _utan_ursprung():
    from flask import Response, request
    log.warning("POST %s utan Origin och Referer vägrad", request.path)
    return Response("Begäran saknar Origin och Referer och vägras.\n", status=403, mimetype="text/plain",
                    headers={"Content-Language": "sv", "Cache-Control": "no-store"})


def _logga_in():
    from flask import request, session
    if not _har_ursprung():
        return _utan_ursprung()
    nasta = sakert_mal(request.form.get("nasta"))
    if _sakerhet.hemlighetsfel() is not None:
        return _omdirigera("/logga-in?fel=nyckel")
    res = anvandare.logga_in(request.form.get("anvandarnamn"), request.form.get("losenord"), _sakerhet.klient_ip())
    if res.anvandare is None:
        if res.vanta > 0:
            return _omdirigera(f"/logga-in?vanta={int(-(-res.vanta // 1))}&nasta={quote(nasta)}")
        return _omdirigera(f"/logga-in?fel=1&nasta={quote(nasta)}")
    byt_inloggning(res.nyckel)
    return _omdirigera(nasta)


def byt_inloggning(nyckel: str) -> None:
    """Ny inloggning i kakan: den som kakan bar förut avslutas på servern (en sparad kopia av den
    gamla kakan gäller inte längre), och kakan får bara den nya nyckeln."""
    from flask import session
    anvandare.avsluta_inloggning(session.get(KAKNYCKEL))
    session.clear()
    session[KAKNYCKEL] = nyckel


def _logga_ut():
    from flask import session
    if not _har_ursprung():
        return _utan_ursprung()
    anvandare.avsluta_inloggning(session.get(KAKNYCKEL))
    session.clear()
    return _omdirigera("/logga-in?utloggad=1")


def _fore():
    """Före varje begäran: POST från andra webbplatser vägras; med krav på inloggning får den som
    inte är inloggad bara det som står i OPPET – aldrig Dash (inte ens inloggningssidans Dash-anrop:
    Dash binder callbackens indata efter plats, så en kontroll av innehållet går att lura)."""
    from flask import Response, request
    if request.method == "POST" and request.headers.get("Origin") and not samma_ursprung():
        log.warning("POST %s från annan webbplats (%s) vägrad", request.path, request.headers.get("Origin"))
        return Response("Begäran kom från en annan webbplats och vägras.\n", status=403, mimetype="text/plain",
                        headers={"Content-Language": "sv"})
    if not installningar.aktuella().krav_inloggning or oppen_vag(request.path):
        return None
    if _inloggad() is not None:
        return None
    if request.method in ("GET", "HEAD") and not request.path.startswith("/_"):
        return _omdirigera("/logga-in?nasta=" + quote(request.full_path.rstrip("?")))
    return Response("Logga in först.\n", status=401, mimetype="text/plain",
                    headers={"Content-Language": "sv", "Cache-Control": "no-store"})


def registrera(app) -> None:
    """Vägarna /logga-in (POST) och /logga-ut (POST) och kontrollen före varje begäran (SSO: sidor/_oidc.py,
    registreras av app.py)."""
    server = getattr(app, "server", app)
    if server.extensions.get(TILLAGG):
        return
    server.extensions[TILLAGG] = True
    server.add_url_rule("/logga-in", "malkoll_logga_in", _logga_in, methods=["POST"])
    server.add_url_rule("/logga-ut", "malkoll_logga_ut", _logga_ut, methods=["POST"])
    server.before_request_funcs.setdefault(None, []).insert(1, _fore)
