"""Kommandot `python -m data.delarsrapport`: delårsrapporten som Word eller PDF (koden:
data.utdata.delarsrapport). Samma urval som Excel-exporten; okända värden avvisas."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from data.planen import kommando
from data.utdata import delarsrapport

log = logging.getLogger(__name__)

ANVANDNING = ('python -m data.delarsrapport [--plan KOD] [--period PERIOD] [--enhet KOD ...] '
              '[--roll ansvarig] [--status STATUS ...] --format docx|pdf [--mall MALL.docx] UTFIL')
HJALP = f"""Användning: {ANVANDNING}

Skriver delårsrapporten (omslag, innehåll, sammanfattning, målområdena med bedömning, status,
inriktningsmål, uppdrag och åtgärder, indikatorer med diagram och förändringar; arbetsgivare,
särskilda uppdrag och budgetuppföljning när planen har dem) som Word eller tillgänglig PDF –
samma innehåll som GET /export/delarsrapport.docx och .pdf. Databasen väljs med DATABASE_URL.

Argument:
  UTFIL                 filen som skrivs (skrivs över om den finns)
  --format docx|pdf     Word (.docx) eller PDF
  --plan KOD            planens kod (standard: standardplanen)
  --period PERIOD       rapportperiodens namn (standard: som sidorna)
  --enhet KOD           bara enhetens åtgärder och indikatorer (underenheter ingår); upprepa
  --roll ansvarig       bara åtgärder där enheten är ansvarig
  --status STATUS       bara åtgärder med statusen; upprepa
  --mall MALL.docx      Word-mall för formaten (standard: rapportmall.docx i planens katalog)
  -h, --help            visa den här hjälpen

Se docs/delarsrapport.md.
"""


def tolkare() -> kommando.HjalpParser:
    p = kommando.HjalpParser(prog="python -m data.delarsrapport", add_help=False, anvandning=ANVANDNING, hjalp=HJALP)
    p.add_argument("fil")
    p.add_argument("--format", required=True, choices=sorted(delarsrapport.FORMAT))
    kommando.urvalsflaggor(p)
    p.add_argument("--mall")
    p.add_argument("-h", "--help", action="help")
    return p


def main(argv: list[str] | None = None) -> int:
    p = tolkare()
    a = p.parse_args(argv)
    if not a.fil.lower().endswith("." + a.format):
        p.error(f"filen måste sluta på .{a.format}: {a.fil}")
    mall = Path(a.mall) if a.mall else None
    if mall is not None and not mall.is_file():
        p.error(f"mallen finns inte: {a.mall}")

    def steg() -> int:
        kommando.starta()
        u, plan = kommando.urval(p, a.plan, enhet=a.enhet, roll=a.roll, period=a.period, status=a.status)
        r = delarsrapport.skapa(u, plan, a.format, mall=mall)
        kommando.skriv(a.fil, r.innehall)
        print(f"Skrev {a.fil}: delårsrapport {u.plan} {r.period} ({len(r.innehall) // 1024} kB)")
        return 0
    return kommando.kor(steg)


if __name__ == "__main__":
    sys.exit(main())
