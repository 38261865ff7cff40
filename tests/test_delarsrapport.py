"""Delårsrapporten (issue 23): analystexterna skrivs i webbläsaren av en administratör (versioner, låsning,
behörighet), och rapporten som Word och PDF öppnas med python-docx och pypdf: målområdenas rubriker,
periodens åtgärder med statusord, indikatorerna med mål och utfall i svenskt format, analystexten,
budgetens avvikelser som på /budget, PDF:ens struktur, språk, titel och bokmärken, den filtrerade
rapporten, samma data → samma fil, en annan plans form och kommunens Word-mall."""
from __future__ import annotations

import datetime as dt
from data.lagring.start import anvand_databas
import io
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from data.konton import anvandare
from data.konton.anvandare import Anvandare
from data.lagring import installningar, start
from data.rapportering import analys, rapport
from data.rapportering.behorighet import Behorighetsfel
from data.rapportering.rapportfil import Importfel
from data.uppfoljning import analysfragor, budgetfragor, fragor
from data.uppfoljning.urval import Urval
from data.utdata import delarsrapport
from data.utdata.delarsrapport import modell, word
from tests.conftest import ROT, starta_server

PERIOD = "Delår 2 2020"
P = "?period=" + quote(PERIOD)
START = "Start-Lösen-för-test-7x"
HEMLIGHET = "t3st-Hemlighet-för-delarsrapport-XyZ-98765"
LOSEN = "Korrekt-Häst-Batteri-47"
TEXT_1 = "Ekonomistyrningen har förbättrats under perioden."
TEXT_2 = "Ekonomistyrningen har förbättrats.\n\n- Prognosen visar överskott\n- Investeringarna följer plan"
ADMIN = Anvandare(None, "admin", "Startadministratör", "administrator", ())


def anvand(url: str) -> None:
    """Gör databasen till processens databas (som kommandona gör med DATABASE_URL)."""
    start.starta(installningar.aktuella().med(databas_url=url))


