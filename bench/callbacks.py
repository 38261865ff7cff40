"""Latens för en filterändring under 1, 10 och 50 samtidiga klienter, och SQL-frågor per sidrendering.

    .venv/bin/python -m bench.callbacks [--db sqlite postgresql] [--workers 2 4] [--niva 1 10 50]
        [--antal 200] [--tidsgrans 120] [--cache av pa] [--sida /malomrade/1] [--syntetisk]

En filterändring är den begäran Dash gör när URL:ens query-sträng ändras: routerns callback
(`_pages_content.children` m.fl.) POST:as till /_dash-update-component. Kroppen fångas en gång ur
webbläsaren (Chromiums prestandalogg, `goog:loggingPrefs` {"performance": "ALL"}) när sidans
search ändras med history.pushState – exakt som en dcc.Link eller filtret gör – och spelas sedan
upp med olika `search` (perioder × enheter × roll, deterministisk ordning; `--mix perioder`: bara
periodbyten, dvs. hela sidan med alla diagram) mot gunicorn på
loopback. Per nivå: ett fast antal begäranden (--antal) och en tidsgräns (--tidsgrans); varje
klient är en tråd med http.client. Skriver p50/p95/max och genomströmning per nivå.

Frågecachen (data/cache.py): `av` = MALKOLL_CACHE=av (varje begäran räknar allt); `pa` = cachen
på och varmad (alla search-värden begärda en gång före mätningen), alltså steady state.

Dessutom (i den här processen, Flask-testklient, samma kropp): antal SQL-frågor per sidrendering
(SQLAlchemy `before_cursor_execute`) för /, /malomrade/1 och /budget, utan cache, med kall cache
och med varm cache.
"""
from __future__ import annotations

import argparse
from data.lagring.start import anvand_databas
import copy
import http.client
import itertools
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse

from bench._verktyg import last as maskinlast
from bench._verktyg import Server, maskin, percentil, sqlalchemy_url, ta_bort_cache, tillfallig_databas
from data.planen import forbered  # noqa: E402

SIDOR_FOR_FRAGOR = ("/", "/malomrade/1", "/budget")


# --- Fånga kroppen ur webbläsaren ---

def _chrome_med_prestandalogg():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opt = webdriver.ChromeOptions()
    opt.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--window-size=1920,1080", "--lang=sv-SE"):
        opt.add_argument(a)
    opt.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opt)


def fanga_kropp(bas: str, sokvag: str, ny_search: str = "?period=Delår 1 2020", logg: list | None = None) -> dict:
    """Öppna sidan, ändra search med pushState och ge POST-kroppen för sidans omritning.

    logg (valfri lista) får alla callback-begäranden efter ändringen: (output, search i kroppen)."""
    from tools.skarmbild import vanta_pa_dash
    d = _chrome_med_prestandalogg()
    try:
        d.get(bas + sokvag)
        vanta_pa_dash(d, timeout=90)
        d.get_log("performance")  # töm
        d.execute_script("window.history.pushState({}, '', arguments[0]);"
                         "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));", sokvag + ny_search)
        time.sleep(1.0)
        vanta_pa_dash(d, timeout=90)
        time.sleep(0.5)
        hittad = None
        for post in d.get_log("performance"):
            m = json.loads(post["message"])["message"]
            if m.get("method") != "Network.requestWillBeSent":
                continue
            req = m["params"]["request"]
            if urlparse(req["url"]).path != "/_dash-update-component" or req.get("method") != "POST":
                continue
            data = req.get("postData")
            if data is None and req.get("hasPostData"):
                data = d.execute_cdp_cmd("Network.getRequestPostData",
                                         {"requestId": m["params"]["requestId"]})["postData"]
            kropp = json.loads(data)
            if logg is not None:
                sok = [i.get("value") for i in kropp.get("inputs", []) + kropp.get("state", [])
                       if isinstance(i, dict) and i.get("id") == "_pages_location" and i.get("property") == "search"]
                logg.append((kropp.get("output", "")[:60], sok[0] if sok else None))
            if hittad is None and "_pages_content.children" in kropp.get("output", ""):
                hittad = kropp
        if logg is not None:
            logg.append(("slutlig URL", d.current_url.replace(bas, "")))
        if hittad is None:
            raise RuntimeError(f"Ingen omritning av {sokvag} fångades")
        return hittad
    finally:
        d.quit()


