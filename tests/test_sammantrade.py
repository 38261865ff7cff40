"""Sammanträden (issue 24): ett fryst, oföränderligt underlag av det nämnden visades.

Ett sammanträde skapas; sedan importeras en ny rapport och perioden låses upp och låses igen (och
planen läses in på nytt): sammanträdets sidor, Excel-export och API-svar är desamma byte för byte,
medan de aktuella sidorna visar den nya rapporten. Varje väg att skriva till ett sammanträde vägras.
"""
from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from data.uppfoljning import fragor
from data.lagring import cache, db
from data.lagring.models import Sammantrade
from data.lagring.start import anvand_databas
from data.planen import forbered, ladda
from data.rapportering import rapport
from data.utdata import sammantrade
from tests.test_rapport import PERIOD, _ifylld

DATUM = "2020-09-28"
DNR = "KS 2020/123"


@pytest.fixture
def databas(tom_databas, monkeypatch):
    """Ny databas med planen och de publicerade utfallen (utan exempel), och appen (sidorna)."""
    monkeypatch.setenv("MALKOLL_EXEMPEL", "av")
    anvand_databas(tom_databas)
    forbered.sakerstall_databas()
    monkeypatch.setenv("DATABASE_URL", tom_databas)
    import app
    app.hamta_app()
    anvand_databas(tom_databas)
    return tom_databas


def _text(komponent) -> str:
    """Allt en sida visar som text (komponentträdet som JSON: samma träd ger samma bytes)."""
    from dash._utils import to_json
    return json.dumps(json.loads(to_json(komponent)), ensure_ascii=False)


def _skapa(**kw) -> sammantrade.Sammantradet:
    from sidor._sammantrade import bygg_sidorna
    return sammantrade.skapa(fragor.los_plan("KS-2020"), PERIOD, DATUM, DNR, "Anna Administratör", bygg_sidorna, **kw)


def _sidorna(sammantrade_: str | None) -> dict[tuple, str]:
    """Varje fryst sida (alla målområden, normal- och sammanträdesläge) som bytes, i en ny förfrågan
    per sida (som i appen)."""
    import dash
    from data.uppfoljning import fragor
    from sidor._sammantrade import VISNINGAR, frysta_sidor
    server = dash.get_app().server
    ut = {}
    nr = [str(n) for n in fragor.malomraden(fragor.los_plan("KS-2020")).nr]
    for sida in frysta_sidor():
        for extra in ([{"nr": n} for n in nr] if "<nr>" in (sida.get("path_template") or "") else [{}]):
            for visning in VISNINGAR:
                q = {**extra, **visning, "plan": "KS-2020"}
                if sammantrade_:
                    q["sammantrade"] = sammantrade_
                else:
                    q["period"] = PERIOD
                with server.test_request_context("/"):
                    ut[(sida.get("path_template") or sida["path"], extra.get("nr"), visning.get("visning"),
                       visning.get("fokus"))] = _text(sida["layout"](**q))
    return ut


def _aktuella():
    from data.uppfoljning import fragor
    return (fragor.atgarder(enhet=[], roll=None, period=PERIOD, status=None, plan=fragor.los_plan("KS-2020")),
            fragor.indikatorer(enhet=[], period=PERIOD, plan=fragor.los_plan("KS-2020")))


def _celler(data: bytes) -> dict:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in rad] for rad in ws.iter_rows()] for ws in wb.worksheets}


def _zipdelar(data: bytes) -> dict:
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def _api(klient, sid: int) -> bytes:
    r = klient.get(f"/api/v1/sammantraden/{sid}")
    assert r.status_code == 200, r.data[:300]
    return r.data


