"""Webbläsartester: de riktiga sidorna i headless Chromium mot appen i gunicorn.

Varje test misslyckas också på konsolfel i webbläsaren (fixturen `sida`).
"""
from __future__ import annotations

import time
from data.lagring.start import anvand_databas
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By

from data.uppfoljning import fragor
from tools.skarmbild import vanta_pa_dash


def _rader(d, css):
    return d.find_elements(By.CSS_SELECTOR, css)


def test_startsidan_listar_sju_malomraden(sida, appserver):
    d = sida("/")
    anvand_databas(appserver["databas"])
    mo = fragor.malomraden(plan=fragor.los_plan())
    rutor = _rader(d, ".malomradesruta")
    assert len(rutor) == 7
    for ruta, rad in zip(rutor, mo.itertuples()):
        assert rad.titel in ruta.text
        assert rad.ambitionsniva in ruta.text
    assert "Global livsstil, lokalt liv" in d.find_element(By.CSS_SELECTOR, ".vision").text
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"


@pytest.mark.parametrize("nr", range(1, 8))
def test_malomradessida_visar_alla_atgarder_och_indikatorer(sida, appserver, nr):
    d = sida(f"/malomrade/{nr}")
    url = appserver["databas"]
    anvand_databas(url)
    atg = fragor.atgarder(nr, plan=fragor.los_plan())
    ind = fragor.indikatorer(nr, plan=fragor.los_plan())
    rader = _rader(d, "tr.atgardsrad")
    assert [r.get_attribute("data-kod") for r in rader] == list(atg.kod)
    for r, a in zip(rader, atg.itertuples()):
        assert r.get_attribute("data-status") == a.status
        assert a.status in r.find_element(By.CSS_SELECTOR, ".statusmarke").text
    # Hela åtgärdstexten syns utan klick (som text i tabellen)
    text = d.find_element(By.ID, "atgarder").text
    for a in atg.itertuples():
        assert a.text.split("\n")[0][:60] in text
    kort = _rader(d, "article.indikatorkort")
    assert [k.get_attribute("data-kod") for k in kort] == list(ind.kod)
    # Diagram som SVG (ingen WebGL)
    med_tal = ind[ind.nuvarde.notna() | ind.mal_2020.notna() | ind.mal_2021.notna() | ind.mal_2022.notna()]
    assert len(_rader(d, ".indikatorgraf .main-svg")) >= len(med_tal)
    assert not _rader(d, "canvas.gl-canvas")
    # KF-uppdrag före KS-initiativ
    typer = [u.text.split(":")[0] for u in _rader(d, ".uppdrag-rubrik")]
    assert typer == sorted(typer, key=lambda t: 0 if t == "KF-uppdrag" else 1)


def test_malvarden_och_svenska_tal_i_diagrammet(sida):
    d = sida("/malomrade/1")
    kort = d.find_element(By.CSS_SELECTOR, 'article[data-kod="1-I03"]')
    assert "23 834" in kort.text and "26 000" in kort.text
    assert "Ej rapporterad" in kort.text
    assert kort.find_element(By.CSS_SELECTOR, ".statusmarke").get_attribute("title").startswith("Inget utfall")


def test_enhetsfilter_via_url(sida, appserver):
    d = sida("/malomrade/1?enhet=KSK/SHB")
    anvand_databas(appserver["databas"])
    vantat = fragor.atgarder(1, enhet=["KSK/SHB"], plan=fragor.los_plan())
    assert 0 < len(vantat) < len(fragor.atgarder(1, plan=fragor.los_plan()))
    assert [r.get_attribute("data-kod") for r in _rader(d, "tr.atgardsrad")] == list(vantat.kod)
    # roll=ansvarig smalnar av
    d = sida("/malomrade/1?enhet=KSK/ToU&roll=ansvarig")
    vantat = fragor.atgarder(1, enhet=["KSK/ToU"], roll="ansvarig", plan=fragor.los_plan())
    assert [r.get_attribute("data-kod") for r in _rader(d, "tr.atgardsrad")] == list(vantat.kod)


def test_enhetsfilter_via_gransnittet_hamnar_i_url(sida, appserver):
    d = sida("/malomrade/5")
    fore = len(_rader(d, "tr.atgardsrad"))
    d.find_element(By.CSS_SELECTOR, ".filter-enhet summary").click()
    ruta = d.find_element(By.CSS_SELECTOR, '.enhetslista input[value="KSK/TiNK"]')
    assert "Trygg i Norrtälje kommun" in ruta.find_element(By.XPATH, "following-sibling::label").get_attribute("textContent")
    ruta.click()
    slut = time.time() + 45
    while time.time() < slut and "enhet=" not in d.current_url:
        time.sleep(0.2)
    assert "enhet=KSK/TiNK" in d.current_url
    vanta_pa_dash(d)
    time.sleep(0.5)
    vanta_pa_dash(d)
    anvand_databas(appserver["databas"])
    vantat = fragor.atgarder(5, enhet=["KSK/TiNK"], plan=fragor.los_plan())
    koder = [r.get_attribute("data-kod") for r in _rader(d, "tr.atgardsrad")]
    assert koder == list(vantat.kod) and len(koder) < fore
    # Länken går att dela: samma vy öppnad på nytt
    d2 = sida("/malomrade/5?" + d.current_url.split("?", 1)[1])
    assert [r.get_attribute("data-kod") for r in _rader(d2, "tr.atgardsrad")] == koder


