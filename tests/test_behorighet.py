"""Behörighet på servern för varje skrivväg (issue 15): formuläret, omspelade Dash-anrop och
Excel-uppladdningen, för rapportör, läsare, anonym, utgången och utloggad inloggning, inaktiverat
konto, roll som tas bort mitt i, låst period och anrop från en annan webbplats. Varje fall
kontrollerar att anropet vägras och att databasen är oförändrad; kontrollfallen visar att samma
anrop går igenom för den som får.

Issue 21: behörigheten prövas på det som skrivs (skrivmängden efter den enda parsern), så bladnamn i
NFD och rubriker i NFD eller med Excels _xHHHH_-escapes ger ingen väg förbi. Issue 20: rättigheterna
gäller per organisation – databasen har också Testköpings plan (TK-2023) med samma enhetskoder
(KSK/EKO), och en rapportör i den ena kommunen vägras i den andras plan på varje väg."""
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
from data.planen import ladda
from data.uppfoljning import fragor
from data.rapportering import rapport, behorighet as rapportering
from data.lagring.models import (Atgardsrapport, Budgetutfall, Indikator, Indikatorutfall, Inloggning, Malbedomning,
                                 Malvarde, Period, Periodlas)
from tests.conftest import ROT, pg_databas
from tests.test_sakerhet import Klient, forbered_databas, starta, stoppa, text_i

TK = ROT / "tests" / "data" / "plan_testkoping"
TK_PERIOD = "Tertial 1 2023"
NORRTALJE, TESTKOPING = "Norrtälje kommun", "Testköpings kommun"

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
                s.scalar(select(func.count(Malbedomning.id))), s.scalar(select(func.count(Budgetutfall.id))),
                tuple(s.scalars(select(Period.last).order_by(Period.id))))


