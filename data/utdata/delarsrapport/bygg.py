"""Underlaget → dokumentmodellen: omslag, sammanfattning, per målområde bedömning, status, inriktningsmål,
uppdrag med åtgärder, indikatorer med diagram och förändringar; sedan arbetsgivarens indikatorer,
särskilda uppdrag och budgetuppföljningen – bara de delar planen har. Ren: inga databasanrop."""
from __future__ import annotations

import datetime as dt
import logging
import math
import re

import pandas as pd

from data.uppfoljning import analysfragor, regler, ursprung
from data.uppfoljning import namnd as namnd_
from data.uppfoljning import format as fmt
from data.uppfoljning.budgetregler import I_BALANS, MINDRE_UNDERSKOTT, OVERSKOTT, UNDERSKOTT
from data.uppfoljning.serier import beskrivning, indikatorserier
from data.uppfoljning.status import ATGARDSSTATUS_ALLA, INDIKATORSTATUS_ALLA, STATUS, status_stil
from data.utdata.delarsrapport import diagram
from data.utdata.delarsrapport.modell import (Bild, Cell, Dokument, Omslag, Punktlista, Rubrik, Sidbrytning,
                                              Stycke, Tabell, textblock)
from data.utdata.delarsrapport.underlag import Underlag

log = logging.getLogger(__name__)

EXEMPELTEXT = "exempel – påhittat värde, inte kommunens rapportering"
# Budgetens statusord har egna färger (samma som /budget: grön ✓, gul ▲, röd ✕)
BUDGETSTIL = {UNDERSKOTT: ("#a63d00", "#ffffff", "✕", ""), MINDRE_UNDERSKOTT: ("#e69f00", "#000000", "▲", ""),
              I_BALANS: ("#00735a", "#ffffff", "✓", ""), OVERSKOTT: ("#00735a", "#ffffff", "✓", "")}
BUDGETNAMN = {"drift_per_verksamhet": "Driftbudget per verksamhet: prognos mot budget",
              "driftbudget": "Driftbudget totalt: prognos mot budget",
              "investeringar": "Investeringar: utfall mot budget"}


def stil(status: str | None) -> tuple[str, str, str, str]:
    """(bakgrund, textfärg, symbol, klass) för ett statusord (åtgärd, indikator, mål, budget)."""
    return BUDGETSTIL.get(status or "") or status_stil(status or "")


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and x is not pd.NA


def _t(x) -> str:
    return x.strip() if isinstance(x, str) else ""


def statustext(status: str | None) -> str:
    """"✓ Genomförd": symbol och ord (färgen läggs på av återgivningen, aldrig ensam)."""
    return f"{stil(status)[2]} {status}" if status else ""


_BARA_TAL = re.compile(r"[−\-–]?\s*[\d\s\u00a0]+(?:[,.]\d+)?\s*(?:%|kr|tkr|mkr|mnkr)?", re.IGNORECASE)


def varde(v, text, enhet) -> str:
    """Tal i svenskt format med måttenhet; planens text där den säger mer än talet; "–" för planens "-"."""
    if _t(text) in ("-", "–", "—"):
        return "–"
    if _t(text) and not (_ok(v) and _BARA_TAL.fullmatch(_t(text))):
        return _t(text)
    return fmt.med_enhet(float(v), enhet) if _ok(v) else ""


def ursprungstext(exempel, kalla_url, rapporterad_av, anmarkning=None) -> str:
    """Var värdet kommer ifrån, som på sidorna: publicerat med källa, rapporterat av vem, eller exempel."""
    typ = ursprung.ursprung(exempel, kalla_url, rapporterad_av)
    if typ == ursprung.EXEMPEL:
        return EXEMPELTEXT
    if typ == ursprung.PUBLICERAT:
        return f"{ursprung.etikett(typ, anmarkning)}, källa: {kalla_url}"
    if typ == ursprung.RAPPORTERAT:
        return f"rapporterat av {rapporterad_av}"
    return ""


def _ar_exempel(x) -> bool:
    return _ok(x) and bool(x)


# --- Analystexterna ---

