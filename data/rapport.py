"""Kommandot `python -m data.rapport`: rapportering av utfall via Excel (koden: data.rapportering.rapport).

    python -m data.rapport mall [--plan KOD] --period PERIOD [--enhet ENHET ...] FIL.xlsx
    python -m data.rapport importera [--plan KOD] [--forhandsgranska] [--av NAMN] FIL.xlsx
    python -m data.rapport las [--plan KOD] --period PERIOD [--av NAMN]
    python -m data.rapport las-upp [--plan KOD] --period PERIOD --av NAMN --motivering TEXT
    python -m data.rapport ta-bort-exempel [--plan KOD]

Planen löses en gång (utan --plan: standardplanen) och perioder och enheter prövas mot den. En tom
databas fylls först som appen gör (data.planen.forbered). Slutkod 0 vid framgång, 1 när filen
avvisas (högst 50 fel på stderr), 2 vid felaktig användning (okänd plan, fil, period eller enhet,
katalog som saknas) – alltid en svensk rad, aldrig en traceback.
"""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from data.planen import kommando
from data.planen.kommando import Kommandofel
from data.rapportering import rapport, rapportfil
from data.rapportering.granser import MAX_TEXT, citat
from data.rapportering.rapport import Anvandningsfel, Importfel
from data.uppfoljning import fragor
from data.uppfoljning.plankontext import Plankontext


def tolkare() -> kommando.Parser:
    ap = kommando.Parser(prog="python -m data.rapport", description="Rapportering av utfall via Excel.")
    sub = ap.add_subparsers(dest="kommando", required=True, parser_class=kommando.Parser)
    m = sub.add_parser("mall", help="skapa en rapportmall")
    m.add_argument("--period", required=True)
    m.add_argument("--enhet", action="append", default=[], help="kanonisk enhetskod i planen (kan upprepas)")
    m.add_argument("fil")
    i = sub.add_parser("importera", help="importera en ifylld rapport")
    i.add_argument("--forhandsgranska", action="store_true", help="visa bara vad som skulle ändras")
    i.add_argument("--av", default=None, help="vem som rapporterar (standard: inloggad användare)")
    i.add_argument("fil")
    l_ = sub.add_parser("las", help="lås en period (rapporten är godkänd)")
    l_.add_argument("--period", required=True)
    l_.add_argument("--av", default=None)
    u = sub.add_parser("las-upp", help="lås upp en period (loggas)")
    u.add_argument("--period", required=True)
    u.add_argument("--av", required=True)
    u.add_argument("--motivering", required=True)
    sub.add_parser("ta-bort-exempel", help="ta bort exempeldata (med --plan bara i den planen)")
    for p in (m, i, l_, u):
        kommando.plan_argument(p)
    sub.choices["ta-bort-exempel"].add_argument("--plan", default=None, help="planens kod (standard: alla planer)")
    return ap


def main(argv: list[str] | None = None) -> int:
    a = tolkare().parse_args(argv)

    def steg() -> int:
        # Det som bara beror på argumenten prövas innan databasen rörs
        if a.kommando == "importera":
            a.data = _las_fil(a.fil)
        elif a.kommando == "mall":
            _kontrollera_utfil(a.fil)
        kommando.starta()
        try:
            return _kor(a)
        except Anvandningsfel as e:
            raise Kommandofel(" ".join(e.fel)) from None
        except Importfel as e:
            print(e, file=sys.stderr)
            return 1
    return kommando.kor(steg)


def _las_fil(fil: str) -> bytes:
    """Filen att importera, läst med storleksgräns. Kastar Kommandofel om den inte går att läsa."""
    p = Path(fil)
    if not p.exists():
        raise Kommandofel(f"filen {fil} finns inte.")
    if p.is_dir():
        raise Kommandofel(f"{fil} är en katalog, inte en fil.")
    try:
        with p.open("rb") as f:
            return rapportfil.las_begransat(f)
    except OSError as e:
        raise Kommandofel(f"filen {fil} kunde inte läsas ({e.strerror or type(e).__name__}).") from None


def _kontrollera_utfil(fil: str) -> None:
    p = Path(fil)
    if p.is_dir():
        raise Kommandofel(f"{fil} är en katalog; ange ett filnamn, t.ex. {p / 'mall.xlsx'}.")
    if not p.parent.is_dir():
        raise Kommandofel(f"katalogen {p.parent} finns inte; skapa den eller välj en annan plats.")


def _kontrollera_period(plan: Plankontext, period: str) -> None:
    namn = list(fragor.perioder(plan).namn)
    if period not in namn:
        raise Kommandofel(f"Perioden {citat(period)} finns inte i {plan}. Perioderna heter: {', '.join(namn)}.")


def _kontrollera_enheter(plan: Plankontext, enheter: list[str]) -> None:
    kanda = list(fragor.enheter(plan).kod)
    okanda = [e for e in enheter if e not in kanda]
    if okanda:
        raise Kommandofel(f"okänd enhet {', '.join(citat(e, 40) for e in okanda[:5])} i {plan}. "
                          f"Enheterna heter t.ex. {', '.join(kanda[:3])}.")


def _kor(a) -> int:
    if a.kommando == "ta-bort-exempel":
        plan = kommando.los_plan(a.plan) if a.plan else None
        print(f"{rapport.ta_bort_exempel(plan=plan)} exempelvärden borttagna"
              + (f" i {plan}." if plan else " (alla planer)."))
        return 0
    plan = kommando.los_plan(a.plan)
    if a.kommando == "mall":
        _kontrollera_period(plan, a.period)
        enheter = [e for x in a.enhet for e in x.split(",") if e]
        _kontrollera_enheter(plan, enheter)
        mall = rapport.skapa_mall(a.period, enheter or None, plan=plan)
        try:
            Path(a.fil).write_bytes(mall)
        except OSError as e:
            raise Kommandofel(f"{a.fil} kunde inte skrivas ({e.strerror or type(e).__name__}).") from None
        print(f"Rapportmallen för {plan}, {a.period} är sparad i {a.fil}.")
    elif a.kommando == "importera":
        fg = rapport.las_rapport(a.data, Path(a.fil).name)
        if a.plan and fg.plan != plan.kod:
            raise Kommandofel(f"rapporten {a.fil} gäller planen {fg.plan}, inte {plan}; ingenting har ändrats.")
        print(fg.text())
        if a.forhandsgranska:
            print("Förhandsgranskning – ingenting har skrivits.")
        elif fg.tom:
            print("Inget att ändra.")
        else:
            rapport.tillampa(fg, (a.av or getpass.getuser())[:200])
            print(f"Importen är klar: {len(fg.nya)} nya och {len(fg.andrade)} ändrade värden sparade.")
    elif a.kommando == "las":
        _kontrollera_period(plan, a.period)
        rapport.las_period(a.period, (a.av or getpass.getuser())[:200], True, plan=plan)
        print(f"Perioden {a.period} i {plan} är låst.")
    elif a.kommando == "las-upp":
        _kontrollera_period(plan, a.period)
        rapport.las_period(a.period, a.av[:200], False, a.motivering[:MAX_TEXT], plan=plan)
        print(f"Perioden {a.period} i {plan} är upplåst (loggat).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
