"""Export av hela planen och import av en full rapport: tid och största minnesanvändning.

    .venv/bin/python -m bench.import_export [--db sqlite postgresql] [--korningar 5] [--syntetisk]

Export: `data.utdata.export.exportera()` (hela planen, alla sex bladen) – som bench/export_bench.py,
men mot SQLite och PostgreSQL och med maxrss. Import: rapportmallen för "Delår 2 2020"
(`data.rapportering.rapport.skapa_mall`) med varje rad ifylld (som data/exempel.py, men alla rader: status
och kommentar för varje åtgärd, utfall – eller "Kan inte bedömas" med skäl – för varje indikator,
bedömning för varje inriktningsmål, utfall och prognos för varje budgetrad); sedan
`las_rapport` (förhandsgranskningen) och `tillampa` (skrivningen) i en ny databas per körning
(planen och de publicerade utfallen inlästa, inget exempel: MALKOLL_EXEMPEL=av, så allt är nytt).

Exporten mäts utan frågecache (MALKOLL_CACHE=av: varje export frågar databasen) och med varm
cache. Importens mall går genom frågefunktionerna med kall cache (ny databas).
Tid: median och max över körningarna (utan tracemalloc). Minne: största tracemalloc-topp för
varje steg (en egen körning med tracemalloc på) och processens maxrss (resource.getrusage) i
slutet. Databaserna tas bort efteråt.
"""
from __future__ import annotations

import argparse
from data.lagring.start import anvand_databas
import io
import math
import os
import resource
import statistics
import sys
import time
import tracemalloc

from bench._verktyg import maskin, percentil, tillfallig_databas, visad_url
from data.planen import forbered  # noqa: E402

PERIOD = "Delår 2 2020"


def _kol(ws, namn: str) -> int:
    from data.rapportering.rapport import RUBRIKRAD
    return [c.value for c in ws[RUBRIKRAD]].index(namn) + 1


def fylld_rapport(mall: bytes) -> bytes:
    """Fyll varje rad i rapportmallen (deterministiskt)."""
    from openpyxl import load_workbook

    from data.rapportering.rapport import FORSTA_RAD
    from data.uppfoljning.regler import ATGARDSSTATUS, BEDOMNINGAR
    wb = load_workbook(io.BytesIO(mall))
    ws = wb["Åtgärder"]
    for i, rad in enumerate(range(FORSTA_RAD, ws.max_row + 1)):
        status = ATGARDSSTATUS[i % len(ATGARDSSTATUS)]
        ws.cell(rad, _kol(ws, "Status"), status)
        ws.cell(rad, _kol(ws, "Kommentar"), f"Bänk: kommentar {i} för statusen {status}.")
    ws = wb["Indikatorer"]
    k_mal, k_ut, k_kom, k_kib = (_kol(ws, "Mål för året"), _kol(ws, "Utfall"), _kol(ws, "Kommentar"),
                                 _kol(ws, "Kan inte bedömas"))
    for i, rad in enumerate(range(FORSTA_RAD, ws.max_row + 1)):
        mal = ws.cell(rad, k_mal).value
        if isinstance(mal, (int, float)) and not (isinstance(mal, float) and math.isnan(mal)):
            ws.cell(rad, k_ut, round(float(mal) * (0.9 + 0.05 * (i % 4)), 2))
            ws.cell(rad, k_kom, f"Bänk: utfall {i}.")
        else:
            ws.cell(rad, k_kib, "Ja")
            ws.cell(rad, k_kom, f"Bänk: indikator {i} saknar numeriskt mål.")
    ws = wb["Inriktningsmål"]
    for i, rad in enumerate(range(FORSTA_RAD, ws.max_row + 1)):
        ws.cell(rad, _kol(ws, "Bedömning"), BEDOMNINGAR[i % len(BEDOMNINGAR)])
        ws.cell(rad, _kol(ws, "Motivering"), f"Bänk: motivering {i}.")
    ws = wb["Budget"]
    k_b, k_u, k_p = _kol(ws, "Budget för året (tkr)"), _kol(ws, "Utfall hittills (tkr)"), _kol(ws, "Prognos helår (tkr)")
    for i, rad in enumerate(range(FORSTA_RAD, ws.max_row + 1)):
        budget = ws.cell(rad, k_b).value
        budget = float(budget) if isinstance(budget, (int, float)) else 1000.0
        prognos = round(budget * (1 + 0.01 * (i % 5 - 2)))
        ws.cell(rad, k_p, prognos)
        ws.cell(rad, k_u, round(prognos * 8 / 12))
        ws.cell(rad, _kol(ws, "Kommentar"), f"Bänk: budgetrad {i}.")
    ut = io.BytesIO()
    wb.save(ut)
    return ut.getvalue()


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _med_minne(f):
    tracemalloc.start()
    try:
        svar = f()
        return svar, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def ny_databas(sort: str, syntetisk: bool, antal_namnder: int):
    """Kontexthanterare: en ny databas med planen och de publicerade utfallen, utan exempel."""
    import contextlib

    @contextlib.contextmanager
    def cm():
        with tillfallig_databas(sort) as url:
            os.environ["MALKOLL_EXEMPEL"] = "av"
            try:
                if syntetisk:
                    from bench import syntetisk as synt
                    synt.bygg(url, antal_namnder, utskrift=False)
                else:
                    anvand_databas(url)
                    forbered.sakerstall_databas()
            finally:
                os.environ.pop("MALKOLL_EXEMPEL", None)
            yield url
    return cm()


