"""/rapportera i webbläsaren: startadministratören laddar upp en rapportmall, och en rapportör
rapporterar sina enheters åtgärder och indikatorer i formuläret (förhandsgranskning, spara,
historik) – en låst period går bara att läsa."""
from __future__ import annotations

import time
from data.lagring.start import anvand_databas

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from data.konton import anvandare
from data.uppfoljning import fragor
from data.rapportering import rapport
from tests.conftest import starta_server
from tests.test_rapport import _ifylld
from tools.skarmbild import vanta_pa_dash

HEMLIGHET = "t3st-Hemlighet-med-minst-32-tecken-XyZ-9876"
START = "Start-Lösen-för-test-7x"
LOSEN = "Korrekt-Häst-Batteri-47"


@pytest.fixture(scope="module")
def oppen_server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('rapp') / 'r.sqlite'}"
    proc, bas = starta_server(url, miljo={"MALKOLL_ADMIN_LOSENORD": START, "MALKOLL_EXEMPEL": "av",
                                          "MALKOLL_HEMLIGHET": HEMLIGHET})
    yield {"bas": bas, "databas": url}
    proc.terminate()
    proc.wait(10)


def _vanta_text(d, css, text, tid=60):
    from selenium.common.exceptions import StaleElementReferenceException
    slut = time.time() + tid
    while time.time() < slut:
        el = d.find_elements(By.CSS_SELECTOR, css)
        try:
            if el and text in el[0].text:
                return el[0]
        except StaleElementReferenceException:    # Dash ritade om elementet mellan sökningen och läsningen
            pass
        time.sleep(0.2)
    raise AssertionError(f"{text!r} syntes inte i {css}: {[e.text for e in d.find_elements(By.CSS_SELECTOR, css)]}")


def klicka(d, el) -> None:
    """Klicka på en knapp långt ned i ett långt formulär (som en användare som skrollat dit)."""
    d.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", el)


def test_uppladdning_med_forhandsgranskning(webblasare, oppen_server, tmp_path):
    from tests.test_sakerhet import logga_in_i_webblasaren
    d = webblasare
    d.get_log("browser")  # töm loggen från tidigare tester i samma webbläsare
    d.delete_all_cookies()
    d.get(oppen_server["bas"] + "/rapportera")
    vanta_pa_dash(d)
    _vanta_text(d, ".alert", "Logga in för att rapportera")
    assert not d.find_elements(By.CSS_SELECTOR, "input[type=file]")
    fil = tmp_path / "ekonomi.xlsx"
    fil.write_bytes(_ifylld(oppen_server["databas"]))
    logga_in_i_webblasaren(d, oppen_server["bas"], "admin", START)
    _vanta_text(d, "#rapp-vem", "Startadministratör")
    d.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(fil))
    fg = _vanta_text(d, "#rapp-forhandsgranskning", "9 nya värden, 0 ändrade, 0 oförändrade")
    assert "1-A13 status: Genomförd" in fg.text
    assert "2,1" in fg.text and "2.1" not in fg.text               # svenskt decimalkomma (issue 13)
    assert "\u22129" in fg.text and "-9" not in fg.text             # budgetens −9 000 med minustecken
    anvand_databas(oppen_server["databas"])
    assert fragor.atgarder(1, period="Delår 2 2020").set_index("kod").loc["1-A13"].rapportperiod != "Delår 2 2020"
    knapp = d.find_element(By.ID, "rapp-genomfor")
    assert knapp.is_enabled()
    klicka(d, knapp)
    _vanta_text(d, "#rapp-resultat", "Importen är klar: 5 poster sparade för Delår 2 2020")
    a = fragor.atgarder(1, period="Delår 2 2020").set_index("kod")
    assert (a.loc["1-A13"].rapporterad_status, a.loc["1-A13"].rapporterad_av) == ("Genomförd", "Startadministratör (admin)")
    fel = [r for r in d.get_log("browser") if r["level"] == "SEVERE"]
    assert not fel, fel
    d.delete_all_cookies()