def med_search(kropp: dict, sokvag: str, search: str) -> bytes:
    k = copy.deepcopy(kropp)
    for i in k.get("inputs", []) + k.get("state", []):
        if isinstance(i, dict) and i.get("id") == "_pages_location":
            if i.get("property") == "search":
                i["value"] = search
            elif i.get("property") == "pathname":
                i["value"] = sokvag
            elif i.get("property") == "href":
                i["value"] = "http://127.0.0.1" + sokvag + search
    return json.dumps(k).encode()


def search_varden(url: str, antal: int = 60, seed: int = 1, mix: str = "filter") -> list[str]:
    """Perioder × enheter × roll för den riktiga planen, i en fast blandad ordning.

    mix="perioder": bara periodbyten (ingen enhet), alltså hela sidan med alla diagram varje gång."""
    from data.uppfoljning import fragor
    anvand_databas(url)
    plan = fragor.los_plan()
    perioder = list(fragor.perioder(plan).namn)
    enheter = [None] + ([k for k in fragor.enheter(plan).kod if k.count("/") <= 1][:8] if mix == "filter" else [])
    kombinationer = []
    for p, e, r in itertools.product(perioder, enheter, (None, "ansvarig")):
        if r and not e:
            continue
        q = [("period", p)] + ([("enhet", e)] if e else []) + ([("roll", r)] if r else [])
        kombinationer.append("?" + urlencode(q, quote_via=quote))
    random.Random(seed).shuffle(kombinationer)
    return kombinationer[:antal]


# --- Last ---

def last(bas: str, sokvag: str, kroppar: list[bytes], samtidiga: int, antal: int, tidsgrans: float) -> dict:
    host, port = bas.replace("http://", "").split(":")
    nasta = itertools.count()
    las = threading.Lock()
    tider: list[float] = []
    fel: list[str] = []
    slut = time.perf_counter() + tidsgrans

    def klient():
        conn = http.client.HTTPConnection(host, int(port), timeout=120)
        while time.perf_counter() < slut:
            with las:
                i = next(nasta)
            if i >= antal:
                break
            kropp = kroppar[i % len(kroppar)]
            t = time.perf_counter()
            try:
                conn.request("POST", "/_dash-update-component", body=kropp,
                             headers={"Content-Type": "application/json"})
                svar = conn.getresponse()
                data = svar.read()
                dt_ = time.perf_counter() - t
                if svar.status != 200 or b"_pages_content" not in data:
                    with las:
                        fel.append(f"{svar.status}: {data[:120]!r}")
                else:
                    with las:
                        tider.append(dt_)
                if svar.getheader("Connection", "").lower() == "close":
                    conn.close()
            except Exception as e:  # noqa: BLE001
                with las:
                    fel.append(repr(e)[:120])
                conn.close()
        conn.close()

    t0 = time.perf_counter()
    tradar = [threading.Thread(target=klient) for _ in range(samtidiga)]
    for t in tradar:
        t.start()
    for t in tradar:
        t.join()
    vagg = time.perf_counter() - t0
    return {"samtidiga": samtidiga, "klara": len(tider), "fel": len(fel), "exempel_fel": fel[:3],
            "p50": percentil(tider, 50), "p95": percentil(tider, 95), "max": max(tider) if tider else float("nan"),
            "medel": statistics.mean(tider) if tider else float("nan"), "tid": vagg,
            "per_s": len(tider) / vagg if vagg else 0.0, "avbruten": len(tider) + len(fel) < antal}


