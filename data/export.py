"""Kommandot `python -m data.export FIL.xlsx [--plan KOD] …`: hela planen som Excel-fil, samma
innehåll som GET /export/malkoll.xlsx (koden: data.utdata.export). Planen löses en gång och
perioden, enheterna och statusarna prövas mot den; en tom databas fylls först som appen gör."""
from __future__ import annotations

import sys

from data.planen import kommando
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
    kommando.urvalsflaggor(p)
    p.add_argument("-h", "--help", action="help")
    return p


def main(argv: list[str] | None = None) -> int:
    p = tolkare()
    a = p.parse_args(argv)
    if not a.fil.lower().endswith(".xlsx"):
        p.error(f"filen måste sluta på .xlsx: {a.fil}")

    def steg() -> int:
        kommando.starta()
        u, plan = kommando.urval(p, a.plan, enhet=a.enhet, roll=a.roll, period=a.period, status=a.status)
        e = export.bygg(u, plan)
        kommando.skriv(a.fil, e.innehall)
        print(f"Skrev {a.fil}: {u.plan}, {', '.join(e.blad)} ({e.period}, {len(e.innehall) // 1024} kB)")
        return 0
    return kommando.kor(steg)


if __name__ == "__main__":
    sys.exit(main())
