"""Sidrenderingar per sekund på servern, mot serverns golv (issue 16).

    .venv/bin/python -m bench.rendering [--fore KATALOG] [--redis URL] [--workers 2] [--niva 8 50]
        [--antal 400] [--tidsgrans 30] [--sida /malomrade/1]

Dash Pages-anropet som ritar sidan (`_pages_content.children`, byggt ur /_dash-dependencies)
spelas upp mot gunicorn på loopback med 8 och 50 samtidiga klienter (trådar med http.client),
efter uppvärmning (frågecachen och sidcachen varma). Samma körning mäter golvet
(bench/golv_server.py: en minimal Dash-app som ger samma svar ur minnet) och skriver
renderingar/s, p50/p95 och kvoten renderingar(Målkoll)/renderingar(golv).

Dessutom: första (ocachade) renderingen av varje sida – MALKOLL_CACHE=av, median av 5 i följd.

`--fore KATALOG`: samma mätning för en äldre utcheckning (t.ex. `git archive <commit> | tar -x -C
KATALOG`), i samma körning. `--redis URL`: också Målkoll med REDIS_URL (eget nyckelprefix, tas
bort efteråt). Varje nivå är begränsad i antal och tid.
"""
from __future__ import annotations

import argparse
from data.lagring.start import anvand_databas
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from bench._verktyg import ROT, Server, last, maskin, percentil, tillfallig_databas
from bench.callbacks import last as lastkorning
from data.planen import forbered  # noqa: E402

SIDOR = ("/", "/malomrade/1", "/budget")
SOK = "?period=Del%C3%A5r%202%202020"


def kropp(bas: str, sokvag: str, search: str = SOK) -> bytes:
    """POST-kroppen för sidans omritning, som webbläsaren skickar den."""
    deps = json.loads(urllib.request.urlopen(bas + "/_dash-dependencies", timeout=60).read())
    cb = next(c for c in deps if "_pages_content.children" in c["output"])
    delar = cb["output"].removeprefix("..").removesuffix("..").split("...")
    ut = [{"id": d.rsplit(".", 1)[0], "property": d.rsplit(".", 1)[1].split("@")[0]} for d in delar]
    varden = {"pathname": sokvag, "search": search}
    k = {"output": cb["output"], "outputs": ut if cb["output"].startswith("..") else ut[0],
         "inputs": [{**i, "value": varden.get(i["property"])} for i in cb["inputs"]],
         "state": [{**s, "value": varden.get(s["property"])} for s in cb["state"]],
         "changedPropIds": [f"{i['id']}.{i['property']}" for i in cb["inputs"]]}
    return json.dumps(k).encode()


def post(bas: str, data: bytes) -> tuple[float, bytes]:
    req = urllib.request.Request(bas + "/_dash-update-component", data=data,
                                 headers={"Content-Type": "application/json"}, method="POST")
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as r:
        svar = r.read()
    return time.perf_counter() - t, svar


def miljo(url: str, katalog: Path, **extra) -> dict:
    return {"DATABASE_URL": url, "MALKOLL_DATA_DIR": str(katalog / "data"),
            "MALKOLL_CACHE_DIR": str(katalog / "cache"), "MALKOLL_EXEMPEL": "ja", **extra}


def ocachad(url: str, rot: Path, katalog: Path, workers: int) -> dict[str, float]:
    """Median av 5 renderingar i följd per sida med MALKOLL_CACHE=av."""
    ut = {}
    with Server("app:server", workers=workers, miljo=miljo(url, katalog, MALKOLL_CACHE="av"), rot=rot) as s:
        s.vanta()
        for sida in SIDOR:
            k = kropp(s.bas, sida)
            post(s.bas, k)   # processens första anrop (Dashs inställning) räknas inte
            ut[sida] = statistics.median(post(s.bas, k)[0] for _ in range(5))
    return ut


