"""Behörighet på servern för varje skrivväg (issue 15): formuläret, omspelade Dash-anrop och
Excel-uppladdningen, för rapportör, läsare, anonym, utgången och utloggad inloggning, inaktiverat
konto, roll som tas bort mitt i, låst period och anrop från en annan webbplats. Varje fall
kontrollerar att anropet vägras och att databasen är oförändrad; kontrollfallen visar att samma
anrop går igenom för den som får."""
from __future__ import annotations

import base64
from data.lagring.start import anvand_databas
import datetime as dt
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import func, select, update

from data.konton import anvandare
from data.lagring import db
from data.uppfoljning import fragor
from data.rapportering import rapport, behorighet as rapportering
from data.lagring.models import (Atgardsrapport, Indikator, Indikatorutfall, Inloggning, Malvarde, Period, Periodlas)
from tests.conftest import pg_databas
from tests.test_sakerhet import Klient, forbered_databas, starta, stoppa, text_i

HEMLIGHET = "Tq3v9kX2-mB7wL0pZ4sR8yN1cF6hJ5dG_e2uA9oV"
LOSEN = "Korrekt-Häst-Batteri-47"
PERIOD = "Delår 2 2020"
LAST_PERIOD = "Delår 1 2020"


def logga_in(k: Klient, namn: str, losen: str = LOSEN) -> int:
    """Formulärets POST /logga-in; returnerar statusen efter omdirigeringen (kakan sparas)."""
    data = urllib.parse.urlencode({"anvandarnamn": namn, "losenord": losen, "nasta": "/rapportera"}).encode()
    req = urllib.request.Request(k.bas + "/logga-in", data=data, method="POST", headers={"Origin": k.bas})
    try:
        with k.oppnare.open(req, timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def logga_ut(k: Klient) -> None:
    req = urllib.request.Request(k.bas + "/logga-ut", data=b"", method="POST", headers={"Origin": k.bas})
    with k.oppnare.open(req, timeout=60):
        pass


def inloggad(k: Klient) -> bool:
    return bool(k.kaka("malkoll"))


def ogonblick(url: str) -> tuple:
    """Allt som en skrivväg kan ändra: rapporter, utfall, mål, låsningar och periodernas lås."""
    anvand_databas(url)
    with db.session() as s:
        return (s.scalar(select(func.count(Atgardsrapport.id))), s.scalar(select(func.count(Indikatorutfall.id))),
                s.scalar(select(func.count(Malvarde.id))), s.scalar(select(func.count(Periodlas.id))),
                tuple(s.scalars(select(Period.last).order_by(Period.id))))


def formular(k: Klient, atg: dict, ind: dict | None = None, period: str = PERIOD, spara: bool = True):
    """Spela upp formulärets Dash-anrop (Spara eller Förhandsgranska) med egna id:n och värden."""
    ind = ind or {}

    def falt(typ, varden, prop="value"):
        return [{"id": {"typ": typ, "kod": kod}, "property": prop,
                 "value": {"typ": typ, "kod": kod} if prop == "id" else v} for kod, v in varden.items()]
    kib = {k_: bool(v.get("kib")) for k_, v in ind.items()}       # dbc.Checkbox: sant eller falskt
    state = [{"id": "rf-period", "property": "data", "value": {"period": period, "plan": None}}]
    for prop in ("value", "id"):
        state += [falt("rf-status", {k_: v.get("status") for k_, v in atg.items()}, prop),
                  falt("rf-akommentar", {k_: v.get("kommentar") for k_, v in atg.items()}, prop),
                  falt("rf-utfall", {k_: v.get("utfall") for k_, v in ind.items()}, prop),
                  falt("rf-ikommentar", {k_: v.get("kommentar") for k_, v in ind.items()}, prop),
                  falt("rf-kib", kib, prop),
                  falt("rf-nyttmal", {k_: v.get("nytt_mal") for k_, v in ind.items()}, prop)]
    return k.dash_anrop("rf-resultat.children" if spara else "rf-granskning.children",
                        {"rf-spara.n_clicks" if spara else "rf-forhandsgranska.n_clicks": 1}, state)


def ladda_upp(k: Klient, data: bytes, genomfor: bool = True):
    innehall = "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64," + \
               base64.b64encode(data).decode()
    if genomfor:
        return k.callback("rapp-resultat.children", {"rapp-genomfor.n_clicks": 1},
                          {"rapp-fil.data": {"innehall": innehall, "filnamn": "rapport.xlsx"}})
    return k.callback("rapp-forhandsgranskning.children", {"rapp-upp.contents": innehall},
                      {"rapp-upp.filename": "rapport.xlsx"})


def las(k: Klient, period: str, las_: bool = True, motivering: str | None = None):
    knapp = "las-las.n_clicks" if las_ else "las-las-upp.n_clicks"
    return k.callback("las-besked.children", {knapp: 1}, {"las-period.value": period, "las-motivering.value": motivering},
                      andrade=[knapp])


def excel(url: str, kod: str, status: str = "Genomförd", blad: str = "Åtgärder") -> bytes:
    """En rapportmall (alla enheter) med en ifylld rad."""
    import io

    from openpyxl import load_workbook

    from tests.test_rapport import _kol, _rad
    anvand_databas(url)
    wb = load_workbook(io.BytesIO(rapport.skapa_mall(PERIOD)))
    ws = wb[blad]
    if blad == "Åtgärder":
        ws.cell(_rad(ws, kod), _kol(ws, "Status"), status)
    else:
        ws.cell(_rad(ws, kod), _kol(ws, "Utfall"), 42)
    ut = io.BytesIO()
    wb.save(ut)
    return ut.getvalue()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def miljo(request, tmp_path_factory):
    """Två gunicorn-arbetare mot SQLite och mot PostgreSQL (under CI=true är en PostgreSQL som inte
    svarar ett fel, se tests/conftest.py)."""
    katalog = tmp_path_factory.mktemp("behorighet")
    if request.param == "sqlite":
        url, stada = f"sqlite:///{katalog / 'app.sqlite'}", None
    else:
        url, stada = pg_databas()
    forbered_databas(url)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MALKOLL_HEMLIGHET", HEMLIGHET)
        anvand_databas(url)
        anvandare.lagg_till("ada", "administrator", [], LOSEN, "Ada Admin")
        anvandare.lagg_till("sara", "rapportor", ["KSK/SHB"], LOSEN, "Sara Samhälle")
        anvandare.lagg_till("erik", "rapportor", ["KSK/EKO"], LOSEN, "Erik Ekonom")
        anvandare.lagg_till("lars", "lasare", [], LOSEN, "Lars Läsare")
    rapport.las_period(LAST_PERIOD, "test", True)
    shb = set(fragor.atgarder(enhet=["KSK/SHB"], roll="ansvarig").kod)
    eko = set(fragor.atgarder(enhet=["KSK/EKO"], roll="ansvarig").kod)
    eko_ind = set(fragor.indikatorer(enhet=["KSK/EKO"]).kod)
    shb_ind = set(fragor.indikatorer(enhet=["KSK/SHB"]).kod)
    proc, bas = starta(url, katalog, workers=2, miljo={"MALKOLL_HEMLIGHET": HEMLIGHET})
    yield {"bas": bas, "databas": url, "shb": sorted(shb - eko), "eko": sorted(eko - shb),
           "eko_ind": sorted(eko_ind - shb_ind), "shb_ind": sorted(shb_ind - eko_ind), "logg": proc.logg}
    stoppa(proc)
    if stada:
        stada()


def klient(miljo, namn: str | None = None) -> Klient:
    k = Klient(miljo["bas"])
    if namn:
        assert logga_in(k, namn) == 200 and inloggad(k)
    return k


def vagrad(svar, *ord_) -> bool:
    t = text_i(svar[2]) if isinstance(svar, tuple) else str(svar)
    return all(o in t for o in ord_)


# --- Kontrollfall: den som får, får ---

def test_rapportoren_sparar_sin_egen_atgard_via_formularet(miljo):
    url = miljo["databas"]
    k = klient(miljo, "sara")
    kod = miljo["shb"][0]
    fore = ogonblick(url)
    svar = formular(k, {kod: {"status": "Pågår enligt plan", "kommentar": "Enligt plan."}}, spara=False)
    assert vagrad(svar, "Det här ändras", f"{kod} status: Pågår enligt plan"), text_i(svar[2])
    assert ogonblick(url) == fore                               # förhandsgranskningen skriver inget
    svar = formular(k, {kod: {"status": "Pågår enligt plan", "kommentar": "Enligt plan."}})
    assert vagrad(svar, "Sparat: 1 post"), text_i(svar[2])
    anvand_databas(url)
    a = fragor.atgarder(period=PERIOD).set_index("kod").loc[kod]
    assert (a.rapporterad_status, a.rapporterad_av, a.kalla) == ("Pågår enligt plan", "Sara Samhälle (sara)",
                                                                "Formulär i webbläsaren")


def test_rapportoren_satter_nytt_mal_for_sin_indikator_via_formularet(miljo):
    """"Nytt mål för året" i formuläret som i mallen: samma validering, bara egna enheters indikatorer,
    sparat som Malvarde (fran_planen=False) med vem och formuläret, i ändringsloggen som "Nytt mål 2020"."""
    url = miljo["databas"]
    k = klient(miljo, "sara")
    kod = miljo["shb_ind"][0]
    fore = ogonblick(url)
    svar = formular(k, {}, {kod: {"nytt_mal": 1e308}})                          # samma gräns som importen
    assert vagrad(svar, "Ingenting sparades", f"Indikatorn {kod}, Nytt mål för året", "rimliga intervallet"), \
        text_i(svar[2])
    svar = formular(k, {}, {miljo["eko_ind"][0]: {"nytt_mal": 12}})             # någon annans indikator
    assert vagrad(svar, "Ingenting sparades", miljo["eko_ind"][0], "du får inte rapportera"), text_i(svar[2])
    assert ogonblick(url) == fore
    svar = formular(k, {}, {kod: {"nytt_mal": 12}}, spara=False)
    assert vagrad(svar, "Det här ändras", f"{kod} mål 2020: 12"), text_i(svar[2])
    assert ogonblick(url) == fore
    assert vagrad(formular(k, {}, {kod: {"nytt_mal": 12}}), "Sparat: 1 post")
    anvand_databas(url)
    with db.session() as s:
        m = s.scalars(select(Malvarde).join(Indikator, Indikator.id == Malvarde.indikator_id)
                      .where(Indikator.kod == kod, Malvarde.fran_planen.is_(False))).one()
        assert (m.ar, float(m.varde), m.satt_av, m.kalla) == (2020, 12.0, "Sara Samhälle (sara)", "Formulär i webbläsaren")
    anvand_databas(url)
    i = fragor.indikatorer(period=PERIOD).set_index("kod").loc[kod]
    assert i.mal_2020 == 12 and not i.mal_2020_fran_planen
    logg = rapportering.andringslogg(kod)
    assert ((logg.andring == "Nytt mål 2020: {tal}") & (logg.av == "Sara Samhälle (sara)")
            & (logg.kalla == "Formulär i webbläsaren")).any()
    assert vagrad(formular(k, {}, {kod: {"nytt_mal": 12}}, spara=False), "0 nya värden, 0 ändrade")   # samma igen
    svar = formular(k, {}, {kod: {"kib": True, "kommentar": "Mätningen gjordes inte."}}, spara=False)
    assert vagrad(svar, f"{kod} kan_inte_bedomas: ja"), text_i(svar[2])     # kryssrutan "Kan inte bedömas"


def test_nytt_mal_i_last_period_vagras(miljo):
    k, fore = klient(miljo, "ada"), ogonblick(miljo["databas"])
    svar = formular(k, {}, {miljo["shb_ind"][0]: {"nytt_mal": 13}}, period=LAST_PERIOD)
    assert vagrad(svar, "Ingenting sparades", "låst"), text_i(svar[2])
    assert ogonblick(miljo["databas"]) == fore


# --- Vägrade skrivningar ---

def test_rapportor_skriver_annan_enhets_atgard_via_formularet(miljo):
    k, fore = klient(miljo, "sara"), ogonblick(miljo["databas"])
    svar = formular(k, {miljo["eko"][0]: {"status": "Genomförd"}})
    assert vagrad(svar, "Ingenting sparades", miljo["eko"][0], "du får inte rapportera")
    assert ogonblick(miljo["databas"]) == fore


def test_rapportor_skriver_annan_enhets_indikator_via_omspelat_anrop(miljo):
    k, fore = klient(miljo, "sara"), ogonblick(miljo["databas"])
    svar = formular(k, {}, {miljo["eko_ind"][0]: {"utfall": 12.5}})
    assert vagrad(svar, "Ingenting sparades", miljo["eko_ind"][0])
    assert ogonblick(miljo["databas"]) == fore


def test_rapportor_blandar_egen_och_annans_atgard_ingenting_sparas(miljo):
    k, fore = klient(miljo, "sara"), ogonblick(miljo["databas"])
    svar = formular(k, {miljo["shb"][1]: {"status": "Genomförd"}, miljo["eko"][0]: {"status": "Genomförd"}})
    assert vagrad(svar, "Ingenting sparades")
    assert ogonblick(miljo["databas"]) == fore


def test_rapportor_laddar_upp_excel_med_annan_enhets_rad(miljo):
    k, fore = klient(miljo, "sara"), ogonblick(miljo["databas"])
    fil = excel(miljo["databas"], miljo["eko"][0])
    svar = ladda_upp(k, fil, genomfor=False)
    assert vagrad(svar, "avvisades", "Bladet 'Åtgärder', rad", miljo["eko"][0], "Du får inte rapportera")
    svar = ladda_upp(k, fil)                                    # och "Genomför" direkt med samma fil
    assert vagrad(svar, "Importen avbröts", miljo["eko"][0])
    assert ogonblick(miljo["databas"]) == fore


def test_rapportor_laddar_upp_budget_eller_bedomning(miljo):
    import io

    from openpyxl import load_workbook

    from tests.test_rapport import _kol, _rad
    anvand_databas(miljo["databas"])
    wb = load_workbook(io.BytesIO(rapport.skapa_mall(PERIOD)))
    ws = wb["Inriktningsmål"]
    ws.cell(_rad(ws, "M1-1.1"), _kol(ws, "Bedömning"), "Uppfyllt")
    ut = io.BytesIO()
    wb.save(ut)
    k, fore = klient(miljo, "sara"), ogonblick(miljo["databas"])
    svar = ladda_upp(k, ut.getvalue())
    assert vagrad(svar, "Importen avbröts", "bara en administratör"), text_i(svar[2])
    assert ogonblick(miljo["databas"]) == fore


def test_lasare_skriver(miljo):
    k, fore = klient(miljo, "lars"), ogonblick(miljo["databas"])
    assert vagrad(formular(k, {miljo["shb"][0]: {"status": "Genomförd"}}), "Ingen behörighet", "får inte rapportera")
    assert vagrad(ladda_upp(k, excel(miljo["databas"], miljo["shb"][0])), "Importen gjordes inte")
    assert vagrad(las(k, PERIOD), "Ingen behörighet")
    assert ogonblick(miljo["databas"]) == fore


def test_anonym_skriver(miljo):
    k, fore = klient(miljo), ogonblick(miljo["databas"])
    assert vagrad(formular(k, {miljo["shb"][0]: {"status": "Genomförd"}}), "Ingen behörighet", "inte inloggad")
    assert vagrad(ladda_upp(k, excel(miljo["databas"], miljo["shb"][0])), "Importen gjordes inte")
    assert vagrad(las(k, PERIOD), "Ingen behörighet")
    assert ogonblick(miljo["databas"]) == fore


def test_utgangen_inloggning(miljo):
    url = miljo["databas"]
    k = klient(miljo, "sara")
    anvand_databas(url)
    with db.session() as s:
        s.execute(update(Inloggning).values(utgar=dt.datetime.now() - dt.timedelta(seconds=1)))
    fore = ogonblick(url)
    assert vagrad(formular(k, {miljo["shb"][0]: {"status": "Genomförd"}}), "inte inloggad")
    assert ogonblick(url) == fore


def test_utloggad_kaka_spelas_upp_igen(miljo):
    """Säkerhetsgranskningens fynd: en kaka sparad före "Logga ut" importerade fortfarande."""
    import copy
    k = klient(miljo, "sara")
    sparad = copy.copy(k.kaka("malkoll"))
    logga_ut(k)
    angripare = Klient(miljo["bas"])
    angripare.kakor.set_cookie(sparad)
    fore = ogonblick(miljo["databas"])
    assert vagrad(formular(angripare, {miljo["shb"][0]: {"status": "Genomförd"}}), "inte inloggad")
    assert vagrad(ladda_upp(angripare, excel(miljo["databas"], miljo["shb"][0])), "Importen gjordes inte")
    assert ogonblick(miljo["databas"]) == fore


def test_inaktiverat_konto_mitt_i(miljo):
    url = miljo["databas"]
    k = klient(miljo, "erik")
    anvand_databas(url)
    anvandare.inaktivera("erik")
    try:
        fore = ogonblick(url)
        assert vagrad(formular(k, {miljo["eko"][0]: {"status": "Genomförd"}}), "inte inloggad")
        assert ogonblick(url) == fore
        ny = klient(miljo)
        assert logga_in(ny, "erik") == 200 and not inloggad(ny)      # kan inte logga in igen
    finally:
        anvandare.andra("erik", aktiv=True)


def test_roll_tas_bort_mitt_i(miljo):
    url = miljo["databas"]
    k = klient(miljo, "erik")
    anvand_databas(url)
    anvandare.andra("erik", roll="lasare")
    try:
        fore = ogonblick(url)
        assert vagrad(formular(k, {miljo["eko"][0]: {"status": "Genomförd"}}), "får inte rapportera")
        assert vagrad(ladda_upp(k, excel(url, miljo["eko"][0])), "Importen gjordes inte")
        assert ogonblick(url) == fore
    finally:
        anvandare.andra("erik", roll="rapportor")


def test_enhet_tas_bort_mitt_i(miljo):
    url = miljo["databas"]
    k = klient(miljo, "erik")
    anvand_databas(url)
    anvandare.andra("erik", enheter=["KSK/SHB"])
    try:
        fore = ogonblick(url)
        assert vagrad(formular(k, {miljo["eko"][0]: {"status": "Genomförd"}}), "Ingenting sparades")
        assert ogonblick(url) == fore
    finally:
        anvandare.andra("erik", enheter=["KSK/EKO"])


def test_last_period_formular_och_excel(miljo):
    """Också en administratör: en låst period tar inte emot något."""
    for namn in ("sara", "ada"):
        k, fore = klient(miljo, namn), ogonblick(miljo["databas"])
        svar = formular(k, {miljo["shb"][0]: {"status": "Genomförd"}}, period=LAST_PERIOD)
        assert vagrad(svar, "Ingenting sparades", "låst"), text_i(svar[2])
        assert ogonblick(miljo["databas"]) == fore
    fil = excel(miljo["databas"], miljo["shb"][0]).replace(b"", b"")
    import io

    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(fil))
    wb[rapport.BLAD_INSTR]["B2"] = LAST_PERIOD
    ut = io.BytesIO()
    wb.save(ut)
    assert vagrad(ladda_upp(klient(miljo, "ada"), ut.getvalue()), "Importen avbröts", "låst")
    assert ogonblick(miljo["databas"]) == fore


