"""Sidladdning i headless Chromium: tid från navigering tills varje diagram är ritat, mot ett golv.

    .venv/bin/python -m bench.sidladdning [--db sqlite|postgresql | --url URL] [--syntetisk]
        [--sidor / /malomrade/1 /budget] [--korningar 7] [--workers 2] [--plotly som-appen|full|bada]

Tiden mäts i sidan själv: ett skript som läggs in före allt annat på varje ny sida
(Page.addScriptToEvaluateOnNewDocument) tittar var 10:e ms och sparar performance.now() – tid
sedan navigeringen började – första gången alla N `.js-plotly-plot` har en `.main-svg` och inget
`[data-dash-is-loading]` finns. N räknas först på varje sida (en laddning före mätningen, som
också värmer servern och dess frågecache).

Golvet är en minimal Dash-sida (bench/golv_app.py) med lika många dcc.Graph (enkla go.Scatter),
serverad av gunicorn i samma körning. Målkoll serveras av gunicorn (`bench.app_variant:server`,
dvs. app.py oförändrad; `--plotly full` tar bort det partiella plotly-paketet ur sidan för en
före/efter-jämförelse). Kall = ny Chromium med ny profil (tom cache) per prov; varm = samma sida
en gång till i samma webbläsare. Proven för Målkoll och golvet varvas. Skriver median och p90 per
sida och kvoten Målkoll/golv (median mot median), samt vilka plotly-filer sidan hämtade.
"""
from __future__ import annotations

import argparse
from data.lagring.start import anvand_databas
import json
import statistics
import sys
import time
from pathlib import Path

from bench._verktyg import (Server, last, maskin, percentil, sqlalchemy_url, tillfallig_databas, visad_url)
from data.planen import forbered  # noqa: E402

MATSKRIPT = """
(function () {
  var N = %d;
  function klar() {
    if (document.querySelector('[data-dash-is-loading="true"]')) return false;
    var g = document.querySelectorAll('.js-plotly-plot');
    if (g.length < N || N === 0) return false;
    for (var i = 0; i < g.length; i++) { if (!g[i].querySelector('.main-svg')) return false; }
    return true;
  }
  var t = setInterval(function () {
    if (klar()) { window.__benchKlar = performance.now(); clearInterval(t); }
  }, 10);
})();
"""

SPARA_NATVERK = """
return performance.getEntriesByType('resource').filter(function (e) {
  return e.initiatorType === 'script' || /\\.js(\\?|$)/.test(e.name);
}).map(function (e) {
  return {namn: e.name.replace(/^https?:\\/\\/[^/]+/, ''), storlek: e.decodedBodySize, overfort: e.transferSize,
          start: e.startTime, slut: e.responseEnd};
});
"""

SPAR = """
return {
  scatter: document.querySelectorAll('.scatterlayer .trace.scatter').length,
  bar: document.querySelectorAll('.barlayer .trace.bars').length,
  waterfall: document.querySelectorAll('.waterfalllayer .trace.bars').length,
  plotly: window.Plotly ? window.Plotly.version : null
};
"""


def _webblasare():
    from tools.skarmbild import chrome
    return chrome(1920, 1080)


def _vanta_klar(d, timeout: float = 90) -> float:
    slut = time.time() + timeout
    while time.time() < slut:
        t = d.execute_script("return window.__benchKlar || null")
        if t is not None:
            return float(t) / 1000
        time.sleep(0.05)
    raise TimeoutError("sidan blev inte klar")


def rakna_grafer(bas: str, sokvag: str) -> tuple[int, dict, list]:
    """Antal diagram på sidan, spårtyper som ritats och hämtade skript (en laddning)."""
    from tools.skarmbild import vanta_pa_dash
    d = _webblasare()
    try:
        d.get(bas + sokvag)
        vanta_pa_dash(d, timeout=90)
        time.sleep(0.5)
        n = d.execute_script("return document.querySelectorAll('.js-plotly-plot').length")
        spar = d.execute_script(SPAR)
        natverk = d.execute_script(SPARA_NATVERK)
        fel = [r["message"][:200] for r in d.get_log("browser") if r["level"] == "SEVERE"]
        spar["konsolfel"] = fel
        return int(n), spar, natverk
    finally:
        d.quit()


