"""Mät exporten av hela planen till Excel: tid per körning och största minnesanvändning.

    .venv/bin/python bench/export_bench.py [--korningar 20] [--url DATABAS-URL]

Standard är en ny SQLite-databas i en temporär katalog med planen inläst (samma som testerna);
--url mäter mot en befintlig databas (t.ex. PostgreSQL). Första körningen (uppvärmning: import,
anslutningar) räknas inte. Skriver medel, median, p95, max (ms), filstorlek och största
minnestopp (tracemalloc) under en körning.
"""
from __future__ import annotations

import argparse
from data.lagring.start import anvand_databas
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from data.planen import forbered  # noqa: E402

ROT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROT))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Mät exporten av hela planen till Excel.")
    p.add_argument("--korningar", type=int, default=20)
    p.add_argument("--url", help="databas-URL (standard: ny SQLite med planen inläst)")
    p.add_argument("--period", default=None)
    a = p.parse_args(argv)

    from data.utdata import export
    from data.planen import ladda

    if a.url:
        return mat(export, a.url, a.korningar, a.period)
    with tempfile.TemporaryDirectory(prefix="malkoll_bench_") as katalog:
        url = f"sqlite:///{katalog}/plan.sqlite"
        anvand_databas(url)
        ladda.ladda_plan()
        try:
            return mat(export, url, a.korningar, a.period)
        finally:
            forbered.glom()


def mat(export, url: str, korningar: int, period: str | None) -> int:
    anvand_databas(url)
    from data.uppfoljning import fragor
    plan = fragor.los_plan()   # kanten: standardplanen, upplöst en gång
    forsta = export.exportera(plan, period=period)  # uppvärmning
    tider, toppar = [], []
    for _ in range(korningar):
        t = time.perf_counter()
        innehall = export.exportera(plan, period=period)
        tider.append(time.perf_counter() - t)
    for _ in range(min(5, korningar)):
        tracemalloc.start()
        export.exportera(plan, period=period)
        toppar.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()

    ms = sorted(x * 1000 for x in tider)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"Databas: {url.split('@')[-1]}")
    print(f"Export av hela planen, {korningar} körningar (efter en uppvärmning):")
    print(f"  medel {statistics.mean(ms):.1f} ms · median {statistics.median(ms):.1f} ms · "
          f"p95 {p95:.1f} ms · min {ms[0]:.1f} ms · max {ms[-1]:.1f} ms")
    print(f"  filstorlek {len(innehall) / 1024:.1f} kB (första: {len(forsta) / 1024:.1f} kB)")
    print(f"  största minnestopp (tracemalloc, {len(toppar)} körningar): {max(toppar) / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
