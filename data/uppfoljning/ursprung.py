"""Varifrån ett utfall eller en status kommer: publicerat (med källans URL och anmärkning),
rapporterat genom mallen (av vem, när, vilken fil) eller exempel. Rena regler, ingen databas."""
from __future__ import annotations

import logging
import math

log = logging.getLogger(__name__)

PUBLICERAT = "publicerat"
RAPPORTERAT = "rapporterat"
EXEMPEL = "exempel"
FORKLARING = {
    PUBLICERAT: "Publicerat av kommunen – källan länkas",
    RAPPORTERAT: "Rapporterat genom Målkolls rapportmall",
    EXEMPEL: "Exempel – påhittat värde, inte kommunens rapportering",
}


def _finns(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and str(x).strip() != ""


def ursprung(exempel, kalla_url, rapporterad_av) -> str | None:
    """"exempel", "publicerat" (har källans URL), "rapporterat" eller None (inget rapporterat)."""
    if _finns(exempel) and bool(exempel):
        return EXEMPEL
    if _finns(kalla_url):
        return PUBLICERAT
    if _finns(rapporterad_av):
        return RAPPORTERAT
    return None


def ar_prognos(anmarkning) -> bool:
    """Säger källan själv att värdet är en prognos (t.ex. "Helårsprognos i delårsrapport")?"""
    return _finns(anmarkning) and "prognos" in str(anmarkning).casefold()


def etikett(typ: str | None, anmarkning=None) -> str:
    """Kort svensk etikett: "publicerat", "publicerat (prognos)", "rapporterat", "exempel"."""
    if typ == PUBLICERAT and ar_prognos(anmarkning):
        return "publicerat (prognos)"
    return typ or ""