def prov(bas: str, sokvag: str, n: int) -> tuple[float, float, list, list]:
    """Ett kallt och ett varmt prov i en ny webbläsare. Returnerar (kall s, varm s, nätverk kall, konsolfel)."""
    d = _webblasare()
    try:
        d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": MATSKRIPT % n})
        d.get(bas + sokvag)
        kall = _vanta_klar(d)
        natverk = d.execute_script(SPARA_NATVERK)
        d.get("about:blank")
        d.get(bas + sokvag)
        varm = _vanta_klar(d)
        fel = [r["message"][:200] for r in d.get_log("browser") if r["level"] == "SEVERE"]
        return kall, varm, natverk, fel
    finally:
        d.quit()


def _plotlyfiler(natverk: list) -> str:
    filer = [f"{Path(e['namn'].split('?')[0]).name} ({e['storlek'] / 1e6:.2f} MB)" for e in natverk
             if "plotly" in e["namn"].lower()]
    return ", ".join(filer) or "–"


def _js_mb(natverk: list) -> float:
    return sum(e["storlek"] or 0 for e in natverk) / 1e6


def matning(url: str, sidor: list[str], korningar: int, workers: int, varianter: list[str],
            cache: bool = True, etikett: str = "") -> dict:
    miljo = {"DATABASE_URL": url}
    if not cache:
        miljo["MALKOLL_CACHE"] = "av"
    servrar: dict[str, Server] = {}
    golv = Server("bench.golv_app:server", workers=workers)
    try:
        for v in varianter:
            servrar[v] = Server("bench.app_variant:server", workers=workers,
                                miljo={**miljo, "MALKOLL_BENCH_PLOTLY": "full" if v == "full" else ""})
        golv.vanta("/")
        for s in servrar.values():
            s.vanta()
        resultat: dict = {"etikett": etikett, "databas": visad_url(url), "workers": workers,
                          "korningar": korningar, "cache": cache, "maskin": maskin(), "sidor": {}}
        for sokvag in sidor:
            info = {}
            for v, s in servrar.items():
                n, spar, natverk = rakna_grafer(s.bas, sokvag)
                rakna_grafer(s.bas, sokvag)  # en gång till: båda arbetsprocesserna har sett sidan
                info[v] = {"grafer": n, "spar": spar, "plotly": _plotlyfiler(natverk), "js_mb": _js_mb(natverk)}
                print(f"{sokvag} [{v}]: {n} diagram, spår {spar}, plotly: {info[v]['plotly']}, "
                      f"JS {info[v]['js_mb']:.2f} MB", flush=True)
            n = next(iter(info.values()))["grafer"]
            if any(i["grafer"] != n for i in info.values()):
                print(f"  OBS: olika antal diagram mellan varianterna: {info}", flush=True)
            gn, gspar, gnat = rakna_grafer(golv.bas, f"/?n={n}")
            info["golv"] = {"grafer": gn, "spar": gspar, "plotly": _plotlyfiler(gnat), "js_mb": _js_mb(gnat)}
            tider: dict[str, dict[str, list]] = {k: {"kall": [], "varm": []} for k in [*servrar, "golv"]}
            fel_totalt: dict[str, list] = {k: [] for k in tider}
            for r in range(korningar):
                for k in tider:
                    bas = golv.bas + f"/?n={n}" if k == "golv" else servrar[k].bas + sokvag
                    kall, varm, _nat, fel = prov(bas, "", n)
                    tider[k]["kall"].append(kall)
                    tider[k]["varm"].append(varm)
                    fel_totalt[k] += fel
                print(f"  {sokvag} körning {r + 1}/{korningar}: " + ", ".join(
                    f"{k} {t['kall'][-1]:.2f}/{t['varm'][-1]:.2f} s" for k, t in tider.items()), flush=True)
            resultat["sidor"][sokvag] = {"grafer": n, "info": info, "tider": tider, "konsolfel": fel_totalt}
        resultat["last_efter"] = last()
        return resultat
    finally:
        for s in servrar.values():
            s.stoppa()
        golv.stoppa()


