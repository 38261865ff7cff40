"""Kommandot `python -m data.export FIL.xlsx [--plan KOD] …`: hela planen som Excel-fil, samma
innehåll som GET /export/malkoll.xlsx (koden: data.utdata.export). Planen löses en gång och
perioden, enheterna och statusarna prövas mot den; en tom databas fylls först som appen gör."""
from __future__ import annotations

import sys

from data.planen import kommando
from data.planen.kommando import Kommandofel
from data.uppfoljning import fragor
from data.uppfoljning.urval import Urval
from data.utdata import export

ANVANDNING = ("python -m data.export FIL.xlsx [--plan KOD] [--period PERIOD] [--enhet KOD ...] "
              "[--roll ansvarig] [--status STATUS ...]")
HJALP = f"""Användning: {ANVANDNING}

Skriver hela planen (Åtgärder, Indikatorer och budgetbladen) som en Excel-fil – samma
innehåll som GET /export/malkoll.xlsx. Databasen väljs med DATABASE_URL (standard: SQLite
under data/).

Argument:
  FIL.xlsx              filen som skrivs (skrivs över om den finns)
  --plan KOD            planens kod (standard: standardplanen)
  --period PERIOD       rapportperiod i planen (standard: senaste med rapporter)
  --enhet KOD           kanonisk enhetskod i planen; upprepa eller kommaseparera;
                        en förälder omfattar sina underenheter
  --roll ansvarig       bara åtgärder där enheten är ansvarig (inte i samverkan)
  --status STATUS       visad status att behålla, t.ex. Försenad; upprepa eller kommaseparera
  -h, --help            visa den här hjälpen

Se docs/export.md.
"""


def tolkare() -> kommando.HjalpParser:
    p = kommando.HjalpParser(prog="python -m data.export", add_help=False, anvandning=ANVANDNING, hjalp=HJALP)
    p.add_argument("fil")
    p.add_argument("--plan")
    p.add_argument("--period")
    p.add_argument("--enhet", action="append", default=[])
    p.add_argument("--roll", choices=["ansvarig"])
    p.add_argument("--status", action="append", default=[])
    p.add_argument("-h", "--help", action="help")
    return p


def main(argv: list[str] | None = None) -> int:
    p = tolkare()
    a = p.parse_args(argv)
    if not a.fil.lower().endswith(".xlsx"):
        p.error(f"filen måste sluta på .xlsx: {a.fil}")

    def steg() -> int:
        kommando.starta()
        try:
            plan = kommando.los_plan(a.plan)
        except Kommandofel as e:
            p.error(str(e))
        u = Urval(plan=plan, enhet=a.enhet, roll=a.roll, period=a.period, status=a.status)
        fel = fragor.kontrollera_urval(u) + u.fel
        if fel:
            p.error(f"i planen {plan}: " + "; ".join(fel))
        e = export.bygg(u)
        try:
            with open(a.fil, "wb") as f:
                f.write(e.innehall)
        except OSError as err:
            raise Kommandofel(f"kunde inte skriva {a.fil}: {err.strerror or err}") from None
        print(f"Skrev {a.fil}: {plan}, {', '.join(e.blad)} ({e.period}, {len(e.innehall) // 1024} kB)")
        return 0
    return kommando.kor(steg)


if __name__ == "__main__":
    sys.exit(main())