def test_sammantradet_ar_fryst_genom_rapport_last_och_inlasning(databas):
    import dash
    from data.uppfoljning import fragor
    s = _skapa()
    assert s.etikett == f"Som presenterat KS {DATUM}, dnr {DNR}"
    klient = dash.get_app().server.test_client()
    fore_sidor = _sidorna(DATUM)
    assert not any(sammantrade.SAKNAS in t for t in fore_sidor.values()), \
        [k for k, t in fore_sidor.items() if sammantrade.SAKNAS in t]
    assert all(s.etikett in t for t in fore_sidor.values())
    fore_excel = sammantrade.export(s).innehall
    fore_api = _api(klient, s.id)
    fore_rapport_url = klient.get(f"/export/malkoll.xlsx?plan=KS-2020&sammantrade={DATUM}").data
    assert fore_rapport_url == fore_excel
    fore_levande = _sidorna(None)
    # Sidorna ur underlaget är desamma som de aktuella sidorna var när underlaget skapades
    levande_1 = fore_levande[("/malomrade/<nr>", "1", None, None)]
    assert sammantrade.forandringar_sedan(s, *_aktuella()).empty      # inget har ändrats sedan sammanträdet
    with cache.med_underlag(s.underlag):
        da = fragor.atgarder(enhet=[], roll=None, period=PERIOD, status=None, plan=fragor.los_plan("KS-2020")).set_index("kod")

    # En ny rapport, perioden låses upp och låses igen, planen läses in på nytt
    rapport.las_period(PERIOD, "Anna", las=False, plan=fragor.los_plan("KS-2020"))
    assert rapport.tillampa(rapport.las_rapport(_ifylld(databas), "ekonomi.xlsx"), "Eva Ekonom") == 5
    rapport.las_period(PERIOD, "Anna", las=True, plan=fragor.los_plan("KS-2020"))
    rapport.las_period(PERIOD, "Anna", las=False, plan=fragor.los_plan("KS-2020"))
    ladda.ladda_plan()
    sammantrade._lasta.clear()   # läses om ur databasen

    efter_sidor = _sidorna(DATUM)
    assert efter_sidor == fore_sidor
    efter_excel = sammantrade.export(sammantrade.las(s.id)).innehall
    assert _celler(efter_excel) == _celler(fore_excel)
    assert _zipdelar(efter_excel) == _zipdelar(fore_excel)
    assert efter_excel == fore_excel
    assert klient.get(f"/export/malkoll.xlsx?plan=KS-2020&sammantrade={DATUM}").data == fore_excel
    assert _api(klient, s.id) == fore_api
    api = json.loads(fore_api)
    assert api["diarienummer"] == DNR and api["period"] == PERIOD
    assert any(r["kod"] == "1-A13" for r in api["data"]["atgarder"])
    assert json.loads(klient.get("/api/v1/sammantraden").data)["data"][0]["id"] == s.id
    # Svaren stämmer med OpenAPI-beskrivningen (openapi-core, som tests/test_api.py)
    from tests.test_api import _validera
    spec = klient.get("/api/v1/openapi.json").get_json()
    for vag in (f"/api/v1/sammantraden/{s.id}", "/api/v1/sammantraden", "/api/v1/sammantraden?plan=KS-2020",
                "/api/v1/sammantraden/999"):
        _validera(spec, klient.get(vag))
    assert klient.get("/api/v1/sammantraden/999").status_code == 404
    for metod in ("post", "put", "patch", "delete"):
        assert getattr(klient, metod)(f"/api/v1/sammantraden/{s.id}").status_code == 405
    assert _api(klient, s.id) == fore_api
    # … medan de aktuella sidorna visar den nya rapporten
    efter_levande = _sidorna(None)
    assert efter_levande[("/malomrade/<nr>", "1", None, None)] != levande_1
    assert "Bedömningen klar i maj." in efter_levande[("/malomrade/<nr>", "1", None, None)]
    assert "Bedömningen klar i maj." not in efter_sidor[("/malomrade/<nr>", "1", None, None)]
    # Förändringar sedan förra sammanträdet: den nya rapporten mot det nämnden visades
    andr = sammantrade.forandringar_sedan(sammantrade.las(s.id), *_aktuella()).set_index("kod")
    assert andr.status["1-A13"] == "Genomförd" and andr.fore["1-A13"] == da.status["1-A13"] != "Genomförd"
    assert "1-I02" in andr.index
    assert "sedan-sammantradet" in efter_levande[("/", None, None, None)]
    assert "sedan-sammantradet" not in efter_sidor[("/", None, None, None)]


def test_utan_underlaget_visas_aldrig_aktuella_data(databas):
    """En fråga som inte spelades in svarar med ett fel i stället för med databasen."""
    from data.uppfoljning import fragor
    s = _skapa()
    with cache.med_underlag(s.underlag):
        fragor.atgarder(enhet=[], roll=None, period=PERIOD, status=None, plan=fragor.los_plan("KS-2020"))
        with pytest.raises(cache.UtanforUnderlaget):
            fragor.atgarder(nr=1, enhet=["KSK/EKO"], period="Delår 1 2020", plan=fragor.los_plan("KS-2020"))
    # En Plankontext som pekar ut sammanträdet svarar ur det, också utan aktivt underlag
    pk = s.plan()
    assert pk.sammantrade == s.id and pk.kod == "KS-2020"
    with pytest.raises(cache.UtanforUnderlaget):
        fragor.atgarder(nr=1, enhet=["KSK/EKO"], period="Delår 1 2020", plan=pk)