def test_rapportoren_rapporterar_i_formularet(webblasare, oppen_server, monkeypatch):
    """En rapportör för KSK/SHB ser exakt sina enheters åtgärder och indikatorer, väljer status,
    skriver kommentar och utfall, förhandsgranskar och sparar; historiken bär namnet och formuläret.
    En låst period visas bara för läsning."""
    from tests.test_sakerhet import logga_in_i_webblasaren
    url = oppen_server["databas"]
    monkeypatch.setenv("MALKOLL_HEMLIGHET", HEMLIGHET)
    anvand_databas(url)
    if "sara" not in [k["namn"] for k in anvandare.lista()]:
        anvand_databas(url)
        anvandare.lagg_till("sara", "rapportor", ["KSK/SHB"], LOSEN, "Sara Samhälle")
    egna = fragor.atgarder(enhet=["KSK/SHB"], roll="ansvarig", period="Delår 2 2020")
    egna_ind = fragor.indikatorer(enhet=["KSK/SHB"], period="Delår 2 2020")
    d = webblasare
    d.get_log("browser")
    d.delete_all_cookies()
    logga_in_i_webblasaren(d, oppen_server["bas"], "sara", LOSEN, "/rapportera?period=Delår 2 2020")
    _vanta_text(d, "#rapp-vem", "Sara Samhälle (rapportör)")
    rader = [r.get_attribute("data-kod") for r in d.find_elements(By.CSS_SELECTOR, "#rapp-formular tr[data-kod]")]
    assert rader == list(egna.kod) + list(egna_ind.kod)
    kod = egna.kod.iloc[0]
    rad = d.find_element(By.CSS_SELECTOR, f'#rapp-formular tr[data-kod="{kod}"]')
    Select(rad.find_element(By.CSS_SELECTOR, "select")).select_by_visible_text("Pågår med avvikelse")
    rad.find_element(By.CSS_SELECTOR, "textarea").send_keys("Försenad upphandling.")
    klicka(d, d.find_element(By.ID, "rf-forhandsgranska"))
    fg = _vanta_text(d, "#rf-granskning", "Det här ändras")
    assert f"{kod} status: Pågår med avvikelse" in fg.text and "Försenad upphandling." in fg.text
    assert fragor.atgarder(period="Delår 2 2020").set_index("kod").loc[kod].rapportperiod != "Delår 2 2020"
    klicka(d, d.find_element(By.ID, "rf-spara"))
    _vanta_text(d, "#rf-resultat", "Sparat: 1 poster för Delår 2 2020")
    a = fragor.atgarder(period="Delår 2 2020").set_index("kod").loc[kod]
    assert (a.rapporterad_status, a.kommentar, a.rapporterad_av, a.kalla) == (
        "Pågår med avvikelse", "Försenad upphandling.", "Sara Samhälle (sara)", "Formulär i webbläsaren")
    # Låst period: bara läsning
    rapport.las_period("Delår 1 2020", "test", True)
    d.get(oppen_server["bas"] + "/rapportera?period=" + "Delår 1 2020")
    vanta_pa_dash(d)
    _vanta_text(d, "#rapp-formular", "är låst")
    assert not d.find_elements(By.ID, "rf-spara")
    assert all(not t.is_enabled() for t in d.find_elements(By.CSS_SELECTOR, "#rapp-formular textarea"))
    # En okänd period rapporteras aldrig tyst på en annan: meddelandet med de giltiga valen, inget formulär
    d.get(oppen_server["bas"] + "/rapportera?period=" + "Delår 9 2031")
    vanta_pa_dash(d)
    meddelande = _vanta_text(d, "#urvalsfel", "Okänd period ”Delår 9 2031”")
    assert "Delår 2 2020" in meddelande.text
    assert not d.find_elements(By.ID, "rapp-formular") and not d.find_elements(By.CSS_SELECTOR, "input[type=file]")
    fel = [r for r in d.get_log("browser") if r["level"] == "SEVERE"]
    assert not fel, fel
    d.delete_all_cookies()


FALTNAMN_JS = """
return Array.from(document.querySelectorAll('#rapp-formular tr[data-kod]')).flatMap(function (tr) {
  return Array.from(tr.querySelectorAll('input, select, textarea')).map(function (el) {
    var namn = Array.from(el.labels || []).map(function (l) { return l.textContent; }).join(' ')
               || el.getAttribute('aria-label') || '';
    return [tr.getAttribute('data-kod'), el.tagName.toLowerCase() + ':' + (el.type || ''), namn.trim()];
  });
});
"""


