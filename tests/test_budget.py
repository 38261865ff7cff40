"""Budgetsidan: reglerna (rena funktioner), byggarna mot databasen (SQLite + PostgreSQL),
uppföljningen med ett inlagt budgetutfall och sidan i webbläsaren."""
from __future__ import annotations

import datetime as dt
from data.lagring.start import anvand_databas
import math

import pytest
from sqlalchemy import select

from data.uppfoljning import budgetfragor, budgetregler as br, fragor
from data.uppfoljning.regler import EJ_RAPPORTERAD, KAN_INTE
from komponenter import budget as kb
from komponenter import format as fmt

NBSP = "\u00a0"
DRIFTKOLUMNER = ["Utfall 2018", "Budget 2019", "Budget 2020", "Plan 2021", "Plan 2022"]


# --- Hjälpare: gå igenom Dash-komponenter ---

def _barn(k):
    c = getattr(k, "children", None)
    if c is None:
        return []
    return c if isinstance(c, (list, tuple)) else [c]


def _alla(k):
    yield k
    for b in _barn(k):
        if not isinstance(b, (str, int, float)) and b is not None:
            yield from _alla(b)


def _text(k) -> str:
    if k is None:
        return ""
    if isinstance(k, (str, int, float)):
        return str(k)
    return "".join(_text(b) for b in _barn(k))


def _attr(k, namn):
    return k.to_plotly_json()["props"].get(namn)


def _typ(k) -> str:
    return type(k).__name__


def _tabell(komp, id_):
    traff = [k for k in _alla(komp) if _typ(k) == "Table" and _attr(k, "id") == id_]
    assert len(traff) == 1, id_
    return traff[0]


def _rader(tabell) -> dict[str, dict[str, str]]:
    """{post: {kolumn: celltext}} för raderna med data-post."""
    ut = {}
    for tr in _alla(tabell):
        if _typ(tr) == "Tr" and _attr(tr, "data-post"):
            ut[_attr(tr, "data-post")] = {_attr(td, "data-kolumn"): _text(td) for td in _barn(tr)
                                          if _typ(td) == "Td"}
    return ut


def _bred(tabell, url):
    anvand_databas(url)
    return fragor.budget_bred(tabell, plan=fragor.los_plan())


# --- Regler ---

@pytest.mark.parametrize("budget,prognos,publicerad,vantat", [
    (-13602, -13602, None, br.I_BALANS),
    (-13602, -13000, None, br.OVERSKOTT),            # lägre kostnad
    (-10000, -10100, None, br.MINDRE_UNDERSKOTT),     # underskott exakt 1 %
    (-10000, -10050, None, br.MINDRE_UNDERSKOTT),
    (-10000, -10101, None, br.UNDERSKOTT),            # mer än 1 %
    (-5283, -5336, None, br.UNDERSKOTT),              # 1,003 %
    (23000, 22655, None, br.UNDERSKOTT),              # mindre besparing än budgeterat (1,5 %)
    (23000, 23100, None, br.OVERSKOTT),
    (100641, 100000, None, br.MINDRE_UNDERSKOTT),     # lägre intäkt, 0,64 %
    (-231900, None, 37800, br.OVERSKOTT),             # bara avvikelsen publicerad
    (-231900, None, -5000, br.UNDERSKOTT),
    (-231900, None, 0, br.I_BALANS),
    (-10000, None, None, EJ_RAPPORTERAD),
    (None, -10000, None, KAN_INTE),
    (float("nan"), -10000, None, KAN_INTE),
    (0, -10, None, br.UNDERSKOTT),                    # ingen budget alls: varje underskott är stort
])
def test_budgetstatus(budget, prognos, publicerad, vantat):
    s = br.budgetstatus(budget, prognos, publicerad)
    assert s.status == vantat
    assert s.skal


def test_avvikelse_och_procent():
    assert br.avvikelse(-13602, -14000) == -398
    assert br.avvikelse(-13602, None) is None
    assert br.avvikelse(-13602, None, 37800) == 37800
    assert br.avvikelse(-13602, -14000, 99) == -398          # prognosen går före
    assert br.avvikelse(None, -14000) is None
    assert br.avvikelse_procent(-10000, -10300) == pytest.approx(-3.0)
    assert br.avvikelse_procent(23000, 22655) == pytest.approx(-1.5)
    assert br.avvikelse_procent(0, -10) is None
    assert br.avvikelse_procent(-231900, None, 37800) == pytest.approx(16.3, abs=0.05)