def test_rapportor_laser_eller_laser_upp_period(miljo):
    k, fore = klient(miljo, "sara"), ogonblick(miljo["databas"])
    assert vagrad(las(k, PERIOD), "Ingen behörighet", "administratör")
    assert vagrad(las(k, LAST_PERIOD, False, "vill ändra"), "Ingen behörighet")
    assert ogonblick(miljo["databas"]) == fore


def test_post_fran_annan_webbplats(miljo):
    k, fore = klient(miljo, "sara"), ogonblick(miljo["databas"])
    k.origin = "https://angripare.example"
    status, _, svar = formular(k, {miljo["shb"][0]: {"status": "Genomförd"}})
    assert status == 403 and "annan webbplats" in str(svar)
    assert ogonblick(miljo["databas"]) == fore


def test_post_utan_origin_raknas_som_anonym(miljo):
    k, fore = klient(miljo, "sara"), ogonblick(miljo["databas"])
    k.origin = None
    assert vagrad(formular(k, {miljo["shb"][0]: {"status": "Genomförd"}}), "inte inloggad")
    assert ogonblick(miljo["databas"]) == fore


def test_inloggning_fran_annan_webbplats(miljo):
    k = Klient(miljo["bas"])
    data = urllib.parse.urlencode({"anvandarnamn": "ada", "losenord": LOSEN}).encode()
    req = urllib.request.Request(k.bas + "/logga-in", data=data, method="POST",
                                 headers={"Origin": "https://angripare.example"})
    with pytest.raises(urllib.error.HTTPError) as e:
        k.oppnare.open(req, timeout=60)
    assert e.value.code == 403 and not inloggad(k)