def _analys(u: Underlag, niva: str, nyckel: str, tom: str | None, etikett: str = "Bedömning: ") -> list:
    """Analystexten: bedömningen (ord och symbol) och texten, med vem som skrev och vilken version."""
    a = u.analys.get((niva, str(nyckel)))
    if not a:
        return [Stycke(tom, stil="kursiv")] if tom else []
    ut: list = []
    if a.get("bedomning"):
        ut.append(Stycke(statustext(a["bedomning"]), etikett=etikett, status=a["bedomning"]))
    ut += textblock(a.get("text") or "")
    skriven = a.get("skriven")
    nar = f"{pd.Timestamp(skriven):%Y-%m-%d}" if _ok(skriven) else ""
    ut.append(Stycke(f"Skriven av {a.get('skriven_av')} {nar} (version {a.get('version')}).".replace("  ", " "),
                     stil="liten"))
    return ut


# --- Delarna ---

def omslag(u: Underlag) -> Omslag:
    p, f = u.plan, u.urval
    urval = []
    if f.enhet:
        urval.append("enhet " + ", ".join(f.enhet) + " (med underenheter)")
    if f.roll:
        urval.append("bara där enheten är ansvarig")
    if f.status:
        urval.append("status " + ", ".join(f.status))
    dia = u.analys.get(("diarienummer", ""), {}).get("text", "")
    slut = u.period["slutdatum"]
    return Omslag(kommun=str(p.get("kommun") or ""), namnd=str(p.get("namnd") or ""), plan=str(p["namn"]),
                  period=u.period["namn"], datum=fmt.datum(slut, langt=True) if isinstance(slut, dt.date) else "",
                  diarienummer=dia, urval=("Urval: " + "; ".join(urval)) if urval else "")


def _antal(statusar, ordning) -> str:
    n = regler.summera_status(statusar, ordning)
    return ", ".join(f"{statustext(s)} {k}" for s, k in n.items() if k) or "inga"


def sammanfattning(u: Underlag) -> list:
    ut: list = [Rubrik("Sammanfattning", 1, "sammanfattning")]
    ut += _analys(u, "plan", "", "Ingen sammanfattning skriven för perioden.")
    rader = []
    for m in u.malomraden.itertuples():
        atg, ind = u.atgarder[u.atgarder.malomrade == m.nr], u.indikatorer[u.indikatorer.malomrade == m.nr]
        sam = regler.malomradesstatus(atg.status, ind.status)
        bed = (u.analys.get(("malomrade", str(m.nr))) or {}).get("bedomning")
        rader.append((Cell(f"{m.nr}. {m.titel}"), Cell(statustext(sam.status), status=sam.status),
                      Cell(str(len(atg))), Cell(str(len(ind))),
                      Cell(statustext(bed), status=bed) if bed else Cell("Ingen bedömning skriven")))
    ut.append(Tabell("Målområdenas status", ("Målområde", "Sammanfattande status", "Åtgärder", "Indikatorer",
                                              analysfragor.bedomningsrubrik(u.plan)),
                     tuple(rader), tal=frozenset({2, 3}), bredder=(4, 2, 1, 1, 2)))
    if _har_exempel(u):
        ut.append(Stycke("Rapporten innehåller exempelvärden: påhittade värden som inte är kommunens "
                         "rapportering. De är märkta ”exempel” där de står.", stil="exempel"))
    return ut


def _har_exempel(u: Underlag) -> bool:
    delar = [u.atgarder.exempel, u.indikatorer.exempel, u.hr.exempel if "exempel" in u.hr else pd.Series(dtype=bool)]
    delar += [df.exempel for df in u.budget.values() if "exempel" in df]
    return any(bool(pd.Series(d).fillna(False).astype(bool).any()) for d in delar)


def _inriktningsmal(u: Underlag, nr: int) -> list:
    im = u.inriktningsmal[u.inriktningsmal.malomrade == nr]
    if im.empty:
        return []
    ut: list = [Rubrik(namnd_.fran_info(u.plan).text("inriktningsmal"), 2)]
    for r in im.itertuples():
        ut.append(Rubrik(f"{r.nr} {r.titel}", 3))
        ex = _ar_exempel(getattr(r, "exempel", None))
        ut.append(Stycke(statustext(r.bedomning) + (f" ({EXEMPELTEXT})" if ex else ""), etikett="Rapporterad bedömning: ",
                         status=r.bedomning))
        if _t(getattr(r, "motivering", None)):
            ut.append(Stycke(_t(r.motivering), etikett="Motivering: ", stil="exempel" if ex else None))
        kalla = ursprungstext(getattr(r, "exempel", None), getattr(r, "kalla_url", None),
                              getattr(r, "rapporterad_av", None))
        if kalla and not ex:
            ut.append(Stycke(kalla[:1].upper() + kalla[1:] + ".", stil="liten"))
        ut += _analys(u, "inriktningsmal", r.nr, None, etikett="Analysens bedömning: ")
    return ut


