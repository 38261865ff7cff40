"""Vad ett visat värde jämförs med: bara ett tidigare värde av samma slag (publicerat eller rapporterat
mot publicerat eller rapporterat, exempel mot exempel). Är det enda tidigare värdet ett exempel sägs det
("förut 18 (exempel)") men jämförs aldrig. Trendpilen följer indikatorns riktning: en minskning är
"bättre" när lägre är bättre och ritas som en minskning. Rena regler, ingen databas."""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Optional, Sequence

from data.uppfoljning import format as format_, regler
from data.uppfoljning.ursprung import EXEMPEL

log = logging.getLogger(__name__)

INGEN_TIDIGARE = regler.INGEN_TIDIGARE
UPP, NED, LIKA = "upp", "ned", "lika"


@dataclass(frozen=True)
class Tidigare:
    """Ett tidigare värde (status eller tal) med perioden och ursprunget (ursprung.ursprung; None = ingen
    rapport, t.ex. en status härledd ur tidpunkten)."""
    period: str
    varde: object
    ursprung: Optional[str]


def ar_exempel(ursprung: Optional[str]) -> bool:
    return ursprung == EXEMPEL


def _har_varde(t: Tidigare) -> bool:
    v = t.varde
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return False
    return v != regler.EJ_RAPPORTERAD


def jamforbart(nu_ursprung: Optional[str], historik: Sequence[Tidigare]) -> tuple[Optional[Tidigare], Optional[Tidigare]]:
    """(jämförbart, bara_exempel). `historik`: tidigare värden, äldst först. Jämförbart: det senaste
    tidigare värdet av samma slag som det visade (ett visat värde utan rapport räknas som verkligt).
    bara_exempel: finns inget sådant och det visade är verkligt, det senaste tidigare exemplet – att nämna,
    aldrig att jämföra med."""
    med = [t for t in historik if _har_varde(t)]
    samma = [t for t in med if ar_exempel(t.ursprung) == ar_exempel(nu_ursprung)]
    if samma:
        return samma[-1], None
    exempel = [t for t in med if ar_exempel(t.ursprung)]
    return None, (exempel[-1] if exempel and not ar_exempel(nu_ursprung) else None)


@dataclass(frozen=True)
class Statusandring:
    forandring: str                 # regler.forandring: bättre, sämre, ny rapport, …
    fore: Optional[str]             # statusen då (jämförd), eller exemplets (bara nämnd)
    fore_exempel: bool              # fore är ett exempel som inte jämförts


def statusandring(nu: str, nu_ursprung: Optional[str], rapporterad_nu: bool,
                  historik: Sequence[Tidigare]) -> Statusandring:
    """Statusen nu mot den senaste tidigare av samma slag. Är det enda tidigare ett exempel är
    förändringen "ingen tidigare rapport" (inget omdöme) och exemplets status följer med som
    "förut X (exempel)"; oförändrad är den bara när statusen nu är Ej rapporterad."""
    jfr, ex = jamforbart(nu_ursprung, historik)
    if jfr is not None:
        return Statusandring(regler.forandring(str(jfr.varde), nu, rapporterad_nu), str(jfr.varde), False)
    f = regler.forandring(None, nu, rapporterad_nu)
    if ex is not None and f != regler.OFORANDRAD:
        return Statusandring(INGEN_TIDIGARE, str(ex.varde), True)
    return Statusandring(f, None, False)


@dataclass(frozen=True)
class Trend:
    trend: str                      # bättre, sämre, oförändrad, upp, ned, ingen tidigare rapport eller ""
    rorelse: str                    # upp, ned, lika eller "" – pilens riktning är värdets, inte omdömets
    fore: Optional[Tidigare]        # värdet trenden räknats mot
    exempel: Optional[Tidigare]     # det enda tidigare värdet, ett exempel (nämns, jämförs inte)


def trend(nu: Optional[float], nu_ursprung: Optional[str], riktning: Optional[str],
          historik: Sequence[Tidigare]) -> Trend:
    """Indikatorns trend mot det senaste tidigare utfallet av samma slag (regler.trend för omdömet). Utan
    värde nu ingen trend, men fore är det senaste verkliga utfallet (rapportformulärets "Senast rapporterat")."""
    jfr, ex = jamforbart(nu_ursprung, historik)
    if nu is None or not math.isfinite(nu):
        return Trend("", "", jfr, None)
    if jfr is None:
        return Trend(INGEN_TIDIGARE if ex is not None else "", "", None, ex)
    fore = float(jfr.varde)
    rorelse = LIKA if nu == fore else (UPP if nu > fore else NED)
    return Trend(regler.trend(fore, nu, riktning), rorelse, jfr, None)


PILAR = {UPP: "↗", NED: "↘", LIKA: "→"}
TRENDORD = {"bättre": "bättre", "sämre": "sämre", "oförändrad": "oförändrat", "upp": "högre", "ned": "lägre"}


def trendtext(trend_: str, rorelse: str, fore, fore_period, exempel, exempel_period, enhet: Optional[str]) -> str:
    """"↘ bättre (förut 176 kr i Delår 2 2020)" eller "? ingen tidigare rapport (förut 18 i Delår 2 2020,
    exempel)"; tom utan trend. Pilen är värdets rörelse, ordet omdömet (export och sidor)."""
    if trend_ == INGEN_TIDIGARE:
        return f"? {INGEN_TIDIGARE} (förut {format_.med_enhet(exempel, enhet)} i {exempel_period}, exempel)"
    if trend_ not in TRENDORD:
        return ""
    return f"{PILAR.get(rorelse, '')} {TRENDORD[trend_]} (förut {format_.med_enhet(fore, enhet)} i {fore_period})".strip()