def sammanfatta(res: dict) -> str:
    rader = [f"{res['etikett']} · databas {res['databas']} · gunicorn -w {res['workers']} · "
             f"{res['korningar']} körningar · frågecache {'på' if res['cache'] else 'av'}",
             f"{res['maskin']} (efter: {res.get('last_efter', '?')})", "",
             "| sida | diagram | variant | kall median | kall p90 | varm median | varm p90 | "
             "golv kall median | golv varm median | kvot kall | kvot varm | plotly hämtat |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for sokvag, d in res["sidor"].items():
        g = d["tider"]["golv"]
        gk, gv = statistics.median(g["kall"]), statistics.median(g["varm"])
        for v, t in d["tider"].items():
            if v == "golv":
                continue
            k, w = statistics.median(t["kall"]), statistics.median(t["varm"])
            rader.append(f"| `{sokvag}` | {d['grafer']} | {v} | {k:.2f} s | {percentil(t['kall'], 90):.2f} s | "
                         f"{w:.2f} s | {percentil(t['varm'], 90):.2f} s | {gk:.2f} s | {gv:.2f} s | "
                         f"{k / gk:.2f}× | {w / gv:.2f}× | {d['info'][v]['plotly']} |")
        rader.append(f"| `{sokvag}` golv | {d['grafer']} | golv | {gk:.2f} s | {percentil(g['kall'], 90):.2f} s | "
                     f"{gv:.2f} s | {percentil(g['varm'], 90):.2f} s | | | | | {d['info']['golv']['plotly']} |")
    fel = {f"{s} {v}": len(f) for s, d in res["sidor"].items() for v, f in d["konsolfel"].items() if f}
    if fel:
        rader.append("")
        rader.append(f"Konsolfel (SEVERE) under mätningen: {fel}")
    return "\n".join(rader)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.sidladdning", description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="befintlig databas (annars en ny som tas bort efteråt)")
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite",
                    help="sort för den nya databasen (standard sqlite)")
    ap.add_argument("--syntetisk", action="store_true",
                    help="lägg den stora syntetiska datamängden (bench.syntetisk) i den nya databasen")
    ap.add_argument("--antal-namnder", type=int, default=20)
    ap.add_argument("--sidor", nargs="+", default=["/", "/malomrade/1", "/budget"])
    ap.add_argument("--korningar", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--plotly", choices=("som-appen", "full", "bada"), default="som-appen",
                    help="som-appen: assets/ som den är; full: utan det partiella paketet; bada: båda varianterna")
    ap.add_argument("--utan-cache", action="store_true", help="MALKOLL_CACHE=av för servern")
    ap.add_argument("--json", help="skriv rådata (alla prov) till den här filen")
    a = ap.parse_args(argv)
    varianter = {"som-appen": ["som-appen"], "full": ["full"], "bada": ["full", "som-appen"]}[a.plotly]

    def kor(url: str) -> dict:
        etikett = ("stor syntetisk" if a.syntetisk else "KS-2020") + f" ({a.db if not a.url else 'given URL'})"
        return matning(url, a.sidor, a.korningar, a.workers, varianter, cache=not a.utan_cache, etikett=etikett)

    if a.url:
        res = kor(sqlalchemy_url(a.url))
    else:
        with tillfallig_databas(a.db) as url:
            if a.syntetisk:
                from bench import syntetisk
                syntetisk.bygg(url, a.antal_namnder)
            else:
                anvand_databas(url)
                forbered.sakerstall_databas()
            res = kor(url)
    print()
    print(sammanfatta(res))
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