def _atgardsrad(r) -> tuple[Cell, ...]:
    ex = _ar_exempel(r.exempel)
    kommentar = _t(r.kommentar)
    kalla = ursprungstext(r.exempel, r.kalla_url, r.rapporterad_av)
    if r.status == regler.FORSENAD and _t(r.status_skal) and not kommentar:
        kommentar = _t(r.status_skal)
    text = "\n".join(x for x in (kommentar, kalla[:1].upper() + kalla[1:] if kalla else "") if x)
    return (Cell(f"{r.kod} {r.text}"), Cell(_t(r.ansvar)), Cell(_t(r.tidpunkt)),
            Cell(statustext(r.status), status=r.status), Cell(text, exempel=ex))


def _uppdrag(u: Underlag, nr: int) -> list:
    atg = u.atgarder[u.atgarder.malomrade == nr]
    upp = u.uppdrag[u.uppdrag.malomrade == nr]
    ut: list = [Rubrik("Uppdrag och åtgärder", 2)]
    n = 0
    for r in upp.itertuples():
        egna = atg[atg.uppdrag_kod == r.kod]
        analys = _analys(u, "uppdrag", r.kod, None)
        if egna.empty and not analys:
            continue            # filtrerad rapport: uppdrag utan enhetens åtgärder står inte med
        n += 1
        ut.append(Rubrik(f"{r.typ} {r.kod}: {r.titel}", 3))
        ut += analys
        if not egna.empty:
            ut.append(Tabell(f"Åtgärder i {r.kod}", ("Åtgärd", "Ansvarig", "Tidpunkt", "Status", "Kommentar"),
                             tuple(_atgardsrad(a) for a in egna.itertuples()), bredder=(5, 2.4, 2.4, 2.6, 4)))
    if not n:
        ut.append(Stycke("Inga åtgärder i urvalet.", stil="kursiv"))
    return ut


def _utfall_for(u: Underlag, iid) -> list[dict]:
    """Indikatorns utfall till och med rapportens period (ett senare utfall hör inte till rapporten)."""
    df = u.utfall[u.utfall.indikator_id == iid]
    slut = u.period.get("slutdatum")
    if slut is not None and not df.empty:
        df = df[pd.to_datetime(df.slutdatum).dt.date <= slut]
    return df.to_dict("records")


def alt_text(ind: dict, serier: dict) -> str:
    """Textalternativet: vad diagrammet visar, med talen (samma mening som på sidorna)."""
    return "Diagram för " + beskrivning(ind, serier)


def indikatortabell(u: Underlag, ind: pd.DataFrame, rubrik: str, forsta: str = "Indikator") -> Tabell:
    ar, pnamn = u.period["ar"], u.period["namn"]
    malar = u.plan.get("malar") or []
    rader = []
    for r in ind.to_dict("records"):
        enhet = r.get("mattenhet") or ""
        nuv = varde(r.get("nuvarde"), r.get("nuvarde_text"), enhet)
        if nuv and _ok(r.get("nuvarde_ar")):
            nuv += f" ({int(r['nuvarde_ar'])})"
        mal = varde(r.get(f"mal_{ar}"), r.get(f"mal_{ar}_text"), enhet) if ar in malar else ""
        ex = _ar_exempel(r.get("exempel"))
        utf = varde(r.get("utfall_varde"), r.get("utfall_text"), enhet)
        kalla = ursprungstext(r.get("exempel"), r.get("utfall_kalla_url"), r.get("utfall_rapporterad_av"),
                              r.get("utfall_kommentar")) if utf or _t(r.get("utfall_status")) else ""
        rader.append((Cell(f"{r['kod']} {r['namn']}" + (f" ({r['niva']})" if _t(r.get("niva")) else "")),
                      Cell(nuv or "–"), Cell(mal or "–"),
                      Cell((utf + (" (exempel)" if ex else "")) if utf else "Ej rapporterad", exempel=ex and bool(utf)),
                      Cell(statustext(r["status"]), status=r["status"]), Cell(kalla, exempel=ex and bool(kalla))))
    return Tabell(rubrik, (forsta, "Nuvärde", f"Mål {ar}", f"Utfall {pnamn}", "Status", "Ursprung"),
                  tuple(rader), tal=frozenset({1, 2, 3}), bredder=(4.4, 2.3, 2.1, 2.5, 2.3, 2.8))


