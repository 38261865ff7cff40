"""Exempeldata för planens exempelperiod (plan.yaml: exempelperiod) så att en ny användare ser en full instrumentpanel direkt.

Tydligt märkt ("Exempeldata – inte kommunens rapportering") på varje sida där värdena syns.
Exemplet fylls i rapportmallen och går in genom samma import som en riktig rapport, med
exempel=True. Publicerade värden går alltid före exempel. Ta bort med
`python -m data.rapport ta-bort-exempel`, eller starta med MALKOLL_EXEMPEL=av för att aldrig läsa in dem.
"""
from __future__ import annotations

import io
import math

from openpyxl import load_workbook

from data.uppfoljning import fragor
from data.lagring import installningar
from data.rapportering.rapport import FORSTA_RAD, RUBRIKRAD, las_rapport, skapa_mall, tillampa
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.regler import ATGARDSSTATUS, BEDOMNINGAR

AV = "Exempeldata – inte kommunens rapportering"


def avstangt() -> bool:
    return not installningar.aktuella().exempel


def _kol(ws, namn: str) -> int:
    return [c.value for c in ws[RUBRIKRAD]].index(namn) + 1


def fylld_exempelrapport(period: str, plan: Plankontext) -> bytes:
    """Rapportmallen för perioden ifylld med exempel som täcker alla statusar."""
    wb = load_workbook(io.BytesIO(skapa_mall(period, plan=plan)))
    ws = wb["Åtgärder"]
    for i, rad in enumerate(range(FORSTA_RAD, ws.max_row + 1)):
        status = ATGARDSSTATUS[i % len(ATGARDSSTATUS)]
        ws.cell(rad, _kol(ws, "Status"), status)
        ws.cell(rad, _kol(ws, "Kommentar"), f"Exempel: påhittad kommentar för att visa statusen ”{status}”.")
    ws = wb["Indikatorer"]
    ind = fragor.indikatorer(period=period, plan=plan).set_index("kod")
    malkol = f"mal_{int(fragor.vald_period(period, plan=plan).ar)}"
    faktorer = (1.0, 0.5, -0.5, 1.0)   # nått, halvvägs från nuvärdet, åt fel håll, nått
    k_id, k_ut, k_kom = _kol(ws, "Id"), _kol(ws, "Utfall"), _kol(ws, "Kommentar")
    nr = 0
    for rad in range(FORSTA_RAD, ws.max_row + 1):
        kod = ws.cell(rad, k_id).value
        if kod not in ind.index:
            continue
        mal, nuv = ind.loc[kod].get(malkol), ind.loc[kod, "nuvarde"]
        if mal is None or (isinstance(mal, float) and math.isnan(mal)):
            continue
        bas = nuv if nuv is not None and not (isinstance(nuv, float) and math.isnan(nuv)) else mal * 0.9
        f = faktorer[nr % len(faktorer)]
        nr += 1
        ws.cell(rad, k_ut, round(float(bas + f * (mal - bas)), 2))
        ws.cell(rad, k_kom, "Exempel: påhittat utfall.")
    ws = wb["Inriktningsmål"]
    for i, rad in enumerate(range(FORSTA_RAD, ws.max_row + 1)):
        bed = BEDOMNINGAR[i % len(BEDOMNINGAR)]
        ws.cell(rad, _kol(ws, "Bedömning"), bed)
        ws.cell(rad, _kol(ws, "Motivering"), f"Exempel: påhittad motivering för ”{bed}”.")
    ws = wb["Budget"]
    k_b, k_u, k_p = _kol(ws, "Budget för året (tkr)"), _kol(ws, "Utfall hittills (tkr)"), _kol(ws, "Prognos helår (tkr)")
    avvik = (0.0, 0.03, -0.015, 0.01)
    for i, rad in enumerate(range(FORSTA_RAD, ws.max_row + 1)):
        budget = ws.cell(rad, k_b).value
        if not isinstance(budget, (int, float)):
            continue
        d = avvik[i % len(avvik)]
        prognos = round(budget * (1 + d))
        ws.cell(rad, k_p, prognos)
        ws.cell(rad, k_u, round(prognos * 8 / 12))
    ut = io.BytesIO()
    wb.save(ut)
    return ut.getvalue()


def ladda_exempel(plan: dict) -> int:
    """Läs in exempelrapporten för den inlästa planens `exempelperiod` (källfilernas plan; ingen period:
    inget exempel)."""
    period = plan.get("exempelperiod")
    if not period:
        return 0
    kp = fragor.los_plan(plan["kod"])   # planen som just lästes in, med sin kod (aldrig standardplanen)
    fg = las_rapport(fylld_exempelrapport(period, kp), f"exempelrapport_{_ascii(period)}.xlsx")
    return tillampa(fg, AV, exempel=True)


def _ascii(text: str) -> str:
    import re
    import unicodedata
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", t).strip("_").lower()