def test_administratoren_laser_och_laser_upp_med_logg(miljo):
    url = miljo["databas"]
    k = klient(miljo, "ada")
    assert vagrad(las(k, LAST_PERIOD, False), "motivering")
    assert vagrad(las(k, LAST_PERIOD, False, "Rättelse av 1-A02"), "är upplåst")
    assert vagrad(las(k, LAST_PERIOD, True), "är låst")
    logg = rapportera_logg(url)
    assert ("upplåst", "Ada Admin (ada)", "Rättelse av 1-A02") in logg and ("låst", "Ada Admin (ada)", None) in logg


def rapportera_logg(url: str) -> list[tuple]:
    anvand_databas(url)
    with db.session() as s:
        return [(r.handelse, r.av, r.motivering) for r in s.scalars(select(Periodlas))]


def test_andringsloggen_bara_for_administratorer(miljo):
    """Ändringsloggen visar vem, när, varifrån (formuläret) och låsningarna – men bara för administratörer."""
    kod = miljo["shb"][0]
    def sida(k, sok=""):
        return text_i(k.callback("_pages_content.children", {"_pages_location.pathname": "/andringslogg",
                                                             "_pages_location.search": sok})[2])
    for namn in (None, "sara", "lars"):
        text = sida(klient(miljo, namn))
        assert "bara för administratörer" in text and "Formulär i webbläsaren" not in text
        assert "Inläsningen av planen" not in text and "6-A12" not in text
    text = sida(klient(miljo, "ada"), f"?kod={kod}")
    # Inläsningens varningar (issue 20): KS-2020 har fem tidpunkter som inte är datum, med fil och post
    assert "Inläsningen av planen gav 5 varningar" in text
    assert ("malomrade_6.yaml, åtgärd 6-A12: tidpunkten 'Avrapportering efter genomfört möte' går inte att "
            "läsa som ett datum") in text
    assert f"Ändringslogg för {kod}" in text and "Sara Samhälle (sara)" in text and "Formulär i webbläsaren" in text
    assert "Status: Pågår enligt plan – Enligt plan." in text
    text = sida(klient(miljo, "ada"))
    assert "Perioden låst" in text