def diagrammen(u: Underlag, ind: pd.DataFrame) -> list:
    ut: list = []
    for r in ind.to_dict("records"):
        serier = indikatorserier(r, _utfall_for(u, r["id"]))
        if not (serier["nuvarde"] or serier["mal"] or serier["utfall"]):
            continue
        ut.append(Bild(diagram.png(serier, r.get("mattenhet") or ""), alt_text(r, serier),
                       f"{r['kod']} {r['namn']}: nuvärde, mål och utfall"))
    return ut


def _forandringar(u: Underlag, nr: int) -> list:
    if not u.foregaende:
        return []
    df = u.forandringar[u.forandringar.malomrade == nr] if not u.forandringar.empty else u.forandringar
    ut: list = [Rubrik(f"Förändringar sedan {u.foregaende}", 2)]
    if df.empty:
        return ut + [Stycke("Inga förändringar av status sedan föregående period.", stil="kursiv")]
    punkter = []
    for r in df.itertuples():
        fore = statustext(r.fore) if isinstance(r.fore, str) else "ingen rapport"
        fore += " (exempel, inte jämfört)" if isinstance(r.fore, str) and r.fore_exempel else ""
        punkter.append(f"{r.typ} {r.kod} {r.text}: {fore} → {statustext(r.status)} ({r.forandring})")
    return ut + [Punktlista(tuple(punkter))]


def malomrade(u: Underlag, m) -> list:
    atg, ind = u.atgarder[u.atgarder.malomrade == m.nr], u.indikatorer[u.indikatorer.malomrade == m.nr]
    sam = regler.malomradesstatus(atg.status, ind.status)
    ut: list = [Sidbrytning(), Rubrik(f"Målområde {m.nr}: {m.titel}", 1, f"malomrade-{m.nr}"),
                Rubrik(analysfragor.bedomningsrubrik(u.plan), 2)]
    ut += _analys(u, "malomrade", m.nr, "Ingen bedömning skriven för perioden.")
    ut += [Rubrik("Sammanfattande status", 2),
           Stycke(statustext(sam.status), etikett="Status: ", status=sam.status), Stycke(sam.skal),
           Punktlista((f"Åtgärder ({len(atg)}): " + _antal(atg.status, ATGARDSSTATUS_ALLA),
                       f"Indikatorer ({len(ind)}): " + _antal(ind.status, INDIKATORSTATUS_ALLA)))]
    ut += _inriktningsmal(u, m.nr)
    ut += _uppdrag(u, m.nr)
    ut.append(Rubrik("Indikatorer", 2))
    if ind.empty:
        ut.append(Stycke("Inga indikatorer i urvalet.", stil="kursiv"))
    else:
        ut.append(indikatortabell(u, ind, f"Indikatorer för målområde {m.nr}, {u.period['namn']}"))
        ut += diagrammen(u, ind)
    return ut + _forandringar(u, m.nr)


def arbetsgivare(u: Underlag) -> list:
    if not u.delar.get("arbetsgivare") or u.hr.empty:
        return []
    ut: list = [Sidbrytning(), Rubrik("Arbetsgivare", 1, "arbetsgivare")]
    if _t(u.plan.get("personalmal")):
        ut += textblock(u.plan["personalmal"])
    for f in u.fokusomraden.itertuples():
        ind = u.hr[u.hr.fokusomrade == f.nr]
        if ind.empty:
            continue
        ut += [Rubrik(f"{f.nr}. {f.titel}", 2), indikatortabell(u, ind, f"Indikatorer: {f.titel}")]
        ut += diagrammen(u, ind)
    return ut


