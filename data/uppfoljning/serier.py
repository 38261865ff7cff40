"""Punkterna i ett indikatordiagram (nuvärde, planens mål, utfall per ursprung) som vanliga listor:
en källa för sidornas plotly-figurer (komponenter/diagram.py) och delårsrapportens bilder. Ren."""
from __future__ import annotations

import datetime as dt
import math
import re

from data.uppfoljning import format as fmt
from data.uppfoljning import ursprung

_MALKOLUMN = re.compile(r"mal_(\d{4})")


def malar_i(ind: dict) -> list[int]:
    """Planens målår ur en indikatorrad (kolumnerna mal_ÅÅÅÅ som fragor.indikatorer ger)."""
    return sorted(int(m.group(1)) for k in ind if (m := _MALKOLUMN.fullmatch(str(k))))


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def indikatorserier(ind: dict, utfall: list[dict]) -> dict:
    """Punkterna i ett indikatordiagram som vanliga listor (används av figur och textalternativ).

    ind: en rad ur fragor.indikatorer (dict). utfall: rader ur fragor.utfall för indikatorn,
    i tidsordning (senaste per period används). Ett utfall är (slutdatum, värde, period,
    exempel, ursprung, källans URL, anmärkning, rapporterad av); ursprung är "publicerat",
    "publicerat (prognos)", "rapporterat" eller "exempel" (data.ursprung).
    """
    nuvarde = None
    if _ok(ind.get("nuvarde")) and ind.get("nuvarde_ar"):
        nuvarde = (dt.date(int(ind["nuvarde_ar"]), 12, 31), float(ind["nuvarde"]), f"Nuvärde {int(ind['nuvarde_ar'])}")
    mal = [(dt.date(ar, 12, 31), float(ind[f"mal_{ar}"]), f"Mål {ar}")
           for ar in malar_i(ind) if _ok(ind.get(f"mal_{ar}"))]
    per_period: dict[str, dict] = {}
    for u in utfall:
        if _ok(u.get("varde")):
            per_period[u["period"]] = u  # senaste vinner (listan är i tidsordning, publicerat före exempel)
    ut = []
    for u in per_period.values():
        typ = ursprung.ursprung(u.get("exempel"), u.get("kalla_url"), u.get("rapporterad_av")) or ursprung.RAPPORTERAT
        ut.append((u["slutdatum"], float(u["varde"]), u["period"], typ == ursprung.EXEMPEL,
                   ursprung.etikett(typ, u.get("kommentar")), u.get("kalla_url") if isinstance(u.get("kalla_url"), str) else None,
                   u.get("kommentar") if isinstance(u.get("kommentar"), str) else None,
                   u.get("rapporterad_av") if isinstance(u.get("rapporterad_av"), str) else None))
    return {"nuvarde": nuvarde, "mal": mal, "utfall": sorted(ut, key=lambda x: x[0])}


def beskrivning(ind: dict, serier: dict) -> str:
    """En mening om diagrammet med talen (textalternativet på sidorna och i delårsrapporten)."""
    enhet = ind.get("mattenhet") or ""
    delar = []
    if serier["nuvarde"]:
        delar.append(f"nuvärde {fmt.med_enhet(serier['nuvarde'][1], enhet)} ({serier['nuvarde'][0].year})")
    if serier["mal"]:
        delar.append("mål " + ", ".join(f"{p[0].year}: {fmt.med_enhet(p[1], enhet)}" for p in serier["mal"]))
    if serier["utfall"]:
        delar.append("utfall " + ", ".join(f"{p[2]}: {fmt.med_enhet(p[1], enhet)} ({p[4]})" for p in serier["utfall"]))
    else:
        delar.append("inget utfall rapporterat")
    return f"{ind['namn']}: " + "; ".join(delar) + "."
