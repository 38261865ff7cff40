"""Syntetisk bänkdata: en stor kommun – många nämnder och år – i SQLite eller PostgreSQL.

    .venv/bin/python -m bench.syntetisk [--url DATABAS-URL] [--antal-namnder 20] [--ar 2021-2023] [--seed 2020]

Först körs den riktiga uppsättningen på URL:en (`data.lagring.db.sakerstall_databas`: planen KS-2020,
de publicerade utfallen och exemplet). Sedan läggs syntetiska planer till med massinsättningar
(`session.execute(insert(Modell), [dict, ...])`): per nämnd och år en plan i samma storlek som
KS-2020 (7 målområden, ~12 uppdrag och ~20 åtgärder per målområde, 45 indikatorer, budgetrader)
med rapporter för tolv månadsperioder per år (åtgärdsstatus, indikatorutfall, bedömningar per
kvartal, budgetutfall och prognos).

Bänkdatan går inte att förväxla med kommunens: `Plan.syntetisk` och `Period.syntetisk` är sanna
(appen visar inte de syntetiska perioderna för riktiga planer), plankoderna heter
"SYNT-N01-2021", namnen börjar med "Syntetisk …" och texterna säger "Syntetisk testdata".
De riktiga enheterna (tabellen enhet) återanvänds för ansvar. Samma seed ger samma data.

På PostgreSQL körs VACUUM ANALYZE efteråt (som efter en massinläsning i drift; --utan-analyze
hoppar över det). Standard-URL: en ny SQLite-fil under /tmp (skrivs ut). Finns syntetiska planer redan i databasen
avbryts körningen (slutkod 1).
"""
from __future__ import annotations

import argparse
from data.lagring.start import anvand_databas
import calendar
import datetime as dt
import random
import sys
import time
from collections import Counter

from sqlalchemy import func, insert, select

from data.lagring import db
from data.planen import forbered
from data.lagring.models import (Atgard, AtgardEnhet, Atgardsrapport, Budgetbelopp, Budgetrad, Budgetutfall,
                         Enhet, Fokusomrade, Indikator, IndikatorEnhet, Indikatorutfall, Inriktningsmal,
                         Malbedomning, Malomrade, Malvarde, Period, Plan, SarskiltUppdrag, Uppdrag)
from data.uppfoljning.regler import ATGARDSSTATUS, BEDOMNINGAR

TEXT = "Syntetisk testdata"
AV = "Syntetisk testdata (bench/syntetisk.py)"
KALLA = "bench/syntetisk.py"
STANDARD_AR = (2021, 2022, 2023)

ORD = ("utveckla", "samordna", "följa upp", "digitalisera", "förbättra", "införa", "kartlägga",
       "effektivisera", "förankra", "utreda")
OMRADEN = ("bostadsförsörjning", "kollektivtrafik", "näringslivsklimat", "skolresultat", "äldreomsorg",
           "klimatanpassning", "trygghet", "kompetensförsörjning", "e-tjänster", "upphandling",
           "friluftsliv", "folkhälsa", "vattenförsörjning", "integration", "kulturliv")
TIDPUNKTER = ("Löpande", "Juni {ar}", "Kvartal 3", "Hösten {ar}", "Årsskiftet {ar}/{nasta}", "December {ar}",
              "Före sommaren {ar}", "Kvartal 1")
INDIKATORTYPER = (("%", "hogre", 40, 90), ("antal", "hogre", 10, 400), ("kr", "lagre", 5000, 60000),
                  ("index", "hogre", 40, 80), ("mnkr", "hogre", -20, 40), ("%", "lagre", 2, 20))
