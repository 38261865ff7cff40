"""Sammanträdesläget i webbläsaren: översikten som en bild, stegning med → / PageDown och ← / PageUp
(högst en skärm i taget, inget hoppas över, nästa sida i menyns ordning), lägesraden med filter och
exempeldata, budgetsidan i storbild och statusmärken som stannar i sin cell.

Väntar på villkor (scrollläge eller sökväg ändras), aldrig på fasta tider.
"""
from __future__ import annotations

import time
from data.lagring.start import anvand_databas
from urllib.parse import quote

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from data.uppfoljning import fragor
from tools.skarmbild import vanta_pa_dash

STORLEKAR = [(1920, 1080), (1280, 720)]


def _lage(d) -> dict:
    return d.execute_script(
        "const l = document.querySelector('#_pages_content .lagesrad');"
        "return {y: window.scrollY, h: window.innerHeight, sok: location.pathname,"
        " max: document.documentElement.scrollHeight - window.innerHeight,"
        " t: l ? l.getBoundingClientRect().height : 0};")


def _tryck(d, tangent, fore: dict, timeout: float = 30) -> dict:
    """Tryck en tangent och vänta tills scrolläget eller sidan har ändrats (annars: fastnat)."""
    d.find_element(By.TAG_NAME, "body").send_keys(tangent)
    slut = time.time() + timeout
    while time.time() < slut:
        nu = _lage(d)
        if nu["sok"] != fore["sok"] or abs(nu["y"] - fore["y"]) > 0.5:
            return nu
        time.sleep(0.05)
    raise AssertionError(f"{tangent!r} flyttade inget från y={fore['y']} på {fore['sok']}")


def _toppar(d, css: str) -> list[tuple[str, float]]:
    return d.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => "
        "[e.getAttribute('data-kod') || e.getAttribute('data-uppdrag') || e.id || e.className,"
        " e.getBoundingClientRect().top + window.scrollY]);", css)


def _stega_framat(d, sokvag: str) -> tuple[list[dict], dict]:
    """→ tills sidan byts; varje steg kontrolleras: framåt, högst en skärm, inget glapp."""
    lagen = [_lage(d)]
    for _ in range(200):
        nu = _tryck(d, Keys.ARROW_RIGHT if len(lagen) % 2 else Keys.PAGE_DOWN, lagen[-1])
        if nu["sok"] != sokvag:
            return lagen, nu
        fore = lagen[-1]
        steg = nu["y"] - fore["y"]
        assert 0 < steg <= fore["h"] - nu["t"], f"steg {steg} px på {sokvag} (skärm {fore['h']})"
        # det som nu syns under lägesraden börjar högst där förra bilden slutade
        assert nu["y"] + nu["t"] <= fore["y"] + fore["h"] + 1
        lagen.append(nu)
    raise AssertionError("sidan tog aldrig slut")


@pytest.mark.parametrize("bredd,hojd", STORLEKAR)
@pytest.mark.parametrize("sokvag,nasta", [("/malomrade/1", "/malomrade/2"), ("/malomrade/5", "/malomrade/6"),
                                          ("/budget", None)])
def test_stegning_visar_allt_och_gar_till_nasta_sida(sida, storlek, bredd, hojd, sokvag, nasta):
    storlek(bredd, hojd)
    d = sida(sokvag + "?visning=mote")
    kort = _toppar(d, "#_pages_content .indikatorkort, #_pages_content .uppdrag, #_pages_content .budgetavsnitt, "
                      "#_pages_content .inriktningsmal")
    assert kort
    if nasta is None:  # sista sidan: stega till slutet, där står tangenten still
        lagen = [_lage(d)]
        while lagen[-1]["y"] < lagen[-1]["max"] - 1:
            nu = _tryck(d, Keys.PAGE_DOWN, lagen[-1])
            assert 0 < nu["y"] - lagen[-1]["y"] <= lagen[-1]["h"] - nu["t"]
            assert nu["sok"] == sokvag
            lagen.append(nu)
        d.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        vanta_pa_dash(d)
        assert _lage(d)["sok"] == sokvag
    else:
        lagen, ny = _stega_framat(d, sokvag)
        assert ny["sok"] == nasta and ny["y"] == 0
        vanta_pa_dash(d)
        assert d.find_element(By.CSS_SELECTOR, "[data-malomrade]").get_attribute("data-malomrade") == nasta[-1]
    # varje indikatorkort, uppdragsgrupp och avsnitt har haft sin början i bild
    for namn, topp in kort:
        assert any(l["y"] + l["t"] - 1 <= topp < l["y"] + l["h"] for l in lagen), f"{namn} visades aldrig"
    assert lagen[-1]["y"] >= lagen[-1]["max"] - 1


