"""Kommunens publicerade utfall för planen (plan.yaml: publicerade_utfall, för den levererade
planen data/plan/publicerade_utfall.csv, en kopia av shared/utfall/) som standarddata: varje värde med sin källa (URL) och anmärkning.

`python -m data.publicerat` läser in dem; idempotent (ett värde som redan finns med samma källa
och period skrivs inte igen).
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from sqlalchemy import select

from data.lagring import cache, db, start
from data.lagring.models import (Atgard, Atgardsrapport, Budgetrad, Budgetutfall, Indikator, Indikatorutfall,
                         Malomrade, Period, Plan, Uppdrag)

FIL = Path(__file__).resolve().parent.parent / "plan" / "publicerade_utfall.csv"
ENHETSFAKTOR = {"mnkr": 1000}  # budgetvärden lagras i tkr


class Publiceringsfel(Exception):
    pass


def _tal(text: str) -> float | None:
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return float(text) if text else None


def ladda_for_plan(katalog: Path, plan: dict, url: str | None = None) -> int:
    """De publicerade utfall som planens plan.yaml pekar ut (publicerade_utfall), annars inga."""
    fil = plan.get("publicerade_utfall")
    return ladda_publicerat(Path(fil), url=url, plan=plan["kod"]) if fil else 0


def ladda_publicerat(fil: Path = FIL, url: str | None = None, *, plan: str) -> int:
    """Läs in de publicerade utfallen. Returnerar antal nya rader. Allt eller inget."""
    rader = list(csv.DictReader(open(fil, encoding="utf-8")))
    nya = 0
    with db.session(url) as s:
        p = s.scalars(select(Plan).where(Plan.kod == plan)).one()
        perioder = {x.namn: x for x in s.scalars(select(Period).where(Period.plan_id == p.id))}
        av = f"{p.kommun or p.namnd} (publicerat)"  # t.ex. "<Kommunen> (publicerat)"
        fel = []
        for i, r in enumerate(rader, start=2):
            plats = f"{fil.name}, rad {i}"
            per = perioder.get(r["period"])
            if per is None:
                fel.append(f"{plats}: okänd period {r['period']!r}")
                continue
            gemensamt = dict(period_id=per.id, rapporterad_av=av, kalla=fil.name, kalla_url=r["kalla_url"] or None,
                             exempel=False)
            if r["typ"] == "indikator":
                ind = s.scalars(select(Indikator).join(Malomrade, Malomrade.id == Indikator.malomrade_id).where(
                    Indikator.plan_id == p.id, Indikator.namn == r["namn_i_planen"],
                    Malomrade.nr == int(r["malomrade"]))).one_or_none()
                if ind is None:
                    fel.append(f"{plats}: indikatorn {r['namn_i_planen']!r} finns inte i målområde {r['malomrade']}")
                    continue
                varde = _tal(r["varde"])
                finns = s.scalars(select(Indikatorutfall).where(
                    Indikatorutfall.indikator_id == ind.id, Indikatorutfall.period_id == per.id,
                    Indikatorutfall.kalla_url == gemensamt["kalla_url"], Indikatorutfall.rapporterad_av == av)).first()
                if finns is None:
                    s.add(Indikatorutfall(indikator_id=ind.id, varde=varde,
                                          text=None if varde is not None else r["anmarkning"],
                                          kommentar=r["anmarkning"], status=r["status"] or None, **gemensamt))
                    nya += 1
            elif r["typ"] == "atgard":
                kandidater = s.scalars(select(Atgard).join(Uppdrag, Uppdrag.id == Atgard.uppdrag_id)
                                       .join(Malomrade, Malomrade.id == Uppdrag.malomrade_id).where(
                    Atgard.plan_id == p.id, Malomrade.nr == int(r["malomrade"]))).all()
                traff = [a for a in kandidater if a.text.startswith(r["namn_i_planen"])]
                if len(traff) != 1:
                    fel.append(f"{plats}: åtgärden {r['namn_i_planen'][:60]!r} hittas {len(traff)} gånger")
                    continue
                finns = s.scalars(select(Atgardsrapport).where(
                    Atgardsrapport.atgard_id == traff[0].id, Atgardsrapport.period_id == per.id,
                    Atgardsrapport.rapporterad_av == av)).first()
                if finns is None:
                    s.add(Atgardsrapport(atgard_id=traff[0].id, status=r["status"], kommentar=r["anmarkning"],
                                         **gemensamt))
                    nya += 1
            elif r["typ"] == "budget":
                rad = s.scalars(select(Budgetrad).where(Budgetrad.plan_id == p.id,
                                                        Budgetrad.post == r["namn_i_planen"]).order_by(
                    Budgetrad.tabell.desc())).first()
                if rad is None:
                    fel.append(f"{plats}: budgetraden {r['namn_i_planen']!r} finns inte")
                    continue
                varde = _tal(r["varde"])
                faktor = ENHETSFAKTOR.get(r["enhet"], 1)
                finns = s.scalars(select(Budgetutfall).where(
                    Budgetutfall.budgetrad_id == rad.id, Budgetutfall.period_id == per.id,
                    Budgetutfall.rapporterad_av == av)).first()
                if finns is None:
                    # Planen publicerar bara avvikelsen (positiv = bättre än budget)
                    s.add(Budgetutfall(budgetrad_id=rad.id, avvikelse=None if varde is None else varde * faktor,
                                       kommentar=r["anmarkning"], **gemensamt))
                    nya += 1
            else:
                fel.append(f"{plats}: okänd typ {r['typ']!r}")
        if fel:
            raise Publiceringsfel("\n".join(fel))
        if nya:
            cache.rakna_upp(s)
    return nya


def main() -> int:
    start.starta()
    try:
        from data.planen.kallor import PLAN_DIR, las_plan
        n = ladda_for_plan(PLAN_DIR, las_plan(PLAN_DIR))
    except Publiceringsfel as e:
        print(f"De publicerade utfallen lästes inte in:\n{e}", file=sys.stderr)
        return 1
    print(f"{n} publicerade värden inlästa." if n else "De publicerade utfallen fanns redan.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
