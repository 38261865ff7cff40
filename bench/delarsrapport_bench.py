"""Mät delårsrapporten (hela KS-2020, Delår 2 2020) som Word och PDF mot Excel-exporten av hela
planen i samma körning (golvet), omväxlande så att maskinens last drabbar alla lika.

    .venv/bin/python -m bench.delarsrapport_bench [--korningar 3] [--period "Delår 2 2020"] [--url URL]
                                                  [--lugn 1.5 --vanta 120]

Standard är en ny SQLite-databas i en temporär katalog fylld som appen fyller en tom databas (planen,
publicerade utfall och den märkta exempelrapporten) och med analystexter för varje målområde. Varje
runda: Excel-export, Word och PDF kallt (diagrammen ritas: varken processens minne eller det delade
lagret har dem), PDF direkt efter Word (diagrammen i minnet), Word och PDF med diagrammen i det delade
lagret (som en annan arbetsprocess), Excel-exporten igen – hela vägen från urvalet till filen. Första
rundan är uppvärmning (import, anslutningar, typsnitt) och räknas inte. `--lugn X` väntar (högst
`--vanta` s) före varje runda tills maskinens last är ≤ X. Skriver varje runda med lasten, median,
min och max per rad, kvoten mot golvet (Excel-exportens median), delarna i sista rundan och
GODKÄND/UNDERKÄND mot målet (issue 23): Word ≤ 5 s, PDF ≤ 10 s, kallt (median). Slutkod 1 vid
underkänt.
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
    plan = fragor.los_plan()
    admin = Anvandare(None, "bench", "Bänken", "administrator", ())
    texter = [analys.Andring("plan", "", None, "Sammanfattning för bänken.\n\n- en punkt\n- en till")]
    texter += [analys.Andring("malomrade", str(nr), "Delvis i fas", f"Bedömning för målområde {nr}. " * 20)
               for nr in fragor.malomraden(plan).nr]
    analys.spara(plan, period, texter, admin)


def _tid(f) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def _last() -> float:
    return os.getloadavg()[0]


def _vanta_pa_lugn(grans: float, langst: float) -> float:
    """Vänta (högst `langst` s) tills maskinens last (1 min) är ≤ `grans`; ger lasten när rundan börjar."""
    slut = time.monotonic() + langst
    while _last() > grans and time.monotonic() < slut:
        time.sleep(2)
    return _last()


def _kallt(diagram, namn: str) -> None:
    """Kallt: diagrammen ritas. Processens minne töms och ritningens version i lagernyckeln byts, så
    inte heller det delade lagret har bilderna (som en ny data eller en ny ritning)."""
    diagram._ritad.cache_clear()
    diagram.RITNING = f"bänk-{namn}-{time.monotonic_ns()}"


def mat(url: str, korningar: int, period: str, lugn: float | None = None, vanta: float = 120) -> int:
    from data.lagring import installningar, start
    from data.uppfoljning import fragor
    from data.uppfoljning.urval import Urval
    from data.utdata import delarsrapport, export
    from data.utdata.delarsrapport import bygg, diagram, pdf, underlag, word
    from data.utdata.delarsrapport.modell import Bild
    start.starta(installningar.aktuella().med(databas_url=url))
    u = fragor.normalisera_urval(Urval(period=period))
    plan = fragor.los_plan(u.plan)   # kanten: urvalets plan, annars standardplanen
    storlek = {}
    tider: dict[str, list[float]] = {k: [] for k in [*RADER, "xlsx efter"]}
    cpu: dict[str, list[float]] = {k: [] for k in [*RADER, "xlsx efter"]}
    laster: list[float] = []
    delar: dict[str, float] = {}
    for runda in range(korningar + 1):
        last = _vanta_pa_lugn(lugn, vanta) if lugn is not None else _last()
        t: dict[str, float] = {}
        c: dict[str, float] = {}

        def mat_(k, f):
            t[k], c[k] = _tid_cpu(f)
        mat_("xlsx", lambda: storlek.__setitem__("xlsx", len(export.bygg(u, plan).innehall)))
        for f in ("docx", "pdf"):
            _kallt(diagram, f)
            mat_(f, lambda f=f: storlek.__setitem__(f, len(delarsrapport.skapa(u, plan, f).innehall)))
        mat_("pdf efter docx", lambda: delarsrapport.skapa(u, plan, "pdf"))     # diagrammen i processens minne
        diagram._ritad.cache_clear()                                       # en annan arbetsprocess:
        mat_("docx ur lagret", lambda: delarsrapport.skapa(u, plan, "docx"))    # diagrammen i det delade lagret
        diagram._ritad.cache_clear()
        mat_("pdf ur lagret", lambda: delarsrapport.skapa(u, plan, "pdf"))
        mat_("xlsx efter", lambda: export.bygg(u, plan))                        # golvet även efter rapporterna
        print(f"  runda {runda}{' (uppvärmning)' if not runda else ''}: last {last:.1f} → {_last():.1f} · "
              + " · ".join(f"{k} {v:.2f} s (CPU {c[k]:.2f})" for k, v in t.items()), flush=True)
        if not runda:
            continue
        laster += [last, _last()]
        for k, v in t.items():
            tider[k].append(v)
            cpu[k].append(c[k])
        if runda == korningar:             # delarna i sista rundan, kallt
            und = underlag.hamta(u, plan)
            _kallt(diagram, "delar")
            delar["hämtning"] = _tid(lambda: underlag.hamta(u, plan))
            d = None

            def modell():
                nonlocal d
                d = bygg.dokument(und, underlag.nu())
            tid = _tid(modell)
            delar[f"dokumentmodell med {sum(isinstance(b, Bild) for b in d.block)} diagram"] = tid
            delar["Word-filen (python-docx)"] = _tid(lambda: word.skriv(d))
            delar["PDF:en (WeasyPrint, taggad)"] = _tid(lambda: pdf.skriv(d))
    return _skriv_ut(url, period, korningar, tider, cpu, storlek, laster, delar)


def _tid_cpu(f) -> tuple[float, float]:
    """(väggklocka, processortid): processortiden är det processen själv räknade, ungefär väggtiden på en
    ledig maskin (arbetet är enkeltrådat), och påverkas mycket mindre av andras last."""
    c, w = time.process_time(), time.perf_counter()
    f()
    return time.perf_counter() - w, time.process_time() - c


RADER = {"xlsx": "Excel-export (golvet)", "docx": "Word, kallt", "pdf": "PDF, kallt",
         "pdf efter docx": "PDF efter Word (minnet)", "docx ur lagret": "Word, diagram i lagret",
         "pdf ur lagret": "PDF, diagram i lagret"}


def _skriv_ut(url, period, korningar, tider, cpu, storlek, laster, delar) -> int:
    tider = {**tider, "xlsx": tider["xlsx"] + tider["xlsx efter"]}     # golvet: före och efter rapporterna
    cpu = {**cpu, "xlsx": cpu["xlsx"] + cpu["xlsx efter"]}
    golv = statistics.median(tider["xlsx"])
    print(f"\nDatabas: {url.split('@')[-1]} · period {period} · {korningar} rundor efter en uppvärmning")
    print(f"Maskinens last (1 min) under rundorna: median {statistics.median(laster):.1f}, "
          f"högst {max(laster):.1f} på {os.cpu_count()} kärnor; nu 1/5/15 min "
          + " / ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"{'':<28}{'median':>10}{'min':>9}{'max':>9}{'× golvet':>10}{'CPU':>9}{'mål':>8}{'storlek':>10}")
    for k, namn in RADER.items():
        v = tider[k]
        med = statistics.median(v)
        mal = f"≤ {MAL[k]:.0f} s" if k in MAL else ""
        kb = f"{storlek[k] / 1024:>8.0f} kB" if k in storlek else ""
        print(f"{namn:<28}{med:>9.2f}s{min(v):>8.2f}s{max(v):>8.2f}s{med / golv:>9.1f}×"
              f"{statistics.median(cpu[k]):>8.2f}s{mal:>8}{kb}")
    print("Delarna (sista rundan, kallt, väggklocka):")
    for k, v in delar.items():
        print(f"  {k:<34}{v:>8.2f} s")
    godkant = True
    for k, namn in (("docx", "Word"), ("pdf", "PDF")):
        med, med_cpu = statistics.median(tider[k]), statistics.median(cpu[k])
        ok = med <= MAL[k]
        godkant &= ok
        print(f"{'GODKÄND' if ok else 'UNDERKÄND'}: {namn} kallt, median {med:.2f} s mot målet ≤ {MAL[k]:.0f} s "
              f"(golvet {golv:.2f} s, last median {statistics.median(laster):.1f}); processortid {med_cpu:.2f} s "
              f"({'inom' if med_cpu <= MAL[k] else 'över'} målet)")
    return 0 if godkant else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Mät delårsrapporten mot Excel-exporten.")
    p.add_argument("--korningar", type=int, default=3)
    p.add_argument("--url", help="databas-URL med planen och analystexter (standard: ny SQLite)")
    p.add_argument("--period", default="Delår 2 2020")
    p.add_argument("--lugn", type=float, help="vänta före varje runda tills lasten (1 min) är högst så här")
    p.add_argument("--vanta", type=float, default=120, help="vänta högst så här många sekunder per runda")
    a = p.parse_args(argv)
    if a.url:
        return mat(a.url, a.korningar, a.period, a.lugn, a.vanta)
    with tempfile.TemporaryDirectory(prefix="malkoll_bench_") as katalog:
        url = f"sqlite:///{katalog}/plan.sqlite"
        os.environ.setdefault("MALKOLL_DATA_DIR", katalog)
        _fyll(url, a.period)
        return mat(url, a.korningar, a.period, a.lugn, a.vanta)


if __name__ == "__main__":
    sys.exit(main())