@pytest.mark.parametrize("bredd,hojd", STORLEKAR)
def test_bakat_speglar_framat(sida, storlek, bredd, hojd):
    storlek(bredd, hojd)
    d = sida("/malomrade/1?visning=mote")
    d.execute_script("window.scrollTo({top: document.documentElement.scrollHeight, behavior: 'instant'})")
    lagen = [_lage(d)]
    assert lagen[0]["y"] > 0
    while True:
        nu = _tryck(d, Keys.ARROW_LEFT if len(lagen) % 2 else Keys.PAGE_UP, lagen[-1])
        if nu["sok"] != "/malomrade/1":
            break
        steg = lagen[-1]["y"] - nu["y"]
        assert 0 < steg <= lagen[-1]["h"] - nu["t"]
        lagen.append(nu)
        assert len(lagen) < 200
    assert lagen[-1]["y"] == 0 and nu["sok"] == "/"


def _vanta_pa(d, villkor, beskrivning: str, timeout: float = 30) -> dict:
    slut = time.time() + timeout
    while time.time() < slut:
        nu = _lage(d)
        if villkor(nu):
            return nu
        time.sleep(0.05)
    raise AssertionError(f"{beskrivning}: {_lage(d)}")


@pytest.mark.parametrize("bredd,hojd", STORLEKAR)
def test_bakat_fran_sidans_borjan_visar_foregaende_sidas_slut(sida, storlek, bredd, hojd):
    """← längst upp på /malomrade/2 öppnar /malomrade/1 på dess sista bild (som → kom dit ifrån),
    och → därifrån går tillbaka till /malomrade/2."""
    storlek(bredd, hojd)
    d = sida("/malomrade/2?visning=mote")
    assert _lage(d)["y"] == 0
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
    nu = _vanta_pa(d, lambda l: l["sok"] == "/malomrade/1" and l["max"] > 0 and l["y"] >= l["max"] - 1,
                   "← ledde inte till slutet av /malomrade/1")
    vanta_pa_dash(d)
    assert d.find_element(By.CSS_SELECTOR, "[data-malomrade]").get_attribute("data-malomrade") == "1"
    assert _lage(d)["y"] >= _lage(d)["max"] - 1   # står kvar vid slutet när allt är ritat
    ny = _tryck(d, Keys.ARROW_RIGHT, nu)
    assert ny["sok"] == "/malomrade/2" and ny["y"] == 0


def test_sidordningen_ar_menyns(sida, storlek, appserver):
    """Sista bilden på en sida → nästa sida i menyns ordning, också Arbetsgivare → Särskilda uppdrag → Budget."""
    storlek(1280, 720)
    anvand_databas(appserver["databas"])
    mo = list(fragor.malomraden(plan=fragor.los_plan()).nr)
    ordning = ["/"] + [f"/malomrade/{n}" for n in mo] + ["/arbetsgivare", "/sarskilda-uppdrag", "/budget"]
    d = sida("/?visning=mote")
    meny = d.execute_script("return Array.from(document.querySelectorAll('#huvudmeny a.nav-link'))"
                            ".map(a => new URL(a.href).pathname).filter(p => p !== '/rapportera')")
    assert meny == ordning
    for fran, till in zip(ordning[-4:], ordning[-3:]):
        d = sida(fran + "?visning=mote")
        d.execute_script("window.scrollTo({top: document.documentElement.scrollHeight, behavior: 'instant'})")
        nu = _tryck(d, Keys.PAGE_DOWN, {**_lage(d), "y": -1})
        if nu["sok"] == fran:  # sista biten av sidan först
            nu = _tryck(d, Keys.PAGE_DOWN, nu)
        assert nu["sok"] == till
        assert "visning=mote" in d.current_url