def hamta(bas: str, vag: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(bas + vag, timeout=300) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def _vanta(villkor, tid: float = 90, text: str = ""):
    slut = time.time() + tid
    while time.time() < slut:
        v = villkor()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError(f"Villkoret uppfylldes inte: {text}")


def _text_i(d, css: str) -> str:
    from selenium.common.exceptions import StaleElementReferenceException
    try:
        return " ".join(e.text for e in d.find_elements(By.CSS_SELECTOR, css))
    except StaleElementReferenceException:
        return ""


# --- Rena regler ---

def test_texten_blir_stycken_och_punktlistor():
    b = modell.textblock("Första stycket\nfortsätter här.\n\n- ett\n- två\n  och mer\n\nSista.")
    assert b == [modell.Stycke("Första stycket fortsätter här."), modell.Punktlista(("ett", "två och mer")),
                 modell.Stycke("Sista.")]
    assert modell.textblock("  \n\n ") == []
    assert analysfragor.bedomningsrubrik({"namnd": "Kommunstyrelsen"}) == "Kommunstyrelsens bedömning av framsteg"
    assert analysfragor.bedomningsrubrik({"namnd": "Barn- och utbildningsnämnd"}).startswith("Barn- och utbildningsnämnds ")
    assert "Kan inte bedömas" in analysfragor.skala("malomrade") and "Kan inte bedömas" in analysfragor.skala("inriktningsmal")
    assert analysfragor.skala("plan") == ()



def test_diagrammet_beror_bara_pa_sin_data():
    """Figuren återanvänds mellan diagrammen: ett diagram ritat efter ett annat är samma bild som
    ritat först (i en ny tråd, alltså en ny figur), och olika data ger olika bilder."""
    import threading
    from PIL import Image
    from data.utdata.delarsrapport import diagram
    a = {"nuvarde": (dt.date(2020, 12, 31), 1.5, "Nuvärde 2020"),
         "mal": [(dt.date(2021, 12, 31), 0.5, "Mål 2021"), (dt.date(2022, 12, 31), -3.0, "Mål 2022")],
         "utfall": [(dt.date(2021, 8, 31), -1.0, "Delår 2 2021", True, "rapporterat", None, None, "x")]}
    b = {"nuvarde": None, "mal": [(dt.date(2021, 12, 31), -7.8, "Mål 2021")],
         "utfall": [(dt.date(2021, 4, 30), 2.2, "Tertial 1 2021", True, "exempel", None, None, "x")]}

    def rita(*serier) -> list[bytes]:      # förbi cacharna: ritat varje gång
        ut: list[bytes] = []
        t = threading.Thread(target=lambda: ut.extend(diagram._rita_png(diagram.serier_tuple(s), "%")
                                                      for s in serier))
        t.start()
        t.join()
        return ut

    ensam_b = rita(b)[0]
    a_forst, b_efter = rita(a, b)
    assert b_efter == ensam_b and a_forst != ensam_b
    assert rita(a)[0] == a_forst
    assert Image.open(io.BytesIO(ensam_b)).mode == "RGB"


def test_diagrammen_delas_genom_lagret_under_en_nyckel_ur_datan(tmp_path, monkeypatch):
    """En annan arbetsprocess (här: processens minne tömt) läser bilden ur det delade lagret i stället för
    att rita; nyckeln är datans; ett värde som inte är en PNG ritas om."""
    from data.lagring import delat
    from data.utdata.delarsrapport import diagram
    monkeypatch.setenv("MALKOLL_CACHE_DIR", str(tmp_path / "lager"))
    monkeypatch.delenv("REDIS_URL", raising=False)
    installningar.glom()
    delat.glom()
    s = {"nuvarde": None, "mal": [(dt.date(2021, 12, 31), 12.5, "Mål 2021")],
         "utfall": [(dt.date(2021, 4, 30), 9.0, "Tertial 1 2021", True, "rapporterat", None, None, "x")]}
    t = diagram.serier_tuple(s)
    nyckel = diagram.lagernyckel(t, "%")
    try:
        assert delat.lager().hamta(nyckel) is None
        diagram._ritad.cache_clear()
        bild = diagram.png(s, "%")
        assert delat.lager().hamta(nyckel) == bild == diagram._rita_png(t, "%")
        diagram._ritad.cache_clear()
        delat.lager().spara(nyckel, diagram.PNG_SIGNATUR + b"ur lagret")
        assert diagram.png(s, "%") == diagram.PNG_SIGNATUR + b"ur lagret"
        diagram._ritad.cache_clear()
        delat.lager().spara(nyckel, b"inte en bild")
        assert diagram.png(s, "%") == bild
        annan = {**s, "mal": [(dt.date(2021, 12, 31), 12.6, "Mål 2021")]}
        assert nyckel not in (diagram.lagernyckel(t, "mnkr"), diagram.lagernyckel(diagram.serier_tuple(annan), "%"))
    finally:
        diagram._ritad.cache_clear()
        delat.glom()

# --- Analystexterna i databasen (SQLite och PostgreSQL) ---

def test_analystexter_versioneras_lases_med_perioden_och_kraver_administrator(tom_databas):
    from data.planen import ladda
    anvand_databas(tom_databas)
    ladda.ladda_plan()
    anvand(tom_databas)
    plan = fragor.los_plan()
    ny = [analys.Andring("malomrade", "1", "Delvis i fas", TEXT_1), analys.Andring("plan", "", None, "Sammanfattat.")]
    assert analys.spara(plan, PERIOD, ny, ADMIN) == 2
    assert analys.spara(plan, PERIOD, ny, ADMIN) == 0                        # oförändrat: ingen ny version
    assert analys.spara(plan, PERIOD, [analys.Andring("malomrade", "1", "I fas", TEXT_2)], ADMIN) == 1
    for roll, enheter in (("lasare", ()), ("rapportor", ("KSK/EKO",))):
        with pytest.raises(Behorighetsfel):
            analys.spara(plan, PERIOD, ny, Anvandare(7, "x", "X", roll, enheter))
    for fel, andring in (("skalan", analys.Andring("malomrade", "1", "Jättebra", "")),
                         ("finns inte i planen", analys.Andring("malomrade", "99", None, "x")),
                         ("ingen bedömning", analys.Andring("plan", "", "I fas", "x"))):
        with pytest.raises(Importfel) as e:
            analys.spara(plan, PERIOD, [andring], ADMIN)
        assert fel in " ".join(e.value.fel)
    h = analysfragor.historik(plan, PERIOD, "malomrade", "1")
    assert list(h.version) == [2, 1] and list(h.text) == [TEXT_2, TEXT_1]
    assert list(h.skriven_av) == ["Startadministratör"] * 2     # aldrig inloggningsnamnet (issue 21 fynd 5)
    g = analysfragor.som_karta(analysfragor.gallande(plan, PERIOD))
    assert g[("malomrade", "1")]["text"] == TEXT_2 and g[("malomrade", "1")]["bedomning"] == "I fas"
    rapport.las_period(PERIOD, "test", True, plan=fragor.los_plan())
    with pytest.raises(Importfel) as e:
        analys.spara(plan, PERIOD, [analys.Andring("malomrade", "1", None, "ändrat efter låsningen")], ADMIN)
    assert "låst" in e.value.fel[0]
    assert len(analysfragor.historik(plan, PERIOD)) == 3


# --- Webbläsaren, webbvägarna, export och API ---

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('delar') / 'd.sqlite'}"
    proc, bas = starta_server(url, miljo={"MALKOLL_ADMIN_LOSENORD": START, "MALKOLL_HEMLIGHET": HEMLIGHET})
    yield {"bas": bas, "databas": url}
    proc.terminate()
    proc.wait(10)