def varm(bas: str, sida: str, nivaer: list[int], antal: int, tidsgrans: float, workers: int) -> list[dict]:
    k = kropp(bas, sida)
    lastkorning(bas, sida, [k], workers * 2, workers * 4, tidsgrans)   # uppvärmning i varje arbetare
    rader = []
    for n in nivaer:
        r = lastkorning(bas, sida, [k], n, antal, tidsgrans)
        r["last"] = last()
        rader.append(r)
    return rader


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.rendering", description=__doc__.split("\n\n")[0])
    ap.add_argument("--fore", type=Path, help="utcheckning av koden före (mäts i samma körning)")
    ap.add_argument("--redis", help="mät också med REDIS_URL (eget prefix, tas bort efteråt)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--niva", nargs="+", type=int, default=[8, 50])
    ap.add_argument("--antal", type=int, default=400)
    ap.add_argument("--tidsgrans", type=float, default=30)
    ap.add_argument("--sida", default="/malomrade/1")
    ap.add_argument("--json", help="skriv rådata hit")
    a = ap.parse_args(argv)
    print(maskin(), flush=True)
    varianter = ([("före", a.fore.resolve(), {})] if a.fore else []) + [("efter", ROT, {})]
    prefix = f"bench-{uuid.uuid4().hex[:8]}:"
    if a.redis:
        varianter.append(("efter, Redis", ROT, {"REDIS_URL": a.redis, "MALKOLL_REDIS_PREFIX": prefix}))
    resultat: dict = {"maskin": maskin(), "varianter": {}}
    with tillfallig_databas("sqlite") as url, tempfile.TemporaryDirectory(prefix="malkoll_bench_") as tmp:
        anvand_databas(url)
        forbered.sakerstall_databas()
        payload = None
        for namn, rot, extra in varianter:
            katalog = Path(tmp) / namn.replace(" ", "").replace(",", "")
            forst = ocachad(url, rot, katalog, a.workers)
            print(f"{namn}: första (ocachade) renderingen: "
                  + ", ".join(f"{s} {t * 1000:.0f} ms" for s, t in forst.items()), flush=True)
            with Server("app:server", workers=a.workers, miljo=miljo(url, katalog, **extra), rot=rot) as s:
                s.vanta()
                _, svar = post(s.bas, kropp(s.bas, a.sida))
                if payload is None:
                    payload = json.loads(svar)["response"]["_pages_content"]["children"]
                rader = varm(s.bas, a.sida, a.niva, a.antal, a.tidsgrans, a.workers)
            resultat["varianter"][namn] = {"ocachad": forst, "varm": rader, "svar_kb": len(svar) / 1024}
            for r in rader:
                print(f"  {namn} {r['samtidiga']:>3} samtidiga: {r['per_s']:.1f}/s, p50 {r['p50'] * 1000:.0f} ms, "
                      f"p95 {r['p95'] * 1000:.0f} ms, {r['klara']} klara, {r['fel']} fel, {r['last']}", flush=True)
        fil = Path(tmp) / "golv.json"
        fil.write_text(json.dumps(payload), encoding="utf-8")
        with Server("bench.golv_server:server", workers=a.workers, miljo={"MALKOLL_GOLV_FIL": str(fil)}) as s:
            s.vanta()
            _, svar = post(s.bas, kropp(s.bas, a.sida))
            golv = varm(s.bas, a.sida, a.niva, a.antal, a.tidsgrans, a.workers)
        resultat["golv"] = {"varm": golv, "svar_kb": len(svar) / 1024}
        for r in golv:
            print(f"  golv {r['samtidiga']:>3} samtidiga: {r['per_s']:.1f}/s, p50 {r['p50'] * 1000:.0f} ms, "
                  f"p95 {r['p95'] * 1000:.0f} ms, {r['klara']} klara, {r['fel']} fel, {r['last']}", flush=True)
    if a.redis:
        import redis
        r = redis.Redis.from_url(a.redis)
        for k in r.scan_iter(match=f"malkoll:{prefix}*", count=500):
            r.delete(k)
    print()
    print(f"Varma renderingar av {a.sida} ({a.workers} arbetare, {a.antal} begäranden per nivå, högst "
          f"{a.tidsgrans:.0f} s):")
    print("| variant | samtidiga | renderingar/s | p50 | p95 | kvot mot golvet | svar | last |")
    print("|---|---|---|---|---|---|---|---|")
    golv_per = {r["samtidiga"]: r["per_s"] for r in golv}
    for namn, v in [*resultat["varianter"].items(), ("golv", resultat["golv"])]:
        for r in v["varm"]:
            print(f"| {namn} | {r['samtidiga']} | {r['per_s']:.1f} | {r['p50'] * 1000:.0f} ms | {r['p95'] * 1000:.0f} ms | "
                  f"{r['per_s'] / golv_per[r['samtidiga']]:.2f}× | {v['svar_kb']:.0f} kB | {r['last']} |")
    print()
    print("| variant | " + " | ".join(f"första `{s}`" for s in SIDOR) + " |")
    print("|---|" + "---|" * len(SIDOR))
    for namn, v in resultat["varianter"].items():
        print(f"| {namn} | " + " | ".join(f"{v['ocachad'][s] * 1000:.0f} ms" for s in SIDOR) + " |")
    if a.json:
        Path(a.json).write_text(json.dumps(resultat, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
