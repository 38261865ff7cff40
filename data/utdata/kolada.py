"""Kolada: jämförelsevärden för planens nyckeltal – ur en värdefil eller Koladas öppna API v3 (RKA).

    python -m data.kolada las-in FIL [--hamtad ÅÅÅÅ-MM-DD] [--kalla TEXT]
    python -m data.kolada hamta [--plan KOD] [--ar 2018-2022] [--kolada-url URL] [--fil UT.csv]

Värdefilen har varden.csv:s form (`kpi;municipality;year;gender;value`, valfritt `status;count;
retrieved;source`); planmappen har en sådan ögonblicksbild (plan.yaml: kolada: ogonblicksbild),
som läses in när en tom databas fylls. Varje värde sparas med nyckeltal, kommun, år, kön,
hämtningsdag och källa i kolada_varde; ett senare hämtat värde ersätter ett äldre för samma
nyckeltal, kommun, år och kön, ett äldre ersätter aldrig ett nyare. Värdena blandas aldrig med
planens egna utfall.

API v3 (`https://api.kolada.se/v3`, v2 är nedlagd): `{"values": [{"kpi", "municipality", "period",
"values": [{"gender": "T|K|M", "value", "status", "count", "isdeleted"}]}], "next_url": …}`; grupper
under /municipality_groups/{id} med `members: [{member_id, member_title}]`. Sidor följs tills
`next_url` saknas (högst 5 000 per sida, högst 25 id:n per sökvägsdel); tidsgräns per anrop, nya
försök med växande väntan vid nätverksfel och 5xx, och vid 429 efter `Retry-After`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import email.utils
import json
import logging
import math
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.lagring import cache, db, start
from data.lagring.models import Indikator, KoladaKpi, KoladaVarde, Plan
from data.uppfoljning import fragor
from data.uppfoljning.plankontext import Plankontext

log = logging.getLogger(__name__)

BAS_URL = "https://api.kolada.se/v3"
TIDSGRANS = 20.0          # sekunder per anrop
FORSOK = 4
FORSTA_VANTAN = 1.0       # sekunder; fördubblas per försök
MAX_VANTAN = 120.0        # längsta väntan som Retry-After får begära
MAX_ID_PER_ANROP = 25     # kommuner eller år per sökvägsdel
PER_SIDA = 5000           # Koladas största sida
MAX_SIDOR = 200
KOLUMNER = ("kpi", "municipality", "year", "gender", "value")
VALFRIA = ("status", "count", "retrieved", "source")
KPI_ID = re.compile(r"^[NU]\d{5}$")
KOMMUN_ID = re.compile(r"^(\d{4}|G\d+)$")


class KoladaFel(Exception):
    """Hämtningen misslyckades; meddelandet är svenskt och säger vad man kan göra."""


class Filfel(Exception):
    """En värdefil med fel: ett meddelande per fel, med fil, rad och kolumn."""
    def __init__(self, fel: list[str]):
        self.fel = fel
        super().__init__("\n".join(fel))


# --- Klienten (API v3) ---

def _retry_after(varde: Optional[str]) -> Optional[float]:
    """Retry-After i sekunder ("30" eller ett HTTP-datum), högst MAX_VANTAN."""
    if not varde:
        return None
    if varde.strip().isdigit():
        return min(float(varde.strip()), MAX_VANTAN)
    try:
        nar = email.utils.parsedate_to_datetime(varde)
    except (TypeError, ValueError):
        return None
    return min(max((nar - dt.datetime.now(dt.timezone.utc)).total_seconds(), 0.0), MAX_VANTAN)


@dataclass
class Klient:
    """Liten klient för Koladas läs-API v3. `vanta` byts ut i tester (ingen riktig väntan)."""
    bas_url: str = BAS_URL
    tidsgrans: float = TIDSGRANS
    forsok: int = FORSOK
    forsta_vantan: float = FORSTA_VANTAN
    vanta: Callable[[float], None] = time.sleep
    anrop: list[str] = field(default_factory=list)

    def _hamta_en(self, url: str) -> dict:
        fel: Optional[BaseException] = None
        nasta_vantan: Optional[float] = None
        for i in range(self.forsok):
            if i:
                self.vanta(nasta_vantan if nasta_vantan is not None else self.forsta_vantan * 2 ** (i - 1))
            nasta_vantan = None
            self.anrop.append(url)
            try:
                req = urllib.request.Request(url, headers={"Accept": "application/json",
                                                           "User-Agent": "Malkoll/1 (kommunal maluppfoljning)"})
                with urllib.request.urlopen(req, timeout=self.tidsgrans) as svar:
                    return json.loads(svar.read().decode("utf-8"))
            except urllib.error.HTTPError as e:
                if e.code == 429 or e.code >= 500:
                    fel = e
                    if e.code == 429:
                        nasta_vantan = _retry_after(e.headers.get("Retry-After"))
                    log.warning("Kolada svarade %s för %s (försök %d av %d)", e.code, url, i + 1, self.forsok)
                    continue
                raise KoladaFel(f"Kolada svarade {e.code} för {url} – kontrollera nyckeltalets och kommunens id") from e
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
                fel = e
                log.warning("Kolada svarar inte för %s: %s (försök %d av %d)", url, e, i + 1, self.forsok)
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                raise KoladaFel(f"Kolada svarade med något som inte är JSON för {url}") from e
        if isinstance(fel, urllib.error.HTTPError) and fel.code == 429:
            raise KoladaFel(f"Kolada ber oss vänta (429, för många anrop) även efter {self.forsok} försök. "
                            "Försök igen om en stund.") from fel
        orsak = getattr(fel, "reason", fel)
        raise KoladaFel(f"Kolada svarar inte ({orsak}) efter {self.forsok} försök. Är datorn ansluten till "
                        f"internet? Försök igen senare; {self.bas_url} används.") from fel

    def hamta(self, sokvag: str) -> list[dict]:
        """Alla sidor för en sökväg under bas-URL:en (följer next_url tills den saknas)."""
        url = f"{self.bas_url.rstrip('/')}/{sokvag.lstrip('/')}"
        if sokvag.startswith("data/"):
            url += ("&" if "?" in url else "?") + f"per_page={PER_SIDA}"
        ut: list[dict] = []
        for _ in range(MAX_SIDOR):
            svar = self._hamta_en(url)
            if not isinstance(svar, dict) or not isinstance(svar.get("values"), list):
                raise KoladaFel(f"Oväntat svar från Kolada för {url}: saknar 'values'")
            ut.extend(svar["values"])
            url = svar.get("next_url")
            if not url:
                return ut
        raise KoladaFel(f"Kolada gav fler än {MAX_SIDOR} sidor för {sokvag}")

    def grupp(self, grupp_id: str) -> dict:
        """En kommungrupp: {id, title, members: [{member_id, member_title}]}."""
        for g in self.hamta(f"municipality_groups/{grupp_id}"):
            if str(g.get("id")) == grupp_id:
                return g
        raise KoladaFel(f"Kolada känner inte till gruppen {grupp_id}")


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


def uppdrag_for(plan: Plankontext) -> Uppdrag:
    """Planens Kolada-uppgifter ur databasen (plan.yaml `kolada` och indikatorernas `kolada`)."""
    with db.session() as s:
        p = s.get(Plan, plan.id)
        if p is None:
            raise KoladaFel(f"Planen {plan.kod!r} finns inte i databasen")
        k = p.kolada or {}
        kpi = {x for (v,) in s.execute(select(Indikator.kolada_kpi).where(
            Indikator.plan_id == p.id, Indikator.kolada_kpi.is_not(None))) for x in v.split(",") if x}
        kpi |= {n["id"] for n in k.get("nyckeltal") or []}
        grp = k.get("jamforelsegrupp") or {}
        if not k.get("kommun"):
            raise KoladaFel(f"Planen {p.kod} anger inget Kolada-id för kommunen (plan.yaml: kommunkod)")
        return Uppdrag(p.kod, sorted(kpi), k["kommun"], k.get("riket") or "0000", grp.get("id"),
                       list(grp.get("kommuner") or []))


def _nu() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def hamta(klient: Klient, upp: Uppdrag, ar: list[int], nu: Optional[dt.datetime] = None) -> tuple[list[dict], list[dict]]:
    """Hämta nyckeltalen (metadata) och värdena: alla kommuner per år (för rankningen), gruppen och
    riket. Returnerar (kpier, rader); inget skrivs. Gruppens medlemmar jämförs med planens."""
    nu = nu or _nu()
    rader: list[dict] = []
    kpier: list[dict] = []
    arlista = [str(a) for a in ar]
    if upp.grupp_id:
        medl = sorted(str(m.get("member_id")) for m in klient.grupp(upp.grupp_id).get("members") or [])
        if upp.grupp_kommuner and medl != sorted(upp.grupp_kommuner):
            log.warning("Kolada-gruppen %s har medlemmarna %s, planen anger %s", upp.grupp_id, medl,
                        sorted(upp.grupp_kommuner))
    for kpi in upp.kpi:
        for meta in klient.hamta(f"kpi/{kpi}"):
            if str(meta.get("id")) == kpi:
                kpier.append({"id": kpi, "titel": meta.get("title") or kpi, "beskrivning": meta.get("description"),
                              "hamtad": nu, "kalla_url": f"{klient.bas_url}/kpi/{kpi}"})
        for ar_del in _delar(arlista):
            sokvag = f"data/kpi/{kpi}/year/{','.join(ar_del)}"
            rader += rader_ur(klient.hamta(sokvag), nu, f"{klient.bas_url}/{sokvag}")
        extra = ([upp.grupp_id] if upp.grupp_id else []) + list(upp.grupp_kommuner) + [upp.riket]
        har = {r["kommun"] for r in rader if r["kpi"] == kpi}
        saknas = [k for k in dict.fromkeys(extra) if k not in har]
        for k_del in _delar(saknas):
            for ar_del in _delar(arlista):
                sokvag = f"data/kpi/{kpi}/municipality/{','.join(k_del)}/year/{','.join(ar_del)}"
                rader += rader_ur(klient.hamta(sokvag), nu, f"{klient.bas_url}/{sokvag}")
    return kpier, rader


# --- Lagring: senare hämtat ersätter äldre, aldrig tvärtom ---

@dataclass
class Resultat:
    nya: int = 0
    ersatta: int = 0
    oforandrade: int = 0
    aldre: int = 0          # i filen men äldre än det som redan finns: behölls inte

    def text(self) -> str:
        return (f"{self.nya} nya, {self.ersatta} ersatta av senare hämtade, {self.oforandrade} oförändrade"
                + (f", {self.aldre} äldre än de sparade (behölls inte)" if self.aldre else ""))


def _lika(a: Optional[float], b: Optional[float]) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=0, abs_tol=1e-12))


def spara_rader(s: Session, rader: list[dict], kpier: Iterable[dict] = ()) -> Resultat:
    """Skriv värdena i sessionens transaktion: per (nyckeltal, kommun, år, kön) vinner den senaste
    hämtningen; samma hämtning igen ändrar ingenting."""
    res = Resultat()
    for k in kpier:
        s.merge(KoladaKpi(**k))
    unika = {(r["kpi"], r["kommun"], r["ar"], r["kon"]): r for r in rader}
    for kpi in sorted({n[0] for n in unika}):
        finns = {(v.kpi, v.kommun, v.ar, v.kon): v for v in s.scalars(select(KoladaVarde).where(KoladaVarde.kpi == kpi))}
        for nyckel, r in unika.items():
            if nyckel[0] != kpi:
                continue
            v = finns.get(nyckel)
            if v is None:
                s.add(KoladaVarde(**r))
                res.nya += 1
            elif r["hamtad"] < v.hamtad:
                res.aldre += 1
            elif (_lika(v.varde, r["varde"]) and v.status == r["status"] and v.antal == r["antal"]
                  and v.hamtad == r["hamtad"] and v.kalla_url == r["kalla_url"]):
                res.oforandrade += 1
            else:
                for f in ("varde", "status", "antal", "hamtad", "kalla_url"):
                    setattr(v, f, r[f])
                res.ersatta += 1
    if res.nya or res.ersatta or kpier:
        cache.rakna_upp(s)
    return res


def spara(kpier: list[dict], rader: list[dict]) -> Resultat:
    """Som spara_rader, i en egen transaktion mot processens databas."""
    with db.session() as s:
        return spara_rader(s, rader, kpier)


# --- Värdefiler (varden.csv:s form) ---

def _datum(text: str) -> Optional[dt.datetime]:
    try:
        return dt.datetime.combine(dt.date.fromisoformat(text.strip()[:10]), dt.time())
    except ValueError:
        return None


def tolka_fil(fil: Path, hamtad: Optional[dt.date] = None, kalla: Optional[str] = None) -> list[dict]:
    """En värdefil → rader för kolada_varde. Alla fel samlas (fil, rad, kolumn, värde) i Filfel;
    hämtningsdag och källa ur kolumnerna retrieved/source, annars ur argumenten."""
    namn = Path(fil).name
    try:
        text = Path(fil).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise Filfel([f"{namn}: filen kan inte läsas ({e.__class__.__name__}: {e})"]) from e
    linjer = text.splitlines()
    forst = next((i for i, r in enumerate(linjer) if r.strip() and not r.startswith("#")), None)
    if forst is None:
        raise Filfel([f"{namn}: filen är tom"])
    avgr = ";" if ";" in linjer[forst] else ","
    lasare = csv.DictReader(linjer[forst:], delimiter=avgr)
    huvud = [h.strip() for h in (lasare.fieldnames or [])]
    saknas = [k for k in KOLUMNER if k not in huvud]
    if saknas:
        raise Filfel([f"{namn}, rad {forst + 1}: kolumnerna {', '.join(saknas)} saknas (filen ska ha {';'.join(KOLUMNER)})"])
    standard_dag = dt.datetime.combine(hamtad, dt.time()) if hamtad else None
    fel: list[str] = []
    ut: list[dict] = []
    sedda: dict[tuple, int] = {}
    for radnr, r in enumerate(lasare, start=forst + 2):
        r = {(k or "").strip(): (v or "").strip() for k, v in r.items() if k is not None}
        if r.get("kpi", "").startswith("#"):
            continue
        pos = f"{namn}, rad {radnr}, kolumn"
        f0 = len(fel)
        if not KPI_ID.match(r["kpi"]):
            fel.append(f"{pos} kpi: {r['kpi']!r} är inget Kolada-id (som N03103)")
        if not KOMMUN_ID.match(r["municipality"]):
            fel.append(f"{pos} municipality: {r['municipality']!r} är inget Kolada-id (fyra siffror)")
        if not (r["year"].isdigit() and 1950 <= int(r["year"]) <= 2100):
            fel.append(f"{pos} year: {r['year']!r} är inget år")
        if r["gender"] not in ("T", "K", "M"):
            fel.append(f"{pos} gender: {r['gender']!r} – ange T (totalt), K (kvinnor) eller M (män)")
        varde = None
        if r["value"]:
            try:
                varde = float(r["value"])
                if not math.isfinite(varde):
                    raise ValueError
            except ValueError:
                fel.append(f"{pos} value: {r['value']!r} är inget tal (decimalpunkt, t.ex. 45.47)")
        antal = None
        if r.get("count"):
            if r["count"].isdigit():
                antal = int(r["count"])
            else:
                fel.append(f"{pos} count: {r['count']!r} är inget heltal")
        dag = _datum(r["retrieved"]) if r.get("retrieved") else standard_dag
        if r.get("retrieved") and dag is None:
            fel.append(f"{pos} retrieved: {r['retrieved']!r} är inget datum (ÅÅÅÅ-MM-DD)")
        elif dag is None:
            fel.append(f"{pos} retrieved: saknas – ange när värdena hämtades (--hamtad ÅÅÅÅ-MM-DD)")
        kalla_r = r.get("source") or kalla
        if not kalla_r:
            fel.append(f"{pos} source: saknas – ange varifrån värdena kommer (--kalla)")
        if len(fel) > f0:
            continue
        nyckel = (r["kpi"], r["municipality"], int(r["year"]), r["gender"])
        if nyckel in sedda:
            fel.append(f"{namn}, rad {radnr}: samma nyckeltal, kommun, år och kön som rad {sedda[nyckel]}")
            continue
        sedda[nyckel] = radnr
        ut.append({"kpi": nyckel[0], "kommun": nyckel[1], "ar": nyckel[2], "kon": nyckel[3], "varde": varde,
                   "status": r.get("status") or None, "antal": antal, "hamtad": dag, "kalla_url": kalla_r[:1000]})
    if fel:
        raise Filfel(fel[:50] + ([f"{namn}: … och {len(fel) - 50} fel till"] if len(fel) > 50 else []))
    return ut


def las_in(fil: Path, hamtad: Optional[dt.date] = None, kalla: Optional[str] = None) -> Resultat:
    """Läs in en värdefil i processens databas: allt eller inget (ett fel: inget skrivs)."""
    rader = tolka_fil(fil, hamtad, kalla)
    return spara([], rader)


def skriv_fil(fil: Path, rader: list[dict]) -> None:
    """Hämtade värden som värdefil (varden.csv:s kolumner och status, count, retrieved, source)."""
    with open(fil, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(KOLUMNER + VALFRIA)
        for r in sorted(rader, key=lambda r: (r["kpi"], r["kommun"], r["ar"], r["kon"])):
            w.writerow([r["kpi"], r["kommun"], r["ar"], r["kon"], "" if r["varde"] is None else repr(r["varde"]),
                        r["status"] or "", "" if r["antal"] is None else r["antal"],
                        r["hamtad"].date().isoformat(), r["kalla_url"]])


# --- Kommandoraden ---

def _tolkare() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m data.kolada", description="Kolada-värden för jämförelser.")
    under = p.add_subparsers(dest="kommando", required=True)
    h = under.add_parser("hamta", help="hämta värden för planens Kolada-nyckeltal (kräver internet)")
    h.add_argument("--plan", help="planens kod (standard: standardplanen)")
    h.add_argument("--ar", default=f"2015-{dt.date.today().year - 1}", help="år, t.ex. 2018-2022")
    h.add_argument("--kolada-url", default=BAS_URL, help=f"API:ts adress (standard {BAS_URL})")
    h.add_argument("--fil", type=Path, help="skriv också kommunens, gruppens och rikets värden som värdefil "
                                             "(t.ex. en ny ögonblicksbild för planmappen)")
    li = under.add_parser("las-in", help="läs in en värdefil (kpi;municipality;year;gender;value)")
    li.add_argument("fil", type=Path)
    li.add_argument("--hamtad", help="när värdena hämtades ur Kolada, ÅÅÅÅ-MM-DD (om filen saknar retrieved)")
    li.add_argument("--kalla", help="varifrån värdena kommer (om filen saknar source)")
    return p


def _las_in_kommando(arg) -> int:
    hamtad = None
    if arg.hamtad:
        try:
            hamtad = dt.date.fromisoformat(arg.hamtad)
        except ValueError:
            print(f"Felaktigt --hamtad {arg.hamtad!r}: skriv ÅÅÅÅ-MM-DD", file=sys.stderr)
            return 2
    try:
        rader = tolka_fil(arg.fil, hamtad, arg.kalla)
    except Filfel as e:
        print("Inget lästes in; värdefilen har fel:\n" + "\n".join(f"  - {f}" for f in e.fel), file=sys.stderr)
        return 1
    start.starta()
    res = spara([], rader)
    print(f"{arg.fil.name}: {len(rader)} värden – {res.text()}.")
    return 0


def _hamta_kommando(arg) -> int:
    try:
        ar = tolka_ar(arg.ar)
    except ValueError as e:
        print(f"Felaktigt --ar: {e}", file=sys.stderr)
        return 2
    start.starta()
    try:
        upp = uppdrag_for(fragor.los_plan(arg.plan))   # kanten: --plan, annars standardplanen (sidornas regel)
    except LookupError as e:
        print(f"Kolada: {e}", file=sys.stderr)
        return 1
    try:
        if not upp.kpi:
            print(f"Planen {upp.plan} anger inga Kolada-nyckeltal (fältet kolada i källfilerna); inget att hämta.")
            return 0
        kpier, rader = hamta(Klient(bas_url=arg.kolada_url), upp, ar)
    except KoladaFel as e:
        print(f"Kolada: {e}", file=sys.stderr)
        return 1
    res = spara(kpier, rader)
    if arg.fil:   # bara kommunen, gruppen och riket: planmappens fil ska vara liten
        egna = {upp.kommun, upp.riket, *upp.grupp_kommuner} | ({upp.grupp_id} if upp.grupp_id else set())
        skriv_fil(arg.fil, [r for r in rader if r["kommun"] in egna])
    print(f"{len(rader)} värden från Kolada för {', '.join(upp.kpi)} ({ar[0]}–{ar[-1]}), plan {upp.plan}: "
          f"{res.text()}." + (f" Värdefilen: {arg.fil}" if arg.fil else ""))
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    arg = _tolkare().parse_args(argv)
    return _las_in_kommando(arg) if arg.kommando == "las-in" else _hamta_kommando(arg)


if __name__ == "__main__":
    sys.exit(main())