def sarskilda(u: Underlag) -> list:
    if not u.delar.get("sarskilda") or u.sarskilda.empty:
        return []
    ut: list = [Sidbrytning(), Rubrik("Särskilda uppdrag", 1, "sarskilda-uppdrag")]
    for r in u.sarskilda.itertuples():
        ut.append(Rubrik(str(r.titel), 2))
        if _t(r.inriktning):
            ut.append(Stycke(_t(r.inriktning), etikett=f"Inriktning {u.plan['ar']}: "))
        if _t(r.kommentar):
            ut.append(Stycke(_t(r.kommentar), etikett="Kommentar: "))
    return ut


def _belopp(x) -> str:
    return fmt.tkr(x, "tkr") if _ok(x) else ""


def _budgetrader(df: pd.DataFrame, inv: bool) -> tuple[tuple, frozenset]:
    rader, summor = [], set()
    for i, r in enumerate(df.to_dict("records")):
        ex = bool(r.get("exempel"))
        rapp = bool(r.get("rapporterad"))
        post = ("– " if r.get("typ") == "varav" else "") + str(r["post"])
        kommentar = "\n".join(x for x in (
            _t(r.get("kommentar")), "Summan är beräknad ur raderna ovan." if r.get("beraknad") else "",
            ursprungstext(r.get("exempel"), r.get("kalla_url"), None) if rapp else "") if x)
        if r.get("typ") == "summa":
            summor.add(i)
        if inv:
            celler = (post, _belopp(r["budget"]), _belopp(r["utfall"]), fmt.procent(r["genomforandegrad"], 1),
                      _belopp(r["prognos"]), fmt.procent(r["prognosgrad"], 1))
            rader.append(tuple(Cell(c, exempel=ex and j > 1 and bool(c)) for j, c in enumerate(celler))
                         + (Cell(kommentar, exempel=ex),))
        else:
            st = r.get("status")
            celler = (post, _belopp(r["budget"]), _belopp(r["utfall"]), _belopp(r["prognos"]),
                      _belopp(r["avvikelse"]), fmt.procent(r["avvikelse_procent"], 1))
            rader.append(tuple(Cell(c, exempel=ex and j > 1 and bool(c)) for j, c in enumerate(celler))
                         + (Cell(statustext(st), status=st) if st else Cell(""), Cell(kommentar, exempel=ex)))
    return tuple(rader), frozenset(summor)


def budget(u: Underlag) -> list:
    if not u.delar.get("budget") or not u.budget:
        return []
    pnamn = u.period["namn"]
    ut: list = [Sidbrytning(), Rubrik("Budgetuppföljning", 1, "budgetuppfoljning"),
                Stycke(f"Belopp i tkr, som i planen. Avvikelse = prognos för helåret − årets budget "
                       f"(negativt = sämre än budget). Period: {pnamn}.", stil="liten")]
    for tabell, df in u.budget.items():
        inv = tabell == "investeringar"
        kol = str(df.kolumn.iloc[0]) if not df.empty and _ok(df.kolumn.iloc[0]) else "Budget"
        rader, summor = _budgetrader(df, inv)
        kolumner = (("Område", kol, "Utfall hittills", "Genomförandegrad", "Prognos helår", "Prognos i % av budget",
                     "Kommentar och källa") if inv else
                    ("Post", kol, "Utfall hittills", "Prognos helår", "Avvikelse", "Avvikelse %", "Status",
                     "Kommentar och källa"))
        ut += [Rubrik(BUDGETNAMN.get(tabell, tabell), 2),
               Tabell(f"{BUDGETNAMN.get(tabell, tabell)} – {pnamn} (belopp i tkr)", kolumner, rader,
                      tal=frozenset(range(1, 6 if inv else 6)), summarader=summor,
                      bredder=(4, 2, 2, 2, 2, 2, 4) if inv else (4, 2, 2, 2, 2, 2, 2, 4))]
    return ut


def dokument(u: Underlag, genererad: dt.datetime) -> Dokument:
    """Hela rapporten som dokumentmodell."""
    om = omslag(u)
    d = Dokument(titel=f"{om.plan} – {om.period}", omslag=om, genererad=genererad)
    d.block += sammanfattning(u)
    for m in u.malomraden.itertuples():
        d.block += malomrade(u, m)
    d.block += arbetsgivare(u) + sarskilda(u) + budget(u)
    return d


STATUSFARGER = {**{k: v for k, v in STATUS.items()}, **BUDGETSTIL}