def _fyll_och_spara(d, text: str, bedomning: str) -> None:
    from selenium.webdriver.common.keys import Keys
    falt = d.find_element(By.CSS_SELECTOR, '[data-niva="malomrade"][data-nyckel="1"] textarea')
    falt.send_keys(Keys.CONTROL, "a")
    falt.send_keys(Keys.DELETE)
    falt.send_keys(text)
    Select(d.find_element(By.CSS_SELECTOR, '[data-niva="malomrade"][data-nyckel="1"] select')
           ).select_by_visible_text(bedomning)
    d.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()",
                     d.find_element(By.ID, "analys-spara"))


@pytest.fixture(scope="module")
def skrivet(server, webblasare):
    """Startadministratören skriver bedömningen för målområde 1 i webbläsaren, två gånger (två versioner)."""
    from tests.test_sakerhet import logga_in_i_webblasaren
    from tools.skarmbild import vanta_pa_dash
    d = webblasare
    d.get_log("browser")
    d.delete_all_cookies()
    logga_in_i_webblasaren(d, server["bas"], "admin", START, "/analys" + P)
    _vanta(lambda: d.find_elements(By.ID, "analys-formular"), text="formuläret")
    assert "Kommunstyrelsens bedömning av framsteg" in _text_i(d, "#analys-formular")
    for text, bedomning in ((TEXT_1, "Delvis i fas"), (TEXT_2, "I fas")):
        _fyll_och_spara(d, text, bedomning)
        _vanta(lambda: "Sparat: 1 text" in _text_i(d, "#analys-resultat"), text=f"sparningen av {bedomning}")
        d.get(server["bas"] + "/analys" + P)
        vanta_pa_dash(d)
        _vanta(lambda: d.find_elements(By.ID, "analys-formular"), text="formuläret efter omladdningen")
    historik = _vanta(lambda: _text_i(d, "#analys-historik"), text="historiken")
    assert "Ekonomistyrningen har förbättrats under perioden." in historik and historik.count("Startadministratör") >= 2
    from tools.axe import kor_axe       # formuläret och historiken: etiketter, kontrast, rubriker
    fel = kor_axe(d)
    assert fel == [], "\n".join(f"{v['id']}: {v['help']} {v['noder']}" for v in fel)
    fel = [r for r in d.get_log("browser") if r["level"] == "SEVERE"]
    assert not fel, fel
    d.delete_all_cookies()
    return TEXT_2