def mat_callbacks(url: str, sokvag: str, workers: list[int], nivaer: list[int], antal: int, tidsgrans: float,
                  cacheval: list[str], etikett: str, mix: str = "filter") -> tuple[list[dict], dict]:
    """Lastnivåerna per (workers, cache). Returnerar (rader, {"kropp": den fångade kroppen})."""
    searchar = search_varden(url, mix=mix)
    ut = []
    kropp = None
    for w in workers:
        for c in cacheval:
            miljo = {"DATABASE_URL": url, "MALKOLL_CACHE": "av" if c == "av" else ""}
            with Server("app:server", workers=w, miljo=miljo) as s:
                s.vanta()
                if kropp is None:
                    logg: list = []
                    kropp = fanga_kropp(s.bas, sokvag, logg=logg)
                    print(f"Begäranden efter ändrad search: {logg}", flush=True)
                    print(f"Fångad kropp för {sokvag}: output {kropp['output'][:90]}…, "
                          f"inputs {[(i.get('id'), i.get('property')) for i in kropp['inputs']]}", flush=True)
                kroppar = [med_search(kropp, sokvag, q) for q in searchar]
                # Uppvärmning: varje arbetsprocess har importerat allt; med cache på är alla svar cachade
                last(s.bas, sokvag, kroppar, w, len(kroppar) if c == "pa" else 2 * w, tidsgrans)
                for n in nivaer:
                    r = last(s.bas, sokvag, kroppar, n, antal, tidsgrans)
                    r.update(workers=w, cache=c, etikett=etikett, sida=sokvag, last=maskinlast())
                    ut.append(r)
                    print(f"  {etikett} -w {w} cache {c} {n:>3} samtidiga: p50 {r['p50'] * 1000:.0f} ms, "
                          f"p95 {r['p95'] * 1000:.0f} ms, max {r['max'] * 1000:.0f} ms, {r['per_s']:.1f}/s, "
                          f"{r['klara']} klara, {r['fel']} fel{' (tidsgräns)' if r['avbruten'] else ''}", flush=True)
    ut_kropp = {"kropp": kropp}
    return ut, ut_kropp


# --- SQL-frågor per sidrendering (i processen) ---

def fragor_per_sida(url: str, kroppar: dict[str, dict], search: str = "", upprepningar: int = 7) -> list[dict]:
    """Antal SQL-frågor och tid (median av `upprepningar` utan cache) för en sidrendering via
    Flask-testklienten."""
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import event

    import app as malkoll
    from data.lagring import db, installningar
    forut = installningar.aktuella()
    anvand_databas(url)
    motor = db.motor()
    raknare = {"n": 0}

    def rakna(*_a, **_k):
        raknare["n"] += 1
    event.listen(motor, "before_cursor_execute", rakna)
    klient = malkoll.server.test_client()
    ut = []
    try:
        for sokvag, kropp in kroppar.items():
            data = med_search(kropp, sokvag, search)
            for lage in ("utan cache", "kall cache", "varm cache"):
                # Inställningarna läses en gång (appens start): cachen slås av och på i dem, inte i miljön
                installningar.anvand(forut.med(databas_url=url, cache=lage != "utan cache"))
                tider, antal = [], []
                for _ in range(upprepningar if lage == "utan cache" else 1):
                    if lage == "kall cache":
                        ta_bort_cache(url)
                    raknare["n"] = 0
                    t = time.perf_counter()
                    svar = klient.post("/_dash-update-component", data=data, content_type="application/json")
                    tider.append(time.perf_counter() - t)
                    antal.append(raknare["n"])
                    if svar.status_code != 200:
                        raise RuntimeError(f"{sokvag}: {svar.status_code} {svar.data[:200]!r}")
                ut.append({"sida": sokvag, "lage": lage, "fragor": antal[0], "tid": statistics.median(tider)})
    finally:
        event.remove(motor, "before_cursor_execute", rakna)
        installningar.anvand(forut)
    return ut


def fanga_sidkroppar(url: str) -> dict[str, dict]:
    with Server("app:server", workers=1, miljo={"DATABASE_URL": url}) as s:
        s.vanta()
        return {p: fanga_kropp(s.bas, p) for p in SIDOR_FOR_FRAGOR}


# --- Utskrift ---

