"""Delårsrapportens dokumentmodell: en lista av block (rubrik, stycke, punktlista, tabell, bild) som
Word- och PDF-återgivningen läser på samma sätt. Rena värden: ingen databas, inget filformat."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Optional, Union


@dataclass(frozen=True)
class Rubrik:
    text: str
    niva: int                       # 1 = målområde/huvudavsnitt, 2, 3
    ankare: str = ""                # id i PDF:en (innehållsförteckningen länkar hit)


@dataclass(frozen=True)
class Stycke:
    text: str
    stil: Optional[str] = None      # None, "etikett" (fet inledning), "kursiv", "exempel", "liten"
    etikett: str = ""               # fet inledning före texten, t.ex. "Bedömning: "
    status: Optional[str] = None    # statusord som visas som märke (symbol + ord + färg)


@dataclass(frozen=True)
class Punktlista:
    punkter: tuple[str, ...]


@dataclass(frozen=True)
class Cell:
    text: str
    status: Optional[str] = None    # statusord: cellen får statusens färg, symbolen står i texten
    exempel: bool = False           # påhittat värde: markerat


@dataclass(frozen=True)
class Tabell:
    rubrik: str                     # tabellens namn (bildtext ovanför)
    kolumner: tuple[str, ...]
    rader: tuple[tuple[Cell, ...], ...]
    tal: frozenset[int] = frozenset()      # högerjusterade kolumner (belopp, värden)
    summarader: frozenset[int] = frozenset()
    bredder: tuple[float, ...] = ()        # relativa kolumnbredder (summa godtycklig)


@dataclass(frozen=True)
class Bild:
    png: bytes
    alt: str                        # textalternativ: vad diagrammet visar, med talen
    bildtext: str
    bredd_cm: float = 16.0


@dataclass(frozen=True)
class Sidbrytning:
    pass


Block = Union[Rubrik, Stycke, Punktlista, Tabell, Bild, Sidbrytning]


@dataclass(frozen=True)
class Omslag:
    kommun: str
    namnd: str
    plan: str
    period: str
    datum: str                      # periodens slutdatum, långt ("31 augusti 2020")
    diarienummer: str = ""
    urval: str = ""                 # "Urval: enhet KSK/EKO" när rapporten är filtrerad


@dataclass
class Dokument:
    titel: str
    omslag: Omslag
    block: list[Block] = field(default_factory=list)
    genererad: dt.datetime = field(default_factory=lambda: dt.datetime(2000, 1, 1))
    sprak: str = "sv"

    def rubriker(self, hogst: int = 2) -> list[Rubrik]:
        """Rubrikerna till innehållsförteckningen."""
        return [b for b in self.block if isinstance(b, Rubrik) and b.niva <= hogst]


_PUNKT = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+")


def textblock(text: str) -> list[Block]:
    """Vanlig text som skrivits i webbläsaren → stycken och punktlistor: en tom rad skiljer stycken,
    rader som börjar med "- ", "* ", "• " eller "1. " blir en punktlista."""
    ut: list[Block] = []
    for del_ in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        rader = [r for r in del_.split("\n") if r.strip()]
        if not rader:
            continue
        stycke: list[str] = []
        punkter: list[str] = []
        for r in rader:
            if _PUNKT.match(r):
                if stycke:
                    ut.append(Stycke(" ".join(stycke)))
                    stycke = []
                punkter.append(_PUNKT.sub("", r).strip())
            elif punkter and r.startswith((" ", "\t")):
                punkter[-1] += " " + r.strip()          # fortsättning på föregående punkt
            else:
                if punkter:
                    ut.append(Punktlista(tuple(punkter)))
                    punkter = []
                stycke.append(r.strip())
        if stycke:
            ut.append(Stycke(" ".join(stycke)))
        if punkter:
            ut.append(Punktlista(tuple(punkter)))
    return ut
