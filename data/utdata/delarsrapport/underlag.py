"""Delårsrapportens underlag: allt rapporten visar för ett urval, hämtat en gång med samma frågor som
Excel-exporten och sidorna (data.uppfoljning.fragor, budgetfragor) plus analystexterna.

Underlaget är vanliga värden (DataFrames och dictar), så att en fryst uppsättning (t.ex. ett
sammanträdes protokollunderlag) kan ge samma rapport utan databasen: `bygg.dokument(underlag)`."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Optional

import pandas as pd

from data.uppfoljning import analysfragor, budgetfragor, fragor
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.urval import Urval
from data.utdata import export

log = logging.getLogger(__name__)

BUDGETTABELLER = export.UPPFOLJDA_TABELLER     # drift per verksamhet, driftbudget, investeringar


@dataclass
class Underlag:
    """Det rapporten bygger på. DataFrames har kolumnerna som fragor ger dem."""
    plan: dict                                  # fragor.plan_info
    period: dict                                # namn, ar, slutdatum, last
    foregaende: Optional[str]                   # föregående periods namn (med rapporter), eller None
    urval: Urval
    delar: dict                                 # fragor.planens_delar
    malomraden: pd.DataFrame
    inriktningsmal: pd.DataFrame
    uppdrag: pd.DataFrame
    atgarder: pd.DataFrame
    indikatorer: pd.DataFrame                   # målområdenas (filtrerade som sidorna)
    hr: pd.DataFrame                            # arbetsgivarens indikatorer
    fokusomraden: pd.DataFrame
    utfall: pd.DataFrame                        # utfallshistorik för diagrammen
    forandringar: pd.DataFrame
    sarskilda: pd.DataFrame
    budget: dict[str, pd.DataFrame] = field(default_factory=dict)
    analys: dict = field(default_factory=dict)  # (niva, nyckel) → text (analysfragor.som_karta)


def hamta(u: Urval, plan: Plankontext) -> Underlag:
    """Hämta underlaget för ett normaliserat och kontrollerat urval i den upplösta planen."""
    u = u.med(plan=plan.kod)
    info = fragor.plan_info(plan)
    per = fragor.vald_period(u.period, plan=plan)
    pnamn = str(per.namn)
    delar = fragor.planens_delar(plan)
    atg = fragor.atgarder(enhet=u.enhet, roll=u.roll, period=pnamn, status=u.status or None, plan=plan)
    alla_ind = fragor.indikatorer(enhet=u.enhet, period=pnamn, plan=plan)
    ind = export.sortera_indikatorer(alla_ind[alla_ind.malomrade.notna()])
    hr = (export.sortera_indikatorer(fragor.indikatorer(arbetsgivare=True, enhet=u.enhet, period=pnamn, plan=plan))
          if delar["arbetsgivare"] else alla_ind.iloc[0:0])
    andr, fore = fragor.forandringar(atg, ind, per, plan)
    ids = list(ind.id) + list(hr.id)
    budget = ({t: budgetfragor.uppfoljning(t, pnamn, plan=plan) for t in BUDGETTABELLER} if delar["budget"] else {})
    return Underlag(
        plan=info, period={"namn": pnamn, "ar": int(per.ar), "slutdatum": per.slutdatum, "last": bool(per["last"])},
        foregaende=str(fore.namn) if fore is not None else None, urval=u, delar=delar,
        malomraden=fragor.malomraden(plan), inriktningsmal=fragor.inriktningsmal(period=pnamn, plan=plan),
        uppdrag=fragor.uppdrag(plan=plan), atgarder=atg, indikatorer=ind, hr=hr,
        fokusomraden=fragor.fokusomraden(plan) if delar["arbetsgivare"] else pd.DataFrame(columns=["nr", "titel"]),
        utfall=fragor.utfall(ids), forandringar=andr,
        sarskilda=fragor.sarskilda_uppdrag(plan) if delar["sarskilda"] else pd.DataFrame(),
        budget=budget, analys=analysfragor.som_karta(analysfragor.gallande(plan, pnamn)))


def nu() -> dt.datetime:
    """Genereringstiden (svensk tid, hela sekunder) – det enda som skiljer två rapporter av samma data."""
    return export._nu()