def test_okant_sammantrade_och_sida_utanfor_underlaget(databas):
    import dash
    s = _skapa(enhet=["KSK/EKO"])
    server = dash.get_app().server
    sidor = {p["path"]: p for p in dash.page_registry.values()}
    with server.test_request_context("/"):
        t = _text(sidor["/"]["layout"](plan="KS-2020", sammantrade="2019-01-01"))
    assert "Okänt sammanträde ”2019-01-01” för planen KS-2020; planens sammanträden: 2020-09-28" in t
    # Filtret är sammanträdets: en annan enhet i URL:en ändrar inget
    with server.test_request_context("/"):
        a = _text(sidor["/"]["layout"](plan="KS-2020", sammantrade=DATUM))
    with server.test_request_context("/"):
        b = _text(sidor["/"]["layout"](plan="KS-2020", sammantrade=DATUM, enhet="KSK/HR", period="Delår 1 2020"))
    assert a == b and "KSK/EKO" in a
    assert s.urval["enhet"] == ["KSK/EKO"]


def test_varje_skrivvag_vagras(databas):
    """ORM-ändring och -radering, rå SQL UPDATE/DELETE: databasens utlösare vägrar; underlaget är orört."""
    s = _skapa()
    fore = (s.kontrollsumma, s.diarienummer)
    with pytest.raises((IntegrityError, DBAPIError)):
        with db.session() as ses:
            rad = ses.get(Sammantrade, s.id)
            rad.diarienummer = "KS 2020/999"
            ses.commit()
    with pytest.raises((IntegrityError, DBAPIError)):
        with db.session() as ses:
            ses.delete(ses.get(Sammantrade, s.id))
            ses.commit()
    for sql in (update(Sammantrade).values(innehall="{}"), delete(Sammantrade),
                text("UPDATE sammantrade SET kontrollsumma = 'x'"), text("DELETE FROM sammantrade")):
        with pytest.raises((IntegrityError, DBAPIError)):
            with db.motor().begin() as c:
                c.execute(sql)
    with db.session() as ses:
        rad = ses.get(Sammantrade, s.id)
        assert (rad.kontrollsumma, rad.diarienummer) == fore
    if db.motor().dialect.name == "postgresql":
        with pytest.raises(DBAPIError):
            with db.motor().begin() as c:
                c.execute(text("TRUNCATE sammantrade"))
    # Planen läses in på nytt: sammanträdet finns kvar, oförändrat
    ladda.ladda_plan()
    sammantrade._lasta.clear()
    assert sammantrade.las(s.id).kontrollsumma == fore[0]


def test_rattelse_ersatter_och_datumet_visar_rattelsen(databas):
    s = _skapa()
    r = _skapa(ersatter=s.id)
    assert r.ersatter_id == s.id
    ks = fragor.los_plan("KS-2020")
    assert sammantrade.hitta(ks, DATUM).id == r.id
    assert sammantrade.hitta(ks, str(s.id)).id == s.id
    df = sammantrade.lista(ks)
    assert df.set_index("id").ersatt_av[s.id] == r.id
    with pytest.raises(sammantrade.Sammantradesfel, match="diarienumret saknas"):
        sammantrade.skapa(ks, PERIOD, DATUM, " ", "Anna", lambda u: None)
    with pytest.raises(sammantrade.Sammantradesfel, match="okänd period"):
        sammantrade.skapa(ks, "Delår 9 2020", DATUM, DNR, "Anna", lambda u: None)
    with pytest.raises(sammantrade.Sammantradesfel, match="inte ett datum"):
        sammantrade.skapa(ks, PERIOD, "28/9", DNR, "Anna", lambda u: None)


