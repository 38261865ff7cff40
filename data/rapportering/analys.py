"""Analystexterna skrivs: kontorets bedömning per period (sammanfattning, målområden, inriktningsmål,
uppdrag, diarienummer). Bara administratörer skriver; en låst period går inte att ändra; varje
sparning blir en ny version med vem och när (inget skrivs över). Läsningen finns i
data.uppfoljning.analysfragor."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select

from data.konton.anvandare import Anvandare
from data.lagring import db
from data.lagring.models import Analystext, Inriktningsmal, Malomrade, Period, Uppdrag
from data.rapportering.behorighet import Behorighetsfel
from data.rapportering.rapportfil import Importfel
from data.uppfoljning import analysfragor
from data.uppfoljning.plankontext import Plankontext

log = logging.getLogger(__name__)

MAX_TEXT = 20_000          # tecken per text (en sida ≈ 3 000)
MAX_DIARIENUMMER = 60


@dataclass(frozen=True)
class Andring:
    """En text som ska sparas: nivå, nyckel (målområdets nr, inriktningsmålets nr, uppdragets kod
    eller "" för planen och diarienumret), bedömning (None = ingen) och text."""
    niva: str
    nyckel: str
    bedomning: str | None
    text: str


def far_skriva(anv: Anvandare | None) -> bool:
    """Analystexterna skrivs av kontoret: administratörer (läsare och rapportörer läser dem)."""
    return anv is not None and anv.administrator


def _nu() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)   # UTC, som rapporterad


def _kanda_nycklar(s, plan_id: int) -> dict[str, set[str]]:
    mo = {str(n) for n in s.scalars(select(Malomrade.nr).where(Malomrade.plan_id == plan_id))}
    im = set(s.scalars(select(Inriktningsmal.nr).join(Malomrade, Malomrade.id == Inriktningsmal.malomrade_id)
                       .where(Malomrade.plan_id == plan_id)))
    up = set(s.scalars(select(Uppdrag.kod).where(Uppdrag.plan_id == plan_id)))
    return {"plan": {""}, "diarienummer": {""}, "malomrade": mo, "inriktningsmal": im, "uppdrag": up}


def _stada(text: str | None) -> str:
    """Vanlig text: radslut som \\n, inga styrtecken utom radbrytning och tabb, inga avslutande blanksteg."""
    t = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    t = "".join(c for c in t if c in "\n\t" or c >= " ")
    return "\n".join(rad.rstrip() for rad in t.split("\n")).strip("\n")


def granska(andringar: list[Andring], kanda: dict[str, set[str]]) -> list[str]:
    """Svenska fel för okända nivåer och nycklar, bedömningar utanför skalan och för långa texter."""
    fel = []
    for a in andringar:
        namn = f"{a.niva} {a.nyckel}".strip()
        if a.niva not in analysfragor.NIVAER:
            fel.append(f"okänd nivå ”{a.niva}”; välj bland {', '.join(analysfragor.NIVAER)}")
            continue
        if a.nyckel not in kanda[a.niva]:
            fel.append(f"{namn}: finns inte i planen")
        skala = analysfragor.skala(a.niva)
        if a.bedomning and a.bedomning not in skala:
            fel.append(f"{namn}: bedömningen ”{a.bedomning}” finns inte på skalan"
                       + (f" ({', '.join(skala)})" if skala else " (nivån har ingen bedömning)"))
        grans = MAX_DIARIENUMMER if a.niva == "diarienummer" else MAX_TEXT
        if len(a.text or "") > grans:
            fel.append(f"{namn}: texten är {len(a.text):,} tecken; högst {grans:,} tas emot".replace(",", "\u00a0"))
    return fel


def spara(plan: Plankontext, period: str, andringar: list[Andring], anv: Anvandare | None) -> int:
    """Spara de texter som ändrats (en ny version var) i en transaktion; antal nya versioner.
    Behorighetsfel för den som inte får skriva, Importfel för en låst period eller fel i texterna
    (ingenting sparas då)."""
    if not far_skriva(anv):
        raise Behorighetsfel(["Bara en administratör får skriva analystexterna."])
    andringar = [Andring(a.niva, str(a.nyckel or ""), (a.bedomning or None), _stada(a.text)) for a in andringar]
    with db.session() as s:
        per = s.scalars(select(Period).where(Period.plan_id == plan.id, Period.namn == period)
                        .with_for_update()).one_or_none()
        if per is None:
            raise Importfel([f"Perioden ”{period}” finns inte i planen {plan.kod}."])
        if per.last:
            raise Importfel([f"Perioden {period} är låst: analystexterna kan läsas men inte ändras. "
                             "En administratör kan låsa upp perioden med en motivering."])
        fel = granska(andringar, _kanda_nycklar(s, per.plan_id))
        if fel:
            raise Importfel(fel)
        nu_galler = {(r.niva, r.nyckel or ""): (r.bedomning, r.text or "")
                     for r in s.scalars(select(Analystext).where(Analystext.period_id == per.id)
                                        .order_by(Analystext.id))}
        nu, n = _nu(), 0
        for a in andringar:
            if nu_galler.get((a.niva, a.nyckel), (None, "")) == (a.bedomning, a.text):
                continue        # oförändrad: ingen ny version
            s.add(Analystext(period_id=per.id, niva=a.niva, nyckel=a.nyckel, bedomning=a.bedomning, text=a.text,
                             skriven_av=anv.etikett[:200], skriven=nu))
            n += 1
    log.info("%s sparade %d analystexter för %s %s", anv.namn, n, plan.kod, period)
    return n