BUDGET = {  # tabell: (antal rader, kolumner (rubrik, slag, årsskillnad))
    "driftbudget": (6, (("Utfall {a}", "Utfall", -2), ("Budget {a}", "Budget", -1), ("Budget {a}", "Budget", 0),
                        ("Plan {a}", "Plan", 1), ("Plan {a}", "Plan", 2))),
    "drift_per_verksamhet": (8, (("Utfall {a}", "Utfall", -2), ("Budget {a}", "Budget", -1),
                                 ("Budget {a}", "Budget", 0), ("Plan {a}", "Plan", 1), ("Plan {a}", "Plan", 2))),
    "budgetforandringar": (20, (("Budget {a}", "Budget", 0), ("Plan {a}", "Plan", 1), ("Plan {a}", "Plan", 2))),
    "investeringar": (13, (("{a}", None, 0), ("{a}", None, 1), ("{a}", None, 2))),
}
UPPFOLJDA_TABELLER = ("driftbudget", "drift_per_verksamhet", "investeringar")


def _manadsslut(ar: int, manad: int) -> dt.date:
    return dt.date(ar, manad, calendar.monthrange(ar, manad)[1])


def _forfallo(tidpunkt: str, ar: int) -> dt.date | None:
    if tidpunkt.startswith("Löpande"):
        return None
    if tidpunkt.startswith("Juni") or tidpunkt.startswith("Före sommaren"):
        return dt.date(ar, 6, 30)
    if tidpunkt == "Kvartal 1":
        return dt.date(ar, 3, 31)
    if tidpunkt == "Kvartal 3":
        return dt.date(ar, 9, 30)
    if tidpunkt.startswith("Hösten"):
        return dt.date(ar, 11, 30)
    return dt.date(ar, 12, 31)