def test_underlag_inspelat_med_plankod_svarar_fortfarande(databas):
    """Ett underlag som spelades in när analysfragor.gallande tog `plan_kod` (en kod) svarar på frågan
    med en Plankontext: nyckelns värde är detsamma (planens kod)."""
    from data.lagring import cache
    from data.uppfoljning import analysfragor
    s = _skapa()
    plan = fragor.los_plan("KS-2020")
    nyckel = cache.underlagsnyckel(analysfragor.gallande.__wrapped__, (plan, PERIOD), {})
    assert "('plan', 'KS-2020')" in nyckel and nyckel in s.underlag
    gamla = {k.replace("('plan', 'KS-2020')", "('plan_kod', 'KS-2020')") if k == nyckel else k: v
             for k, v in s.underlag._svar.items()}
    assert nyckel not in cache.Underlag(s.id, gamla)
    with cache.med_underlag(s.underlag):
        nu = analysfragor.gallande(plan, PERIOD)
    with cache.med_underlag(cache.Underlag(s.id, gamla)):
        assert analysfragor.gallande(plan, PERIOD).equals(nu)
        with pytest.raises(cache.UtanforUnderlaget):
            analysfragor.gallande(plan, "Delår 9 2020")


def test_manipulerat_innehall_visas_inte(databas):
    """Går någon förbi utlösarna (här: de tas bort) stämmer inte kontrollsumman, och underlaget vägras."""
    s = _skapa()
    with db.motor().begin() as c:
        if c.dialect.name == "postgresql":
            c.execute(text("ALTER TABLE sammantrade DISABLE TRIGGER USER"))
        else:
            c.execute(text("DROP TRIGGER sammantrade_ingen_andring"))
        innehall = c.execute(select(Sammantrade.innehall).where(Sammantrade.id == s.id)).scalar_one()
        d = json.loads(innehall)
        d["period"] = "Delår 1 2020"
        c.execute(update(Sammantrade).where(Sammantrade.id == s.id).values(innehall=json.dumps(d)))
    sammantrade._lasta.clear()
    with pytest.raises(sammantrade.Sammantradesfel, match="kontrollsumma"):
        sammantrade.las(s.id)


# --- I appen: formulärets callback (bara administratörer) och sidorna i webbläsaren ---

HEMLIGHET = "t3st-Hemlighet-med-minst-32-tecken-SmT-4321"
START = "Start-Lösen-för-sammanträde-9q"
SKARMBILDER = Path(os.environ.get("MALKOLL_SKARMBILDER", "/tmp/malkoll-skarmbilder"))


@pytest.fixture(scope="module")
def sm_server(tmp_path_factory):
    from tests.conftest import starta_server
    url = f"sqlite:///{tmp_path_factory.mktemp('sm') / 'sm.sqlite'}"
    proc, bas = starta_server(url, miljo={"MALKOLL_ADMIN_LOSENORD": START, "MALKOLL_EXEMPEL": "av",
                                          "MALKOLL_HEMLIGHET": HEMLIGHET})
    yield {"bas": bas, "databas": url}
    proc.terminate()
    proc.wait(10)


def _skapa_anrop(k, dnr: str) -> str:
    from tests.test_sakerhet import text_i
    status, _, svar = k.callback("sm-besked.children", {"sm-skapa.n_clicks": 1}, {
        "sm-plan.data": "KS-2020", "sm-datum.value": DATUM, "sm-dnr.value": dnr, "sm-period.value": PERIOD,
        "sm-organ.value": None, "sm-enhet.value": [], "sm-ersatter.value": ""})
    assert status == 200, svar
    return text_i(svar)


def _antal(k) -> int:
    status, _, kropp = k.get("/api/v1/sammantraden")
    assert status == 200
    return len(json.loads(kropp)["data"])


@pytest.fixture(scope="module")
def skapat(sm_server):
    """Administratören har skapat sammanträdet i appen (formulärets callback); svaret."""
    from tests.test_behorighet import logga_in
    from tests.test_sakerhet import Klient
    admin = Klient(sm_server["bas"])
    assert logga_in(admin, "admin", START) == 200
    return _skapa_anrop(admin, DNR)


def test_bara_administratoren_skapar_i_appen(sm_server, skapat):
    """Formulärets callback, uppspelad som Dash skickar den: anonym, läsare och rapportör vägras (inget
    sparas); administratören skapade sammanträdet (fixturen)."""
    from data.konton import anvandare
    from tests.test_behorighet import LOSEN, logga_in
    from tests.test_sakerhet import Klient
    anvand_databas(sm_server["databas"])
    anvandare.lagg_till("lars", "lasare", [], LOSEN, "Lars Läsare")
    anvandare.lagg_till("rut", "rapportor", ["KSK/EKO"], LOSEN, "Rut Rapportör")
    anonym = Klient(sm_server["bas"])
    fore = _antal(anonym)
    assert fore >= 1
    klienter = [anonym]
    for namn in ("lars", "rut"):
        k = Klient(sm_server["bas"])
        assert logga_in(k, namn, LOSEN) == 200
        klienter.append(k)
    for k in klienter:
        assert "Ingen behörighet" in _skapa_anrop(k, "KS 2020/1")
    assert _antal(anonym) == fore


