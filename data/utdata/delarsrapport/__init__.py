"""Delårsrapporten: planens uppföljning för en period som Word och tillgänglig PDF, ur samma data som
sidorna och Excel-exporten (issue 23).

Flödet: urval → `underlag.hamta` (en hämtning) → `bygg.dokument` (dokumentmodellen, ren) →
`word.skriv` eller `pdf.skriv`. Kommandoraden är data/delarsrapport.py, webbvägarna
/export/delarsrapport.docx och .pdf finns i sidor/_export.py. Se docs/delarsrapport.md."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

from data.lagring import installningar
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.urval import Urval
from data.utdata import export
from data.utdata.delarsrapport import bygg, pdf, underlag, word

log = logging.getLogger(__name__)

FORMAT = {"docx": word.MIMETYP, "pdf": pdf.MIMETYP}
MALLNAMN = "rapportmall.docx"     # kommunens Word-mall i planens katalog (docs/delarsrapport.md)


@dataclass
class Rapport:
    innehall: bytes
    filnamn: str
    mimetyp: str
    period: str


def mall_for(plan_kod: str, katalog: str | Path | None = None) -> Path | None:
    """Kommunens Word-mall: rapportmall.docx i planens katalog (MALKOLL_PLANKATALOG, eller `katalog`)
    när katalogens plan.yaml är planen med koden; annars None (python-docx:s standardmall)."""
    k = Path(katalog or installningar.aktuella().plankatalog)
    fil = k / MALLNAMN
    if not fil.is_file():
        return None
    try:
        kod = (yaml.safe_load((k / "plan.yaml").read_text(encoding="utf-8")) or {}).get("kod")
    except (OSError, yaml.YAMLError):
        return None
    return fil if kod == plan_kod else None


def filnamn(plan_kod: str, period: str, format_: str) -> str:
    return f"delarsrapport_{export._ascii(plan_kod)}_{export._ascii(period)}.{format_}"


def ur_underlag(u: underlag.Underlag, format_: str, nu: dt.datetime | None = None,
                mall: Path | None = None) -> Rapport:
    """Rapporten ur ett givet underlag (t.ex. ett fryst sammanträdesunderlag) – ingen databas här."""
    d = bygg.dokument(u, nu or underlag.nu())
    data = word.skriv(d, mall) if format_ == "docx" else pdf.skriv(d)
    return Rapport(data, filnamn(u.plan["kod"], u.period["namn"], format_), FORMAT[format_], u.period["namn"])


def skapa(u: Urval, plan: Plankontext, format_: str, nu: dt.datetime | None = None,
          mall: Path | None = None) -> Rapport:
    """Rapporten för ett normaliserat och kontrollerat urval i den upplösta planen, som "docx" eller "pdf"."""
    if format_ not in FORMAT:
        raise ValueError(f"okänt format ”{format_}”; välj docx eller pdf")
    und = underlag.hamta(u, plan)
    if format_ == "docx" and mall is None:
        mall = mall_for(und.plan["kod"])
    return ur_underlag(und, format_, nu, mall)
