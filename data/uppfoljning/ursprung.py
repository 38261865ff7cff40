"""Varifrån ett utfall eller en status kommer: publicerat (med källans URL och anmärkning),
rapporterat genom mallen (av vem, när, vilken fil) eller exempel. Rena regler, ingen databas."""
from __future__ import annotations

import logging
import math
import re
from typing import Mapping

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


_ETIKETT = re.compile(r"(.+) \(([^()]+)\)")


def offentligt_namn(av, konton: Mapping[str, str]):
    """Vem som rapporterade, som sidor, export och API visar det: aldrig ett inloggningsnamn.

    Värden sparas som kontots etikett, "Visningsnamn (inloggningsnamn)", eller bara inloggningsnamnet när
    kontot saknar ett eget visningsnamn. `konton` ger för varje inloggningsnamn det offentliga namnet
    (visningsnamnet, annars kontots enheter). Ett namn som inte är ett konto (skrivet med --av,
    publicerat) visas som det är; saknat värde förblir saknat."""
    if not isinstance(av, str):
        return av
    m = _ETIKETT.fullmatch(av)
    if m and m.group(2) in konton:
        return m.group(1)
    return konton.get(av, av)
