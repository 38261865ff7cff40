"""Single sign-on med OpenID Connect (Authlib): /logga-in/oidc skickar till utfärdaren,
/logga-in/oidc/svar tar emot koden, läser gruppanspråket och ger roll och enheter enligt
MALKOLL_OIDC_GRUPPER. Kontot skapas första gången; roll och enheter följer grupperna vid varje
inloggning. Utan MALKOLL_OIDC_UTFARDARE finns vägarna inte.
"""
from __future__ import annotations

import html
import logging

from data.konton import anvandare
from data.lagring import installningar
from data.lagring.models import ROLLER_KONTO

log = logging.getLogger(__name__)

NAMN = "malkoll"
RANG = {"administrator": 4, "rapportor": 3, "granskare": 2, "lasare": 1}
STUDSA = """<!doctype html><html lang="sv"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0;url={url}"><title>Loggar in – Målkoll</title></head>
<body><p>Loggar in … <a href="{url}">Fortsätt</a></p></body></html>"""


def pa() -> bool:
    inst = installningar.aktuella()
    return bool(inst.oidc_utfardare and inst.oidc_klient)


def tolka_grupper(text: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """"g1=administrator;g2=rapportor:KSK/EKO,KSK/SHB;g3=lasare" → {grupp: (roll, enheter)}."""
    ut = {}
    for del_ in (d.strip() for d in text.split(";")):
        if not del_ or "=" not in del_:
            continue
        grupp, varde = (x.strip() for x in del_.split("=", 1))
        roll, _, enheter = varde.partition(":")
        if roll.strip() not in ROLLER_KONTO:
            log.warning("MALKOLL_OIDC_GRUPPER: okänd roll %r för gruppen %r", roll, grupp)
            continue
        ut[grupp] = (roll.strip(), tuple(e.strip() for e in enheter.split(",") if e.strip()))
    return ut


def roll_for(grupper) -> tuple[str | None, list[str]]:
    """Högsta rollen bland användarens grupper, och enheterna i den rollens grupper."""
    if isinstance(grupper, str):
        grupper = [grupper]
    karta = tolka_grupper(installningar.aktuella().oidc_grupper)
    traffar = [karta[g] for g in (grupper or []) if isinstance(g, str) and g in karta]
    if not traffar:
        return None, []
    roll = max((r for r, _ in traffar), key=RANG.__getitem__)
    enheter = [e for r, es in traffar if r == roll for e in es]
    return roll, list(dict.fromkeys(enheter))


def _klient():
    from flask import current_app
    return current_app.extensions["authlib.integrations.flask_client"].create_client(NAMN)


def svarsadress() -> str:
    """Omdirigeringsadressen hos utfärdaren: MALKOLL_ADRESS + /logga-in/oidc/svar. Aldrig ur
    begärans Host-huvud när appen nås direkt (det väljer den som skickar begäran). Utan MALKOLL_ADRESS:
    bakom en betrodd proxy (MALKOLL_PROXY_ANTAL) värden som proxyn skickar vidare och protokollet ur
    X-Forwarded-Proto, annars HOST och PORT (python app.py)."""
    from flask import request
    inst = installningar.aktuella()
    if inst.adress:
        return inst.adress + SVARSVAG
    if inst.proxy_antal > 0:   # proxyns Host (nginx: server_name) och ProxyFix:s protokoll
        return f"{request.scheme}://{request.host}{SVARSVAG}"
    return f"{'https' if inst.https else 'http'}://{inst.host}:{inst.port}{SVARSVAG}"


SVARSVAG = "/logga-in/oidc/svar"


def _borja():
    return _klient().authorize_redirect(svarsadress())


def _svar():
    """Utfärdarens svar. Kakan är SameSite=Strict och följer inte med en omdirigering från en annan
    webbplats: då studsar sidan en gång på sig själv (samma webbplats) så att kakan kommer med."""
    from flask import request, session
    from sidor import _inloggning, _sakerhet
    if not any(k.startswith("_state_") for k in session) and "igen" not in request.args:
        url = html.escape(request.full_path + "&igen=1", quote=True)
        return STUDSA.format(url=url), 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    try:
        token = _klient().authorize_access_token()
        anspråk = dict(token.get("userinfo") or {})
        grp = installningar.aktuella().oidc_gruppansprak
        if grp not in anspråk:
            anspråk.update(_klient().userinfo(token=token))
    except Exception as e:  # noqa: BLE001 - allt som går fel hos utfärdaren blir samma besked
        log.warning("SSO-inloggning misslyckades: %s", e)
        return _inloggning._omdirigera("/logga-in?fel=sso")
    roll, enheter = roll_for(anspråk.get(grp))
    sub = str(anspråk.get("sub", ""))
    namn = str(anspråk.get("preferred_username") or anspråk.get("email") or sub)[:200]
    if not sub or roll is None:
        log.warning("SSO-inloggning för %r utan roll i Målkoll (grupper: %r)", namn, anspråk.get(grp))
        return _inloggning._omdirigera("/logga-in?fel=ingen-roll")
    try:
        epost = anspråk.get("email") if anspråk.get("email_verified") is not False else None
        konto_id = anvandare.oidc_konto(sub, namn, str(anspråk.get("name") or namn)[:200], roll, enheter,
                                        epost=epost if isinstance(epost, str) else None)
    except anvandare.Kontofel:
        return _inloggning._omdirigera("/logga-in?fel=1")
    _inloggning.byt_inloggning(anvandare.ny_inloggning(konto_id, "oidc", _sakerhet.klient_ip()))
    log.info("SSO-inloggning: %r (%s) från %s", namn, roll, _sakerhet.klient_ip())
    return _inloggning._omdirigera("/rapportera")


def registrera(server) -> None:
    if not pa():
        return
    from authlib.integrations.flask_client import OAuth
    inst = installningar.aktuella()
    oauth = OAuth(server)
    oauth.register(NAMN, client_id=inst.oidc_klient, client_secret=inst.oidc_hemlighet,
                   server_metadata_url=inst.oidc_utfardare + "/.well-known/openid-configuration",
                   client_kwargs={"scope": "openid profile email"})
    server.add_url_rule("/logga-in/oidc", "malkoll_oidc", _borja, methods=["GET"])
    server.add_url_rule(SVARSVAG, "malkoll_oidc_svar", _svar, methods=["GET"])