@pytest.mark.parametrize("bredd,hojd", STORLEKAR)
def test_oversikten_ar_en_bild(sida, storlek, appserver, bredd, hojd):
    storlek(bredd, hojd)
    d = sida("/?visning=mote")
    rutor = d.find_elements(By.CSS_SELECTOR, ".motesruta")
    anvand_databas(appserver["databas"])
    assert len(rutor) == len(fragor.malomraden(plan=fragor.los_plan()))
    for r in rutor:
        rekt = d.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom];", r)
        assert 0 <= rekt[0] and rekt[1] <= hojd, f"ruta {r.get_attribute('data-nr')} syns inte hel: {rekt}"
        marke = r.find_element(By.CSS_SELECTOR, ".malomradesstatus")
        assert marke.get_attribute("data-status") in ("I fas", "Delvis i fas", "Ej i fas", "Kan inte bedömas")
        assert "bedömda" in r.find_element(By.CSS_SELECTOR, ".motesruta-underlag").text
        assert "Målområdets status" in marke.find_element(By.CSS_SELECTOR, ".statusmarke").get_attribute("title")
    # visionen är infälld
    assert not d.find_element(By.CSS_SELECTOR, ".vision").is_displayed()
    assert d.execute_script("return window.scrollY") == 0


def test_standardperioden_och_varfor(sida, appserver):
    d = sida("/")
    anvand_databas(appserver["databas"])
    per = fragor.vald_period(plan=fragor.los_plan())
    assert per.namn == "Årsredovisning 2021"
    chip = d.find_element(By.CSS_SELECTOR, ".chip-period").text
    assert "Årsredovisning 2021" in chip and "Senaste period med rapporterade åtgärder" in chip
    # kortet säger varför det inte kan bedömas, och periodraden länkar den senaste period som kan det
    kort = d.find_element(By.CSS_SELECTOR, '.malomradesruta[data-nr="2"] .bedomningsbrist').text
    assert kort == "1 av 4 åtgärder och 0 av 2 indikatorer bedömda för Årsredovisning 2021."
    lank = d.find_element(By.CSS_SELECTOR, ".chip-bedombar a")
    assert lank.text == fragor.senaste_bedombara_period(plan=fragor.los_plan()) == "Årsredovisning 2020"
    # ett sidbyte gör inte standardperioden till "Vald period": bara ett val gör det
    d.execute_script("arguments[0].click()", d.find_element(By.CSS_SELECTOR, '.malomradesruta[data-nr="1"] h2 a'))
    WebDriverWait(d, 30).until(lambda d: "/malomrade/1" in d.current_url and d.find_elements(
        By.CSS_SELECTOR, ".atgardsrad"))
    vanta_pa_dash(d)
    assert "period=" not in d.current_url
    assert "Senaste period med rapporterade åtgärder" in d.find_element(By.CSS_SELECTOR, ".chip-period").text
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", d.find_element(By.CSS_SELECTOR, "select.filter-period"))
    Select(d.find_element(By.CSS_SELECTOR, "select.filter-period")).select_by_value("Årsredovisning 2020")
    # periodraden ritas om när valet slår igenom: ett element som just bytts ut är inget fel, bara ett nytt försök
    WebDriverWait(d, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: "Vald period" in d.find_element(By.CSS_SELECTOR, ".chip-period").text)
    assert "period=" in d.current_url


