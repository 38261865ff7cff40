"""Mät delårsrapporten (hela KS-2020, Delår 2 2020) som Word och PDF mot Excel-exporten av hela
planen i samma körning (golvet), omväxlande så att maskinens last drabbar alla lika.

    .venv/bin/python -m bench.delarsrapport_bench [--korningar 3] [--period "Delår 2 2020"] [--url URL]

Standard är en ny SQLite-databas i en temporär katalog fylld som appen fyller en tom databas (planen,
publicerade utfall och den märkta exempelrapporten) och med analystexter för varje målområde. Varje
runda: Excel-export, Word, PDF – hela vägen från urvalet (hämtning, diagram, fil). Första rundan är
uppvärmning (import, anslutningar, typsnitt) och räknas inte. Skriver median och max per format,
kvoten mot golvet, delarna i sista rundan (hämtning, dokumentmodell med diagram, återgivning) och
maskinens last.
Målet (issue 23): Word ≤ 5 s, PDF ≤ 10 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROT))

MAL = {"docx": 5.0, "pdf": 10.0}


def _fyll(url: str, period: str) -> None:
    from data.konton.anvandare import Anvandare
    from data.lagring import installningar, start
    from data.planen import forbered
    from data.rapportering import analys
    from data.uppfoljning import fragor
    inst = installningar.aktuella().med(databas_url=url)
    start.starta(inst)
    forbered.sakerstall_databas(inst)
    kod = fragor.standardplan()
    admin = Anvandare(None, "bench", "Bänken", "administrator", ())
    texter = [analys.Andring("plan", "", None, "Sammanfattning för bänken.\n\n- en punkt\n- en till")]
    texter += [analys.Andring("malomrade", str(nr), "Delvis i fas", f"Bedömning för målområde {nr}. " * 20)
               for nr in fragor.malomraden(kod).nr]
    analys.spara(kod, period, texter, admin)


def _tid(f) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def mat(url: str, korningar: int, period: str) -> int:
    from data.lagring import installningar, start
    from data.uppfoljning import fragor
    from data.uppfoljning.urval import Urval
    from data.utdata import delarsrapport, export
    from data.utdata.delarsrapport import bygg, diagram, pdf, underlag, word
    start.starta(installningar.aktuella().med(databas_url=url))
    u = fragor.normalisera_urval(Urval(period=period))
    storlek = {}
    tider: dict[str, list[float]] = {"xlsx": [], "docx": [], "pdf": [], "pdf efter docx": []}
    delar: dict[str, list[float]] = {"hämtning": [], "dokumentmodell (med diagram)": [], "Word": [], "PDF": []}
    for runda in range(korningar + 1):
        t = {"xlsx": _tid(lambda: storlek.__setitem__("xlsx", len(export.bygg(u).innehall)))}
        for f in ("docx", "pdf"):
            diagram._ritad.cache_clear()          # kallt: diagrammen ritas varje gång
            t[f] = _tid(lambda f=f: storlek.__setitem__(f, len(delarsrapport.skapa(u, f).innehall)))
        t["pdf efter docx"] = _tid(lambda: delarsrapport.skapa(u, "pdf"))   # diagrammen redan ritade
        if runda < korningar:
            if runda:
                for k, v in t.items():
                    tider[k].append(v)
            continue
        und = d = None

        def hamta():
            nonlocal und
            und = underlag.hamta(u)

        def modell():
            nonlocal d
            diagram._ritad.cache_clear()
            d = bygg.dokument(und, underlag.nu())
        del_t = {"hämtning": _tid(hamta), "dokumentmodell (med diagram)": _tid(modell),
                 "Word": _tid(lambda: word.skriv(d)), "PDF": _tid(lambda: pdf.skriv(d))}
        for k, v in t.items():
            tider[k].append(v)
        for k, v in del_t.items():       # delarna mäts i sista rundan
            delar[k].append(v)
    golv = statistics.median(tider["xlsx"])
    print(f"Databas: {url.split('@')[-1]} · period {period} · {korningar} rundor efter en uppvärmning")
    print(f"Maskinens last (1/5/15 min): {' / '.join(f'{x:.1f}' for x in os.getloadavg())} på {os.cpu_count()} kärnor")
    print(f"{'':<28}{'median':>10}{'max':>10}{'× golvet':>10}{'mål':>8}{'storlek':>10}")
    for k, namn in (("xlsx", "Excel-export (golvet)"), ("docx", "Delårsrapport Word"), ("pdf", "Delårsrapport PDF"),
                    ("pdf efter docx", "PDF, diagrammen ritade")):
        med = statistics.median(tider[k])
        mal = f"≤ {MAL[k]:.0f} s" if k in MAL else ""
        kb = f"{storlek[k] / 1024:>8.0f} kB" if k in storlek else ""
        print(f"{namn:<28}{med:>9.2f}s{max(tider[k]):>9.2f}s{med / golv:>9.1f}×{mal:>8}{kb}")
    print("Delarna (sista rundan):")
    for k, v in delar.items():
        print(f"  {k:<30}{statistics.median(v):>8.2f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Mät delårsrapporten mot Excel-exporten.")
    p.add_argument("--korningar", type=int, default=3)
    p.add_argument("--url", help="databas-URL med planen och analystexter (standard: ny SQLite)")
    p.add_argument("--period", default="Delår 2 2020")
    a = p.parse_args(argv)
    if a.url:
        return mat(a.url, a.korningar, a.period)
    with tempfile.TemporaryDirectory(prefix="malkoll_bench_") as katalog:
        url = f"sqlite:///{katalog}/plan.sqlite"
        os.environ.setdefault("MALKOLL_DATA_DIR", katalog)
        _fyll(url, a.period)
        return mat(url, a.korningar, a.period)


if __name__ == "__main__":
    sys.exit(main())
