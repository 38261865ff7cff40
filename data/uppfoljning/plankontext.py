"""Den upplösta planen: ett värde som kanten (sida, route, callback, kommando) gör en gång och lämnar
nedåt till frågor, cache, export, mallar, lås och rättigheter.

Ingen fråga ser "standardplanen": kanten löser upp valet (``?plan=``, ``--plan`` eller standarden)
med ``data.uppfoljning.fragor.los_plan`` till en Plankontext, och cachens nyckel bär den
(``repr``: kod, id och ett eventuellt sammanträde). Ren modul: ingen databas.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from data.uppfoljning.namnd import Namnd

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Plankontext:
    """En konkret plan: kod, id, organisation och nämnd (med planens ord), år och perioder.

    ``sammantrade`` är id för ett fruset sammanträdesprotokoll när sidorna ska visa det som
    nämnden såg (annars None: aktuella data)."""
    kod: str
    id: int
    namn: str
    ar: int
    namnd: Namnd
    malar: tuple[int, ...] = ()
    perioder: tuple[str, ...] = ()        # periodernas namn i tidsordning
    standardperiod: str | None = None     # plan.yaml:s standardperiod, om den anges
    syntetisk: bool = False
    sammantrade: int | None = None
    extra: dict = field(default_factory=dict, repr=False)

    @property
    def kommun(self) -> str | None:
        return self.namnd.kommun

    @property
    def kommunkod(self) -> str | None:
        return self.namnd.kommunkod

    def _nyckel(self) -> tuple:
        return (self.kod, self.id, self.sammantrade)

    def __eq__(self, annan: object) -> bool:
        return isinstance(annan, Plankontext) and self._nyckel() == annan._nyckel()

    def __hash__(self) -> int:
        return hash(self._nyckel())

    def __repr__(self) -> str:
        """Cachens nyckel: planen och sammanträdet, aldrig "standard"."""
        s = f", sammantrade={self.sammantrade}" if self.sammantrade is not None else ""
        return f"Plankontext({self.kod!r}, id={self.id}{s})"

    def __str__(self) -> str:
        """Planen som text (i meddelanden): dess kod."""
        return self.kod

    def url(self) -> str:
        """Planens del av en länk: "plan=KOD" (alltid uttrycklig)."""
        from urllib.parse import quote
        return f"plan={quote(self.kod)}"
