"""Sammanträdesläge och tillgänglighet (WCAG 2.1 AA): axe-core på varje sida i båda lägena,
tangentbordet, storlekar för gamla projektorer, utskrift och att allt serveras av appen själv."""
from __future__ import annotations

import time
from urllib.parse import quote, urlparse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tools.axe import kor_axe
from tools.skarmbild import chrome, satt_storlek, vanta_pa_dash

SIDOR = ["/", *[f"/malomrade/{n}" for n in range(1, 8)], "/arbetsgivare", "/sarskilda-uppdrag", "/budget", "/rapportera",
         "/logga-in", "/skattepengar", "/api", "/jamforelse", "/om"]
P2 = "period=" + quote("Delår 2 2020")


@pytest.mark.parametrize("lage", ["normal", "mote"])
@pytest.mark.parametrize("sokvag", SIDOR)
def test_axe_utan_overtradelser(sida, sokvag, lage):
    d = sida(f"{sokvag}?{P2}" + ("&visning=mote" if lage == "mote" else ""))
    fel = kor_axe(d)
    assert fel == [], "\n".join(f"{v['id']}: {v['help']} {v['noder']}" for v in fel)


def _vanta_url(d, villkor, tid=15):
    slut = time.time() + tid
    while time.time() < slut:
        if villkor(d.current_url):
            vanta_pa_dash(d)
            return
        time.sleep(0.1)
    raise AssertionError(f"URL:en blev aldrig rätt: {d.current_url}")


def _tangent(d, tangent):
    ActionChains(d).send_keys(tangent).perform()
    time.sleep(0.25)


