"""I drift: begränsat antal frågor per sida (inga N+1), cachen per (plan, period, filter) som
blir inaktuell vid import – även i andra gunicorn-processer – och flera planer."""
from __future__ import annotations

import io
from data.lagring.start import anvand_databas
import urllib.request
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import event

from data.lagring import db
from data.uppfoljning import fragor
from data.planen import forbered
from data.rapportering.rapport import las_rapport, tillampa
from tests.conftest import starta_server


@contextmanager
def raknade_fragor(url):
    antal = []

    def lyssna(conn, cursor, statement, *a):
        antal.append(statement)
    anvand_databas(url)
    eng = db.motor()
    event.listen(eng, "before_cursor_execute", lyssna)
    try:
        yield antal
    finally:
        event.remove(eng, "before_cursor_execute", lyssna)


@pytest.fixture
def databas(tom_databas, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", tom_databas)
    monkeypatch.setenv("MALKOLL_CACHE", "av")
    anvand_databas(tom_databas)
    forbered.sakerstall_databas()
    return tom_databas


def test_antal_fragor_per_sida_ar_begransat_och_vaxer_inte_med_raderna(databas, monkeypatch):
    import app
    app.hamta_app()  # registrerar sidorna
    from sidor import malomrade, oversikt
    antal = {}
    for nr in (1, 4, 6):   # 19, 7 och 20 åtgärder; 12, 0 och 8 indikatorer
        with raknade_fragor(databas) as fr:
            malomrade.layout(nr=str(nr), period="Delår 2 2020")
        antal[nr] = len(fr)
    assert max(antal.values()) <= 110, antal
    assert len(set(antal.values())) == 1, f"antalet frågor beror på antalet rader: {antal}"
    with raknade_fragor(databas) as fr:
        oversikt.layout(period="Delår 2 2020")
    assert len(fr) <= 110


def test_ocachad_sida_gor_hogst_20_fragor(databas):
    """Utan cache: samma fråga räknas bara en gång per förfrågan (data/cache.py `per_begaran`).
    /budget gjorde 86 frågor före issue 16."""
    import app
    dash_app = app.hamta_app()
    from sidor import budget, malomrade, oversikt
    for namn, bygg in (("budget", lambda: budget.layout(period="Delår 2 2020")),
                       ("malomrade", lambda: malomrade.layout(nr="1", period="Delår 2 2020")),
                       ("oversikt", lambda: oversikt.layout(period="Delår 2 2020"))):
        with dash_app.server.test_request_context("/"):
            with raknade_fragor(databas) as fr:
                bygg()
        assert len(fr) <= 20, (namn, len(fr))
    # Utanför en förfrågan (kommandon, export): inget minne, varje anrop frågar
    with raknade_fragor(databas) as en:
        fragor.perioder(plan=fragor.los_plan())
    with raknade_fragor(databas) as tva:
        fragor.perioder(plan=fragor.los_plan())
        fragor.perioder(plan=fragor.los_plan())
    assert len(en) >= 1 and len(tva) == 2 * len(en)


def test_minnet_i_forfragan_ger_kopior_och_glomms_vid_andring(databas):
    import app
    from data.lagring import cache
    dash_app = app.hamta_app()
    with dash_app.server.test_request_context("/"):
        a = fragor.atgarder(1, period="Delår 2 2020", plan=fragor.los_plan())
        a["status"] = "ändrad av anroparen"
        with raknade_fragor(databas) as fr:
            anvand_databas(databas)
            b = fragor.atgarder(1, period="Delår 2 2020", plan=fragor.los_plan())   # samma anrop, annan form
        assert fr == [] and (b.status != "ändrad av anroparen").all()
        anvand_databas(databas)
        with db.session() as s:
            cache.rakna_upp(s)
        with raknade_fragor(databas) as fr:
            fragor.atgarder(1, period="Delår 2 2020", plan=fragor.los_plan())
        assert fr   # efter en ändring i samma förfrågan frågas databasen igen


def test_med_varm_cache_kostar_en_sida_en_fraga(tom_databas, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", tom_databas)
    monkeypatch.setenv("MALKOLL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MALKOLL_CACHE", raising=False)
    import app
    app.hamta_app()
    from sidor import malomrade
    anvand_databas(tom_databas)
    forbered.sakerstall_databas()
    with app.server.test_request_context("/"):
        malomrade.layout(nr="1", period="Delår 2 2020")
    with app.server.test_request_context("/"):
        with raknade_fragor(tom_databas) as fr:
            malomrade.layout(nr="1", period="Delår 2 2020")
    assert len(fr) == 1, fr  # generationen


def test_cachen_ger_samma_svar_och_blir_inaktuell_vid_import(tom_databas, monkeypatch, tmp_path):
    monkeypatch.setenv("MALKOLL_EXEMPEL", "av")
    monkeypatch.setenv("MALKOLL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MALKOLL_CACHE", raising=False)
    anvand_databas(tom_databas)
    forbered.sakerstall_databas()
    anvand_databas(tom_databas)
    # Planen löses upp vid kanten (som sidorna gör): utan plan vore standardplanen ett eget cachat anrop
    # (planer(), en generationsläsning till) utanför en förfrågan
    ks = fragor.los_plan("KS-2020")
    forst = fragor.atgarder(1, period="Delår 2 2020", plan=ks)
    with raknade_fragor(tom_databas) as fr:
        igen = fragor.atgarder(1, period="Delår 2 2020", plan=ks)
    assert len(fr) == 1  # bara generationen läses
    assert igen.equals(forst)
    # Olika filter ger olika nycklar
    assert len(fragor.atgarder(1, enhet=["KSK/EKO"], period="Delår 2 2020", plan=fragor.los_plan())) < len(forst)
    from tests.test_rapport import _ifylld
    tillampa(las_rapport(_ifylld(tom_databas), "r.xlsx"), "Eva")
    efter = fragor.atgarder(1, period="Delår 2 2020", plan=fragor.los_plan()).set_index("kod")
    assert efter.loc["1-A13"].rapporterad_status == "Genomförd"


def test_import_i_en_process_syns_i_alla_andra(tmp_path):
    """Flera gunicorn-arbetsprocesser mot PostgreSQL: en import syns vid nästa begäran i alla."""
    from tests.conftest import pg_databas
    url, stada = pg_databas()
    proc = None
    try:
        proc, bas = starta_server(url, workers=3, miljo={"MALKOLL_EXEMPEL": "av",
                                                         "MALKOLL_CACHE_DIR": str(tmp_path / "cache")})
        sokvag = "/export/malkoll.xlsx?period=" + quote("Delår 2 2020") + "&enhet=KSK/EKO"

        def hamta_status():
            from openpyxl import load_workbook
            data = urllib.request.urlopen(bas + sokvag, timeout=30).read()
            ws = load_workbook(io.BytesIO(data))["Åtgärder"]
            rubrik = [c.value for c in ws[4]]
            for rad in ws.iter_rows(min_row=5, values_only=True):
                if rad[rubrik.index("Åtgärd")] == "Göra en bedömning av förbättringsområden, med vägledning från PwC/KEFs modell ”Ta pulsen på ekonomistyrningen”.":
                    return rad[rubrik.index("Kommentar")]
            raise AssertionError("raden saknas")

        # Värm upp cachen i alla processer (många begäranden fördelas över processerna)
        fore = {hamta_status() for _ in range(12)}
        assert fore == {None}
        from tests.test_rapport import _ifylld
        anvand_databas(url)
        tillampa(las_rapport(_ifylld(url), "r.xlsx"), "Eva")
        efter = {hamta_status() for _ in range(12)}
        assert efter == {"Bedömningen klar i maj."}
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)
        stada()
