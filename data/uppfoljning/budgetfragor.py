"""Budgetsidans frågor: nyckeltal och uppföljning (budget mot utfall och prognos) som DataFrames.

Bygger på data.uppfoljning.fragor.budget_bred och data.uppfoljning.fragor.budgetutfall; reglerna finns i
data.uppfoljning.budgetregler. Ingen Dash här.
"""
from __future__ import annotations

import math
from typing import Optional

import pandas as pd

from data.uppfoljning import budgetregler as br
from data.uppfoljning import fragor
from data.uppfoljning.plankontext import Plankontext

BELOPPSTYPER = ("belopp", "varav", "summa")


def _varde(bred: pd.DataFrame, post: str, kolumn: Optional[str]) -> Optional[float]:
    if kolumn is None or kolumn not in bred.columns:
        return None
    rad = bred[bred.post == post]
    if rad.empty or pd.isna(rad[kolumn].iloc[0]):
        return None
    return float(rad[kolumn].iloc[0])


def _summarad(bred: pd.DataFrame, kolumn: Optional[str]) -> Optional[float]:
    rad = bred[bred.typ == "summa"]
    if kolumn is None or rad.empty or pd.isna(rad[kolumn].iloc[0]):
        return None
    return float(rad[kolumn].iloc[0])


def nyckeltal(ar: Optional[int] = None, *, plan: Plankontext) -> dict:
    """Årets nyckeltal ur databasen (tkr, planens tecken): nettot, investeringarna och
    effektiviseringen. `ar` är planåret om det inte anges."""
    ar = int(ar or fragor.plan_info(plan)["ar"])
    drift = fragor.budget_bred("driftbudget", plan)
    verk = fragor.budget_bred("drift_per_verksamhet", plan)
    inv = fragor.budget_bred("investeringar", plan)
    k_drift = br.budgetkolumn(drift.columns, ar)
    k_verk = br.budgetkolumn(verk.columns, ar)
    k_inv = br.budgetkolumn(inv.columns, ar)
    eff = verk[verk.post.str.startswith("Effektivisering")]
    return {
        "ar": ar,
        "netto": _summarad(drift, k_drift), "netto_kolumn": k_drift,
        "investeringar": _summarad(inv, k_inv), "investeringar_kolumn": k_inv,
        "effektivisering": (None if eff.empty or k_verk is None or pd.isna(eff[k_verk].iloc[0])
                            else float(eff[k_verk].iloc[0])),
        "effektivisering_post": None if eff.empty else eff.post.iloc[0], "effektivisering_kolumn": k_verk,
    }


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def sammanstall(bred: pd.DataFrame, utfall: pd.DataFrame, ar: int, trafikljus: bool = True) -> pd.DataFrame:
    """Budgetraderna (belopp, varav, summa) med årets budget, rapporterat utfall/prognos,
    avvikelse, genomförandegrad och status. Ren: tar DataFrames, gör inga anrop.

    Avvikelsen är prognos − budget; har kommunen bara publicerat avvikelsen (kolumnen
    `avvikelse` i budgetutfallet, utan prognos) används den (publicerad_avvikelse).

    En summarad som inte är rapporterad räknas fram ur beloppsraderna när alla är
    rapporterade (beraknad=True); annars är den Ej rapporterad.

    trafikljus=False (investeringar, där ett högre belopp inte är ett överskott): ingen
    budgetstatus, bara "Ej rapporterad" för rader utan rapport (status None annars).
    """
    kolumn = br.budgetkolumn(bred.columns, ar)
    rader = bred[bred.typ.isin(BELOPPSTYPER)].copy()
    rader["kolumn"] = kolumn
    rader["budget"] = rader[kolumn].astype(float) if kolumn else float("nan")
    falt = {"utfall": "utfall", "prognos": "prognos", "avvikelse": "publicerad_avvikelse", "kommentar": "kommentar",
            "kalla": "kalla", "kalla_url": "kalla_url", "exempel": "exempel"}
    ut = utfall.set_index("rad_id") if not utfall.empty else pd.DataFrame(columns=list(falt))
    for k, ny in falt.items():
        rader[ny] = [ut.at[i, k] if i in ut.index and k in ut.columns else None for i in rader.rad_id]
    for k in ("utfall", "prognos", "publicerad_avvikelse"):
        rader[k] = pd.to_numeric(rader[k], errors="coerce").astype(float)
    rader["rapporterad"] = rader.utfall.notna() | rader.prognos.notna() | rader.publicerad_avvikelse.notna()
    rader["exempel"] = [bool(x) if _ok(x) else False for x in rader.exempel]
    rader["beraknad"] = False
    poster = rader[rader.typ == "belopp"]
    for i in rader.index[(rader.typ == "summa") & ~rader.rapporterad]:
        if not poster.empty and poster.rapporterad.all():
            for k in ("utfall", "prognos"):
                rader.at[i, k] = poster[k].sum() if poster[k].notna().all() else float("nan")
            rader.at[i, "beraknad"] = True
            rader.at[i, "rapporterad"] = True
            rader.at[i, "exempel"] = bool(poster.exempel.any())
    trio = list(zip(rader.budget, rader.prognos, rader.publicerad_avvikelse))
    rader["avvikelse"] = [br.avvikelse(b, p, a) for b, p, a in trio]
    rader["avvikelse_procent"] = [br.avvikelse_procent(b, p, a) for b, p, a in trio]
    rader["genomforandegrad"] = [br.genomforandegrad(b, u) for b, u in zip(rader.budget, rader.utfall)]
    rader["prognosgrad"] = [br.genomforandegrad(b, p) for b, p in zip(rader.budget, rader.prognos)]
    status = [br.budgetstatus(b, p, a) for b, p, a in trio]
    if not trafikljus:
        status = [s if s.status == br.EJ_RAPPORTERAD else br.Status(None, "") for s in status]
    rader["status"] = [s.status for s in status]
    rader["status_skal"] = [s.skal + (" Summan är beräknad ur raderna ovan." if b else "")
                            for s, b in zip(status, rader.beraknad)]
    for k in ("avvikelse", "avvikelse_procent", "genomforandegrad", "prognosgrad"):
        rader[k] = rader[k].astype(float)
    return rader[["rad_id", "grupp", "post", "typ", "kolumn", "budget", "utfall", "prognos", "publicerad_avvikelse",
                  "avvikelse",
                  "avvikelse_procent", "genomforandegrad", "prognosgrad", "status", "status_skal",
                  "rapporterad", "beraknad", "exempel", "kommentar", "kalla", "kalla_url"]].reset_index(drop=True)


def uppfoljning(tabell: str, period: Optional[str] = None, *, plan: Plankontext) -> pd.DataFrame:
    """Uppföljningen av en budgettabell för perioden (se `sammanstall`); kolumnen `period` och `ar`."""
    per = fragor.vald_period(period, plan=plan)
    ut = fragor.budgetutfall(per.namn, plan=plan)
    df = sammanstall(fragor.budget_bred(tabell, plan), ut[ut.tabell == tabell], int(per.ar),
                     trafikljus=tabell != "investeringar")
    df["period"] = per.namn
    df["ar"] = int(per.ar)
    return df