def test_forandringar_sedan_foregaende_period(sida, appserver):
    """Förändringarna jämför bara med värden av samma slag: exemplen i Delår 2 2020 nämns ("förut …
    (exempel)") men är aldrig grund för bättre eller sämre (tests/test_tidigare.py prövar regeln)."""
    period = "Årsredovisning 2020"
    d = sida("/?period=" + quote(period))
    rubrik = d.find_element(By.CSS_SELECTOR, "#forandringar h2").text
    assert rubrik == "Förändringar sedan Delår 2 2020"
    u = appserver["databas"]
    anvand_databas(u)
    vantat, fore = fragor.forandringar(fragor.atgarder(period=period, plan=fragor.los_plan()), fragor.indikatorer(period=period, plan=fragor.los_plan()),
                                       fragor.vald_period(period, plan=fragor.los_plan()), plan=fragor.los_plan())
    assert fore.namn == "Delår 2 2020"
    rader = d.find_elements(By.CSS_SELECTOR, ".forandringsrad")
    assert sorted(r.get_attribute("data-kod") for r in rader) == sorted(vantat.kod)
    rad = d.find_element(By.CSS_SELECTOR, '.forandringsrad[data-kod="2-A01"]')
    assert rad.get_attribute("data-forandring") == "bättre" and "↑ bättre, förut Försenad" in rad.text
    rad = d.find_element(By.CSS_SELECTOR, '.forandringsrad[data-kod="1-A02"]')
    assert rad.get_attribute("data-forandring") == "ingen tidigare rapport"
    assert "? ingen tidigare rapport, förut Pågår enligt plan (exempel)" in rad.text
    # per åtgärd på målområdessidan: exemplet i Delår 2 2020 är ingen försämring av kommunens Genomförd
    d = sida("/malomrade/1?period=" + quote("Delår 2 2020"))
    cell = d.find_element(By.CSS_SELECTOR, 'tr[data-kod="1-A17"] .col-status')
    assert "+ ny rapport" in cell.text and "sämre" not in cell.text


def test_filter_och_exempel_syns_i_sammantradeslaget(sida):
    d = sida("/?enhet=KSK/SHB&status=" + quote("Försenad") + "&visning=mote&period=" + quote("Delår 2 2020"))
    chip = d.find_element(By.CSS_SELECTOR, ".chip-filter")
    assert chip.is_displayed() and chip.text == "Filter: KSK/SHB · Försenad"
    assert d.find_element(By.CSS_SELECTOR, ".chip-exempel").is_displayed()
    assert float(d.execute_script("return parseFloat(getComputedStyle(arguments[0]).fontSize)", chip)) >= 20
    # klistrad överst: syns också längre ned på sidan
    d = sida("/malomrade/1?enhet=KSK/SHB&visning=mote")
    d.execute_script("window.scrollTo({top: 3000, behavior: 'instant'})")
    topp = d.execute_script("return document.querySelector('.chip-filter').getBoundingClientRect().top")
    assert 0 <= topp < 60


@pytest.mark.parametrize("bredd,hojd", STORLEKAR)
def test_budget_i_storbild(sida, storlek, bredd, hojd):
    storlek(bredd, hojd)
    d = sida("/budget?visning=mote")
    # diagramtexten minst 20 px
    storlekar = d.execute_script(
        "return Array.from(document.querySelectorAll('.budgetgraf .xtick text, .budgetgraf .ytick text'))"
        ".map(t => parseFloat(t.style.fontSize))")
    assert storlekar and min(storlekar) >= 20
    # nyckeltalet större än sin rubrik
    for kort in d.find_elements(By.CSS_SELECTOR, ".nyckeltal"):
        v, r = d.execute_script(
            "const k = arguments[0]; const f = s => parseFloat(getComputedStyle(k.querySelector(s)).fontSize);"
            "return [f('.nyckeltal-varde'), f('.nyckeltal-rubrik')];", kort)
        assert v > r * 1.5
    # axeltitlar ("mnkr", "tkr") överlappar inte axelns siffror
    krockar = d.execute_script("""
        const ut = [];
        document.querySelectorAll('.budgetgraf').forEach(g => {
          g.querySelectorAll('.g-xtitle text, .g-ytitle text').forEach(t => {
            const a = t.getBoundingClientRect();
            g.querySelectorAll('.xtick text, .ytick text').forEach(s => {
              const b = s.getBoundingClientRect();
              if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) ut.push(g.id + ': ' + t.textContent + '/' + s.textContent);
            });
          });
        });
        return ut;""")
    assert not krockar, krockar
    # tabellerna ryms utan att rulla i sidled
    bredare = d.execute_script(
        "return Array.from(document.querySelectorAll('.budgetsida .table-responsive'))"
        ".filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1).map(e => e.querySelector('table').id || e.innerText.slice(0, 40))")
    assert not bredare, bredare