def mat_export(url: str, korningar: int, cache: bool) -> dict:
    """cache=False: MALKOLL_CACHE=av (varje export frågar databasen); True: frågecachen varm."""
    from data.utdata import export
    gammal = os.environ.get("MALKOLL_CACHE")
    os.environ["MALKOLL_CACHE"] = "" if cache else "av"
    try:
        anvand_databas(url)
        from data.uppfoljning import fragor
        plan = fragor.los_plan()   # kanten: standardplanen, upplöst en gång
        export.exportera(plan, period=PERIOD)  # uppvärmning
        tider = []
        for _ in range(korningar):
            t = time.perf_counter()
            innehall = export.exportera(plan, period=PERIOD)
            tider.append(time.perf_counter() - t)
        _, topp = _med_minne(lambda: export.exportera(plan, period=PERIOD))
    finally:
        if gammal is None:
            os.environ.pop("MALKOLL_CACHE", None)
        else:
            os.environ["MALKOLL_CACHE"] = gammal
    return {"tider": tider, "topp": topp, "storlek": len(innehall)}


def mat_import(sort: str, korningar: int, syntetisk: bool, antal_namnder: int) -> dict:
    from data.rapportering import rapport
    steg = {"mall": [], "fyll": [], "forhandsgranska": [], "tillampa": []}
    toppar = {k: 0 for k in steg}
    antal = None
    for r in range(korningar + 1):  # sista körningen mäter minnet (tracemalloc)
        minne = r == korningar
        with ny_databas(sort, syntetisk, antal_namnder) as url:
            def kor(namn, f):
                if minne:
                    svar, topp = _med_minne(f)
                    toppar[namn] = max(toppar[namn], topp)
                    return svar
                t = time.perf_counter()
                svar = f()
                steg[namn].append(time.perf_counter() - t)
                return svar
            from data.uppfoljning import fragor
            mall = kor("mall", lambda: rapport.skapa_mall(PERIOD, plan=fragor.los_plan()))
            fylld = kor("fyll", lambda: fylld_rapport(mall))
            fg = kor("forhandsgranska", lambda: rapport.las_rapport(fylld, "bank_full_rapport.xlsx"))
            n = kor("tillampa", lambda: rapport.tillampa(fg, "Bänk (bench/import_export.py)"))
            antal = {"nya": len(fg.nya), "andrade": len(fg.andrade), "rader": n, "filstorlek": len(fylld)}
    return {"steg": steg, "toppar": toppar, "antal": antal}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.import_export", description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    ap.add_argument("--korningar", type=int, default=5)
    ap.add_argument("--syntetisk", action="store_true", help="med den stora syntetiska datamängden i databasen")
    ap.add_argument("--antal-namnder", type=int, default=20)
    a = ap.parse_args(argv)
    print(maskin())
    data = "stor syntetisk" if a.syntetisk else "KS-2020"
    exp_rader = ["| data | databas | frågecache | median | p95 | max | tracemalloc-topp | fil |",
                 "|---|---|---|---|---|---|---|---|"]
    imp_rader = ["| data | databas | mall | fylla i (openpyxl) | förhandsgranska (las_rapport) | tillämpa (tillampa) | "
                 "tracemalloc-topp mall / förhandsgr. / tillämpa | rader |", "|---|---|---|---|---|---|---|---|"]
    for sort in a.db:
        with ny_databas(sort, a.syntetisk, a.antal_namnder) as url:
            print(f"Export, {sort} ({visad_url(url)}) …", flush=True)
            for cache in (False, True):
                e = mat_export(url, max(a.korningar * 4, 10), cache)
                ms = [x * 1000 for x in e["tider"]]
                exp_rader.append(f"| {data} | {sort} | {'på (varm)' if cache else 'av'} | {statistics.median(ms):.0f} ms | "
                                 f"{percentil(ms, 95):.0f} ms | {max(ms):.0f} ms | {e['topp'] / 2**20:.1f} MiB | "
                                 f"{e['storlek'] / 1024:.0f} kB |")
        print(f"Import, {sort} …", flush=True)
        i = mat_import(sort, a.korningar, a.syntetisk, a.antal_namnder)
        med = {k: statistics.median(v) * 1000 for k, v in i["steg"].items()}
        mx = {k: max(v) * 1000 for k, v in i["steg"].items()}
        t = i["toppar"]
        imp_rader.append(
            f"| {data} | {sort} | {med['mall']:.0f} ms (max {mx['mall']:.0f}) | {med['fyll']:.0f} ms | "
            f"{med['forhandsgranska']:.0f} ms (max {mx['forhandsgranska']:.0f}) | "
            f"{med['tillampa']:.0f} ms (max {mx['tillampa']:.0f}) | "
            f"{t['mall'] / 2**20:.1f} / {t['forhandsgranska'] / 2**20:.1f} / {t['tillampa'] / 2**20:.1f} MiB | "
            f"{i['antal']['rader']} ({i['antal']['nya']} nya värden) |")
    print()
    print(f"Export av hela planen ({PERIOD}), {max(a.korningar * 4, 10)} körningar efter en uppvärmning:")
    print("\n".join(exp_rader))
    print()
    print(f"Import av en full rapport ({PERIOD}), {a.korningar} körningar, ny databas per körning:")
    print("\n".join(imp_rader))
    print()
    print(f"Processens maxrss: {_maxrss_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