def test_genomforandegrad():
    assert br.genomforandegrad(92500, 62283) == pytest.approx(67.33, abs=0.01)
    assert br.genomforandegrad(0, 100) is None
    assert br.genomforandegrad(100, None) is None
    assert br.genomforandegrad(None, 100) is None


@pytest.mark.parametrize("kolumner,ar,vantat", [
    (DRIFTKOLUMNER, 2020, "Budget 2020"), (DRIFTKOLUMNER, 2021, "Plan 2021"),
    (DRIFTKOLUMNER, 2018, None),  # bara utfall det året
    (["2020", "2021", "2022"], 2022, "2022"), (["2020", "2021", "2022"], 2023, None),
])
def test_budgetkolumn(kolumner, ar, vantat):
    assert br.budgetkolumn(kolumner, ar) == vantat


def test_vattenfall_hoppar_over_tomma():
    namn, belopp, lopande = br.vattenfall([("a", -100), ("b", None), ("c", float("nan")), ("d", 600)])
    assert namn == ["a", "d"] and belopp == [-100, 600] and lopande == [-100, 500]


def test_format_och_enhet():
    assert kb.belopp(-25000) == "−25" + NBSP + "000"
    assert kb.belopp(-25000, "mnkr") == "−25,0"
    assert kb.belopp(float("nan")) == ""
    assert kb.mnkr(-228900) == "228,9" + NBSP + "mnkr"
    assert kb.mnkr(23000) == "23" + NBSP + "mnkr"
    assert kb.enhet_fran_fraga("mnkr") == "mnkr"
    assert kb.enhet_fran_fraga(["tkr", "mnkr"]) == "mnkr"
    assert kb.enhet_fran_fraga(None) == kb.enhet_fran_fraga("x") == "tkr"


# --- Byggarna mot databasen ---

def test_nyckeltal_ur_databasen(laddad_databas):
    anvand_databas(laddad_databas)
    nt = budgetfragor.nyckeltal(plan=fragor.los_plan())
    drift = _bred("driftbudget", laddad_databas).set_index("post")
    inv = _bred("investeringar", laddad_databas).set_index("post")
    verk = _bred("drift_per_verksamhet", laddad_databas).set_index("post")
    assert nt["ar"] == 2020
    assert nt["netto"] == drift.loc["Netto", "Budget 2020"] == -228900
    assert nt["investeringar"] == inv.loc["Summa investeringar", "2020"] == 510500
    assert nt["effektivisering"] == verk.loc["Effektivisering och omställning", "Budget 2020"] == 23000
    rad = kb.nyckeltal_rad(nt)
    text = _text(rad)
    for v in ("228,9", "510,5", "23"):
        assert f"{v}{NBSP}mnkr" in text
    assert "−228" + NBSP + "900" in text


@pytest.mark.parametrize("enhet", ["tkr", "mnkr"])
@pytest.mark.parametrize("tabell,id_", [("driftbudget", "t-drift"), ("drift_per_verksamhet", "t-verk"),
                                        ("budgetforandringar", "t-spec")])
def test_budgettabellens_celler_ar_databasens(laddad_databas, tabell, id_, enhet):
    bred = _bred(tabell, laddad_databas)
    komp = kb.budgettabell(bred, enhet, "Rubrik", id_)
    t = _tabell(komp, id_)
    celler = _rader(t)
    kol = kb.kolumner(bred)
    assert list(celler) == list(bred.post)
    for r in bred.to_dict("records"):
        for k in kol:
            v = r[k]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                assert celler[r["post"]][k] == ""
            elif r["typ"] == "forandring_procent":
                assert celler[r["post"]][k] == fmt.tal(v, 1)
            else:
                vantat = fmt.tal(v / 1000, 1) if enhet == "mnkr" else fmt.tal(v, 0)
                assert celler[r["post"]][k] == vantat
    # Riktiga tabellrubriker med scope, tal högerställda
    th = [k for k in _alla(t) if _typ(k) == "Th"]
    assert all(_attr(k, "scope") in ("col", "row") for k in th)
    assert all("text-end" in (_attr(td, "className") or "") for td in _alla(t) if _typ(td) == "Td")
    assert enhet in _text(t)


