"""Kolada: hämta jämförelsevärden för planens indikatorer ur Koladas öppna API (RKA).

    python -m data.kolada hamta [--plan KOD] [--ar 2018-2022] [--kolada-url URL]

Indikatorer i källfilerna kan ange Kolada-KPI-id:n (`kolada: [N03103]`), och plan.yaml anger
kommunens id (0188 för Norrtälje), rikets (0000) och jämförelsegruppen. Klienten hämtar, per
nyckeltal och årsintervall, alla kommuners värden (för rankningen), rikets och gruppens, och
sparar dem i tabellen kolada_varde med nyckeltal, kommun, år, kön, hämtningstid och källans
URL. Värdena blandas aldrig med planens egna utfall.

Svarsformatet (API v3, och v2 med `next_page`): `{"values": [{"kpi", "municipality", "period",
"values": [{"gender": "T|K|M", "value", "status", "count"}]}], "next_url": …}`. Sidor följs
tills `next_url` saknas; tidsgräns per anrop, nya försök med växande väntan vid nätverksfel,
429 och 5xx; ett tydligt svenskt meddelande när Kolada inte svarar.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from sqlalchemy import delete, select

from data.lagring import cache, db, start
from data.lagring.models import Indikator, KoladaKpi, KoladaVarde, Plan

log = logging.getLogger(__name__)

BAS_URL = "https://api.kolada.se/v3"
TIDSGRANS = 20.0          # sekunder per anrop
FORSOK = 4
FORSTA_VANTAN = 1.0       # sekunder; fördubblas per försök
MAX_ID_PER_ANROP = 25     # kommuner eller år per anrop (URL:ens längd)
MAX_SIDOR = 200


class KoladaFel(Exception):
    """Hämtningen misslyckades; meddelandet är svenskt och säger vad man kan göra."""


@dataclass
class Klient:
    """Liten klient för Koladas läs-API. `vanta` byts ut i tester (ingen riktig väntan)."""
    bas_url: str = BAS_URL
    tidsgrans: float = TIDSGRANS
    forsok: int = FORSOK
    forsta_vantan: float = FORSTA_VANTAN
    vanta: Callable[[float], None] = time.sleep
    anrop: list[str] = field(default_factory=list)

    def _hamta_en(self, url: str) -> dict:
        fel: Optional[BaseException] = None
        for i in range(self.forsok):
            if i:
                self.vanta(self.forsta_vantan * 2 ** (i - 1))
            self.anrop.append(url)
            try:
                req = urllib.request.Request(url, headers={"Accept": "application/json",
                                                           "User-Agent": "Malkoll/1 (kommunal maluppfoljning)"})
                with urllib.request.urlopen(req, timeout=self.tidsgrans) as svar:
                    return json.loads(svar.read().decode("utf-8"))
            except urllib.error.HTTPError as e:
                if e.code == 429 or e.code >= 500:
                    fel = e
                    log.warning("Kolada svarade %s för %s (försök %d av %d)", e.code, url, i + 1, self.forsok)
                    continue
                raise KoladaFel(f"Kolada svarade {e.code} för {url} – kontrollera nyckeltalets och kommunens id") from e
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
                fel = e
                log.warning("Kolada svarar inte för %s: %s (försök %d av %d)", url, e, i + 1, self.forsok)
            except json.JSONDecodeError as e:
                raise KoladaFel(f"Kolada svarade med något som inte är JSON för {url}") from e
        orsak = getattr(fel, "reason", fel)
        raise KoladaFel(f"Kolada svarar inte ({orsak}) efter {self.forsok} försök. Är datorn ansluten till "
                        f"internet? Försök igen senare; {self.bas_url} används.") from fel

    def hamta(self, sokvag: str) -> list[dict]:
        """Alla sidor för en sökväg under bas-URL:en (följer next_url / next_page)."""
        url = f"{self.bas_url.rstrip('/')}/{sokvag.lstrip('/')}"
        ut: list[dict] = []
        for _ in range(MAX_SIDOR):
            svar = self._hamta_en(url)
            if not isinstance(svar, dict) or not isinstance(svar.get("values"), list):
                raise KoladaFel(f"Oväntat svar från Kolada för {url}: saknar 'values'")
            ut.extend(svar["values"])
            url = svar.get("next_url") or svar.get("next_page")
            if not url:
                return ut
        raise KoladaFel(f"Kolada gav fler än {MAX_SIDOR} sidor för {sokvag}")


def _delar(x: list[str], n: int = MAX_ID_PER_ANROP) -> Iterable[list[str]]:
    for i in range(0, len(x), n):
        yield x[i:i + n]


def tolka_ar(text: str) -> list[int]:
    """"2018-2022" → [2018 … 2022]; "2020" → [2020]; "2018,2020" → [2018, 2020]."""
    ut: list[int] = []
    for del_ in text.split(","):
        m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–]\s*(\d{4})\s*)?", del_)
        if not m:
            raise ValueError(f"år {del_!r}: skriv 2018-2022, 2020 eller 2018,2020")
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        if b < a or b - a > 50:
            raise ValueError(f"år {del_!r}: intervallet är baklänges eller för långt")
        ut.extend(range(a, b + 1))
    return sorted(set(ut))


def rader_ur(svar: list[dict], hamtad: dt.datetime, kalla_url: str) -> list[dict]:
    """Koladas data-poster → rader för kolada_varde (en per kön; raderade värden hoppas över)."""
    ut = []
    for post in svar:
        for v in post.get("values") or []:
            if v.get("isdeleted"):
                continue
            varde = v.get("value")
            ut.append({"kpi": str(post["kpi"]), "kommun": str(post["municipality"]), "ar": int(post["period"]),
                       "kon": str(v.get("gender") or "T")[:1], "varde": None if varde is None else float(varde),
                       "status": v.get("status") or None, "antal": v.get("count"), "hamtad": hamtad,
                       "kalla_url": kalla_url})
    return ut


@dataclass
class Uppdrag:
    """Vad som ska hämtas för en plan."""
    plan: str
    kpi: list[str]
    kommun: str
    riket: str
    grupp_id: Optional[str]
    grupp_kommuner: list[str]


def uppdrag_for(plan: Optional[str] = None, url: Optional[str] = None) -> Uppdrag:
    """Planens Kolada-uppgifter ur databasen (källfilerna: plan.yaml och indikatorernas `kolada`)."""
    with db.session(url) as s:
        q = select(Plan)
        p = s.scalars(q.where(Plan.kod == plan) if plan else q.order_by(Plan.syntetisk, Plan.id)).first()
        if p is None:
            raise KoladaFel(f"Planen {plan!r} finns inte i databasen" if plan else "Ingen plan finns i databasen")
        k = p.kolada or {}
        kpi = sorted({x for (v,) in s.execute(select(Indikator.kolada_kpi).where(
            Indikator.plan_id == p.id, Indikator.kolada_kpi.is_not(None))) for x in v.split(",") if x})
        grp = k.get("jamforelsegrupp") or {}
        if not k.get("kommun"):
            raise KoladaFel(f"Planen {p.kod} anger inget Kolada-id för kommunen (plan.yaml: kolada: kommun: \"0188\")")
        return Uppdrag(p.kod, kpi, k["kommun"], k.get("riket") or "0000", grp.get("id"), list(grp.get("kommuner") or []))


def hamta(klient: Klient, upp: Uppdrag, ar: list[int], url: Optional[str] = None,
          nu: Optional[dt.datetime] = None) -> int:
    """Hämta och spara. Returnerar antal sparade värden. Allt hämtas innan något skrivs."""
    nu = nu or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    rader: list[dict] = []
    kpier: list[dict] = []
    arlista = [str(a) for a in ar]
    for kpi in upp.kpi:
        for meta in klient.hamta(f"kpi/{kpi}"):
            if str(meta.get("id")) == kpi:
                kpier.append({"id": kpi, "titel": meta.get("title") or kpi, "beskrivning": meta.get("description"),
                              "hamtad": nu, "kalla_url": f"{klient.bas_url}/kpi/{kpi}"})
        # Alla kommuner (och riket) per år: behövs för rankningen
        for ar_del in _delar(arlista):
            sokvag = f"data/kpi/{kpi}/year/{','.join(ar_del)}"
            rader += rader_ur(klient.hamta(sokvag), nu, f"{klient.bas_url}/{sokvag}")
        # Gruppen (ett grupp-id ger Koladas ovägda medelvärde) och riket om det saknades ovan
        extra = ([upp.grupp_id] if upp.grupp_id else []) + [k for k in upp.grupp_kommuner] + [upp.riket]
        har = {(r["kommun"]) for r in rader if r["kpi"] == kpi}
        saknas = [k for k in dict.fromkeys(extra) if k not in har]
        for k_del in _delar(saknas):
            for ar_del in _delar(arlista):
                sokvag = f"data/kpi/{kpi}/municipality/{','.join(k_del)}/year/{','.join(ar_del)}"
                rader += rader_ur(klient.hamta(sokvag), nu, f"{klient.bas_url}/{sokvag}")
    return spara(kpier, rader, url)


def spara(kpier: list[dict], rader: list[dict], url: Optional[str] = None) -> int:
    """Ersätt värdena för (nyckeltal, kommun, år, kön) med de hämtade, i en transaktion."""
    unika = {(r["kpi"], r["kommun"], r["ar"], r["kon"]): r for r in rader}
    with db.session(url) as s:
        for k in kpier:
            s.merge(KoladaKpi(**k))
        for kpi in {r["kpi"] for r in unika.values()}:
            ar = {r["ar"] for r in unika.values() if r["kpi"] == kpi}
            s.execute(delete(KoladaVarde).where(KoladaVarde.kpi == kpi, KoladaVarde.ar.in_(ar)))
        s.add_all(KoladaVarde(**r) for r in unika.values())
        cache.rakna_upp(s)
    return len(unika)


def _tolkare() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m data.kolada", description="Hämta jämförelsevärden ur Kolada.")
    under = p.add_subparsers(dest="kommando", required=True)
    h = under.add_parser("hamta", help="hämta värden för planens Kolada-nyckeltal")
    h.add_argument("--plan", help="planens kod (standard: standardplanen)")
    h.add_argument("--ar", default=f"2015-{dt.date.today().year - 1}", help="år, t.ex. 2018-2022")
    h.add_argument("--kolada-url", default=BAS_URL, help=f"API:ts adress (standard {BAS_URL})")
    return p


def main(argv: Optional[list[str]] = None) -> int:
    arg = _tolkare().parse_args(argv)
    try:
        ar = tolka_ar(arg.ar)
    except ValueError as e:
        print(f"Felaktigt --ar: {e}", file=sys.stderr)
        return 2
    start.starta()
    try:
        upp = uppdrag_for(arg.plan)
        if not upp.kpi:
            print(f"Ingen indikator i planen {upp.plan} anger ett Kolada-id (fältet kolada i källfilerna); "
                  "inget att hämta.")
            return 0
        n = hamta(Klient(bas_url=arg.kolada_url), upp, ar)
    except KoladaFel as e:
        print(f"Kolada: {e}", file=sys.stderr)
        return 1
    print(f"{n} värden från Kolada sparade för {', '.join(upp.kpi)} ({ar[0]}–{ar[-1]}), plan {upp.plan}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
