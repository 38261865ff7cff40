"""Avvikelsedagordningen i sammanträdesläget (?visning=mote&fokus=avvikelser), i webbläsaren: hela planen
från översikten till budgetens slut i högst 40 tryck, varje tryck minst en tredjedels skärm (utom sidans
sista), sidorna i menyns ordning; bara avvikelserna på målområdets bild; växeln (knappen och A).

Väntar på villkor (scrolläge, sökväg, sidans data-sida), aldrig på fasta tider.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from data.lagring.start import anvand_databas
from data.uppfoljning import avvikelser as av
from data.uppfoljning import fragor
from tools.axe import kor_axe
from tools.skarmbild import vanta_pa_dash

STORLEKAR = [(1920, 1080), (1280, 720)]
PERIOD = "Delår 2 2020"
DAGORDNING = f"period={quote(PERIOD)}&visning=mote&fokus=avvikelser"
MAX_TRYCK = 40


def _lage(d) -> dict:
    return d.execute_script(
        "const l = document.querySelector('#_pages_content .lagesrad');"
        "return {y: window.scrollY, h: window.innerHeight, sok: location.pathname, url: location.search,"
        " max: document.documentElement.scrollHeight - window.innerHeight,"
        " t: l ? l.getBoundingClientRect().height : 0};")


def _vanta(d, villkor, beskrivning: str, timeout: float = 60):
    slut = time.time() + timeout
    while time.time() < slut:
        svar = villkor()
        if svar:
            return svar
        time.sleep(0.05)
    raise AssertionError(f"{beskrivning}: {_lage(d)}")


def _ritad(d, sokvag: str) -> dict:
    """Vänta tills sidan för sökvägen är ritad (dess data-sida finns) och allt laddat."""
    _vanta(d, lambda: d.find_elements(By.CSS_SELECTOR, f'#_pages_content [data-sida="{sokvag}"]'),
           f"{sokvag} ritades aldrig som dagordning")
    vanta_pa_dash(d)
    return _lage(d)


def _tryck(d, tangent, fore: dict) -> dict:
    d.find_element(By.TAG_NAME, "body").send_keys(tangent)
    return _vanta(d, lambda: (lambda nu: nu if nu["sok"] != fore["sok"] or abs(nu["y"] - fore["y"]) > 0.5 else None)(
        _lage(d)), f"{tangent!r} flyttade inget från y={fore['y']} på {fore['sok']}", timeout=30)


def _skarmbild(d, namn: str, tmp_path: Path) -> None:
    mapp = Path(os.environ.get("MALKOLL_SKARMBILDER") or tmp_path)
    mapp.mkdir(parents=True, exist_ok=True)
    d.save_screenshot(str(mapp / namn))


@pytest.mark.parametrize("bredd,hojd", STORLEKAR)
def test_hela_planen_i_hogst_40_tryck(sida, storlek, appserver, tmp_path, bredd, hojd):
    storlek(bredd, hojd)
    d = sida("/?" + DAGORDNING)
    ordning = d.execute_script("return Array.from(document.querySelectorAll('#huvudmeny a.nav-link'))"
                               ".map(a => new URL(a.href).pathname).filter((p, i, a) => p !== '/rapportera' && a.indexOf(p) === i)")
    assert ordning[0] == "/" and ordning[-1] == "/budget" and len(ordning) >= 4
    lage = _ritad(d, "/")
    _skarmbild(d, f"dagordning-oversikt-{bredd}.png", tmp_path)
    besokta, tryck, per_sida = ["/"], 0, {"/": 0}
    while True:
        tangent = Keys.ARROW_RIGHT if tryck % 2 == 0 else Keys.PAGE_DOWN
        nu = _tryck(d, tangent, lage)
        tryck += 1
        per_sida[lage["sok"]] += 1
        if nu["sok"] != lage["sok"]:   # nästa sida: bara när den förra visats till slutet
            assert lage["y"] >= lage["max"] - 1, f"{lage['sok']} lämnades före slutet"
            assert "fokus=avvikelser" in nu["url"] and "visning=mote" in nu["url"]
            besokta.append(nu["sok"])
            per_sida[nu["sok"]] = 0
            nu = _ritad(d, nu["sok"])
            assert nu["y"] == 0
            if nu["sok"] in ("/malomrade/5", "/budget"):
                _skarmbild(d, f"dagordning-{nu['sok'].strip('/').replace('/', '-')}-{bredd}.png", tmp_path)
        else:
            steg = nu["y"] - lage["y"]
            assert 0 < steg <= lage["h"] - nu["t"], f"steg {steg} px på {nu['sok']}"
            assert nu["y"] + nu["t"] <= lage["y"] + lage["h"] + 1, "något hoppades över"
            sista = nu["y"] >= nu["max"] - 1
            assert sista or steg >= hojd / 3, f"steg {steg} px (< en tredjedel av {hojd}) på {nu['sok']}"
        lage = nu
        if lage["sok"] == ordning[-1] and lage["y"] >= lage["max"] - 1:
            break
        assert tryck < 100
    print(f"\n{bredd}×{hojd}: {tryck} tryck; per sida {per_sida}")
    assert besokta == ordning
    assert tryck <= MAX_TRYCK, per_sida


def _vantade_atgarder(appserver, nr: int) -> set[str]:
    anvand_databas(appserver["databas"])
    atg = fragor.atgarder(nr, period=PERIOD, plan=fragor.los_plan())
    return {r.kod for r in atg.itertuples() if av.atgard(r.status, isinstance(r.rapporterad_status, str))}


def test_malomradets_bild_har_bara_avvikelserna(sida, appserver):
    d = sida("/malomrade/5?" + DAGORDNING)
    _ritad(d, "/malomrade/5")
    rader = d.find_elements(By.CSS_SELECTOR, "#agenda-atgarder .agendarad")
    assert {r.get_attribute("data-kod") for r in rader} == _vantade_atgarder(appserver, 5)
    for r in rader:   # statusen med symbol och ord, aldrig bara färg
        marke = r.find_element(By.CSS_SELECTOR, ".statusmarke").text
        assert marke.split()[0] in ("!", "▲") and marke.split(maxsplit=1)[1] in ("Försenad", "Pågår med avvikelse")
        assert r.get_attribute("data-skal") in av.ORDNING
    # resten räknat, hela målområdet en tangent bort
    anvand_databas(appserver["databas"])
    n_atg = len(fragor.atgarder(5, period=PERIOD, plan=fragor.los_plan()))
    ovrigt = d.find_element(By.CSS_SELECTOR, "#agenda-atgarder .agenda-ovrigt").text
    assert ovrigt.startswith(f"{n_atg - len(rader)} åtgärder till: ")
    assert d.find_elements(By.CSS_SELECTOR, "#agenda-indikatorer .agenda-ovrigt")
    assert d.find_elements(By.CSS_SELECTOR, "#agenda-inriktningsmal .agenda-ovrigt")
    # en rad per sak: titel och kommentar på var sin rad, ingen radbrytning
    hojder = d.execute_script("return Array.from(document.querySelectorAll('.agendarad-kommentar, .agendarad-titel'))"
                              ".map(e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight) ||"
                              " parseFloat(getComputedStyle(e).fontSize) * 1.6])")
    assert hojder and all(h <= lh * 1.3 for h, lh in hojder), hojder


def test_vaxeln_knappen_och_tangenten_a(sida, storlek):
    storlek(1280, 720)
    d = sida("/malomrade/1?period=" + quote(PERIOD) + "&visning=mote")
    assert not d.find_elements(By.CSS_SELECTOR, "[data-fokus]")
    knapp = d.find_element(By.ID, "fokusknapp")
    assert knapp.is_displayed() and knapp.get_attribute("aria-pressed") == "false"
    knapp.click()   # knappen: dagordningen, i URL:en
    _ritad(d, "/malomrade/1")
    assert "fokus=avvikelser" in d.current_url and "visning=mote" in d.current_url
    assert _vanta(d, lambda: knapp.get_attribute("aria-pressed") == "true", "knappen visar inte läget")
    # A: hela målområdet (sammanträdesläget kvar), A igen: tillbaka till dagordningen
    d.find_element(By.TAG_NAME, "body").send_keys("a")
    _vanta(d, lambda: "fokus=" not in d.current_url and d.find_elements(By.CSS_SELECTOR, ".atgardsrad"),
           "A visade inte hela sidan")
    assert "visning=mote" in d.current_url
    d.find_element(By.TAG_NAME, "body").send_keys("A")
    _ritad(d, "/malomrade/1")
    # länken på bilden leder också till hela sidan
    lank = d.find_element(By.CSS_SELECTOR, ".agenda-hela")
    assert "fokus" not in lank.get_attribute("href") and "visning=mote" in lank.get_attribute("href")
    # Esc lämnar sammanträdesläget och dagordningen
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    _vanta(d, lambda: "visning=" not in d.current_url and "fokus=" not in d.current_url, "Esc")
    # utanför sammanträdesläget syns inte knappen
    vanta_pa_dash(d)
    assert not d.find_element(By.ID, "fokusknapp").is_displayed()


def test_fokus_utan_sammantradeslage_ar_hela_sidan(sida):
    d = sida("/malomrade/1?fokus=avvikelser")
    assert d.find_elements(By.CSS_SELECTOR, ".atgardsrad") and not d.find_elements(By.CSS_SELECTOR, "[data-fokus]")
    d = sida("/malomrade/1?visning=mote&fokus=allt")
    assert "okänt fokus ”allt”" in d.find_element(By.ID, "urvalsfel").text.lower()


@pytest.mark.parametrize("bredd,hojd", STORLEKAR)
def test_dagordningens_text_ar_minst_20_px(sida, storlek, bredd, hojd):
    """Varje text på dagordningens bilder (lägesraden prövas i test_motelage) är minst 20 px."""
    storlek(bredd, hojd)
    for sokvag in ("/malomrade/5", "/malomrade/6", "/arbetsgivare", "/sarskilda-uppdrag", "/budget"):
        d = sida(sokvag + "?" + DAGORDNING)
        _ritad(d, sokvag)
        sma = d.execute_script("""
            return Array.from(document.querySelectorAll('#_pages_content .agenda *')).filter(e => e.offsetParent &&
              Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()) &&
              parseFloat(getComputedStyle(e).fontSize) < 20)
              .map(e => e.className + ': ' + e.textContent.trim().slice(0, 30) + ' ' + getComputedStyle(e).fontSize);""")
        assert not sma, (sokvag, sma)


def test_bakat_behaller_dagordningen(sida, storlek):
    """← vid sidans början öppnar föregående sida på sin sista bild, fortfarande som dagordning."""
    storlek(1280, 720)
    d = sida("/budget?" + DAGORDNING)
    _ritad(d, "/budget")
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
    _vanta(d, lambda: _lage(d)["sok"] == "/sarskilda-uppdrag", "← ledde inte till föregående sida")
    _ritad(d, "/sarskilda-uppdrag")
    nu = _vanta(d, lambda: (lambda l: l if l["y"] >= l["max"] - 1 else None)(_lage(d)),
                "← visade inte föregående sidas slut")
    assert "fokus=avvikelser" in nu["url"] and "visning=mote" in nu["url"]


AGENDASIDOR = ["/", "/malomrade/1", "/malomrade/5", "/malomrade/6", "/arbetsgivare", "/sarskilda-uppdrag", "/budget"]


@pytest.mark.parametrize("sokvag", AGENDASIDOR)
def test_axe_pa_dagordningen(sida, sokvag):
    d = sida(f"{sokvag}?{DAGORDNING}")
    _ritad(d, sokvag)
    fel = kor_axe(d)
    assert fel == [], "\n".join(f"{v['id']}: {v['help']} {v['noder']}" for v in fel)


@pytest.mark.parametrize("bredd,hojd", [(1280, 720), (1024, 768)])
def test_dagordningen_ryms_i_bredd(sida, storlek, bredd, hojd):
    storlek(bredd, hojd)
    for sokvag in AGENDASIDOR:
        d = sida(f"{sokvag}?{DAGORDNING}")
        _ritad(d, sokvag)
        b = d.execute_script("return document.documentElement.scrollWidth")
        assert b <= bredd, f"{sokvag}: {b} px bred vid {bredd}"
    # budgetens nyckeltal på en rad i sina kort ("228,9 mnkr", aldrig "mn / kr")
    brutna = d.execute_script("""
        return Array.from(document.querySelectorAll('.budget-agenda .nyckeltal-varde')).filter(e =>
          e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().height > parseFloat(getComputedStyle(e).fontSize) * 1.6)
          .map(e => e.textContent);""")
    assert d.find_elements(By.CSS_SELECTOR, ".budget-agenda .nyckeltal-varde") and not brutna, brutna
