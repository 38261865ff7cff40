"""Kommandot `python -m data.nyplan --plan KOD --kod NY KATALOG [--period PERIOD]`: källfilerna för
nästa års plan ur planen KOD (--fran är samma sak). Koden: data.planen.nyplan."""
from __future__ import annotations

import sys
from pathlib import Path

from data.planen import kommando, nyplan
from data.planen.kommando import Kommandofel
from data.uppfoljning import fragor


def main(argv: list[str] | None = None) -> int:
    ap = kommando.Parser(prog="python -m data.nyplan", description="Skriv källfilerna för nästa års plan.")
    ap.add_argument("--plan", "--fran", dest="plan", required=True, help="planen att utgå från (planens kod)")
    ap.add_argument("--kod", required=True, help="den nya planens kod")
    ap.add_argument("--period", default=None, help="perioden i planen vars status avgör vilka åtgärder som förs över")
    ap.add_argument("katalog", type=Path, help="ny katalog för källfilerna")
    a = ap.parse_args(argv)
    return kommando.kor(lambda: _skriv(a))


def _skriv(a) -> int:
    kommando.starta()
    plan = kommando.los_plan(a.plan)
    if a.period is not None and a.period not in set(fragor.perioder(plan).namn):
        raise Kommandofel(f"perioden {a.period!r} finns inte i {plan}; perioderna heter "
                          f"{', '.join(fragor.perioder(plan).namn)}.")
    try:
        summa = nyplan.ny_plan(plan, a.kod, a.katalog, a.period)
    except nyplan.Nyplanfel as e:
        raise Kommandofel(str(e)) from None
    print(f"Källfilerna för {a.kod} (ur {plan}) är skrivna i {a.katalog}: "
          + ", ".join(f"{v} {k}" for k, v in summa.items())
          + f". Redigera dem och läs in med: python -m data.ladda --katalog {a.katalog}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