def formular(k: Klient, atg: dict, ind: dict | None = None, period: str = PERIOD, spara: bool = True,
             plan: str | None = None):
    """Spela upp formulärets Dash-anrop (Spara eller Förhandsgranska) med egna id:n och värden."""
    ind = ind or {}

    def falt(typ, varden, prop="value"):
        return [{"id": {"typ": typ, "kod": kod}, "property": prop,
                 "value": {"typ": typ, "kod": kod} if prop == "id" else v} for kod, v in varden.items()]
    kib = {k_: bool(v.get("kib")) for k_, v in ind.items()}       # dbc.Checkbox: sant eller falskt
    state = [{"id": "rf-period", "property": "data", "value": {"period": period, "plan": plan}}]
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
    wb = load_workbook(io.BytesIO(rapport.skapa_mall(PERIOD, plan=fragor.los_plan())))
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
        assert ladda.ladda_plan(TK) == "inläst"      # en andra kommun med samma enhetskoder
        anvandare.lagg_till("ada", "administrator", [], LOSEN, "Ada Admin")
        anvandare.lagg_till("sara", "rapportor", ["KSK/SHB"], LOSEN, "Sara Samhälle")
        anvandare.lagg_till("erik", "rapportor", ["KSK/EKO"], LOSEN, "Erik Ekonom", organisation=NORRTALJE)
        anvandare.lagg_till("tove", "rapportor", ["KSK/EKO"], LOSEN, "Tove Testköping", organisation=TESTKOPING)
        anvandare.lagg_till("lars", "lasare", [], LOSEN, "Lars Läsare")
    rapport.las_period(LAST_PERIOD, "test", True, plan=fragor.los_plan())
    shb = set(fragor.atgarder(enhet=["KSK/SHB"], roll="ansvarig", plan=fragor.los_plan()).kod)
    eko = set(fragor.atgarder(enhet=["KSK/EKO"], roll="ansvarig", plan=fragor.los_plan()).kod)
    eko_ind = set(fragor.indikatorer(enhet=["KSK/EKO"], plan=fragor.los_plan()).kod)
    shb_ind = set(fragor.indikatorer(enhet=["KSK/SHB"], plan=fragor.los_plan()).kod)
    tk_eko = sorted(fragor.atgarder(enhet=["KSK/EKO"], roll="ansvarig", plan=fragor.los_plan("TK-2023")).kod)
    proc, bas = starta(url, katalog, workers=2, miljo={"MALKOLL_HEMLIGHET": HEMLIGHET})
    yield {"bas": bas, "databas": url, "shb": sorted(shb - eko), "eko": sorted(eko - shb),
           "eko_ind": sorted(eko_ind - shb_ind), "shb_ind": sorted(shb_ind - eko_ind), "tk_eko": tk_eko,
           "logg": proc.logg}
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
    a = fragor.atgarder(period=PERIOD, plan=fragor.los_plan()).set_index("kod").loc[kod]
    assert (a.rapporterad_status, a.rapporterad_av, a.kalla) == ("Pågår enligt plan", "Sara Samhälle",
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
    i = fragor.indikatorer(period=PERIOD, plan=fragor.los_plan()).set_index("kod").loc[kod]
    assert i.mal_2020 == 12 and not i.mal_2020_fran_planen
    logg = rapportering.andringslogg(kod, plan=fragor.los_plan())
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
    wb = load_workbook(io.BytesIO(rapport.skapa_mall(PERIOD, plan=fragor.los_plan())))
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
        anvandare.andra("erik", enheter=["KSK/EKO"], organisation=NORRTALJE)


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


# --- Issue 21: behörigheten prövas på skrivmängden, inte på en andra läsning av filen ---

# Per blad: (rubriken som fylls i, värdet) – en rad som rapportören (sara, KSK/SHB) inte får skriva
FIENTLIGA_RADER = {"Åtgärder": ("Status", "Genomförd"), "Indikatorer": ("Nytt mål för året", 42),
                   "Inriktningsmål": ("Bedömning", "Uppfyllt"), "Budget": ("Utfall hittills (tkr)", -1234)}
# Rubrikerna som Excel skriver med _xHHHH_-escapes (importen avkodar dem): Id och den ifyllda kolumnen
ESCAPADE = {"Id": "_x0049_d", "Status": "Statu_x0073_", "Nytt mål för året": "Nytt mål för åre_x0074_",
            "Bedömning": "Bedömnin_x0067_", "Utfall hittills (tkr)": "Utfall hittills (tkr_x0029_"}


_MALLAR: dict[str, bytes] = {}


def mall(url: str) -> bytes:
    """Rapportmallen för KSK/EKO – en annan enhet än saras – en gång per databas (varianterna nedan
    utgår från den; en liten mall håller testerna snabba)."""
    if url not in _MALLAR:
        anvand_databas(url)
        _MALLAR[url] = rapport.skapa_mall(PERIOD, ["KSK/EKO"], plan=fragor.los_plan())
    return _MALLAR[url]


def fientlig_fil(miljo, blad: str, variant: str) -> tuple[bytes, str]:
    """En rapportmall (KSK/EKO) med en rad ifylld som sara inte får skriva, på bladet `blad`,
    sparad med bladnamnet i NFD, rubrikerna i NFD eller rubrikerna med _x-escapes. Returnerar (filen,
    radens id)."""
    import io
    import unicodedata

    from openpyxl import load_workbook

    from tests.test_rapport import _kol, _rad
    kod = {"Åtgärder": miljo["eko"][0], "Indikatorer": miljo["eko_ind"][0], "Inriktningsmål": "M1-1.1"}.get(blad)
    wb = load_workbook(io.BytesIO(mall(miljo["databas"])))
    ws = wb[blad]
    kod = kod or ws.cell(rapport.FORSTA_RAD, 1).value                      # Budget: första raden
    rubrik, varde = FIENTLIGA_RADER[blad]
    ws.cell(_rad(ws, kod), _kol(ws, rubrik), varde)
    if variant == "nfd-blad":
        ws.title = unicodedata.normalize("NFD", blad)
    for c in ws[rapport.RUBRIKRAD]:
        if variant == "nfd-rubrik" and isinstance(c.value, str):
            c.value = unicodedata.normalize("NFD", c.value)
        elif variant == "x-rubrik" and c.value in ESCAPADE:
            c.value = ESCAPADE[c.value]
    ut = io.BytesIO()
    wb.save(ut)
    return ut.getvalue(), kod


@pytest.mark.parametrize("variant", ["nfd-blad", "nfd-rubrik", "x-rubrik"])
def test_normaliserade_blad_och_rubriker_ger_ingen_vag_forbi(miljo, variant):
    """Säkerhetsgranskningens fynd 1: importen normaliserar bladnamn och rubriker (NFC, _xHHHH_), den
    gamla kontrollen läste filen en gång till utan att göra det och släppte igenom raderna. Nu läser en
    parser filen och varje post i skrivmängden prövas: varje variant på vart och ett av de fyra bladen
    vägras för rapportören (med blad, rad och id) och för läsaren, och databasen är oförändrad."""
    url = miljo["databas"]
    sara, lars = klient(miljo, "sara"), klient(miljo, "lars")
    for blad in FIENTLIGA_RADER:
        fil, kod = fientlig_fil(miljo, blad, variant)
        fore = ogonblick(url)
        svar = ladda_upp(sara, fil)
        assert vagrad(svar, "Importen avbröts", f"Bladet '{blad}', rad ", "'Id': ", kod, "Du får inte rapportera"), \
            (variant, blad, text_i(svar[2]))
        assert vagrad(ladda_upp(lars, fil), "Importen gjordes inte"), (variant, blad)
        assert ogonblick(url) == fore, (variant, blad)


def test_normaliserad_fil_fran_administratoren_gar_igenom(miljo):
    """Kontrollfallet: samma fil (rubriker med _x-escapes) är en giltig rapport – administratören får
    förhandsgranska den och ser posten (varianterna ovan vägras alltså av behörigheten, inte av parsern)."""
    fil, kod = fientlig_fil(miljo, "Åtgärder", "x-rubrik")
    fore = ogonblick(miljo["databas"])
    svar = ladda_upp(klient(miljo, "ada"), fil, genomfor=False)
    assert vagrad(svar, "Förhandsgranskning", f"Åtgärder {kod} status: Genomförd"), text_i(svar[2])
    assert ogonblick(miljo["databas"]) == fore


# --- Issue 20: rättigheter per organisation ---

def tk_fil(miljo, kod: str) -> bytes:
    """Testköpings rapportmall med åtgärden `kod` ifylld."""
    import io

    from openpyxl import load_workbook

    from tests.test_rapport import _kol, _rad
    anvand_databas(miljo["databas"])
    wb = load_workbook(io.BytesIO(rapport.skapa_mall(TK_PERIOD, plan=fragor.los_plan("TK-2023"))))
    ws = wb["Åtgärder"]
    ws.cell(_rad(ws, kod), _kol(ws, "Status"), "Genomförd")
    ut = io.BytesIO()
    wb.save(ut)
    return ut.getvalue()


def test_rapportor_i_en_kommun_vagras_i_den_andras_plan(miljo):
    """erik har KSK/EKO i Norrtälje; Testköpings plan har också en enhet KSK/EKO. Varken sidan,
    ett omspelat formuläranrop eller en Excel-fil för Testköpings plan ger honom något där."""
    url, kod = miljo["databas"], miljo["tk_eko"][0]
    k, fore = klient(miljo, "erik"), ogonblick(url)
    sida = text_i(k.callback("_pages_content.children", {"_pages_location.pathname": "/rapportera",
                                                         "_pages_location.search": "?plan=TK-2023"})[2])
    assert "inga enheter i planen TK-2023 (Testköpings kommun)" in sida and kod not in sida, sida
    svar = formular(k, {kod: {"status": "Genomförd"}}, period=TK_PERIOD, plan="TK-2023")
    assert vagrad(svar, "Ingenting sparades", "inga enheter i planen TK-2023"), text_i(svar[2])
    svar = formular(k, {kod: {"status": "Genomförd"}}, period=TK_PERIOD, plan="TK-2023", spara=False)
    assert vagrad(svar, "inga enheter i planen TK-2023"), text_i(svar[2])
    fil = tk_fil(miljo, kod)
    assert vagrad(ladda_upp(k, fil, genomfor=False), "avvisades", "Bladet 'Åtgärder', rad", kod,
                  "inga enheter i planen TK-2023")
    assert vagrad(ladda_upp(k, fil), "Importen avbröts", kod)
    assert ogonblick(url) == fore
    # Testköpings rapportör: samma enhetskod, men bara i Testköping
    t = klient(miljo, "tove")
    assert vagrad(formular(t, {miljo["eko"][0]: {"status": "Genomförd"}}), "Ingenting sparades",
                  "inga enheter i planen KS-2020 (Norrtälje kommun)")
    fil_ks = excel(url, miljo["eko"][0])
    assert vagrad(ladda_upp(t, fil_ks), "Importen avbröts", miljo["eko"][0], "inga enheter i planen KS-2020")
    assert ogonblick(url) == fore
    assert vagrad(ladda_upp(t, fil), f"Importen är klar: 1 post sparade för {TK_PERIOD}")   # kontrollfallet
    anvand_databas(url)
    a = fragor.atgarder(period=TK_PERIOD, plan=fragor.los_plan("TK-2023")).set_index("kod").loc[kod]
    assert (a.rapporterad_status, a.rapporterad_av) == ("Genomförd", "Tove Testköping")


# --- Issue 21 fynd 5: rapportörer namnges med visningsnamn eller enhet, aldrig inloggningsnamn ---

def test_export_och_api_namnger_rapportoren_utan_inloggningsnamn(miljo):
    """Exporten (och sidornas hovringstexter, som läser samma frågor) visar "Sara Samhälle", inte
    "Sara Samhälle (sara)"; ett konto utan eget visningsnamn visas med sina enheter. Ändringsloggen för
    administratörer behåller hela etiketten. API:t har inget fält med inloggningsnamn."""
    import io

    from openpyxl import load_workbook

    from data.uppfoljning.urval import Urval
    from data.utdata import export
    url = miljo["databas"]
    anvand_databas(url)
    anvandare.lagg_till("kim", "rapportor", ["KSK/SHB"], LOSEN)        # inget visningsnamn
    for namn, kod in (("sara", miljo["shb"][2]), ("kim", miljo["shb"][3])):
        anv = anvandare.logga_in(namn, LOSEN, "10.9.9.9").anvandare
        fg = rapportering.granska_formular(anv, PERIOD, {"atgarder": {kod: {"status": "Genomförd"}}}, plan=fragor.los_plan())
        assert rapportering.spara(fg, anv) == 1
    wb = load_workbook(io.BytesIO(export.bygg(Urval(period=PERIOD), fragor.los_plan()).innehall))
    ws = wb["Åtgärder"]
    rubriker = [c.value for c in ws[export.RUBRIKRAD]]
    av = [r[rubriker.index("Rapporterad av")] for r in ws.iter_rows(min_row=export.RUBRIKRAD + 1, values_only=True)]
    assert "Sara Samhälle" in av and "KSK/SHB" in av, sorted(set(map(str, av)))
    celler = [str(c) for b in wb.worksheets for r in b.iter_rows(values_only=True) for c in r if c is not None]
    assert not [c for c in celler if "(sara)" in c or c in ("sara", "kim")]
    k = klient(miljo)
    for resurs in ("statusrapporter", "atgarder", "utfall"):
        status, _, kropp = k.get(f"/api/v1/{resurs}?period={urllib.parse.quote(PERIOD)}&per_sida=1000")
        assert status == 200 and b"(sara)" not in kropp and b'"kim"' not in kropp, resurs
    logg = rapportering.andringslogg(miljo["shb"][2], plan=fragor.los_plan())
    assert "Sara Samhälle (sara)" in set(logg.av)


# --- Issue 21 fynd 6: SSO igen och samma enhet igen är idempotenta; issue 20: en kod gäller i en organisation ---

def _ratter(url: str, namn: str) -> set[tuple]:
    from data.lagring.models import Konto, KontoRatt
    anvand_databas(url)
    with db.session() as s:
        return {(r.organisation, r.plan_kod, r.enhet_kod) for r in s.scalars(
            select(KontoRatt).join(Konto, Konto.id == KontoRatt.konto_id).where(Konto.namn == namn))}


def test_sso_igen_och_samma_enhet_igen_ar_idempotent(miljo, monkeypatch, capsys):
    """På PostgreSQL gav varje SSO-inloggning efter den första ett unikhetsfel (500), och
    `andra --enhet` med en enhet kontot redan hade likaså: nu blir rättigheterna exakt de önskade,
    utan att det som redan finns skrivs om."""
    url, sub = miljo["databas"], "anna-1"
    anvand_databas(url)
    forsta = anvandare.oidc_konto(sub, "anna", "Anna Andersson", "rapportor", ["KSK/SHB", "KSK/SHB/MEX"])
    for _ in range(3):
        assert anvandare.oidc_konto(sub, "anna", "Anna Andersson", "rapportor", ["KSK/SHB", "KSK/SHB/MEX"]) == forsta
    assert _ratter(url, "anna") == {(NORRTALJE, "", "KSK/SHB"), (NORRTALJE, "", "KSK/SHB/MEX")}
    # KSK/EKO finns i båda kommunerna: gruppens "KOD@kommun" säger vilken; utan den hoppas koden över
    for _ in range(2):
        anvandare.oidc_konto(sub, "anna", "Anna Andersson", "rapportor", ["KSK/SHB", f"KSK/EKO@{NORRTALJE}", "KSK/EKO"])
    assert _ratter(url, "anna") == {(NORRTALJE, "", "KSK/SHB"), (NORRTALJE, "", "KSK/EKO")}
    monkeypatch.setenv("MALKOLL_NYTT_LOSENORD", LOSEN)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MALKOLL_HEMLIGHET", HEMLIGHET)
    assert anvandare.main(["lagg-till", "siv", "--roll", "rapportor", "--enhet", "KSK/SHB"]) == 0
    for _ in range(2):
        assert anvandare.main(["andra", "siv", "--enhet", "KSK/SHB"]) == 0, capsys.readouterr().err
        assert anvandare.main(["andra", "siv", "--enhet", "KSK/SHB,KSK/EKO", "--enhet", "KSK/SHB",
                               "--organisation", NORRTALJE]) == 0, capsys.readouterr().err
    assert _ratter(url, "siv") == {(NORRTALJE, "", "KSK/SHB"), (NORRTALJE, "", "KSK/EKO")}
    anvandare.andra("siv", enheter=["KSK/EKO"], plan="KS-2020")
    assert _ratter(url, "siv") == {(NORRTALJE, "KS-2020", "KSK/EKO")}


def test_enhetskod_galler_i_en_organisation(miljo, monkeypatch, capsys):
    """Två kommuner med samma enhetskod (KSK/EKO): en kod utan organisation vägras med besked, med
    organisation eller plan gäller den bara där; en organisation med flera planer (nämnder) har ett
    konto per person för alla sina planer."""
    url = miljo["databas"]
    monkeypatch.setenv("MALKOLL_NYTT_LOSENORD", LOSEN)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MALKOLL_HEMLIGHET", HEMLIGHET)
    assert anvandare.main(["lagg-till", "ebba", "--roll", "rapportor", "--enhet", "KSK/EKO"]) == 1
    assert "finns i flera organisationers planer (Norrtälje kommun, Testköpings kommun)" in capsys.readouterr().err
    assert anvandare.main(["lagg-till", "ebba", "--roll", "rapportor", "--enhet", "KSK/EKO",
                           "--organisation", NORRTALJE]) == 0
    assert anvandare.main(["lagg-till", "tilde", "--roll", "rapportor", "--enhet", "KSK/EKO,KSK/DIGI",
                           "--plan", "TK-2023"]) == 0
    assert anvandare.main(["lagg-till", "x", "--roll", "rapportor", "--enhet", "KSK/DIGI",
                           "--organisation", NORRTALJE]) == 1
    assert "Okänd enhet KSK/DIGI i Norrtälje kommun" in capsys.readouterr().err
    anvand_databas(url)
    ebba = anvandare.logga_in("ebba", LOSEN, "10.0.0.2").anvandare
    tilde = anvandare.logga_in("tilde", LOSEN, "10.0.0.3").anvandare
    ks, tk = rapportering.planen(fragor.los_plan("KS-2020")), rapportering.planen(fragor.los_plan("TK-2023"))
    assert (ks.organisation, tk.organisation) == (NORRTALJE, TESTKOPING)
    assert rapportering.enheter_i(ebba, ks) == ("KSK/EKO",) and rapportering.enheter_i(ebba, tk) == ()
    assert set(rapportering.enheter_i(tilde, tk)) == {"KSK/EKO", "KSK/DIGI"} and rapportering.enheter_i(tilde, ks) == ()
    assert rapportering.behorighet(ebba, fragor.los_plan("TK-2023")) == rapportering.INGET
    tk_egna = set(fragor.atgarder(enhet=["KSK/EKO", "KSK/DIGI"], roll="ansvarig", plan=fragor.los_plan("TK-2023")).kod)
    assert rapportering.behorighet(tilde, fragor.los_plan("TK-2023")).atgarder == tk_egna
    assert rapportering.far_se(ebba, ks) and not rapportering.far_se(ebba, tk)
    # En annan nämnds plan i samma kommun: samma konto och enhet räcker; i en annan kommun inte
    ratt = anvandare.Ratt(NORRTALJE, None, "KSK/EKO")
    bun = anvandare.Anvandare(9, "ebba", "Ebba", "rapportor", ("KSK/EKO",), ratter=(ratt,))
    assert bun.enheter_i("BUN-2024", NORRTALJE) == ("KSK/EKO",) and bun.enheter_i("BUN-2024", TESTKOPING) == ()
    bara_ks = anvandare.Anvandare(9, "ebba", "Ebba", "rapportor", ("KSK/EKO",),
                                  ratter=(anvandare.Ratt(NORRTALJE, "KS-2020", "KSK/EKO"),))
    assert bara_ks.enheter_i("BUN-2024", NORRTALJE) == ()


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


def test_api_visar_bara_kontots_organisationer_nar_inloggning_kravs(stangd_server):
    """Issue 20: med krav på inloggning läser en rapportör i Norrtälje inte Testköpings plan genom API:t
    (403), men sin egen; en läsare utan enheter och administratören läser båda. API:t tar inte emot
    skrivningar (405)."""
    def api(namn, plan):
        k = Klient(stangd_server["bas"])
        assert logga_in(k, namn) == 200 and inloggad(k)
        return k.get(f"/api/v1/atgarder?plan={plan}")
    status, _, svar = api("erik", "TK-2023")
    assert status == 403 and "ingen behörighet i planen TK-2023" in svar.decode(), svar[:300]
    assert api("erik", "KS-2020")[0] == 200
    assert api("tove", "KS-2020")[0] == 403 and api("tove", "TK-2023")[0] == 200
    assert api("lars", "TK-2023")[0] == 200 and api("ada", "TK-2023")[0] == 200
    k = Klient(stangd_server["bas"])
    assert logga_in(k, "erik") == 200
    req = urllib.request.Request(k.bas + "/api/v1/atgarder?plan=TK-2023", data=b"{}", method="POST",
                                 headers={"Origin": k.bas, "Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as e:
        k.oppnare.open(req, timeout=60)
    assert e.value.code == 405