def test_periodfilter_och_forsenad(sida, appserver):
    period = "Årsredovisning 2020"
    d = sida(f"/malomrade/5?period={quote(period)}")
    anvand_databas(appserver["databas"])
    atg = fragor.atgarder(5, period=period, plan=fragor.los_plan()).set_index("kod")
    rad = d.find_element(By.CSS_SELECTOR, 'tr[data-kod="5-A01"]')
    assert rad.get_attribute("data-status") == atg.loc["5-A01"].status == "Försenad"
    assert "passerade 2020-06-30" in rad.text


def test_arbetsgivare_och_sarskilda_uppdrag(sida, appserver):
    d = sida("/arbetsgivare")
    assert len(_rader(d, "section.fokusomrade")) == 5
    assert len(_rader(d, "article.indikatorkort")) == 7
    assert "Sjukfrånvaro" in d.page_source
    d = sida("/sarskilda-uppdrag")
    anvand_databas(appserver["databas"])
    su = fragor.sarskilda_uppdrag(plan=fragor.los_plan())
    assert len(_rader(d, "section.sarskilt-uppdrag")) == len(su) == 6
    for r in su.itertuples():
        if isinstance(r.inriktning, str):
            assert r.inriktning[:50] in d.page_source


def test_okant_malomrade_ger_begripligt_besked(sida):
    d = sida("/malomrade/9")
    assert "Målområdet finns inte" in d.find_element(By.TAG_NAME, "h1").text


def test_publicerat_utfall_visas_med_kalla(sida):
    d = sida("/malomrade/1?period=" + quote("Årsredovisning 2020"))
    kort = d.find_element(By.CSS_SELECTOR, 'article[data-kod="1-I02"]')
    assert "4,6 %" in kort.text
    assert kort.get_attribute("data-status") == "Uppnått"
    lank = kort.find_element(By.LINK_TEXT, "Källa")
    assert lank.get_attribute("href").startswith("https://forum.norrtalje.se/committees/kommunstyrelsen/")
    assert "exempel" not in kort.find_element(By.CSS_SELECTOR, ".utfallsrad").text
    rad = d.find_element(By.CSS_SELECTOR, 'tr[data-kod="1-A17"]')  # ny organisation från 1 april 2020
    assert rad.get_attribute("data-status") == "Genomförd" and "Källa" in rad.text


def test_exempeldata_ar_markt_pa_sidorna(sida):
    for sokvag in ("/", "/malomrade/3", "/arbetsgivare"):
        d = sida(sokvag + "?period=" + quote("Delår 2 2020"))
        assert "Exempeldata – inte kommunens rapportering" in d.find_element(By.CSS_SELECTOR, ".exempelbanner").text
    # diagrammen visar hela historiken: i Delår 1 2020 ritar /malomrade/3 exemplen från Delår 2 2020 – märkt
    d = sida("/malomrade/3?period=" + quote("Delår 1 2020"))
    assert _rader(d, ".exempelbanner") and _rader(d, ".chip-exempel")
    d = sida("/malomrade/2?period=" + quote("Delår 1 2020"))   # inget exempel ritat: ingen märkning
    assert not _rader(d, ".exempelbanner") and not _rader(d, ".chip-exempel")


def test_rapportera_ar_stangd_utan_inloggning(sida):
    d = sida("/rapportera")
    assert "MALKOLL_HEMLIGHET" in d.find_element(By.CSS_SELECTOR, ".alert").text   # ingen nyckel: ingen inloggning
    assert not _rader(d, "input[type=file]")


def test_hamta_rapportmall_ger_mall_for_sidans_period_och_enhet(appserver, monkeypatch):
    import base64
    import io

    from openpyxl import load_workbook

    from sidor._gemensamt import hamta_rapportmall
    monkeypatch.setenv("DATABASE_URL", appserver["databas"])
    ut = hamta_rapportmall(1, "?enhet=KSK/TiNK&period=" + quote("Delår 2 2020"))
    assert ut["filename"] == "rapportmall_Delar_2_2020.xlsx"
    wb = load_workbook(io.BytesIO(base64.b64decode(ut["content"])))
    assert wb["Instruktioner"]["B2"].value == "Delår 2 2020"
    ids = [r[0].value for r in wb["Åtgärder"].iter_rows(min_row=3)]
    anvand_databas(appserver["databas"])
    assert ids == list(fragor.atgarder(enhet=["KSK/TiNK"], period="Delår 2 2020", plan=fragor.los_plan()).kod)
