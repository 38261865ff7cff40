"""Webbläsartester: de riktiga sidorna i headless Chromium mot appen i gunicorn.

Varje test misslyckas också på konsolfel i webbläsaren (fixturen `sida`).
"""
from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from data import fragor
from tools.skarmbild import vanta_pa_dash


def _rader(d, css):
    return d.find_elements(By.CSS_SELECTOR, css)


def test_startsidan_listar_sju_malomraden(sida, appserver):
    d = sida("/")
    mo = fragor.malomraden(url=appserver["databas"])
    rutor = _rader(d, ".malomradesruta")
    assert len(rutor) == 7
    for ruta, rad in zip(rutor, mo.itertuples()):
        assert rad.titel in ruta.text
        assert rad.ambitionsniva_2030 in ruta.text
    assert "Global livsstil, lokalt liv" in d.find_element(By.CSS_SELECTOR, ".vision").text
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"


@pytest.mark.parametrize("nr", range(1, 8))
def test_malomradessida_visar_alla_atgarder_och_indikatorer(sida, appserver, nr):
    d = sida(f"/malomrade/{nr}")
    url = appserver["databas"]
    atg = fragor.atgarder(nr, url=url)
    ind = fragor.indikatorer(nr, url=url)
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
    vantat = fragor.atgarder(1, enhet=["KSK/SHB"], url=appserver["databas"])
    assert 0 < len(vantat) < len(fragor.atgarder(1, url=appserver["databas"]))
    assert [r.get_attribute("data-kod") for r in _rader(d, "tr.atgardsrad")] == list(vantat.kod)
    # roll=ansvarig smalnar av
    d = sida("/malomrade/1?enhet=KSK/ToU&roll=ansvarig")
    vantat = fragor.atgarder(1, enhet=["KSK/ToU"], roll="ansvarig", url=appserver["databas"])
    assert [r.get_attribute("data-kod") for r in _rader(d, "tr.atgardsrad")] == list(vantat.kod)


def test_enhetsfilter_via_gransnittet_hamnar_i_url(sida, appserver):
    d = sida("/malomrade/5")
    fore = len(_rader(d, "tr.atgardsrad"))
    d.find_element(By.CSS_SELECTOR, ".filter-enhet").click()
    time.sleep(0.3)
    d.switch_to.active_element.send_keys("Trygg i Norrtälje")
    time.sleep(0.3)
    alternativ = [o for o in _rader(d, "[role=option]") if "(KSK/TiNK)" in o.text]
    assert len(alternativ) == 1
    alternativ[0].click()
    slut = time.time() + 15
    while time.time() < slut and "enhet=" not in d.current_url:
        time.sleep(0.2)
    assert "enhet=KSK/TiNK" in d.current_url
    vanta_pa_dash(d)
    time.sleep(0.5)
    vanta_pa_dash(d)
    vantat = fragor.atgarder(5, enhet=["KSK/TiNK"], url=appserver["databas"])
    koder = [r.get_attribute("data-kod") for r in _rader(d, "tr.atgardsrad")]
    assert koder == list(vantat.kod) and len(koder) < fore
    # Länken går att dela: samma vy öppnad på nytt
    d2 = sida("/malomrade/5?" + d.current_url.split("?", 1)[1])
    assert [r.get_attribute("data-kod") for r in _rader(d2, "tr.atgardsrad")] == koder


def test_periodfilter_och_forsenad(sida, appserver):
    period = "Årsredovisning 2020"
    d = sida(f"/malomrade/5?period={quote(period)}")
    atg = fragor.atgarder(5, period=period, url=appserver["databas"]).set_index("kod")
    rad = d.find_element(By.CSS_SELECTOR, 'tr[data-kod="5-A01"]')
    assert rad.get_attribute("data-status") == atg.loc["5-A01"].status == "Försenad"
    assert "passerade 2020-06-30" in rad.text


def test_arbetsgivare_och_sarskilda_uppdrag(sida, appserver):
    d = sida("/arbetsgivare")
    assert len(_rader(d, "section.fokusomrade")) == 5
    assert len(_rader(d, "article.indikatorkort")) == 7
    assert "Sjukfrånvaro" in d.page_source
    d = sida("/sarskilda-uppdrag")
    su = fragor.sarskilda_uppdrag(url=appserver["databas"])
    assert len(_rader(d, "section.sarskilt-uppdrag")) == len(su) == 6
    for r in su.itertuples():
        if isinstance(r.inriktning_2020, str):
            assert r.inriktning_2020[:50] in d.page_source


def test_okant_malomrade_ger_begripligt_besked(sida):
    d = sida("/malomrade/9")
    assert "Målområdet finns inte" in d.find_element(By.TAG_NAME, "h1").text