def tabell_last(rader: list[dict]) -> str:
    ut = ["| data | workers | cache | samtidiga | p50 | p95 | max | genomströmning | klara/fel | maskinens last efteråt |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rader:
        ut.append(f"| {r['etikett']} | {r['workers']} | {r['cache']} | {r['samtidiga']} | {r['p50'] * 1000:.0f} ms | "
                  f"{r['p95'] * 1000:.0f} ms | {r['max'] * 1000:.0f} ms | {r['per_s']:.1f}/s | "
                  f"{r['klara']}/{r['fel']}{' (tidsgräns)' if r['avbruten'] else ''} | {r.get('last', '')} |")
    return "\n".join(ut)


def tabell_fragor(rader: list[dict], etikett: str) -> str:
    ut = ["| data | sida | frågor utan cache | frågor kall cache | frågor varm cache | tid utan cache (median av 7) |",
          "|---|---|---|---|---|---|"]
    per = {}
    for r in rader:
        per.setdefault(r["sida"], {})[r["lage"]] = r
    for sida, d in per.items():
        ut.append(f"| {etikett} | `{sida}` | {d['utan cache']['fragor']} | {d['kall cache']['fragor']} | "
                  f"{d['varm cache']['fragor']} | {d['utan cache']['tid'] * 1000:.0f} ms |")
    return "\n".join(ut)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.callbacks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="befintlig databas (annars nya databaser som tas bort efteråt)")
    ap.add_argument("--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    ap.add_argument("--syntetisk", action="store_true", help="lägg den stora syntetiska datamängden i databaserna")
    ap.add_argument("--antal-namnder", type=int, default=20)
    ap.add_argument("--workers", nargs="+", type=int, default=[2, 4])
    ap.add_argument("--niva", nargs="+", type=int, default=[1, 10, 50], help="samtidiga klienter")
    ap.add_argument("--antal", type=int, default=200, help="begäranden per nivå")
    ap.add_argument("--tidsgrans", type=float, default=120, help="högsta tid per nivå (s)")
    ap.add_argument("--cache", nargs="+", choices=("av", "pa"), default=["av", "pa"])
    ap.add_argument("--sida", default="/malomrade/1", help="sidan vars filter ändras")
    ap.add_argument("--mix", choices=("filter", "perioder"), default="filter",
                    help="filter: perioder × enheter × roll (många sidor utan diagram); "
                         "perioder: bara periodbyten (hela sidan, alla diagram)")
    ap.add_argument("--utan-fragor", action="store_true", help="hoppa över räkningen av SQL-frågor")
    ap.add_argument("--utan-last", action="store_true", help="bara räkna SQL-frågor")
    ap.add_argument("--json", help="skriv rådata hit")
    a = ap.parse_args(argv)

    print(maskin(), flush=True)
    alla_last, alla_fragor, texter = [], [], []

    def kor(url: str, sort: str) -> None:
        etikett = f"{'stor syntetisk' if a.syntetisk else 'KS-2020'}, {sort}" + (", bara perioder" if a.mix == "perioder" else "")
        if not a.utan_last:
            rader, _ = mat_callbacks(url, a.sida, a.workers, a.niva, a.antal, a.tidsgrans, a.cache, etikett, a.mix)
            alla_last.extend(rader)
        if not a.utan_fragor:
            f = fragor_per_sida(url, fanga_sidkroppar(url))
            alla_fragor.append((etikett, f))
        ta_bort_cache(url)

    if a.url:
        kor(sqlalchemy_url(a.url), "given URL")
    else:
        for sort in a.db:
            with tillfallig_databas(sort) as url:
                if a.syntetisk:
                    from bench import syntetisk
                    syntetisk.bygg(url, a.antal_namnder)
                else:
                    anvand_databas(url)
                    forbered.sakerstall_databas()
                kor(url, sort)
    print()
    if alla_last:
        print(f"Filterändring på {a.sida}, {a.antal} begäranden per nivå (tidsgräns {a.tidsgrans:.0f} s):")
        print(tabell_last(alla_last))
        print()
    for etikett, f in alla_fragor:
        print(tabell_fragor(f, etikett))
        print()
    if a.json:
        Path(a.json).write_text(json.dumps({"last": alla_last, "fragor": alla_fragor, "maskin": maskin()},
                                           indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