@pytest.fixture(scope="module")
def docx_fil(server, skrivet):
    status, typ, data = hamta(server["bas"], "/export/delarsrapport.docx" + P)
    assert status == 200 and typ.startswith(word.MIMETYP)
    return data


@pytest.fixture(scope="module")
def pdf_fil(server, skrivet):
    status, typ, data = hamta(server["bas"], "/export/delarsrapport.pdf" + P)
    assert status == 200 and typ.startswith("application/pdf")
    return data


def _tabellrader(d: docx.document.Document) -> list[list[str]]:
    return [[c.text for c in r.cells] for t in d.tables for r in t.rows]


def test_word_har_malomraden_atgarder_indikatorer_analys_och_budget(server, docx_fil):
    from komponenter.budget import belopp
    from komponenter.indikatorer import _varde
    url = server["databas"]
    d = docx.Document(io.BytesIO(docx_fil))
    rubriker = {p.text: p.style.name for p in d.paragraphs if p.style.name.startswith("Heading")}
    anvand_databas(url)
    for m in fragor.malomraden(plan=fragor.los_plan()).itertuples():
        assert rubriker.get(f"Målområde {m.nr}: {m.titel}") == "Heading 1"
    assert rubriker.get("Kommunstyrelsens bedömning av framsteg") == "Heading 2"
    assert rubriker.get("Budgetuppföljning") == "Heading 1" and rubriker.get("Arbetsgivare") == "Heading 1"
    text = "\n".join(p.text for p in d.paragraphs)
    assert "Ekonomistyrningen har förbättrats." in text and "Prognosen visar överskott" in text
    assert "Bedömning: ✓ I fas" in text
    rader = _tabellrader(d)
    per_id = {r[0].split(" ", 1)[0]: r for r in rader if r}
    atg = fragor.atgarder(period=PERIOD, plan=fragor.los_plan())
    assert len(atg) > 50
    for a in atg.itertuples():
        assert per_id[a.kod][3].endswith(a.status), (a.kod, per_id[a.kod][3], a.status)
    ind = fragor.indikatorer(period=PERIOD, plan=fragor.los_plan())
    for r in ind.to_dict("records"):
        rad = per_id[r["kod"]]
        enhet = r.get("mattenhet") or ""
        assert rad[2] == (_varde(r.get("mal_2020"), r.get("mal_2020_text"), enhet) or "–"), r["kod"]
        utfall = _varde(r.get("utfall_varde"), r.get("utfall_text"), enhet)
        assert rad[3].removesuffix(" (exempel)") == (utfall or "Ej rapporterad"), r["kod"]
        assert rad[4].endswith(r["status"])
        assert not re.search(r"\d\.\d", rad[3])
    # Budgetens avvikelser som på /budget (tkr)
    for tabell in ("drift_per_verksamhet", "driftbudget"):
        for r in budgetfragor.uppfoljning(tabell, PERIOD, plan=fragor.los_plan()).to_dict("records"):
            if belopp(r["avvikelse"], "tkr"):
                post = ("– " if r["typ"] == "varav" else "") + r["post"]
                traff = [x for x in rader if x[0] == post and x[4] == belopp(r["avvikelse"], "tkr")]
                assert traff, (tabell, r["post"], belopp(r["avvikelse"], "tkr"))
    # Tillgängligt: rubrikraden upprepas, bilderna har textalternativ, språket är svenska
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in d.tables)
    alt = [e.get("descr") for e in d.element.body.iter(qn("wp:docPr"))]
    assert alt and all(a and a.startswith("Diagram för ") for a in alt)
    # bara utfall till och med rapportens period (Årsredovisning 2022 är publicerad men hör inte hit)
    assert not [a for a in alt if re.search(r"(Delår \d|Årsredovisning) 202[12]", a)]
    assert any("Delår 2 2020" in a for a in alt)
    assert d.core_properties.language == "sv-SE" and d.core_properties.title.endswith(PERIOD)


