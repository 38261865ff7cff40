"""Kommandot `python -m data.publicerat [--katalog DIR] [--plan KOD]`: läser in planens publicerade
utfall – filen som planens plan.yaml pekar ut (publicerade_utfall) – för vilken plan som helst
(koden: data.planen.publicerat). Utan --katalog: planen i MALKOLL_PLANKATALOG (standard data/plan/)."""
from __future__ import annotations

import sys
from pathlib import Path

from data.planen import kommando, publicerat
from data.planen.kallor import PLAN_DIR, las_plan
from data.planen.kommando import Kommandofel


def main(argv: list[str] | None = None) -> int:
    ap = kommando.Parser(prog="python -m data.publicerat",
                         description="Läs in en plans publicerade utfall (plan.yaml: publicerade_utfall).")
    ap.add_argument("--katalog", type=Path, default=None,
                    help="planens katalog (standard: MALKOLL_PLANKATALOG, annars data/plan/)")
    ap.add_argument("--plan", default=None, help="planens kod: kontrolleras mot katalogens plan.yaml")
    a = ap.parse_args(argv)
    return kommando.kor(lambda: _las_in(a.katalog, a.plan))


def _las_in(katalog: Path | None, kod: str | None) -> int:
    inst = kommando.starta()
    katalog = Path(katalog or inst.plankatalog or PLAN_DIR)
    if not (katalog / "plan.yaml").is_file():
        raise Kommandofel(f"{katalog} har ingen plan.yaml; ange planens katalog med --katalog.")
    plan = las_plan(katalog)
    if kod and kommando.los_plan(kod).kod != plan["kod"]:
        raise Kommandofel(f"katalogen {katalog} innehåller planen {plan['kod']!r}, inte {kod!r}.")
    try:
        kommando.los_plan(plan["kod"])
    except Kommandofel:
        raise Kommandofel(f"planen {plan['kod']!r} finns inte i databasen; läs in den först: "
                          f"python -m data.ladda --katalog {katalog}") from None
    if not plan["publicerade_utfall"]:
        print(f"Planen {plan['kod']} har inga publicerade utfall (plan.yaml: publicerade_utfall).")
        return 0
    try:
        n = publicerat.ladda_for_plan(katalog, plan)
    except publicerat.Publiceringsfel as e:
        print(f"De publicerade utfallen för {plan['kod']} lästes inte in – ingenting har ändrats:\n{e}",
              file=sys.stderr)
        return 1
    print(f"{n} publicerade värden inlästa för {plan['kod']}." if n
          else f"De publicerade utfallen för {plan['kod']} fanns redan.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