def _mening(rng: random.Random, n: int = 14) -> str:
    delar = [f"{rng.choice(ORD)} {rng.choice(OMRADEN)}" for _ in range(max(1, n // 3))]
    return ", ".join(delar).capitalize()


def _ar_lista(text: list[str]) -> tuple[int, ...]:
    ar: list[int] = []
    for t in text:
        for del_ in t.split(","):
            del_ = del_.strip()
            if not del_:
                continue
            if "-" in del_:
                a, b = del_.split("-", 1)
                ar.extend(range(int(a), int(b) + 1))
            else:
                ar.append(int(del_))
    return tuple(sorted(set(ar)))


def _in(s, modell, rader: list[dict]) -> list[int]:
    """Massinsättning som ger id:n i samma ordning som raderna (insertmanyvalues)."""
    if not rader:
        return []
    return list(s.scalars(insert(modell).returning(modell.id, sort_by_parameter_order=True), rader))


def _in_utan_id(s, modell, rader: list[dict], bit: int = 20000) -> None:
    for i in range(0, len(rader), bit):
        s.execute(insert(modell), rader[i:i + bit])


def bygg(url: str | None = None, antal_namnder: int = 20, ar: tuple[int, ...] = STANDARD_AR,
         seed: int = 2020, utskrift: bool = True, analysera: bool = True) -> dict[str, int]:
    """Riktig uppsättning + syntetiska planer. Returnerar antal insatta rader per tabell.

    analysera: kör VACUUM ANALYZE efteråt på PostgreSQL (som efter en massinläsning i drift)."""
    def skriv(*a):
        if utskrift:
            print(*a, flush=True)

    t0 = time.perf_counter()
    anvand_databas(url)
    forbered.sakerstall_databas()
    t_riktig = time.perf_counter() - t0
    skriv(f"Riktig uppsättning (KS-2020, publicerat, exempel): {t_riktig:.1f} s")

    rng = random.Random(seed)
    antal: Counter = Counter()
    t1 = time.perf_counter()
    anvand_databas(url)
    with db.session() as s:
        if s.scalar(select(func.count()).select_from(Plan).where(Plan.syntetisk.is_(True))):
            raise SystemExit("Databasen har redan syntetiska planer; använd en ny databas (--url).")
        riktiga = list(s.execute(select(Enhet.kod, Enhet.namn, Enhet.extern, Enhet.ordning).order_by(Enhet.id)))
        if not riktiga:
            raise SystemExit("Inga enheter i databasen (den riktiga planen lästes inte in?)")
        rapporterad_bas = dt.datetime(2000, 1, 1)

        # Planer
        planer = [(n, a) for n in range(1, antal_namnder + 1) for a in ar]
        plan_ids = _in(s, Plan, [dict(
            kod=f"SYNT-N{n:02d}-{a}", namn=f"Syntetisk nämnd {n:02d} – verksamhetsplan {a}",
            namnd=f"Syntetisk nämnd {n:02d}", namnd_kort="SN", ar=a, syntetisk=True, malar=[a, a + 1, a + 2], ambitionsar=2030,
            vision=f"{TEXT}: påhittad vision för bänkmätning, inte kommunens.") for n, a in planer])
        antal["plan"] += len(planer)

        # Perioder (tolv månader) och enheter (samma koder som den riktiga planens) per plan
        perioder: dict[int, list[tuple[int, dt.date]]] = {}
        enheter_for: dict[int, list[int]] = {}
        for p, (n, a) in zip(plan_ids, planer):
            prad = [dict(plan_id=p, namn=f"Syntetisk månad {a}-{m:02d}", ar=a, typ="manad",
                         slutdatum=_manadsslut(a, m), last=False, syntetisk=True) for m in range(1, 13)]
            pid = _in(s, Period, prad)
            perioder[p] = [(pid[m], prad[m]["slutdatum"]) for m in range(12)]
            antal["period"] += len(prad)
            enheter_for[p] = _in(s, Enhet, [dict(plan_id=p, kod=e.kod, namn=e.namn, extern=e.extern,
                                                 ordning=e.ordning) for e in riktiga])
            antal["enhet"] += len(riktiga)

        # Målområden (7 per plan) och fokusområden (5 per plan)
        mo_rader, mo_nyckel = [], []
        fo_rader, fo_nyckel = [], []
        for p, (n, a) in zip(plan_ids, planer):
            for nr in range(1, 8):
                mo_rader.append(dict(plan_id=p, nr=nr, titel=f"Syntetiskt målområde {nr}: {rng.choice(OMRADEN)}",
                                     beskrivning=f"{TEXT}. {_mening(rng, 30)}.",
                                     ambitionsniva=f"{TEXT}: {_mening(rng, 12)}.",
                                     tolkning=f"{TEXT}. {_mening(rng, 40)}.", uppfoljning=f"{TEXT}."))
                mo_nyckel.append((p, a, nr))
            for nr in range(1, 6):
                fo_rader.append(dict(plan_id=p, nr=nr, titel=f"Syntetiskt fokusområde {nr}",
                                     nyckelord=f"{TEXT}: {rng.choice(OMRADEN)}"))
                fo_nyckel.append((p, a, nr))
        mo_ids = _in(s, Malomrade, mo_rader)
        fo_ids = _in(s, Fokusomrade, fo_rader)
        antal["malomrade"] += len(mo_ids)
        antal["fokusomrade"] += len(fo_ids)

        # Inriktningsmål (3 per målområde), uppdrag (~12) och åtgärder (~20 per målområde)
        im_rader, im_ar = [], []
        up_rader, up_meta = [], []
        for mo_id, (p, a, nr) in zip(mo_ids, mo_nyckel):
            for i in range(1, 4):
                im_rader.append(dict(malomrade_id=mo_id, nr=f"{nr}.{i}", ordning=i,
                                     titel=f"Syntetiskt inriktningsmål {nr}.{i}: {_mening(rng, 9)}",
                                     beskrivning=f"{TEXT}. {_mening(rng, 24)}."))
                im_ar.append(p)
            for j in range(1, rng.randint(10, 14) + 1):
                up_rader.append(dict(plan_id=p, kod=f"{nr}-U{j:02d}", malomrade_id=mo_id,
                                     typ="KF-uppdrag" if j <= 4 else "SN-initiativ", ordning=j,
                                     titel=f"Syntetiskt uppdrag {nr}-U{j:02d}: {_mening(rng, 12)}",
                                     tolkning=f"{TEXT}." if rng.random() < 0.3 else None))
                up_meta.append((p, a, nr, mo_id))
        im_ids = _in(s, Inriktningsmal, im_rader)
        up_ids = _in(s, Uppdrag, up_rader)
        antal["inriktningsmal"] += len(im_ids)
        antal["uppdrag"] += len(up_ids)

        per_mo: dict[int, list[int]] = {}
        for uid, (p, a, nr, mo_id) in zip(up_ids, up_meta):
            per_mo.setdefault(mo_id, []).append(uid)
        at_rader, at_meta = [], []
        for mo_id, (p, a, nr) in zip(mo_ids, mo_nyckel):
            uppdrag = per_mo[mo_id]
            for j in range(1, rng.randint(17, 23) + 1):
                uid = uppdrag[(j - 1) % len(uppdrag)] if j <= len(uppdrag) else rng.choice(uppdrag)
                tp = rng.choice(TIDPUNKTER).format(ar=a, nasta=str(a + 1)[2:])
                at_rader.append(dict(plan_id=p, kod=f"{nr}-A{j:02d}", uppdrag_id=uid, ordning=j,
                                     text=f"Syntetisk åtgärd {nr}-A{j:02d}: {_mening(rng, 24)}.",
                                     effekt=f"{TEXT}: {_mening(rng, 9)}.", ansvar="Syntetisk enhet",
                                     tidpunkt=tp, forfallodatum=_forfallo(tp, a)))
                at_meta.append(p)
        at_ids = _in(s, Atgard, at_rader)
        antal["atgard"] += len(at_ids)

        ae = []
        for aid, p in zip(at_ids, at_meta):
            valda = rng.sample(enheter_for[p], k=1 + rng.choice((0, 0, 1, 1, 2)))
            for k, eid in enumerate(valda):
                ae.append(dict(atgard_id=aid, enhet_id=eid, roll="ansvarig" if k == 0 else "i samverkan",
                               stavning="Syntetisk enhet"))
        _in_utan_id(s, AtgardEnhet, ae)
        antal["atgard_enhet"] += len(ae)

        # Indikatorer: 38 i målområdena, 7 HR-indikatorer i fokusområdena (45 per plan)
        ind_rader, ind_meta = [], []
        mo_per_plan: dict[int, list[int]] = {}
        for mo_id, (p, a, nr) in zip(mo_ids, mo_nyckel):
            mo_per_plan.setdefault(p, []).append(mo_id)
        fo_per_plan: dict[int, list[int]] = {}
        for fo_id, (p, a, nr) in zip(fo_ids, fo_nyckel):
            fo_per_plan.setdefault(p, []).append(fo_id)
        for p, (n, a) in zip(plan_ids, planer):
            for k in range(45):
                mattenhet, riktning, lag, hog = rng.choice(INDIKATORTYPER)
                nuv = round(rng.uniform(lag, hog), 1)
                steg = (hog - lag) * 0.05 * (1 if riktning == "hogre" else -1)
                plats = (dict(malomrade_id=mo_per_plan[p][k % 7], fokusomrade_id=None, niva=rng.choice(("KF", "SN")),
                              kod=f"{k % 7 + 1}-I{k // 7 + 1:02d}") if k < 38 else
                         dict(malomrade_id=None, fokusomrade_id=fo_per_plan[p][(k - 38) % 5], niva=None,
                              kod=f"HR-I{k - 37:02d}"))
                ind_rader.append(dict(plan_id=p, namn=f"Syntetisk indikator {plats['kod']}: {rng.choice(OMRADEN)}",
                                      mattenhet=mattenhet, riktning=riktning, nuvarde=nuv, nuvarde_text=None,
                                      nuvarde_ar=a - 2, ansvarig="Syntetisk enhet", kalla=TEXT,
                                      matintervall="Månadsvis", fotnot=None, kvalitativ=False,
                                      kvalitativa_mal=None, ordning=k + 1, **plats))
                ind_meta.append((a, nuv, steg, p))
        ind_ids = _in(s, Indikator, ind_rader)
        antal["indikator"] += len(ind_ids)
        _in_utan_id(s, IndikatorEnhet, [dict(indikator_id=i, enhet_id=rng.choice(enheter_for[m[3]]),
                                             stavning="Syntetisk enhet") for i, m in zip(ind_ids, ind_meta)])
        antal["indikator_enhet"] += len(ind_ids)
        mv = [dict(indikator_id=i, ar=a + d, varde=round(nuv + steg * (d + 1) * 2, 1), text=None, satt_av=AV,
                   satt=rapporterad_bas, kalla=KALLA, fran_planen=True)
              for i, (a, nuv, steg, _p) in zip(ind_ids, ind_meta) for d in range(3)]
        _in_utan_id(s, Malvarde, mv)
        antal["malvarde"] += len(mv)

        su = [dict(plan_id=p, kod=f"SU{k:02d}", titel=f"Syntetiskt särskilt uppdrag {k}", ordning=k,
                   beskrivning=f"{TEXT}. {_mening(rng, 20)}.", inriktning=f"{TEXT}.", kommentar=None)
              for p in plan_ids for k in range(1, 7)]
        _in_utan_id(s, SarskiltUppdrag, su)
        antal["sarskilt_uppdrag"] += len(su)

        # Budget: fyra tabeller som planens, belopp per kolumn
        br_rader, br_meta = [], []
        for p, (n, a) in zip(plan_ids, planer):
            for tabell, (rader, _kol) in BUDGET.items():
                for o in range(1, rader + 1):
                    summa = o == rader
                    br_rader.append(dict(plan_id=p, tabell=tabell, ordning=o, fotnot=None,
                                         grupp="Syntetisk grupp" if tabell == "investeringar" else None,
                                         post=f"Summa syntetisk {tabell}" if summa else f"Syntetisk post {o}",
                                         typ="summa" if summa else "belopp"))
                    br_meta.append((a, tabell, summa, p))
        br_ids = _in(s, Budgetrad, br_rader)
        antal["budgetrad"] += len(br_ids)
        bb, budget_ar = [], {}
        for rid, (a, tabell, summa, _p) in zip(br_ids, br_meta):
            grund = rng.uniform(-40000, -2000) if tabell != "investeringar" else rng.uniform(1000, 90000)
            if summa:
                grund *= 6
            for rubrik, slag, d in BUDGET[tabell][1]:
                varde = round(grund * (1 + 0.02 * d) + rng.uniform(-500, 500), 0)
                bb.append(dict(rad_id=rid, kolumn=rubrik.format(a=a + d), slag=slag, ar=a + d, varde=varde))
                if d == 0:
                    budget_ar[rid] = varde
        _in_utan_id(s, Budgetbelopp, bb)
        antal["budgetbelopp"] += len(bb)

        # Rapporter: tolv månader per år
        def rapp(period_id, slut):
            return dict(period_id=period_id, rapporterad_av=AV, kalla=KALLA, kalla_url=None, exempel=False,
                        rapporterad=dt.datetime.combine(slut + dt.timedelta(days=10), dt.time(9)))

        ar_rader = []
        for aid, p in zip(at_ids, at_meta):
            status = rng.choice(("Ej påbörjad", "Pågår enligt plan"))
            for period_id, slut in perioder[p]:
                if status not in ("Genomförd", "Struken") and rng.random() < 0.25:
                    status = rng.choices(ATGARDSSTATUS, weights=(2, 5, 2, 1, 1, 0.3))[0]
                ar_rader.append(dict(atgard_id=aid, status=status,
                                     kommentar=f"{TEXT}: {status.lower()} per {slut:%Y-%m}.", **rapp(period_id, slut)))
        _in_utan_id(s, Atgardsrapport, ar_rader)
        antal["atgardsrapport"] += len(ar_rader)
        del ar_rader

        iu = []
        for iid, (a, nuv, steg, p) in zip(ind_ids, ind_meta):
            varde = nuv
            for m, (period_id, slut) in enumerate(perioder[p]):
                varde = round(varde + steg * rng.uniform(-0.5, 1.5) / 3, 2)
                iu.append(dict(indikator_id=iid, varde=varde, text=None, kommentar=f"{TEXT}.",
                               kan_inte_bedomas=False, status=None, **rapp(period_id, slut)))
        _in_utan_id(s, Indikatorutfall, iu)
        antal["indikatorutfall"] += len(iu)
        del iu

        mb = [dict(inriktningsmal_id=im, bedomning=rng.choice(BEDOMNINGAR), motivering=f"{TEXT}: påhittad bedömning.",
                   **rapp(period_id, slut))
              for im, p in zip(im_ids, im_ar) for m, (period_id, slut) in enumerate(perioder[p]) if m % 3 == 2]
        _in_utan_id(s, Malbedomning, mb)
        antal["malbedomning"] += len(mb)

        bu = []
        for rid, (a, tabell, summa, p) in zip(br_ids, br_meta):
            if tabell not in UPPFOLJDA_TABELLER:
                continue
            budget = budget_ar.get(rid, 0.0)
            prognos = budget
            for m, (period_id, slut) in enumerate(perioder[p], start=1):
                prognos = round(prognos * (1 + rng.uniform(-0.01, 0.01)), 0)
                bu.append(dict(budgetrad_id=rid, utfall=round(prognos * m / 12 * rng.uniform(0.95, 1.05), 0),
                               prognos=prognos, avvikelse=None, kommentar=f"{TEXT}.", **rapp(period_id, slut)))
        _in_utan_id(s, Budgetutfall, bu)
        antal["budgetutfall"] += len(bu)

        try:  # cachen (data/cache.py) får en ny generation i samma transaktion
            from data.lagring import cache
            cache.rakna_upp(s)
        except (ImportError, AttributeError):
            pass
    t_synt = time.perf_counter() - t1
    anvand_databas(url)
    if analysera and db.motor().dialect.name == "postgresql":
        # Som efter en massinläsning i drift: färsk statistik, så att planeraren (och inte en
        # pågående autovacuum) bestämmer hur sidornas frågor körs.
        t2 = time.perf_counter()
        anvand_databas(url)
        with db.motor().connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")
        skriv(f"VACUUM ANALYZE (PostgreSQL): {time.perf_counter() - t2:.1f} s")
    totalt = sum(antal.values())
    skriv(f"Syntetiska planer: {antal_namnder} nämnder × {len(ar)} år = {len(planer)} planer, "
          f"{len(prad)} månadsperioder, seed {seed}")
    for k, v in antal.items():
        skriv(f"  {k:18} {v:>9}")
    skriv(f"  {'totalt':18} {totalt:>9} rader på {t_synt:.1f} s ({totalt / max(t_synt, 1e-9):,.0f} rader/s)")
    skriv(f"Total tid: {time.perf_counter() - t0:.1f} s")
    return dict(antal)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.syntetisk",
                                 description="Bygg en syntetisk stor kommun (bänkdata) i SQLite eller PostgreSQL.")
    ap.add_argument("--url", help="databas-URL (standard: en ny SQLite-fil under /tmp); postgresql://… går också")
    ap.add_argument("--antal-namnder", type=int, default=20, help="antal syntetiska nämnder (standard 20)")
    ap.add_argument("--ar", nargs="+", default=["2021-2023"],
                    help="år, t.ex. 2021-2023 eller 2021 2022 (standard 2021-2023)")
    ap.add_argument("--seed", type=int, default=2020, help="slumpfrö (samma frö ger samma data)")
    ap.add_argument("--utan-analyze", action="store_true", help="kör inte VACUUM ANALYZE efteråt (PostgreSQL)")
    a = ap.parse_args(argv)
    from bench._verktyg import ny_sqlite_url, sqlalchemy_url, visad_url
    url = sqlalchemy_url(a.url) if a.url else ny_sqlite_url("malkoll_synt_")
    print(f"Databas: {visad_url(url)}", flush=True)
    bygg(url, a.antal_namnder, _ar_lista(a.ar), a.seed, analysera=not a.utan_analyze)
    return 0


if __name__ == "__main__":
    sys.exit(main())