def test_pdf_ar_taggad_med_sprak_titel_och_bokmarken(server, pdf_fil):
    url = server["databas"]
    r = PdfReader(io.BytesIO(pdf_fil))
    rot = r.trailer["/Root"]
    assert "/StructTreeRoot" in rot and rot["/MarkInfo"]["/Marked"]
    assert rot["/Lang"] == "sv"
    assert r.metadata.title == f"Kommunstyrelsens verksamhetsplan 2020 – {PERIOD}"
    toppniva = [o.title for o in r.outline if not isinstance(o, list)]
    anvand_databas(url)
    for m in fragor.malomraden(plan=fragor.los_plan()).itertuples():
        assert toppniva.count(f"Målområde {m.nr}: {m.titel}") == 1
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in r.pages))
    assert "Ekonomistyrningen har förbättrats." in text and "Prognosen visar överskott" in text
    for kod in fragor.atgarder(period=PERIOD, plan=fragor.los_plan()).kod:
        assert kod in text
    for kod in fragor.indikatorer(period=PERIOD, plan=fragor.los_plan()).kod:
        assert kod in text


def test_filtrerad_rapport_har_bara_enhetens_atgarder(server, skrivet):
    status, _typ, data = hamta(server["bas"], "/export/delarsrapport.docx" + P + "&enhet=ksk/eko")
    assert status == 200
    d = docx.Document(io.BytesIO(data))
    ids = {r[0].split(" ", 1)[0] for r in _tabellrader(d) if re.fullmatch(r"\d+-A\d+", r[0].split(" ", 1)[0])}
    anvand_databas(server["databas"])
    forv = set(fragor.atgarder(enhet=["KSK/EKO"], period=PERIOD, plan=fragor.los_plan()).kod)
    assert ids == forv and 0 < len(forv) < 80
    assert any("Urval: enhet KSK/EKO" in p.text for p in d.paragraphs)


def test_okanda_varden_vagras_som_i_exporten(server):
    for fraga, ord_ in (("?enhet=NOPE", "okänd enhet ”NOPE”"), ("?period=Delår 9 2031", "okänd period"),
                        ("?status=Kanske", "okänd status"), ("?plan=XX-1", "okänd plan")):
        svar = [hamta(server["bas"], v + quote(fraga, safe="?=")) for v in
                ("/export/malkoll.xlsx", "/export/delarsrapport.docx", "/export/delarsrapport.pdf")]
        assert {s[0] for s in svar} == {400}
        assert ord_ in svar[1][2].decode() and svar[1][2] == svar[2][2] == svar[0][2]


def test_analystexten_i_export_och_api(server, skrivet):
    from openpyxl import load_workbook
    status, _t, data = hamta(server["bas"], "/export/malkoll.xlsx" + P)
    ws = load_workbook(io.BytesIO(data))["Analystexter"]
    rader = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    anvand_databas(server["databas"])
    assert ["Målområde", "1", fragor.malomraden(plan=fragor.los_plan()).titel.iloc[0], "I fas", TEXT_2] == rader[0][:5]
    import json
    status, _t, data = hamta(server["bas"], "/api/v1/analystexter" + P)
    rader = json.loads(data)["data"]
    assert [(r["niva"], r["nyckel"], r["bedomning"], r["text"], r["version"]) for r in rader] == [
        ("malomrade", "1", "I fas", TEXT_2, 2)]
    status, _t, data = hamta(server["bas"], "/api/v1/analystexter" + P + "&historik=ja")
    assert [r["version"] for r in json.loads(data)["data"]] == [2, 1]
    assert hamta(server["bas"], "/api/v1/analystexter?historik=kanske")[0] == 400