def test_driftbudgetens_kolumner_och_forandring(laddad_databas):
    bred = _bred("driftbudget", laddad_databas)
    assert kb.kolumner(bred) == DRIFTKOLUMNER
    celler = _rader(_tabell(kb.budgettabell(bred, "tkr", "D", "d"), "d"))
    assert celler["Förändring i tkr"]["Budget 2020"] == "−25" + NBSP + "000"
    assert celler["Förändring i %"]["Budget 2020"] == "12,3"
    assert celler["Netto"]["Budget 2020"] == "−228" + NBSP + "900"
    # "tkr" i postens namn följer enheten
    mn = kb.budgettabell(bred, "mnkr", "D", "m")
    assert "Förändring i mnkr" in _text(mn) and "Förändring i tkr" not in _text(mn)
    assert _rader(_tabell(mn, "m"))["Förändring i tkr"]["Budget 2020"] == "−25,0"
    fig = kb.driftfigur(bred)
    netto = next(t for t in fig.data if t.name == "Netto")
    assert list(netto.x) == DRIFTKOLUMNER
    assert list(netto.y) == list(bred.set_index("post").loc["Netto", DRIFTKOLUMNER])
    assert all(t.type == "bar" for t in fig.data)
    mn = kb.driftfigur(bred, "mnkr")
    assert list(next(t for t in mn.data if t.name == "Netto").y)[2] == pytest.approx(-228.9)


def test_per_verksamhet_med_fotnot(laddad_databas):
    bred = _bred("drift_per_verksamhet", laddad_databas)
    komp = kb.budgettabell(bred, "tkr", "Per verksamhet", "v", forsta="Verksamhet")
    text = _text(komp)
    assert "Belopp för 2021-2022 är ackumulerade" in text
    assert list(_rader(_tabell(komp, "v")))[0] == "Kommundirektör"
    assert list(_rader(_tabell(komp, "v")))[-1] == "Summa nämnd"
    fig = kb.verksamhetsfigur(bred)
    poster = bred[bred.typ == "belopp"]
    assert [t.name for t in fig.data] == DRIFTKOLUMNER
    for t in fig.data:
        assert [None if x is None else x for x in t.x] == [None if math.isnan(v) else v for v in poster[t.name]]
        assert t.orientation == "h"


@pytest.mark.parametrize("kolumn,summa", [("Budget 2020", -25000), ("Plan 2021", 500), ("Plan 2022", -3500)])
def test_vattenfall_slutar_pa_dokumentets_summa(laddad_databas, kolumn, summa):
    spec = _bred("budgetforandringar", laddad_databas)
    serie = kb.vattenfallsserie(spec, kolumn)
    poster = spec[(spec.typ == "belopp") & spec[kolumn].notna()]
    assert serie["poster"] == list(poster.post)
    assert serie["varden"] == list(poster[kolumn])
    assert serie["summa"] == summa
    assert serie["lopande"][-1] == summa
    fig = kb.vattenfallsfigur(serie)
    wf = fig.data[0]
    assert wf.type == "waterfall"
    assert list(wf.measure) == ["relative"] * len(poster) + ["total"]
    assert list(wf.x) == list(poster[kolumn]) + [summa]      # liggande vattenfall: beloppen på x
    assert sum(wf.x[:-1]) == wf.x[-1] == summa
    assert list(wf.y)[-1] == "Summa"
    # i mnkr: samma steg delade med 1000
    mn = kb.vattenfallsfigur(serie, "mnkr").data[0]
    assert list(mn.x) == pytest.approx([v / 1000 for v in wf.x])


def test_investeringar_grupper_delsummor_och_totaler(laddad_databas):
    inv = _bred("investeringar", laddad_databas)
    rader = kb.investeringsrader(inv)
    grupper = [r["post"] for r in rader if r["typ"] == "grupp"]
    assert grupper == ["Kommunstyrelsens investeringar",
                       "Teknik- och klimatnämndens investeringar som beslutas av kommunstyrelsen"]
    delsummor = [r for r in rader if r["typ"] == "delsumma"]
    poster = inv[inv.typ == "belopp"]
    for d in delsummor:
        for k in ("2020", "2021", "2022"):
            assert d["varden"][k] == poster[poster.grupp == d["grupp"]][k].sum()
    summa = [r for r in rader if r["typ"] == "summa"]
    assert len(summa) == 1 and summa[0]["post"] == "Summa investeringar"
    assert [summa[0]["varden"][k] for k in ("2020", "2021", "2022")] == [510500, 451900, 529600]
    for k in ("2020", "2021", "2022"):
        assert sum(d["varden"][k] for d in delsummor) == summa[0]["varden"][k]
    celler = _rader(_tabell(kb.investeringstabell(inv, "tkr"), "tabell-investeringar"))
    assert celler["Summa investeringar"] == {"2020": "510" + NBSP + "500", "2021": "451" + NBSP + "900",
                                             "2022": "529" + NBSP + "600"}
    assert celler["VA, ny och befintlig miljö"]["2020"] == "287" + NBSP + "700"
    assert celler["Summa kommunstyrelsens investeringar"]["2020"] == fmt.tal(
        poster[poster.grupp == grupper[0]]["2020"].sum(), 0)
    fig = kb.investeringsfigur(inv)
    assert [t.name for t in fig.data] == ["2020", "2021", "2022"]
    assert list(fig.data[0].x) == list(poster["2020"])


