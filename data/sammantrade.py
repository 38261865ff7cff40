"""Kommandot `python -m data.sammantrade`: skapa ett sammanträdes frysta underlag och lista planens
sammanträden (koden: data.utdata.sammantrade)."""
from __future__ import annotations

import getpass
import importlib
import logging
import sys

from data.lagring import installningar
from data.planen import kommando
from data.utdata import sammantrade

log = logging.getLogger(__name__)

ANVANDNING = ('python -m data.sammantrade skapa [--plan KOD] --period PERIOD --datum ÅÅÅÅ-MM-DD '
              '--diarienummer DNR [--organ NAMN] [--enhet KOD ...] [--roll ansvarig] [--status STATUS ...] '
              '[--ersatter ID] [--av NAMN]\n       python -m data.sammantrade lista [--plan KOD]')
HJALP = f"""Användning: {ANVANDNING}

skapa: fryser allt nämnden ser för planen, perioden och filtret – sidorna (också sammanträdesläget),
Excel-exporten och delårsrapportens underlag – som ett sammanträde i databasen. Det ändras aldrig;
visa det med ?sammantrade=ÅÅÅÅ-MM-DD på sidorna, /export/malkoll.xlsx och /api/v1/sammantraden.
lista: planens sammanträden (datum, organ, diarienummer, period, id).

Argument:
  --plan KOD            planens kod (standard: standardplanen)
  --period PERIOD       rapportperioden som nämnden behandlar
  --datum ÅÅÅÅ-MM-DD    sammanträdets datum
  --diarienummer DNR    ärendets diarienummer, t.ex. "BUN 2025/17"
  --organ NAMN          organet som sammanträder (standard: planens nämnd)
  --enhet KOD           bara enhetens åtgärder och indikatorer; upprepa
  --roll ansvarig       bara åtgärder där enheten är ansvarig
  --status STATUS       bara åtgärder med statusen; upprepa
  --ersatter ID         rättelse: sammanträdet (id) som det nya ersätter
  --av NAMN             vem som skapar (standard: användaren som kör kommandot)
  -h, --help            visa den här hjälpen
"""


def tolkare() -> kommando.HjalpParser:
    p = kommando.HjalpParser(prog="python -m data.sammantrade", add_help=False, anvandning=ANVANDNING, hjalp=HJALP)
    p.add_argument("kommando", choices=["skapa", "lista"])
    kommando.urvalsflaggor(p)
    p.add_argument("--datum")
    p.add_argument("--diarienummer")
    p.add_argument("--organ")
    p.add_argument("--ersatter", type=int)
    p.add_argument("--av")
    p.add_argument("-h", "--help", action="help")
    return p


def sidbyggare():
    """Sidorna ligger över kommandona: appen laddas vid namn (som gunicorn laddar app:server) och dess
    sidbyggare bygger sidorna medan underlaget spelas in."""
    appen = importlib.import_module("app").create_app(installningar.aktuella(), forbered_databas=False)
    bygg = importlib.import_module("sidor._sammantrade").bygg_sidorna

    def inre(u) -> None:
        with appen.server.test_request_context("/"):
            bygg(u)
    return inre


def main(argv: list[str] | None = None) -> int:
    p = tolkare()
    a = p.parse_args(argv)
    if a.kommando == "skapa":
        saknas = [f"--{n}" for n in ("period", "datum", "diarienummer") if not getattr(a, n)]
        if saknas:
            p.error("saknar argument: " + ", ".join(saknas))

    def steg() -> int:
        kommando.starta()
        plan = kommando.los_plan(a.plan)   # kanten: --plan, annars standardplanen
        if a.kommando == "lista":
            for r in sammantrade.lista(plan).itertuples():
                ers = f", ersätter {r.ersatter_id}" if r.ersatter_id is not None else ""
                print(f"{r.datum} {r.organ} dnr {r.diarienummer} · {r.period} · id {r.id}{ers}")
            return 0
        try:
            s = sammantrade.skapa(plan, a.period, a.datum, a.diarienummer, a.av or getpass.getuser(), sidbyggare(),
                                  organ=a.organ, enhet=a.enhet, roll=a.roll, status=a.status, ersatter=a.ersatter)
        except sammantrade.Sammantradesfel as e:
            raise kommando.Kommandofel(str(e)) from None
        print(f"Sammanträde {s.id} skapat: {s.etikett} ({s.period}, planen {s.plan_kod}). "
              f"Visa: /?plan={s.plan_kod}&sammantrade={s.datum}")
        return 0
    return kommando.kor(steg)


if __name__ == "__main__":
    sys.exit(main())