def test_lasare_och_rapportor_vagras_i_formular_och_aterspelad_callback(server, skrivet, webblasare):
    from tests.test_sakerhet import Klient, logga_in, logga_in_i_webblasaren, text_i
    url = server["databas"]
    anvand_databas(url)
    befintliga = [k["namn"] for k in anvandare.lista()]
    for namn, roll, enheter in (("lisa", "lasare", []), ("rolf", "rapportor", ["KSK/EKO"]),
                                ("anna", "administrator", [])):
        if namn not in befintliga:
            anvand_databas(url)
            anvandare.lagg_till(namn, roll, enheter, LOSEN, namn.title())
    d = webblasare
    d.delete_all_cookies()
    # Översiktens knappar: rapporten för sidans period och filter
    from tools.skarmbild import vanta_pa_dash
    d.get(server["bas"] + "/" + P + "&enhet=KSK/EKO")
    vanta_pa_dash(d)
    for id_, slut in (("rapport-word", ".docx"), ("rapport-pdf", ".pdf")):
        knapp = _vanta(lambda: d.find_elements(By.ID, id_), text=id_)[0]
        assert knapp.text.endswith(("Delårsrapport (Word)", "Delårsrapport (PDF)"))
        href = knapp.get_attribute("href")
        assert f"/export/delarsrapport{slut}?" in href and "enhet=KSK/EKO" in href and "period=Del" in href
    for namn in ("lisa", "rolf"):          # läsaren och rapportören får inget formulär
        logga_in_i_webblasaren(d, server["bas"], namn, LOSEN, "/analys" + P)
        _vanta(lambda: "skrivs av administratörer" in _text_i(d, ".alert"), text=f"stängd för {namn}")
        assert not d.find_elements(By.CSS_SELECTOR, "textarea")
        d.delete_all_cookies()
    # Som Dash skickar det (sidor/analys.py spara: sidan, texternas value och id, bedömningarnas value
    # och id): ett ALL-mönster är en lista med ett objekt per komponent, så anropet passerar
    # sidor/_sakerhet.py:s prövning mot definitionen och når behörighetsprövningen
    text_id = {"typ": "analys-text", "niva": "malomrade", "nyckel": "1"}
    state = [{"id": "analys-sida", "property": "data", "value": {"plan": "KS-2020", "period": PERIOD}},
             [{"id": text_id, "property": "value", "value": "Inbrytning"}],
             [{"id": text_id, "property": "id", "value": text_id}],
             [], []]
    for namn in ("lisa", "rolf"):
        k = Klient(server["bas"])
        logga_in(k, LOSEN, namn)
        status, _h, svar = k.dash_anrop("analys-resultat.children", {"analys-spara.n_clicks": 1}, state)
        assert status == 200 and "Ingen behörighet" in text_i(svar), (namn, svar)
    anvand(url)
    assert len(analysfragor.historik(fragor.los_plan("KS-2020"), PERIOD)) == 2
    # Låst period: inte ens en administratör ändrar (återspelad callback)
    rapport.las_period(PERIOD, "test", True, plan=fragor.los_plan())
    k = Klient(server["bas"])
    logga_in(k, LOSEN, "anna")
    status, _h, svar = k.dash_anrop("analys-resultat.children", {"analys-spara.n_clicks": 1}, state)
    assert "är låst" in text_i(svar)
    assert len(analysfragor.historik(fragor.los_plan("KS-2020"), PERIOD)) == 2
    rapport.las_period(PERIOD, "test", False, "tillbaka för testerna", plan=fragor.los_plan())


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice finns inte på maskinen")
def test_libreoffice_oppnar_word_filen(docx_fil, tmp_path):
    fil = tmp_path / "rapport.docx"
    fil.write_bytes(docx_fil)
    p = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                        "pdf", "--outdir", str(tmp_path), str(fil)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert len(PdfReader(tmp_path / "rapport.pdf").pages) > 20


# --- Kommandoraden, en annan plans form och kommunens mall ---

