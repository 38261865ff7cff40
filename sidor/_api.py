"""Öppna data-API:t: GET /api/v1/<resurs>[.csv] och /api/v1/openapi.json (Flask-vägar).

Bara läsning. Raderna och fälten kommer från data/oppna_data.py (en hämtning, JSON eller CSV);
här finns bara HTTP: parametrar → 400 på svenska, ETag/Last-Modified ur databasens generation
(304 vid oförändrat), CORS för GET, sidindelning i Link-huvudet. Vägarna kräver ingen
inloggning (öppna data) – utom med MALKOLL_KRAV_INLOGGNING=ja: då ser ett konto med enheter bara
planerna i sina organisationer (403 för andra). Människosidan är /api (sidor/api.py).
"""
from __future__ import annotations

import hashlib
import json
import logging

from data.lagring import cache, db, installningar
from data.rapportering import behorighet
from data.uppfoljning import fragor
from data.uppfoljning.plankontext import Plankontext
from data.utdata import oppna_data, sammantrade
from data.utdata.oppna_data import PREFIX

log = logging.getLogger(__name__)

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, X-Total-Count",
    "Access-Control-Max-Age": "86400",
    "Cross-Origin-Resource-Policy": "cross-origin",
}
CSV_TYP = "text/csv; charset=utf-8; header=present"


def _json_svar(data, status: int = 200, huvuden: dict | None = None):
    from flask import Response
    return Response(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", status=status,
                    mimetype="application/json", headers={"Content-Language": "sv", **(huvuden or {})})


def _fel(fel: list[str], status: int = 400):
    return _json_svar({"fel": fel, "status": status}, status)


def _vill_csv(csv_suffix: bool) -> bool:
    from flask import request
    if csv_suffix:
        return True
    basta = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return basta == "text/csv"


def _villkor(etag: str, andrad) -> bool:
    """Sant när klientens kopia är aktuell (If-None-Match, annars If-Modified-Since)."""
    from flask import request
    inm = request.headers.get("If-None-Match")
    if inm is not None:
        taggar = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in taggar or etag in taggar
    ims = request.if_modified_since
    if ims is not None and andrad is not None:
        from datetime import timezone
        return andrad.replace(tzinfo=timezone.utc, microsecond=0) <= ims
    return False


def _cachehuvuden(csv: bool, plan: str = "") -> tuple[dict, bool]:
    """ETag och Last-Modified för svaret; (huvuden, oförändrat). `plan`: den upplösta planen (repr), så
    att samma adress utan ?plan= får en ny ETag när standardplanen är en annan."""
    from flask import request
    from werkzeug.http import http_date
    gen = cache.generation()
    andrad = cache.senast_andrad()
    nyckel = f"{oppna_data.VERSION}|{gen}|{plan}|{request.full_path}|{'csv' if csv else 'json'}"
    etag = '"' + hashlib.sha256(nyckel.encode()).hexdigest()[:24] + '"'
    h = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept"}
    if andrad is not None:
        from datetime import timezone
        h["Last-Modified"] = http_date(andrad.replace(tzinfo=timezone.utc))
    return h, _villkor(etag, andrad)


def _lankar(s: oppna_data.Sida) -> str:
    from flask import request
    from urllib.parse import urlencode
    args = [(k, v) for k, vs in request.args.lists() for v in vs if k != "sida"]

    def lank(sida: int, rel: str) -> str:
        return f'<{request.path}?{urlencode(args + [("sida", sida)])}>; rel="{rel}"'
    ut = [lank(1, "first"), lank(s.sidor, "last")]
    if s.sida > 1:
        ut.append(lank(min(s.sida - 1, s.sidor), "prev"))
    if s.sida < s.sidor:
        ut.append(lank(s.sida + 1, "next"))
    return ", ".join(ut)


def _utanfor_behorighet(plan: Plankontext) -> str | None:
    """När inloggning krävs för att läsa (MALKOLL_KRAV_INLOGGNING=ja) ser ett konto med enheter i en
    organisation bara dess planer – också i API:t (data.rapportering.behorighet.far_se)."""
    if not installningar.aktuella().krav_inloggning:
        return None
    from sidor import _inloggning
    anv = _inloggning.aktuell()
    if anv is None:           # kontrollen före varje begäran har redan vägrat anonyma
        return None
    p = behorighet.planen(plan)
    if behorighet.far_se(anv, p):
        return None
    log.warning("API: %s vägrades planen %s (utanför kontots organisationer)", anv.namn, p.kod)
    return f"ditt konto har ingen behörighet i planen {p.text}"


