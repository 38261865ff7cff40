"""Urvalet: vad en användare har valt (plan, period, enheter, roll, status, målområde, vy,
visning) – en typ, tolkad ur URL:en en gång och skickad till sidor, export, rapportmall, import
och API.

Rena värden, ingen databas: att ett värde finns i planen (en känd enhet, period …) prövas av
`data.uppfoljning.fragor.kontrollera_urval`, som ger svenska meddelanden som sidor och export visar.
"""
from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional
from urllib.parse import parse_qs, urlencode

log = logging.getLogger(__name__)

VYER = ("plan", "malomrade", "arbetsgivare", "sarskilda", "budget")
ROLLER = ("ansvarig",)
KANDA = ("plan", "period", "enhet", "roll", "status", "visning", "fokus", "belopp", "sammantrade")
FOKUS = ("avvikelser",)   # sammanträdets dagordning: bara det som behöver styrelsen (data.uppfoljning.avvikelser)
_MALOMRADE = re.compile(r"/malomrade/([^/]+)/?$")


def lista(v: Any) -> list[str]:
    """"a,b" / ["a", "b,c"] / None → ["a", "b", "c"] (utan dubbletter, i ordning)."""
    if v is None:
        return []
    if isinstance(v, str):
        v = [v]
    ut: list[str] = []
    for x in v:
        ut.extend(p.strip() for p in str(x).split(",") if p.strip())
    return list(dict.fromkeys(ut))


def _sista(v: Any) -> Optional[str]:
    if isinstance(v, (list, tuple)):
        v = v[-1] if v else None
    v = (v or "").strip() if isinstance(v, str) else v
    return v or None


@dataclass
class Urval:
    """Användarens val. Tomt fält = inget val (standardplanen, standardperioden, alla enheter …)."""
    plan: Optional[str] = None
    period: Optional[str] = None
    enhet: list[str] = field(default_factory=list)
    roll: Optional[str] = None             # "ansvarig" eller None (ansvarig eller i samverkan)
    status: list[str] = field(default_factory=list)
    malomrade: Optional[int] = None        # vy="malomrade"
    vy: str = "plan"
    visning: Optional[str] = None          # "mote" = sammanträdesläge
    belopp: Optional[str] = None           # budget: "mnkr" eller tkr
    fokus: Optional[str] = None            # "avvikelser" = avvikelsedagordningen i sammanträdesläget
    sammantrade: Optional[str] = None      # ett sammanträdes datum (ÅÅÅÅ-MM-DD) eller id: det frysta underlaget
    ovrigt: dict = field(default_factory=dict)
    fel: list[str] = field(default_factory=list)  # det som inte gick att tolka (okänd roll, vy …)

    def __post_init__(self) -> None:
        self.enhet = lista(self.enhet)
        self.status = lista(self.status)
        if self.vy not in VYER:
            raise ValueError(f"Okänd vy {self.vy!r}; välj bland {', '.join(VYER)}")
        if self.vy == "malomrade" and self.malomrade is None:
            raise ValueError("vy='malomrade' kräver ett målområde")

    # --- tolka ---

    @classmethod
    def fran_fraga(cls, query: Mapping[str, Any] | None, sokvag: str | None = None) -> "Urval":
        """Från query-parametrar (Dash Pages' **query, parse_qs eller en MultiDict) och sökväg."""
        q = _platta(query)
        roll = _sista(q.pop("roll", None))
        fel = []
        if roll is not None and roll not in ROLLER:
            fel.append(f"okänd roll ”{roll}”; den enda rollen är ”ansvarig”")
        fokus = _sista(q.pop("fokus", None))
        if fokus is not None and fokus not in FOKUS:
            fel.append(f"okänt fokus ”{fokus}”; det enda fokuset är ”{FOKUS[0]}”")
        vy, nr = _vy(sokvag)
        if vy == "malomrade" and nr is None:
            fel.append(f"okänt målområde ”{_MALOMRADE.search(sokvag or '').group(1)}”")
            vy = "plan"
        return cls(plan=_sista(q.pop("plan", None)), period=_sista(q.pop("period", None)),
                   enhet=lista(q.pop("enhet", None)), roll=roll if roll in ROLLER else None,
                   status=lista(q.pop("status", None)), malomrade=nr, vy=vy,
                   visning=_sista(q.pop("visning", None)), belopp=_sista(q.pop("belopp", None)),
                   fokus=fokus if fokus in FOKUS else None,
                   sammantrade=_sista(q.pop("sammantrade", None)),
                   ovrigt={k: _sista(v) for k, v in q.items() if _sista(v)}, fel=fel)

    @classmethod
    def fran_sok(cls, search: str | None, sokvag: str | None = None) -> "Urval":
        """Från en query-sträng ("?enhet=…&period=…"), som dcc.Location ger den."""
        return cls.fran_fraga(parse_qs((search or "").lstrip("?")), sokvag)

    # --- bygga ---

    def till_sok(self) -> str:
        """Urval → "?plan=…&enhet=KSK/EKO,KSK/SHB&roll=ansvarig&period=…&status=…&visning=mote"."""
        par = []
        for namn, v in (("plan", self.plan), ("enhet", ",".join(self.enhet)), ("roll", self.roll),
                        ("period", self.period), ("status", ",".join(self.status)),
                        ("belopp", self.belopp), ("visning", self.visning), ("fokus", self.fokus),
                        ("sammantrade", self.sammantrade)):
            if v:
                par.append((namn, v))
        par.extend(sorted((k, v) for k, v in self.ovrigt.items() if v))
        return ("?" + urlencode(par, safe="/,")) if par else ""

    def med(self, **andringar) -> "Urval":
        return dataclasses.replace(self, **andringar)

    # --- egenskaper ---

    @property
    def mote(self) -> bool:
        """Sammanträdesläge (?visning=mote): stor text, projektormall, inga filterkontroller."""
        return self.visning == "mote"

    @property
    def avvikelser(self) -> bool:
        """Avvikelsedagordningen (?visning=mote&fokus=avvikelser): bara det som behöver styrelsen."""
        return self.mote and self.fokus == "avvikelser"

    @property
    def aktivt(self) -> bool:
        """Begränsar urvalet vad som visas (enhet, roll eller status)?"""
        return bool(self.enhet or self.roll or self.status)


def _platta(query: Mapping[str, Any] | None) -> dict[str, Any]:
    if query is None:
        return {}
    if hasattr(query, "getlist"):  # werkzeug MultiDict
        return {k: query.getlist(k) for k in query.keys()}
    return dict(query)


def _vy(sokvag: Optional[str]) -> tuple[str, Optional[int]]:
    vag = (sokvag or "/").rstrip("/") or "/"
    m = _MALOMRADE.search(vag)
    if m:
        t = m.group(1)
        return "malomrade", int(t) if t.isascii() and t.isdigit() else None
    for slut, vy in (("/arbetsgivare", "arbetsgivare"), ("/budget", "budget"),
                     ("/sarskilda-uppdrag", "sarskilda")):
        if vag.endswith(slut):
            return vy, None
    return "plan", None


def normalisera_stavning(s: str) -> str:
    """Jämförelseform för enhetsstavningar: gemener, enkla mellanslag, inga mellanslag kring '/'."""
    s = " ".join(str(s).split())
    s = re.sub(r"\s*/\s*", "/", s)
    return s.casefold()
