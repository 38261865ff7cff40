"""Sidorna och exporten tål lagrade värden som importen numera avvisar: ±oändligt, NaN, 1e308 och en
kommentar på 1 MB, lagda direkt i databasen (som en äldre import eller ett handgrepp kunde göra)."""
from __future__ import annotations

import math
from data.uppfoljning import fragor
from data.lagring.start import anvand_databas

import pytest
from sqlalchemy import select

from data.lagring import db
from data.utdata import export
from data.planen import forbered
from data.uppfoljning import regler
from data.lagring.models import (Atgard, Atgardsrapport, Budgetrad, Budgetutfall, Indikator, Indikatorutfall,
                         Inriktningsmal, Malbedomning, Malvarde, Period)
from komponenter import format as fmt

MB_TEXT = "Lång kommentar. " * (1024 * 1024 // 16)
EXTREMA = [math.inf, -math.inf, math.nan, 1e308, -1e308]


def test_format_och_regler_tal_extrema():
    for x in EXTREMA:
        assert isinstance(fmt.tal(x), str) and isinstance(fmt.med_enhet(x, "%"), str)
        assert isinstance(fmt.tkr(x, "mnkr"), str) and isinstance(fmt.tkr(x), str)
    assert fmt.tal(math.inf) == "∞" and fmt.tal(-math.inf) == "\u2212∞" and fmt.tal(math.nan) == ""
    for x in (math.inf, -math.inf, math.nan):
        assert regler.indikatorstatus(x, 10, "lagre", 20).status == regler.KAN_INTE
        assert regler.trend(1.0, x, "hogre") == ""


def _lagg_in_extrema(url: str) -> None:
    anvand_databas(url)
    pg = db.motor().dialect.name == "postgresql"
    anvand_databas(url)
    with db.session() as s:
        perioder = s.scalars(select(Period)).all()
        ind = s.scalars(select(Indikator).order_by(Indikator.id)).all()
        atg = s.scalars(select(Atgard).order_by(Atgard.id)).all()
        im = s.scalars(select(Inriktningsmal).order_by(Inriktningsmal.id)).all()
        br = s.scalars(select(Budgetrad).where(Budgetrad.tabell.in_(["drift_per_verksamhet", "investeringar"]))
                       .order_by(Budgetrad.id)).all()
        gem = dict(rapporterad_av="test", kalla="extrema")
        # numeric(16,3) i PostgreSQL rymmer inte ±oändligt: största möjliga belopp där
        stora = [9.999e12, -9.999e12] if pg else [math.inf, -math.inf, math.nan, 1e308]
        for p in perioder:
            for n, x in enumerate(EXTREMA):
                s.add(Indikatorutfall(indikator_id=ind[n].id, period_id=p.id, varde=x, kommentar=MB_TEXT if n == 0
                                      else None, **gem))
                s.add(Indikatorutfall(indikator_id=ind[-1 - n].id, period_id=p.id, varde=x, **gem))
            s.add(Atgardsrapport(atgard_id=atg[0].id, period_id=p.id, status="Genomförd", kommentar=MB_TEXT, **gem))
            s.add(Malbedomning(inriktningsmal_id=im[0].id, period_id=p.id, bedomning="Uppfyllt",
                               motivering=MB_TEXT, **gem))
            for n, x in enumerate(stora):
                s.add(Budgetutfall(budgetrad_id=br[n].id, period_id=p.id, utfall=x, prognos=x,
                                   kommentar=MB_TEXT if n == 0 else None, **gem))
        for n, x in enumerate(EXTREMA):
            s.add(Malvarde(indikator_id=ind[n + 5].id, ar=2020, varde=x, satt_av="test"))
        from data.lagring import cache
        cache.rakna_upp(s)


@pytest.fixture
def extrem_databas(tom_databas, monkeypatch):
    monkeypatch.setenv("MALKOLL_EXEMPEL", "av")
    monkeypatch.setenv("DATABASE_URL", tom_databas)
    monkeypatch.setenv("MALKOLL_CACHE", "av")
    anvand_databas(tom_databas)
    forbered.sakerstall_databas()
    _lagg_in_extrema(tom_databas)
    return tom_databas


def test_sidorna_och_exporten_svarar_med_extrema_varden(extrem_databas):
    import plotly.io.json as pj
    import app
    app.hamta_app()  # registrerar Dash-sidorna
    from sidor import arbetsgivare, budget, malomrade, oversikt, sarskilda_uppdrag
    anvand_databas(extrem_databas)
    with db.session() as s:
        perioder = [p.namn for p in s.scalars(select(Period))]
    for per in perioder:
        for sida, arg in [(oversikt, {}), (arbetsgivare, {}), (sarskilda_uppdrag, {}), (budget, {})] + \
                [(malomrade, {"nr": str(n)}) for n in range(1, 8)]:
            json = pj.to_json_plotly(sida.layout(period=per, **arg))
            assert json and "Traceback" not in json
        anvand_databas(extrem_databas)
        assert export.exportera(period=per, plan=fragor.los_plan())[:2] == b"PK"


def test_langa_kommentarer_forkortas_pa_sidorna(extrem_databas, monkeypatch):
    """En lagrad kommentar eller motivering på 1 MB skickas aldrig hel till webbläsaren: sidan visar
    början med en synlig "…", hela texten som importen tar emot (MAX_TEXT tecken) står i title och
    exporten har den (Excels gräns 32 767 tecken)."""
    import io
    import json

    import plotly.io.json as pj
    from openpyxl import load_workbook

    import app
    from data.konton.anvandare import Anvandare
    from data.rapportering.granser import MAX_TEXT
    from komponenter.text import VISAS
    app.hamta_app()
    from sidor import _inloggning, andringslogg, budget, malomrade, skattepengar
    monkeypatch.setattr(_inloggning, "aktuell", lambda: Anvandare(1, "ada", "Ada", "administrator", ()))
    anvand_databas(extrem_databas)
    with db.session() as s:
        per = s.scalars(select(Period).order_by(Period.id)).first().namn
    for namn, sida, arg in [("malomrade", malomrade, {"nr": "1", "period": per}), ("budget", budget, {"period": per}),
                            ("skattepengar", skattepengar, {}), ("andringslogg", andringslogg, {})]:
        svar = pj.to_json_plotly(sida.layout(**arg))
        assert len(svar) < 250_000, (namn, len(svar))          # utan förkortningen: flera MB
        strangar = _strangar(json.loads(svar))                # all text, också title
        langa = [s_ for s_ in strangar if "Lång kommentar. Lång kommentar." in s_]
        assert langa and all(len(s_) <= MAX_TEXT for s_ in langa), (namn, [len(s_) for s_ in langa])
        assert any(len(s_) <= VISAS and s_.endswith("…") for s_ in langa), namn   # synlig "…"
        assert any(len(s_) > MAX_TEXT - 50 and s_.endswith("…") for s_ in langa), namn   # title: det importen tar emot
        assert any("Förkortad – håll muspekaren över texten för hela" in s_ for s_ in strangar), namn
    anvand_databas(extrem_databas)
    xlsx = load_workbook(io.BytesIO(export.exportera(period=per, plan=fragor.los_plan())), read_only=True)
    celler = (c for ws in xlsx.worksheets for rad in ws.iter_rows(values_only=True) for c in rad)
    assert any(isinstance(c, str) and len(c) == 32767 and c.startswith(MB_TEXT[:100]) for c in celler)


def _strangar(x) -> list[str]:
    if isinstance(x, str):
        return [x]
    if isinstance(x, dict):
        return [s for v in x.values() for s in _strangar(v)]
    if isinstance(x, list):
        return [s for v in x for s in _strangar(v)]
    return []