def test_kommandoraden_skriver_rapporten_och_vagrar_okant(server, tmp_path):
    env = {"DATABASE_URL": server["databas"], "PYTHONPATH": str(ROT), "PATH": "/usr/bin:/bin"}
    fil = tmp_path / "r.docx"
    p = subprocess.run([sys.executable, "-m", "data.delarsrapport", "--plan", "KS-2020", "--period", PERIOD,
                        "--enhet", "KSK/EKO", "--format", "docx", str(fil)], cwd=ROT, env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "Skrev" in p.stdout and docx.Document(str(fil)).core_properties.title.endswith(PERIOD)
    p = subprocess.run([sys.executable, "-m", "data.delarsrapport", "--enhet", "NOPE", "--format", "pdf",
                        str(tmp_path / "x.pdf")], cwd=ROT, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 2 and "okänd enhet ”NOPE”" in p.stderr and "Traceback" not in p.stderr


def test_annan_plan_kommunens_mall_och_samma_fil_av_samma_data(tmp_path):
    from data.planen import ladda
    url = f"sqlite:///{tmp_path / 'tk.sqlite'}"
    katalog = ROT / "tests" / "data" / "plan_testkoping"
    anvand_databas(url)
    ladda.ladda_plan(katalog)
    anvand(url)
    # Kommunens mall: rubrikformatet kommer därifrån, mallens exempeltext inte
    mall = docx.Document()
    mall.styles["Heading 1"].font.name = "Georgia"
    mall.add_paragraph("Mallens exempeltext")
    mallkatalog = tmp_path / "plan"
    mallkatalog.mkdir()
    mall.save(str(mallkatalog / delarsrapport.MALLNAMN))
    (mallkatalog / "plan.yaml").write_text("kod: TK-2023\n", encoding="utf-8")
    assert delarsrapport.mall_for("TK-2023", mallkatalog) == mallkatalog / delarsrapport.MALLNAMN
    assert delarsrapport.mall_for("KS-2020", mallkatalog) is None
    u = fragor.normalisera_urval(Urval(plan="TK-2023", period="Tertial 1 2023"))
    r = delarsrapport.skapa(u, fragor.los_plan(u.plan), "docx", mall=delarsrapport.mall_for("TK-2023", mallkatalog))
    d = docx.Document(io.BytesIO(r.innehall))
    rubriker = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert [x for x in rubriker if x.startswith("Målområde")] == [
        f"Målområde {m.nr}: {m.titel}" for m in fragor.malomraden(fragor.los_plan("TK-2023")).itertuples()]
    assert "Budgetuppföljning" not in rubriker and "Målområde 9" in " ".join(rubriker)
    assert d.styles["Heading 1"].font.name == "Georgia"
    assert "Mallens exempeltext" not in "\n".join(p.text for p in d.paragraphs)
    assert r.filnamn == "delarsrapport_TK_2023_Tertial_1_2023.docx"
    # Samma data ger samma fil (byte för byte) utom genereringstiden
    nu = dt.datetime(2026, 12, 7, 10, 0, 0)
    for format_ in ("docx", "pdf"):
        a, b = (delarsrapport.skapa(u, fragor.los_plan(u.plan), format_, nu=nu).innehall for _ in range(2))
        assert a == b, format_
        assert delarsrapport.skapa(u, fragor.los_plan(u.plan), format_, nu=nu + dt.timedelta(minutes=1)).innehall != a


def test_pdf_har_skapandedatum():
    """dcterms.created skrivs som W3C-datum med tidszon: utan den varnar WeasyPrint och PDF:en saknar datum."""
    import datetime as dt
    from data.utdata.delarsrapport import pdf
    from data.utdata.delarsrapport.modell import Dokument, Omslag
    d = Dokument(titel="T", omslag=Omslag("K", "N", "P", "Per", "2020-09-28"),
                 genererad=dt.datetime(2020, 9, 28, 13, 5, tzinfo=dt.timezone.utc))
    r = PdfReader(io.BytesIO(pdf.skriv(d)))
    assert r.metadata.creation_date == dt.datetime(2020, 9, 28, 13, 5, tzinfo=dt.timezone.utc)
