"""Avvikelsedagordningen: vad av en period som behöver styrelsen (REGEL_AVVIKELSER). Rena regler på
vanliga värden – ingen databas, ingen Dash, ingen pandas.

- `atgard`: Försenad, Pågår med avvikelse, eller förfallen (tidpunkten passerad vid periodens slut) utan rapport.
- `indikator`: Ej uppnått, eller sämre än förra perioden (trend mot ett värde av samma slag, tidigare.trend).
- `inriktningsmal`: inte uppfyllt enligt styrelsens bedömning.
- `budgetrad`: prognosen visar underskott.
- `ovriga` / `ovrigt_text`: resten räknat per status ("22 åtgärder till: ✓ 12 Genomförd · …").
"""
from __future__ import annotations

import logging
from typing import Iterable, Optional

from data.uppfoljning.status import ATGARDSSTATUS_ALLA, AVVIKELSE, BEDOMNINGAR, EJ_UPPNATT, FORSENAD, status_stil

log = logging.getLogger(__name__)

# Skälen, i den ordning dagordningen tar upp dem (allvarligast först)
FORFALLEN = "Förfallen utan rapport"
SENT = "Försenad"
MED_AVVIKELSE = "Pågår med avvikelse"
EJ_NATT = "Ej uppnått"
SAMRE = "Sämre än förra perioden"
EJ_UPPFYLLT = "Ej uppfyllt"
UNDERSKOTT = "Underskott"
ORDNING = (FORFALLEN, SENT, MED_AVVIKELSE, EJ_NATT, SAMRE, EJ_UPPFYLLT, UNDERSKOTT)

REGEL_AVVIKELSER = ("Dagordningen visar det som behöver styrelsen: åtgärder som är Försenade, Pågår med "
                    "avvikelse eller vars tidpunkt passerat vid periodens slut utan rapport; indikatorer som "
                    "är Ej uppnått eller sämre än förra perioden (jämfört bara med ett värde av samma slag); "
                    "inriktningsmål som inte är uppfyllda; budgetposter med prognosticerat underskott. "
                    "Resten räknas per status och finns på hela sidan.")

# Ord för antal: (ett, flera)
SLAG = {"atgarder": ("åtgärd", "åtgärder"), "indikatorer": ("indikator", "indikatorer"),
        "inriktningsmal": ("inriktningsmål", "inriktningsmål"), "budget": ("budgetpost", "budgetposter")}


def atgard(status: str, rapporterad: bool) -> Optional[str]:
    """Skälet att ta upp en åtgärd, eller None. `status`: den visade (regler.atgardsstatus, där en
    passerad tidpunkt gör åtgärden Försenad); `rapporterad`: en rapport finns för perioden."""
    if status == FORSENAD:
        return SENT if rapporterad else FORFALLEN
    if status == AVVIKELSE:
        return MED_AVVIKELSE
    return None


def indikator(status: str, trend: Optional[str]) -> Optional[str]:
    """Skälet att ta upp en indikator, eller None. `trend`: tidigare.trend ("sämre" bara mot ett värde
    av samma slag, aldrig mot ett exempel)."""
    if status == EJ_UPPNATT:
        return EJ_NATT
    if trend == "sämre":
        return SAMRE
    return None


def inriktningsmal(bedomning: Optional[str]) -> Optional[str]:
    """Skälet att ta upp ett inriktningsmål: styrelsens bedömning är Ej uppfyllt."""
    return EJ_UPPFYLLT if bedomning == BEDOMNINGAR[2] else None


def budgetrad(status: str) -> Optional[str]:
    """Skälet att ta upp en budgetpost: prognosen visar underskott (budgetregler.budgetstatus)."""
    return UNDERSKOTT if status in ("Underskott", "Mindre underskott") else None


def rang(skal: Optional[str]) -> int:
    """Sorteringsordning för skälen (allvarligast först); None sist."""
    return ORDNING.index(skal) if skal in ORDNING else len(ORDNING)


def ovriga(statusar: Iterable[str], ordning: tuple[str, ...] = ATGARDSSTATUS_ALLA) -> dict[str, int]:
    """Antal per status för det som inte tas upp, i statusordning, utan nollor."""
    antal: dict[str, int] = {}
    for s in statusar:
        antal[s] = antal.get(s, 0) + 1
    kanda = [s for s in ordning if s in antal] + sorted(s for s in antal if s not in ordning)
    return {s: antal[s] for s in kanda}


def ovrigt_text(antal: dict[str, int], slag: str, avvikelser: int,
                symboler: dict[str, str] | None = None) -> str:
    """"22 åtgärder till: ✓ 12 Genomförd · ► 8 Pågår enligt plan · ? 2 Ej rapporterad" – det som inte tas
    upp, räknat med statusens symbol och ord (aldrig färg ensam). Utan avvikelser: "Alla 5 indikatorer: …";
    inget alls: "Inga indikatorer". symboler: status → symbol för statusar utanför status.STATUS (budgeten)."""
    ett, flera = SLAG[slag]
    n = sum(antal.values())
    if n == 0:
        return f"Inga {flera}" if not avvikelser else f"Inga fler {flera}"
    delar = " · ".join(f"{(symboler or {}).get(s) or status_stil(s)[2]} {k} {s}" for s, k in antal.items())
    if avvikelser:
        huvud = f"{n} {ett if n == 1 else flera} till"
    else:
        huvud = f"1 {ett}" if n == 1 else f"Alla {n} {flera}"
    return f"{huvud}: {delar}"


def antal_text(n: int, slag: str) -> str:
    """"3 åtgärder", "1 indikator"."""
    ett, flera = SLAG[slag]
    return f"{n} {ett if n == 1 else flera}"

