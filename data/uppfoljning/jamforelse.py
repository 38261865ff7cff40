"""Jämförelser med andra kommuner (Kolada): vilka nyckeltal planen jämförs med och deras värden i
långt format – kommunen, jämförelsegruppens kommuner, gruppens medelvärde och riket, per år och kön.

Ingen databas: får planens Kolada-inställning (plan.yaml `kolada`), indikatorerna och de sparade
värdena (data.uppfoljning.fragor.kolada_*) och ger det som sidan /jamforelse och API:t visar.
Gruppens medelvärde tas från Kolada när grupp-id:ts värde finns (Koladas ovägda medelvärde); annars
räknas det här som ovägt medelvärde av medlemmarnas värden och märks som beräknat – Koladas villkor
tillåter inte att en egen bearbetning anges med Kolada som källa.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Optional

import pandas as pd

log = logging.getLogger(__name__)

ROLLER = ("kommunen", "gruppen", "gruppmedel", "riket")
MATT = {"samma": "samma mått", "narliggande": "närliggande mått", "ovrigt": "utan egen indikator i planen"}
BERAKNAT = "Målkolls beräkning: ovägt medelvärde av gruppens kommuner (värden ur Kolada)"
KOLUMNER = ["kpi", "roll", "kommun", "kommun_namn", "ar", "kon", "varde", "antal", "hamtad", "kalla", "beraknad"]


@dataclass
class Nyckeltal:
    """Ett Kolada-nyckeltal som planen jämförs med, och varför."""
    id: str
    titel: str
    matt: str                              # samma, narliggande eller ovrigt (utan egen indikator)
    skal: Optional[str] = None
    enhet: Optional[str] = None
    riktning: Optional[str] = None
    indikatorer: list[tuple[str, str]] = field(default_factory=list)   # (kod, namn)
    omrade: Optional[str] = None
    rubrik: Optional[str] = None           # planens rubrik på vanlig svenska (annars Koladas titel)


def nyckeltal(inst: dict, ind: pd.DataFrame) -> list[Nyckeltal]:
    """Planens nyckeltal i planens ordning: indikatorernas först, sedan plan.yaml:s `nyckeltal`."""
    poster = inst.get("indikatorer") or {}
    ut: dict[str, Nyckeltal] = {}
    for r in ind.to_dict("records"):
        for kid in r["kpi"]:
            post = next((p for p in poster.get(r["kod"], []) if p.get("id") == kid), {})
            n = ut.get(kid)
            if n is None:
                titel = post.get("titel") or (r.get("kpi_titlar") or {}).get(kid) or kid
                n = ut[kid] = Nyckeltal(kid, titel, post.get("matt") or "samma", post.get("skal"),
                                        r.get("mattenhet"), r.get("riktning"), rubrik=post.get("rubrik"))
            n.indikatorer.append((r["kod"], r["namn"]))
    for p in inst.get("nyckeltal") or []:
        if p["id"] not in ut:
            ut[p["id"]] = Nyckeltal(p["id"], p.get("titel") or p["id"], "ovrigt", p.get("skal"), p.get("enhet"),
                                    p.get("riktning"), [], p.get("omrade"), p.get("rubrik"))
    return list(ut.values())


def _namn(inst: dict, kommunnamn: str) -> dict[str, str]:
    grp = inst.get("jamforelsegrupp") or {}
    namn = {k: (grp.get("kommunnamn") or {}).get(k) or k for k in grp.get("kommuner") or []}
    namn[inst.get("riket") or "0000"] = "Riket"
    if grp.get("id"):
        namn[grp["id"]] = grp.get("namn") or grp["id"]
    if inst.get("kommun"):
        namn[inst["kommun"]] = kommunnamn
    return namn


def varden(inst: dict, df: pd.DataFrame, kommunnamn: str) -> pd.DataFrame:
    """Sparade värden → långt format med roll och namn (bara kommunen, gruppen och riket) och
    gruppens medelvärde per nyckeltal, år och kön."""
    kommun, riket = inst.get("kommun"), inst.get("riket") or "0000"
    grp = inst.get("jamforelsegrupp") or {}
    medl = list(grp.get("kommuner") or [])
    roll = {k: "gruppen" for k in medl} | {riket: "riket"} | ({grp["id"]: "gruppmedel"} if grp.get("id") else {})
    if kommun:
        roll[kommun] = "kommunen"
    if df is None or df.empty:
        return pd.DataFrame(columns=KOLUMNER)
    d = df[df.kommun.isin(roll) & df.varde.notna()].copy()
    d["roll"] = d.kommun.map(roll)
    d["kommun_namn"] = d.kommun.map(_namn(inst, kommunnamn))
    d["kalla"] = d.kalla_url
    d["beraknad"] = False
    d["hamtad"] = pd.to_datetime(d.hamtad).dt.date
    d["antal"] = [None if r != "gruppmedel" else a for r, a in zip(d.roll, d.antal)]
    fran_kolada = set(zip(d[d.roll == "gruppmedel"].kpi, d[d.roll == "gruppmedel"].ar, d[d.roll == "gruppmedel"].kon))
    g = d[d.roll == "gruppen"]
    medel = []
    for (kpi, ar, kon), x in g.groupby(["kpi", "ar", "kon"]):
        if (kpi, ar, kon) in fran_kolada:
            continue
        medel.append({"kpi": kpi, "roll": "gruppmedel", "kommun": grp.get("id") or "", "ar": int(ar), "kon": kon,
                      "kommun_namn": f"Medel för {grp.get('namn') or 'jämförelsegruppen'}".strip(),
                      "varde": float(x.varde.mean()), "antal": len(x), "hamtad": max(x.hamtad),
                      "kalla": BERAKNAT, "beraknad": True})
    ut = pd.concat([d[KOLUMNER], pd.DataFrame(medel, columns=KOLUMNER)], ignore_index=True) if medel else d[KOLUMNER]
    ordning = {r: i for i, r in enumerate(ROLLER)}
    ut = ut.assign(_o=ut.roll.map(ordning)).sort_values(["kpi", "_o", "kommun", "ar", "kon"]).drop(columns="_o")
    ut["ar"] = ut.ar.astype(int)
    return ut.reset_index(drop=True)
