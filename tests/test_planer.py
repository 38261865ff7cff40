"""Flera planer (nämnd × år): planväljaren, planen i URL:en, och att standardplanen är orörd."""
from __future__ import annotations

import time
from data.lagring.start import anvand_databas

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from data.uppfoljning import fragor
from tests.conftest import starta_server
from tools.skarmbild import vanta_pa_dash


@pytest.fixture(scope="module")
def flera_planer(tmp_path_factory):
    from bench import syntetisk
    url = f"sqlite:///{tmp_path_factory.mktemp('planer') / 'p.sqlite'}"
    syntetisk.bygg(url, antal_namnder=2, ar=(2021,))
    proc, bas = starta_server(url)
    yield {"bas": bas, "databas": url}
    proc.terminate()
    proc.wait(10)


def test_planerna_finns_och_standardplanen_ar_ks_2020(flera_planer):
    anvand_databas(flera_planer["databas"])
    pl = fragor.planer()
    assert list(pl.kod[:1]) == ["KS-2020"] and len(pl) == 3 and pl.syntetisk.sum() == 2
    assert fragor.plan_info(plan=fragor.los_plan())["kod"] == "KS-2020"
    # Den verkliga planen påverkas inte av de syntetiska
    assert len(fragor.atgarder(plan=fragor.los_plan())) == 84
    synt = pl[pl.syntetisk].kod.iloc[0]
    assert len(fragor.atgarder(plan=fragor.los_plan(synt))) > 0
    # Syntetiska månadsperioder visas bara för syntetiska planer
    assert not any("Syntetisk" in n or "månad" in n.lower() for n in fragor.perioder(plan=fragor.los_plan()).namn)


def _vanta(villkor, beskrivning: str, tid: float = 45) -> None:
    """Vänta på ett villkor (aldrig en fast tid); sidan ritas om i Dash efter URL-bytet."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    slut = time.time() + tid
    while time.time() < slut:
        try:
            if villkor():
                return
        except (NoSuchElementException, StaleElementReferenceException):
            pass
        time.sleep(0.1)
    raise AssertionError(beskrivning)


def _menyns_titlar(d) -> list[str]:
    return d.execute_script("return Array.from(document.querySelectorAll('#huvudmeny a[title]'))"
                            ".map(a => a.getAttribute('title'))")


def test_menyn_och_rubriken_foljer_planen_i_url_och_tillbaka(webblasare, flera_planer):
    """Menyn byggs om bara när URL:ens plan byts (inte vid varje sidladdning), och då åt båda hållen."""
    d = webblasare
    u = flera_planer["databas"]
    anvand_databas(u)
    pl = fragor.planer()
    synt, ks = pl[pl.syntetisk].iloc[0], pl[~pl.syntetisk].iloc[0]
    d.get(flera_planer["bas"] + "/?plan=" + synt.kod)
    vanta_pa_dash(d)
    _vanta(lambda: _menyns_titlar(d) == list(fragor.malomraden(fragor.los_plan(synt.kod)).titel), "menyn visar inte planen i URL:en")
    # Sidhuvudet: kommun, nämnd och år (planens namn som title)
    rubrik = d.find_element(By.ID, "plannamn")
    assert synt.namnd in rubrik.text and "2021" in rubrik.text and rubrik.get_attribute("title") == synt.namn
    d.execute_script("window.history.pushState({}, '', '/');"
                     "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));")
    _vanta(lambda: _menyns_titlar(d) == list(fragor.malomraden(plan=fragor.los_plan()).titel), "menyn gick inte tillbaka till standardplanen")
    _vanta(lambda: "Norrtälje kommun · Kommunstyrelsen · 2020" in d.find_element(By.ID, "plannamn").text,
           "sidhuvudet visar inte kommun, nämnd och år")


def test_planvaljaren_skriver_planen_i_url_och_byter_innehall(webblasare, flera_planer):
    d = webblasare
    d.get_log("browser")
    d.get(flera_planer["bas"] + "/malomrade/1?period=Del%C3%A5r+2+2020&enhet=KSK/EKO")
    vanta_pa_dash(d)
    fore = d.find_element(By.TAG_NAME, "h1").text
    anvand_databas(flera_planer["databas"])
    pl = fragor.planer()
    synt = pl[pl.syntetisk].iloc[0]
    Select(d.find_element(By.ID, "planval")).select_by_value(synt.kod)
    slut = time.time() + 45
    while time.time() < slut and f"plan={synt.kod}" not in d.current_url:
        time.sleep(0.2)
    assert f"plan={synt.kod}" in d.current_url
    # Filtret som finns i den nya planen (enheten) står kvar; perioden finns inte där och nämns
    assert "enhet=KSK/EKO" in d.current_url and "period=" not in d.current_url
    _vanta(lambda: "har inte perioden ”Delår 2 2020”" in d.find_element(By.ID, "planbyte").text,
           "planbytet sade inte vilket filter som togs bort")
    assert Select(d.find_element(By.ID, "planval")).first_selected_option.text.startswith(synt.namnd + " · 2021")
    titel = fragor.malomraden(fragor.los_plan(synt.kod)).set_index("nr").loc[1].titel
    _vanta(lambda: d.find_element(By.TAG_NAME, "h1").text == titel, "rubriken blev inte den nya planens")
    assert titel != fore
    # Länken går att dela, och menyn bär planen vidare
    assert f"plan={synt.kod}" in d.find_element(By.CSS_SELECTOR, '.sidomeny a[href^="/malomrade/2"]').get_attribute("href")
    d.get(d.current_url)
    vanta_pa_dash(d)
    assert Select(d.find_element(By.ID, "planval")).first_selected_option.get_attribute("value") == synt.kod
    assert not [r for r in d.get_log("browser") if r["level"] == "SEVERE"]