def test_diagram_har_textalternativ_och_hojd(laddad_databas):
    inv = _bred("investeringar", laddad_databas)
    fig = kb.investeringsfigur(inv)
    komp = kb.diagram(fig, "g", kb.investeringssammanfattning(inv), kb.investeringsdata(inv), "Investeringar")
    graf = next(k for k in _alla(komp) if _typ(k) == "Graph")
    assert graf.style["height"] == f"{fig.layout.height}px"
    assert any(_typ(k) == "Figcaption" and "510" + NBSP + "500" in _text(k) for k in _alla(komp))
    assert any(_typ(k) == "Details" for k in _alla(komp))


def test_uppfoljning_utan_rapporter_ar_ej_rapporterad(laddad_databas):
    anvand_databas(laddad_databas)
    df = budgetfragor.uppfoljning("drift_per_verksamhet", "Delår 1 2020", plan=fragor.los_plan())
    assert set(df.status) == {EJ_RAPPORTERAD}
    assert list(df.budget) == list(_bred("drift_per_verksamhet", laddad_databas)["Budget 2020"].fillna(float("nan")))
    komp = kb.uppfoljningstabell(df, "tkr", "Delår 1 2020", "Rubrik", "u")
    assert all(_attr(tr, "data-status") == EJ_RAPPORTERAD for tr in _alla(komp)
               if _typ(tr) == "Tr" and _attr(tr, "data-post"))
    assert "Exempeldata" not in _text(komp)
    inv = budgetfragor.uppfoljning("investeringar", "Delår 1 2020", plan=fragor.los_plan())
    assert EJ_RAPPORTERAD in _text(kb.investeringsuppfoljning(inv, "tkr", "Delår 1 2020"))


# --- Uppföljning med ett inlagt budgetutfall ---

def _lagg_in_utfall(url, rader: list[dict], period: str):
    from data.lagring import db
    from data.lagring.models import Budgetrad, Budgetutfall, Period
    anvand_databas(url)
    with db.session() as s:
        per = s.scalars(select(Period).where(Period.namn == period)).one()
        for r in rader:
            rad = s.scalars(select(Budgetrad).where(Budgetrad.tabell == r["tabell"], Budgetrad.post == r["post"])).one()
            s.add(Budgetutfall(budgetrad_id=rad.id, period_id=per.id, utfall=r.get("utfall"),
                               prognos=r.get("prognos"), kommentar=r.get("kommentar"), rapporterad_av="Test",
                               rapporterad=dt.datetime(2020, 9, 15), kalla=r.get("kalla"),
                               kalla_url=r.get("kalla_url"), exempel=r.get("exempel", False)))


