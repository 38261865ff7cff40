"""Tid och antal SQL-frågor per frågefunktion (data/fragor.py) utan cache: liten mot stor databas.

    .venv/bin/python -m bench.fragetid [--db sqlite postgresql] [--upprepningar 15]

Förklarar tillväxten: samma anrop som sidorna gör (standardperioden för KS-2020, inga filter och
ett enhetsfilter), med MALKOLL_CACHE=av, mot en ny databas med bara KS-2020 och en med den stora
syntetiska datamängden (bench.syntetisk). Median av --upprepningar anrop; frågor räknas med
SQLAlchemys `before_cursor_execute`.
"""
from __future__ import annotations

import argparse
from data.lagring.start import anvand_databas
import os
import statistics
import sys
import time

from bench._verktyg import maskin, tillfallig_databas
from data.planen import forbered  # noqa: E402

ANROP = {
    "perioder()": lambda f, p: f.perioder(plan=p),
    "vald_period()": lambda f, p: f.vald_period(plan=p),
    "malomraden()": lambda f, p: f.malomraden(plan=p),
    "inriktningsmal(1)": lambda f, p: f.inriktningsmal(1, plan=p),
    "atgarder(1)": lambda f, p: f.atgarder(1, plan=p),
    "atgarder(1, enhet=KSK)": lambda f, p: f.atgarder(1, enhet=["KSK"], plan=p),
    "indikatorer(1)": lambda f, p: f.indikatorer(1, plan=p),
    "indikatorer(1, enhet=KSK)": lambda f, p: f.indikatorer(1, enhet=["KSK"], plan=p),
    "utfall(ind. i mo 1)": lambda f, p: f.utfall(f.indikatorer(1, plan=p).id.tolist()),
    "budget_bred(drift_per_verksamhet)": lambda f, p: f.budget_bred("drift_per_verksamhet", plan=p),
    "budgetutfall()": lambda f, p: f.budgetutfall(plan=p),
}


def mat(url: str, upprepningar: int) -> dict[str, tuple[float, int]]:
    from sqlalchemy import event

    from data.lagring import db
    from data.uppfoljning import fragor
    anvand_databas(url)
    motor = db.motor()
    n = {"n": 0}

    def rakna(*_a, **_k):
        n["n"] += 1
    event.listen(motor, "before_cursor_execute", rakna)
    ut = {}
    plan = fragor.los_plan()   # kanten: standardplanen, upplöst en gång
    try:
        for namn, f in ANROP.items():
            f(fragor, plan)
            tider = []
            for _ in range(upprepningar):
                n["n"] = 0
                t = time.perf_counter()
                f(fragor, plan)
                tider.append(time.perf_counter() - t)
            ut[namn] = (statistics.median(tider), n["n"])
    finally:
        event.remove(motor, "before_cursor_execute", rakna)
    return ut


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.fragetid", description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    ap.add_argument("--upprepningar", type=int, default=15)
    ap.add_argument("--antal-namnder", type=int, default=20)
    a = ap.parse_args(argv)
    os.environ["MALKOLL_CACHE"] = "av"
    print(maskin(), flush=True)
    from bench import syntetisk
    for sort in a.db:
        res = {}
        for storlek in ("liten", "stor"):
            with tillfallig_databas(sort) as url:
                if storlek == "stor":
                    syntetisk.bygg(url, a.antal_namnder, utskrift=False)
                else:
                    anvand_databas(url)
                    forbered.sakerstall_databas()
                res[storlek] = mat(url, a.upprepningar)
        print()
        print(f"{sort}: KS-2020 ensam (liten) mot KS-2020 + {a.antal_namnder * 3} syntetiska planer (stor), "
              f"median av {a.upprepningar}, ingen cache")
        print("| anrop | liten | stor | stor/liten | frågor (liten/stor) |")
        print("|---|---|---|---|---|")
        for namn in ANROP:
            (tl, nl), (ts, ns) = res["liten"][namn], res["stor"][namn]
            print(f"| `{namn}` | {tl * 1000:.1f} ms | {ts * 1000:.1f} ms | {ts / tl:.2f}× | {nl}/{ns} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