@pytest.fixture(scope="module")
def stangd_server(miljo, tmp_path_factory):
    """Samma databas, men MALKOLL_KRAV_INLOGGNING=ja: inget går att läsa utan inloggning."""
    proc, bas = starta(miljo["databas"], tmp_path_factory.mktemp("krav"), workers=1,
                       miljo={"MALKOLL_HEMLIGHET": HEMLIGHET, "MALKOLL_KRAV_INLOGGNING": "ja"}, godta=(401,))
    yield {"bas": bas, "databas": miljo["databas"]}
    stoppa(proc)


def test_krav_pa_inloggning_for_allt(stangd_server):
    class UtanOmdirigering(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **kw):
            return None
    k = Klient(stangd_server["bas"])
    assert k.get("/_dash-dependencies")[0] == 401                  # inte ens Dashs beroenden utan inloggning
    inne = Klient(stangd_server["bas"])
    assert logga_in(inne, "lars") == 200
    k._deps = inne.deps                                            # anropen ser ut som en inloggads
    k.oppnare = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(k.kakor), UtanOmdirigering)
    status, h, _ = k.get("/malomrade/1?period=x")
    assert status == 303 and h["Location"].endswith("/logga-in?nasta=/malomrade/1%3Fperiod%3Dx")
    status, h, _ = k.get("/export/malkoll.xlsx")
    assert status == 303 and "/logga-in?nasta=" in h["Location"]
    innehall = {"_pages_location.search": ""}
    assert k.callback("_pages_content.children", {"_pages_location.pathname": "/malomrade/1", **innehall})[0] == 401
    # inloggningssidan är öppen – som vanlig HTML, utan Dash (tests/test_drift_sakerhet.py)
    assert k.callback("_pages_content.children", {"_pages_location.pathname": "/logga-in", **innehall})[0] == 401
    status, _, sida = k.get("/logga-in")
    assert status == 200 and "Användarnamn" in sida.decode()
    k.oppnare = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(k.kakor))
    assert logga_in(k, "lars") == 200 and inloggad(k)              # en läsare får läsa
    status, _, svar = k.callback("_pages_content.children", {"_pages_location.pathname": "/malomrade/1", **innehall})
    assert status == 200 and "Inriktningsmål" in text_i(svar)
    assert k.get("/export/malkoll.xlsx")[0] == 200
