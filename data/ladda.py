"""Kommandot `python -m data.ladda [--katalog DIR] [--plan KOD]`: läser in en plans källfiler och
dess publicerade utfall (plan.yaml: publicerade_utfall). Koden: data.planen.ladda."""
from __future__ import annotations

import sys
from pathlib import Path

from data.lagring import db, start
from data.planen import kommando, ladda, publicerat
from data.planen.kallor import PLAN_DIR, las_plan
from data.planen.kommando import Kommandofel


def main(argv: list[str] | None = None) -> int:
    ap = kommando.Parser(prog="python -m data.ladda", description="Läs in en plans källfiler i databasen.")
    ap.add_argument("--katalog", type=Path, default=None,
                    help="katalog med källfilerna (standard: MALKOLL_PLANKATALOG, annars data/plan/)")
    ap.add_argument("--plan", default=None, help="planens kod: kontrolleras mot katalogens plan.yaml")
    a = ap.parse_args(argv)
    return kommando.kor(lambda: _ladda(a.katalog, a.plan))


def _ladda(katalog: Path | None, kod: str | None) -> int:
    inst = start.starta()   # inställningarna och schemat
    katalog = Path(katalog or inst.plankatalog or PLAN_DIR)
    if not katalog.is_dir():
        raise Kommandofel(f"katalogen {katalog} finns inte (den ska innehålla plan.yaml, enheter.yaml …).")
    plan = las_plan(katalog)   # KallfilFel innan något rörs
    if kod and plan["kod"] != kod:
        raise Kommandofel(f"katalogen {katalog} innehåller planen {plan['kod']!r}, inte {kod!r}.")
    if katalog.resolve() == Path(inst.plankatalog).resolve() and kommando.databasen_ar_tom():
        kommando.starta()   # som appen: planen, dess publicerade utfall och (MALKOLL_EXEMPEL) exemplet
        print(f"Databasen var tom och är fylld som när appen startar: planen {plan['kod']} inläst "
              f"({db.databas_url().split('@')[-1]}).")
        _skriv_varningar(plan)
        return 0
    try:
        resultat = ladda.spara(plan)
    except ladda.Laddfel as e:
        print(f"Inläsningen av {plan['kod']} vägrades – databasen är oförändrad. Det som tagits bort ur "
              "källfilerna har rapporter, låsningar eller konton som pekar på sig (lägg tillbaka det i "
              "filerna; en inläsning tar aldrig bort något rapporterat):", file=sys.stderr)
        for rad in e.fel:
            print(f"  - {rad}", file=sys.stderr)
        return 2
    try:
        nya = publicerat.ladda_for_plan(katalog, plan)
    except publicerat.Publiceringsfel as e:
        print(f"Planen {plan['kod']} {resultat}, men dess publicerade utfall lästes inte in (ingen av dem):\n{e}",
              file=sys.stderr)
        return 1
    _skriv_varningar(plan)
    print(f"Planen {plan['kod']} {resultat} ({db.databas_url().split('@')[-1]})"
          + (f"; {nya} publicerade värden inlästa" if nya else "") + "."
          + (f" {len(plan['varningar'])} varningar (ovan; de visas också för administratören på /andringslogg)."
             if plan["varningar"] else ""))
    return 0



def _skriv_varningar(plan: dict) -> None:
    for v in plan["varningar"]:
        print(f"Varning: {v}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