def test_uppfoljning_med_budgetutfall(tom_databas):
    from data.planen import ladda
    url = tom_databas
    anvand_databas(url)
    ladda.ladda_plan()
    period = "Delår 2 2020"
    _lagg_in_utfall(url, [
        {"tabell": "drift_per_verksamhet", "post": "Räddningstjänst", "utfall": -49000, "prognos": -74277,
         "kommentar": "Högre kostnader för larm.", "exempel": True},
        {"tabell": "drift_per_verksamhet", "post": "Kommundirektör", "utfall": -9000, "prognos": -13650,
         "exempel": True},
        {"tabell": "drift_per_verksamhet", "post": "Kommunstyrelse", "utfall": -12000, "prognos": -19000,
         "kalla_url": "https://example.org/delar2", "exempel": False},
        {"tabell": "investeringar", "post": "IT-investeringar", "utfall": 7400, "prognos": 14800, "exempel": True},
    ], period)
    df = budgetfragor.uppfoljning("drift_per_verksamhet", period, plan=fragor.los_plan()).set_index("post")
    assert df.loc["Räddningstjänst", "budget"] == -72114
    assert df.loc["Räddningstjänst", "avvikelse"] == -74277 - -72114 == -2163
    assert df.loc["Räddningstjänst", "avvikelse_procent"] == pytest.approx(-2163 / 72114 * 100)
    assert df.loc["Räddningstjänst", "status"] == br.UNDERSKOTT
    assert df.loc["Kommundirektör", "avvikelse"] == -48
    assert df.loc["Kommundirektör", "status"] == br.MINDRE_UNDERSKOTT       # 0,35 %
    assert df.loc["Kommunstyrelse", "status"] == br.OVERSKOTT
    assert df.loc["Samhällsbyggnad", "status"] == EJ_RAPPORTERAD
    assert df.loc["Summa nämnd", "status"] == EJ_RAPPORTERAD                 # inte alla rader rapporterade
    assert bool(df.loc["Räddningstjänst", "exempel"]) and not bool(df.loc["Kommunstyrelse", "exempel"])

    komp = kb.uppfoljningstabell(df.reset_index(), "tkr", period, "Prognos mot budget", "u")
    celler = _rader(_tabell(komp, "u"))
    assert celler["Räddningstjänst"]["avvikelse"] == "−2" + NBSP + "163"
    assert celler["Räddningstjänst"]["avvikelse_procent"] == "−3,0" + NBSP + "%"
    assert celler["Räddningstjänst"]["prognos"] == "−74" + NBSP + "277"
    assert "Underskott" in celler["Räddningstjänst"]["status"]
    assert "✕" in celler["Räddningstjänst"]["status"]                       # symbol + ord, inte bara färg
    assert "Mindre underskott" in celler["Kommundirektör"]["status"]
    assert "Överskott" in celler["Kommunstyrelse"]["status"]
    assert "Ej rapporterad" in celler["Samhällsbyggnad"]["status"]
    # Exempeldata märks, publicerad källa länkas
    text = _text(komp)
    assert "Exempeldata – inte kommunens rapportering" in text
    assert "exempel" in celler["Räddningstjänst"]["kommentar"]
    assert "exempel" not in celler["Kommunstyrelse"]["kommentar"]
    lankar = [k for k in _alla(komp) if _typ(k) == "A"]
    assert [_attr(a, "href") for a in lankar] == ["https://example.org/delar2"]
    mn = _rader(_tabell(kb.uppfoljningstabell(df.reset_index(), "mnkr", period, "R", "m"), "m"))
    assert mn["Räddningstjänst"]["avvikelse"] == "−2,2"

    inv = budgetfragor.uppfoljning("investeringar", period, plan=fragor.los_plan()).set_index("post")
    assert inv.loc["IT-investeringar", "genomforandegrad"] == pytest.approx(50.0)
    assert inv.loc["IT-investeringar", "prognosgrad"] == pytest.approx(100.0)
    ic = _rader(_tabell(kb.investeringsuppfoljning(inv.reset_index(), "tkr", period), "tabell-uppfoljning-investeringar"))
    assert ic["IT-investeringar"]["genomforandegrad"] == "50" + NBSP + "%"
    assert ic["Inventarier"]["utfall"] == "Ej rapporterad"

    # Perioden utan rapporter påverkas inte
    assert set(budgetfragor.uppfoljning("drift_per_verksamhet", "Delår 1 2020", plan=fragor.los_plan()).status) == {EJ_RAPPORTERAD}


def test_summa_raknas_nar_alla_rader_ar_rapporterade(tom_databas):
    from data.planen import ladda
    url = tom_databas
    anvand_databas(url)
    ladda.ladda_plan()
    bred = _bred("drift_per_verksamhet", url)
    poster = bred[bred.typ == "belopp"]
    _lagg_in_utfall(url, [{"tabell": "drift_per_verksamhet", "post": p, "utfall": b * 0.6, "prognos": b,
                           "exempel": True} for p, b in zip(poster.post, poster["Budget 2020"])], "Delår 2 2020")
    df = budgetfragor.uppfoljning("drift_per_verksamhet", "Delår 2 2020", plan=fragor.los_plan()).set_index("post")
    assert bool(df.loc["Summa nämnd", "beraknad"])
    assert df.loc["Summa nämnd", "prognos"] == -228900
    assert df.loc["Summa nämnd", "status"] == br.I_BALANS
    kort = _text(kb.uppfoljningskort(df.reset_index(), "Delår 2 2020"))
    assert "I balans" in kort


