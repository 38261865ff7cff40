"""Läser och granskar planens källfiler i data/plan/ (se docs/kallfiler.md).

Resultatet är vanliga Python-strukturer; inget skrivs. Alla fel i alla filer samlas och
rapporteras på en gång i `KallfilFel`, varje fel med fil och post. Det som går att läsa men inte
tolka (en tidpunkt utan datum) blir en varning i planens `varningar`, också med fil och post.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from data.uppfoljning.regler import las_tidpunkt
from data.uppfoljning.namnd import KF_NIVA, KORT_MONSTER, TEXTER, Namnd
from data.uppfoljning.urval import normalisera_stavning

PLAN_DIR = Path(__file__).resolve().parent.parent / "plan"
BUDGETFILER = {
    "driftbudget": "driftbudget.csv",
    "budgetforandringar": "budgetforandringar.csv",
    "drift_per_verksamhet": "drift_per_verksamhet.csv",
    "investeringar": "investeringar.csv",
}
BUDGETTYPER = ("belopp", "varav", "summa", "forandring_tkr", "forandring_procent")
INGET_DATUM = ("inget", "ingen", "löpande")   # tidpunkt_datum: planen ger inget förfallodatum
BUDGETKOLUMNER = ("post", "typ", "grupp", "fotnot", "forklaring")
BELOPPSKOLUMN = re.compile(r"^(?:([A-Za-zÅÄÖåäö]+)\s+)?(20\d\d)$")   # "2020", "Budget 2020", "Utfall 2018"


class KallfilFel(Exception):
    def __init__(self, fel: list[str]):
        self.fel = fel
        super().__init__("Planens källfiler har fel:\n" + "\n".join(f"  - {f}" for f in fel))


@dataclass
class Enhetsregister:
    enheter: list[dict]
    # normaliserad stavning -> lista av kanoniska koder
    stavningar: dict[str, list[str]] = field(default_factory=dict)
    sammansatta: dict[str, list[str]] = field(default_factory=dict)   # som skrivna i enheter.yaml

    def sla_upp(self, stavning: str) -> Optional[list[str]]:
        return self.stavningar.get(normalisera_stavning(stavning))


class OgiltigtDatum(str):
    """Ett datum i YAML som inte finns (2025-04-31): texten behålls, granskningen säger fel med post."""


class _Laddare(yaml.SafeLoader):
    """Som yaml.safe_load, men ett omöjligt datum blir OgiltigtDatum i stället för ett ValueError."""


def _tidsstampel(laddare: _Laddare, nod):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(laddare, nod)
    except ValueError:
        return OgiltigtDatum(laddare.construct_scalar(nod))


_Laddare.add_constructor("tag:yaml.org,2002:timestamp", _tidsstampel)


def _las_yaml(sokvag: Path, fel: list[str]) -> Any:
    try:
        with open(sokvag, encoding="utf-8") as f:
            return yaml.load(f, Loader=_Laddare)  # noqa: S506 – SafeLoader med eget datum
    except FileNotFoundError:
        fel.append(f"{sokvag.name}: filen saknas")
    except yaml.YAMLError as e:
        fel.append(f"{sokvag.name}: ogiltig YAML: {e}".replace("\n", " "))
    except UnicodeDecodeError:
        fel.append(f"{sokvag.name}: filen är inte text i UTF-8")
    except (OSError, RecursionError) as e:
        fel.append(f"{sokvag.name}: filen kunde inte läsas ({getattr(e, 'strerror', None) or type(e).__name__})")
    return None


def _las_yaml_post(sokvag: Path, fel: list[str]) -> dict:
    """En YAML-fil vars innehåll är en post (nyckel: värde); annat är ett fel med filens namn."""
    data = _las_yaml(sokvag, fel)
    if data is None:
        return {}
    if not isinstance(data, dict):
        fel.append(f"{sokvag.name}, filen: ska vara en post (nyckel: värde), inte {type(data).__name__}")
        return {}
    return data


def datum_fran_yaml(v: Any) -> tuple[Optional[dt.date], str]:
    """Ett datum ur YAML (ÅÅÅÅ-MM-DD) och, om det inte är ett, felet att visa."""
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v, ""
    if isinstance(v, OgiltigtDatum):
        return None, f"{str(v)!r} är inget datum som finns"
    return None, f"ska vara ett datum ÅÅÅÅ-MM-DD, inte {v!r}"


class _Granskare:
    def __init__(self, fel: list[str], fil: str):
        self.fel, self.fil = fel, fil

    def fel_i(self, post: str, text: str) -> None:
        self.fel.append(f"{self.fil}, {post}: {text}")

    def text(self, d: dict, nyckel: str, post: str, krav: bool = True) -> Optional[str]:
        v = d.get(nyckel)
        if v is None or (isinstance(v, str) and not v.strip()):
            if krav:
                self.fel_i(post, f"fältet '{nyckel}' saknas")
            return None
        if isinstance(v, (dict, list)):
            self.fel_i(post, f"fältet '{nyckel}' ska vara en text")
            return None
        if isinstance(v, OgiltigtDatum):
            self.fel_i(post, f"fältet '{nyckel}': {str(v)!r} är inget datum som finns")
        return str(v).strip()

    def tal(self, d: dict, nyckel: str, post: str) -> Optional[float]:
        v = d.get(nyckel)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.fel_i(post, f"fältet '{nyckel}' ska vara ett tal, inte {v!r}")
            return None
        return float(v)

    def heltal(self, d: dict, nyckel: str, post: str, krav: bool = False) -> Optional[int]:
        v = d.get(nyckel)
        if v is None:
            if krav:
                self.fel_i(post, f"fältet '{nyckel}' saknas")
            return None
        if isinstance(v, bool) or not isinstance(v, int):
            self.fel_i(post, f"fältet '{nyckel}' ska vara ett heltal, inte {v!r}")
            return None
        return v

    def val(self, d: dict, nyckel: str, post: str, tillatna: tuple, krav: bool = True):
        v = d.get(nyckel)
        if v is None:
            if krav:
                self.fel_i(post, f"fältet '{nyckel}' saknas")
            return None
        if v not in tillatna:
            self.fel_i(post, f"fältet '{nyckel}' har värdet {v!r}; tillåtet är {', '.join(map(str, tillatna))}")
            return None
        return v

    def lista(self, d: dict, nyckel: str, post: str) -> list:
        v = d.get(nyckel)
        if v is None:
            return []
        if not isinstance(v, list):
            self.fel_i(post, f"fältet '{nyckel}' ska vara en lista")
            return []
        return v


def las_enheter(katalog: Path, fel: list[str]) -> Enhetsregister:
    data = _las_yaml_post(katalog / "enheter.yaml", fel)
    g = _Granskare(fel, "enheter.yaml")
    enheter, stavningar, koder = [], {}, set()

    def registrera(stavning: str, koder_: list[str], post: str):
        n = normalisera_stavning(stavning)
        if n in stavningar and stavningar[n] != koder_:
            g.fel_i(post, f"stavningen {stavning!r} pekar redan på {', '.join(stavningar[n])}")
        stavningar[n] = koder_

    for i, e in enumerate(g.lista(data, "enheter", "enheter"), start=1):
        if not isinstance(e, dict):
            g.fel_i(f"enhet nr {i}", "ska vara en post med kod och namn")
            continue
        kod = g.text(e, "kod", f"enhet nr {i}")
        post = f"enhet {kod or i}"
        namn = g.text(e, "namn", post)
        if not kod or not namn:
            continue
        if kod in koder:
            g.fel_i(post, "koden finns två gånger")
        koder.add(kod)
        foralder = kod.rsplit("/", 1)[0] if "/" in kod else None
        alias = [str(a) for a in g.lista(e, "alias", post)]
        enheter.append({"kod": kod, "namn": namn, "foralder": foralder, "alias": alias,
                        "extern": bool(e.get("extern", False)), "ordning": i})
        registrera(kod, [kod], post)
        for a in alias:
            registrera(a, [kod], post)
    for e in enheter:
        if e["foralder"] and e["foralder"] not in koder:
            g.fel_i(f"enhet {e['kod']}", f"föräldern {e['foralder']} finns inte")
    sammansatta = data.get("sammansatta") or {}
    if not isinstance(sammansatta, dict):
        g.fel_i("sammansatta", "ska vara en post: stavning → lista av enhetskoder")
        sammansatta = {}
    for stavning, delar in sammansatta.items():
        if not isinstance(delar, list) or any(d not in koder for d in delar):
            g.fel_i(f"sammansatt {stavning}", "ska vara en lista av kända koder")
            continue
        registrera(str(stavning), list(delar), f"sammansatt {stavning}")
    return Enhetsregister(enheter, stavningar,
                          sammansatta={str(k): list(v) for k, v in sammansatta.items() if isinstance(v, list)})


KOLADA_KPI = re.compile(r"^[NU]\d{5}$")
KOLADA_KOMMUN = re.compile(r"^(\d{4}|G\d+)$")
KOLADA_MATT = ("samma", "narliggande")


def _kolada_post(g: "_Granskare", x, post: str, falt: str) -> Optional[dict]:
    """En Kolada-post: ett id ("N03103") eller {id, titel, matt, skal} (titel ur Koladas KPI-lista)."""
    if not isinstance(x, dict):
        x = {"id": x}
    kid = str(x.get("id") or "").strip()
    if not KOLADA_KPI.match(kid):
        g.fel_i(post, f"fältet '{falt}' har {kid!r}; ett Kolada-id ser ut som N03103")
        return None
    ut = {"id": kid, "titel": g.text(x, "titel", post, krav=False), "rubrik": g.text(x, "rubrik", post, krav=False),
          "matt": x.get("matt") or "samma",
          "skal": g.text(x, "skal", post, krav=False)}
    if ut["matt"] not in KOLADA_MATT:
        g.fel_i(post, f"fältet '{falt}', {kid}: matt {ut['matt']!r} – ange samma eller narliggande")
    if len(x) > 1 and not (ut["titel"] and ut["skal"]):
        g.fel_i(post, f"fältet '{falt}', {kid}: ange titel (som i Kolada) och skal (varför måttet passar)")
    return ut


def _kolada_kpi(g: "_Granskare", d: dict, post: str) -> list[dict]:
    """Fältet `kolada`: Kolada-nyckeltal som indikatorn jämförs med (id, gärna med titel, matt och skäl)."""
    v = d.get("kolada")
    if v is None:
        return []
    poster = [_kolada_post(g, x, post, "kolada") for x in (v if isinstance(v, list) else [v])]
    return [p for p in poster if p]


def _kolada_grupp(g: "_Granskare", grp) -> Optional[dict]:
    """plan.yaml `kolada: jamforelsegrupp`: namn, Koladas grupp-id och medlemmar (id eller {id, namn})."""
    if not isinstance(grp, dict):
        return None
    kommuner, namn = [], {}
    for x in grp.get("kommuner") or []:
        kid = str(x.get("id") if isinstance(x, dict) else x).strip()
        if not KOLADA_KOMMUN.match(kid):
            g.fel_i("kolada", f"jämförelsegruppen har {kid!r}, som inte är ett Kolada-id")
            continue
        kommuner.append(kid)
        if isinstance(x, dict) and x.get("namn"):
            namn[kid] = str(x["namn"]).strip()
    gid = str(grp.get("id")).strip() if grp.get("id") else None
    if gid and not KOLADA_KOMMUN.match(gid):
        g.fel_i("kolada", f"jämförelsegruppen har {gid!r}, som inte är ett Kolada-id")
    if not (gid or kommuner):
        return None
    return {"namn": str(grp.get("namn") or "Jämförelsegrupp"), "titel": grp.get("titel"), "id": gid, "kommuner": kommuner,
            "kommunnamn": namn, "kalla": grp.get("kalla")}


def _kolada_ogonblicksbild(g: "_Granskare", katalog: Path, v) -> Optional[dict]:
    """plan.yaml `kolada: ogonblicksbild`: {fil, hamtad, kalla} – Kolada-värden som följer med planen."""
    if v is None:
        return None
    if not isinstance(v, dict) or not isinstance(v.get("hamtad"), dt.date) or not v.get("fil") \
            or not str(v.get("kalla") or "").strip():
        g.fel_i("kolada", "ogonblicksbild ska ha fil, hamtad (ÅÅÅÅ-MM-DD) och kalla")
        return None
    fil = _relativ_fil(katalog, v["fil"], g.fel)
    if fil is None:
        return None
    from data.utdata import kolada
    try:
        kolada.tolka_fil(fil, v["hamtad"], str(v["kalla"]).strip())
    except kolada.Filfel as e:
        g.fel.extend(e.fel)
    return {"fil": str(v["fil"]), "hamtad": v["hamtad"].isoformat(), "kalla": str(v["kalla"]).strip()}


def _las_kolada(g: "_Granskare", plandata: dict, katalog: Path, kommunkod: Optional[str]) -> Optional[dict]:
    """plan.yaml `kolada`: rikets id, jämförelsegruppen, fler nyckeltal och ögonblicksbilden; kommunens
    id är planens `kommunkod` (ett `kolada: kommun` som skiljer sig från den är fel)."""
    k = plandata.get("kolada")
    if k is None:
        return {"kommun": kommunkod, "riket": "0000", "jamforelsegrupp": None} if kommunkod else None
    if not isinstance(k, dict):
        g.fel_i("kolada", "ska vara en post med riket och jamforelsegrupp")
        return None
    egen = str(k.get("kommun") or "").strip()
    if egen and kommunkod and egen != kommunkod:
        g.fel_i("kolada", f"kommun {egen!r} skiljer sig från planens kommunkod {kommunkod!r}")
    ut = {"kommun": egen or kommunkod or "", "riket": str(k.get("riket") or "0000").strip(),
          "namn": g.text(k, "namn", "kolada", krav=False),
          "jamforelsegrupp": _kolada_grupp(g, k.get("jamforelsegrupp")), "nyckeltal": [],
          "ogonblicksbild": _kolada_ogonblicksbild(g, katalog, k.get("ogonblicksbild"))}
    for namn in ("kommun", "riket"):
        if not KOLADA_KOMMUN.match(ut[namn]):
            g.fel_i("kolada", f"{namn} {ut[namn]!r} är inget Kolada-id (fyra siffror; ange kommunkod i plan.yaml)")
    for i, x in enumerate(k.get("nyckeltal") or [], start=1):
        post = f"kolada, nyckeltal nr {i}"
        n = _kolada_post(g, x, post, "nyckeltal") if isinstance(x, dict) else g.fel_i(post, "ska vara en post")
        if n:
            n.update({"omrade": g.text(x, "omrade", post), "enhet": g.text(x, "enhet", post, krav=False),
                      "riktning": g.val(x, "riktning", post, ("hogre", "lagre"), krav=False), "matt": "ovrigt"})
            if not (n["titel"] and n["skal"]):
                g.fel_i(post, "ange titel (som i Kolada) och skal")
            ut["nyckeltal"].append(n)
    return ut


def _las_indikator(g: _Granskare, d: dict, post_prefix: str, reg: Enhetsregister,
                   malar: tuple[int, ...], namnd: Namnd) -> Optional[dict]:
    if not isinstance(d, dict):
        g.fel_i(post_prefix, "indikatorn ska vara en post")
        return None
    iid = g.text(d, "id", post_prefix)
    post = f"indikator {iid}"
    ind = {
        "kod": iid,
        "niva": g.val(d, "niva", post, namnd.nivaer, krav=False),
        "namn": g.text(d, "namn", post),
        "mattenhet": g.text(d, "enhet", post, krav=False),
        "riktning": g.val(d, "riktning", post, ("hogre", "lagre"), krav=False),
        "nuvarde": g.tal(d, "nuvarde", post),
        "nuvarde_text": g.text(d, "nuvarde_text", post, krav=False),
        "nuvarde_ar": g.heltal(d, "nuvarde_ar", post),
        "ansvarig": g.text(d, "ansvarig", post, krav=False),
        "kalla": g.text(d, "kalla", post, krav=False),
        "matintervall": g.text(d, "matintervall", post, krav=False),
        "fotnot": g.text(d, "fotnot", post, krav=False),
        "kvalitativ": bool(d.get("kvalitativ", False)),
        "kvalitativa_mal": d.get("kvalitativa_mal"),
        "kolada": _kolada_kpi(g, d, post),
        "mal": {},
        "enheter": [],
    }
    for nyckel in d:
        m = re.fullmatch(r"mal_(\d{4})(_text)?", str(nyckel))
        if m and int(m.group(1)) not in malar:
            g.fel_i(post, f"fältet {nyckel!r} gäller {m.group(1)}, men planens målår är "
                          f"{', '.join(map(str, malar))} (plan.yaml: malar)")
    for ar in malar:
        varde = g.tal(d, f"mal_{ar}", post)
        text = g.text(d, f"mal_{ar}_text", post, krav=False)
        if varde is not None or text is not None:
            ind["mal"][ar] = (varde, text)
    if ind["kvalitativa_mal"] is not None and not isinstance(ind["kvalitativa_mal"], dict):
        g.fel_i(post, "fältet 'kvalitativa_mal' ska vara en post med listor")
        ind["kvalitativa_mal"] = None
    if ind["kvalitativa_mal"]:
        ind["kvalitativa_mal"] = {str(k): list(v or []) for k, v in ind["kvalitativa_mal"].items()}
    if ind["ansvarig"]:
        for del_ in re.split(r",\s*|\s+och\s+", ind["ansvarig"]):
            koder = reg.sla_upp(del_)
            if koder is None:
                g.fel_i(post, f"okänd enhet {del_!r} i 'ansvarig' (lägg till den i enheter.yaml)")
            else:
                ind["enheter"].extend((k, del_) for k in koder)
    return ind


def _las_forfallodatum(g: _Granskare, a: dict, apost: str, tidpunkt: Optional[str], planar: int,
                       perioder: dict[str, dt.date], varningar: list[str]) -> Optional[dt.date]:
    """`tidpunkt_datum` om det finns, annars tidpunkten tolkad; en oläslig tidpunkt blir en varning."""
    if str(a.get("tidpunkt_datum")).strip().lower() in INGET_DATUM:
        return None   # planen ger uttryckligen inget datum
    if a.get("tidpunkt_datum") is not None:
        datum, problem = datum_fran_yaml(a["tidpunkt_datum"])
        if problem:
            g.fel_i(apost, f"'tidpunkt_datum' {problem}")
        return datum
    tp = las_tidpunkt(tidpunkt, planar, perioder)
    if tp.omojlig:
        g.fel_i(apost, f"tidpunkten {tidpunkt!r}: {tp.fel}")
    elif tidpunkt and tp.datum is None and not tp.lopande:
        varningar.append(f"{g.fil}, {apost}: tidpunkten {tidpunkt!r} går inte att läsa som "
                         f"ett datum ({tp.fel}) – ange tidpunkt_datum (eller tidpunkt_datum: inget)")
    return tp.datum


def _las_malomrade(sokvag: Path, reg: Enhetsregister, fel: list[str], planar: int,
                   malar: tuple[int, ...], perioder: dict[str, dt.date],
                   varningar: list[str], namnd: Namnd) -> Optional[dict]:
    data = _las_yaml(sokvag, fel)
    if data is None:
        return None
    g = _Granskare(fel, sokvag.name)
    if not isinstance(data, dict):
        g.fel_i("filen", "ska vara en post (nr, titel, …)")
        return None
    nr = g.heltal(data, "nr", "målområdet", krav=True)
    mo = {
        "nr": nr,
        "titel": g.text(data, "titel", "målområdet"),
        "beskrivning": g.text(data, "beskrivning", "målområdet", krav=False),
        "ambitionsniva": g.text(data, "ambitionsniva", "målområdet"),
        "tolkning": g.text(data, "tolkning", "målområdet", krav=False),
        "uppfoljning": g.text(data, "uppfoljning", "målområdet", krav=False),
        "inriktningsmal": [], "uppdrag": [], "indikatorer": [],
    }
    for i, im in enumerate(g.lista(data, "inriktningsmal", "målområdet"), start=1):
        post = f"inriktningsmål nr {i}"
        if not isinstance(im, dict):
            g.fel_i(post, "ska vara en post")
            continue
        imnr = g.text(im, "nr", post)
        if imnr is not None and imnr in {x["nr"] for x in mo["inriktningsmal"]}:
            g.fel_i(f"inriktningsmål {imnr}", "numret finns två gånger i målområdet")
        mo["inriktningsmal"].append({"nr": imnr, "titel": g.text(im, "titel", post),
                                     "beskrivning": g.text(im, "beskrivning", post, krav=False),
                                     "ordning": i})
    for i, u in enumerate(g.lista(data, "uppdrag", "målområdet"), start=1):
        if not isinstance(u, dict):
            g.fel_i(f"uppdrag nr {i}", "ska vara en post")
            continue
        uid = g.text(u, "id", f"uppdrag nr {i}")
        post = f"uppdrag {uid}"
        if uid and nr and not re.fullmatch(rf"{nr}-U\d\d", uid):
            g.fel_i(post, f"id ska ha formen {nr}-U01")
        upp = {"kod": uid, "typ": g.val(u, "typ", post, namnd.uppdragstyper),
               "titel": g.text(u, "titel", post), "tolkning": g.text(u, "tolkning", post, krav=False),
               "ordning": i, "atgarder": []}
        atg_lista = g.lista(u, "atgarder", post)
        if not atg_lista:
            g.fel_i(post, "uppdraget har inga åtgärder")
        for j, a in enumerate(atg_lista, start=1):
            if not isinstance(a, dict):
                g.fel_i(f"{post}, åtgärd nr {j}", "ska vara en post")
                continue
            aid = g.text(a, "id", f"{post}, åtgärd nr {j}")
            apost = f"åtgärd {aid}"
            if aid and nr and not re.fullmatch(rf"{nr}-A\d\d", aid):
                g.fel_i(apost, f"id ska ha formen {nr}-A01")
            ansvar = g.text(a, "ansvar", apost)
            tidpunkt = g.text(a, "tidpunkt", apost)
            enheter = []
            for falt, roll in (("ansvariga", "ansvarig"), ("i_samverkan", "i samverkan")):
                for stavning in g.lista(a, falt, apost):
                    stavning = str(stavning)
                    koder = reg.sla_upp(stavning)
                    if koder is None:
                        g.fel_i(apost, f"okänd enhet {stavning!r} i '{falt}' (lägg till den i enheter.yaml)")
                        continue
                    if ansvar and normalisera_stavning(stavning) not in normalisera_stavning(ansvar):
                        g.fel_i(apost, f"enheten {stavning!r} står inte i 'ansvar' ({ansvar!r})")
                    enheter.extend((k, roll, stavning) for k in koder)
            upp["atgarder"].append({
                "kod": aid, "text": g.text(a, "atgard", apost), "effekt": g.text(a, "effekt", apost, krav=False),
                "ansvar": ansvar, "tidpunkt": tidpunkt,
                "forfallodatum": _las_forfallodatum(g, a, apost, tidpunkt, planar, perioder, varningar),
                "ordning": j, "enheter": enheter})
        mo["uppdrag"].append(upp)
    for i, d in enumerate(g.lista(data, "indikatorer", "målområdet"), start=1):
        ind = _las_indikator(g, d, f"indikator nr {i}", reg, malar, namnd)
        if ind:
            if ind["kod"] and nr and not re.fullmatch(rf"{nr}-I\d\d", ind["kod"]):
                g.fel_i(f"indikator {ind['kod']}", f"id ska ha formen {nr}-I01")
            ind["ordning"] = i
            mo["indikatorer"].append(ind)
    return mo


def _las_arbetsgivare(katalog: Path, reg: Enhetsregister, fel: list[str], malar: tuple[int, ...],
                      namnd: Namnd) -> dict:
    """arbetsgivare.yaml (valfri: utan den har planen inga HR-indikatorer)."""
    if not (katalog / "arbetsgivare.yaml").exists():
        return {"titel": None, "personalmal": None, "beskrivning": None, "fokusomraden": []}
    data = _las_yaml_post(katalog / "arbetsgivare.yaml", fel)
    g = _Granskare(fel, "arbetsgivare.yaml")
    res = {"titel": g.text(data, "titel", "filen"), "personalmal": g.text(data, "personalmal", "filen"),
           "beskrivning": g.text(data, "beskrivning", "filen", krav=False), "fokusomraden": []}
    ordning = 0
    for fo in g.lista(data, "fokusomraden", "filen"):
        post = f"fokusområde {fo.get('nr') if isinstance(fo, dict) else '?'}"
        if not isinstance(fo, dict):
            g.fel_i(post, "ska vara en post")
            continue
        if fo.get("nr") is not None and fo.get("nr") in {x["nr"] for x in res["fokusomraden"]}:
            g.fel_i(post, "numret finns två gånger")
        f = {"nr": g.heltal(fo, "nr", post, krav=True), "titel": g.text(fo, "titel", post),
             "nyckelord": g.text(fo, "nyckelord", post, krav=False), "indikatorer": []}
        for d in g.lista(fo, "indikatorer", post):
            ind = _las_indikator(g, d, f"{post}, indikator", reg, malar, namnd)
            if ind:
                ordning += 1
                ind["ordning"] = ordning
                f["indikatorer"].append(ind)
        res["fokusomraden"].append(f)
    return res


def _las_sarskilda(katalog: Path, fel: list[str]) -> list[dict]:
    """sarskilda_uppdrag.yaml (valfri)."""
    if not (katalog / "sarskilda_uppdrag.yaml").exists():
        return []
    data = _las_yaml_post(katalog / "sarskilda_uppdrag.yaml", fel)
    g = _Granskare(fel, "sarskilda_uppdrag.yaml")
    res = []
    for i, u in enumerate(g.lista(data, "uppdrag", "filen"), start=1):
        post = f"särskilt uppdrag nr {i}"
        if not isinstance(u, dict):
            g.fel_i(post, "ska vara en post")
            continue
        kod = g.text(u, "id", post)
        if kod is not None and kod in {x["kod"] for x in res}:
            g.fel_i(f"särskilt uppdrag {kod}", "id:t finns två gånger")
        res.append({"kod": kod, "titel": g.text(u, "titel", post),
                    "beskrivning": g.text(u, "beskrivning", post, krav=False),
                    "inriktning": g.text(u, "inriktning", post, krav=False),
                    "kommentar": g.text(u, "kommentar", post, krav=False), "ordning": i})
    return res


def _las_budget(katalog: Path, tabell: str, filnamn: str, fel: list[str]) -> list[dict]:
    sokvag = katalog / filnamn
    try:
        with open(sokvag, encoding="utf-8", newline="") as f:
            rubriker = next(csv.reader(f), [])
            f.seek(0)
            rader = list(csv.DictReader(f))
    except FileNotFoundError:
        fel.append(f"{filnamn}: filen saknas")
        return []
    except UnicodeDecodeError:
        fel.append(f"{filnamn}: filen är inte text i UTF-8")
        return []
    except (OSError, csv.Error) as e:
        fel.append(f"{filnamn}: filen kunde inte läsas ({e})")
        return []
    if not rader:
        fel.append(f"{filnamn}: filen har inga rader")
        return []
    kolumner = _beloppskolumner(filnamn, rubriker, fel)
    if kolumner is None:
        return []
    res, sedda = [], set()
    for i, r in enumerate(rader, start=2):  # rad 1 är rubrikraden
        post = (r.get("post") or "").strip()
        plats = f"{filnamn}, rad {i} ({post or 'utan post'})"
        if not post:
            fel.append(f"{plats}: kolumnen 'post' är tom")
        elif post in sedda:
            fel.append(f"{plats}: posten {post!r} finns redan på en rad ovanför")
        sedda.add(post)
        if r.get(None):
            fel.append(f"{plats}: raden har fler fält än rubrikraden ({', '.join(map(repr, r[None]))[:80]})")
        typ = (r.get("typ") or "").strip()
        if typ not in BUDGETTYPER:
            fel.append(f"{plats}: kolumnen 'typ' har {typ!r}; tillåtet är {', '.join(BUDGETTYPER)}")
        belopp = []
        for k in kolumner:
            v = (r.get(k) or "").strip()
            if not v:
                continue
            try:
                tal = float(v) if typ == "forandring_procent" else int(v)
                if not math.isfinite(tal) or abs(tal) >= 1e14:   # Numeric(16, 1)
                    raise ValueError(v)
            except ValueError:
                fel.append(f"{plats}, kolumn '{k}': {v!r} är inget tal (skriv hela tkr utan mellanslag, t.ex. -304010)")
                continue
            slag, ar = BELOPPSKOLUMN.match(k).groups()
            belopp.append({"kolumn": k, "slag": slag, "ar": int(ar), "varde": tal})
        res.append({"tabell": tabell, "grupp": (r.get("grupp") or "").strip() or None, "post": post,
                    "typ": typ, "fotnot": (r.get("fotnot") or "").strip() or None,
                    "forklaring": (r.get("forklaring") or "").strip() or None,
                    "ordning": i - 1, "belopp": belopp})
    # Summeringsrader ska stämma med beloppen (skydd mot skrivfel)
    for summarad in (r for r in res if r["typ"] == "summa"):
        for b in summarad["belopp"]:
            summa = sum(x["varde"] for r in res if r["typ"] == "belopp"
                        for x in r["belopp"] if x["kolumn"] == b["kolumn"])
            if summa != b["varde"]:
                fel.append(f"{filnamn}, raden {summarad['post']!r}, kolumn '{b['kolumn']}': "
                           f"summan av beloppen är {summa}, men raden säger {b['varde']}")
    return res


def _beloppskolumner(filnamn: str, rubriker: list[str], fel: list[str]) -> Optional[list[str]]:
    """Rubrikradens beloppskolumner ("2020", "Budget 2020"); en okänd eller dubblerad rubrik är ett
    fel (annars tappades beloppen under den i tysthet). None om rubrikraden inte går att använda."""
    problem = []
    for nr, k in enumerate(rubriker, start=1):
        if rubriker.count(k) > 1 and rubriker.index(k) == nr - 1:
            problem.append(f"kolumnen {k!r} finns {rubriker.count(k)} gånger")
        elif k.strip() != k or not (k in BUDGETKOLUMNER or BELOPPSKOLUMN.match(k)):
            problem.append(f"kolumn {nr} har rubriken {k!r}, som inte är känd")
    if "post" not in rubriker or "typ" not in rubriker:
        problem.append("kolumnerna 'post' och 'typ' ska finnas")
    if problem:
        fel.extend(f"{filnamn}, rubrikraden: {p}" for p in problem)
        fel.append(f"{filnamn}, rubrikraden: kolumnerna heter {', '.join(BUDGETKOLUMNER)} och ett år som "
                   "tryckt, t.ex. '2025' eller 'Budget 2025' (beloppen i hela tkr, ingen enhet i rubriken)")
        return None
    return [k for k in rubriker if BELOPPSKOLUMN.match(k)]


LASARVERSION = b"issue-20"   # ändras när läsningen ger annat ur samma filer (då synkas planen om)


def kallhash(katalog: Path = PLAN_DIR) -> str:
    h = hashlib.sha256(LASARVERSION)
    for p in sorted(katalog.iterdir()):
        if p.suffix in (".yaml", ".csv") and p.name != "publicerade_utfall.csv":
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _relativ_fil(katalog: Path, namn, fel: list[str]) -> Path | None:
    """En fil som plan.yaml pekar ut, relativt katalogen (None om ingen)."""
    if not namn:
        return None
    p = (katalog / str(namn)).resolve()
    if not p.is_file():
        fel.append(f"plan.yaml, planen: filen {namn!r} finns inte")
        return None
    return p


def _las_malar(g: _Granskare, plandata: dict) -> tuple[int, ...]:
    """plan.yaml: malar – åren som indikatorerna har resultatmål för (en lista med årtal)."""
    malar = plandata.get("malar")
    if not isinstance(malar, list) or not malar or not all(isinstance(a, int) for a in malar):
        g.fel_i("planen", f"fältet 'malar' ska vara en lista med årtal, t.ex. [2020, 2021, 2022], inte {malar!r}")
        return ()
    return tuple(sorted(set(malar)))


def _las_budgetfiler(katalog: Path, fel: list[str]) -> list[dict]:
    """Budgettabellerna: alla fyra filer eller ingen (en plan utan budget har ingen budgetsida)."""
    finns = [fil for fil in BUDGETFILER.values() if (katalog / fil).exists()]
    if not finns:
        return []
    return [r for tabell, fil in BUDGETFILER.items() for r in _las_budget(katalog, tabell, fil, fel)]


def _las_perioder(g: _Granskare, plandata: dict) -> list[dict]:
    """plan.yaml `perioder`: namn, typ och slutdatum; ett namn får finnas en gång."""
    perioder, sedda = [], {}
    for i, p in enumerate(g.lista(plandata, "perioder", "planen"), start=1):
        post = f"period nr {i}"
        if not isinstance(p, dict):
            g.fel_i(post, f"ska vara en post med namn, typ och slutdatum, inte {p!r}")
            continue
        namn = g.text(p, "namn", post)
        post = f"period nr {i} ({namn})" if namn else post
        typ = g.text(p, "typ", post)
        slut, problem = datum_fran_yaml(p.get("slutdatum"))
        if p.get("slutdatum") is None:
            g.fel_i(post, "fältet 'slutdatum' saknas (ÅÅÅÅ-MM-DD)")
        elif problem:
            g.fel_i(post, f"'slutdatum' {problem}")
        if namn:
            nyckel = " ".join(namn.casefold().split())
            if nyckel in sedda:
                g.fel_i(post, f"perioden {namn!r} finns redan som period nr {sedda[nyckel]}")
                continue
            sedda[nyckel] = i
        if namn and typ and slut:
            perioder.append({"namn": namn, "typ": typ, "slutdatum": slut, "ar": slut.year})
    return perioder


def _las_namnd(g: _Granskare, plandata: dict) -> Namnd:
    """plan.yaml: nämnden (namnd, namnd_kort, namnd_genitiv), kommunen (kommun, kommunkod) och texter."""
    namn = g.text(plandata, "namnd", "planen") or "Nämnden"
    kort = g.text(plandata, "namnd_kort", "planen")
    if kort and (not KORT_MONSTER.match(kort) or kort == KF_NIVA):
        g.fel_i("planen", f"fältet 'namnd_kort' har {kort!r}; skriv nämndens kortform, en till fem bokstäver "
                          f"som börjar med versal (t.ex. BUN), inte {KF_NIVA}")
        kort = None
    kommunkod = g.text(plandata, "kommunkod", "planen", krav=False)
    if kommunkod is not None and not re.fullmatch(r"\d{4}", kommunkod):
        g.fel_i("planen", f"fältet 'kommunkod' har {kommunkod!r}; kommunens Kolada-id är fyra siffror inom "
                          "citattecken, t.ex. \"1480\"")
        kommunkod = None
    texter = plandata.get("texter") or {}
    if not isinstance(texter, dict):
        g.fel_i("texter", "ska vara en post med nyckel: text")
        texter = {}
    namnd = Namnd(namn=namn, kort=kort or "N", genitiv_=g.text(plandata, "namnd_genitiv", "planen", krav=False),
                  kommun=g.text(plandata, "kommun", "planen", krav=False), kommunkod=kommunkod)
    rena = {}
    for nyckel, v in texter.items():
        if nyckel not in TEXTER:
            g.fel_i(f"texter, {nyckel}", f"okänd text; planen kan ange {', '.join(TEXTER)}")
        elif not isinstance(v, str) or not v.strip():
            g.fel_i(f"texter, {nyckel}", "ska vara en text")
        else:
            try:
                Namnd(namn, namnd.kort, texter={nyckel: v}).text(nyckel)
                rena[nyckel] = v.strip()
            except (KeyError, ValueError, IndexError) as e:
                g.fel_i(f"texter, {nyckel}", f"okänt fält {e} i {v!r}; tillåtna är {{namnd}}, {{namnd_liten}}, "
                                             "{genitiv}, {kort} och {kommun}")
    return Namnd(namn=namnd.namn, kort=namnd.kort, genitiv_=namnd.genitiv_, kommun=namnd.kommun,
                 kommunkod=kommunkod, texter=rena)


def las_plan(katalog: Path = PLAN_DIR) -> dict:
    """Läs och granska alla källfiler. Kastar KallfilFel med alla fel om något är fel."""
    katalog = Path(katalog)
    fel: list[str] = []
    plandata = _las_yaml_post(katalog / "plan.yaml", fel)
    g = _Granskare(fel, "plan.yaml")
    planar = g.heltal(plandata, "ar", "planen", krav=True) or 0
    malar = _las_malar(g, plandata)
    perioder = _las_perioder(g, plandata)
    slutdatum = {p["namn"]: p["slutdatum"] for p in perioder}
    varningar: list[str] = []
    namnd = _las_namnd(g, plandata)
    reg = las_enheter(katalog, fel)
    malomraden = []
    for sokvag in sorted(katalog.glob("malomrade_*.yaml"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0)):
        mo = _las_malomrade(sokvag, reg, fel, planar, malar, slutdatum, varningar, namnd)
        if mo:
            if mo["nr"] is not None and sokvag.stem != f"malomrade_{mo['nr']}":
                fel.append(f"{sokvag.name}, målområdet: nr {mo['nr']} stämmer inte med filnamnet")
            malomraden.append(mo)
    plan = {
        "kod": g.text(plandata, "kod", "planen"), "namn": g.text(plandata, "namn", "planen"),
        "namnd": namnd.namn, "namnd_kort": namnd.kort, "namnd_genitiv": namnd.genitiv_,
        "texter": namnd.texter or None, "kommunkod": namnd.kommunkod, "ar": planar,
        "vision": g.text(plandata, "vision", "planen", krav=False),
        "kommun": namnd.kommun,
        "exempelperiod": g.text(plandata, "exempelperiod", "planen", krav=False),
        "kolada": _las_kolada(g, plandata, katalog, namnd.kommunkod),
        "publicerade_utfall": _relativ_fil(katalog, plandata.get("publicerade_utfall"), fel),
        "perioder": perioder, "enheter": reg.enheter, "sammansatta": reg.sammansatta, "malomraden": malomraden,
        "malar": list(malar), "ambitionsar": g.heltal(plandata, "ambitionsar", "planen", krav=False),
        "standardperiod": g.text(plandata, "standardperiod", "planen", krav=False),
        "arbetsgivare": _las_arbetsgivare(katalog, reg, fel, malar, namnd),
        "sarskilda": _las_sarskilda(katalog, fel),
        "budget": _las_budgetfiler(katalog, fel),
        "varningar": varningar,
    }
    if plan["standardperiod"] and plan["standardperiod"] not in {p["namn"] for p in perioder}:
        fel.append(f"plan.yaml, planen: standardperioden {plan['standardperiod']!r} finns inte bland perioderna")
    # Unika id:n över hela planen
    sedda: dict[str, str] = {}
    for mo in malomraden:
        for u in mo["uppdrag"]:
            for kod, vad in [(u["kod"], "uppdrag")] + [(a["kod"], "åtgärd") for a in u["atgarder"]]:
                if kod in sedda:
                    fel.append(f"malomrade_{mo['nr']}.yaml, {vad} {kod}: id:t används redan")
                sedda[kod] = vad
        for ind in mo["indikatorer"]:
            if ind["kod"] in sedda:
                fel.append(f"malomrade_{mo['nr']}.yaml, indikator {ind['kod']}: id:t används redan")
            sedda[ind["kod"]] = "indikator"
    for fo in plan["arbetsgivare"]["fokusomraden"]:
        for ind in fo["indikatorer"]:
            if ind["kod"] in sedda:
                fel.append(f"arbetsgivare.yaml, indikator {ind['kod']}: id:t används redan")
            sedda[ind["kod"]] = "indikator"
    if plan["kolada"] is not None:   # indikatorernas Kolada-poster (titel, mått, skäl) per indikatorkod
        alla = [i for mo in malomraden for i in mo["indikatorer"]] + [
            i for fo in plan["arbetsgivare"]["fokusomraden"] for i in fo["indikatorer"]]
        plan["kolada"]["indikatorer"] = {i["kod"]: i["kolada"] for i in alla if i["kolada"]}
    _kontrollera_langder(plan, fel)
    if fel:
        raise KallfilFel(fel)
    plan["kallhash"] = kallhash(katalog)
    return plan


def _langder(plan: dict):
    """(värde, största längd, fil och post, fält) för det som lagras i kolumner med en största längd
    (data.lagring.models): ett för långt värde är ett fel här, inte ett databasfel vid inläsningen."""
    for falt, n in (("kod", 50), ("namn", 300), ("namnd", 200), ("namnd_kort", 10), ("namnd_genitiv", 200),
                    ("kommun", 200), ("kommunkod", 10), ("standardperiod", 100)):
        yield plan.get(falt), n, "plan.yaml, planen", falt
    for p in plan["perioder"]:
        yield p["namn"], 100, f"plan.yaml, period {p['namn'][:40]!r}", "namn"
        yield p["typ"], 30, f"plan.yaml, period {p['namn'][:40]!r}", "typ"
    for e in plan["enheter"]:
        yield e["kod"], 100, f"enheter.yaml, enhet {e['kod'][:40]}", "kod"
        yield e["namn"], 300, f"enheter.yaml, enhet {e['kod'][:40]}", "namn"
    indikatorer = [(f"malomrade_{mo['nr']}.yaml", i) for mo in plan["malomraden"] for i in mo["indikatorer"]]
    indikatorer += [("arbetsgivare.yaml", i) for fo in plan["arbetsgivare"]["fokusomraden"] for i in fo["indikatorer"]]
    for fil, i in indikatorer:
        post = f"{fil}, indikator {str(i['kod'])[:40]}"
        yield i["kod"], 20, post, "id"
        yield i["mattenhet"], 50, post, "enhet"
        for _, stavning in i["enheter"]:
            yield stavning, 200, post, "ansvarig"
    for mo in plan["malomraden"]:
        fil = f"malomrade_{mo['nr']}.yaml"
        for im in mo["inriktningsmal"]:
            yield im["nr"], 10, f"{fil}, inriktningsmål {str(im['nr'])[:20]}", "nr"
        for u in mo["uppdrag"]:
            yield u["kod"], 20, f"{fil}, uppdrag {str(u['kod'])[:40]}", "id"
            for a in u["atgarder"]:
                yield a["kod"], 20, f"{fil}, åtgärd {str(a['kod'])[:40]}", "id"
                for _, _, stavning in a["enheter"]:
                    yield stavning, 200, f"{fil}, åtgärd {str(a['kod'])[:40]}", "ansvariga"
    for su in plan["sarskilda"]:
        yield su["kod"], 20, f"sarskilda_uppdrag.yaml, särskilt uppdrag {str(su['kod'])[:40]}", "id"
    for r in plan["budget"]:
        yield r["post"], 300, f"{BUDGETFILER[r['tabell']]}, raden {r['post'][:40]!r}", "post"


def _kontrollera_langder(plan: dict, fel: list[str]) -> None:
    for varde, storst, post, falt in _langder(plan):
        if isinstance(varde, str) and len(varde) > storst:
            fel.append(f"{post}: fältet '{falt}' har {len(varde)} tecken; högst {storst} får plats")