def test_formularet_har_etiketter_och_klarar_axe(webblasare, oppen_server, monkeypatch):
    """Den inloggade rapportörens formulär: varje fält har en etikett som namnger åtgärden eller
    indikatorn och fältet, och axe-core (tests/vendor/axe.min.js, lokal kopia) hittar inga överträdelser."""
    from tests.test_sakerhet import logga_in_i_webblasaren
    from tools.axe import kor_axe
    url = oppen_server["databas"]
    monkeypatch.setenv("MALKOLL_HEMLIGHET", HEMLIGHET)
    anvand_databas(url)
    if "sara" not in [k["namn"] for k in anvandare.lista()]:
        anvand_databas(url)
        anvandare.lagg_till("sara", "rapportor", ["KSK/SHB"], LOSEN, "Sara Samhälle")
    d = webblasare
    d.get_log("browser")
    d.delete_all_cookies()
    logga_in_i_webblasaren(d, oppen_server["bas"], "sara", LOSEN, "/rapportera?period=Delår 2 2020")
    _vanta_text(d, "#rapp-vem", "Sara Samhälle (rapportör)")
    falt = d.execute_script(FALTNAMN_JS)
    assert len({f[0] for f in falt}) >= 5, falt
    utan = [f for f in falt if f[0] not in f[2]]
    assert not utan, f"Fält utan etikett som namnger raden: {utan[:10]}"
    namn = {f[2] for f in falt}
    kod_a = d.find_element(By.CSS_SELECTOR, "#rapp-formular tr[data-kod]").get_attribute("data-kod")
    assert {f"Status för åtgärd {kod_a}", f"Kommentar till åtgärd {kod_a}"} <= namn, sorted(namn)[:10]
    for borjan in ("Utfall för indikator ", "Kommentar till indikator ", "Nytt mål 2020 för indikator "):
        assert any(n.startswith(borjan) for n in namn), (borjan, sorted(namn)[:10])
    assert any("Kan inte bedömas (indikator " in n for n in namn), sorted(namn)[:10]
    # talfälten är breda nog för ett tal (inte "U antal") och sidan rullar inte i sidled vid 1280 px
    from tools.skarmbild import satt_storlek
    satt_storlek(d, 1280, 720)
    try:
        smala = d.execute_script(
            "return Array.from(document.querySelectorAll('#rapp-formular .dash-input-container'))"
            ".filter(e => e.getBoundingClientRect().width < 100).map(e => e.closest('tr').getAttribute('data-kod'))")
        assert not smala, smala
        assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        satt_storlek(d, 1920, 1080)
    fel = kor_axe(d)
    assert fel == [], "\n".join(f"{v['id']}: {v['help']} {v['noder']}" for v in fel)
    fel = [r for r in d.get_log("browser") if r["level"] == "SEVERE"]
    assert not fel, fel
    d.delete_all_cookies()


def test_administratorens_vyer_klarar_axe(webblasare, oppen_server, monkeypatch):
    """Administratörens /rapportera (med låsning av perioder) och /andringslogg, inloggad: axe-core
    (lokal kopia) hittar inga överträdelser, och ändringsloggen visar sina rader."""
    from tests.test_sakerhet import logga_in_i_webblasaren
    from tools.axe import kor_axe
    url = oppen_server["databas"]
    monkeypatch.setenv("MALKOLL_HEMLIGHET", HEMLIGHET)
    anvand_databas(url)
    if "ada" not in [k["namn"] for k in anvandare.lista()]:
        anvand_databas(url)
        anvandare.lagg_till("ada", "administrator", [], LOSEN, "Ada Admin")
    d = webblasare
    d.delete_all_cookies()
    logga_in_i_webblasaren(d, oppen_server["bas"], "ada", LOSEN, "/rapportera?period=Delår 2 2020")
    _vanta_text(d, "#rapp-vem", "Ada Admin")
    assert "Lås" in d.find_element(By.TAG_NAME, "body").text
    for sokvag in ("/rapportera?period=Delår 2 2020", "/andringslogg"):
        d.get(oppen_server["bas"] + sokvag)
        vanta_pa_dash(d)
        if sokvag == "/andringslogg":
            assert d.find_elements(By.CSS_SELECTOR, "table.andringslogg tbody tr"), "ändringsloggen är tom"
        fel = kor_axe(d)
        assert fel == [], sokvag + "\n" + "\n".join(f"{v['id']}: {v['help']} {v['noder']}" for v in fel)
    d.delete_all_cookies()
