"""Nämnden och kommunen som data: planens ord för rubriker, etiketter och meddelanden.

plan.yaml anger kommunen (`kommun`, `kommunkod`), nämnden (`namnd`, `namnd_genitiv`,
`namnd_kort`) och valfritt egna texter (`texter`). Härifrån kommer varje ord som annars
skulle vara en viss nämnds: "<Nämndens> tolkning", "<KORT>-initiativ", nivån "<KORT>" …
Ren modul: ingen databas, inga sidor.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

KF_UPPDRAG = "KF-uppdrag"
KF_NIVA = "KF"
KORT_MONSTER = re.compile(r"^[A-ZÅÄÖ][A-ZÅÄÖa-zåäö]{0,4}$")

# Texterna som en plan kan ge egna ord för (plan.yaml: texter), med standard ur nämndens namn.
TEXTER: dict[str, str] = {
    "inriktningsmal": "Inriktningsmål",
    "tolkning_malomrade": "{genitiv} tolkning av målområdet",
    "tolkning_uppdrag": "{genitiv} tolkning",
    "uppdrag_fran_kf": "Uppdrag från kommunfullmäktige",
    "egna_initiativ": "{genitiv} egna initiativ",
    "bedomning": "{genitiv} bedömning",
    "budget": "{genitiv} driftbudget och investeringsbudget",
    "sarskilda": "Nämndövergripande områden där {namnd_liten} beskriver sitt bidrag.",
}


def genitiv(namn: str) -> str:
    """"Barn- och utbildningsnämnden" → "Barn- och utbildningsnämndens"; ett namn på s, x eller z
    får ingen ändelse."""
    return namn if namn[-1:].lower() in "sxz" else f"{namn}s"


def liten(text: str) -> str:
    """Första bokstaven gemen (inne i en mening): "Barn- och utbildningsnämnden" → "barn- och …"."""
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class Namnd:
    """Planens nämnd och kommun, med orden som sidorna, exporten och API:t använder."""
    namn: str                                   # "Barn- och utbildningsnämnden"
    kort: str                                   # "BUN"
    genitiv_: str | None = None                 # "Barn- och utbildningsnämndens" (annars namn + s)
    kommun: str | None = None                   # "Sjöby kommun"
    kommunkod: str | None = None                # Kolada-id, fyra siffror
    texter: dict = field(default_factory=dict)  # plan.yaml texter

    @property
    def genitiv(self) -> str:
        return self.genitiv_ or genitiv(self.namn)

    @property
    def initiativ(self) -> str:
        """Uppdragstypen för nämndens egna initiativ: "BUN-initiativ"."""
        return f"{self.kort}-initiativ"

    @property
    def uppdragstyper(self) -> tuple[str, str]:
        return (KF_UPPDRAG, self.initiativ)

    @property
    def nivaer(self) -> tuple[str, str]:
        return (KF_NIVA, self.kort)

    @property
    def kommun_eller_namnd(self) -> str:
        return self.kommun or self.namn

    def text(self, nyckel: str) -> str:
        """Planens egen text för `nyckel` (TEXTER), annars standarden med nämndens namn."""
        mall = self.texter.get(nyckel) or TEXTER[nyckel]
        return mall.format(genitiv=self.genitiv, namnd=self.namn, namnd_liten=liten(self.namn),
                           kort=self.kort, kommun=self.kommun_eller_namnd)

    def etikett(self) -> str:
        """Planväljarens och sidhuvudets ord: "Sjöby kommun · Barn- och utbildningsnämnden"."""
        return " · ".join(x for x in (self.kommun, self.namn) if x)


def kort_av(namn: str) -> str:
    """Kortform när planen inte anger någon (databaser före namnd_kort): versalerna i namnet,
    "Syntetisk nämnd 01" → "SN"; högst fem tecken."""
    bokstaver = "".join(o[0] for o in re.findall(r"[A-Za-zÅÄÖåäö]+", namn)).upper()[:5]
    return bokstaver or "N"


def fran_info(info: dict) -> Namnd:
    """Namnd ur fragor.plan_info(): kolumnerna namnd, namnd_kort, namnd_genitiv, kommun, kommunkod, texter."""
    namn = info.get("namnd") or "Nämnden"
    texter = info.get("texter") or {}
    if isinstance(texter, str):   # JSON som text (SQLite via pandas)
        import json
        texter = json.loads(texter) or {}
    return Namnd(namn=namn, kort=info.get("namnd_kort") or kort_av(namn), genitiv_=info.get("namnd_genitiv"),
                 kommun=info.get("kommun"), kommunkod=info.get("kommunkod"), texter=dict(texter))
