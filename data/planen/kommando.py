"""Det som alla kommandon (python -m data.X) gör vid kanten: startar som appen (schema och, i en
tom databas, planen – data.planen.forbered), löser planen en gång (`--plan`) och svarar med en
svensk rad och slutkod 2 i stället för en traceback.
"""
from __future__ import annotations

import argparse
import logging
import re
import sys
from typing import Callable, NoReturn

from sqlalchemy import select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, SQLAlchemyError

from data.lagring import db, installningar
from data.lagring.models import Plan
from data.planen import forbered
from data.planen.kallor import KallfilFel
from data.uppfoljning import fragor
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.urval import Urval

log = logging.getLogger(__name__)


class Kommandofel(Exception):
    """Ett fel att visa som det är (en svensk mening), slutkod 2."""


OVERSATTNING = [   # argparse:s felrader på svenska
    (r"the following arguments are required: (.*)", r"saknar argument: \1"),
    (r"unrecognized arguments: (.*)", r"okända argument: \1"),
    (r"argument (\S+): expected one argument", r"argumentet \1 behöver ett värde"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", r"argumentet \1: ogiltigt val \2 (välj \3)"),
    (r"argument (\S+): ignored explicit argument (.*)", r"argumentet \1 tar inget värde (\2)"),
    (r"ambiguous option: (.*)", r"tvetydig flagga: \1"),
]


def pa_svenska(message: str) -> str:
    for monster, ers in OVERSATTNING:
        if re.fullmatch(monster, message):
            return re.sub(monster, ers, message)
    return message


class Parser(argparse.ArgumentParser):
    """argparse med svenska felrader och slutkod 2 (argparse:s egen är engelska)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"Fel: {pa_svenska(message)}\n")


class HjalpParser(Parser):
    """En tolkare med kommandots egen svenska användningsrad och hjälptext (argparse:s är engelska)."""

    def __init__(self, *args, anvandning: str, hjalp: str, **kw):
        super().__init__(*args, **kw)
        self.anvandning, self.hjalp = anvandning, hjalp

    def format_usage(self) -> str:
        return f"Användning: {self.anvandning}\n"

    def format_help(self) -> str:
        return self.hjalp

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.format_usage()}fel: {pa_svenska(message)}\n")


def plan_argument(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--plan", default=None,
                    help="planens kod (standard: standardplanen, MALKOLL_STANDARDPLAN)")


def starta() -> installningar.Installningar:
    """Som appen: inställningarna, schemat och, om databasen är tom, planen ur källfilerna."""
    try:
        return forbered.forbered()
    except KallfilFel as e:
        fler = f" (och {len(e.fel) - 1} fel till)" if len(e.fel) > 1 else ""
        raise Kommandofel(f"databasen är tom och planen i {installningar.aktuella().plankatalog} går inte att "
                          f"läsa in: {e.fel[0]}{fler}. Rätta källfilerna eller ange MALKOLL_PLANKATALOG; "
                          "python -m data.ladda visar alla fel.") from None


def databasen_ar_tom() -> bool:
    """Har databasen (med schemat på plats) ingen plan?"""
    with db.session() as s:
        return s.scalar(select(Plan.id).limit(1)) is None


def los_plan(kod: str | None) -> Plankontext:
    """Kanten för kommandona: `--plan` (versaler spelar ingen roll) eller, utan, standardplanen med
    sidornas regel, upplöst en gång till en Plankontext (fragor.los_plan). Kommandofel annars."""
    koder = list(fragor.planer().kod)
    if kod:
        if kod not in koder:
            traff = [k for k in koder if k.casefold() == kod.casefold()]
            if len(traff) != 1:
                raise Kommandofel(f"Planen {kod!r} finns inte. Planerna heter: {', '.join(koder) or '(inga)'}.")
            kod = traff[0]
    try:
        return fragor.los_plan(kod or None)
    except LookupError:
        raise Kommandofel("databasen har ingen plan; läs in en med python -m data.ladda --katalog KATALOG.") from None


def urvalsflaggor(p: argparse.ArgumentParser) -> None:
    """Flaggorna för urvalet, lika i varje kommando som tar ett: --plan, --period, --enhet, --roll, --status."""
    p.add_argument("--plan")
    p.add_argument("--period")
    p.add_argument("--enhet", action="append", default=[])
    p.add_argument("--roll", choices=["ansvarig"])
    p.add_argument("--status", action="append", default=[])


def urval(p: argparse.ArgumentParser, plankod: str | None, **val) -> tuple[Urval, Plankontext]:
    """Kommandots urval och dess upplösta plan, med planens stavningar; okända värden → p.error (slutkod 2)."""
    try:
        plan = los_plan(plankod)
    except Kommandofel as e:
        p.error(str(e))
    u = fragor.normalisera_urval(Urval(plan=plan.kod, **val))
    fel = u.fel + fragor.kontrollera_urval(u)
    if fel:
        p.error(f"i planen {plan.kod}: " + "; ".join(fel))
    return u, plan


def skriv(fil: str, innehall: bytes) -> None:
    """Skriv kommandots utfil; Kommandofel (en svensk rad) om det inte går."""
    try:
        with open(fil, "wb") as f:
            f.write(innehall)
    except OSError as err:
        raise Kommandofel(f"kunde inte skriva {fil}: {err.strerror or err}") from None


def kor(steg: Callable[[], int]) -> int:
    """Kör kommandots steg; varje känt fel blir en svensk rad på stderr och slutkod 2 (1 när
    databasen inte svarar: inget fel i det som angavs, försök igen)."""
    try:
        return steg()
    except Kommandofel as e:
        print(f"Fel: {e}", file=sys.stderr)
    except KallfilFel as e:
        print(e, file=sys.stderr)
    except installningar.Installningsfel as e:
        print(f"Fel i inställningarna: {e}", file=sys.stderr)
    except (DataError, IntegrityError) as e:   # ett värde som databasen inte tar emot
        print(f"Databasen vägrade ett värde – ingenting har ändrats ({str(e).splitlines()[0][:200]}).",
              file=sys.stderr)
    except DBAPIError as e:   # ingen användning som är fel: slutkod 1 (försök igen)
        print("Databasen svarar inte just nu – ingenting har ändrats. Försök igen om en stund "
              f"({str(e).splitlines()[0][:200]}).", file=sys.stderr)
        return 1
    except SQLAlchemyError as e:
        print(f"Databasen vägrade – ingenting har ändrats ({str(e).splitlines()[0][:200]}).", file=sys.stderr)
    except OSError as e:
        print(f"Fel: {e.filename or ''} kunde inte läsas eller skrivas ({e.strerror or type(e).__name__}).",
              file=sys.stderr)
    except KeyboardInterrupt:
        print("Avbrutet – det som inte hann sparas är inte sparat.", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 – sista skyddet: en rad, aldrig en traceback (den loggas på DEBUG)
        log.debug("Oväntat fel i kommandot", exc_info=True)
        rad = str(e).splitlines()[0][:200] if str(e) else ""
        print(f"Oväntat fel i kommandot ({type(e).__name__}{': ' + rad if rad else ''}) – det som inte hann "
              "sparas i sin transaktion är inte sparat. Rapportera gärna felet.", file=sys.stderr)
    return 2


def fylld_forst(main: Callable[[list[str] | None], int], argv: list[str] | None = None) -> int:
    """För kommandon vars kod startar själv (data.kolada, data.runda …): fyll en tom databas först
    som appen gör (eller en svensk rad och slutkod 2), kör sedan kommandot."""
    args = sys.argv[1:] if argv is None else argv
    if not {"-h", "--help"} & set(args):
        kod = kor(lambda: (starta(), 0)[1])
        if kod:
            return kod
    return main(argv)
