"""Sammanträden (issue 24): vad nämnden visades, fryst som ett oföränderligt underlag i databasen.

Att skapa ett sammanträde är att bygga allt nämnden ser – sidorna (normal- och sammanträdesläge),
Excel-exporten och delårsrapportens underlag – för planen, perioden och filtret medan varje fråga som
går genom `cache.cachad`/`cache.frysbar` spelas in (nyckel → svar, JSON via data/lagring/kodning.py).
Den kartan är sammanträdets innehåll, med kontrollsumma (sha256). Att visa sammanträdet är att låta
samma frågor svara ur kartan (`cache.Underlag`): aldrig ur databasen, och det som inte finns i
underlaget ger "Uppgiften ingår inte i sammanträdets underlag".

Sidorna ligger över den här modulen, så den som skapar ett sammanträde lämnar sidbyggaren
(`sidbyggare(urval)`, sidor/_sammantrade.py) – webbformuläret och kommandot gör det vid kanten.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import logging
import re
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

import pandas as pd
from sqlalchemy import select

from data.lagring import cache, db
from data.lagring.models import Plan, Sammantrade
from data.uppfoljning import fragor
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.urval import Urval

log = logging.getLogger(__name__)

FORMAT = 1
EXPORTVYER = ("/", "/arbetsgivare", "/budget", "/sarskilda-uppdrag")   # + varje /malomrade/<nr>
SAKNAS = "Uppgiften ingår inte i sammanträdets underlag"


class Sammantradesfel(ValueError):
    """Ett sammanträde som inte kan skapas eller inte finns (en svensk mening)."""


@dataclass(frozen=True)
class Sammantradet:
    """Ett läst sammanträde: raden och dess underlag."""
    id: int
    plan_kod: str
    datum: dt.date
    organ: str
    organ_kort: str | None
    diarienummer: str
    period: str
    urval: dict
    skapad: dt.datetime
    skapad_av: str
    ersatter_id: int | None
    kontrollsumma: str
    underlag: cache.Underlag = field(repr=False, compare=False)

    @property
    def etikett(self) -> str:
        """"Som presenterat <nämndens kortform> <datum>, dnr <diarienummer>"."""
        return f"Som presenterat {self.organ_kort or self.organ} {self.datum.isoformat()}, dnr {self.diarienummer}"

    def som_urval(self, u: Urval | None = None) -> Urval:
        """Urvalet med sammanträdets plan, period och filter (de går inte att ändra i ett sammanträde)."""
        u = u or Urval()
        return u.med(plan=self.plan_kod, period=self.period, enhet=list(self.urval.get("enhet") or []),
                     roll=self.urval.get("roll"), status=list(self.urval.get("status") or []),
                     sammantrade=self.datum.isoformat())

    def plan(self) -> Plankontext:
        """Planen som den var vid sammanträdet (ur underlaget)."""
        with cache.med_underlag(self.underlag):
            return fragor.los_plan(self.plan_kod, sammantrade=self.id)

    def skapad_lokal(self) -> dt.datetime:
        """När underlaget skapades, i svensk tid (exportens och rapportens tidsstämpel)."""
        try:
            from zoneinfo import ZoneInfo
            return (self.skapad.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo("Europe/Stockholm"))
                    .replace(tzinfo=None, microsecond=0))
        except Exception:  # noqa: BLE001 – saknad tidszonsdata
            return self.skapad.replace(microsecond=0)


# --- Skapa ---

def _datum(v) -> dt.date:
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v).strip())
    except ValueError:
        raise Sammantradesfel(f"datumet ”{v}” är inte ett datum (ÅÅÅÅ-MM-DD)") from None


def _urval(plan: Plankontext, period: str, enhet: Iterable[str], roll: str | None, status: Iterable[str]) -> Urval:
    u = fragor.normalisera_urval(Urval(plan=plan.kod, period=period, enhet=list(enhet or []), roll=roll,
                                       status=list(status or [])))
    fel = u.fel + fragor.kontrollera_urval(u)
    if not period:
        fel.append("perioden saknas")
    if fel:
        raise Sammantradesfel("; ".join(fel))
    return u


def bygg_underlag(u: Urval, sidbyggare: Callable[[Urval], None]) -> dict[str, str]:
    """Spela in allt nämnden ser för urvalet: planen, sidorna, exporterna och delårsrapportens underlag."""
    from data.utdata import export
    from data.utdata.delarsrapport import underlag as rapportunderlag
    with cache.spela_in() as ins:
        plan = fragor.los_plan(u.plan)   # spelas in: visningen löser upp planen ur underlaget
        sidbyggare(u)
        vagar = list(EXPORTVYER) + [f"/malomrade/{nr}" for nr in fragor.malomraden(plan).nr]
        for vag in vagar:
            v = Urval.fran_sok(u.till_sok(), vag)
            if v.vy == "budget" or v.vy == "plan" or fragor.planens_delar(plan).get(
                    {"arbetsgivare": "arbetsgivare", "sarskilda": "sarskilda"}.get(v.vy, "budget"), True):
                export.bygg(v, plan, nu=dt.datetime(2000, 1, 1))
        rapportunderlag.hamta(u, plan)
        api_resurser(u)
    return ins.svar


def skapa(plan: Plankontext, period: str, datum, diarienummer: str, skapad_av: str,
          sidbyggare: Callable[[Urval], None], organ: str | None = None, enhet: Iterable[str] = (),
          roll: str | None = None, status: Iterable[str] = (), ersatter: int | None = None) -> Sammantradet:
    """Skapa och spara ett sammanträde; Sammantradesfel (svensk mening) för det som inte går."""
    datum = _datum(datum)
    dnr = (diarienummer or "").strip()
    if not dnr:
        raise Sammantradesfel("diarienumret saknas (t.ex. ”BUN 2025/17”)")
    if not (skapad_av or "").strip():
        raise Sammantradesfel("det saknas vem som skapar sammanträdet")
    kod = plan.kod
    u = _urval(plan, period, enhet, roll, status)
    if ersatter is not None:
        gammal = las(int(ersatter))
        if gammal.plan_kod != kod:
            raise Sammantradesfel(f"sammanträde {ersatter} gäller planen {gammal.plan_kod}, inte {kod}")
    svar = bygg_underlag(u, sidbyggare)
    innehall = json.dumps({"format": FORMAT, "plan": kod, "period": u.period, "svar": svar},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    summa = hashlib.sha256(innehall.encode()).hexdigest()
    rad = Sammantrade(plan_id=plan.id, datum=datum, organ=(organ or plan.namnd.namn).strip(),
                      organ_kort=plan.namnd.kort if not organ else None, diarienummer=dnr, period=u.period,
                      urval={"enhet": u.enhet, "roll": u.roll, "status": u.status},
                      skapad=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0),
                      skapad_av=skapad_av.strip(), ersatter_id=ersatter, innehall=innehall, kontrollsumma=summa)
    with db.session() as s:
        s.add(rad)
        cache.rakna_upp(s)   # de aktuella sidornas "Förändringar sedan förra sammanträdet" beror på det
        s.commit()
        sid = rad.id
    log.info("Sammanträde %s skapat: %s %s %s (%d frågor, %d kB)", sid, kod, datum, dnr, len(svar),
             len(innehall) // 1024)
    return las(sid)


# --- Läsa ---

_lasta: OrderedDict[tuple[str, int], Sammantradet] = OrderedDict()
_las = threading.Lock()


def las(sid: int) -> Sammantradet:
    """Sammanträdet med id (ett underlag ändras aldrig: hålls i processens minne, högst 8).
    Sammantradesfel om det inte finns eller om innehållet inte stämmer med kontrollsumman."""
    nyckel = (db.databas_url(), int(sid))
    with _las:
        if nyckel in _lasta:
            _lasta.move_to_end(nyckel)
            return _lasta[nyckel]
    with db.session() as s:
        rad = s.execute(select(Sammantrade, Plan.kod).join(Plan, Plan.id == Sammantrade.plan_id)
                        .where(Sammantrade.id == int(sid))).first()
    if rad is None:
        raise Sammantradesfel(f"sammanträde {sid} finns inte")
    r, kod = rad
    if hashlib.sha256(r.innehall.encode()).hexdigest() != r.kontrollsumma:
        log.error("Sammanträde %s: innehållet stämmer inte med kontrollsumman", sid)
        raise Sammantradesfel(f"sammanträde {sid}: underlaget stämmer inte med sin kontrollsumma och visas inte")
    innehall = json.loads(r.innehall)
    s_ = Sammantradet(id=r.id, plan_kod=kod, datum=r.datum, organ=r.organ, organ_kort=r.organ_kort,
                      diarienummer=r.diarienummer, period=r.period, urval=dict(r.urval or {}), skapad=r.skapad,
                      skapad_av=r.skapad_av, ersatter_id=r.ersatter_id, kontrollsumma=r.kontrollsumma,
                      underlag=cache.Underlag(r.id, innehall["svar"]))
    with _las:
        _lasta[nyckel] = s_
        while len(_lasta) > 8:
            _lasta.popitem(last=False)
    return s_


cache.registrera_laddare(lambda sid: las(sid).underlag)


def lista(plan: Plankontext | None = None) -> pd.DataFrame:
    """Planens sammanträden (None: alla planers, utan innehållet), nyast först; `ersatt_av` pekar ut en
    rättelse."""
    stmt = (select(Sammantrade.id, Plan.kod.label("plan"), Sammantrade.datum, Sammantrade.organ,
                   Sammantrade.organ_kort, Sammantrade.diarienummer, Sammantrade.period, Sammantrade.urval,
                   Sammantrade.skapad, Sammantrade.skapad_av, Sammantrade.ersatter_id, Sammantrade.kontrollsumma)
            .join(Plan, Plan.id == Sammantrade.plan_id).order_by(Sammantrade.datum.desc(), Sammantrade.id.desc()))
    if plan is not None:
        stmt = stmt.where(Sammantrade.plan_id == plan.id)
    with db.motor().connect() as c:
        df = pd.read_sql_query(stmt, c)
    ersatt = {int(e): int(i) for i, e in zip(df.id, df.ersatter_id) if pd.notna(e)}
    df["ersatt_av"] = pd.Series([ersatt.get(int(i)) for i in df.id], index=df.index, dtype=object)
    df["ersatter_id"] = pd.Series([int(e) if pd.notna(e) else None for e in df.ersatter_id], index=df.index,
                                  dtype=object)
    df["datum"] = pd.to_datetime(df.datum).dt.date
    df["urval"] = [json.loads(v) if isinstance(v, str) else (v or {}) for v in df.urval]
    return df


def hitta(plan: Plankontext, nyckel: str) -> Sammantradet:
    """`?sammantrade=` löst: ett datum (ÅÅÅÅ-MM-DD: planens sammanträde den dagen; har det rättats,
    rättelsen) eller ett id. Sammantradesfel med planens sammanträden om inget finns."""
    nyckel = (nyckel or "").strip()
    kod = plan.kod
    df = lista(plan)
    if nyckel.isdigit():
        traff = df[df.id == int(nyckel)]
    else:
        try:
            dag = dt.date.fromisoformat(nyckel)
        except ValueError:
            dag = None
        traff = df[(df.datum == dag) & df.ersatt_av.isna()] if dag else df.iloc[0:0]
    if traff.empty:
        kanda = ", ".join(dict.fromkeys(d.isoformat() for d in df.datum)) or "inga"
        raise Sammantradesfel(f"okänt sammanträde ”{nyckel}” för planen {kod}; planens sammanträden: {kanda}")
    return las(int(traff.id.iloc[0]))


def senaste(plan: Plankontext, fore: dt.date | None = None) -> Sammantradet | None:
    """Planens senaste sammanträde (som inte rättats), eller None."""
    df = lista(plan)
    df = df[df.ersatt_av.isna()]
    if fore is not None:
        df = df[df.datum < fore]
    return las(int(df.id.iloc[0])) if not df.empty else None


# --- Ur underlaget: exporten, rapporten ---

def _fast_zip(data: bytes, tid: dt.datetime) -> bytes:
    """Samma arbetsbok med zip-posternas tid och dokumentets "ändrad" satta till `tid` (openpyxl skriver
    klockan nu vid varje sparning), så att samma underlag ger samma bytes."""
    ut = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(ut, "w", zipfile.ZIP_DEFLATED) as ny:
        for info in z.infolist():
            post = zipfile.ZipInfo(info.filename, date_time=tid.timetuple()[:6])
            post.compress_type, post.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            innehall = z.read(info.filename)
            if info.filename == "docProps/core.xml":
                innehall = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                  rb"\g<1>" + tid.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", innehall)
            ny.writestr(post, innehall)
    return ut.getvalue()


def export(s: Sammantradet, sokvag: str | None = None, belopp: Optional[str] = None):
    """Excel-exporten som den var vid sammanträdet – samma bytes varje gång (tidsstämpeln är när
    underlaget skapades)."""
    from data.utdata import export as export_
    u = Urval.fran_sok(s.som_urval().med(belopp=belopp).till_sok(), sokvag)
    with cache.med_underlag(s.underlag):
        e = export_.bygg(u.med(sammantrade=None), fragor.los_plan(u.plan), nu=s.skapad_lokal())
    return dataclasses.replace(e, innehall=_fast_zip(e.innehall, s.skapad_lokal()),
                               filnamn=e.filnamn.replace(".xlsx", f"_sammantrade_{s.datum.isoformat()}.xlsx"))


def rapport(s: Sammantradet, format_: str):
    """Delårsrapporten ur sammanträdets underlag (Word eller PDF)."""
    from data.utdata import delarsrapport
    with cache.med_underlag(s.underlag):
        u = s.som_urval().med(sammantrade=None)
        return delarsrapport.skapa(u, fragor.los_plan(u.plan), format_, nu=s.skapad_lokal())


# --- Öppna data: /api/v1/sammantraden ---

API_RESURSER = ("malomraden", "inriktningsmal", "uppdrag", "atgarder", "indikatorer", "budgetuppfoljning",
                "analystexter")


def _api_args(u: Urval, resurs) -> dict[str, list[str]]:
    """API-frågans parametrar för sammanträdets urval (bara de som resursen tar)."""
    varden = {"plan": [u.plan], "period": [u.period], "enhet": list(u.enhet), "roll": [u.roll] if u.roll else [],
              "status": list(u.status)}
    return {k: v for k, v in varden.items() if v and k in resurs.parametrar}


def api_resurser(u: Urval) -> dict[str, list[dict]]:
    """Öppna datas rader för urvalet (det som /api/v1/<resurs> ger), per resurs."""
    from data.utdata import oppna_data
    ut = {}
    plan = fragor.los_plan(u.plan)
    for namn in API_RESURSER:
        r = oppna_data.RESURSER.get(namn)
        if r is not None:
            ut[namn] = oppna_data.hamta(oppna_data.tolka(namn, _api_args(u, r)), plan)
    return ut


def api_metadata(s: Sammantradet) -> dict:
    """Sammanträdets rad i API:t (utan innehållet)."""
    fraga = f"?plan={s.plan_kod}&sammantrade={s.datum.isoformat()}"
    return {"id": s.id, "plan": s.plan_kod, "datum": s.datum.isoformat(), "organ": s.organ,
            "diarienummer": s.diarienummer, "period": s.period, "urval": s.urval,
            "skapad": s.skapad.isoformat() + "Z", "skapad_av": s.skapad_av, "ersatter": s.ersatter_id,
            "kontrollsumma": s.kontrollsumma, "etikett": s.etikett, "sidor": "/" + fraga,
            "excel": "/export/malkoll.xlsx" + fraga, "url": f"/api/v1/sammantraden/{s.id}"}


def api_lista(plan: Plankontext | None = None) -> list[dict]:
    """/api/v1/sammantraden: varje sammanträde (nyast först, None: alla planers) med vilket som ersatt det."""
    df = lista(plan)
    ut = []
    for r in df.itertuples():
        m = api_metadata(las(int(r.id)))
        m["ersatt_av"] = r.ersatt_av
        ut.append(m)
    return ut


def api_svar(s: Sammantradet) -> dict:
    """/api/v1/sammantraden/<id>: sammanträdet och det frysta innehållet (öppna datas rader ur underlaget)."""
    with cache.med_underlag(s.underlag):
        resurser = api_resurser(s.som_urval().med(sammantrade=None))
    return {**api_metadata(s), "data": resurser}


# --- Förändringar sedan förra sammanträdet ---

FORANDRINGSKOLUMNER = ["typ", "malomrade", "kod", "text", "fore", "fore_exempel", "status", "exempel", "forandring",
                       "skal"]


def forandringar_sedan(s: Sammantradet, atg: pd.DataFrame, ind: pd.DataFrame) -> pd.DataFrame:
    """Sidans åtgärder och indikatorer (aktuella data) mot det som sammanträdet visades, med samma ärliga
    regler som "sedan föregående period" (tidigare.statusandring: bara värden av samma slag jämförs).
    Kolumnerna som fragor.forandringar ger; bara det som ändrats."""
    from data.uppfoljning import regler, tidigare, ursprung
    u = s.som_urval()
    with cache.med_underlag(s.underlag):
        plan = fragor.los_plan(s.plan_kod)   # ur underlaget
        da_atg = fragor.atgarder(enhet=u.enhet, roll=u.roll, period=s.period, status=u.status or None, plan=plan)
        da_ind = fragor.indikatorer(enhet=u.enhet, period=s.period, plan=plan)
    etikett = f"{s.organ_kort or s.organ} {s.datum.isoformat()}"
    rader = []
    for nu, da, typ, textkol, prov in ((atg, da_atg, "Åtgärd", "text", ("kalla_url", "rapporterad_av")),
                                       (ind[ind.malomrade.notna()], da_ind[da_ind.malomrade.notna()], "Indikator",
                                        "namn", ("utfall_kalla_url", "utfall_rapporterad_av"))):
        dan = {r.kod: (r.status, ursprung.ursprung(r.exempel, getattr(r, prov[0]), getattr(r, prov[1])))
               for r in da.itertuples()}
        for r in nu.itertuples():
            if r.kod not in dan:
                continue
            urs = ursprung.ursprung(r.exempel, getattr(r, prov[0]), getattr(r, prov[1]))
            a = tidigare.statusandring(r.status, urs, urs is not None,
                                       [tidigare.Tidigare(etikett, dan[r.kod][0], dan[r.kod][1])])
            if a.forandring != regler.OFORANDRAD:
                rader.append({"typ": typ, "malomrade": int(r.malomrade), "kod": r.kod, "text": getattr(r, textkol),
                              "fore": a.fore, "fore_exempel": a.fore_exempel, "status": r.status,
                              "exempel": tidigare.ar_exempel(urs), "forandring": a.forandring, "skal": r.status_skal})
    return pd.DataFrame(rader, columns=FORANDRINGSKOLUMNER)