def svara(resurs: str, csv_suffix: bool = False):
    """GET /api/v1/<resurs>[.csv]."""
    from flask import Response, request
    if resurs not in oppna_data.RESURSER:
        return _fel([f"okänd resurs ”{resurs}”; välj bland: {', '.join(oppna_data.RESURSER)}"], 404)
    args = {k: vs for k, vs in request.args.lists()}
    f = oppna_data.tolka(resurs, args)
    if f.fel:
        return _fel(f.fel)
    plan = fragor.los_plan(f.urval.plan)   # kanten: ?plan= (redan prövad av tolka), annars standardplanen
    nekad = _utanfor_behorighet(plan)
    if nekad:
        return _fel([nekad], 403)
    csv = _vill_csv(csv_suffix)
    huvuden, oforandrat = _cachehuvuden(csv, repr(plan))
    if oforandrat:
        return Response(status=304, headers=huvuden)
    rader = oppna_data.hamta(f, plan)
    per_sida = f.per_sida or (None if csv else oppna_data.PER_SIDA)
    s = oppna_data.sidindela(rader, f.sida, per_sida)
    huvuden.update({"Link": _lankar(s), "X-Total-Count": str(s.antal)})
    if csv:
        return Response(oppna_data.till_csv(f, s), mimetype=None, content_type=CSV_TYP, headers={
            **huvuden, "Content-Disposition": f'inline; filename="malkoll_{resurs}.csv"', "Content-Language": "sv"})
    return _json_svar(oppna_data.till_json(f, s, oppna_data.meta(f, s, plan)), 200, huvuden)


def beskrivning():
    """GET /api/v1/openapi.json – med planens kända värden (plan, period, enhet, målområde) som enum."""
    from flask import Response
    huvuden, oforandrat = _cachehuvuden(False)
    if oforandrat:
        return Response(status=304, headers=huvuden)
    spec = oppna_data.openapi(oppna_data.kanda_varden())
    return _json_svar(spec, 200, huvuden)


def index():
    """GET /api/v1 – resurserna med länkar."""
    return _json_svar({"version": oppna_data.VERSION, "dokumentation": "/api",
                       "openapi": f"{PREFIX}/openapi.json",
                       "resurser": [{"namn": r.namn, "titel": r.titel, "url": f"{PREFIX}/{r.namn}",
                                     "csv": f"{PREFIX}/{r.namn}.csv"} for r in oppna_data.RESURSER.values()]})


def sammantraden():
    """GET /api/v1/sammantraden[?plan=KOD] – planernas sammanträden (frysta underlag), nyast först."""
    from flask import request
    okanda = [k for k in request.args if k != "plan"]
    if okanda:
        return _fel([f"parametern ”{okanda[0]}” finns inte för {PREFIX}/sammantraden; tillåten: plan"])
    plan = request.args.get("plan")
    if plan is not None and plan not in set(oppna_data.kanda_varden()["plan"]):
        return _fel([f"parametern ”plan”: okänd plan ”{plan}”"])
    kp = fragor.los_plan(plan) if plan is not None else None   # kanten: None = alla planers
    return _json_svar({"data": sammantrade.api_lista(kp)}, 200, {"Cache-Control": "no-cache"})


def ett_sammantrade(sid: int):
    """GET /api/v1/sammantraden/<id> – sammanträdets frysta innehåll (ändras aldrig)."""
    try:
        if not 0 < sid < 2 ** 31:
            raise sammantrade.Sammantradesfel(f"sammanträde {sid} finns inte")
        s = sammantrade.las(sid)
    except sammantrade.Sammantradesfel as e:
        return _fel([str(e)], 404)
    return _json_svar(sammantrade.api_svar(s), 200, {"ETag": f'"{s.kontrollsumma[:24]}"',
                                                     "Cache-Control": "public, max-age=86400, immutable"})


def registrera(app) -> None:
    """Lägg till API:ts vägar och CORS på Flask-servern (eller Dash-appens `server`). Idempotent."""
    from flask import request

    server = getattr(app, "server", app)
    if "malkoll_api" in server.view_functions:
        return
    server.add_url_rule(PREFIX, "malkoll_api_index", index, methods=["GET"])
    server.add_url_rule(f"{PREFIX}/openapi.json", "malkoll_api_openapi", beskrivning, methods=["GET"])
    server.add_url_rule(f"{PREFIX}/sammantraden", "malkoll_api_sammantraden", sammantraden, methods=["GET"])
    server.add_url_rule(f"{PREFIX}/sammantraden/<int:sid>", "malkoll_api_sammantrade", ett_sammantrade,
                        methods=["GET"])
    server.add_url_rule(f"{PREFIX}/<resurs>.csv", "malkoll_api_csv", lambda resurs: svara(resurs, True),
                        methods=["GET"])
    server.add_url_rule(f"{PREFIX}/<resurs>", "malkoll_api", svara, methods=["GET"])
    server.add_url_rule(f"{PREFIX}/<path:rest>", "malkoll_api_saknas",
                        lambda rest: _fel([f"finns inte: {PREFIX}/{rest}; se {PREFIX}/openapi.json"], 404),
                        methods=["GET"])

    from werkzeug.exceptions import MethodNotAllowed

    @server.errorhandler(MethodNotAllowed)
    def _fel_metod(e):
        if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
            r = _fel([f"metoden {request.method} stöds inte: API:t är bara för läsning (GET)"], 405)
            r.headers["Allow"] = "GET, HEAD, OPTIONS"
            return r
        return e

    @server.after_request
    def _cors(resp):
        if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
            for k, v in CORS.items():
                resp.headers[k] = v
        return resp