@pytest.mark.parametrize("bredd,hojd", [(1920, 1080), (1280, 720), (1024, 768)])
@pytest.mark.parametrize("visning", ["", "&visning=mote"])
def test_markena_stannar_i_sin_cell(sida, storlek, bredd, hojd, visning):
    storlek(bredd, hojd)
    for sokvag in ("/malomrade/1", "/malomrade/6", "/budget"):
        d = sida(sokvag + "?period=" + quote("Delår 2 2020") + visning)
        utanfor = d.execute_script("""
            return Array.from(document.querySelectorAll('td .statusmarke')).filter(m => {
              const a = m.getBoundingClientRect(), c = m.closest('td').getBoundingClientRect();
              return a.width > 0 && (a.left < c.left - 1 || a.right > c.right + 1);
            }).map(m => m.textContent);""")
        assert not utanfor, f"{sokvag} {bredd}: {utanfor}"


@pytest.mark.parametrize("bredd,hojd", STORLEKAR)
def test_indikatorkortet_ryms_pa_en_skarm(sida, storlek, bredd, hojd):
    """I storbild ryms varje indikatorkort (rubrik, mål, utfall och diagram) under lägesraden."""
    storlek(bredd, hojd)
    d = sida("/malomrade/1?visning=mote")
    matt = d.execute_script(
        "const l = document.querySelector('#_pages_content .lagesrad').getBoundingClientRect().height;"
        "return Array.from(document.querySelectorAll('#_pages_content .indikatorkort')).map(k => "
        "[k.getAttribute('data-kod') || k.id, k.getBoundingClientRect().height, window.innerHeight - l]);")
    assert matt
    for kod, h, plats in matt:
        assert h <= plats, f"{kod}: {h:.0f} px men {plats:.0f} px syns"


def test_harledd_status_ar_lasbar_i_storbild(sida):
    """Skälet till en härledd status ("Tidpunkten … passerade …") är minst 20 px i sammanträdesläget."""
    d = sida("/malomrade/5?visning=mote")
    storlekar = d.execute_script("return Array.from(document.querySelectorAll('#_pages_content .status-skal'))"
                                 ".map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert storlekar and min(storlekar) >= 20, storlekar


@pytest.mark.parametrize("bredd,hojd", [(1920, 1080), (1280, 720), (1024, 768)])
@pytest.mark.parametrize("visning", ["", "?visning=mote"])
def test_budgetens_nyckeltal_delar_inga_ord(sida, storlek, bredd, hojd, visning):
    """Nyckeltalen på /budget: varje ord ("mnkr", "rapporterad") ryms på en rad i sitt kort, också i
    normalläget vid 1280 px där fyra kort i bredd gav "mn / kr" och "rappo / rterad"."""
    storlek(bredd, hojd)
    d = sida("/budget" + visning)
    for_breda = d.execute_script("""
        const c = document.createElement('canvas').getContext('2d');
        return Array.from(document.querySelectorAll('.nyckeltal-varde')).flatMap(e => {
          const s = getComputedStyle(e);
          c.font = s.fontWeight + ' ' + s.fontSize + ' ' + s.fontFamily;
          return e.textContent.split(/\\s+/).filter(o => c.measureText(o).width > e.clientWidth + 1)
                  .map(o => o + ' (' + Math.round(c.measureText(o).width) + ' > ' + e.clientWidth + ')');
        });""")
    assert not for_breda, for_breda
