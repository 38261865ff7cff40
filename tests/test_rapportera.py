"""/rapportera och /rapportrunda i webbläsaren: startadministratören laddar upp en rapportmall, en rapportör
rapporterar sina enheters åtgärder och indikatorer i formuläret (förhandsgranskning, spara,
historik) – en låst period går bara att läsa – och rapportrundan (sist i filen)."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import time
from data.lagring.start import anvand_databas
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from openpyxl import load_workbook
from selenium.webdriver.support.ui import Select
from sqlalchemy import func, select

from data.konton import anvandare
from data.uppfoljning import fragor
from data.lagring import db, start
from data.lagring.installningar import Installningar
from data.lagring.models import Konto, Rundahandelse
from data.rapportering import behorighet, rapport, runda
from tests.conftest import starta_server
from tests.test_behorighet import inloggad, logga_in
from tests.test_rapport import _ifylld
from tests.test_sakerhet import Klient, logga_in_i_webblasaren, text_i
from tools.skarmbild import satt_storlek, vanta_pa_dash

HEMLIGHET = "t3st-Hemlighet-med-minst-32-tecken-XyZ-9876"
START = "Start-Lösen-för-test-7x"
LOSEN = "Korrekt-Häst-Batteri-47"


@pytest.fixture(scope="module")
def oppen_server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('rapp') / 'r.sqlite'}"
    proc, bas = starta_server(url, miljo={"MALKOLL_ADMIN_LOSENORD": START, "MALKOLL_EXEMPEL": "av",
                                          "MALKOLL_HEMLIGHET": HEMLIGHET})
    yield {"bas": bas, "databas": url, "logg": proc.loggfil}
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
    assert fragor.atgarder(1, period="Delår 2 2020", plan=fragor.los_plan()).set_index("kod").loc["1-A13"].rapportperiod != "Delår 2 2020"
    knapp = d.find_element(By.ID, "rapp-genomfor")
    assert knapp.is_enabled()
    klicka(d, knapp)
    _vanta_text(d, "#rapp-resultat", "Importen är klar: 5 poster sparade för Delår 2 2020")
    a = fragor.atgarder(1, period="Delår 2 2020", plan=fragor.los_plan()).set_index("kod")
    assert (a.loc["1-A13"].rapporterad_status, a.loc["1-A13"].rapporterad_av) == ("Genomförd", "Startadministratör")   # aldrig inloggningsnamnet (issue 21)
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
    egna = fragor.atgarder(enhet=["KSK/SHB"], roll="ansvarig", period="Delår 2 2020", plan=fragor.los_plan())
    egna_ind = fragor.indikatorer(enhet=["KSK/SHB"], period="Delår 2 2020", plan=fragor.los_plan())
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
    assert fragor.atgarder(period="Delår 2 2020", plan=fragor.los_plan()).set_index("kod").loc[kod].rapportperiod != "Delår 2 2020"
    klicka(d, d.find_element(By.ID, "rf-spara"))
    _vanta_text(d, "#rf-resultat", "Sparat: 1 post för Delår 2 2020")
    a = fragor.atgarder(period="Delår 2 2020", plan=fragor.los_plan()).set_index("kod").loc[kod]
    assert (a.rapporterad_status, a.kommentar, a.rapporterad_av, a.kalla) == (
        "Pågår med avvikelse", "Försenad upphandling.", "Sara Samhälle", "Formulär i webbläsaren")
    # Låst period: bara läsning
    rapport.las_period("Delår 1 2020", "test", True, plan=fragor.los_plan())
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


# --- Rapportrundan (issue 22): /rapportrunda med en runda som pågår, rättigheterna i omspelade Dash-anrop
# (en rapportör markerar inte en annan enhets del klar och godkänner inget; en granskare godkänner bara
# sina enheter), rapportmallen med exakt de rader rapportören får fylla i, och formuläret för rundan vid
# 1280×720: rundans period, vad sidorna visar nu, varning för passerad tidpunkt, bekräftelsen utan att
# rulla och samma tal i förhandsgranskning och bekräftelse. Sist i filen: rundan ändrar standardperioden.

RPLAN, RPERIOD = "KS-2020", "Delår 2 2020"


def _anv(namn: str):
    with db.session() as s:
        k = s.scalars(select(Konto).where(Konto.namn == namn)).one()
        return anvandare.fran_konto(k)


def _rapportera_enhet(anv, enhet: str, antal: int | None = None) -> None:
    fv = runda.forvantat(fragor.los_plan(RPLAN))
    fv = fv[fv.enhet == enhet]
    atg = [k for k in fv.kod[fv.typ == "atgard"]]
    ind = [k for k in fv.kod[fv.typ == "indikator"]]
    koder = (atg + ind)[:antal]
    varden = {"atgarder": {k: {"status": "Pågår enligt plan", "kommentar": "Enligt tidplanen."} for k in atg if k in koder},
              "indikatorer": {k: {"kib": True, "kommentar": "Mäts i december."} for k in ind if k in koder}}
    behorighet.spara(behorighet.granska_formular(anv, RPERIOD, varden, fragor.los_plan(RPLAN)), anv)


@pytest.fixture(scope="module")
def runda_server(oppen_server):
    """oppen_server med en runda för Delår 2 2020 som pågår: enheternas sista dag var i går, en enhet
    godkänd, en klar, en återsänd, en påbörjad, resten ej påbörjade. (Rundans regler körs mot SQLite
    och PostgreSQL i tests/test_runda.py; här prövas sidan, mallen och de omspelade anropen.)"""
    url = oppen_server["databas"]
    start.starta(Installningar(exempel=False).med(databas_url=url), schema=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MALKOLL_HEMLIGHET", HEMLIGHET)
        finns = {k["namn"] for k in anvandare.lista()}
        for namn, roll, enheter, vis in (("ada", "administrator", [], "Ada Admin"),
                                         ("sara", "rapportor", ["KSK/SHB"], "Sara Samhälle"),
                                         ("erik", "rapportor", ["KSK/EKO"], "Erik Ekonom"),
                                         ("greta", "granskare", ["KSK/SHB"], "Greta Granskare")):
            if namn not in finns:
                anvandare.lagg_till(namn, roll, enheter, LOSEN, vis)
    ada, sara, erik = _anv("ada"), _anv("sara"), _anv("erik")
    idag = dt.date.today()
    runda.oppna(ada, fragor.los_plan(RPLAN), RPERIOD, idag + dt.timedelta(days=5), idag - dt.timedelta(days=1))
    _rapportera_enhet(sara, "KSK/SHB")
    runda.markera_klar(sara, fragor.los_plan(RPLAN), RPERIOD, "KSK/SHB")
    _rapportera_enhet(erik, "KSK/EKO/Kvalitet")
    runda.markera_klar(erik, fragor.los_plan(RPLAN), RPERIOD, "KSK/EKO/Kvalitet")
    runda.godkann(ada, fragor.los_plan(RPLAN), RPERIOD, "KSK/EKO/Kvalitet")
    _rapportera_enhet(ada, "KSK/HR")
    runda.markera_klar(ada, fragor.los_plan(RPLAN), RPERIOD, "KSK/HR")
    runda.atersand(ada, fragor.los_plan(RPLAN), RPERIOD, "KSK/HR", "Kommentera personalomsättningen.")
    _rapportera_enhet(erik, "KSK/EKO", 5)
    return oppen_server


def _knapp(k: Klient, typ: str, enhet: str, kommentar: str | None = None):
    """Spela upp /rapportrundans knappanrop (mönster-id:n som Dash skickar dem) för en enhet."""
    cb = next(c for c in k.deps if any(isinstance(i["id"], str) and '"rr-godkann"' in i["id"] for i in c["inputs"]))
    knapp = {"enhet": enhet, "typ": typ}
    inputs = [[{"id": {"enhet": enhet, "typ": t}, "property": "n_clicks", "value": 1 if t == typ else None}]
              for t in ("rr-klar", "rr-godkann", "rr-atersand")]
    state = [[{"id": {"enhet": enhet, "typ": "rr-kommentar"}, "property": "value", "value": kommentar}],
             [{"id": {"enhet": enhet, "typ": "rr-kommentar"}, "property": "id",
               "value": {"enhet": enhet, "typ": "rr-kommentar"}}],
             {"id": "rr-sida", "property": "data", "value": {"plan": RPLAN, "period": RPERIOD}}]
    delar = cb["output"].removeprefix("..").removesuffix("..").split("...")
    kropp = {"output": cb["output"], "outputs": [{"id": d.rsplit(".", 1)[0], "property": d.rsplit(".", 1)[1]}
                                                  for d in delar],
             "inputs": inputs, "state": state,
             "changedPropIds": [json.dumps(knapp, sort_keys=True, separators=(",", ":")) + ".n_clicks"]}
    req = urllib.request.Request(k.bas + "/_dash-update-component", data=json.dumps(kropp).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Origin": k.bas})
    with k.oppnare.open(req, timeout=120) as r:
        return text_i(json.loads(r.read()))


def _id_i(svar) -> list[dict]:
    """Alla mönster-id:n (dict) i ett Dash-svar."""
    ut = []

    def gå(x):
        if isinstance(x, dict):
            if isinstance(x.get("id"), dict):
                ut.append(x["id"])
            for v in x.values():
                gå(v)
        elif isinstance(x, list):
            for v in x:
                gå(v)
    gå(svar)
    return ut


def _knappar(k: Klient) -> list[tuple[str, str]]:
    """/rapportrundans knappar (typ, enhet) som Dash ritar sidan för den inloggade."""
    status, _, sida = k.callback("_pages_content.children", {"_pages_location.pathname": "/rapportrunda",
                                                             "_pages_location.search": ""})
    assert status == 200 and "rr-tabell" in json.dumps(sida)
    return [(m["typ"], m["enhet"]) for m in _id_i(sida) if m.get("typ") in ("rr-klar", "rr-godkann", "rr-atersand")]


def _handelser() -> int:
    with db.session() as s:
        return s.scalar(select(func.count(Rundahandelse.id)))


def test_rattigheterna_i_omspelade_anrop(runda_server):
    start.starta(Installningar(exempel=False).med(databas_url=runda_server["databas"]), schema=False)
    sara = Klient(runda_server["bas"])
    assert logga_in(sara, "sara") == 200 and inloggad(sara)
    # Sidan som Dash ritar den: rapportören får ingen godkänn- eller återsänd-knapp och bara klar för sina
    # enheter; granskaren får godkänn för sin klara enhet och inget för andras
    greta = Klient(runda_server["bas"])
    assert logga_in(greta, "greta") == 200
    assert {("rr-klar", e) for t, e in _knappar(sara) if t == "rr-klar"} == set(_knappar(sara))
    assert all(runda.tacker(["KSK/SHB"], e) for _, e in _knappar(sara))
    assert ("rr-godkann", "KSK/SHB") in _knappar(greta)
    assert all(runda.tacker(["KSK/SHB"], e) for _, e in _knappar(greta))
    fore = _handelser()
    svar = _knapp(sara, "rr-klar", "KSK/EKO")                       # en annan enhets del
    assert "Du får inte markera KSK/EKO klar" in svar and _handelser() == fore
    svar = _knapp(sara, "rr-godkann", "KSK/SHB")                    # sin egen – men rapportörer godkänner inte
    assert "Du får inte godkänna KSK/SHB" in svar and _handelser() == fore
    svar = _knapp(sara, "rr-atersand", "KSK/SHB", "Själv")
    assert "Du får inte återsända" in svar and _handelser() == fore
    svar = _knapp(greta, "rr-godkann", "KSK/EKO/Kvalitet")           # inte hennes enhet
    assert "Du får inte godkänna KSK/EKO/Kvalitet" in svar and _handelser() == fore
    anonym = Klient(runda_server["bas"])
    assert "inte inloggad" in _knapp(anonym, "rr-godkann", "KSK/SHB") and _handelser() == fore
    # Kontrollfallet: granskaren godkänner sin egen enhets klara del
    assert "KSK/SHB är godkänd" in _knapp(greta, "rr-godkann", "KSK/SHB") and _handelser() == fore + 1
    assert runda.delar(runda.hamta(fragor.los_plan(RPLAN), RPERIOD)).set_index("enhet").loc["KSK/SHB"].tillstand == runda.GODKAND
    assert "vägrades" in open(runda_server["logg"], encoding="utf-8").read()
    # Att öppna (ändra) rundan i appen: bara administratören
    idag = dt.date.today()
    state = {"rr-oppna-period.value": RPERIOD, "rr-oppna-sista.value": f"{idag + dt.timedelta(days=5):%Y-%m-%d}",
             "rr-oppna-enheter.value": f"{idag - dt.timedelta(days=1):%Y-%m-%d}",
             "rr-sida.data": {"plan": RPLAN, "period": RPERIOD}}
    fore = _handelser()
    assert "Bara en administratör får öppna" in text_i(sara.callback("rr-besked.children", {"rr-oppna.n_clicks": 1},
                                                                      state)[2])
    assert _handelser() == fore
    ada = Klient(runda_server["bas"])
    assert logga_in(ada, "ada") == 200
    assert "Rundan för Delår 2 2020 är sparad" in text_i(ada.callback("rr-besked.children", {"rr-oppna.n_clicks": 1},
                                                                       state)[2])
    assert _handelser() == fore + 1 and runda.hamta(fragor.los_plan(RPLAN), RPERIOD).sista_dag_enheter == idag - dt.timedelta(days=1)


def test_rapportmallen_har_raderna_rapportoren_far_fylla_i(runda_server):
    """Mallen från en sida med enhetsfilter och från /rapportera: exakt raderna rapportören får fylla i
    (inte åtgärder där enheten bara är i samverkan), inga blad för inriktningsmål och budget – och en
    sådan mall går att läsa in."""
    start.starta(Installningar(exempel=False).med(databas_url=runda_server["databas"]), schema=False)
    sara = _anv("sara")

    def rader(data: bytes) -> tuple[list[str], list]:
        wb = load_workbook(io.BytesIO(data))
        return wb.sheetnames, [wb[b].cell(r, 1).value for b in ("Åtgärder", "Indikatorer")
                               for r in range(3, wb[b].max_row + 1)]
    atg, ind = behorighet.formular(sara, RPERIOD, fragor.los_plan(RPLAN))
    blad, koder = rader(behorighet.mall(sara, RPERIOD, fragor.los_plan(RPLAN)))
    assert blad == ["Instruktioner", "Åtgärder", "Indikatorer"] and koder == list(atg.kod) + list(ind.kod)
    alla = set(fragor.atgarder(enhet=["KSK/SHB/MEX"], period=RPERIOD, plan=fragor.los_plan(RPLAN)).kod)   # också i samverkan
    blad, koder = rader(behorighet.mall(sara, RPERIOD, fragor.los_plan(RPLAN), ["KSK/SHB/MEX"]))
    egna_mex = [k for k in atg.kod if k in alla]
    assert [k for k in koder if "-A" in k] == egna_mex and len(egna_mex) < len(alla)
    # Bara rader hen får fylla i, och den går att läsa in (utan bladen för inriktningsmål och budget)
    wb = load_workbook(io.BytesIO(behorighet.mall(sara, RPERIOD, fragor.los_plan(RPLAN))))
    ws = wb["Åtgärder"]
    ws.cell(3, 9, "Genomförd")
    ut = io.BytesIO()
    wb.save(ut)
    fg = rapport.las_rapport(ut.getvalue(), "sara.xlsx")
    behorighet.kontrollera_skrivningar(fg, sara)          # skrivmängden, inte en andra läsning
    assert fg.poster == 1 and fg.antal_text().startswith("1 post (")
    # En administratör får hela mallen
    assert rader(behorighet.mall(_anv("ada"), RPERIOD, fragor.los_plan(RPLAN)))[0][-2:] == ["Inriktningsmål", "Budget"]


def _synlig(d, css: str) -> bool:
    return d.execute_script("var r = document.querySelector(arguments[0]).getBoundingClientRect();"
                            "return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;", css)


def _vanta(d, villkor, tid: float = 60):
    slut = time.time() + tid
    while time.time() < slut:
        try:
            v = villkor()
            if v:
                return v
        except Exception:  # noqa: BLE001 - Dash ritar om medan vi läser
            pass
        time.sleep(0.2)
    raise AssertionError("villkoret uppfylldes inte")


def test_formularet_och_rundan_i_webblasaren_1280x720(webblasare, runda_server, tmp_path):
    d = webblasare
    bas = runda_server["bas"]
    skarm = Path(os.environ.get("MALKOLL_SKARMBILDER") or tmp_path)
    d.get_log("browser")
    d.delete_all_cookies()
    satt_storlek(d, 1280, 720)
    try:
        # Rapportören: /rapportera utan period öppnar rundans period
        logga_in_i_webblasaren(d, bas, "erik", LOSEN, "/rapportera")
        _vanta(d, lambda: "Rapportrundan för Delår 2 2020" in d.find_element(By.ID, "rapp-runda").text)
        aktiv = d.find_element(By.CSS_SELECTOR, "nav[aria-label='Period att rapportera'] .active").text
        assert aktiv == RPERIOD
        rader = [r.get_attribute("data-kod") for r in d.find_elements(By.CSS_SELECTOR, "#rapp-formular tr[data-kod]")]
        formular = d.find_element(By.ID, "rapp-formular").text
        assert "Visas nu: " in formular and "Senast rapporterat: Pågår enligt plan (Delår 2 2020, " in formular
        assert "sidorna visar Försenad vad du än rapporterar, utom Genomförd eller Struken" in formular

        # Mallen från /rapportera: exakt formulärets rader, inga blad för inriktningsmål och budget
        d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
        d.find_element(By.ID, "rf-mall").click()
        fil = _vanta(d, lambda: next(iter(tmp_path.glob("rapportmall_*.xlsx")), None))
        wb = load_workbook(io.BytesIO(_vanta(d, lambda: fil.read_bytes() if fil.stat().st_size else None)))
        assert wb.sheetnames == ["Instruktioner", "Åtgärder", "Indikatorer"]
        i_mallen = [ws.cell(r, 1).value for ws in (wb["Åtgärder"], wb["Indikatorer"]) for r in range(3, ws.max_row + 1)]
        assert i_mallen == rader

        # Fyll i en rad långt ned, förhandsgranska och spara: bekräftelsen syns där användaren är
        kod = rader[len([r for r in rader if "-A" in r]) - 1]
        rad = d.find_element(By.CSS_SELECTOR, f'#rapp-formular tr[data-kod="{kod}"]')
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", rad)
        Select(rad.find_element(By.CSS_SELECTOR, "select")).select_by_visible_text("Genomförd")
        d.find_element(By.ID, "rf-forhandsgranska").click()
        fg = _vanta(d, lambda: d.find_element(By.ID, "rf-granskning").text)
        assert "Klickar du Spara sparas 1 post (" in fg
        d.find_element(By.ID, "rf-spara").click()
        _vanta(d, lambda: "Sparat: 1 post för Delår 2 2020" in d.find_element(By.ID, "rf-resultat").text)
        assert _synlig(d, "#rf-resultat"), "bekräftelsen syns inte utan att rulla"
        assert d.find_element(By.ID, "rf-resultat").get_attribute("aria-live") == "polite"
        d.save_screenshot(str(skarm / "rapportera_bekraftelse_1280.png"))

        # Administratören följer rundan
        d.delete_all_cookies()
        logga_in_i_webblasaren(d, bas, "ada", LOSEN, "/rapportrunda")
        d.get(bas + "/rapportrunda")
        vanta_pa_dash(d)
        start.starta(Installningar(exempel=False).med(databas_url=runda_server["databas"]), schema=False)
        vantat = runda.sammanfattning(runda.delar(runda.hamta(fragor.los_plan(RPLAN), RPERIOD)))
        assert vantat.startswith("2 av ")                                # KSK/SHB och KSK/EKO/Kvalitet
        assert _vanta(d, lambda: d.find_element(By.ID, "rr-sammanfattning").text) == vantat
        tabell = d.find_element(By.ID, "rr-tabell").text
        assert "Återsänd" in tabell and "Kommentera personalomsättningen." in tabell and "Sen" in tabell
        d.save_screenshot(str(skarm / "rapportrunda_1280.png"))
        from tools.axe import kor_axe
        fel = kor_axe(d)
        assert fel == [], "\n".join(f"{v['id']}: {v['help']} {v['noder']}" for v in fel)
        d.find_element(By.LINK_TEXT, d.find_element(By.CSS_SELECTOR, "#rr-filter a:nth-child(3)").text).click()
        _vanta(d, lambda: "filter=sena" in d.current_url)
        vanta_pa_dash(d)
        enheter = [r.get_attribute("data-enhet") for r in d.find_elements(By.CSS_SELECTOR, "#rr-tabell tr[data-enhet]")]
        assert "KSK/EKO/Kvalitet" not in enheter and "KSK/EKO" in enheter and "KSK/SHB" not in enheter
        assert "Skickade e-brev" in d.find_element(By.ID, "_pages_content").text
        d.save_screenshot(str(skarm / "rapportrunda_sena_1280.png"))
        fel = [r for r in d.get_log("browser") if r["level"] == "SEVERE"]
        assert not fel, fel
    finally:
        satt_storlek(d, 1920, 1080)
        d.delete_all_cookies()