def test_tangentbordet_i_sammantradeslaget(sida):
    d = sida(f"/?{P2}&visning=mote")
    assert "motelage" in d.find_element(By.ID, "skal").get_attribute("class")
    assert not d.find_element(By.CSS_SELECTOR, ".sidomeny").is_displayed()
    assert not any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, ".filterpanel"))
    # → bläddrar tills nästa sida (Översikt → Målområde 1), filtret följer med i URL:en
    for _ in range(20):
        _tangent(d, Keys.ARROW_RIGHT)
        if "/malomrade/1" in d.current_url:
            break
    _vanta_url(d, lambda u: urlparse(u).path == "/malomrade/1" and "visning=mote" in u and "period=" in u)
    assert "Norrtälje kommun ska ha en sund och hållbar ekonomi" in d.find_element(By.TAG_NAME, "h1").text
    # PageDown (presentatörens knapp) flyttar nedåt på sidan
    y0 = d.execute_script("return window.scrollY")
    _tangent(d, Keys.PAGE_DOWN)
    assert d.execute_script("return window.scrollY") > y0
    # ← / PageUp tillbaka upp och sedan till föregående sida
    for _ in range(40):
        _tangent(d, Keys.PAGE_UP)
        if urlparse(d.current_url).path == "/":
            break
    _vanta_url(d, lambda u: urlparse(u).path == "/")
    # Stor text: brödtext minst 24 px, rubriker större
    storlek = d.execute_script("return parseFloat(getComputedStyle(document.querySelector('.malomradesruta p')).fontSize)")
    rubrik = d.execute_script("return parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert storlek >= 24 and rubrik > storlek
    # F: helskärm; Esc: lämna sammanträdesläget
    _tangent(d, "f")
    assert d.execute_script("return !!document.fullscreenElement")
    _tangent(d, "f")
    _tangent(d, Keys.ESCAPE)
    _vanta_url(d, lambda u: "visning=mote" not in u)
    assert "motelage" not in d.find_element(By.ID, "skal").get_attribute("class")
    assert d.find_element(By.CSS_SELECTOR, ".sidomeny").is_displayed()


def test_knappen_slar_pa_sammantradeslaget(sida):
    d = sida(f"/malomrade/2?{P2}")
    knapp = d.find_element(By.ID, "motesknapp")
    assert knapp.get_attribute("aria-pressed") == "false"
    knapp.click()
    _vanta_url(d, lambda u: "visning=mote" in u and "period=" in u)
    assert d.find_element(By.ID, "motesknapp").get_attribute("aria-pressed") == "true"


def test_hopplank_och_fokusring(sida):
    d = sida("/malomrade/1")
    d.execute_script("document.activeElement && document.activeElement.blur(); window.getSelection().removeAllRanges();")
    d.get(d.current_url)  # ny laddning: fokus börjar överst på sidan
    vanta_pa_dash(d)
    _tangent(d, Keys.TAB)
    aktiv = d.switch_to.active_element
    assert aktiv.text == "Hoppa till innehållet" and aktiv.is_displayed()
    ring = d.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert ring not in ("none", "")
    _tangent(d, Keys.ENTER)
    assert d.switch_to.active_element.get_attribute("id") == "innehall"
    # Filtret går att använda med tangentbordet: öppna enhetslistan och kryssa i en enhet
    summary = d.find_element(By.CSS_SELECTOR, ".filter-enhet summary")
    summary.send_keys(Keys.ENTER)
    ruta = d.find_element(By.CSS_SELECTOR, '.enhetslista input[value="KSK/EKO"]')
    ruta.send_keys(Keys.SPACE)
    _vanta_url(d, lambda u: "enhet=KSK/EKO" in u)


def test_varje_diagram_har_textalternativ(sida):
    d = sida(f"/malomrade/1?{P2}")
    for fig in d.find_elements(By.CSS_SELECTOR, "figure"):
        assert fig.find_elements(By.CSS_SELECTOR, ".indikatorgraf")
        text = fig.find_element(By.TAG_NAME, "figcaption").get_attribute("textContent")
        assert "mål 2020" in text
        assert fig.find_element(By.CSS_SELECTOR, "details table")


@pytest.mark.parametrize("storlek", [(1280, 720), (1024, 768)])
@pytest.mark.parametrize("lage", ["", "&visning=mote"])
def test_inget_skars_av_pa_gamla_projektorer(webblasare, sida, storlek, lage):
    satt_storlek(webblasare, *storlek)
    try:
        for sokvag in ("/", "/malomrade/5", "/budget"):
            d = sida(f"{sokvag}?{P2}{lage}")
            bredd = d.execute_script("return document.documentElement.scrollWidth")
            assert bredd <= storlek[0], f"{sokvag}: {bredd} px bred vid {storlek}"
    finally:
        satt_storlek(webblasare, 1920, 1080)


def test_utskrift_ger_ren_handout(sida, webblasare):
    d = sida(f"/malomrade/1?{P2}")
    webblasare.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        for css in (".sidomeny", ".filterpanel", ".verktygsrad", ".sidhuvud"):
            assert not d.find_element(By.CSS_SELECTOR, css).is_displayed(), css
        assert d.find_element(By.CSS_SELECTOR, "tr.atgardsrad").is_displayed()
    finally:
        webblasare.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_allt_serveras_av_appen_sjalv_utan_natverk(appserver):
    """Sidan laddas med alla adresser utanför datorn blockerade, och hämtar inget utifrån."""
    d = chrome()
    try:
        d.execute_cdp_cmd("Network.enable", {})
        d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*"]})
        d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": [u for u in ("*://*.com/*", "*://*.net/*", "*://*.org/*",
                                                                            "*://*.se/*", "*://*.io/*")]})
        for sokvag in ("/", "/malomrade/1", "/budget"):
            d.get(appserver["bas"] + sokvag)
            vanta_pa_dash(d)
            kallor = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
            bas = urlparse(appserver["bas"]).netloc
            utanfor = [k for k in kallor if urlparse(k).netloc not in (bas, "")]
            assert not utanfor, utanfor
            assert d.find_elements(By.CSS_SELECTOR, "h1")
            assert d.execute_script("return getComputedStyle(document.body).fontFamily").startswith("system-ui")
    finally:
        d.quit()
