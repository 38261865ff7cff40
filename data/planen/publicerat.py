"""En plans publicerade utfall (plan.yaml: publicerade_utfall, t.ex. standardplanens
data/plan/publicerade_utfall.csv, en kopia av shared/utfall/): varje värde med sin källa (URL)
och anmärkning, aldrig exempeldata.

`python -m data.publicerat [--katalog DIR] [--plan KOD]` (data/publicerat.py) och
`python -m data.ladda` läser in dem; idempotent (ett värde som redan finns med samma källa och
period skrivs inte igen). Allt eller inget: ett fel med fil och rad, och ingenting skrivs.
"""
from __future__ import annotations

import csv
import math
from pathlib import Path

from sqlalchemy import select

from data.lagring import cache, db
from data.lagring.models import (Atgard, Atgardsrapport, Budgetrad, Budgetutfall, Indikator, Indikatorutfall,
                         Malomrade, Period, Plan, Uppdrag)

FIL = Path(__file__).resolve().parent.parent / "plan" / "publicerade_utfall.csv"   # standardplanens
KOLUMNER = ("typ", "malomrade", "namn_i_planen", "period", "varde", "enhet", "status", "kalla_url", "anmarkning")
ENHETSFAKTOR = {"mnkr": 1000}  # budgetvärden lagras i tkr


class Publiceringsfel(Exception):
    pass


_EJ_TAL = object()


def _tal(text: str):
    """Ett tal som publicerat ("4,6", "−7,8"), None för tomt, _EJ_TAL för annat."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".").replace("−", "-")
    if not text:
        return None
    try:
        tal = float(text)
    except ValueError:
        return _EJ_TAL
    return tal if math.isfinite(tal) else _EJ_TAL


def ladda_for_plan(katalog: Path, plan: dict) -> int:
    """De publicerade utfall som planens plan.yaml pekar ut (publicerade_utfall), annars inga."""
    fil = plan.get("publicerade_utfall")
    return ladda_publicerat(Path(fil), plan["kod"]) if fil else 0


def _las_rader(fil: Path) -> list[dict]:
    """Filens rader; Publiceringsfel (fil och rad) om den inte går att läsa eller saknar kolumner."""
    try:
        with open(fil, encoding="utf-8", newline="") as f:
            lasare = csv.DictReader(f)
            saknas = [k for k in KOLUMNER if k not in (lasare.fieldnames or [])]
            if saknas:
                raise Publiceringsfel(f"{fil.name}, rubrikraden: kolumnerna {', '.join(saknas)} saknas "
                                      f"(kolumnerna är {', '.join(KOLUMNER)})")
            return [{k: (v or "") for k, v in r.items() if k is not None} for r in lasare]
    except UnicodeDecodeError:
        raise Publiceringsfel(f"{fil.name}: filen är inte text i UTF-8") from None
    except (OSError, csv.Error) as e:
        raise Publiceringsfel(f"{fil.name}: filen kunde inte läsas ({getattr(e, 'strerror', None) or e})") from None


def ladda_publicerat(fil: Path, plan: str) -> int:
    """Läs in planens publicerade utfall ur filen. Returnerar antal nya rader. Allt eller inget."""
    rader = _las_rader(Path(fil))
    nya = 0
    with db.session() as s:
        p = s.scalars(select(Plan).where(Plan.kod == plan)).one_or_none()
        if p is None:
            raise Publiceringsfel(f"planen {plan!r} finns inte i databasen; läs in den först (python -m data.ladda)")
        perioder = {x.namn: x for x in s.scalars(select(Period).where(Period.plan_id == p.id))}
        av = f"{p.kommun or p.namnd} (publicerat)"  # t.ex. "<Kommunen> (publicerat)"
        fel = []
        for i, r in enumerate(rader, start=2):
            plats = f"{fil.name}, rad {i}"
            try:
                mo_nr = int(r["malomrade"]) if r["typ"] in ("indikator", "atgard") else None
            except ValueError:
                fel.append(f"{plats}: målområdet {r['malomrade']!r} är inget nummer")
                continue
            per = perioder.get(r["period"])
            if per is None:
                fel.append(f"{plats}: okänd period {r['period']!r}")
                continue
            gemensamt = dict(period_id=per.id, rapporterad_av=av, kalla=fil.name, kalla_url=r["kalla_url"] or None,
                             exempel=False)
            if r["typ"] == "indikator":
                ind = s.scalars(select(Indikator).join(Malomrade, Malomrade.id == Indikator.malomrade_id).where(
                    Indikator.plan_id == p.id, Indikator.namn == r["namn_i_planen"],
                    Malomrade.nr == mo_nr)).one_or_none()
                if ind is None:
                    fel.append(f"{plats}: indikatorn {r['namn_i_planen']!r} finns inte i målområde {r['malomrade']}")
                    continue
                varde = _tal(r["varde"])
                if varde is _EJ_TAL:
                    fel.append(f"{plats}, kolumn 'varde': {r['varde']!r} är inget tal")
                    continue
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
                    Atgard.plan_id == p.id, Malomrade.nr == mo_nr)).all()
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
                if varde is _EJ_TAL:
                    fel.append(f"{plats}, kolumn 'varde': {r['varde']!r} är inget tal")
                    continue
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