# --- Sidan i webbläsaren ---

def test_budgetsidan_i_webblasaren(sida, appserver):
    from selenium.webdriver.common.by import By
    d = sida("/budget")
    text = d.find_element(By.ID, "_pages_content").text.replace(NBSP, " ")
    assert "228,9 mnkr" in text and "510,5 mnkr" in text and "23 mnkr" in text
    for id_ in ("tabell-driftbudget", "tabell-drift-per-verksamhet", "tabell-budgetforandringar",
                "tabell-investeringar"):
        t = d.find_element(By.ID, id_)
        assert t.tag_name == "table"
        assert t.find_elements(By.CSS_SELECTOR, "th[scope=col]")
    assert "Belopp för 2021-2022 är ackumulerade" in text
    drift = d.find_element(By.ID, "tabell-driftbudget")
    assert "−228 900" in drift.text.replace(NBSP, " ")
    # Diagram som SVG, ingen WebGL; varje diagram har ett textalternativ
    grafer = d.find_elements(By.CSS_SELECTOR, ".budgetgraf")
    assert len(grafer) >= 6
    assert len(d.find_elements(By.CSS_SELECTOR, ".budgetgraf .main-svg")) >= len(grafer)
    assert not d.find_elements(By.CSS_SELECTOR, "canvas.gl-canvas")
    assert len(d.find_elements(By.CSS_SELECTOR, "figure figcaption")) >= len(grafer)
    # Uppföljningen finns (rapporterad eller ärligt "Ej rapporterad")
    assert d.find_element(By.ID, "tabell-uppfoljning-drift")


def test_budgetsidan_i_mnkr_via_url_och_knapp(sida, appserver):
    from selenium.webdriver.common.by import By
    from tools.skarmbild import vanta_pa_dash
    import time
    d = sida("/budget?belopp=mnkr")
    drift = d.find_element(By.ID, "tabell-driftbudget").text.replace(NBSP, " ")
    assert "−228,9" in drift and "−228 900" not in drift and "mnkr" in drift
    inv = d.find_element(By.ID, "tabell-investeringar").text.replace(NBSP, " ")
    assert "510,5" in inv and "451,9" in inv and "529,6" in inv
    # Tillbaka till tkr med knappen: valet skrivs till URL:en
    next(e for e in d.find_elements(By.CSS_SELECTOR, ".budget-enhet label") if e.text == "tkr").click()
    slut = time.time() + 45
    while time.time() < slut and "belopp=mnkr" in d.current_url:
        time.sleep(0.2)
    assert "belopp=mnkr" not in d.current_url
    vanta_pa_dash(d)
    time.sleep(0.5)
    vanta_pa_dash(d)
    assert "−228 900" in d.find_element(By.ID, "tabell-driftbudget").text.replace(NBSP, " ")
    # …och till mnkr igen
    next(e for e in d.find_elements(By.CSS_SELECTOR, ".budget-enhet label") if e.text == "mnkr").click()
    slut = time.time() + 45
    while time.time() < slut and "belopp=mnkr" not in d.current_url:
        time.sleep(0.2)
    assert "belopp=mnkr" in d.current_url


def test_periodvaljaren_behaller_enheten_i_url(sida, appserver):
    from selenium.webdriver.common.by import By
    from tools.skarmbild import vanta_pa_dash
    import time
    d = sida("/budget?belopp=mnkr")
    from selenium.webdriver.support.ui import Select
    Select(d.find_element(By.CSS_SELECTOR, "select.filter-period")).select_by_value("Delår 1 2021")
    slut = time.time() + 45
    while time.time() < slut and "period=" not in d.current_url:
        time.sleep(0.2)
    assert "belopp=mnkr" in d.current_url and "period=Del%C3%A5r+1+2021" in d.current_url
    vanta_pa_dash(d)
    time.sleep(0.5)
    vanta_pa_dash(d)
    rubrik = d.find_element(By.ID, "uppfoljning").find_element(By.TAG_NAME, "h2").text
    assert rubrik == "Uppföljning Delår 1 2021"
    tabell = d.find_element(By.ID, "tabell-uppfoljning-drift")
    assert "Budget 2021" in tabell.text and "mnkr" in tabell.text
    assert "Ej rapporterad" in tabell.text