def test_administratoren_skapar_i_appen(sm_server, skapat):
    from tests.test_sakerhet import Klient
    assert f"Som presenterat KS {DATUM}, dnr {DNR}" in skapat, skapat
    anonym = Klient(sm_server["bas"])
    assert _antal(anonym) >= 1
    # Listan är öppen; formuläret syns bara för administratören
    status, _, sida = anonym.callback("_pages_content.children", {"_pages_location.pathname": "/sammantraden",
                                                                  "_pages_location.search": "?plan=KS-2020"})
    assert status == 200 and DNR in json.dumps(sida, ensure_ascii=False) and "sm-skapa" not in json.dumps(sida)


@pytest.mark.parametrize("bredd,hojd", [(1920, 1080), (1280, 720)])
@pytest.mark.parametrize("visning", ["", "&visning=mote"])
def test_sammantradets_oversikt_i_webblasaren(webblasare, sm_server, skapat, bredd, hojd, visning):
    from selenium.webdriver.common.by import By
    from tools.skarmbild import satt_storlek, vanta_pa_dash
    d = webblasare
    satt_storlek(d, bredd, hojd)
    try:
        d.get(sm_server["bas"] + f"/?plan=KS-2020&sammantrade={DATUM}{visning}")
        vanta_pa_dash(d)
        etikett = d.find_element(By.ID, "sammantradesetikett")
        assert f"Som presenterat KS {DATUM}, dnr {DNR}" in etikett.text
        assert etikett.is_displayed()
        assert PERIOD in d.find_element(By.CSS_SELECTOR, ".lagesrad").text
        assert len(d.find_elements(By.CSS_SELECTOR, ".malomradesruta")) == 7
        assert not d.find_elements(By.ID, "utanfor-underlaget")
        # Länkarna på sidan stannar i sammanträdet
        lank = d.find_element(By.CSS_SELECTOR, ".malomradesruta a[href*='/malomrade/1']")
        assert f"sammantrade={DATUM}" in lank.get_attribute("href")
        SKARMBILDER.mkdir(parents=True, exist_ok=True)
        d.save_screenshot(str(SKARMBILDER / f"sammantrade_oversikt_{bredd}x{hojd}{'_mote' if visning else ''}.png"))
    finally:
        satt_storlek(d, 1920, 1080)


def _docx_text(data: bytes) -> str:
    from docx import Document
    d = Document(io.BytesIO(data))
    delar = [p.text for p in d.paragraphs]
    for t in d.tables:
        delar += [c.text for rad in t.rows for c in rad.cells]
    return "\n".join(delar)


def test_delarsrapporten_ur_sammantradet(databas):
    """Delårsrapporten (Word) ur sammanträdet: samma text efter en ny rapport; den aktuella rapporten ändras."""
    if not databas.startswith("sqlite"):
        pytest.skip("rapporten byggs ur underlaget, inte ur databasen: prövas på SQLite (lagringen prövas ovan på båda)")
    import dash
    from data.utdata import delarsrapport
    from data.uppfoljning.urval import Urval
    s = _skapa()
    klient = dash.get_app().server.test_client()
    fore = _docx_text(sammantrade.rapport(s, "docx").innehall)
    r = klient.get(f"/export/delarsrapport.docx?plan=KS-2020&sammantrade={DATUM}")
    assert r.status_code == 200 and _docx_text(r.data) == fore
    assert klient.get("/export/delarsrapport.docx?plan=KS-2020&sammantrade=1999-01-01").status_code == 400
    levande = lambda: _docx_text(delarsrapport.skapa(Urval(plan="KS-2020", period=PERIOD), fragor.los_plan("KS-2020"), "docx").innehall)  # noqa: E731
    assert "Bedömningen klar i maj." not in fore
    rapport.las_period(PERIOD, "Anna", las=False, plan=fragor.los_plan("KS-2020"))
    rapport.tillampa(rapport.las_rapport(_ifylld(databas), "ekonomi.xlsx"), "Eva Ekonom")
    sammantrade._lasta.clear()
    assert _docx_text(sammantrade.rapport(sammantrade.las(s.id), "docx").innehall) == fore
    assert "Bedömningen klar i maj." in levande()
