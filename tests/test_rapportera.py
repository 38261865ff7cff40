"""/rapportera i webbläsaren: lösenord, uppladdning, förhandsgranskning, genomförande."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By

from data import fragor
from tests.conftest import starta_server
from tests.test_rapport import _ifylld
from tools.skarmbild import vanta_pa_dash


@pytest.fixture(scope="module")
def oppen_server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('rapp') / 'r.sqlite'}"
    proc, bas = starta_server(url, miljo={"MALKOLL_ADMIN_LOSENORD": "hemligt-123", "MALKOLL_EXEMPEL": "av",
                                                    "MALKOLL_HEMLIGHET": "t3st-Hemlighet-med-minst-32-tecken-XyZ-9876"})
    yield {"bas": bas, "databas": url}
    proc.terminate()
    proc.wait(10)


def _vanta_text(d, css, text, tid=60):
    slut = time.time() + tid
    while time.time() < slut:
        el = d.find_elements(By.CSS_SELECTOR, css)
        if el and text in el[0].text:
            return el[0]
        time.sleep(0.2)
    raise AssertionError(f"{text!r} syntes inte i {css}: {[e.text for e in d.find_elements(By.CSS_SELECTOR, css)]}")


def test_uppladdning_med_forhandsgranskning(webblasare, oppen_server, tmp_path):
    d = webblasare
    d.get_log("browser")  # töm loggen från tidigare tester i samma webbläsare
    d.get(oppen_server["bas"] + "/rapportera")
    vanta_pa_dash(d)
    fil = tmp_path / "ekonomi.xlsx"
    fil.write_bytes(_ifylld(oppen_server["databas"]))
    # Fel lösenord: ingenting händer
    d.find_element(By.ID, "rapp-losen").send_keys("fel")
    d.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(fil))
    _vanta_text(d, "#rapp-forhandsgranskning", "Fel lösenord")
    # Rätt lösenord
    d.get(oppen_server["bas"] + "/rapportera")
    vanta_pa_dash(d)
    d.find_element(By.ID, "rapp-losen").send_keys("hemligt-123")
    d.find_element(By.ID, "rapp-av").send_keys("Eva Ekonom")
    d.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(fil))
    fg = _vanta_text(d, "#rapp-forhandsgranskning", "9 nya värden, 0 ändrade, 0 oförändrade")
    assert "1-A13 status: Genomförd" in fg.text
    assert fragor.atgarder(1, period="Delår 2 2020", url=oppen_server["databas"]).set_index("kod").loc["1-A13"].rapportperiod != "Delår 2 2020"
    knapp = d.find_element(By.ID, "rapp-genomfor")
    assert knapp.is_enabled()
    knapp.click()
    _vanta_text(d, "#rapp-resultat", "Importen är klar: 5 poster sparade för Delår 2 2020")
    a = fragor.atgarder(1, period="Delår 2 2020", url=oppen_server["databas"]).set_index("kod")
    assert (a.loc["1-A13"].rapporterad_status, a.loc["1-A13"].rapporterad_av) == ("Genomförd", "Eva Ekonom")
    fel = [r for r in d.get_log("browser") if r["level"] == "SEVERE"]
    assert not fel, fel
